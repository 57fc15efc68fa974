"""Personal data: what Fika stores about a person, forgetting them, deactivated accounts, an
uninstalled app, and how long the coffee-break history is kept (docs/privacy.md).

Plain functions over an `AsyncSession`; the caller owns the transaction, so forgetting a person
is all or nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.coffee.models import (
    CoffeeGroup,
    CoffeeGroupMember,
    CoffeeParticipant,
    CoffeeProgram,
    CoffeeRound,
)
from bot.people.members import apply_slack_profile, ensure_workspace, get_member
from bot.people.models import Library, Member
from bot.platform.db.models import PendingCall, ProcessedEvent, Workspace
from bot.tips.models import Tip, TipEvent, TipsSettings
from bot.tips.store import search_texts

# Housekeeping: event ids outlive Slack's retry window only briefly; Slack calls already made
# (their arguments name people) and calls given up (kept for the operator) are dropped later.
KEEP_EVENT_IDS = timedelta(days=2)
KEEP_DONE_CALLS = timedelta(days=7)
KEEP_GAVE_UP_CALLS = timedelta(days=30)
# How many of a person's latest coffee groups `/fika my-data` lists with names.
RECENT_GROUPS = 5


# ---------------------------------------------------------------------------- what is stored


@dataclass(frozen=True)
class RecentGroup:
    channel_id: str
    day: datetime
    partners: list[str]


@dataclass
class PersonalData:
    member: Member | None
    library: Library | None
    programs: list[tuple[str, CoffeeParticipant]] = field(default_factory=list)  # channel, row
    rounds: int = 0
    groups_met: int = 0
    recent: list[RecentGroup] = field(default_factory=list)
    tips_by_status: dict[str, int] = field(default_factory=dict)
    tips_decided: int = 0


async def personal_data(session: AsyncSession, team_id: str, user_id: str) -> PersonalData:
    """Everything stored about the person, summed up for `/fika my-data`."""
    member = await get_member(session, team_id, user_id)
    library = (
        await session.get(Library, member.library_id)
        if member is not None and member.library_id is not None
        else None
    )
    data = PersonalData(member=member, library=library)
    rows = await session.execute(
        select(CoffeeProgram.channel_id, CoffeeParticipant)
        .join(CoffeeParticipant, CoffeeParticipant.program_id == CoffeeProgram.id)
        .where(CoffeeParticipant.team_id == team_id, CoffeeParticipant.user_id == user_id)
        .order_by(CoffeeProgram.id)
    )
    data.programs = [(channel, row) for channel, row in rows.all()]
    mine = (
        select(CoffeeGroupMember.group_id)
        .where(CoffeeGroupMember.team_id == team_id, CoffeeGroupMember.user_id == user_id)
        .scalar_subquery()
    )
    data.rounds = int(
        await session.scalar(
            select(func.count())
            .select_from(CoffeeGroupMember)
            .where(CoffeeGroupMember.team_id == team_id, CoffeeGroupMember.user_id == user_id)
        )
        or 0
    )
    data.groups_met = int(
        await session.scalar(
            select(func.count())
            .select_from(CoffeeGroup)
            .where(CoffeeGroup.id.in_(mine), CoffeeGroup.outcome == "met")
        )
        or 0
    )
    recent = await session.execute(
        select(CoffeeGroup.id, CoffeeRound.scheduled_for, CoffeeProgram.channel_id)
        .join(CoffeeRound, CoffeeRound.id == CoffeeGroup.round_id)
        .join(CoffeeProgram, CoffeeProgram.id == CoffeeRound.program_id)
        .where(CoffeeGroup.id.in_(mine))
        .order_by(CoffeeRound.scheduled_for.desc(), CoffeeGroup.id.desc())
        .limit(RECENT_GROUPS)
    )
    for group_id, day, channel_id in recent.all():
        partners = list(
            await session.scalars(
                select(CoffeeGroupMember.user_id)
                .where(CoffeeGroupMember.group_id == group_id, CoffeeGroupMember.user_id != user_id)
                .order_by(CoffeeGroupMember.id)
            )
        )
        data.recent.append(RecentGroup(channel_id=channel_id, day=day, partners=partners))
    statuses = await session.execute(
        select(Tip.status, func.count())
        .where(Tip.team_id == team_id, Tip.author_id == user_id)
        .group_by(Tip.status)
    )
    data.tips_by_status = {status: int(n) for status, n in statuses.all()}
    data.tips_decided = int(
        await session.scalar(
            select(func.count())
            .select_from(Tip)
            .where(Tip.team_id == team_id, Tip.decided_by == user_id)
        )
        or 0
    )
    return data


# ---------------------------------------------------------------------------- forgetting


@dataclass
class Forgotten:
    """What forgetting changed, by table (for the log line; no names in it)."""

    counts: Counter[str] = field(default_factory=Counter)
    review_cards: list[int] = field(default_factory=list)  # tips whose card names the person


def _mentions(args: Any, needles: list[str]) -> bool:
    text = json.dumps(args, ensure_ascii=False).casefold()
    return any(n.casefold() in text for n in needles if n)


async def _own_library(
    session: AsyncSession, team_id: str, user_id: str, member: Member | None
) -> Library | None:
    """The library name the person typed themselves, when nobody else's data uses it."""
    if member is None or member.library_id is None:
        return None
    library = await session.get(Library, member.library_id)
    if library is None or library.curated:
        return None
    used = [
        select(func.count())
        .select_from(Member)
        .where(Member.library_id == library.id, Member.id != member.id),
        select(func.count())
        .select_from(CoffeeGroupMember)
        .where(CoffeeGroupMember.library_id == library.id, CoffeeGroupMember.user_id != user_id),
        select(func.count())
        .select_from(Tip)
        .where(Tip.library_id == library.id, Tip.author_id != user_id),
    ]
    for query in used:
        if await session.scalar(query):
            return None
    return library


