"""`/fika` subcommands for everyone: join, leave, pause, resume, status, profile.

Each is the same use case as the Home's button (bot.coffee.service), answered with the same view
(bot.coffee.views.answers); the Home is then redrawn to match.
"""

from __future__ import annotations

import logging

from bot.coffee import service
from bot.coffee.views.answers import joined_notice, left_notice, resumed_notice
from bot.coffee.views.messages import pause_notice, status_blocks
from bot.home.slack_side import refresh_home
from handlers.coffee_profile import open_profile_modal
from handlers.slash import CommandRequest

log = logging.getLogger(__name__)


async def _answer(req: CommandRequest, text: str) -> None:
    await req.reply(text)
    await refresh_home(req.deps, req.team_id, req.user_id)


async def join(req: CommandRequest) -> None:
    where = service.TypedIn(req.channel_id)
    joined = await service.join(req.deps, req.team_id, req.user_id, where)
    await _answer(req, joined_notice(req.t, joined))


async def leave(req: CommandRequest) -> None:
    left = await service.leave(req.deps, req.team_id, req.user_id)
    await _answer(req, left_notice(req.t, left))


async def pause(req: CommandRequest) -> None:
    until = await service.pause(req.deps, req.team_id, req.user_id, req.text)
    await _answer(req, pause_notice(req.t, until))


async def resume(req: CommandRequest) -> None:
    resumed = await service.resume(req.deps, req.team_id, req.user_id)
    await _answer(req, resumed_notice(req.t, resumed))


async def status(req: CommandRequest) -> None:
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
