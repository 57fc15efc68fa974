"""The list of libraries on Teams end to end, for admins: signed activities from the offline
Teams (tests/fakes/teams_platform.py) to the real app — `libraries` in any language's word →
the list as a card (paged, under Teams' size limit); the add dialog (refused field, then saved);
the CSV dialog (bad lines named in the admin's language, nothing loaded; then loaded, and the
admin told in the personal chat); `libraries remove <name>` → a confirmation whose button
takes it off. A non-admin is refused at every command, click and dialog; ids of another
tenant's libraries are refused. Every card the fake receives is checked against the Adaptive
Card schema (the fake refuses invalid ones); dialogs' cards are checked here."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.people.models import Library
from bot.people.permissions import ADMINS_ONLY
from bot.platform.i18n import translator
from bot.teams.cards import libraries as lib_cards
from bot.teams.cards.answers import teams_markdown
from bot.teams.identity import local_user
from bot.teams.validation import card_problems
from handlers import coffee_libraries, teams_libraries
from tests.fakes.teams_platform import FakeTeams, Team, User
from tests.snapshots import catalog_msgstr, literal, strings_in
from tests.teams_support import TeamsApp, start_teams_app

JSON = dict[str, Any]
OTHER_TENANT = "f" * 32


@dataclasses.dataclass
class Office:
    app: TeamsApp
    fake: FakeTeams
    admins: dict[str, User]  # by language
    bea: User  # not an admin
    team: Team

    @property
    def channel(self) -> Any:
        return self.team.channel("Fika")


@pytest.fixture
async def office(deps: Any, fake_teams: FakeTeams) -> AsyncIterator[Office]:
    """A tenant with an admin in each language, Bea (sv, no admin) and a few libraries: two on
    the list, one typed by someone; another tenant's library too."""
    fake = fake_teams
    admins = {
        "sv": fake.add_user(name="Sven Admin", locale="sv-SE"),
        "fi": fake.add_user(name="Sirpa Admin", locale="fi-FI"),
        "en": fake.add_user(name="Alma Admin", locale="en-US"),
    }
    bea = fake.add_user(name="Bea Berg", locale="sv-SE")
    team = fake.add_team(
        name="Bibliotek i Österbotten",
        channels=("General", "Fika"),
        members=[*admins.values(), bea],
    )
    async for app in start_teams_app(deps, fake):
        ids = frozenset(local_user(u.aad_object_id) for u in admins.values())
        app.surface.settings = dataclasses.replace(app.surface.settings, admin_user_ids=ids)
        async with app.deps.db.begin() as session:
            session.add_all(
                [
                    Library(
                        team_id=app.team_id,
                        name_sv="Kronoby bibliotek",
                        name_fi="Kruunupyyn kirjasto",
                        municipality="Kronoby",
                    ),
                    Library(team_id=app.team_id, name_sv="Jakobstads stadsbibliotek"),
                    Library(team_id=app.team_id, name_sv="Bokbussen *Pia*", curated=False),
                    Library(team_id=OTHER_TENANT, name_sv="Annan kommuns bibliotek"),
                ]
            )
        for user in [*admins.values(), bea]:
            await app.install(user)
        yield Office(app, fake, admins, bea, team)


def shows(card: JSON, locale: str, msgid: str) -> bool:
    """The card says the catalog's sentence (its longest literal part)."""
    return literal(teams_markdown(catalog_msgstr(locale, msgid))) in strings_in(card)


def says_new(card: JSON, locale: str, msgid: str) -> bool:
    """A sentence new on Teams (maybe not in the catalogs yet): as the translator says it."""
    return literal(teams_markdown(translator(locale)(msgid))) in strings_in(card)


def refused(locale: str, msgid: str) -> JSON:
    """A refused click's answer: the card stays; the clicker reads why (plain text)."""
    return {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": catalog_msgstr(locale, msgid),
    }


def cards_in(fake: FakeTeams, conversation_id: str) -> list[JSON]:
    cards = fake.cards(conversation_id)
    for card in cards:
        assert card_problems(card) == []
    return cards


async def say(office: Office, user: User, text: str, where: Any = None) -> None:
    status, _ = await office.app.send(office.fake.message(user, text, where))
    assert status == 200
    assert office.app.surface.failures == []


