"""Running a coffee round: claim → pair (stored) → one group DM and intro per group → note.

Our tables are the truth. A round is claimed by inserting it (unique per program and period)
together with its groups, before any message is sent; each intro is recorded as it goes out,
so a restart (or the next scheduler tick) finishes a round without re-pairing or re-sending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.coffee import round_store as rounds_db
from bot.coffee.channel import gather_pool
from bot.coffee.delivery import (
    FAILED,
    INTRO,
    LATER,
    PERSON_ERRORS,
    RETRY,
    SENT,
    InFlight,
    Permanent,
    Transient,
    deliver_marked,
    open_conversation,
    paced,
    slack_error,
)
from bot.coffee.locks import exclusive
from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.participants import end_finished_pauses, is_human
from bot.coffee.programs import active_programs, done_periods, schedule_of
from bot.coffee.round_store import GROUP, SOLO, PoolPerson, create_round
from bot.coffee.schedule import current_slot, due_slot, local_today
from bot.coffee.views.messages import (
    alone_blocks,
    already_claimed_text,
    gathering_text,
    intro_blocks,
    progress_text,
    section,
    summary_text,
)
from bot.coffee.views.round_failures import FailedGroup, failure_report
from bot.people.directory import ensure_member, translator_for, workspace_translator
from bot.platform import outbox
from bot.platform.db.models import PendingCall
from bot.platform.deps import Deps
from bot.platform.i18n import translator

log = logging.getLogger(__name__)

MANUAL = "manual"
SCHEDULED = "schedule"
# A progress message is updated at most this many times per round (chat.update is Tier 3).
PROGRESS_UPDATES = 20
# Group DMs opened ahead of the intro being posted (see _open_ahead).
OPEN_AHEAD = 8
# A group whose DM is open (or failed to open, and how), or None: no more groups.
Opened = tuple[CoffeeGroup, Permanent | Transient | None] | None


@dataclass(frozen=True)
class Progress:
    channel: str
    ts: str


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


async def run_scheduled_round(deps: Deps, program_id: int, period: str) -> int | None:
    async with deps.db() as session:
        program = await session.get(CoffeeProgram, program_id)
    if program is None or not program.active:
        return None
    try:
        pool = await gather_pool(deps, program)
    except SlackApiError as exc:
        log.warning(
            "cannot read members of %s for round %s: %s",
            program.channel_id,
            period,
            slack_error(exc),
        )
        return None
    round_id = await claim_round(
        deps, program, pool, period=period, trigger=SCHEDULED, scheduled_for_now=False
    )
    if round_id is not None:
        await deliver_round(deps, round_id)
    return round_id


async def pair_now(deps: Deps, program_id: int, admin_user_id: str) -> int | None:
    """`/fika pair-now`: a round at once, with a progress message in the channel."""
    async with deps.db() as session:
        program = await session.get(CoffeeProgram, program_id)
    if program is None:
        return None
    t = await workspace_translator(deps, program.team_id)
    text = gathering_text(t)
    progress: Progress | None = None
    try:
        resp = await deps.client.chat_postMessage(
            channel=program.channel_id, text=text, blocks=[section(text)]
        )
        progress = Progress(channel=str(resp["channel"]), ts=str(resp["ts"]))
    except SlackApiError as exc:
        log.warning("no progress message in %s: %s", program.channel_id, slack_error(exc))
    try:
        pool = await gather_pool(deps, program)
    except SlackApiError as exc:
        log.warning("cannot read members of %s: %s", program.channel_id, slack_error(exc))
        if progress is not None:
            await _update(
                deps,
                progress,
                t(
                    "I could not read who is in this channel ({error}), so there was no round.",
                    error=slack_error(exc),
                ),
            )
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
            await _update(deps, progress, already_claimed_text(t))
        return None
    await deliver_round(deps, round_id)
    return round_id


async def _update(deps: Deps, progress: Progress, text: str) -> None:
    try:
        await paced(
            deps,
            "chat.update",
            lambda c: c.chat_update(
                channel=progress.channel, ts=progress.ts, text=text, blocks=[section(text)]
            ),
        )
    except (Permanent, Transient) as exc:
        log.warning("progress message not updated: %s", exc)


async def deliver_round(deps: Deps, round_id: int) -> None:
    """Send every intro of the round that has not gone out yet; finish and announce it.

    Safe to call any time from anywhere: one worker per round at a time, and what was sent is
    never sent again. A Slack failure worth retrying stops here; the next tick resumes.
    """
    async with exclusive(deps, "round", round_id) as mine:
        if not mine:
            return
        loaded = await _load(deps, round_id)
        if loaded is None:
            return
        round_, program = loaded
        if round_.status == rounds_db.DONE:
            await _announce(deps, round_id)
            await _report_failures(deps, round_id)
            return
        async with deps.db() as session:
            groups = await rounds_db.round_groups(session, round_id)
        total = sum(1 for g in groups if g.kind == GROUP)
        done = sum(
            1 for g in groups if g.kind == GROUP and (g.intro_sent_at or g.failed_at) is not None
        )
        step = max(1, -(-total // PROGRESS_UPDATES))
        progress = (
            Progress(round_.progress_channel, round_.progress_ts)
            if round_.progress_channel and round_.progress_ts
            else None
        )
        t = await workspace_translator(deps, program.team_id) if progress else None
        todo = [g for g in groups if g.intro_sent_at is None and g.failed_at is None]
        opened: asyncio.Queue[Opened] = asyncio.Queue(maxsize=OPEN_AHEAD)
        opener = asyncio.create_task(_open_ahead(deps, todo, opened))
        try:
            while (item := await opened.get()) is not None:
                group, open_error = item
                outcome = await _deliver_intro(deps, program, group, open_error)
                if outcome == RETRY:
                    log.info(
                        "round %s paused after a Slack failure; resuming on the next tick",
                        round_id,
                    )
                    return
                if outcome == LATER:
                    continue  # the round finishes on a later tick
                if group.kind == GROUP:
                    done += 1
                    if progress and t and done < total and done % step == 0:
                        await _update(deps, progress, progress_text(t, done, total))
        finally:
            opener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await opener
        async with deps.db.begin() as session:
            finished = await rounds_db.finish_if_complete(session, round_id, deps.now())
        if finished:
            await _announce(deps, round_id)
            await _report_failures(deps, round_id)


async def _open_ahead(deps: Deps, groups: list[CoffeeGroup], opened: asyncio.Queue[Opened]) -> None:
    """Open the groups' DMs a few groups ahead of their intros, then put None.

    conversations.open and chat.postMessage have limits of their own, so the next DM is
    opened while an intro waits for its turn or is posted. A group whose DM did not open is
    passed on with the failure, which `_deliver_intro` handles as before; after a failure worth
    retrying nothing more is opened (the round pauses there).
    """
    try:
        for group in groups:
            if group.conversation_id is None:
                try:
                    conversation = await open_conversation(deps, [m.user_id for m in group.members])
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
        log.exception("opening group DMs failed; the round resumes on the next tick")
    await opened.put(None)


async def _deliver_intro(
    deps: Deps,
    program: CoffeeProgram,
    group: CoffeeGroup,
    open_error: Permanent | Transient | None = None,
) -> str:
    """Open the group's DM and post its intro once. SENT, FAILED (for good), RETRY, or LATER
    (an earlier attempt may still land).

    `open_error`: opening the DM (ahead, by `_open_ahead`) failed so.
    """
    try:
        return await _try_intro(deps, program, group, drop_allowed=True, open_error=open_error)
    except InFlight as exc:
        log.info("intro of group %s waits: %s", group.id, exc)
        return LATER
    except Transient as exc:
        log.warning("intro of group %s not sent yet: %s", group.id, exc)
        return RETRY
    except Permanent as exc:
        log.warning("intro of group %s cannot be delivered: %s", group.id, exc.error)
        async with deps.db.begin() as session:
            await rounds_db.mark_failed(session, group.id, exc.error, deps.now())
        return FAILED


async def _try_intro(
    deps: Deps,
    program: CoffeeProgram,
    group: CoffeeGroup,
    drop_allowed: bool,
    open_error: Permanent | Transient | None = None,
) -> str:
    user_ids = [m.user_id for m in group.members]
    conversation = group.conversation_id
    if conversation is None:
        try:
            if open_error is not None:
                raise open_error
            conversation = await open_conversation(deps, user_ids)
        except Permanent as exc:
            if exc.error in PERSON_ERRORS and group.kind == GROUP and drop_allowed:
                smaller = await _without_unreachable(deps, program, group)
                if smaller is not None:
                    return await _try_intro(deps, program, smaller, drop_allowed=False)
            raise
        async with deps.db.begin() as session:
            await rounds_db.set_conversation(session, group.id, conversation)
    if group.kind == SOLO:
        member = group.members[0]
        text, blocks = alone_blocks(translator(member.locale), program.channel_id)
    else:
        text, blocks = intro_blocks(group)

    async def record_attempt(until: datetime) -> None:
        async with deps.db.begin() as session:
            await rounds_db.mark_intro_attempt(session, group.id, deps.now(), until)

    ts, found = await deliver_marked(
        deps,
        conversation,
        INTRO,
        group.id,
        attempted_at=group.intro_attempted_at,
        in_flight=group.intro_in_flight_until,
        record_attempt=record_attempt,
        text=text,
        blocks=blocks,
        unfurl_links=False,
        unfurl_media=False,
    )
    if found:
        log.info("intro of group %s was already delivered (%s); recorded", group.id, ts)
    async with deps.db.begin() as session:
        await rounds_db.mark_intro_sent(session, group.id, ts, deps.now())
    return SENT


async def _without_unreachable(
    deps: Deps, program: CoffeeProgram, group: CoffeeGroup
) -> CoffeeGroup | None:
    """The group without members Slack says are gone, if two or more remain."""
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


async def _announce(deps: Deps, round_id: int) -> None:
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
    t = await workspace_translator(deps, program.team_id)
    text = summary_text(t, summary)
    if round_.progress_channel and round_.progress_ts:
        channel, ts = round_.progress_channel, round_.progress_ts
        try:
            await paced(
                deps,
                "chat.update",
                lambda c: c.chat_update(channel=channel, ts=ts, text=text, blocks=[section(text)]),
            )
            return
        except (Permanent, Transient) as exc:
            log.warning("summary not shown in the progress message: %s", exc)
    elif summary.people == 0 and summary.alone == 0:
        return  # nobody took part in a scheduled round: nothing worth a channel message
    await outbox.call(
        deps,
        program.team_id,
        "chat.postMessage",
        channel=program.channel_id,
        text=text,
        blocks=[section(text)],
    )


def _admins(deps: Deps, round_: CoffeeRound) -> list[str]:
    """Who hears about intros that failed for good: ADMIN_USER_IDS and who started the round."""
    admins = set(deps.settings.admin_user_ids)
    if round_.trigger == MANUAL and round_.started_by:
        admins.add(round_.started_by)
    return sorted(admins)


async def _report_failures(deps: Deps, round_id: int) -> None:
    """Once per round, if any intro failed for good: one DM to each admin, in their language.

    The DMs are queued in `pending_calls` in the same transaction that records the report
    (`failures_reported_at`), so neither a second replica nor a restart sends them again and a
    crash right after cannot lose them; they are then sent at once, like `outbox.call` would,
    and `jobs.retry_calls` retries what Slack refused for now.
    """
    loaded = await _load(deps, round_id)
    if loaded is None:
        return
    round_, program = loaded
    if round_.failures_reported_at is not None:
        return
    async with deps.db() as session:
        groups = await rounds_db.round_groups(session, round_id)
    failed = [
        FailedGroup([m.user_id for m in g.members], g.failed_error or "unknown_error")
        for g in groups
        if g.failed_at is not None
    ]
    admins = _admins(deps, round_)
    messages: list[dict[str, object]] = []
    if failed:
        for admin in admins:
            try:
                t = await translator_for(deps, program.team_id, admin)
            except (aiohttp.ClientError, TimeoutError, OSError):
                t = translator(deps.settings.default_locale)
            text, blocks = failure_report(t, program.channel_id, failed)
            messages.append({"channel": admin, "text": text, "blocks": blocks})
    now = deps.now()
    async with deps.db.begin() as session:
        if not await rounds_db.claim_failure_report(session, round_id, now):
            return
        rows = [
            PendingCall(
                team_id=program.team_id,
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
    if failed:
        log.info("round %s: %s intro(s) failed for good; admins told", round_id, len(failed))
    for pending_id in pending_ids:
        await _send_pending(deps, pending_id)


async def _send_pending(deps: Deps, pending_id: int) -> None:
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


async def run_due(deps: Deps) -> None:
    """The scheduler's tick: finish rounds in progress, then start the rounds that are due."""
    now = deps.now()
    async with deps.db.begin() as session:
        await end_finished_pauses(session, local_today(now, deps.settings.timezone), now)
    async with deps.db() as session:
        in_progress = await rounds_db.rounds_in_progress(session)
    for round_id in in_progress:
        await deliver_round(deps, round_id)
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
        await run_scheduled_round(deps, program_id, period)
