"""Sending a message exactly once into a group's conversation, across crashes.

Before posting, the attempt is recorded; the message carries metadata naming the group. If the
process dies between Slack accepting the message and our recording it, the next run finds the
attempt, looks for the marked message in the conversation's recent history and records it
instead of posting again.

The same holds within one run: a 5xx answer or a connection that broke after the request went
out leaves it open whether Slack posted the message. The post is therefore sent by a client
that does not retry those by itself (`bot.slack_client.once_client`); `post_once` looks for the
marked message first and only posts again when it is not there.

Every call here waits for its place in Slack's rate limits first (`deps.pacer`, `bot/pacing.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.outbox import PERMANENT_ERRORS
from bot.slack_client import once_client

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


class Ambiguous(Transient):
    """A 5xx answer or a connection lost after sending: Slack may or may not have acted."""


# Tries of one post within a pass when Slack's answers are ambiguous, and the pause before
# looking for the message (Slack may store it a moment after failing to answer).
POST_TRIES = 3
AMBIGUOUS_PAUSE = 1.0


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
        status = getattr(exc.response, "status_code", 200) or 200
        if status >= 500:
            raise Ambiguous(f"{error} (HTTP {status})") from exc
        raise Transient(error) from exc
    except aiohttp.ClientConnectorError as exc:
        raise Transient(type(exc).__name__) from exc  # never reached Slack
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise Ambiguous(type(exc).__name__) from exc
    return dict(resp.data) if isinstance(resp.data, dict) else {}


async def paced(
    deps: Deps,
    method: str,
    request: Callable[[AsyncWebClient], Awaitable[Any]],
    *,
    channel: str | None = None,
    client: AsyncWebClient | None = None,
) -> dict[str, Any]:
    """`request(client)` once its place in `method`'s rate limits has come, guarded."""
    async with deps.pacer.slot(method, channel):
        return await guarded(request(client or deps.client))


async def open_conversation(deps: Deps, user_ids: list[str]) -> str:
    resp = await paced(deps, "conversations.open", lambda c: c.conversations_open(users=user_ids))
    return str(resp["channel"]["id"])


async def find_marked(deps: Deps, channel: str, event_type: str, group_id: int) -> str | None:
    """The ts of our message for `group_id` in the channel's recent history, if there is one.

    Raises Transient when the history cannot be read for now: posting without knowing could
    post twice. When Slack refuses for good (e.g. the scope is missing), None.
    """
    try:
        resp = await paced(
            deps,
            "conversations.history",
            lambda c: c.conversations_history(channel=channel, limit=50, include_all_metadata=True),
        )
    except Permanent as exc:
        log.warning("cannot check %s for an earlier message: %s", channel, exc)
        return None
    except Transient as exc:
        log.warning("cannot check %s for an earlier message now: %s", channel, exc)
        raise Transient(f"history unreadable: {exc}") from exc
    for message in resp.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == event_type and payload.get("group_id") == group_id:
            return str(message["ts"])
    return None


def marked(event_type: str, group_id: int) -> dict[str, Any]:
    return {"event_type": event_type, "event_payload": {"group_id": group_id}}


async def post_once(
    deps: Deps, channel: str, event_type: str, group_id: int, **message: Any
) -> str:
    """Post the group's marked message; its ts. Never posts it twice on ambiguous answers.

    The caller has recorded the attempt. Raises Permanent, or Transient when it is still
    unknown or undone after POST_TRIES (the next pass looks for the message again).
    """
    client = once_client(deps.client)
    for attempt in range(1, POST_TRIES + 1):
        try:
            resp = await paced(
                deps,
                "chat.postMessage",
                lambda c: c.chat_postMessage(
                    channel=channel, metadata=marked(event_type, group_id), **message
                ),
                channel=channel,
                client=client,
            )
            return str(resp["ts"])
        except Ambiguous as exc:
            log.warning(
                "%s of group %s: unclear whether Slack posted it (%s); looking before retrying",
                event_type,
                group_id,
                exc,
            )
            if attempt == POST_TRIES:
                raise
            await deps.pacer.sleep(AMBIGUOUS_PAUSE * attempt)
            ts = await find_marked(deps, channel, event_type, group_id)
            if ts is not None:
                log.info("%s of group %s was posted after all (%s)", event_type, group_id, ts)
                return ts
    raise Transient("not posted")  # not reached