def last_card(office: Office, user: User) -> JSON:
    return cards_in(office.fake, office.fake.personal_conversation(user))[-1]


def last_id(office: Office, user: User) -> str:
    return str(office.fake.activities(office.fake.personal_conversation(user))[-1]["id"])


async def fetch(office: Office, user: User, dialog: str) -> JSON:
    chat = office.fake.personal_conversation(user)
    status, body = await office.app.send(
        office.fake.invoke_task_fetch(user, {"dialog": dialog}, chat)
    )
    assert status == 200
    return dict(body or {})


async def submit(office: Office, user: User, data: JSON) -> JSON | None:
    chat = office.fake.personal_conversation(user)
    status, body = await office.app.send(office.fake.invoke_task_submit(user, data, chat))
    assert status == 200
    assert office.app.surface.failures == []
    return body


def dialog_card(answer: JSON | None) -> JSON:
    assert answer is not None and answer["task"]["type"] == "continue", answer
    card: JSON = answer["task"]["value"]["card"]["content"]
    assert card_problems(card) == []
    return card


def inputs(card: JSON) -> dict[str, JSON]:
    return {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}


async def libraries_of(office: Office) -> dict[str, Library]:
    async with office.app.deps.db() as session:
        rows = await session.scalars(select(Library).where(Library.team_id == office.app.team_id))
        return {lib.name_sv: lib for lib in rows}


# ---------------------------------------------------------------------------- the list


@pytest.mark.parametrize(
    ("locale", "word"), [("sv", "bibliotek"), ("fi", "kirjastot"), ("en", "libraries")]
)
async def test_an_admin_gets_the_list_in_their_language(
    office: Office, locale: str, word: str
) -> None:
    admin = office.admins[locale]
    await say(office, admin, word)
    card = last_card(office, admin)
    t = translator(locale)
    text = strings_in(card)
    assert t("Libraries") in text
    assert "• Kronoby bibliotek / Kruunupyyn kirjasto (Kronoby)" in text
    assert "• Jakobstads stadsbibliotek" in text
    assert "Annan kommuns bibliotek" not in text  # another tenant's
    assert shows(card, locale, "Typed by people, not on the list: {names}")
    assert "Bokbussen \\*Pia\\*" in text  # what people typed is shown as written
    # the Slack sentence's commands in the Teams way, `<name>` shown as written
    assert shows(
        card,
        locale,
        "Pick yours with `/fika profile`; if it is missing, you can type its name there.",
    )
    dialogs = {a["data"].get("dialog") for a in card["actions"] if a["type"] == "Action.Submit"}
    assert dialogs == {lib_cards.ADD_DIALOG, lib_cards.LOAD_DIALOG}
    for action in card["actions"]:
        if action["type"] == "Action.Submit":
            assert action["data"]["msteams"] == {"type": "task/fetch"}


async def test_the_list_typed_in_a_channel_comes_to_the_personal_chat(office: Office) -> None:
    admin = office.admins["sv"]
    await say(office, admin, "bibliotek", office.channel)
    assert "• Kronoby bibliotek / Kruunupyyn kirjasto (Kronoby)" in strings_in(
        last_card(office, admin)
    )
    posted = [
        c
        for conversation in list(office.fake.conversations)
        if conversation.startswith(office.channel.id)
        for c in office.fake.cards(conversation)
    ]
    assert posted and shows(posted[-1], "sv", "I sent you the answer in our personal chat.")
    assert "Kronoby" not in strings_in(posted)


