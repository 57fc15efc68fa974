"""Coffee rounds: claiming a period, storing groups before any message, tracking delivery and
follow-up answers. Plain functions over a session; the Slack side lives in `bot.coffee`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.models import CoffeeGroup, CoffeeGroupMember, CoffeeProgram, CoffeeRound
from bot.coffee.pairing import (
    MEMORY_HORIZON,
    Candidate,
    Fairness,
    Member,
    PairHistory,
    make_groups,
    remember,
)
from bot.coffee.participants import ensure_participants
from bot.coffee.starters import choose_starter

SENDING = "sending"
DONE = "done"
GROUP = "group"
SOLO = "solo"
#: People taken out of a group before its intro because they could not be reached (the surface
#: named them): kept as a failed "group" of their own, with why, for the admins' report only.
LEFT_OUT = "left_out"
MET = "met"
NOT_MET = "not_met"
OUTCOMES = (MET, NOT_MET)

# A group DM (conversations.open with several users) holds at most 8 people.
DM_MAX_PEOPLE = 8
# Follow-ups for intros older than this (e.g. after a long outage) are not sent any more.
FOLLOWUP_STALE_AFTER = timedelta(days=14)


@dataclass(frozen=True)
class PoolPerson:
    """Someone taking part in a round, as the pairing and the intro need them."""

    user_id: str
    library_id: int | None
    library_name: str | None
    library_name_fi: str | None
    languages: frozenset[str]
    locale: str

    def candidate(self) -> Candidate:
        library = f"library:{self.library_id}" if self.library_id is not None else None
        return Candidate(self.user_id, library, self.languages)


@dataclass
class RoundSummary:
    people: int = 0  # people in groups (not the ones alone)
    groups: int = 0
    sizes: Counter[int] = field(default_factory=Counter)
    sent: int = 0  # groups whose intro went out
    failed: int = 0  # groups whose intro could not be delivered
    alone: int = 0  # people told there were not enough people


def fit_group_dm(groups: list[list[str]]) -> list[list[str]]:
    """Split any group too big for one group DM into balanced parts (each of two or more)."""
    fitted: list[list[str]] = []
    for group in groups:
        if len(group) <= DM_MAX_PEOPLE:
            fitted.append(group)
            continue
        parts = -(-len(group) // DM_MAX_PEOPLE)
        base, extra = divmod(len(group), parts)
        start = 0
        for i in range(parts):
            size = base + (1 if i < extra else 0)
            fitted.append(group[start : start + size])
            start += size
    return fitted


# A year: no program meets more often than weekly, so this keeps every remembered round.
HISTORY_MAX_AGE = timedelta(days=366)


async def load_history(
    session: AsyncSession,
    program_id: int,
    *,
    before_round_id: int | None = None,
    until: datetime | None = None,
    horizon: int = MEMORY_HORIZON,
) -> tuple[PairHistory, dict[str, Fairness]]:
    """The program's last `horizon` rounds as `make_groups` wants them (`remember`).

    One statement: the rounds come from the index on (program_id, scheduled_for, id), their
    groups and members by round. `before_round_id` leaves out the round being paired, which
    is already stored (claimed); with `until`, rounds scheduled more than a year before it
    are left out as well. Rounds without groups count as rounds (they keep their place).
    """
    rounds = (
        select(CoffeeRound.id)
        .where(CoffeeRound.program_id == program_id, CoffeeRound.id != (before_round_id or -1))
        .order_by(CoffeeRound.scheduled_for.desc(), CoffeeRound.id.desc())
        .limit(horizon)
    )
    if until is not None:
        rounds = rounds.where(CoffeeRound.scheduled_for > until - HISTORY_MAX_AGE)
    rows = await session.execute(
        select(
            CoffeeRound.id,
            CoffeeRound.scheduled_for,
            CoffeeGroupMember.group_id,
            CoffeeGroupMember.user_id,
            CoffeeGroupMember.library_id,
        )
        .select_from(CoffeeRound)
        .outerjoin(
            CoffeeGroup,
            and_(
                CoffeeGroup.round_id == CoffeeRound.id,
                CoffeeGroup.kind == GROUP,
                CoffeeGroup.failed_at.is_(None),
            ),
        )
        .outerjoin(CoffeeGroupMember, CoffeeGroupMember.group_id == CoffeeGroup.id)
        .where(CoffeeRound.id.in_(rounds))
    )
    when: dict[int, datetime] = {}
    groups: dict[int, dict[int, list[Member]]] = {}
    for round_id, scheduled_for, group_id, user_id, library_id in rows.all():
        when[round_id] = scheduled_for
        by_group = groups.setdefault(round_id, {})
        if group_id is not None and user_id is not None:
            library = f"library:{library_id}" if library_id is not None else None
            by_group.setdefault(group_id, []).append((user_id, library))
    newest_first = sorted(when, key=lambda round_id: (when[round_id], round_id), reverse=True)
    return remember([list(groups[round_id].values()) for round_id in newest_first])


async def pair_history(
    session: AsyncSession,
    program_id: int,
    horizon: int = MEMORY_HORIZON,
    before_round_id: int | None = None,
) -> dict[frozenset[str], int]:
    """Who met whom in the program's last `horizon` rounds: pair → rounds ago (1 = last)."""
    history, _ = await load_history(
        session, program_id, before_round_id=before_round_id, horizon=horizon
    )
    return dict(history)


