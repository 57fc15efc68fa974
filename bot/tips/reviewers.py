"""Who may review tips: the review channel's members (asked from Slack, cached briefly) plus
ADMIN_USER_IDS. Checked on the server for every click and every submission.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import trigger
from bot.platform.chat import ChatError
from bot.platform.deps import Deps
from bot.tips.store import get_settings

log = logging.getLogger(__name__)

CACHE_FOR = timedelta(seconds=60)


@dataclass
class _Entry:
    members: frozenset[str]
    fetched_at: datetime


# One cache per Slack client (a deployment has one; tests have one per app).
_caches: weakref.WeakKeyDictionary[AsyncWebClient, dict[tuple[str, str], _Entry]] = (
    weakref.WeakKeyDictionary()
)


def _cache(deps: Deps) -> dict[tuple[str, str], _Entry]:
    return _caches.setdefault(deps.client, {})


def forget(deps: Deps, team_id: str, channel_id: str) -> None:
    """Drop a channel's cached members (after setup, or when membership is known to change)."""
    _cache(deps).pop((team_id, channel_id), None)


async def channel_members(deps: Deps, team_id: str, channel_id: str) -> frozenset[str]:
    """Members of a channel, every page of conversations.members, cached for CACHE_FOR.

    A Slack failure counts as "no members" (only admins review) and is not cached long.
    """
    key = (team_id, channel_id)
    now = deps.now()
    entry = _cache(deps).get(key)
    if entry is not None and now - entry.fetched_at < CACHE_FOR:
        return entry.members
    try:
        members = await trigger.bounded(deps.chat.group_members(channel_id))
    except ChatError as exc:
        log.warning("members of review channel %s not read: %s", channel_id, exc.code)
        return frozenset()
    except trigger.BudgetSpent:
        log.warning(
            "conversations.members for %s did not answer before a form had to open", channel_id
        )
        return frozenset()
    result = frozenset(members)
    _cache(deps)[key] = _Entry(result, now)
    return result


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
