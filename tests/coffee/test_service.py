"""The coffee service's use cases on the real test database and the fake Slack."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date

import pytest
from sqlalchemy import select

from bot.coffee import service
from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.coffee.participants import ACTIVE, LEFT, PAUSED, set_left
from bot.coffee.programs import start_program, stop_program
from bot.coffee.schedule import local_today
from bot.people.directory import ensure_member
from bot.people.models import Library, Member
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from tests.coffee_support import ADMIN, CHANNEL, OUTSIDER, add_people, store_profiles
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack

PERSON = "U01AINO"
OTHER_CHANNEL = "COTHER"
OTHER_TEAM = "T0OTHER"


async def _program(deps: Deps, channel: str = CHANNEL, team_id: str = TEAM_ID) -> CoffeeProgram:
    async with deps.db.begin() as session:
        program, _ = await start_program(
            session, team_id, channel, ADMIN, "Europe/Helsinki", deps.now()
        )
    return program


async def _status_of(deps: Deps, program: CoffeeProgram, user_id: str) -> str | None:
    async with deps.db() as session:
        return await session.scalar(
            select(CoffeeParticipant.status).where(
                CoffeeParticipant.program_id == program.id, CoffeeParticipant.user_id == user_id
            )
        )


async def _refusal(call: Awaitable[object]) -> UserFacingError:
    with pytest.raises(UserFacingError) as caught:
        await call
    return caught.value


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


# ---------------------------------------------------------------------------- join


async def test_join_with_no_program_is_refused(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    refused = await _refusal(service.join(deps, TEAM_ID, PERSON, service.TypedIn("D0DM")))
    assert refused.message == service.NO_PROGRAMS


async def test_join_outside_a_program_channel_with_several_programs_names_them(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    first = await _program(deps)
    second = await _program(deps, OTHER_CHANNEL)
    refused = await _refusal(service.join(deps, TEAM_ID, PERSON, service.TypedIn("D0DM")))
    assert refused.message == service.WHICH_PROGRAM
    assert refused.params == {"channels": f"<#{CHANNEL}>, <#{OTHER_CHANNEL}>"}
    assert await _status_of(deps, first, PERSON) is None
    # Typed in a program's channel, that program is meant.
    joined = await service.join(deps, TEAM_ID, PERSON, service.TypedIn(OTHER_CHANNEL))
    assert joined.program.id == second.id
    assert await _status_of(deps, second, PERSON) == ACTIVE
    assert await _status_of(deps, first, PERSON) is None


async def test_join_with_one_program_anywhere_and_twice(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    async with deps.db.begin() as session:
        await set_left(session, program, PERSON, deps.now())
    joined = await service.join(deps, TEAM_ID, PERSON, service.TypedIn("D0DM"))
    assert (joined.program.id, joined.already, joined.in_channel) == (program.id, False, True)
    assert joined.next_at > deps.now()
    assert await _status_of(deps, program, PERSON) == ACTIVE
    again = await service.join(deps, TEAM_ID, PERSON, service.Named(program.id))
    assert again.already and again.next_at == joined.next_at
    # Someone not in the channel is in, and told to join the channel too.
    outsider = await service.join(deps, TEAM_ID, OUTSIDER, service.Named(program.id))
    assert not outsider.already and not outsider.in_channel


async def test_join_of_a_program_a_button_names_only_if_it_runs_here(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    foreign = await _program(deps, team_id=OTHER_TEAM)
    for named in (None, program.id + 999, foreign.id):
        refused = await _refusal(service.join(deps, TEAM_ID, PERSON, service.Named(named)))
        assert refused.message == service.PROGRAM_ENDED
    async with deps.db.begin() as session:
        stopped = await session.get(CoffeeProgram, program.id)
        assert stopped is not None
        stop_program(stopped, ADMIN, deps.now())
    refused = await _refusal(service.join(deps, TEAM_ID, PERSON, service.Named(program.id)))
    assert refused.message == service.PROGRAM_ENDED
    assert await _status_of(deps, program, PERSON) is None
    assert await _status_of(deps, foreign, PERSON) is None


# ---------------------------------------------------------------------------- leave, resume


async def test_leave_when_in_no_program_is_refused(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    refused = await _refusal(service.leave(deps, TEAM_ID, OUTSIDER))
    assert refused.message == service.NOT_IN_A_PROGRAM
    refused = await _refusal(service.leave(deps, TEAM_ID, OUTSIDER, service.Named(program.id)))
    assert refused.message == service.NOT_IN_A_PROGRAM
    assert await _status_of(deps, program, OUTSIDER) is None


async def test_leave_every_program_then_leaving_again_is_refused(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    left = await service.leave(deps, TEAM_ID, PERSON)
    assert [p.id for p in left.programs] == [program.id]
    assert await _status_of(deps, program, PERSON) == LEFT
    refused = await _refusal(service.leave(deps, TEAM_ID, PERSON, service.Named(program.id)))
    assert refused.message == service.NOT_IN_A_PROGRAM


async def test_leave_from_the_welcome_dm_only_of_ones_own_program(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    foreign = await _program(deps, team_id=OTHER_TEAM)
    for user_id, program_id in ((OUTSIDER, program.id), (PERSON, foreign.id), (PERSON, None)):
        refused = await _refusal(service.leave_from_welcome(deps, TEAM_ID, user_id, program_id))
        assert refused.message == service.PROGRAM_ENDED
    assert await _status_of(deps, foreign, PERSON) is None
    left = await service.leave_from_welcome(deps, TEAM_ID, PERSON, program.id)
    assert [p.id for p in left.programs] == [program.id]
    # Clicked again in an old welcome message: the same answer, still out.
    again = await service.leave_from_welcome(deps, TEAM_ID, PERSON, program.id)
    assert [p.id for p in again.programs] == [program.id]
    assert await _status_of(deps, program, PERSON) == LEFT


async def test_resume_ends_the_break_and_then_there_is_none(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    nothing = await service.resume(deps, TEAM_ID, PERSON)
    assert nothing.rounds == ()
    await service.pause(deps, TEAM_ID, PERSON, "2 weeks")
    refused = await _refusal(service.resume(deps, TEAM_ID, PERSON, service.Named(None)))
    assert refused.message == service.PROGRAM_ENDED
    assert await _status_of(deps, program, PERSON) == PAUSED
    resumed = await service.resume(deps, TEAM_ID, PERSON, service.Named(program.id))
    [(back_in, next_at)] = resumed.rounds
    assert back_in.id == program.id and next_at > deps.now()
    assert await _status_of(deps, program, PERSON) == ACTIVE
    assert (await service.resume(deps, TEAM_ID, PERSON)).rounds == ()


async def test_a_pause_button_applies_only_to_a_program_one_takes_part_in(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    assert (await service.taking_part(deps, TEAM_ID, PERSON, service.Named(program.id))).id == (
        program.id
    )
    refused = await _refusal(
        service.taking_part(deps, TEAM_ID, OUTSIDER, service.Named(program.id))
    )
    assert refused.message == service.NOT_IN_A_PROGRAM
    refused = await _refusal(service.taking_part(deps, TEAM_ID, PERSON, service.Named(0)))
    assert refused.message == service.PROGRAM_ENDED


def test_the_pause_forms_date_is_checked(deps: Deps) -> None:
    today = local_today(deps.now(), deps.settings.timezone)
    assert service.break_until(deps, "2027-01-04") == date(2027, 1, 4)
    for picked in (None, "", "soon", today.isoformat(), "2026-11-01", "2030-01-01"):
        with pytest.raises(UserFacingError):
            service.break_until(deps, picked)


# ---------------------------------------------------------------------------- profile


async def _member(deps: Deps, user_id: str) -> Member:
    async with deps.db() as session:
        member = await session.scalar(select(Member).where(Member.user_id == user_id))
    assert member is not None
    return member


async def test_saving_the_profile_with_an_unknown_library_stores_nothing(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    await store_profiles(deps.db)
    before = await _member(deps, PERSON)
    for library_id in ("999999", "not a number"):
        saved = await service.save_profile(
            deps,
            TEAM_ID,
            PERSON,
            library_id=library_id,
            typed_library="",
            languages=["en"],
            message_locale="en",
        )
        assert isinstance(saved, service.ProfileProblems)
        assert list(saved.problems) == [service.LIBRARY]
    after = await _member(deps, PERSON)
    assert (after.library_id, after.chat_languages, after.locale_pref) == (
        before.library_id,
        before.chat_languages,
        before.locale_pref,
    )


async def test_profile_problems_are_per_field(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    ids = await store_profiles(deps.db)
    saved = await service.save_profile(
        deps,
        TEAM_ID,
        PERSON,
        library_id=str(ids[1]),
        typed_library="Malax bibliotek",
        languages=["de"],
        message_locale="de",
    )
    assert isinstance(saved, service.ProfileProblems)
    assert set(saved.problems) == {service.LIBRARY_TYPED, service.LANGUAGES, service.MESSAGE_LOCALE}
    saved = await service.save_profile(
        deps,
        TEAM_ID,
        PERSON,
        library_id=None,
        typed_library="x" * 201,
        languages=["sv"],
        message_locale="auto",
    )
    assert isinstance(saved, service.ProfileProblems)
    assert saved.problems[service.LIBRARY_TYPED].params == {"max": 200}


async def test_saving_the_profile_stores_it_and_names_the_library_in_the_new_language(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    add_people(fake_slack)
    ids = await store_profiles(deps.db)
    saved = await service.save_profile(
        deps,
        TEAM_ID,
        PERSON,
        library_id=str(ids[1]),
        typed_library="",
        languages=["en", "sv", "xx"],
        message_locale="sv",
    )
    assert saved == service.ProfileSaved("Vasa stadsbibliotek", ["sv", "en"], "sv")
    member = await _member(deps, PERSON)
    assert (member.library_id, member.chat_languages, member.locale_pref) == (ids[1], "sv,en", "sv")
    await ensure_member(deps, TEAM_ID, PERSON)  # her Slack language: Finnish
    typed = await service.save_profile(
        deps,
        TEAM_ID,
        PERSON,
        library_id=None,
        typed_library="  Malax   bibliotek ",
        languages=["fi"],
        message_locale="auto",
    )
    assert typed == service.ProfileSaved("Malax bibliotek", ["fi"], "fi")
    member = await _member(deps, PERSON)
    async with deps.db() as session:
        library = await session.get(Library, member.library_id)
    assert library is not None and library.name_sv == "Malax bibliotek" and not library.curated
    assert member.locale_pref is None


async def test_the_message_language_alone(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    await ensure_member(deps, TEAM_ID, PERSON)  # her Slack language: Finnish
    assert await service.set_message_language(deps, TEAM_ID, PERSON, "en") == "en"
    assert (await _member(deps, PERSON)).locale_pref == "en"
    refused = await _refusal(service.set_message_language(deps, TEAM_ID, PERSON, "de"))
    assert refused.message == service.PICK_A_LANGUAGE
    assert (await _member(deps, PERSON)).locale_pref == "en"
    assert await service.set_message_language(deps, TEAM_ID, PERSON, "auto") == "fi"
    assert (await _member(deps, PERSON)).locale_pref is None


async def test_the_libraries_offered_as_one_types(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    await store_profiles(deps.db)
    found = await service.library_choices(deps, TEAM_ID, "kronoby")
    assert [lib.name_sv for lib in found] == ["Kronoby bibliotek"]
    assert await service.library_choices(deps, OTHER_TEAM, "kronoby") == []
    form = await service.profile_form(deps, TEAM_ID, PERSON)
    assert len(form.libraries) == 5
    assert form.library is not None and form.library.name_sv == "Jakobstads stadsbibliotek"
    assert form.languages == ["fi", "sv"] and form.locale_pref is None


# ---------------------------------------------------------------------------- channel events


async def test_joining_and_leaving_a_program_channel(deps: Deps, fake_slack: FakeSlack) -> None:
    add_people(fake_slack)
    program = await _program(deps)
    fake_slack.add_user("UBOT2", name="otherbot", is_bot=True)
    assert await service.joined_channel(deps, TEAM_ID, "UBOT2", CHANNEL) is None
    assert await service.joined_channel(deps, TEAM_ID, PERSON, OTHER_CHANNEL) is None
    assert await service.joined_channel(deps, TEAM_ID, "", CHANNEL) is None
    assert await _status_of(deps, program, "UBOT2") is None
    welcome = await service.joined_channel(deps, TEAM_ID, OUTSIDER, CHANNEL)
    assert welcome is not None and welcome.id == program.id
    assert await _status_of(deps, program, OUTSIDER) == ACTIVE
    assert not await service.left_channel(deps, TEAM_ID, OUTSIDER, OTHER_CHANNEL)
    assert await service.left_channel(deps, TEAM_ID, OUTSIDER, CHANNEL)
    assert await _status_of(deps, program, OUTSIDER) == LEFT
