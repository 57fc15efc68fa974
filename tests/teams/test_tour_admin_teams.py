"""An admin's Fika on Teams, in each of the three languages, end to end over signed activities
against the offline Teams: `start`, `schedule`, `size` and `stop` typed after @Fika in the team
channel in the admin's words (each refused for a colleague, in the colleague's language, with
nothing changed); `pair-now` with its progress and summary in the channel; `stats` in the
channel and `stats csv` as a table in the personal chat; `libraries`: the list, the add dialog,
the CSV dialog with the CSV pasted, and a removal confirmed. Every card the admin reads — in the
channel, in the personal chat, in a dialog — must be in the admin's language (told by the
catalogs' translations, not by hand-written phrases) and pass Teams' checks."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select

from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.people.models import Library
from bot.teams.cards import libraries as lib_cards
from bot.teams.identity import local_channel, local_user
from tests.fakes.teams_platform import Channel, FakeTeams, Team, User
from tests.snapshots import strings_in
from tests.teams.languages import LOCALES, TEAMS_LOCALE, assert_in, word
from tests.teams_support import TeamsApp, start_teams_app

JSON = dict[str, Any]

#: What an admin types after the command word, as people write it in each language.
SCHEDULE_ARGS = {
    "sv": "torsdag kl 13:30 varannan vecka",
    "fi": "torstai klo 13.30 joka 2. viikko",
    "en": "thursday 13:30 every 2 weeks",
}
#: `libraries`' second words, as the Slack command has them (handlers/teams_libraries.py).
LIBRARY_WORDS = {
    "sv": {"add": "lägg-till", "load": "ladda", "remove": "ta-bort"},
    "fi": {"add": "lisää", "load": "tuo", "remove": "poista"},
    "en": {"add": "add", "load": "load", "remove": "remove"},
}
CSV_WORD = {"sv": "fil", "fi": "tiedosto", "en": "csv"}
#: The colleague who is not an admin reads another language than the admin.
OTHER = {"sv": "fi", "fi": "en", "en": "sv"}


@dataclasses.dataclass
class Office:
    app: TeamsApp
    fake: FakeTeams
    admin: User
    colleague: User  # not an admin, in the OTHER language
    member: User
    team: Team
    locale: str

    @property
    def channel(self) -> Channel:
        return self.team.channel("Fika")

    def chat(self, user: User | None = None) -> str:
        return self.fake.personal_conversation(user or self.admin)

    def channel_cards(self) -> list[JSON]:
        """The bot's cards in the channel and its threads, as they are now, in order."""
        return self.fake.cards(self.channel.id)

    def mark(self) -> tuple[int, int]:
        """Where the channel is now: how many cards, how many updates."""
        return len(self.channel_cards()), len(self.fake.updates)

    def read_in_channel(self, since: tuple[int, int]) -> list[JSON]:
        """The cards posted in the channel since the mark, and every state a card there had
        before it was updated in place since (a progress card becoming the summary)."""
        shown = self.channel_cards()[since[0] :]
        for update in self.fake.updates[since[1] :]:
            if update.conversation_id == self.channel.id:
                for attachment in update.before.get("attachments") or []:
                    if attachment["content"] not in shown:
                        shown.append(attachment["content"])
        return shown

    def new_cards(self, before: int, user: User | None = None) -> list[JSON]:
        return self.fake.cards(self.chat(user))[before:]

    async def send(self, activity: JSON) -> Any:
        status, body = await self.app.send(activity)
        assert status == 200
        assert self.app.surface.failures == []
        return body

    async def say(self, text: str, where: Any = None, user: User | None = None) -> None:
        await self.send(self.fake.message(user or self.admin, text, where))

    async def program(self) -> CoffeeProgram | None:
        async with self.app.deps.db() as session:
            return await session.scalar(
                select(CoffeeProgram).where(
                    CoffeeProgram.channel_id == local_channel(self.channel.id)
                )
            )

    async def libraries(self) -> dict[str, Library]:
        async with self.app.deps.db() as session:
            rows = await session.scalars(select(Library).where(Library.team_id == self.app.team_id))
            return {lib.name_sv: lib for lib in rows}


@pytest.fixture(params=LOCALES)
async def office(request: Any, deps: Any, fake_teams: FakeTeams) -> Any:
    """The tenant's language is the tour's: what the whole channel reads is in it, as is what
    the admin reads; a colleague reads another language, and a member takes part."""
    locale: str = request.param
    fake = fake_teams
    admin = fake.add_user(name="Alma Admin", locale=TEAMS_LOCALE[locale])
    colleague = fake.add_user(name="Nora Niemi", locale=TEAMS_LOCALE[OTHER[locale]])
    member = fake.add_user(name="Minna Mäkelä", locale=TEAMS_LOCALE[locale])
    team = fake.add_team(
        name="Biblioteken", channels=("General", "Fika"), members=[admin, colleague, member]
    )
    settings = dataclasses.replace(
        deps.settings,
        default_locale=locale,
        admin_user_ids=frozenset({local_user(admin.aad_object_id)}),
    )
    async for app in start_teams_app(dataclasses.replace(deps, settings=settings), fake):
        async with app.deps.db.begin() as session:
            session.add(
                Library(
                    team_id=app.team_id,
                    name_sv="Kronoby bibliotek",
                    name_fi="Kruunupyyn kirjasto",
                    municipality="Kronoby",
                )
            )
        for user in (admin, colleague, member):
            await app.install(user)
        yield Office(app, fake, admin, colleague, member, team, locale)