# Columns that name the person as the one who did something: the person becomes the
# placeholder there, the record stays.
_COFFEE_ACTORS: tuple[InstrumentedAttribute[Any], ...] = (
    CoffeeGroup.proposer_user_id,
    CoffeeGroup.answered_by,
    CoffeeGroup.tip_wish_by,
    CoffeeRound.started_by,
    CoffeeProgram.created_by,
    CoffeeProgram.stopped_by,
)
_TIPS_ACTORS: tuple[InstrumentedAttribute[Any], ...] = (
    Tip.author_id,
    Tip.decided_by,
    TipEvent.actor_id,
    TipsSettings.review_set_by,
    TipsSettings.digest_set_by,
)


async def _replace(
    run: Callable[[str, Any], Awaitable[None]],
    column: InstrumentedAttribute[Any],
    team_id: str,
    user_id: str,
    placeholder: str,
) -> None:
    model: Any = column.class_
    await run(
        model.__tablename__,
        update(model)
        .where(model.team_id == team_id, column == user_id)
        .values({column.key: placeholder}),
    )


async def forget_person(
    session: AsyncSession, team_id: str, user_id: str, placeholder: str
) -> Forgotten:
    """Delete the person's profile, participation and pauses; replace their id by `placeholder`
    in the pairing history, follow-up answers, tips, review decisions and audit trail; drop
    Slack calls that name them. The tips themselves stay (authored by "a former member")."""
    done = Forgotten()
    member = await get_member(session, team_id, user_id)
    own_library = await _own_library(session, team_id, user_id, member)
    names = [user_id]
    if member is not None and member.display_name:
        names.append(member.display_name)
    library_names = (
        [n for n in (own_library.name_sv, own_library.name_fi) if n] if own_library else []
    )
    names += library_names

    async def run(label: str, statement: Any) -> None:
        result = await session.execute(statement)
        done.counts[label] += int(getattr(result, "rowcount", 0) or 0)

    # Coffee breaks: the person's standing (pauses included) goes; the history keeps a stranger.
    await run(
        "coffee_participants",
        delete(CoffeeParticipant).where(
            CoffeeParticipant.team_id == team_id, CoffeeParticipant.user_id == user_id
        ),
    )
    # Solo "not enough people" notes went to the person's own DM with the bot: its id and
    # timestamps point at them alone.
    solo_groups = (
        select(CoffeeGroupMember.group_id)
        .join(CoffeeGroup, CoffeeGroup.id == CoffeeGroupMember.group_id)
        .where(
            CoffeeGroupMember.team_id == team_id,
            CoffeeGroupMember.user_id == user_id,
            CoffeeGroup.kind == "solo",
        )
        .scalar_subquery()
    )
    await run(
        "coffee_groups",
        update(CoffeeGroup)
        .where(CoffeeGroup.id.in_(solo_groups))
        .values(conversation_id=None, intro_ts=None, followup_ts=None)
        .execution_options(synchronize_session=False),
    )
    # A group whose introduction has not gone out yet meets without them (an introduction naming
    # a forgotten person could not be delivered anyway).
    unsent = (
        select(CoffeeGroup.id)
        .where(
            CoffeeGroup.team_id == team_id,
            CoffeeGroup.intro_attempted_at.is_(None),
            CoffeeGroup.intro_sent_at.is_(None),
            CoffeeGroup.failed_at.is_(None),
        )
        .scalar_subquery()
    )
    await run(
        "coffee_group_members",
        delete(CoffeeGroupMember)
        .where(
            CoffeeGroupMember.team_id == team_id,
            CoffeeGroupMember.user_id == user_id,
            CoffeeGroupMember.group_id.in_(unsent),
        )
        .execution_options(synchronize_session=False),
    )
    own_names: dict[str, Any] = {}
    if own_library is not None:
        own_names = {"library_id": None, "library_name": None, "library_name_fi": None}
    await run(
        "coffee_group_members",
        update(CoffeeGroupMember)
        .where(CoffeeGroupMember.team_id == team_id, CoffeeGroupMember.user_id == user_id)
        .values(user_id=placeholder, **own_names),
    )
    for column in _COFFEE_ACTORS:
        await _replace(run, column, team_id, user_id, placeholder)

    # Tips stay; who wrote or decided them does not.
    done.review_cards = list(
        await session.scalars(
            select(Tip.id).where(
                Tip.team_id == team_id,
                or_(Tip.author_id == user_id, Tip.decided_by == user_id),
                Tip.review_ts.is_not(None),
            )
        )
    )
    if own_library is not None:
        # The library name only they used goes from their tips, and from the search index.
        own_tips = await session.scalars(
            select(Tip).where(
                Tip.team_id == team_id,
                Tip.author_id == user_id,
                or_(
                    Tip.library_id == own_library.id,
                    Tip.library_name.in_(library_names),
                ),
            )
        )
        for tip in own_tips:
            tip.library_id = None
            tip.library_name = None
            tip.search_title, tip.search_body = search_texts(tip)
            done.counts["tips"] += 1
        await session.flush()
    for column in _TIPS_ACTORS:
        await _replace(run, column, team_id, user_id, placeholder)

    # Slack calls queued or kept for the operator that are addressed to or name the person.
    calls = await session.execute(
        select(PendingCall.id, PendingCall.args).where(PendingCall.team_id == team_id)
    )
    stale = [call_id for call_id, args in calls.all() if _mentions(args, names)]
    if stale:
        await run("pending_calls", delete(PendingCall).where(PendingCall.id.in_(stale)))

    # Last the profile, and the library name only they used.
    if member is not None:
        await run("members", delete(Member).where(Member.id == member.id))
    if own_library is not None:
        await run("libraries", delete(Library).where(Library.id == own_library.id))
    return done