async def test_a_long_list_pages_and_stays_under_teams_size_limit(office: Office) -> None:
    long_name = "*[x](y)* " * 22  # 198 characters of markup, escaped on the card
    async with office.app.deps.db.begin() as session:
        session.add_all(
            Library(
                team_id=office.app.team_id,
                name_sv=f"{i:02} {long_name}"[:200],
                name_fi=f"{i:02} fi {long_name}"[:200],
                municipality=long_name[:200],
            )
            for i in range(70)
        )
        session.add_all(
            Library(team_id=office.app.team_id, name_sv=f"t{i} {long_name}"[:200], curated=False)
            for i in range(60)
        )
    admin = office.admins["fi"]
    await say(office, admin, "kirjastot")
    first = last_card(office, admin)  # checked: valid, under 28 KB
    assert lib_cards.card_size(first) < 24 * 1024  # room to spare under Teams' 28 KB
    t = translator("fi")

    def page_line(page: int) -> str:
        return t.ngettext(
            "{n} library · page {page} of {pages}",
            "{n} libraries · page {page} of {pages}",
            72,
            page=str(page),
            pages="3",
        )

    assert page_line(1) in strings_in(first)
    assert strings_in(first).count("• ") == 30
    chat = office.fake.personal_conversation(admin)
    status, body = await office.app.send(
        office.fake.press(admin, chat, last_id(office, admin), lib_cards.PAGE)
    )
    assert status == 200
    second = body["value"]
    assert card_problems(second) == []
    assert page_line(2) in strings_in(second)
    assert {a.get("verb") for a in second["actions"]} >= {lib_cards.PAGE}
    titles = [a["title"] for a in second["actions"]]
    assert t("Previous") in titles and t("Next") in titles


# ---------------------------------------------------------------------------- who may


async def test_a_non_admin_is_refused_at_every_command_click_and_dialog(office: Office) -> None:
    bea = office.bea
    for text in (
        "bibliotek",
        "bibliotek 2",
        "bibliotek lägg-till",
        "bibliotek ladda",
        "bibliotek ta-bort Kronoby bibliotek",
    ):
        await say(office, bea, text)
        card = last_card(office, bea)
        assert shows(card, "sv", ADMINS_ONLY), text
        assert "Kronoby bibliotek /" not in strings_in(card)

    chat = office.fake.personal_conversation(bea)
    _, body = await office.app.send(
        office.fake.invoke_execute(bea, lib_cards.PAGE, {"page": 1}, chat)
    )
    assert body == refused("sv", ADMINS_ONLY)
    kronoby = (await libraries_of(office))["Kronoby bibliotek"]
    _, body = await office.app.send(
        office.fake.invoke_execute(bea, lib_cards.REMOVE, {"library_id": kronoby.id}, chat)
    )
    assert body == refused("sv", ADMINS_ONLY)

    for dialog in (lib_cards.ADD_DIALOG, lib_cards.LOAD_DIALOG):
        opened = await fetch(office, bea, dialog)
        assert opened["task"]["type"] == "message"
        assert opened["task"]["value"] == catalog_msgstr("sv", ADMINS_ONLY)
    answer = await submit(
        office, bea, {"dialog": lib_cards.ADD_DIALOG, "name_sv": "Korsholms bibliotek"}
    )
    assert answer is not None and answer["task"]["value"] == catalog_msgstr("sv", ADMINS_ONLY)
    answer = await submit(
        office, bea, {"dialog": lib_cards.LOAD_DIALOG, "csv": "Korsholms bibliotek,,Korsholm"}
    )
    assert answer is not None and answer["task"]["value"] == catalog_msgstr("sv", ADMINS_ONLY)
    await office.app.deps.tasks.idle(timeout=5)
    libraries = await libraries_of(office)
    assert "Korsholms bibliotek" not in libraries and libraries["Kronoby bibliotek"].curated


async def test_rights_are_read_at_the_click(office: Office) -> None:
    admin = office.admins["sv"]
    await say(office, admin, "bibliotek ta-bort Kronoby bibliotek")
    confirm_id = last_id(office, admin)
    office.app.surface.settings = dataclasses.replace(
        office.app.surface.settings, admin_user_ids=frozenset()
    )
    chat = office.fake.personal_conversation(admin)
    _, body = await office.app.send(office.fake.press(admin, chat, confirm_id, lib_cards.REMOVE))
    assert body == refused("sv", ADMINS_ONLY)  # the card stays, the clicker is told why
    assert (await libraries_of(office))["Kronoby bibliotek"].curated


# ---------------------------------------------------------------------------- add


