"""Coffee-break use cases for any chat surface: plain ids in, small results out. No Slack
library here; handlers render the results (bot.coffee.views) and send them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.coffee.channel import is_channel_member
from bot.coffee.enrolment import own_program, programs_of
from bot.coffee.participants import parse_pause, participations, set_paused
from bot.coffee.programs import active_programs
from bot.coffee.schedule import local_today
from bot.coffee.standing import OUT, Standing, standing_in
from bot.people.directory import ensure_member
from bot.people.members import member_locale
from bot.people.models import Library
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_

NOT_IN_A_PROGRAM = N_("You are not in a coffee-break program.")


@dataclass(frozen=True)
class Status:
    """`/fika status`: the programs the person stands in, and their profile."""

    standings: list[Standing]
    library: Library | None
    languages: list[str]
    message_locale: str
    program_channels: list[str]  # every running program's channel


async def status(deps: Deps, team_id: str, user_id: str) -> Status:
    now = deps.now()
    member = await ensure_member(deps, team_id, user_id)
    async with deps.db() as session:
        rows = {p.id: part for p, part in await participations(session, team_id, user_id)}
        programs = await active_programs(session, team_id)
    in_channel = {
        p.id: await is_channel_member(deps, p.channel_id, user_id)
        for p in programs
        if p.id not in rows
    }
    standings: list[Standing] = []
    async with deps.db() as session:
        for program in programs:
            standing = await standing_in(
                session,
                program,
                rows.get(program.id),
                user_id,
                now,
                in_channel.get(program.id, False),
            )
            if standing.state != OUT:
                standings.append(standing)
        library = (
            await session.get(Library, member.library_id) if member.library_id is not None else None
        )
    return Status(
        standings=standings,
        library=library,
        languages=list(member.languages),
        message_locale=member_locale(member, deps.settings.default_locale),
        program_channels=[p.channel_id for p in programs],
    )


async def pause(deps: Deps, team_id: str, user_id: str, text: str) -> date:
    """Pause the person in every program they are in until the day `text` names; that day."""
    until = parse_pause(text, local_today(deps.now(), deps.settings.timezone))
    if not await pause_until(deps, team_id, user_id, until):
        raise UserFacingError(NOT_IN_A_PROGRAM)
    return until


async def pause_until(
    deps: Deps, team_id: str, user_id: str, until: date, program_id: int | None = None
) -> bool:
    """Pause the person until `until` (a checked day) in every program they take part in, or
    only in `program_id` when it is theirs (the welcome message's program); False when the break
    applies to no program."""
    if program_id is None:
        programs = await programs_of(deps, team_id, user_id)
    else:
        program = await own_program(deps, team_id, user_id, program_id)
        programs = [program] if program is not None else []
    async with deps.db.begin() as session:
        for program in programs:
            await set_paused(session, program, user_id, until, deps.now())
    return bool(programs)
