"""The coffee service's use cases on the real test database and the fake Slack."""

from __future__ import annotations

from datetime import date

import pytest

from bot.coffee import service
from bot.coffee.models import CoffeeProgram
from bot.coffee.participants import ACTIVE, LEFT, PAUSED, set_left
from bot.coffee.programs import start_program
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from tests.coffee_support import ADMIN, CHANNEL, OUTSIDER, add_people
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack

PERSON = "U01AINO"


async def _program(deps: Deps) -> CoffeeProgram:
    async with deps.db.begin() as session:
        program, _ = await start_program(
            session, TEAM_ID, CHANNEL, ADMIN, "Europe/Helsinki", deps.now()
        )
    return program


async def test_status_of_someone_in_the_channel_takes_part(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    status = await service.status(deps, TEAM_ID, PERSON)
    assert [s.program.id for s in status.standings] == [program.id]
    [standing] = status.standings
    assert standing.state == ACTIVE
    assert standing.paused_until is None
    assert standing.next_at is not None and standing.next_at > deps.now()
    assert status.program_channels == [CHANNEL]


async def test_status_of_an_outsider_lists_no_program(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    await _program(deps)
    status = await service.status(deps, TEAM_ID, OUTSIDER)
    assert status.standings == []
    assert status.program_channels == [CHANNEL]


async def test_status_of_a_paused_person_names_the_date(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    await _program(deps)
    until = await service.pause(deps, TEAM_ID, PERSON, "2 weeks")
    assert until == date(2026, 12, 14)
    [standing] = (await service.status(deps, TEAM_ID, PERSON)).standings
    assert standing.state == PAUSED
    assert standing.paused_until == until


async def test_pause_twice_keeps_the_later_answer(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    await _program(deps)
    await service.pause(deps, TEAM_ID, PERSON, "2 weeks")
    until = await service.pause(deps, TEAM_ID, PERSON, "2027-01-15")
    [standing] = (await service.status(deps, TEAM_ID, PERSON)).standings
    assert standing.paused_until == until == date(2027, 1, 15)


async def test_pause_of_someone_in_no_program_is_refused(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    await _program(deps)
    with pytest.raises(UserFacingError) as caught:
        await service.pause(deps, TEAM_ID, OUTSIDER, "2 weeks")
    assert caught.value.message == service.NOT_IN_A_PROGRAM


async def test_after_leaving_status_says_left_and_pause_is_refused(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    async with deps.db.begin() as session:
        await set_left(session, program, PERSON, deps.now())
    [standing] = (await service.status(deps, TEAM_ID, PERSON)).standings
    assert standing.state == LEFT
    assert standing.next_at is None
    with pytest.raises(UserFacingError):
        await service.pause(deps, TEAM_ID, PERSON, "1")


async def test_a_break_for_one_program_applies_only_when_it_is_theirs(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    until = date(2026, 12, 21)
    assert not await service.pause_until(deps, TEAM_ID, OUTSIDER, until, program.id)
    assert not await service.pause_until(deps, TEAM_ID, PERSON, until, program.id + 999)
    assert (await service.status(deps, TEAM_ID, PERSON)).standings[0].state == ACTIVE
    assert await service.pause_until(deps, TEAM_ID, PERSON, until, program.id)
    [standing] = (await service.status(deps, TEAM_ID, PERSON)).standings
    assert (standing.state, standing.paused_until) == (PAUSED, until)