async def _recent_starters(session: AsyncSession, program_id: int) -> dict[str, set[str]]:
    """Starter keys each person got in the program's last few rounds."""
    round_ids = list(
        await session.scalars(
            select(CoffeeRound.id)
            .where(CoffeeRound.program_id == program_id)
            .order_by(CoffeeRound.scheduled_for.desc(), CoffeeRound.id.desc())
            .limit(6)
        )
    )
    seen: dict[str, set[str]] = {}
    if not round_ids:
        return seen
    rows = await session.execute(
        select(CoffeeGroupMember.user_id, CoffeeGroup.starter_key)
        .join(CoffeeGroup, CoffeeGroup.id == CoffeeGroupMember.group_id)
        .where(CoffeeGroupMember.round_id.in_(round_ids), CoffeeGroup.starter_key.is_not(None))
    )
    for user_id, key in rows.all():
        if key:
            seen.setdefault(user_id, set()).add(key)
    return seen


async def create_round(
    session: AsyncSession,
    program: CoffeeProgram,
    *,
    period: str,
    scheduled_for: datetime,
    seed: int,
    trigger: str,
    pool: list[PoolPerson],
    now: datetime,
    started_by: str | None = None,
    progress_channel: str | None = None,
    progress_ts: str | None = None,
) -> CoffeeRound:
    """Claim the program's round for `period` and store its groups.

    The INSERT of the round is flushed first: when another process (or an earlier run) has
    the period, the unique constraint raises IntegrityError and nothing is stored. Everything
    else happens in the same transaction, so a claimed round always has its groups.
    """
    round_ = CoffeeRound(
        team_id=program.team_id,
        program_id=program.id,
        period=period,
        scheduled_for=scheduled_for,
        seed=seed,
        status=SENDING,
        trigger=trigger,
        started_by=started_by,
        pool_size=len(pool),
        created_at=now,
        progress_channel=progress_channel,
        progress_ts=progress_ts,
    )
    session.add(round_)
    await session.flush()

    history, fairness = await load_history(
        session, program.id, before_round_id=round_.id, until=scheduled_for
    )
    recent = await _recent_starters(session, program.id)
    people = {p.user_id: p for p in pool}
    groups = fit_group_dm(
        make_groups(
            [p.candidate() for p in pool], history, program.group_size, seed, fairness=fairness
        )
    )
    placed = {user_id for group in groups for user_id in group}
    alone = [[p.user_id] for p in pool if p.user_id not in placed]

    position = 0
    for kind, member_lists in ((GROUP, groups), (SOLO, alone)):
        for user_ids in member_lists:
            avoid = frozenset(k for u in user_ids for k in recent.get(u, ()))
            group = CoffeeGroup(
                team_id=program.team_id,
                round_id=round_.id,
                position=position,
                kind=kind,
                # make_groups orders members in a seeded order: the first one proposes a time.
                proposer_user_id=user_ids[0] if kind == GROUP else None,
                starter_key=choose_starter(seed, position, avoid) if kind == GROUP else None,
            )
            session.add(group)
            await session.flush()
            for user_id in user_ids:
                person = people[user_id]
                session.add(
                    CoffeeGroupMember(
                        team_id=program.team_id,
                        group_id=group.id,
                        round_id=round_.id,
                        user_id=user_id,
                        library_id=person.library_id,
                        library_name=person.library_name,
                        library_name_fi=person.library_name_fi,
                        locale=person.locale,
                    )
                )
            position += 1
    await ensure_participants(session, program, people, now)
    if not pool:
        round_.status = DONE
        round_.finished_at = now
    await session.flush()
    return round_


async def get_round(session: AsyncSession, round_id: int) -> CoffeeRound | None:
    return await session.get(CoffeeRound, round_id)


async def get_group(session: AsyncSession, group_id: int) -> CoffeeGroup | None:
    return await session.scalar(select(CoffeeGroup).where(CoffeeGroup.id == group_id))


