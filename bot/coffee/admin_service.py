"""The admins' coffee-break use cases, once for every chat surface: make a channel a program,
stop it, change its schedule or group size, make this period's round now, and the figures
(as a message or a file).

Each function takes plain ids (and what the command's words were parsed into), checks the
permission table again (`bot.people.permissions`: another surface cannot skip it), runs its
transaction with the rules of `bot.coffee.programs`, and has the surface do what only it can
through `ProgramChannels` (look at a channel, join it, post in it, start the round's delivery,
send a file). It returns a small result (`bot.coffee.admin_results`) that
`bot.coffee.views.admin` renders; a refusal is a `UserFacingError`, as everywhere.

Nothing here builds a message or knows Slack: `bot.coffee.slack_admin.SlackPrograms` is Slack's
side of `ProgramChannels`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.admin_results import (
    Figures,
    NotAProgram,
    Pairing,
    PlanChanged,
    Started,
    StatsExport,
    Stopped,
)
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
from bot.coffee.schedule import current_slot, next_slot, parse_schedule
from bot.coffee.stats import StatsRequest, coffee_stats
from bot.coffee.views.admin import ARCHIVED, INVITE_ME, START_IN_CHANNEL
from bot.people.permissions import require, slash
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelFacts:
    """A channel as the surface shows it to the bot."""

    direct: bool = False  # a direct message or a group DM, not a channel
    archived: bool = False
    private: bool = False
    member: bool = False  # the bot is in it


class ProgramChannels(Protocol):
    """What the chat surface does for the admins' use cases. Posts in a program's channel must
    not be lost (the surface retries them); the rest may fail the use case."""

    async def channel(self, channel_id: str) -> ChannelFacts | None:
        """The channel as the bot sees it; None when it cannot see it (not invited)."""

    async def join(self, channel_id: str) -> None:
        """Join a public channel."""

    async def program_started(self, team_id: str, started: Started) -> None:
        """Tell the channel it is a program now (how it works, the first round)."""

    async def program_stopped(self, team_id: str, stopped: Stopped) -> None:
        """Tell the channel there are no more rounds."""

    async def plan_changed(self, team_id: str, changed: PlanChanged) -> None:
        """Tell the channel its new plan and the next round."""

    def begin_round(self, program_id: int, started_by: str) -> None:
        """Make this period's round now, in the background, showing its progress in the
        channel (`bot.coffee.rounds.pair_now` on Slack)."""

    async def channel_name(self, channel_id: str) -> str | None:
        """The channel's name as people know it ("#fika"); None when it cannot be read."""

    async def send_figures(self, team_id: str, user_id: str, export: StatsExport) -> None:
        """Send the person the figures as a file, in their language."""


async def _running_here(
    session: AsyncSession, team_id: str, channel_id: str
) -> CoffeeProgram | NotAProgram:
    """The running program of the channel, or the running programs to name instead."""
    program = await program_in_channel(session, team_id, channel_id)
    if program is not None and program.active:
        return program
    others = await active_programs(session, team_id)
    return NotAProgram(tuple(p.channel_id for p in others))


async def start(
    deps: Deps,
    channels: ProgramChannels,
    team_id: str,
    user_id: str,
    channel_id: str,
    *,
    in_direct_message: bool = False,
) -> Started:
    """Make the channel a program (or start a stopped one again), announced in the channel
    once however many times the command comes at once. The bot must be able to be in the
    channel: it joins a public one, a private one must invite it; not a DM, not archived."""
    await require(deps, team_id, user_id, slash("/fika", "start"))
    if in_direct_message:
        raise UserFacingError(START_IN_CHANNEL)
    facts = await channels.channel(channel_id)
    if facts is None:
        raise UserFacingError(INVITE_ME)
    if facts.direct:
        raise UserFacingError(START_IN_CHANNEL)
    if facts.archived:
        raise UserFacingError(ARCHIVED)
    if not facts.member:
        if facts.private:
            raise UserFacingError(INVITE_ME)
        await channels.join(channel_id)
    now = deps.now()
    async with deps.db.begin() as session:
        program, what = await start_program(
            session, team_id, channel_id, user_id, deps.settings.timezone, now
        )
        nxt = await next_round(session, program, now)
    started = Started(program, nxt, already_running=what == "running")
    if not started.already_running:
        log.info("program %s %s in %s by %s", program.id, what, channel_id, user_id)
        await channels.program_started(team_id, started)
    return started


