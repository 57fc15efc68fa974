"""Sending a message exactly once into a group's conversation, across crashes.

Before posting, the attempt is recorded; the message carries metadata naming the group. If the
process dies between Slack accepting the message and our recording it, the next run finds the
attempt, looks for the marked message in the conversation's recent history and records it
instead of posting again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.outbox import PERMANENT_ERRORS

log = logging.getLogger(__name__)

INTRO = "fika_intro"
FOLLOWUP = "fika_followup"
# Errors where the people themselves are the problem (deactivated, or a bot).
PERSON_ERRORS = frozenset({"user_disabled", "user_not_found", "users_not_found", "cannot_dm_bot"})

SENT = "sent"
FAILED = "failed"
RETRY = "retry"


class Permanent(Exception):
    """Slack refused for a reason retrying cannot fix."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Transient(Exception):
    """Slack or the network failed for now; try again on a later pass."""


def slack_error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") or "unknown_error")


async def guarded(request: Awaitable[Any]) -> dict[str, Any]:
    """Await a Web API call; Slack's and the network's failures become Permanent/Transient."""
    try:
        resp = await request
    except SlackApiError as exc:
        error = slack_error(exc)
        if error in PERMANENT_ERRORS or error in PERSON_ERRORS:
            raise Permanent(error) from exc
        raise Transient(error) from exc
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise Transient(type(exc).__name__) from exc
    return dict(resp.data) if isinstance(resp.data, dict) else {}


async def open_conversation(deps: Deps, user_ids: list[str]) -> str:
    resp = await guarded(deps.client.conversations_open(users=user_ids))
    return str(resp["channel"]["id"])


async def find_marked(deps: Deps, channel: str, event_type: str, group_id: int) -> str | None:
    """The ts of our message for `group_id` in the channel's recent history, if there is one."""
    try:
        resp = await guarded(
            deps.client.conversations_history(channel=channel, limit=50, include_all_metadata=True)
        )
    except (Permanent, Transient) as exc:
        log.warning("cannot check %s for an earlier message: %s", channel, exc)
        return None
    for message in resp.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == event_type and payload.get("group_id") == group_id:
            return str(message["ts"])
    return None


def marked(event_type: str, group_id: int) -> dict[str, Any]:
    return {"event_type": event_type, "event_payload": {"group_id": group_id}}
