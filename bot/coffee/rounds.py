"""Running a coffee round: claim → pair (stored) → one conversation and intro per group → note.

Our tables are the truth. A round is claimed by inserting it (unique per program and period)
together with its groups, before any message is sent; each intro is recorded as it goes out,
so a restart (or the next scheduler tick) finishes a round without re-pairing or re-sending.

What goes out goes through the coffee port (`bot.coffee.effects.CoffeeEffects`; Slack's adapter
by default, `bot.coffee.surface`): nothing here knows the surface or renders a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee import round_store as rounds_db
from bot.coffee.channel import gather_pool
from bot.coffee.effects import (
    LATER,
    RETRY,
    SENT,
    Attempts,
    CoffeeEffects,
    MessageRef,
    Permanent,
    Transient,
    Unreachable,
    settled,
)
from bot.coffee.locks import exclusive
from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.participants import end_finished_pauses, is_human
from bot.coffee.programs import active_programs, done_periods, schedule_of
from bot.coffee.round_store import GROUP, PoolPerson, create_round
from bot.coffee.schedule import current_slot, due_slot, local_today
from bot.coffee.surface import coffee_effects
from bot.coffee.views.round_failures import FailedGroup
from bot.people.directory import ensure_member
from bot.platform.chat import ChatError
from bot.platform.deps import Deps

log = logging.getLogger(__name__)

MANUAL = "manual"
SCHEDULED = "schedule"
# A progress message is updated at most this many times per round (chat.update is Tier 3).
PROGRESS_UPDATES = 20
# Group conversations opened ahead of the intro being sent (see _open_ahead).
OPEN_AHEAD = 8
# A group whose conversation is open (or failed to open, and how), or None: no more groups.
Opened = tuple[CoffeeGroup, Permanent | Transient | None] | None
# The round's progress note in the program channel.
Progress = MessageRef


async def _load(deps: Deps, round_id: int) -> tuple[CoffeeRound, CoffeeProgram] | None:
    async with deps.db() as session:
        round_ = await rounds_db.get_round(session, round_id)
        if round_ is None:
            return None
        program = await session.get(CoffeeProgram, round_.program_id)
        if program is None:
            return None
        return round_, program


async def claim_round(
    deps: Deps,
    program: CoffeeProgram,
    pool: list[PoolPerson],
    *,
    period: str,
    trigger: str,
    scheduled_for_now: bool,
    started_by: str | None = None,
    progress: Progress | None = None,
) -> int | None:
    """Store the round and its groups; None when the period is already claimed."""
    now = deps.now()
    slot_time = current_slot(schedule_of(program), now).at
    try:
        async with deps.db.begin() as session:
            round_ = await create_round(
                session,
                program,
                period=period,
                scheduled_for=now if scheduled_for_now else slot_time,
                seed=deps.new_seed(),
                trigger=trigger,
                pool=pool,
                now=now,
                started_by=started_by,
                progress_channel=progress.channel if progress else None,
                progress_ts=progress.ts if progress else None,
            )
            round_id = round_.id
    except IntegrityError:
        log.info("round %s of program %s is already claimed", period, program.id)
        return None
    log.info(
        "round %s claimed for program %s (%s): %s people", period, program.id, trigger, len(pool)
    )
    return round_id


async def run_scheduled_round(
    deps: Deps, program_id: int, period: str, effects: CoffeeEffects | None = None
) -> int | None:
    async with deps.db() as session:
        program = await session.get(CoffeeProgram, program_id)
    if program is None or not program.active:
        return None
    try:
        pool = await gather_pool(deps, program)
    except ChatError as exc:
        log.warning(
            "cannot read members of %s for round %s: %s", program.channel_id, period, exc.code
        )
        return None
    round_id = await claim_round(
        deps, program, pool, period=period, trigger=SCHEDULED, scheduled_for_now=False
    )
    if round_id is not None:
        await deliver_round(deps, round_id, effects)
    return round_id


async def pair_now(
    deps: Deps, program_id: int, admin_user_id: str, effects: CoffeeEffects | None = None
) -> int | None:
    """`/fika pair-now`: a round at once, with a progress message in the channel."""
    out = coffee_effects(deps, effects)
    async with deps.db() as session:
        program = await session.get(CoffeeProgram, program_id)
    if program is None:
        return None
    progress = await out.round_started(program.team_id, program.channel_id)
    try:
        pool = await gather_pool(deps, program)
    except ChatError as exc:
        log.warning("cannot read members of %s: %s", program.channel_id, exc.code)
        if progress is not None:
            await out.round_not_run(program.team_id, progress, exc.code)
        return None
    period = current_slot(schedule_of(program), deps.now()).period
    round_id = await claim_round(
        deps,
        program,
        pool,
        period=period,
        trigger=MANUAL,
        scheduled_for_now=True,
        started_by=admin_user_id,
        progress=progress,
    )
    if round_id is None:
        if progress is not None:
            await out.round_not_run(program.team_id, progress, None)
        return None
    await deliver_round(deps, round_id, out)
    return round_id


def _progress_of(round_: CoffeeRound) -> MessageRef | None:
    if round_.progress_channel and round_.progress_ts:
        return MessageRef(round_.progress_channel, round_.progress_ts)
    return None


async def deliver_round(deps: Deps, round_id: int, effects: CoffeeEffects | None = None) -> None:
    """Send every intro of the round that has not gone out yet; finish and announce it.

    Safe to call any time from anywhere: one worker per round at a time, and what was sent is
    never sent again. A failure worth retrying stops here; the next tick resumes.
    """
    out = coffee_effects(deps, effects)
    async with exclusive(deps, "round", round_id) as mine:
        if not mine:
            return
        loaded = await _load(deps, round_id)
        if loaded is None:
            return
        round_, program = loaded
        if round_.status == rounds_db.DONE:
            await _announce(deps, round_id, out)
            await _report_failures(deps, round_id, out)
            return
        async with deps.db() as session:
            groups = await rounds_db.round_groups(session, round_id)
        total = sum(1 for g in groups if g.kind == GROUP)
        done = sum(
            1 for g in groups if g.kind == GROUP and (g.intro_sent_at or g.failed_at) is not None
        )
        step = max(1, -(-total // PROGRESS_UPDATES))
        progress = _progress_of(round_)
        todo = [g for g in groups if g.intro_sent_at is None and g.failed_at is None]
        opened: asyncio.Queue[Opened] = asyncio.Queue(maxsize=OPEN_AHEAD)
        opener = asyncio.create_task(_open_ahead(deps, out, todo, opened))
        try:
            while (item := await opened.get()) is not None:
                group, open_error = item
                outcome = await _deliver_intro(deps, out, program, group, open_error)
                if outcome == RETRY:
                    log.info(
                        "round %s paused after a delivery failure; resuming on the next tick",
                        round_id,
                    )
                    return
                if outcome == LATER:
                    continue  # the round finishes on a later tick
                if group.kind == GROUP:
                    done += 1
                    if progress and done < total and done % step == 0:
                        await out.round_progress(program.team_id, progress, done, total)
        finally:
            opener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await opener
        async with deps.db.begin() as session:
            finished = await rounds_db.finish_if_complete(session, round_id, deps.now())
        if finished:
            await _announce(deps, round_id, out)
            await _report_failures(deps, round_id, out)


async def _open_ahead(
    deps: Deps, out: CoffeeEffects, groups: list[CoffeeGroup], opened: asyncio.Queue[Opened]
) -> None:
    """Open the groups' conversations a few groups ahead of their intros, then put None.

    Opening and posting have limits of their own (Slack: conversations.open and
    chat.postMessage), so the next conversation is opened while an intro waits for its turn or
    is sent. A group whose conversation did not open is passed on with the failure, which
    `_deliver_intro` handles as before; after a failure worth retrying nothing more is opened
    (the round pauses there).
    """
    try:
        for group in groups:
            if group.conversation_id is None:
                try:
                    conversation = await out.open_group(
                        group.team_id, [m.user_id for m in group.members]
                    )
                except (Permanent, Transient) as exc:
                    await opened.put((group, exc))
                    if isinstance(exc, Transient):
                        break
                    continue
                async with deps.db.begin() as session:
                    await rounds_db.set_conversation(session, group.id, conversation)
                group.conversation_id = conversation
            await opened.put((group, None))
    except Exception:
        log.exception("opening group conversations failed; the round resumes on the next tick")
    await opened.put(None)


async def _deliver_intro(
    deps: Deps,
    out: CoffeeEffects,
    program: CoffeeProgram,
    group: CoffeeGroup,
    open_error: Permanent | Transient | None = None,
) -> str:
    """Open the group's conversation and send its intro once. SENT, FAILED (for good), RETRY,
    or LATER (an earlier attempt may still land).

    `open_error`: opening the conversation (ahead, by `_open_ahead`) failed so.
    """

    async def failed(error: str) -> None:
        async with deps.db.begin() as session:
            await rounds_db.mark_failed(session, group.id, error, deps.now())

    return await settled(
        "intro",
        group.id,
        lambda: _try_intro(deps, out, program, group, drop_allowed=True, open_error=open_error),
        failed,
    )


async def _try_intro(
    deps: Deps,
    out: CoffeeEffects,
    program: CoffeeProgram,
    group: CoffeeGroup,
    drop_allowed: bool,
    open_error: Permanent | Transient | None = None,
) -> str:
    conversation = group.conversation_id
    if conversation is None:
        try:
            if open_error is not None:
                raise open_error
            conversation = await out.open_group(group.team_id, [m.user_id for m in group.members])
        except Unreachable as exc:
            if group.kind == GROUP and drop_allowed:
                smaller = await _without_unreachable(deps, program, group, exc)
                if smaller is not None:
                    return await _try_intro(deps, out, program, smaller, drop_allowed=False)
            raise
        async with deps.db.begin() as session:
            await rounds_db.set_conversation(session, group.id, conversation)

    async def record_attempt(until: datetime) -> None:
        async with deps.db.begin() as session:
            await rounds_db.mark_intro_attempt(session, group.id, deps.now(), until)

    attempts = Attempts(group.intro_attempted_at, group.intro_in_flight_until, record_attempt)
    delivered = await out.deliver_intro(group, conversation, program.channel_id, attempts)
    if delivered.found:
        log.info("intro of group %s was already delivered (%s); recorded", group.id, delivered)
    async with deps.db.begin() as session:
        await rounds_db.mark_intro_sent(session, group.id, delivered.message, deps.now())
        if delivered.not_reached and group.kind == GROUP:
            # The others got their intro; the admins' report names who did not, and why.
            log.info("group %s: %s member(s) not reached", group.id, len(delivered.not_reached))
            await rounds_db.leave_out(session, group.id, delivered.not_reached, deps.now())
    return SENT


async def _without_unreachable(
    deps: Deps, program: CoffeeProgram, group: CoffeeGroup, exc: Unreachable
) -> CoffeeGroup | None:
    """The group without members the surface says are gone, if two or more remain.

    When the surface names who cannot be reached (`exc.people`, Teams), those are taken out
    and kept with why (`rounds_db.leave_out`), for the admins' report; otherwise (Slack) the
    members are re-read and the deactivated ones and bots are dropped."""
    if exc.people:
        unreachable = {
            m.user_id: exc.people[m.user_id] for m in group.members if m.user_id in exc.people
        }
        if not unreachable or len(group.members) - len(unreachable) < 2:
            return None
        log.info("group %s continues without %s unreachable member(s)", group.id, len(unreachable))
        async with deps.db.begin() as session:
            await rounds_db.leave_out(session, group.id, unreachable, deps.now())
        async with deps.db() as session:
            return await rounds_db.get_group(session, group.id)
    gone: set[str] = set()
    for member in group.members:
        fresh = await ensure_member(deps, program.team_id, member.user_id, force=True)
        if not is_human(fresh):
            gone.add(member.user_id)
    remaining = len(group.members) - len(gone)
    if not gone or remaining < 2:
        return None
    log.info("group %s continues without %s deactivated member(s)", group.id, len(gone))
    async with deps.db.begin() as session:
        await rounds_db.drop_members(session, group.id, gone)
    async with deps.db() as session:
        return await rounds_db.get_group(session, group.id)


async def _announce(deps: Deps, round_id: int, out: CoffeeEffects) -> None:
    """The round's channel note, once: the progress message becomes the summary, or a post."""
    async with deps.db.begin() as session:
        if not await rounds_db.claim_announcement(session, round_id, deps.now()):
            return
    loaded = await _load(deps, round_id)
    if loaded is None:
        return
    round_, program = loaded
    async with deps.db() as session:
        summary = rounds_db.summarize(await rounds_db.round_groups(session, round_id))
    progress = _progress_of(round_)
    if progress is None and summary.people == 0 and summary.alone == 0:
        return  # nobody took part in a scheduled round: nothing worth a channel message
    await out.round_summary(program.team_id, program.channel_id, progress, summary)


