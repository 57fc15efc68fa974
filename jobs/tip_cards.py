"""Review cards that could not be posted when the tip was sent (Slack failed, or no review
channel was set yet) are posted here."""

from __future__ import annotations

from sqlalchemy import select

from bot.platform.deps import Deps
from bot.privacy.store import uninstalled_teams
from bot.tips.delivery import post_missing_cards
from bot.tips.models import TipsSettings


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
