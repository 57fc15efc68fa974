"""The admins' coffee-break use cases (`bot.coffee.admin_service`) against the test database
and a fake `ProgramChannels`: no Slack client is called (the fake Slack sees nothing), and
what would be posted is the result the fake receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.coffee import admin_service
from bot.coffee.admin_results import (
    NotAProgram,
    Pairing,
    PlanChanged,
    Started,
    StatsExport,
    Stopped,
)
from bot.coffee.admin_service import ChannelFacts
from bot.coffee.models import CoffeeProgram, CoffeeRound
from bot.coffee.programs import schedule_of
from bot.coffee.schedule import current_slot
from bot.coffee.stats import StatsRequest
from bot.coffee.views.admin import (
    ARCHIVED,
    INVITE_ME,
    NOT_A_PROGRAM,
    START_IN_CHANNEL,
    not_a_program,
    pairing_reply,
)
from bot.people.permissions import ADMINS_ONLY
from bot.platform.deps import Deps
from bot.platform.errors import NotAuthorized, UserFacingError
from bot.platform.i18n import translator
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack

ADMIN = "UADMIN"  # in ADMIN_USER_IDS (tests/conftest.py): no Slack lookup to be an admin
CHANNEL = "CFIKA"
OTHER = "COTHER"

_UNSEEN = object()


@dataclass
class FakeChannels:
    """`ProgramChannels` recording what the surface was asked to do."""

    facts: dict[str, ChannelFacts | None] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    posted: list[Started | Stopped | PlanChanged] = field(default_factory=list)
    rounds: list[tuple[int, str]] = field(default_factory=list)
    files: list[tuple[str, StatsExport]] = field(default_factory=list)

    async def channel(self, channel_id: str) -> ChannelFacts | None:
        self.asked.append(channel_id)
        return self.facts.get(channel_id, ChannelFacts(member=True))

    async def join(self, channel_id: str) -> None:
        self.joined.append(channel_id)

    async def program_started(self, team_id: str, started: Started) -> None:
        assert team_id == TEAM_ID
        self.posted.append(started)

    async def program_stopped(self, team_id: str, stopped: Stopped) -> None:
        self.posted.append(stopped)

    async def plan_changed(self, team_id: str, changed: PlanChanged) -> None:
        self.posted.append(changed)

    def begin_round(self, program_id: int, started_by: str) -> None:
        self.rounds.append((program_id, started_by))

    async def channel_name(self, channel_id: str) -> str | None:
        return self.names.get(channel_id)

    async def send_figures(self, team_id: str, user_id: str, export: StatsExport) -> None:
        self.files.append((user_id, export))


async def _programs(deps: Deps) -> list[CoffeeProgram]:
    async with deps.db() as session:
        return list(await session.scalars(select(CoffeeProgram).order_by(CoffeeProgram.id)))


async def _start(deps: Deps, channels: FakeChannels, channel_id: str = CHANNEL) -> Started:
    return await admin_service.start(deps, channels, TEAM_ID, ADMIN, channel_id)


# ------------------------------------------------------------------------------ start


@pytest.mark.parametrize(
    ("facts", "in_dm", "refusal"),
    [
        (ChannelFacts(member=True), True, START_IN_CHANNEL),  # typed in a DM
        (ChannelFacts(direct=True), False, START_IN_CHANNEL),  # a group DM, as Slack says
        (ChannelFacts(archived=True, member=True), False, ARCHIVED),
        (ChannelFacts(private=True), False, INVITE_ME),  # private, not invited
        (None, False, INVITE_ME),  # the bot cannot see it at all
    ],
)
async def test_start_refuses_where_no_program_can_run(
    deps: Deps,
    fake_slack: FakeSlack,
    facts: ChannelFacts | None,
    in_dm: bool,
    refusal: str,
) -> None:
    channels = FakeChannels(facts={CHANNEL: facts})
    with pytest.raises(UserFacingError) as refused:
        await admin_service.start(deps, channels, TEAM_ID, ADMIN, CHANNEL, in_direct_message=in_dm)
    assert refused.value.message == refusal
    assert await _programs(deps) == []
    assert (channels.joined, channels.posted) == ([], [])
    assert channels.asked == ([] if in_dm else [CHANNEL])
    assert fake_slack.calls == []


async def test_start_joins_a_public_channel_and_announces_the_program_once(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    channels = FakeChannels(facts={CHANNEL: ChannelFacts()})  # public, the bot not in it
    started = await _start(deps, channels)
    assert channels.joined == [CHANNEL]
    assert not started.already_running
    assert started.program.active and started.program.channel_id == CHANNEL
    # Created on Monday 30 November at 09:00 local: the first round is the next Monday's.
    assert started.next_round.at == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert channels.posted == [started]

    channels.facts[CHANNEL] = ChannelFacts(member=True)  # joined now
    again = await _start(deps, channels)
    assert again.already_running
    assert again.program.id == started.program.id
    assert channels.posted == [started]  # not announced twice
    assert len(await _programs(deps)) == 1
    assert fake_slack.calls == []


async def test_start_stop_start_restarts_the_same_program(deps: Deps) -> None:
    channels = FakeChannels()
    first = await _start(deps, channels)
    stopped = await admin_service.stop(deps, channels, TEAM_ID, ADMIN, CHANNEL)
    assert isinstance(stopped, Stopped)
    [program] = await _programs(deps)
    assert not program.active and program.stopped_by == ADMIN

    # Stopped: the program's commands answer that this is no program now.
    assert await admin_service.stop(deps, channels, TEAM_ID, ADMIN, CHANNEL) == NotAProgram()
    assert await admin_service.pair_now(deps, channels, TEAM_ID, ADMIN, CHANNEL) == NotAProgram()

    again = await _start(deps, channels)
    assert not again.already_running  # restarted, so announced again
    assert again.program.id == first.program.id and again.program.active
    assert [type(p) for p in channels.posted] == [Started, Stopped, Started]
    assert channels.rounds == []


async def test_a_command_outside_a_program_names_the_running_ones(deps: Deps) -> None:
    channels = FakeChannels()
    await _start(deps, channels, CHANNEL)
    await _start(deps, channels, OTHER)
    result = await admin_service.set_program_size(deps, channels, TEAM_ID, ADMIN, "CNONE", "3")
    assert result == NotAProgram((CHANNEL, OTHER))
    en = translator("en")
    assert not_a_program(en, NotAProgram()) == en(NOT_A_PROGRAM)
    shown = not_a_program(en, result)
    assert shown.startswith(en(NOT_A_PROGRAM)) and f"<#{CHANNEL}>, <#{OTHER}>" in shown
    # Bad words in a channel that is no program: the channel is what is wrong.
    assert await admin_service.set_program_schedule(
        deps, channels, TEAM_ID, ADMIN, "CNONE", "whenever"
    ) == NotAProgram((CHANNEL, OTHER))


# ------------------------------------------------------------------------------ the plan


async def test_schedule_change_is_stored_announced_and_names_the_next_round(deps: Deps) -> None:
    channels = FakeChannels()
    await _start(deps, channels)
    changed = await admin_service.set_program_schedule(
        deps, channels, TEAM_ID, ADMIN, CHANNEL, "friday 10:00 every 2 weeks"
    )
    assert isinstance(changed, PlanChanged)
    [program] = await _programs(deps)
    assert (program.weekday, program.hour, program.minute, program.interval_weeks) == (4, 10, 0, 2)
    assert changed.next_round.at == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # Friday 10:00 EET
    assert channels.posted[-1] == changed

    with pytest.raises(UserFacingError):
        await admin_service.set_program_schedule(
            deps, channels, TEAM_ID, ADMIN, CHANNEL, "whenever"
        )
    [unchanged] = await _programs(deps)
    assert (unchanged.weekday, unchanged.interval_weeks) == (4, 2)
    assert channels.posted[-1] == changed


async def test_size_change_is_stored_and_a_bad_size_changes_nothing(deps: Deps) -> None:
    channels = FakeChannels()
    await _start(deps, channels)
    changed = await admin_service.set_program_size(deps, channels, TEAM_ID, ADMIN, CHANNEL, "3")
    assert isinstance(changed, PlanChanged) and changed.program.group_size == 3
    assert channels.posted[-1] == changed
    with pytest.raises(UserFacingError) as refused:
        await admin_service.set_program_size(deps, channels, TEAM_ID, ADMIN, CHANNEL, "9")
    assert "{min}" in refused.value.message
    [program] = await _programs(deps)
    assert program.group_size == 3
    assert len(channels.posted) == 2


# ------------------------------------------------------------------------------ pair now


async def test_pair_now_starts_the_round_once_per_period(deps: Deps) -> None:
    channels = FakeChannels()
    started = await _start(deps, channels)
    program = started.program
    pairing = await admin_service.pair_now(deps, channels, TEAM_ID, ADMIN, CHANNEL)
    assert isinstance(pairing, Pairing) and pairing.started
    assert channels.rounds == [(program.id, ADMIN)]
    # This period's round replaced: the next scheduled one is the period after.
    assert pairing.next_round.at == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)

    # The round of this period is made (as the round store records it).
    period = current_slot(schedule_of(program), deps.now()).period
    async with deps.db.begin() as session:
        session.add(
            CoffeeRound(
                team_id=TEAM_ID,
                program_id=program.id,
                period=period,
                scheduled_for=deps.now(),
                seed=1,
                trigger="manual",
            )
        )
    again = await admin_service.pair_now(deps, channels, TEAM_ID, ADMIN, CHANNEL)
    assert isinstance(again, Pairing) and not again.started
    assert again.next_round.at == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert channels.rounds == [(program.id, ADMIN)]  # nothing started the second time
    en = translator("en")
    assert "already been made" in pairing_reply(en, again)
    assert "Pairing starts now" in pairing_reply(en, pairing)


# ------------------------------------------------------------------------------ figures


async def test_figures_as_a_message_or_as_a_file_for_the_asker(deps: Deps) -> None:
    channels = FakeChannels()
    year = StatsRequest(date(2026, 1, 1), date(2026, 12, 31), csv=False)
    figures = await admin_service.figures(deps, channels, TEAM_ID, ADMIN, year)
    assert not figures.file_sent and figures.stats.rounds == 0
    assert channels.files == []

    as_file = StatsRequest(year.start, year.end, csv=True)
    figures = await admin_service.figures(deps, channels, TEAM_ID, ADMIN, as_file)
    assert figures.file_sent
    [(user_id, export)] = channels.files
    assert user_id == ADMIN and export.stats == figures.stats


# ------------------------------------------------------------------------------ who may


async def test_the_use_cases_check_who_may_even_when_called_directly(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U02BO", name="bo", locale="sv-SE")  # not a workspace admin
    channels = FakeChannels()
    with pytest.raises(NotAuthorized) as refused:
        await admin_service.start(deps, channels, TEAM_ID, "U02BO", CHANNEL)
    assert refused.value.message == ADMINS_ONLY
    await _start(deps, channels)
    for use_case in (admin_service.stop, admin_service.pair_now):
        with pytest.raises(NotAuthorized):
            await use_case(deps, channels, TEAM_ID, "U02BO", CHANNEL)
    [program] = await _programs(deps)
    assert program.active
    assert channels.asked == [CHANNEL] and channels.rounds == []