async def stop(
    deps: Deps, channels: ProgramChannels, team_id: str, user_id: str, channel_id: str
) -> Stopped | NotAProgram:
    """No more rounds in the channel's program; nothing is deleted (`start` turns it on)."""
    await require(deps, team_id, user_id, slash("/fika", "stop"))
    async with deps.db.begin() as session:
        program = await _running_here(session, team_id, channel_id)
        if isinstance(program, NotAProgram):
            return program
        stop_program(program, user_id, deps.now())
    stopped = Stopped(program)
    await channels.program_stopped(team_id, stopped)
    return stopped


async def set_program_schedule(
    deps: Deps, channels: ProgramChannels, team_id: str, user_id: str, channel_id: str, text: str
) -> PlanChanged | NotAProgram:
    """A new schedule from the command's words (`bot.coffee.schedule.parse_schedule`, read
    once the channel is known to be a program); the schedule starts over from now."""
    await require(deps, team_id, user_id, slash("/fika", "schedule"))
    return await _change_plan(
        deps,
        channels,
        team_id,
        channel_id,
        lambda program: set_schedule(program, parse_schedule(text), deps.now()),
    )


async def set_program_size(
    deps: Deps, channels: ProgramChannels, team_id: str, user_id: str, channel_id: str, text: str
) -> PlanChanged | NotAProgram:
    """A new group size from the command's words (`bot.coffee.programs.parse_group_size`)."""
    await require(deps, team_id, user_id, slash("/fika", "size"))
    return await _change_plan(
        deps,
        channels,
        team_id,
        channel_id,
        lambda program: set_group_size(program, parse_group_size(text), deps.now()),
    )


async def _change_plan(
    deps: Deps,
    channels: ProgramChannels,
    team_id: str,
    channel_id: str,
    change: Callable[[CoffeeProgram], None],
) -> PlanChanged | NotAProgram:
    """Apply `change` to the channel's running program (the words are read inside it, so a
    channel that is no program says so first), then tell the channel."""
    async with deps.db.begin() as session:
        program = await _running_here(session, team_id, channel_id)
        if isinstance(program, NotAProgram):
            return program
        change(program)
        changed = PlanChanged(program, await next_round(session, program, deps.now()))
    await channels.plan_changed(team_id, changed)
    return changed


async def pair_now(
    deps: Deps, channels: ProgramChannels, team_id: str, user_id: str, channel_id: str
) -> Pairing | NotAProgram:
    """This period's round now instead of at its time, unless it was made already (then the
    result names the next one and nothing starts)."""
    await require(deps, team_id, user_id, slash("/fika", "pair-now"))
    async with deps.db() as session:
        program = await _running_here(session, team_id, channel_id)
        if isinstance(program, NotAProgram):
            return program
        done = await done_periods(session, program.id)
    now = deps.now()
    schedule = schedule_of(program)
    slot = current_slot(schedule, now)
    if slot.period in done:
        return Pairing(program, next_slot(schedule, now, done), started=False)
    channels.begin_round(program.id, user_id)
    return Pairing(program, next_slot(schedule, now, done | {slot.period}), started=True)


async def figures(
    deps: Deps, channels: ProgramChannels, team_id: str, user_id: str, ask: StatsRequest
) -> Figures:
    """The workspace's coffee-break figures for the asked days; with `ask.csv` they are sent
    to the person as a file, each round's channel by its name."""
    await require(deps, team_id, user_id, slash("/fika", "stats"))
    async with deps.db() as session:
        stats = await coffee_stats(session, team_id, ask.start, ask.end, deps.settings.timezone)
    if not ask.csv:
        return Figures(stats)
    names: dict[str, str] = {}
    for channel_id in sorted({row.channel_id for row in stats.per_round}):
        names[channel_id] = await channels.channel_name(channel_id) or channel_id
    await channels.send_figures(team_id, user_id, StatsExport(stats, names))
    return Figures(stats, file_sent=True)