async def test_the_add_dialog_refuses_a_bad_name_then_adds(office: Office) -> None:
    admin = office.admins["sv"]
    await say(office, admin, "bibliotek lägg-till")
    prompt = last_card(office, admin)
    (button,) = prompt["actions"]
    assert button["data"] == {"msteams": {"type": "task/fetch"}, "dialog": lib_cards.ADD_DIALOG}

    form = dialog_card(await fetch(office, admin, lib_cards.ADD_DIALOG))
    fields = inputs(form)
    assert set(fields) == {"name_sv", "name_fi", "municipality"}
    assert fields["name_sv"]["isRequired"] is True
    assert fields["name_sv"]["errorMessage"] == catalog_msgstr("sv", "A library needs a name.")
    assert {f["maxLength"] for f in fields.values()} == {200}
    assert fields["name_sv"]["label"] == catalog_msgstr("sv", "Name in Swedish")

    again = dialog_card(
        await submit(
            office,
            admin,
            {"dialog": lib_cards.ADD_DIALOG, "name_sv": "x" * 250, "name_fi": "Närpiön kirjasto"},
        )
    )
    assert shows(again, "sv", "A library name can be at most {max} characters.")
    assert inputs(again)["name_fi"]["value"] == "Närpiön kirjasto"  # what was typed is kept

    crafted = dialog_card(
        await submit(office, admin, {"dialog": lib_cards.ADD_DIALOG, "name_sv": ["x"]})
    )
    assert shows(crafted, "sv", "A library needs a name.")

    done = await submit(
        office,
        admin,
        {
            "dialog": lib_cards.ADD_DIALOG,
            "name_sv": "Närpes  bibliotek",
            "name_fi": "Närpiön kirjasto",
            "municipality": "",
        },
    )
    assert done is not None and done["task"]["type"] == "message"
    assert done["task"]["value"] == catalog_msgstr(
        "sv", "{name} is now on the list of libraries."
    ).format(name="Närpes bibliotek")
    added = (await libraries_of(office))["Närpes bibliotek"]
    assert added.curated and added.name_fi == "Närpiön kirjasto"


# ---------------------------------------------------------------------------- load


async def test_the_csv_dialog_names_bad_lines_then_loads_and_tells_the_admin(
    office: Office,
) -> None:
    admin = office.admins["fi"]
    await say(office, admin, "kirjastot tuo")
    prompt = last_card(office, admin)
    assert says_new(prompt, "fi", lib_cards.NO_FILES)  # no files on Teams: pasted
    form = dialog_card(await fetch(office, admin, lib_cards.LOAD_DIALOG))
    (csv_input,) = inputs(form).values()
    assert csv_input["isMultiline"] is True and csv_input["maxLength"] == 3000
    assert csv_input["isRequired"] is True
    assert says_new(form, "fi", lib_cards.NO_FILES)
    assert shows(form, "fi", lib_cards.CSV_HINT)

    csv_text = (
        "name_sv;name_fi;municipality\n"
        "Malax bibliotek;Maalahden kirjasto;Malax\n"
        "Kronoby bibliotek;Kruunupyyn kirjasto;Kronoby\n"
        ";Nimetön;Vasa\n"
        "A;B;C;D\n"
        "Malax *bibliotek*;;\n"
        "Malax *bibliotek*;;\n"
    )
    again = dialog_card(
        await submit(office, admin, {"dialog": lib_cards.LOAD_DIALOG, "csv": csv_text})
    )
    text = strings_in(again)
    assert shows(again, "fi", "Nothing was loaded. Please fix: {problems}")
    assert "rivi 4: " + catalog_msgstr("fi", "the Swedish name is missing") in text
    assert "rivi 5: " + catalog_msgstr("fi", "more than three columns") in text
    twice = catalog_msgstr("fi", "{name} is listed twice").format(name="Malax \\*bibliotek\\*")
    assert "rivi 7: " + twice in text
    assert inputs(again)["csv"]["value"] == csv_text  # kept to fix
    assert "Malax bibliotek" not in await libraries_of(office)

    empty = dialog_card(
        await submit(office, admin, {"dialog": lib_cards.LOAD_DIALOG, "csv": "\n \n"})
    )
    assert shows(empty, "fi", "There are no libraries in the text.")

    good = "\n".join(csv_text.splitlines()[:3])
    assert await submit(office, admin, {"dialog": lib_cards.LOAD_DIALOG, "csv": good}) is None
    await office.app.deps.tasks.idle(timeout=10)
    told = last_card(office, admin)
    wanted = catalog_msgstr("fi", "Libraries loaded. New: {added}. Updated: {updated}.")
    assert wanted.format(added="1", updated="1") in strings_in(told)
    libraries = await libraries_of(office)
    assert libraries["Malax bibliotek"].name_fi == "Maalahden kirjasto"