async def round_groups(session: AsyncSession, round_id: int) -> list[CoffeeGroup]:
    return list(
        await session.scalars(
            select(CoffeeGroup)
            .where(CoffeeGroup.round_id == round_id)
            .order_by(CoffeeGroup.position)
        )
    )


async def undelivered_groups(session: AsyncSession, round_id: int) -> list[CoffeeGroup]:
    return list(
        await session.scalars(
            select(CoffeeGroup)
            .where(
                CoffeeGroup.round_id == round_id,
                CoffeeGroup.intro_sent_at.is_(None),
                CoffeeGroup.failed_at.is_(None),
            )
            .order_by(CoffeeGroup.position)
        )
    )


async def rounds_in_progress(session: AsyncSession) -> list[int]:
    return list(
        await session.scalars(
            select(CoffeeRound.id).where(CoffeeRound.status == SENDING).order_by(CoffeeRound.id)
        )
    )


async def set_conversation(session: AsyncSession, group_id: int, conversation_id: str) -> None:
    await session.execute(
        update(CoffeeGroup)
        .where(CoffeeGroup.id == group_id)
        .values(conversation_id=conversation_id)
    )


async def mark_intro_attempt(
    session: AsyncSession, group_id: int, now: datetime, in_flight_until: datetime | None = None
) -> None:
    """An intro is about to be posted: the first attempt's time stays (a retry keeps it), and
    this post may still land until `in_flight_until`."""
    values: dict[str, Any] = {
        "intro_attempted_at": func.coalesce(CoffeeGroup.intro_attempted_at, now)
    }
    if in_flight_until is not None:
        values["intro_in_flight_until"] = in_flight_until
    await session.execute(update(CoffeeGroup).where(CoffeeGroup.id == group_id).values(**values))


async def mark_intro_sent(session: AsyncSession, group_id: int, ts: str, now: datetime) -> None:
    await session.execute(
        update(CoffeeGroup)
        .where(CoffeeGroup.id == group_id, CoffeeGroup.intro_sent_at.is_(None))
        .values(intro_sent_at=now, intro_ts=ts)
    )


async def mark_failed(session: AsyncSession, group_id: int, error: str, now: datetime) -> None:
    await session.execute(
        update(CoffeeGroup)
        .where(CoffeeGroup.id == group_id)
        .values(failed_at=now, failed_error=error[:64])
    )


async def drop_members(session: AsyncSession, group_id: int, user_ids: set[str]) -> None:
    """Take people out of a group before its intro (their account was deactivated)."""
    group = await get_group(session, group_id)
    if group is None:
        return
    for member in list(group.members):
        if member.user_id in user_ids:
            await session.delete(member)
    if group.proposer_user_id in user_ids:
        rest = [m.user_id for m in group.members if m.user_id not in user_ids]
        group.proposer_user_id = rest[0] if rest else None
    await session.flush()


async def leave_out(
    session: AsyncSession, group_id: int, people: Mapping[str, str], now: datetime
) -> None:
    """Take people who could not be reached out of a group before its intro, as
    `drop_members` does, and keep them — one failed LEFT_OUT row per reason (`people`: user id
    → the surface's code) — so the admins' report names them and why."""
    group = await get_group(session, group_id)
    if group is None:
        return
    moved = [m for m in group.members if m.user_id in people]
    for error in sorted({people[m.user_id] for m in moved}):
        kept = CoffeeGroup(
            team_id=group.team_id,
            round_id=group.round_id,
            position=group.position,
            kind=LEFT_OUT,
            failed_at=now,
            failed_error=error[:64],
        )
        session.add(kept)
        await session.flush()
        for member in moved:
            if people[member.user_id] == error:
                member.group_id = kept.id
    if group.proposer_user_id in people:
        rest = [m.user_id for m in group.members if m.user_id not in people]
        group.proposer_user_id = rest[0] if rest else None
    await session.flush()


async def finish_if_complete(session: AsyncSession, round_id: int, now: datetime) -> bool:
    """Mark the round done when no group waits for its intro; True when it is done."""
    pending = await session.scalar(
        select(func.count())
        .select_from(CoffeeGroup)
        .where(
            CoffeeGroup.round_id == round_id,
            CoffeeGroup.intro_sent_at.is_(None),
            CoffeeGroup.failed_at.is_(None),
        )
    )
    if pending:
        return False
    await session.execute(
        update(CoffeeRound)
        .where(CoffeeRound.id == round_id, CoffeeRound.status == SENDING)
        .values(status=DONE, finished_at=now)
    )
    return True


