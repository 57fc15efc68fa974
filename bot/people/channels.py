"""Who is in a channel, as last read from the chat surface (cached a minute): the review
channel's members are the reviewers, a program channel's members its pool on the Home."""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import trigger
from bot.platform.chat import ChatError
from bot.platform.deps import Deps

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

    A failure counts as "no members" (for the review channel: only admins review) and is not
    cached.
    """
    key = (team_id, channel_id)
    now = deps.now()
    entry = _cache(deps).get(key)
    if entry is not None and now - entry.fetched_at < CACHE_FOR:
        return entry.members
    try:
        members = await trigger.bounded(deps.chat.group_members(channel_id))
    except ChatError as exc:
        log.warning("members of channel %s not read: %s", channel_id, exc.code)
        return frozenset()
    except trigger.BudgetSpent:
        log.warning(
            "conversations.members for %s did not answer before a form had to open", channel_id
        )
        return frozenset()
    result = frozenset(members)
    _cache(deps)[key] = _Entry(result, now)
    return result
