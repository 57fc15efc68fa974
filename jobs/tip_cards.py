"""Review cards that could not be posted when the tip was sent (Slack failed, or no review
channel was set yet) are posted here."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.tips_models import TipsSettings
from bot.deps import Deps
from bot.domain.privacy import uninstalled_teams
from bot.tip_delivery import post_missing_cards


async def run(deps: Deps) -> int:
    async with deps.db() as session:
        teams = list(
            await session.scalars(
                select(TipsSettings.team_id).where(TipsSettings.review_channel.is_not(None))
            )
        )
        gone = await uninstalled_teams(session)  # app_uninstalled: no cards until it is back
    teams = [team_id for team_id in teams if team_id not in gone]
    posted = 0
    for team_id in teams:
        posted += await post_missing_cards(deps, team_id)
    return posted
