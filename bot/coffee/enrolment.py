"""People joining and leaving programs: the welcome DM, and which programs a person is in."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from bot.coffee.channel import is_channel_member
from bot.coffee.effects import CoffeeEffects
from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.coffee.participants import (
    ACTIVE,
    PAUSED,
    effective_status,
    get_participant,
    participations,
    set_active,
    set_left,
)
from bot.coffee.programs import active_programs, next_round
from bot.coffee.schedule import local_today
from bot.coffee.surface import coffee_effects
from bot.platform.deps import Deps

log = logging.getLogger(__name__)


async def send_welcome(
    deps: Deps, program: CoffeeProgram, user_id: str, effects: CoffeeEffects | None = None
) -> None:
    """The welcome DM, in the person's language (kept for retry if it cannot go now); the
    person counts as welcomed once it went out."""
    async with deps.db() as session:
        nxt = await next_round(session, program, deps.now())
    if await coffee_effects(deps, effects).welcome(program, user_id, nxt):
        async with deps.db.begin() as session:
            await session.execute(
                update(CoffeeParticipant)
                .where(
                    CoffeeParticipant.program_id == program.id,
                    CoffeeParticipant.user_id == user_id,
                )
                .values(welcomed_at=deps.now())
            )


async def programs_of(deps: Deps, team_id: str, user_id: str) -> list[CoffeeProgram]:
    """Active programs the person takes part in or paused: their stored row says so, or (no row
    yet) they are in the program's channel."""
    async with deps.db() as session:
        rows = {
            program.id: participant
            for program, participant in await participations(session, team_id, user_id)
        }
        programs = await active_programs(session, team_id)
    found = []
    for program in programs:
        row = rows.get(program.id)
        if row is not None:
            if row.status != "left":
                found.append(program)
        elif await is_channel_member(deps, program.channel_id, user_id):
            found.append(program)
    return found


async def own_program(
    deps: Deps, team_id: str, user_id: str, program_id: int | None
) -> CoffeeProgram | None:
    """The active program `program_id` of this workspace if the person has a standing in it: a
    stored row (having left included) or a place in its channel. A button or form naming
    someone else's program, or another workspace's, gets None."""
    if program_id is None:
        return None
    async with deps.db() as session:
        program = await session.get(CoffeeProgram, program_id)
        if program is None or program.team_id != team_id or not program.active:
            return None
        row = await get_participant(session, program.id, user_id)
    if row is None and not await is_channel_member(deps, program.channel_id, user_id):
        return None
    return program


@dataclass(frozen=True)
class Joined:
    """Someone takes part in `program` (again): `already` when they were in it before (the same
    command twice, a double click); `in_channel` False when they still need to join its channel,
    whose people the rounds pair."""

    program: CoffeeProgram
    already: bool
    next_at: datetime
    in_channel: bool


@dataclass(frozen=True)
class Left:
    """Someone stopped taking part in `programs` (at least one)."""

    programs: tuple[CoffeeProgram, ...]


@dataclass(frozen=True)
class Resumed:
    """Someone's breaks ended: each program with its next round; none when there was no break."""

    rounds: tuple[tuple[CoffeeProgram, datetime], ...]


async def join_program(deps: Deps, user_id: str, program: CoffeeProgram) -> Joined:
    """Take part in `program` (again). Also the Home's Join."""
    now = deps.now()
    async with deps.db.begin() as session:
        _, before = await set_active(session, program, user_id, now)
        nxt = await next_round(session, program, now)
    return Joined(
        program=program,
        already=before == ACTIVE,
        next_at=nxt.at,
        in_channel=await is_channel_member(deps, program.channel_id, user_id),
    )


async def leave_programs(deps: Deps, user_id: str, programs: list[CoffeeProgram]) -> Left:
    """Stop taking part in `programs`. Also the Home's Leave and the welcome DM's."""
    async with deps.db.begin() as session:
        for program in programs:
            await set_left(session, program, user_id, deps.now())
    return Left(tuple(programs))


async def resume_programs(
    deps: Deps, team_id: str, user_id: str, program_id: int | None = None
) -> Resumed:
    """End the person's breaks (in one program, or all). Also the Home's button."""
    now = deps.now()
    resumed: list[CoffeeProgram] = []
    async with deps.db.begin() as session:
        for program, participant in await participations(session, team_id, user_id):
            if program_id is not None and program.id != program_id:
                continue
            today = local_today(now, program.tz)
            if participant.status == PAUSED and effective_status(participant, today) == PAUSED:
                await set_active(session, program, user_id, now)
                resumed.append(program)
        nexts = [await next_round(session, p, now) for p in resumed]
    return Resumed(tuple((p, slot.at) for p, slot in zip(resumed, nexts, strict=True)))
