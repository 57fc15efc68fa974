"""The list of libraries' use cases (`bot.people.service`) against the test database and a
fake `LibraryNotices`: no Slack client is called; what the admin would be told is what the
fake receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from bot.coffee.views.admin import WHICH_LIBRARY, csv_refused, library_removed_reply
from bot.people import service as people
from bot.people.models import Library
from bot.people.permissions import ADMINS_ONLY
from bot.platform.deps import Deps
from bot.platform.errors import NotAuthorized, UserFacingError
from bot.platform.i18n import translator
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack

ADMIN = "UADMIN"  # in ADMIN_USER_IDS: no Slack lookup to be an admin
MEMBER = "U02BO"


@dataclass
class FakeNotices:
    told: list[tuple[str, object]] = field(default_factory=list)

    async def library_added(self, team_id: str, user_id: str, added: people.LibraryAdded) -> None:
        self.told.append((user_id, added))

    async def libraries_loaded(
        self, team_id: str, user_id: str, loaded: people.LibrariesLoaded
    ) -> None:
        self.told.append((user_id, loaded))


async def _libraries(deps: Deps) -> dict[str, Library]:
    async with deps.db() as session:
        return {lib.name_sv: lib for lib in await session.scalars(select(Library))}


async def test_add_then_the_same_name_again_updates_the_one_library(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    notices = FakeNotices()
    added = await people.add(deps, notices, TEAM_ID, ADMIN, "  Närpes   bibliotek ", "", None)
    assert added == people.LibraryAdded("Närpes bibliotek", new=True)
    again = await people.add(
        deps, notices, TEAM_ID, ADMIN, "närpes bibliotek", "Närpiön kirjasto", "Närpes"
    )
    assert again == people.LibraryAdded("närpes bibliotek", new=False)
    await deps.tasks.idle()
    assert notices.told == [(ADMIN, added), (ADMIN, again)]
    [library] = (await _libraries(deps)).values()
    assert library.curated
    assert (library.name_fi, library.municipality) == ("Närpiön kirjasto", "Närpes")
    assert fake_slack.calls == []


async def test_a_library_without_a_name_is_refused_and_nobody_is_told(deps: Deps) -> None:
    notices = FakeNotices()
    with pytest.raises(UserFacingError) as refused:
        await people.add(deps, notices, TEAM_ID, ADMIN, "   ")
    assert refused.value.message == "A library needs a name."
    await deps.tasks.idle()
    assert notices.told == [] and await _libraries(deps) == {}


async def test_a_csv_with_a_problem_loads_nothing_and_a_good_one_loads_afterwards(
    deps: Deps,
) -> None:
    notices = FakeNotices()
    await people.add(deps, notices, TEAM_ID, ADMIN, "Vasa stadsbibliotek")
    csv_text = "Malax bibliotek;;Malax\n;Nimetön;Vasa\n"  # line 2 has no Swedish name
    bad = await people.load(deps, notices, TEAM_ID, ADMIN, csv_text)
    assert not bad.loading and [p.line for p in bad.problems] == [2]
    assert "line 2" in csv_refused(translator("en"), bad.problems)
    empty = await people.load(deps, notices, TEAM_ID, ADMIN, "name_sv,name_fi,municipality\n")
    assert not empty.loading and empty.rows == 0
    assert csv_refused(translator("en"), empty.problems) == "There are no libraries in the text."
    await deps.tasks.idle()
    assert set(await _libraries(deps)) == {"Vasa stadsbibliotek"}

    good = await people.load(
        deps,
        notices,
        TEAM_ID,
        ADMIN,
        "Malax bibliotek;Maalahden kirjasto;Malax\nVasa stadsbibliotek;Vaasan kaupunginkirjasto;",
    )
    assert good.loading and good.rows == 2
    await deps.tasks.idle()
    assert notices.told[-1] == (ADMIN, people.LibrariesLoaded(added=1, updated=1))
    stored = await _libraries(deps)
    assert stored["Vasa stadsbibliotek"].name_fi == "Vaasan kaupunginkirjasto"
    assert stored["Malax bibliotek"].curated


async def test_remove_takes_a_library_off_the_list_and_keeps_it(deps: Deps) -> None:
    await people.add(deps, FakeNotices(), TEAM_ID, ADMIN, "Kronoby bibliotek")
    removed = await people.remove(deps, TEAM_ID, ADMIN, "kronoby BIBLIOTEK")
    assert removed == people.LibraryRemoved("kronoby BIBLIOTEK", "Kronoby bibliotek")
    assert not (await _libraries(deps))["Kronoby bibliotek"].curated  # kept, not on the list
    missing = await people.remove(deps, TEAM_ID, ADMIN, "Atlantis <bibliotek>")
    assert missing.name is None
    assert "&lt;bibliotek&gt;" in library_removed_reply(translator("en"), missing.asked, None)
    with pytest.raises(UserFacingError) as refused:
        await people.remove(deps, TEAM_ID, ADMIN, "  ")
    assert refused.value.message == WHICH_LIBRARY

    listed = await people.libraries(deps, TEAM_ID, ADMIN)
    assert listed.admin and listed.curated == ()
    assert [lib.name_sv for lib in listed.typed] == ["Kronoby bibliotek"]


async def test_a_member_may_see_the_list_but_not_change_it(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user(MEMBER, name="bo", locale="sv-SE")
    notices = FakeNotices()
    await people.add(deps, notices, TEAM_ID, ADMIN, "Vasa stadsbibliotek")
    await people.add(deps, notices, TEAM_ID, ADMIN, "Kronoby bibliotek")
    await people.remove(deps, TEAM_ID, ADMIN, "Kronoby bibliotek")  # a typed name now
    for change in (
        people.add(deps, notices, TEAM_ID, MEMBER, "Korsholms bibliotek"),
        people.load(deps, notices, TEAM_ID, MEMBER, "Korsholms bibliotek,,Korsholm"),
        people.remove(deps, TEAM_ID, MEMBER, "Vasa stadsbibliotek"),
    ):
        with pytest.raises(NotAuthorized) as refused:
            await change
        assert refused.value.message == ADMINS_ONLY
    await deps.tasks.idle()
    stored = await _libraries(deps)
    assert set(stored) == {"Vasa stadsbibliotek", "Kronoby bibliotek"}
    assert stored["Vasa stadsbibliotek"].curated
    listed = await people.libraries(deps, TEAM_ID, MEMBER)
    assert not listed.admin and listed.typed == ()
    assert [lib.name_sv for lib in listed.curated] == ["Vasa stadsbibliotek"]
