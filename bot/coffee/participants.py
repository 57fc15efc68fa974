"""Who takes part in a program: joining, leaving, pausing, and the pool of a round."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.people.models import Member
from bot.platform.db.upsert import insert_missing, read_back
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_

ACTIVE = "active"
PAUSED = "paused"
LEFT = "left"

SLACKBOT = "USLACKBOT"
MAX_PAUSE_WEEKS = 52

PAUSE_USAGE = N_(
    "Tell me for how many weeks, or until which date, e.g. `/fika pause 2 weeks` or "
    "`/fika pause 2027-01-15`."
)

_WEEKS = re.compile(
    r"^(\d{1,3})(?:\s*(?:w|wk|wks|week|weeks|v|vecka|veckor|vko|viikko|viikkoa|viikoksi))?$"
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def effective_status(participant: CoffeeParticipant | None, today: date) -> str:
    """A person's status on `today`: a pause ends by itself on its end date; no row = active."""
    if participant is None:
        return ACTIVE
    if (
        participant.status == PAUSED
        and participant.paused_until is not None
        and participant.paused_until <= today
    ):
        return ACTIVE
    return participant.status


def is_human(member: Member | None, bot_user_id: str | None = None) -> bool:
    if member is None:
        return False
    if member.user_id in (SLACKBOT, bot_user_id):
        return False
    return not member.is_bot and not member.deleted


def filter_pool(
    channel_member_ids: Iterable[str],
    members: Mapping[str, Member],
    participants: Mapping[str, CoffeeParticipant],
    today: date,
    bot_user_id: str | None = None,
) -> list[str]:
    """The channel's people who take part on `today`, in channel order, each once.

    Out: bots (the app itself too), Slackbot, deactivated accounts, people unknown to the
    directory, people who left the program and people whose pause has not ended yet.
    """
    pool: list[str] = []
    seen: set[str] = set()
    for user_id in channel_member_ids:
        if user_id in seen:
            continue
        seen.add(user_id)
        if not is_human(members.get(user_id), bot_user_id):
            continue
        if effective_status(participants.get(user_id), today) != ACTIVE:
            continue
        pool.append(user_id)
    return pool


