"""`/fika` subcommands for the AKE team: start, stop, schedule, size, pair-now, stats.

Who may use each is checked by `handlers.slash.dispatch` (bot/people/permissions.py) first, and
again by the use case (`bot.coffee.admin_service`); each handler parses, calls it once, and
answers with `bot.coffee.views.admin`."""

from __future__ import annotations

from bot.coffee import admin_service
from bot.coffee.schedule import local_today
from bot.coffee.slack_admin import SlackPrograms
from bot.coffee.stats import parse_stats_args
from bot.coffee.views.admin import (
    figures_file_coming,
    pairing_reply,
    plan_reply,
    started_reply,
    stopped_reply,
)
from bot.coffee.views.stats import stats_blocks, stats_text
from handlers.slash import CommandRequest


def _channels(req: CommandRequest) -> SlackPrograms:
    return SlackPrograms(req.deps, req.client)


async def start(req: CommandRequest) -> None:
    started = await admin_service.start(
        req.deps,
        _channels(req),
        req.team_id,
        req.user_id,
        req.channel_id,
        in_direct_message=req.in_direct_message,
    )
    await req.reply(started_reply(req.t, started))


async def stop(req: CommandRequest) -> None:
    stopped = await admin_service.stop(
        req.deps, _channels(req), req.team_id, req.user_id, req.channel_id
    )
    await req.reply(stopped_reply(req.t, stopped))


async def schedule(req: CommandRequest) -> None:
    changed = await admin_service.set_program_schedule(
        req.deps, _channels(req), req.team_id, req.user_id, req.channel_id, req.text
    )
    await req.reply(plan_reply(req.t, changed))


async def size(req: CommandRequest) -> None:
    changed = await admin_service.set_program_size(
        req.deps, _channels(req), req.team_id, req.user_id, req.channel_id, req.text
    )
    await req.reply(plan_reply(req.t, changed))


async def pair_now(req: CommandRequest) -> None:
    pairing = await admin_service.pair_now(
        req.deps, _channels(req), req.team_id, req.user_id, req.channel_id
    )
    await req.reply(pairing_reply(req.t, pairing))


async def stats(req: CommandRequest) -> None:
    today = local_today(req.deps.now(), req.deps.settings.timezone)
    ask = parse_stats_args(req.text, today)
    if ask.csv:
        await req.reply(figures_file_coming(req.t))
    figures = await admin_service.figures(req.deps, _channels(req), req.team_id, req.user_id, ask)
    if not figures.file_sent:
        await req.reply(stats_text(req.t, figures.stats), stats_blocks(req.t, figures.stats))