# ---------------------------------------------------------------------------- remove


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("sv", "bibliotek ta-bort kronoby BIBLIOTEK"),
        ("fi", "kirjastot poista Kruunupyyn kirjasto"),
        ("en", "libraries remove Kronoby bibliotek"),
    ],
)
async def test_remove_asks_first_then_takes_it_off(office: Office, locale: str, words: str) -> None:
    admin = office.admins[locale]
    await say(office, admin, words)
    confirm = last_card(office, admin)
    assert says_new(confirm, locale, lib_cards.REMOVE_QUESTION)
    assert "Kronoby bibliotek" in strings_in(confirm)
    assert (await libraries_of(office))["Kronoby bibliotek"].curated  # not yet

    chat = office.fake.personal_conversation(admin)
    confirm_id = last_id(office, admin)
    _, body = await office.app.send(office.fake.press(admin, chat, confirm_id, lib_cards.REMOVE))
    assert card_problems(body["value"]) == []
    assert shows(
        body["value"],
        locale,
        "{name} is no longer on the list. People who chose it keep it in their profile.",
    )
    assert not (await libraries_of(office))["Kronoby bibliotek"].curated  # kept, not on the list

    _, body = await office.app.send(office.fake.press(admin, chat, confirm_id, lib_cards.REMOVE))
    assert shows(body["value"], locale, "There is no library called “{name}” on the list.")


async def test_removing_an_unknown_name_says_so(office: Office) -> None:
    admin = office.admins["sv"]
    await say(office, admin, "bibliotek ta-bort Atlantis")
    assert shows(last_card(office, admin), "sv", "There is no library called “{name}” on the list.")
    await say(office, admin, "bibliotek ta-bort")
    assert shows(
        last_card(office, admin),
        "sv",
        "Which library? e.g. `/fika libraries remove Kronoby bibliotek`.",
    )


@pytest.mark.parametrize("forged", ["other tenant", 999_999, "abc", True, None, -3])
async def test_forged_library_ids_are_refused(office: Office, forged: Any) -> None:
    admin = office.admins["sv"]
    if forged == "other tenant":
        async with office.app.deps.db() as session:
            other = await session.scalar(select(Library).where(Library.team_id == OTHER_TENANT))
        assert other is not None
        forged = other.id
    chat = office.fake.personal_conversation(admin)
    _, body = await office.app.send(
        office.fake.invoke_execute(admin, lib_cards.REMOVE, {"library_id": forged}, chat)
    )
    assert body == refused("sv", "Which library? e.g. `/fika libraries remove Kronoby bibliotek`.")
    async with office.app.deps.db() as session:
        rows = list(await session.scalars(select(Library).where(Library.curated.is_(True))))
    assert {lib.name_sv for lib in rows} >= {"Annan kommuns bibliotek", "Kronoby bibliotek"}


# ---------------------------------------------------------------------------- help, words


async def test_help_lists_libraries_for_admins_only(office: Office) -> None:
    await say(office, office.admins["sv"], "hjälp")
    admin_help = strings_in(last_card(office, office.admins["sv"]))
    assert "**bibliotek** " in admin_help
    line = next(x for x in admin_help.splitlines() if x.startswith("**bibliotek**"))
    assert line.endswith(catalog_msgstr("sv", "(admins)"))
    await say(office, office.bea, "hjälp")
    assert "**bibliotek**" not in strings_in(last_card(office, office.bea))


def test_the_second_words_are_slacks() -> None:
    assert teams_libraries.ADD_WORDS == coffee_libraries._ADD_WORDS
    assert teams_libraries.LOAD_WORDS == coffee_libraries._LOAD_WORDS
    assert teams_libraries.REMOVE_WORDS == coffee_libraries._REMOVE_WORDS
