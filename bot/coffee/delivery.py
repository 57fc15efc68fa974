"""Sending a message exactly once into a group's conversation, across crashes.

Before posting, the attempt is recorded; the message carries metadata naming the group. If the
process dies between Slack accepting the message and our recording it, the next run finds the
attempt, looks for the marked message in the conversation's recent history and records it
instead of posting again.

A post can also land *late*: the bot was killed (or gave up waiting, after the client's HTTP
timeout) while the request was still on its way, and Slack stores the message a moment later —
after the next run has looked and found nothing. So each attempt also records until when it may
still land (`in_flight_window`: twice the client's timeout after it began), and nothing is
posted again before that time has passed: the next pass that comes later looks again. A retry
keeps the time of the first attempt.

The same holds within one run. A 5xx *answer* means Slack is done with the request, stored or
not: `post_once` waits a moment, looks for the marked message and only posts again when it is
not there. No answer at all (a timeout, or a connection that broke after the request went out)
means it may still land: it looks, and otherwise leaves the post to a later pass. The post is
sent by a client that does not retry those by itself (`bot.platform.slack_client.once_client`).

Every call here waits for its place in Slack's rate limits first (`deps.pacer`,
`bot/platform/pacing.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform.deps import Deps
from bot.platform.outbox import PERMANENT_ERRORS
from bot.platform.slack_client import once_client

log = logging.getLogger(__name__)

INTRO = "fika_intro"
FOLLOWUP = "fika_followup"
# Errors where the people themselves are the problem (deactivated, or a bot).
PERSON_ERRORS = frozenset({"user_disabled", "user_not_found", "users_not_found", "cannot_dm_bot"})

SENT = "sent"
FAILED = "failed"
RETRY = "retry"
LATER = "later"  # an earlier post may still land: this one waits, the others go on


class Permanent(Exception):
    """Slack refused for a reason retrying cannot fix."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Transient(Exception):
    """Slack or the network failed for now; try again on a later pass."""


class Ambiguous(Transient):
    """A 5xx answer or a connection lost after sending: Slack may or may not have acted.

    `answered`: Slack answered (a 5xx), so it is done with the request; otherwise (a timeout, a
    broken connection) the request may still be on its way.
    """

    def __init__(self, message: str, *, answered: bool) -> None:
        super().__init__(message)
        self.answered = answered


class InFlight(Transient):
    """An earlier post may still land in the conversation: not posted again before `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"an earlier post may still land until {until.isoformat()}")
        self.until = until


# Tries of one post within a pass when Slack's answers are ambiguous, and the pause before
# looking for the message (Slack may store it a moment after failing to answer).
POST_TRIES = 3
AMBIGUOUS_PAUSE = 1.0
# The client's HTTP timeout when it does not say (slack_sdk's own default).
DEFAULT_TIMEOUT = 30.0

RecordAttempt = Callable[[datetime], Awaitable[None]]


def in_flight_window(deps: Deps) -> timedelta:
    """How long after an attempt began its post may still land: the client's HTTP timeout
    (until it gives up waiting) and as long again for Slack to finish what it had received."""
    timeout = float(deps.client.timeout or DEFAULT_TIMEOUT)
    return timedelta(seconds=2 * timeout)


def in_flight_until(
    deps: Deps, attempted_at: datetime | None, recorded: datetime | None
) -> datetime | None:
    """Until when an earlier attempt may still land (None: there was none). Rows from before
    the deadline was recorded count from the attempt."""
    if recorded is not None:
        return recorded
    return attempted_at + in_flight_window(deps) if attempted_at is not None else None


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
            raise Ambiguous(f"{error} (HTTP {status})", answered=True) from exc
        raise Transient(error) from exc
    except aiohttp.ClientConnectorError as exc:
        raise Transient(type(exc).__name__) from exc  # never reached Slack
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise Ambiguous(type(exc).__name__, answered=False) from exc
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


async def deliver_marked(
    deps: Deps,
    channel: str,
    event_type: str,
    group_id: int,
    *,
    attempted_at: datetime | None,
    in_flight: datetime | None,
    record_attempt: RecordAttempt,
    **message: Any,
) -> tuple[str, bool]:
    """The group's marked message, posted once across crashes and late landings: (ts, whether
    it was found in the conversation rather than posted now).

    `attempted_at` / `in_flight`: the group's stored first attempt and in-flight deadline.
    `record_attempt(until)` records an attempt before each post. Raises Permanent, or Transient
    (InFlight while an earlier post may still land) for a later pass.
    """
    if attempted_at is not None:
        ts = await find_marked(deps, channel, event_type, group_id)
        if ts is not None:
            return ts, True
        until = in_flight_until(deps, attempted_at, in_flight)
        if until is not None and deps.now() < until:
            raise InFlight(until)
    return await post_once(deps, channel, event_type, group_id, record_attempt, **message), False


async def post_once(
    deps: Deps,
    channel: str,
    event_type: str,
    group_id: int,
    record_attempt: RecordAttempt,
    **message: Any,
) -> str:
    """Post the group's marked message; its ts. Never posts it twice on ambiguous answers.

    Each post is recorded first (`record_attempt(until it may land)`); once Slack has answered,
    the deadline is moved to now. Raises Permanent, or
    Transient when it is still unknown or undone (the next pass looks for the message again).
    """
    client = once_client(deps.client)
    for attempt in range(1, POST_TRIES + 1):
        await record_attempt(deps.now() + in_flight_window(deps))
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
            if exc.answered:
                await record_attempt(deps.now())  # Slack is done with it: nothing can land later
            log.warning(
                "%s of group %s: unclear whether Slack posted it (%s); looking before retrying",
                event_type,
                group_id,
                exc,
            )
            if exc.answered and attempt == POST_TRIES:
                raise
            await deps.pacer.sleep(AMBIGUOUS_PAUSE * attempt)
            ts = await find_marked(deps, channel, event_type, group_id)
            if ts is not None:
                log.info("%s of group %s was posted after all (%s)", event_type, group_id, ts)
                return ts
            if not exc.answered:
                # No answer: the post may still be on its way. A later pass looks again.
                raise Transient(f"no answer from Slack ({exc}); it may still land") from exc
        except Transient:
            await record_attempt(deps.now())  # refused (or never sent): nothing can land later
            raise
    raise Transient("not posted")  # not reached
