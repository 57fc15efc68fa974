"""`/fika` subcommands for everyone: join, leave, pause, resume, status, profile."""

from __future__ import annotations

import logging

from bot.coffee import service
from bot.coffee.enrolment import join_program, leave_programs, programs_of, resume_programs
from bot.coffee.models import CoffeeProgram
from bot.coffee.programs import (
    active_programs,
    program_in_channel,
)
from bot.coffee.service import NOT_IN_A_PROGRAM
from bot.coffee.views.messages import (
    pause_notice,
    status_blocks,
)
from bot.home.slack_side import refresh_home
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_
from bot.platform.slack_text import channel_link
from handlers.coffee_profile import open_profile_modal
from handlers.slash import CommandRequest

log = logging.getLogger(__name__)


async def _single_program(req: CommandRequest) -> CoffeeProgram:
    """Where `/fika join` applies: this channel's program, or the only program there is."""
    async with req.deps.db() as session:
        here = await program_in_channel(session, req.team_id, req.channel_id)
        if here is not None and here.active:
            return here
        programs = await active_programs(session, req.team_id)
    if len(programs) == 1:
        return programs[0]
    if not programs:
        raise UserFacingError(N_("There are no coffee-break programs yet."))
    raise UserFacingError(
        N_("Which one? Type `/fika join` in the program's channel: {channels}"),
        channels=", ".join(channel_link(p.channel_id) for p in programs),
    )


async def join(req: CommandRequest) -> None:
    program = await _single_program(req)
    await req.ack()
    await req.reply(await join_program(req.deps, req.t, req.user_id, program))
    await refresh_home(req.deps, req.team_id, req.user_id)


async def leave(req: CommandRequest) -> None:
    await req.ack()
    programs = await programs_of(req.deps, req.team_id, req.user_id)
    if not programs:
        raise UserFacingError(NOT_IN_A_PROGRAM)
    await req.reply(await leave_programs(req.deps, req.t, req.user_id, programs))
    await refresh_home(req.deps, req.team_id, req.user_id)


async def pause(req: CommandRequest) -> None:
    await req.ack()
    until = await service.pause(req.deps, req.team_id, req.user_id, req.text)
    await req.reply(pause_notice(req.t, until))
    await refresh_home(req.deps, req.team_id, req.user_id)


async def resume(req: CommandRequest) -> None:
    await req.reply(await resume_programs(req.deps, req.t, req.team_id, req.user_id))
    await refresh_home(req.deps, req.team_id, req.user_id)


async def status(req: CommandRequest) -> None:
    await req.ack()
    status = await service.status(req.deps, req.team_id, req.user_id)
    blocks = status_blocks(
        req.t,
        status.standings,
        status.library,
        status.languages,
        status.message_locale,
        status.program_channels,
    )
    await req.reply(req.t("Your coffee breaks"), blocks)


async def profile(req: CommandRequest) -> None:
    await open_profile_modal(req.deps, req.client, req.t, req.team_id, req.user_id, req.trigger_id)
    await req.ack()
