"""'Did you meet?' some days after the intro, and the group's answer (the first one counts)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coffee import round_store as rounds_db
from bot.coffee.effects import (
    RETRY,
    SENT,
    Attempts,
    CoffeeEffects,
    settled,
)
from bot.coffee.locks import exclusive
from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.surface import coffee_effects
from bot.platform.dates import local
from bot.platform.deps import Deps

log = logging.getLogger(__name__)

SKIPPED = "skipped"


async def _round_day(deps: Deps, group: CoffeeGroup) -> date:
    async with deps.db() as session:
        round_ = await rounds_db.get_round(session, group.round_id)
        assert round_ is not None
        program = await session.get(CoffeeProgram, round_.program_id)
    tz = ZoneInfo(program.tz if program else deps.settings.timezone)
    return local(round_.scheduled_for, tz).date()


async def send_due_followups(
    deps: Deps, limit: int = 200, effects: CoffeeEffects | None = None
) -> int:
    """Ask every group whose intro went out FOLLOWUP_DAYS ago; returns how many were asked."""
    out = coffee_effects(deps, effects)
    after = timedelta(days=deps.settings.followup_days)
    async with deps.db() as session:
        due = await rounds_db.followups_due(session, deps.now(), after, limit)
    sent = 0
    for group_id in due:
        outcome = await send_followup(deps, group_id, out)
        if outcome == RETRY:
            break
        sent += outcome == SENT
    return sent


async def send_followup(deps: Deps, group_id: int, effects: CoffeeEffects | None = None) -> str:
    out = coffee_effects(deps, effects)
    async with exclusive(deps, "followup", group_id) as mine:
        if not mine:
            return SKIPPED
        async with deps.db() as session:
            group = await rounds_db.get_group(session, group_id)
        if group is None or group.followup_sent_at is not None or group.conversation_id is None:
            return SKIPPED

        async def record_attempt(until: datetime) -> None:
            async with deps.db.begin() as session:
                await rounds_db.mark_followup_attempt(session, group_id, deps.now(), until)

        attempts = Attempts(
            group.followup_attempted_at, group.followup_in_flight_until, record_attempt
        )

        found, conversation = group, group.conversation_id

        async def ask() -> str:
            delivered = await out.ask_followup(
                found, conversation, await _round_day(deps, found), attempts
            )
            async with deps.db.begin() as session:
                await rounds_db.mark_followup_sent(session, group_id, delivered.message, deps.now())
            return SENT

        async def failed(error: str) -> None:
            async with deps.db.begin() as session:
                await rounds_db.mark_followup_failed(session, group_id, error)

        return await settled("follow-up", group_id, ask, failed)


async def standing(deps: Deps, group_id: int, user_id: str) -> str:
    """Whether the person may answer for the group: "member", "not_member" or "not_found"."""
    async with deps.db() as session:
        group = await rounds_db.get_group(session, group_id)
    if group is None:
        return "not_found"
    return "member" if rounds_db.is_member(group, user_id) else "not_member"


@dataclass(frozen=True)
class AnswerResult:
    status: str  # "won" | "lost" | "not_member" | "not_found"
    group: CoffeeGroup | None


async def answer(
    deps: Deps,
    group_id: int,
    user_id: str,
    outcome: str,
    *,
    tip_wish: bool = False,
    channel_id: str | None = None,
    message_ts: str | None = None,
    effects: CoffeeEffects | None = None,
) -> AnswerResult:
    """Record a click on the follow-up; the first answer of a group counts. The message is
    updated to show who answered (every click re-renders it from the stored state)."""
    now = deps.now()
    async with deps.db.begin() as session:
        group = await rounds_db.get_group(session, group_id)
        if group is None:
            return AnswerResult("not_found", None)
        if not rounds_db.is_member(group, user_id):
            return AnswerResult("not_member", group)
        won = await rounds_db.record_answer(session, group_id, user_id, outcome, now)
        if tip_wish:
            await rounds_db.record_tip_wish(session, group_id, user_id, now)
    async with deps.db() as session:
        group = await rounds_db.get_group(session, group_id)
    assert group is not None
    channel = group.conversation_id or channel_id
    ts = group.followup_ts or message_ts
    if channel and ts:
        out = coffee_effects(deps, effects)
        await out.show_answer(group, channel, ts, await _round_day(deps, group))
    return AnswerResult("won" if won else "lost", group)