# ---------------------------------------------------------------------------- Slack events


async def apply_user_change(
    session: AsyncSession, team_id: str, user: dict[str, Any], now: datetime
) -> tuple[Member, bool] | None:
    """A `user_change` for someone Fika knows: their stored Slack data (deactivated, bot, name,
    language) follows at once. Returns the member and whether `deleted` changed; None for a
    person Fika has never stored (nothing is created for them)."""
    member = await get_member(session, team_id, str(user.get("id") or ""))
    if member is None:
        return None
    before = member.deleted
    apply_slack_profile(member, user, now)
    return member, before != member.deleted


@dataclass(frozen=True)
class Uninstalled:
    programs_stopped: int
    calls_dropped: int
    profiles_cleared: int


async def mark_uninstalled(session: AsyncSession, team_id: str, now: datetime) -> Uninstalled:
    """The app was removed (or its bot token revoked): stop the workspace's scheduled work and
    forget what was only a copy of Slack's data. People's own choices and the history stay, so
    a reinstall continues where it was (`/fika start` in each channel restarts its rounds)."""
    workspace = await ensure_workspace(session, team_id)
    workspace.uninstalled_at = now
    stopped = await session.execute(
        update(CoffeeProgram)
        .where(CoffeeProgram.team_id == team_id, CoffeeProgram.active.is_(True))
        .values(active=False, stopped_at=now, stopped_by=None, updated_at=now)
    )
    # Rounds still going out and follow-ups not asked yet cannot be sent with a dead token.
    round_ids = select(CoffeeRound.id).where(
        CoffeeRound.team_id == team_id, CoffeeRound.status == "sending"
    )
    await session.execute(
        update(CoffeeRound)
        .where(CoffeeRound.id.in_(round_ids.scalar_subquery()))
        .values(status="done", finished_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(CoffeeGroup)
        .where(
            CoffeeGroup.team_id == team_id,
            CoffeeGroup.followup_sent_at.is_(None),
            CoffeeGroup.followup_error.is_(None),
        )
        .values(followup_error="app_uninstalled")
    )
    dropped = await session.execute(
        delete(PendingCall).where(PendingCall.team_id == team_id, PendingCall.done_at.is_(None))
    )
    # The copies of Slack profiles (names, Slack language, time zone, roles).
    cleared = await session.execute(
        update(Member)
        .where(Member.team_id == team_id)
        .values(
            display_name=None,
            slack_locale=None,
            tz=None,
            slack_checked_at=None,
            is_workspace_admin=False,
        )
    )
    return Uninstalled(
        programs_stopped=int(getattr(stopped, "rowcount", 0) or 0),
        calls_dropped=int(getattr(dropped, "rowcount", 0) or 0),
        profiles_cleared=int(getattr(cleared, "rowcount", 0) or 0),
    )


async def mark_installed(session: AsyncSession, team_id: str) -> bool:
    """Slack sent the workspace a request again: scheduled work resumes. True when it was
    marked uninstalled."""
    workspace = await session.get(Workspace, team_id)
    if workspace is None or workspace.uninstalled_at is None:
        return False
    workspace.uninstalled_at = None
    return True


async def uninstalled_teams(session: AsyncSession) -> set[str]:
    return set(
        await session.scalars(
            select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None))
        )
    )