def parse_pause(text: str, today: date) -> date:
    """'2 weeks' / '2 veckor' / '3 viikkoa' / '2' → today + N weeks; '2027-01-15' or
    '15.1.2027' → that date. The pause ends (the person is back) on the returned date."""
    text = " ".join(text.lower().split())
    if not text:
        raise UserFacingError(PAUSE_USAGE)
    if m := _WEEKS.match(text):
        weeks = int(m.group(1))
        if not 1 <= weeks <= MAX_PAUSE_WEEKS:
            raise UserFacingError(
                N_("A pause can last from 1 to {max} weeks."), max=MAX_PAUSE_WEEKS
            )
        return today + timedelta(weeks=weeks)
    m = _ISO_DATE.match(text)
    parts = (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    if parts is None and (m := _FI_DATE.match(text)):
        parts = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if parts is None:
        raise UserFacingError(PAUSE_USAGE)
    try:
        until = date(*parts)
    except ValueError:
        raise UserFacingError(PAUSE_USAGE) from None
    return check_pause_date(until, today)


def check_pause_date(until: date, today: date) -> date:
    if until <= today:
        raise UserFacingError(N_("Pick a date after today."))
    if until > today + timedelta(weeks=MAX_PAUSE_WEEKS):
        raise UserFacingError(N_("A pause can last from 1 to {max} weeks."), max=MAX_PAUSE_WEEKS)
    return until


async def get_participant(
    session: AsyncSession, program_id: int, user_id: str
) -> CoffeeParticipant | None:
    return await session.scalar(
        select(CoffeeParticipant).where(
            CoffeeParticipant.program_id == program_id, CoffeeParticipant.user_id == user_id
        )
    )


async def participants_by_user(
    session: AsyncSession, program_id: int
) -> dict[str, CoffeeParticipant]:
    rows = await session.scalars(
        select(CoffeeParticipant).where(CoffeeParticipant.program_id == program_id)
    )
    return {p.user_id: p for p in rows}


def _new_row(program: CoffeeProgram, user_id: str, now: datetime) -> dict[str, object]:
    """A participant row as inserted: active, joined now."""
    return {
        "team_id": program.team_id,
        "program_id": program.id,
        "user_id": user_id,
        "status": ACTIVE,
        "joined_at": now,
        "updated_at": now,
    }


async def _upsert(
    session: AsyncSession, program: CoffeeProgram, user_id: str, now: datetime
) -> tuple[CoffeeParticipant, str | None]:
    """The participant row (created if missing), locked for this transaction, and its status
    before this change (None: this call created it).

    The same person's requests can run at once (a double click, a command sent twice): the
    row is inserted if missing and then read back locked, so the second request waits for the
    first and sees what it stored ("already in") instead of failing on the unique key.
    """
    created = await insert_missing(
        session,
        CoffeeParticipant,
        _new_row(program, user_id, now),
        key=("program_id", "user_id"),
    )
    row = await session.scalar(
        read_back(
            select(CoffeeParticipant).where(
                CoffeeParticipant.program_id == program.id, CoffeeParticipant.user_id == user_id
            ),
            lock=True,
        )
    )
    if row is None:
        raise LookupError(f"participant {user_id} of program {program.id} vanished")
    return row, None if created else row.status


async def set_active(
    session: AsyncSession, program: CoffeeProgram, user_id: str, now: datetime
) -> tuple[CoffeeParticipant, str | None]:
    """Join (or come back). Returns the row and the previous stored status (None: new)."""
    row, before = await _upsert(session, program, user_id, now)
    if row.status == LEFT:
        row.joined_at = now
    row.status = ACTIVE
    row.paused_until = None
    row.left_at = None
    row.updated_at = now
    return row, before


async def set_left(
    session: AsyncSession, program: CoffeeProgram, user_id: str, now: datetime
) -> tuple[CoffeeParticipant, str | None]:
    row, before = await _upsert(session, program, user_id, now)
    row.status = LEFT
    row.paused_until = None
    row.left_at = now
    row.updated_at = now
    return row, before


async def set_paused(
    session: AsyncSession, program: CoffeeProgram, user_id: str, until: date, now: datetime
) -> CoffeeParticipant:
    row, _ = await _upsert(session, program, user_id, now)
    row.status = PAUSED
    row.paused_until = until
    row.left_at = None
    row.updated_at = now
    return row


async def ensure_participants(
    session: AsyncSession, program: CoffeeProgram, user_ids: Iterable[str], now: datetime
) -> None:
    """Create an active row for everyone in `user_ids` who has none (first seen in a round)."""
    known = set(await participants_by_user(session, program.id))
    await insert_missing(
        session,
        CoffeeParticipant,
        [
            _new_row(program, user_id, now)
            for user_id in dict.fromkeys(user_ids)
            if user_id not in known
        ],
        key=("program_id", "user_id"),
    )


async def end_finished_pauses(session: AsyncSession, today: date, now: datetime) -> int:
    """Store `active` for pauses that have ended (their effect already holds without this)."""
    result = await session.execute(
        update(CoffeeParticipant)
        .where(CoffeeParticipant.status == PAUSED, CoffeeParticipant.paused_until <= today)
        .values(status=ACTIVE, paused_until=None, updated_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def participations(
    session: AsyncSession, team_id: str, user_id: str
) -> list[tuple[CoffeeProgram, CoffeeParticipant]]:
    """The person's rows in active programs (any status)."""
    rows = await session.execute(
        select(CoffeeProgram, CoffeeParticipant)
        .join(CoffeeParticipant, CoffeeParticipant.program_id == CoffeeProgram.id)
        .where(
            CoffeeProgram.team_id == team_id,
            CoffeeProgram.active.is_(True),
            CoffeeParticipant.user_id == user_id,
        )
        .order_by(CoffeeProgram.id)
    )
    return [(program, participant) for program, participant in rows.all()]
