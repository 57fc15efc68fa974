"""`/fika` subcommands for the AKE team: start, stop, schedule, size, pair-now, stats.

Who may use each is checked by `handlers.slash.dispatch` (bot/people/permissions.py) first."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.coffee import rounds
from bot.coffee.models import CoffeeProgram
from bot.coffee.programs import (
    active_programs,
    done_periods,
    next_round,
    parse_group_size,
    program_in_channel,
    schedule_of,
    set_group_size,
    set_schedule,
    start_program,
    stop_program,
)
from bot.coffee.schedule import current_slot, local_today, next_slot, parse_schedule
from bot.coffee.stats import coffee_stats, parse_stats_args
from bot.coffee.views.messages import (
    program_started_blocks,
    program_started_text,
    program_stopped_text,
    schedule_changed_blocks,
    schedule_phrase,
    size_phrase,
    when,
)
from bot.coffee.views.stats import csv_filename, stats_blocks, stats_csv, stats_text
from bot.people.directory import workspace_translator
from bot.platform import outbox
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_
from bot.platform.slack_text import channel_link
from handlers.slash import CommandRequest

log = logging.getLogger(__name__)


NOT_A_PROGRAM = N_(
    "This channel is not a coffee-break program. Type the command in a program's channel, or "
    "make this one a program with `/fika start`."
)


INVITE_ME = N_(
    "I can't see this channel yet. Invite me first with `/invite @Fika`, then type "
    "`/fika start` again."
)


START_IN_CHANNEL = N_(
    "Type `/fika start` in the channel that should become the coffee-break program."
)


async def _program_here(req: CommandRequest) -> CoffeeProgram:
    """The active program of the channel the command was typed in, or a polite refusal."""
    async with req.deps.db() as session:
        program = await program_in_channel(session, req.team_id, req.channel_id)
        if program is not None and program.active:
            return program
        others = await active_programs(session, req.team_id)
    if others:
        raise UserFacingError(
            N_("{refusal} Programs: {channels}"),
            refusal=req.t(NOT_A_PROGRAM),
            channels=", ".join(channel_link(p.channel_id) for p in others),
        )
    raise UserFacingError(NOT_A_PROGRAM)


async def _post_in_channel(
    req: CommandRequest,
    program: CoffeeProgram,
    text: str,
    blocks: list[dict[str, object]] | None = None,
) -> None:
    await outbox.call(
        req.deps,
        req.team_id,
        "chat.postMessage",
        channel=program.channel_id,
        text=text,
        blocks=blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    )


async def start(req: CommandRequest) -> None:
    if req.in_direct_message or not req.channel_id.startswith(("C", "G")):
        raise UserFacingError(START_IN_CHANNEL)
    await req.ack()
    try:
        info = (await req.client.conversations_info(channel=req.channel_id))["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") == "channel_not_found":
            raise UserFacingError(INVITE_ME) from exc
        raise
    if info.get("is_im") or info.get("is_mpim"):
        raise UserFacingError(START_IN_CHANNEL)
    if info.get("is_archived"):
        raise UserFacingError(N_("This channel is archived."))
    if not info.get("is_member"):
        if info.get("is_private"):
            raise UserFacingError(INVITE_ME)
        await req.client.conversations_join(channel=req.channel_id)
    now = req.deps.now()
    async with req.deps.db.begin() as session:
        program, what = await start_program(
            session, req.team_id, req.channel_id, req.user_id, req.deps.settings.timezone, now
        )
        nxt = await next_round(session, program, now)
    t = req.t
    channel = channel_link(program.channel_id)
    if what == "running":
        await req.reply(
            t(
                "{channel} is already a coffee-break program: {schedule}, {size}. "
                "Next round: {when}.",
                channel=channel,
                schedule=schedule_phrase(t, program),
                size=size_phrase(t, program.group_size),
                when=when(t, nxt.at, program.tz),
            )
        )
        return
    ct = await workspace_translator(req.deps, req.team_id)
    await _post_in_channel(
        req, program, program_started_text(ct), program_started_blocks(ct, program, nxt)
    )
    await req.reply(
        t(
            "Done! {channel} is a coffee-break program: {schedule}, {size}. First round: {when}. "
            "Change it with `/fika schedule` and `/fika size`.",
            channel=channel,
            schedule=schedule_phrase(t, program),
            size=size_phrase(t, program.group_size),
            when=when(t, nxt.at, program.tz),
        )
    )


async def stop(req: CommandRequest) -> None:
    program = await _program_here(req)
    async with req.deps.db.begin() as session:
        program = await session.merge(program)
        stop_program(program, req.user_id, req.deps.now())
    await req.reply(
        req.t(
            "The coffee breaks in {channel} have stopped. Nothing is deleted; `/fika start` "
            "there turns them on again.",
            channel=channel_link(program.channel_id),
        )
    )
    ct = await workspace_translator(req.deps, req.team_id)
    await _post_in_channel(req, program, program_stopped_text(ct))


async def _changed(req: CommandRequest, program: CoffeeProgram) -> None:
    async with req.deps.db() as session:
        nxt = await next_round(session, program, req.deps.now())
    t = req.t
    await req.reply(
        t(
            "New plan for {channel}: {schedule}, {size}. Next round: {when}.",
            channel=channel_link(program.channel_id),
            schedule=schedule_phrase(t, program),
            size=size_phrase(t, program.group_size),
            when=when(t, nxt.at, program.tz),
        )
    )
    ct = await workspace_translator(req.deps, req.team_id)
    blocks = schedule_changed_blocks(ct, program, nxt)
    await _post_in_channel(req, program, blocks[0]["text"]["text"], blocks)


async def schedule(req: CommandRequest) -> None:
    program = await _program_here(req)
    args = parse_schedule(req.text)
    async with req.deps.db.begin() as session:
        program = await session.merge(program)
        set_schedule(program, args, req.deps.now())
    await _changed(req, program)


async def size(req: CommandRequest) -> None:
    program = await _program_here(req)
    size = parse_group_size(req.text)
    async with req.deps.db.begin() as session:
        program = await session.merge(program)
        set_group_size(program, size, req.deps.now())
    await _changed(req, program)


async def pair_now(req: CommandRequest) -> None:
    program = await _program_here(req)
    now = req.deps.now()
    async with req.deps.db() as session:
        done = await done_periods(session, program.id)
    slot = current_slot(schedule_of(program), now)
    if slot.period in done:
        nxt = next_slot(schedule_of(program), now, done)
        raise UserFacingError(
            N_(
                "This period's round has already been made (or is going out right now). "
                "The next one is on {when}."
            ),
            when=when(req.t, nxt.at, program.tz),
        )
    after = next_slot(schedule_of(program), now, done | {slot.period})
    await req.reply(
        req.t(
            "Pairing starts now – follow the progress in this channel. This replaces the "
            "round of this period; the next scheduled one is on {when}.",
            when=when(req.t, after.at, program.tz),
        )
    )
    req.deps.tasks.spawn(
        rounds.pair_now(req.deps, program.id, req.user_id), name=f"pair-now-{program.id}"
    )


async def stats(req: CommandRequest) -> None:
    deps = req.deps
    today = local_today(deps.now(), deps.settings.timezone)
    ask = parse_stats_args(req.text, today)
    if ask.csv:
        await req.reply(req.t("I'm preparing the file; it comes to our direct messages."))
    async with deps.db() as session:
        stats = await coffee_stats(session, req.team_id, ask.start, ask.end, deps.settings.timezone)
    if not ask.csv:
        await req.reply(stats_text(req.t, stats), stats_blocks(req.t, stats))
        return
    names: dict[str, str] = {}
    for channel_id in {row.channel_id for row in stats.per_round}:
        try:
            info = await req.client.conversations_info(channel=channel_id)
            names[channel_id] = "#" + str(info["channel"].get("name") or channel_id)
        except SlackApiError:
            names[channel_id] = channel_id
    dm = await req.client.conversations_open(users=[req.user_id])
    await req.client.files_upload_v2(
        channel=dm["channel"]["id"],
        content=stats_csv(req.t, stats, names),
        filename=csv_filename(stats),
        title=stats_text(req.t, stats),
        initial_comment=req.t("Here are the coffee-break figures as a CSV file."),
    )
