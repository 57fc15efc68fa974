"""Slack's side of the coffee port (`bot.coffee.effects.CoffeeEffects`): `SlackCoffeeEffects`.

A group's conversation is its group DM (conversations.open); intros and follow-ups are posted
into it exactly once across crashes, rendered by `bot.coffee.views`; the round's progress and
summary go to the program channel, the admins' failure report and the welcome DM through the
outbox (`bot.platform.outbox`, `pending_calls`) so Slack failing now loses nothing.

Sending a group message exactly once: before posting, the attempt is recorded (by the feature,
`Attempts.record`); the message carries metadata naming the group. If the process dies between
Slack accepting the message and our recording it, the next run finds the attempt, looks for the
marked message in the conversation's recent history and records it instead of posting again.

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
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import update

from bot.coffee.effects import (
    Attempts,
    Claim,
    Delivered,
    InFlight,
    MessageRef,
    Permanent,
    Transient,
    Unreachable,
)
from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.round_store import SOLO, RoundSummary
from bot.coffee.schedule import Slot
from bot.coffee.views.messages import (
    alone_blocks,
    already_claimed_text,
    followup_blocks,
    gathering_text,
    intro_blocks,
    progress_text,
    section,
    summary_text,
    welcome_blocks,
    welcome_text,
)
from bot.coffee.views.progress import members_unreadable_text
from bot.coffee.views.round_failures import FailedGroup, failure_report
from bot.people.directory import translator_for, workspace_translator
from bot.platform import outbox
from bot.platform.db.models import PendingCall
from bot.platform.deps import Deps
from bot.platform.i18n import translator
from bot.platform.outbox import PERMANENT_ERRORS
from bot.platform.slack_client import once_client

log = logging.getLogger(__name__)

INTRO = "fika_intro"
FOLLOWUP = "fika_followup"
# Errors where the people themselves are the problem (deactivated, or a bot).
PERSON_ERRORS = frozenset({"user_disabled", "user_not_found", "users_not_found", "cannot_dm_bot"})


class Ambiguous(Transient):
    """A 5xx answer or a connection lost after sending: Slack may or may not have acted.

    `answered`: Slack answered (a 5xx), so it is done with the request; otherwise (a timeout, a
    broken connection) the request may still be on its way.
    """

    def __init__(self, message: str, *, answered: bool) -> None:
        super().__init__(message)
        self.answered = answered


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
        if error in PERSON_ERRORS:
            raise Unreachable(error) from exc
        if error in PERMANENT_ERRORS:
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


async def send_pending(deps: Deps, pending_id: int) -> None:
    """Send one queued call now. The retry job is kept off it meanwhile (its next attempt
    moved out of reach), and told the outcome like `outbox.call` would."""
    lease = deps.now() + outbox.MAX_BACKOFF
    async with deps.db.begin() as session:
        result = await session.execute(
            update(PendingCall)
            .where(
                PendingCall.id == pending_id,
                PendingCall.done_at.is_(None),
                PendingCall.next_attempt_at <= deps.now(),
            )
            .values(next_attempt_at=lease)
        )
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            return
        row = await session.get(PendingCall, pending_id)
        assert row is not None
        method, args = row.method, dict(row.args)
    values: dict[str, object]
    try:
        async with deps.pacer.slot(method, str(args.get("channel") or "") or None):
            await deps.client.api_call(method, json=args)
        values = {"done_at": deps.now(), "attempts": 1}
    except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
        error = slack_error(exc) if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("%s to %s failed (%s); queued for retry", method, args.get("channel"), error)
        values = {
            "attempts": 1,
            "last_error": error,
            "next_attempt_at": deps.now() + outbox.backoff(1),
            "gave_up": error in outbox.PERMANENT_ERRORS,
        }
    async with deps.db.begin() as session:
        await session.execute(
            update(PendingCall).where(PendingCall.id == pending_id).values(**values)
        )


class SlackCoffeeEffects:
    """Slack's side of the coffee port (`bot.coffee.effects.CoffeeEffects`)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # ------------------------------------------------------------ a group's conversation

    async def open_group(self, team_id: str, user_ids: Sequence[str]) -> str:
        return await open_conversation(self.deps, list(user_ids))

    async def _marked(
        self,
        conversation: str,
        kind: str,
        group_id: int,
        attempts: Attempts,
        text: str,
        blocks: list[dict[str, Any]],
        **options: Any,
    ) -> Delivered:
        """A message marked as the group's `kind`, sent once (found again after a crash)."""
        ts, found = await deliver_marked(
            self.deps,
            conversation,
            kind,
            group_id,
            attempted_at=attempts.attempted_at,
            in_flight=attempts.in_flight_until,
            record_attempt=attempts.record,
            text=text,
            blocks=blocks,
            **options,
        )
        return Delivered(ts, found)

    async def deliver_intro(
        self, group: CoffeeGroup, conversation: str, program_channel: str, attempts: Attempts
    ) -> Delivered:
        if group.kind == SOLO:
            text, blocks = alone_blocks(translator(group.members[0].locale), program_channel)
        else:
            text, blocks = intro_blocks(group)
        return await self._marked(
            conversation,
            INTRO,
            group.id,
            attempts,
            text,
            blocks,
            unfurl_links=False,
            unfurl_media=False,
        )

    async def ask_followup(
        self, group: CoffeeGroup, conversation: str, round_day: date, attempts: Attempts
    ) -> Delivered:
        text, blocks = followup_blocks(group, round_day)
        return await self._marked(conversation, FOLLOWUP, group.id, attempts, text, blocks)

    async def show_answer(
        self, group: CoffeeGroup, conversation: str, message: str, round_day: date
    ) -> None:
        text, blocks = followup_blocks(group, round_day)
        # Through the outbox: the group should see who answered even if Slack hiccups now.
        await outbox.call(
            self.deps,
            group.team_id,
            "chat.update",
            channel=conversation,
            ts=message,
            text=text,
            blocks=blocks,
        )

    # ------------------------------------------------------------ the program channel

    async def round_started(self, team_id: str, channel_id: str) -> MessageRef | None:
        text = gathering_text(await workspace_translator(self.deps, team_id))
        try:
            resp = await self.deps.client.chat_postMessage(
                channel=channel_id, text=text, blocks=[section(text)]
            )
        except SlackApiError as exc:
            log.warning("no progress message in %s: %s", channel_id, slack_error(exc))
            return None
        return MessageRef(channel=str(resp["channel"]), ts=str(resp["ts"]))

    async def round_progress(
        self, team_id: str, progress: MessageRef, done: int, total: int
    ) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._update(progress, progress_text(t, done, total))

    async def round_not_run(self, team_id: str, progress: MessageRef, error: str | None) -> None:
        t = await workspace_translator(self.deps, team_id)
        text = already_claimed_text(t) if error is None else members_unreadable_text(t, error)
        await self._update(progress, text)

    async def round_summary(
        self, team_id: str, channel_id: str, progress: MessageRef | None, summary: RoundSummary
    ) -> None:
        text = summary_text(await workspace_translator(self.deps, team_id), summary)
        if progress is not None:
            try:
                await self._edit(progress, text)
                return
            except (Permanent, Transient) as exc:
                log.warning("summary not shown in the progress message: %s", exc)
        await outbox.call(
            self.deps,
            team_id,
            "chat.postMessage",
            channel=channel_id,
            text=text,
            blocks=[section(text)],
        )

    async def _edit(self, progress: MessageRef, text: str) -> None:
        await paced(
            self.deps,
            "chat.update",
            lambda c: c.chat_update(
                channel=progress.channel, ts=progress.ts, text=text, blocks=[section(text)]
            ),
        )

    async def _update(self, progress: MessageRef, text: str) -> None:
        try:
            await self._edit(progress, text)
        except (Permanent, Transient) as exc:
            log.warning("progress message not updated: %s", exc)

    async def report_failures(
        self,
        team_id: str,
        program_channel: str,
        admins: Sequence[str],
        failed: Sequence[FailedGroup],
        claim: Claim,
    ) -> bool:
        """The DMs are queued in `pending_calls` in the same transaction as `claim`, so neither
        a second replica nor a restart sends them again and a crash right after cannot lose
        them; they are then sent at once, like `outbox.call` would, and `jobs.retry_calls`
        retries what Slack refused for now."""
        deps = self.deps
        messages: list[dict[str, object]] = []
        for admin in admins:
            try:
                t = await translator_for(deps, team_id, admin)
            except (aiohttp.ClientError, TimeoutError, OSError):
                t = translator(deps.settings.default_locale)
            text, blocks = failure_report(t, program_channel, failed)
            messages.append({"channel": admin, "text": text, "blocks": blocks})
        now = deps.now()
        async with deps.db.begin() as session:
            if not await claim(session):
                return False
            rows = [
                PendingCall(
                    team_id=team_id,
                    method="chat.postMessage",
                    args=args,
                    attempts=0,
                    next_attempt_at=now,
                )
                for args in messages
            ]
            session.add_all(rows)
            await session.flush()
            pending_ids = [row.id for row in rows]
        for pending_id in pending_ids:
            await send_pending(deps, pending_id)
        return True

    # ------------------------------------------------------------ people

    async def welcome(self, program: CoffeeProgram, user_id: str, next_round: Slot | None) -> bool:
        t = await translator_for(self.deps, program.team_id, user_id)
        resp = await outbox.call(
            self.deps,
            program.team_id,
            "chat.postMessage",
            channel=user_id,
            text=welcome_text(t, program),
            blocks=welcome_blocks(t, program, next_round),
        )
        return resp is not None