def _admins(deps: Deps, round_: CoffeeRound) -> list[str]:
    """Who hears about intros that failed for good: ADMIN_USER_IDS and who started the round."""
    admins = set(deps.settings.admin_user_ids)
    if round_.trigger == MANUAL and round_.started_by:
        admins.add(round_.started_by)
    return sorted(admins)


async def _report_failures(deps: Deps, round_id: int, effects: CoffeeEffects | None = None) -> None:
    """Once per round, if any intro failed for good: one message to each admin, in their
    language (`CoffeeEffects.report_failures`, claimed with `failures_reported_at` in the
    transaction that keeps the messages, so neither a second replica nor a restart sends them
    again and a crash right after cannot lose them)."""
    loaded = await _load(deps, round_id)
    if loaded is None:
        return
    round_, program = loaded
    if round_.failures_reported_at is not None:
        return
    async with deps.db() as session:
        groups = await rounds_db.round_groups(session, round_id)
    failed = [
        FailedGroup(
            [m.user_id for m in g.members],
            g.failed_error or "unknown_error",
            left_out=g.kind == rounds_db.LEFT_OUT,
        )
        for g in groups
        if g.failed_at is not None
    ]
    now = deps.now()

    async def claim(session: AsyncSession) -> bool:
        return await rounds_db.claim_failure_report(session, round_id, now)

    if not failed:
        async with deps.db.begin() as session:
            await claim(session)
        return
    out = coffee_effects(deps, effects)
    told = await out.report_failures(
        program.team_id, program.channel_id, _admins(deps, round_), failed, claim
    )
    if told:
        log.info("round %s: %s intro(s) failed for good; admins told", round_id, len(failed))


async def run_due(deps: Deps, effects: CoffeeEffects | None = None) -> None:
    """The scheduler's tick: finish rounds in progress, then start the rounds that are due."""
    out = coffee_effects(deps, effects)
    now = deps.now()
    async with deps.db.begin() as session:
        await end_finished_pauses(session, local_today(now, deps.settings.timezone), now)
    async with deps.db() as session:
        in_progress = await rounds_db.rounds_in_progress(session)
    for round_id in in_progress:
        await deliver_round(deps, round_id, out)
    due: list[tuple[int, str]] = []
    async with deps.db() as session:
        for program in await active_programs(session):
            slot = due_slot(
                schedule_of(program),
                now,
                program.schedule_set_at,
                await done_periods(session, program.id),
            )
            if slot is not None:
                due.append((program.id, slot.period))
    for program_id, period in due:
        await run_scheduled_round(deps, program_id, period, out)
