"""Who may review tips: the review channel's members (asked from Slack, cached briefly) plus
ADMIN_USER_IDS. Checked on the server for every click and every submission.
"""

from __future__ import annotations

from bot.people.channels import channel_members
from bot.platform.deps import Deps
from bot.tips.store import get_settings


async def review_channel(deps: Deps, team_id: str) -> str | None:
    async with deps.db() as session:
        settings = await get_settings(session, team_id)
        return settings.review_channel if settings else None


async def is_reviewer(deps: Deps, team_id: str, user_id: str) -> bool:
    if user_id in deps.settings.admin_user_ids:
        return True
    channel = await review_channel(deps, team_id)
    if channel is None:
        return False
    return user_id in await channel_members(deps, team_id, channel)