def dialog_card(body: Any) -> JSON:
    assert body and body["task"]["type"] == "continue", body
    card: JSON = body["task"]["value"]["card"]["content"]
    return card


def inputs(card: JSON) -> dict[str, JSON]:
    return {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}


# ---------------------------------------------------------------------------- the program


async def test_start_schedule_size_and_stop_in_the_admins_words(office: Office) -> None:
    o, locale, other = office, office.locale, OTHER[office.locale]

    # A colleague's admin word is refused, in the colleague's language; nothing changes.
    seen = o.mark()
    await o.say(word("start", other), o.channel, user=o.colleague)
    assert await o.program() is None
    assert_in(other, o.read_in_channel(seen))

    # The admin's: the channel becomes a program; the answer and the channel's post.
    seen = o.mark()
    await o.say(word("start", locale), o.channel)
    program = await o.program()
    assert program is not None and program.active
    assert_in(locale, o.read_in_channel(seen))

    # The schedule and the group size, in the admin's words and arguments.
    def plan(program: CoffeeProgram | None) -> tuple[int, ...]:
        assert program is not None
        return (
            program.weekday,
            program.hour,
            program.minute,
            program.interval_weeks,
            program.group_size,
        )

    for name, args in (("schedule", SCHEDULE_ARGS), ("size", {"sv": "3", "fi": "3", "en": "3"})):
        before = plan(await o.program())
        seen = o.mark()
        await o.say(f"{word(name, other)} {args[other]}", o.channel, user=o.colleague)
        assert_in(other, o.read_in_channel(seen))
        assert plan(await o.program()) == before  # refused: nothing changed
        seen = o.mark()
        await o.say(f"{word(name, locale)} {args[locale]}", o.channel)
        assert_in(locale, o.read_in_channel(seen))
    program = await o.program()
    assert program is not None
    assert (program.weekday, program.hour, program.minute) == (3, 13, 30)
    assert program.interval_weeks == 2 and program.group_size == 3

    # Stopping: refused for the colleague, done for the admin.
    seen = o.mark()
    await o.say(word("stop", other), o.channel, user=o.colleague)
    assert_in(other, o.read_in_channel(seen))
    program = await o.program()
    assert program is not None and program.active
    seen = o.mark()
    await o.say(word("stop", locale), o.channel)
    assert_in(locale, o.read_in_channel(seen))
    program = await o.program()
    assert program is not None and not program.active and program.stopped_at is not None


# ---------------------------------------------------------------------------- rounds, figures


async def test_pair_now_and_the_figures(office: Office) -> None:
    o, locale, other = office, office.locale, OTHER[office.locale]
    await o.say(word("start", locale), o.channel)
    await o.say(word("join", locale), o.channel, user=o.member)

    seen = o.mark()
    await o.say(word("pair-now", other), o.channel, user=o.colleague)
    assert_in(other, o.read_in_channel(seen))
    program = await o.program()
    assert program is not None
    async with o.app.deps.db() as session:
        assert await session.scalar(select(CoffeeRound)) is None

    seen = o.mark()
    updates = len(o.fake.updates)
    await o.say(word("pair-now", locale), o.channel)
    await o.app.deps.tasks.idle(timeout=15)
    assert o.app.surface.failures == []
    read = o.read_in_channel(seen)
    assert len(read) >= 2  # the answer, the progress (then the summary)
    assert_in(locale, read)
    assert len(o.fake.updates) > updates  # the progress became the summary, in place
    async with o.app.deps.db() as session:
        (made,) = await session.scalars(
            select(CoffeeRound).where(CoffeeRound.program_id == program.id)
        )
        groups = list(await session.scalars(select(CoffeeGroup)))
    assert groups

    # The figures, in the channel; as a table in the personal chat.
    seen = o.mark()
    await o.say(word("stats", other), o.channel, user=o.colleague)
    assert_in(other, o.read_in_channel(seen))
    seen = o.mark()
    await o.say(word("stats", locale), o.channel)
    assert_in(locale, o.read_in_channel(seen))
    seen = o.mark()
    seen_chat = len(o.fake.cards(o.chat()))
    await o.say(f"{word('stats', locale)} {CSV_WORD[locale]}", o.channel)
    await o.app.deps.tasks.idle(timeout=15)
    assert_in(locale, o.read_in_channel(seen))  # "it comes to our personal chat"
    (table,) = o.new_cards(seen_chat)
    assert_in(locale, [table])
    assert made.id and "Biblioteken" in strings_in(table)


