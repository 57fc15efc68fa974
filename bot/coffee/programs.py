"""Coffee programs: a channel, its schedule and group size."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.models import CoffeeProgram, CoffeeRound
from bot.coffee.schedule import Schedule, ScheduleArgs, Slot, anchor_for, next_slot
from bot.platform.db.upsert import insert_missing, read_back
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_HOUR = 9
DEFAULT_MINUTE = 0
DEFAULT_INTERVAL_WEEKS = 1
DEFAULT_GROUP_SIZE = 2
MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 6


def schedule_of(program: CoffeeProgram) -> Schedule:
    return Schedule(
        weekday=program.weekday,
        hour=program.hour,
        minute=program.minute,
        interval_weeks=program.interval_weeks,
        tz=program.tz,
        anchor_week=program.anchor_week,
    )


async def program_in_channel(
    session: AsyncSession, team_id: str, channel_id: str
) -> CoffeeProgram | None:
    return await session.scalar(
        select(CoffeeProgram).where(
            CoffeeProgram.team_id == team_id, CoffeeProgram.channel_id == channel_id
        )
    )


async def active_programs(session: AsyncSession, team_id: str | None = None) -> list[CoffeeProgram]:
    query = select(CoffeeProgram).where(CoffeeProgram.active.is_(True))
    if team_id is not None:
        query = query.where(CoffeeProgram.team_id == team_id)
    return list(await session.scalars(query.order_by(CoffeeProgram.id)))


async def start_program(
    session: AsyncSession, team_id: str, channel_id: str, user_id: str, tz: str, now: datetime
) -> tuple[CoffeeProgram, str]:
    """Make the channel a program (or restart a stopped one).

    Returns the program and what happened: "created", "restarted" or "running" (already on).
    Safe when the command comes many times at once: exactly one of them creates (or restarts)
    the program, the others find it running.
    """
    program = await program_in_channel(session, team_id, channel_id)
    if program is not None and program.active:
        return program, "running"
    if program is None:
        created = await insert_missing(
            session,
            CoffeeProgram,
            {
                "team_id": team_id,
                "channel_id": channel_id,
                "weekday": DEFAULT_WEEKDAY,
                "hour": DEFAULT_HOUR,
                "minute": DEFAULT_MINUTE,
                "interval_weeks": DEFAULT_INTERVAL_WEEKS,
                "group_size": DEFAULT_GROUP_SIZE,
                "tz": tz,
                "anchor_week": anchor_for(DEFAULT_WEEKDAY, DEFAULT_HOUR, DEFAULT_MINUTE, tz, now),
                "schedule_set_at": now,
                "created_by": user_id,
                "created_at": now,
                "updated_at": now,
            },
            key=("team_id", "channel_id"),
        )
        program = await _read_back(session, team_id, channel_id)
        if created:
            return program, "created"
        if program.active:
            return program, "running"
    # Restarted by the one request that finds it stopped (the row decides, not what we read).
    restarted = await session.execute(
        update(CoffeeProgram)
        .where(CoffeeProgram.id == program.id, CoffeeProgram.active.is_(False))
        .values(
            active=True,
            stopped_at=None,
            stopped_by=None,
            # The schedule starts over from now: no round counts as missed while it was stopped.
            anchor_week=anchor_for(program.weekday, program.hour, program.minute, program.tz, now),
            schedule_set_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    program = await _read_back(session, team_id, channel_id)
    return program, "restarted" if int(getattr(restarted, "rowcount", 0) or 0) == 1 else "running"


async def _read_back(session: AsyncSession, team_id: str, channel_id: str) -> CoffeeProgram:
    program = await session.scalar(
        read_back(
            select(CoffeeProgram).where(
                CoffeeProgram.team_id == team_id, CoffeeProgram.channel_id == channel_id
            )
        )
    )
    if program is None:
        raise LookupError(f"program in {channel_id} vanished")
    return program


def stop_program(program: CoffeeProgram, user_id: str, now: datetime) -> None:
    program.active = False
    program.stopped_at = now
    program.stopped_by = user_id
    program.updated_at = now


def set_schedule(program: CoffeeProgram, args: ScheduleArgs, now: datetime) -> None:
    program.weekday = args.weekday
    program.hour = args.hour
    program.minute = args.minute
    program.interval_weeks = args.interval_weeks
    program.anchor_week = anchor_for(args.weekday, args.hour, args.minute, program.tz, now)
    program.schedule_set_at = now
    program.updated_at = now


def parse_group_size(text: str) -> int:
    try:
        size = int(text.strip().split()[0]) if text.strip() else 0
    except ValueError:
        size = 0
    if not MIN_GROUP_SIZE <= size <= MAX_GROUP_SIZE:
        raise UserFacingError(
            N_("Give a group size from {min} to {max}, e.g. `/fika size 3`."),
            min=MIN_GROUP_SIZE,
            max=MAX_GROUP_SIZE,
        )
    return size


def set_group_size(program: CoffeeProgram, size: int, now: datetime) -> None:
    program.group_size = size
    program.updated_at = now


async def done_periods(session: AsyncSession, program_id: int) -> frozenset[str]:
    return frozenset(
        await session.scalars(
            select(CoffeeRound.period).where(CoffeeRound.program_id == program_id)
        )
    )


async def next_round(session: AsyncSession, program: CoffeeProgram, now: datetime) -> Slot:
    return next_slot(schedule_of(program), now, await done_periods(session, program.id))