# ---------------------------------------------------------------------------- retention


@dataclass(frozen=True)
class Purged:
    rounds: int
    events: int
    calls: int
    #: Teams' records of once-only messages (bot.teamsapp.store.purge_deliveries).
    deliveries: int = 0


async def purge_old_data(session: AsyncSession, now: datetime, retention_days: int) -> Purged:
    """Coffee rounds (with their groups, members and answers) older than `retention_days`
    (0: kept forever), event ids past Slack's retries, Slack calls done or given up long ago."""
    rounds = 0
    if retention_days > 0:
        old = now - timedelta(days=retention_days)
        ids = list(
            await session.scalars(
                select(CoffeeRound.id).where(
                    CoffeeRound.scheduled_for < old, CoffeeRound.status != "sending"
                )
            )
        )
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            await session.execute(
                delete(CoffeeGroupMember).where(CoffeeGroupMember.round_id.in_(chunk))
            )
            await session.execute(delete(CoffeeGroup).where(CoffeeGroup.round_id.in_(chunk)))
            await session.execute(delete(CoffeeRound).where(CoffeeRound.id.in_(chunk)))
        rounds = len(ids)
    events = await session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_EVENT_IDS)
    )
    calls = await session.execute(
        delete(PendingCall).where(
            or_(
                PendingCall.done_at < now - KEEP_DONE_CALLS,
                (PendingCall.gave_up.is_(True))
                & (PendingCall.created_at < now - KEEP_GAVE_UP_CALLS),
            )
        )
    )
    return Purged(
        rounds=rounds,
        events=int(getattr(events, "rowcount", 0) or 0),
        calls=int(getattr(calls, "rowcount", 0) or 0),
    )