async def claim_announcement(session: AsyncSession, round_id: int, now: datetime) -> bool:
    """True for the one caller who gets to post the round's channel note."""
    result = await session.execute(
        update(CoffeeRound)
        .where(CoffeeRound.id == round_id, CoffeeRound.announced_at.is_(None))
        .values(announced_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def claim_failure_report(session: AsyncSession, round_id: int, now: datetime) -> bool:
    """True for the one caller who gets to tell the admins which groups could not be reached."""
    result = await session.execute(
        update(CoffeeRound)
        .where(CoffeeRound.id == round_id, CoffeeRound.failures_reported_at.is_(None))
        .values(failures_reported_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def set_progress_message(session: AsyncSession, round_id: int, channel: str, ts: str) -> None:
    await session.execute(
        update(CoffeeRound)
        .where(CoffeeRound.id == round_id)
        .values(progress_channel=channel, progress_ts=ts)
    )


def summarize(groups: list[CoffeeGroup]) -> RoundSummary:
    summary = RoundSummary()
    for group in groups:
        size = len(group.members)
        if group.kind == SOLO:
            summary.alone += size
            continue
        if group.kind == LEFT_OUT:
            continue  # their group met without them (the admins are told)
        summary.groups += 1
        summary.people += size
        summary.sizes[size] += 1
        if group.intro_sent_at is not None:
            summary.sent += 1
        elif group.failed_at is not None:
            summary.failed += 1
    return summary


# ------------------------------------------------------------------------------ follow-ups


async def followups_due(
    session: AsyncSession, now: datetime, after: timedelta, limit: int = 200
) -> list[int]:
    """Groups whose intro went out at least `after` ago and that were not asked yet."""
    return list(
        await session.scalars(
            select(CoffeeGroup.id)
            .where(
                CoffeeGroup.kind == GROUP,
                CoffeeGroup.followup_sent_at.is_(None),
                CoffeeGroup.followup_error.is_(None),
                CoffeeGroup.failed_at.is_(None),
                CoffeeGroup.conversation_id.is_not(None),
                CoffeeGroup.intro_sent_at <= now - after,
                CoffeeGroup.intro_sent_at > now - after - FOLLOWUP_STALE_AFTER,
            )
            .order_by(CoffeeGroup.intro_sent_at, CoffeeGroup.id)
            .limit(limit)
        )
    )


async def mark_followup_attempt(
    session: AsyncSession, group_id: int, now: datetime, in_flight_until: datetime | None = None
) -> None:
    """Like `mark_intro_attempt`, for the follow-up."""
    values: dict[str, Any] = {
        "followup_attempted_at": func.coalesce(CoffeeGroup.followup_attempted_at, now)
    }
    if in_flight_until is not None:
        values["followup_in_flight_until"] = in_flight_until
    await session.execute(update(CoffeeGroup).where(CoffeeGroup.id == group_id).values(**values))


async def mark_followup_sent(session: AsyncSession, group_id: int, ts: str, now: datetime) -> None:
    await session.execute(
        update(CoffeeGroup)
        .where(CoffeeGroup.id == group_id, CoffeeGroup.followup_sent_at.is_(None))
        .values(followup_sent_at=now, followup_ts=ts)
    )


async def mark_followup_failed(session: AsyncSession, group_id: int, error: str) -> None:
    await session.execute(
        update(CoffeeGroup).where(CoffeeGroup.id == group_id).values(followup_error=error[:64])
    )


def is_member(group: CoffeeGroup, user_id: str) -> bool:
    return any(m.user_id == user_id for m in group.members)


async def record_answer(
    session: AsyncSession, group_id: int, user_id: str, outcome: str, now: datetime
) -> bool:
    """Store the group's answer if nobody answered before (atomic: the first click wins)."""
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    result = await session.execute(
        update(CoffeeGroup)
        .where(CoffeeGroup.id == group_id, CoffeeGroup.outcome.is_(None))
        .values(outcome=outcome, answered_by=user_id, answered_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def record_tip_wish(
    session: AsyncSession, group_id: int, user_id: str, now: datetime
) -> None:
    await session.execute(
        update(CoffeeGroup)
        .where(CoffeeGroup.id == group_id, CoffeeGroup.tip_wish_at.is_(None))
        .values(tip_wish_by=user_id, tip_wish_at=now)
    )


async def latest_group_of(
    session: AsyncSession, program_id: int, user_id: str
) -> tuple[CoffeeRound, CoffeeGroup] | None:
    """The person's group in the program's latest round they were part of."""
    row = (
        await session.execute(
            select(CoffeeRound, CoffeeGroup)
            .join(CoffeeGroup, CoffeeGroup.round_id == CoffeeRound.id)
            .join(CoffeeGroupMember, CoffeeGroupMember.group_id == CoffeeGroup.id)
            .where(CoffeeRound.program_id == program_id, CoffeeGroupMember.user_id == user_id)
            .order_by(CoffeeRound.scheduled_for.desc(), CoffeeRound.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    return row[0], row[1]