# ---------------------------------------------------------------------------- libraries


async def test_the_libraries_list_add_load_and_remove(office: Office) -> None:
    o, locale, other = office, office.locale, OTHER[office.locale]
    words = LIBRARY_WORDS[locale]
    libraries = word("libraries", locale)

    # A colleague is refused, in the colleague's language.
    seen = len(o.fake.cards(o.chat(o.colleague)))
    await o.say(word("libraries", other), user=o.colleague)
    assert_in(other, o.new_cards(seen, o.colleague))

    # The list.
    seen = len(o.fake.cards(o.chat()))
    await o.say(libraries)
    (listing,) = o.new_cards(seen)
    assert_in(locale, [listing])
    assert "Kronoby" in strings_in(listing)

    # Add: the prompt, the dialog, a refused name, then added.
    seen = len(o.fake.cards(o.chat()))
    await o.say(f"{libraries} {words['add']}")
    (prompt,) = o.new_cards(seen)
    assert_in(locale, [prompt])
    (button,) = prompt["actions"]
    form = dialog_card(await o.send(o.fake.invoke_task_fetch(o.admin, button["data"], o.chat())))
    assert_in(locale, [form])
    assert set(inputs(form)) == {"name_sv", "name_fi", "municipality"}
    again = dialog_card(
        await o.send(
            o.fake.invoke_task_submit(
                o.admin, {"dialog": lib_cards.ADD_DIALOG, "name_sv": "x" * 250}, o.chat()
            )
        )
    )
    assert_in(locale, [again])
    done = await o.send(
        o.fake.invoke_task_submit(
            o.admin,
            {
                "dialog": lib_cards.ADD_DIALOG,
                "name_sv": "Närpes bibliotek",
                "name_fi": "Närpiön kirjasto",
                "municipality": "Närpes",
            },
            o.chat(),
        )
    )
    assert done["task"]["type"] == "message"
    assert (await o.libraries())["Närpes bibliotek"].curated

    # Load: the prompt, the dialog, a bad CSV named line by line, then the pasted CSV loaded.
    seen = len(o.fake.cards(o.chat()))
    await o.say(f"{libraries} {words['load']}")
    (prompt,) = o.new_cards(seen)
    assert_in(locale, [prompt])
    (button,) = [a for a in prompt["actions"] if "data" in a]
    form = dialog_card(await o.send(o.fake.invoke_task_fetch(o.admin, button["data"], o.chat())))
    assert_in(locale, [form])
    bad = "Malax bibliotek;Maalahden kirjasto;Malax\n;Nimetön;Vasa\nA;B;C;D\n"
    again = dialog_card(
        await o.send(
            o.fake.invoke_task_submit(
                o.admin, {"dialog": lib_cards.LOAD_DIALOG, "csv": bad}, o.chat()
            )
        )
    )
    assert_in(locale, [again])
    assert "Malax bibliotek" not in await o.libraries()
    good = (
        "name_sv;name_fi;municipality\n"
        "Malax bibliotek;Maalahden kirjasto;Malax\n"
        "Kronoby bibliotek;Kruunupyyn kirjasto;Kronoby\n"
    )
    seen = len(o.fake.cards(o.chat()))
    closed = await o.send(
        o.fake.invoke_task_submit(o.admin, {"dialog": lib_cards.LOAD_DIALOG, "csv": good}, o.chat())
    )
    assert closed is None
    await o.app.deps.tasks.idle(timeout=10)
    assert_in(locale, o.new_cards(seen))  # loaded: new and updated
    assert (await o.libraries())["Malax bibliotek"].name_fi == "Maalahden kirjasto"

    # Remove: asked first, then taken off the list (kept for who chose it).
    seen = len(o.fake.cards(o.chat()))
    await o.say(f"{libraries} {words['remove']} Kronoby bibliotek")
    (confirm,) = o.new_cards(seen)
    assert_in(locale, [confirm])
    assert (await o.libraries())["Kronoby bibliotek"].curated
    confirm_id = str(o.fake.activities(o.chat())[-1]["id"])
    body = await o.send(o.fake.press(o.admin, o.chat(), confirm_id, lib_cards.REMOVE))
    assert_in(locale, [body["value"]])
    assert not (await o.libraries())["Kronoby bibliotek"].curated

    # The list as it is now.
    seen = len(o.fake.cards(o.chat()))
    await o.say(libraries)
    (listing,) = o.new_cards(seen)
    assert_in(locale, [listing])
    text = strings_in(listing)
    assert "Malax bibliotek" in text and "Närpes bibliotek" in text
