"""A person's standing in a coffee-break program: in, on a break (until when), left or never
joined; the next round; their latest coffee group. Computed once here for `/fika status`
(bot.coffee.service.status) and for the App Home (bot.home.store.coffee_cards)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.coffee.participants import ACTIVE, LEFT, PAUSED
from bot.coffee.programs import next_round
from bot.coffee.round_store import SOLO, latest_group_of
from bot.coffee.schedule import local_today
from bot.coffee.views.messages import IntroPerson
from bot.platform.dates import local

# Not taking part: no stored row, and not in the program's channel.
OUT = "out"

# A partner in the person's latest coffee group, with their library's names.
Partner = IntroPerson


@dataclass(frozen=True)
class Standing:
    program: CoffeeProgram
    state: str  # active | paused | left | out
    paused_until: date | None  # set only while paused
    in_channel: bool
    next_at: datetime | None  # None once the person has left
    group_day: date | None  # the day of the person's latest coffee group
    partners: tuple[Partner, ...]
    conversation_id: str | None  # that group's DM


def program_state(
    row_status: str | None, paused_until: date | None, in_channel: bool, today: date
) -> str:
    """active / paused / left as stored (a pause ends by itself), or by channel membership when
    there is no row yet – the same rule as `bot.coffee.enrolment.programs_of`."""
    if row_status is None:
        return ACTIVE if in_channel else OUT
    if row_status == PAUSED and paused_until is not None and paused_until <= today:
        return ACTIVE
    return row_status


def state_of(
    program: CoffeeProgram, row: CoffeeParticipant | None, in_channel: bool, now: datetime
) -> str:
    return program_state(
        row.status if row is not None else None,
        row.paused_until if row is not None else None,
        in_channel,
        local_today(now, program.tz),
    )


async def standing_in(
    session: AsyncSession,
    program: CoffeeProgram,
    row: CoffeeParticipant | None,
    user_id: str,
    now: datetime,
    in_channel: bool,
) -> Standing:
    """How `user_id` stands in `program`, given their stored row (or None)."""
    state = state_of(program, row, in_channel, now)
    latest = await latest_group_of(session, program.id, user_id)
    partners: tuple[Partner, ...] = ()
    group_day = None
    conversation_id = None
    if latest is not None:
        round_, group = latest
        if group.kind != SOLO and group.failed_at is None:
            partners = tuple(
                Partner(m.user_id, m.library_name, m.library_name_fi)
                for m in group.members
                if m.user_id != user_id
            )
            group_day = local(round_.scheduled_for, ZoneInfo(program.tz)).date()
            conversation_id = group.conversation_id
    nxt = await next_round(session, program, now) if state != LEFT else None
    return Standing(
        program=program,
        state=state,
        paused_until=row.paused_until if row is not None and state == PAUSED else None,
        in_channel=in_channel,
        next_at=nxt.at if nxt is not None else None,
        group_day=group_day,
        partners=partners,
        conversation_id=conversation_id,
    )
