"""The personal rows of docs/teams-features.md, walked in Swedish, Finnish and English, end to
end over signed activities against the offline Teams: help and unknown words; join / leave /
resume / status typed and the home card's buttons; `pause 2 weeks` in the reader's words and the
pause dialog; the profile dialog refusing then saving; the welcome card on joining the team and
its buttons; the follow-up's "share a tip"; forget-me and an admin's forget; status and my-data
typed in a channel. Every card the person reads must be in their language (told by the
catalogs' translations, `tests.teams.languages.assert_in`), and where a row changes state the
database is checked."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.coffee import round_store as rounds_db
from bot.coffee.followups import send_due_followups
from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.coffee.participants import _WEEKS
from bot.coffee.rounds import pair_now
from bot.coffee.service import LIBRARY_NAME_MAX, PICK_A_LANGUAGE
from bot.people.models import Member
from bot.platform.i18n import translator
from bot.teams.cards import home as home_cards
from bot.teams.cards import privacy as privacy_cards
from bot.teams.identity import local_channel, local_user
from bot.teamsapp.models import TeamsPerson
from bot.tips.models import Tip
from handlers.teams_people import SENT_TO_CHAT
from tests.conftest import FakeClock
from tests.fakes.teams_platform import FakeTeams, Team, User
from tests.snapshots import strings_in
from tests.teams.languages import LOCALES, TEAMS_LOCALE, assert_in, languages_of, word
from tests.teams_support import TeamsApp, start_teams_app

JSON = dict[str, Any]

#: Someone of another language in the same team, to catch a card drawn in the wrong one.
OTHER = {"sv": "fi", "fi": "en", "en": "sv"}

#: How a pause's length is typed in each language: the unit words `parse_pause` understands
#: (bot/coffee/participants.py `_WEEKS`, not a catalog entry). Checked against it below.
WEEKS = {"sv": "veckor", "fi": "viikkoa", "en": "weeks"}


@dataclasses.dataclass
class People:
    app: TeamsApp
    fake: FakeTeams
    me: User
    other: User
    admin: User
    team: Team
    locale: str

    @property
    def channel(self) -> Any:
        return self.team.channel("Fika")

    def chat(self, user: User | None = None) -> str:
        return self.fake.personal_conversation(user or self.me)

    def cards_since(self, before: int, user: User | None = None) -> list[JSON]:
        return self.fake.cards(self.chat(user))[before:]

    def seen(self, user: User | None = None) -> int:
        return len(self.fake.cards(self.chat(user)))

    async def send(self, activity: JSON) -> Any:
        status, body = await self.app.send(activity)
        assert status == 200
        assert self.app.surface.failures == []
        return body

    async def say(self, text: str, where: Any = None, user: User | None = None) -> None:
        await self.send(self.fake.message(user or self.me, text, where))

    async def program(self) -> CoffeeProgram:
        async with self.app.deps.db() as session:
            program = await session.scalar(
                select(CoffeeProgram).where(
                    CoffeeProgram.channel_id == local_channel(self.channel.id)
                )
            )
        assert program is not None
        return program

    async def row(self, user: User | None = None) -> CoffeeParticipant | None:
        program = await self.program()
        async with self.app.deps.db() as session:
            return await session.scalar(
                select(CoffeeParticipant).where(
                    CoffeeParticipant.program_id == program.id,
                    CoffeeParticipant.user_id == local_user((user or self.me).aad_object_id),
                )
            )

    async def status(self, user: User | None = None) -> str | None:
        row = await self.row(user)
        return row.status if row is not None else None

    async def home(self, user: User | None = None) -> tuple[str, str, JSON]:
        """(chat, activity id, card) of the person's home card as it is now."""
        async with self.app.deps.db() as session:
            person = await session.get(
                TeamsPerson, (self.app.team_id, local_user((user or self.me).aad_object_id))
            )
        assert person is not None and person.home_activity_id and person.conversation_id
        activity = self.fake.activity(person.conversation_id, person.home_activity_id)
        return (
            person.conversation_id,
            person.home_activity_id,
            activity["attachments"][0]["content"],
        )

    def channel_cards(self) -> list[JSON]:
        """Every card the bot posted in the program channel and its threads."""
        found: list[JSON] = []
        for conversation_id in list(self.fake.conversations):
            if conversation_id.split(";", 1)[0] == self.channel.id:
                found += self.fake.cards(conversation_id)
        return found


@pytest.fixture(params=LOCALES)
async def people(request: Any, deps: Any, fake_teams: FakeTeams) -> AsyncIterator[People]:
    """Me and the admin in `locale`, a colleague in another language; a team whose channel
    "Fika" the admin has made a program by typing its word; Fika installed by me."""
    locale: str = request.param
    fake = fake_teams
    me = fake.add_user(name="Minna Mäkelä", locale=TEAMS_LOCALE[locale])
    other = fake.add_user(name="Pia Berg", locale=TEAMS_LOCALE[OTHER[locale]])
    admin = fake.add_user(name="Alma Admin", locale=TEAMS_LOCALE[locale])
    team = fake.add_team(
        name="Biblioteken", channels=("General", "Fika"), members=[me, other, admin]
    )
    settings = dataclasses.replace(
        deps.settings, admin_user_ids=frozenset({local_user(admin.aad_object_id)})
    )
    async for app in start_teams_app(dataclasses.replace(deps, settings=settings), fake):
        world = People(app, fake, me, other, admin, team, locale)
        await app.install(me)
        await app.install(admin)
        await world.say(word("start", locale), world.channel, user=admin)
        yield world
        assert fake.rejected == []


def dialog_card(answer: JSON) -> JSON:
    assert answer["task"]["type"] == "continue", answer
    card: JSON = answer["task"]["value"]["card"]["content"]
    return card


def errors_in(card: JSON) -> list[str]:
    """A dialog's field errors, as shown under their fields."""
    return [e["text"] for e in card["body"] if e.get("color") == "Attention"]


def actions_of(card: Any) -> list[JSON]:
    """Every action of a card, also those of the cards its Action.ShowCard open."""
    found: list[JSON] = []
    if isinstance(card, dict):
        if isinstance(card.get("type"), str) and card["type"].startswith("Action."):
            found.append(card)
        for value in card.values():
            found += actions_of(value)
    elif isinstance(card, list):
        for value in card:
            found += actions_of(value)
    return found


def assert_text_in(locale: str, text: str) -> None:
    """A dialog's closing message (plain text, no card) in the reader's language."""
    found = languages_of({"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": text}]})
    assert found == {locale}, (locale, text)


def with_mention(activity: JSON, person: User) -> JSON:
    tag = f"<at>{person.name}</at>"
    activity["text"] = f"{activity['text']} {tag}"
    activity["entities"].append(
        {"type": "mention", "mentioned": {"id": person.id, "name": person.name}, "text": tag}
    )
    return activity


async def stored(app: TeamsApp, user: User) -> dict[str, int]:
    uid = local_user(user.aad_object_id)
    async with app.deps.db() as session:

        async def count(model: Any, *where: Any) -> int:
            return int(
                await session.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )

        return {
            "members": await count(Member, Member.user_id == uid),
            "participants": await count(CoffeeParticipant, CoffeeParticipant.user_id == uid),
            "teams_people": await count(TeamsPerson, TeamsPerson.user_id == uid),
        }


def test_the_pause_words_are_the_parsers() -> None:
    for locale, unit in WEEKS.items():
        assert _WEEKS.match(f"2 {unit}"), locale


# ---------------------------------------------------------------------------- help


async def test_help_and_an_unknown_word_get_the_help_card(people: People) -> None:
    p, locale = people, people.locale
    seen = p.seen()
    await p.say(word("help", locale))
    (help_card,) = p.cards_since(seen)
    assert_in(locale, [help_card])
    assert f"**{word('join', locale)}**" in strings_in(help_card)  # the reader's words
    assert f"**{word('start', locale)}**" not in strings_in(help_card)  # admins' words: not mine

    seen = p.seen()
    await p.say("kaffekaffe")
    (unknown,) = p.cards_since(seen)
    assert_in(locale, [unknown])
    assert "kaffekaffe" in strings_in(unknown)
    assert f"**{word('join', locale)}**" in strings_in(unknown)


# ---------------------------------------------------------------------------- join, leave


async def test_join_leave_resume_and_status_typed_and_the_home_cards_buttons(
    people: People,
) -> None:
    p, locale, fake = people, people.locale, people.fake
    chat, home_id, home = await p.home()
    assert_in(locale, [home])

    # join, typed in the program's channel: answered there; the home card updated in place.
    channel_seen = len(p.channel_cards())
    updates = len(fake.updates)
    await p.say(word("join", locale), p.channel)
    assert await p.status() == "active"
    assert_in(locale, p.channel_cards()[channel_seen:])
    assert len(fake.updates) > updates
    _, same, home = await p.home()
    assert same == home_id
    assert_in(locale, [home])
    assert "Biblioteken › Fika" in strings_in(home)

    # status, typed in the personal chat.
    seen = p.seen()
    await p.say(word("status", locale))
    assert_in(locale, p.cards_since(seen))

    # leave, typed: left; the home card says so.
    seen = p.seen()
    await p.say(word("leave", locale))
    assert await p.status() == "left"
    assert_in(locale, p.cards_since(seen))
    _, _, home = await p.home()
    assert_in(locale, [home])
    assert home_cards.JOIN in str(home)

    # join again, typed in the personal chat (one program): back in.
    seen = p.seen()
    await p.say(word("join", locale))
    assert await p.status() == "active"
    assert_in(locale, p.cards_since(seen))

    # a break, then resume, typed.
    await p.say(f"{word('pause', locale)} 2 {WEEKS[locale]}")
    assert await p.status() == "paused"
    seen = p.seen()
    await p.say(word("resume", locale))
    assert await p.status() == "active"
    assert_in(locale, p.cards_since(seen))
    _, _, home = await p.home()
    assert_in(locale, [home])

    # The home card's Leave (confirmed in the card below it), then Join again.
    body = await p.send(fake.press(p.me, chat, home_id, home_cards.LEAVE))
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert_in(locale, [body["value"]])
    assert f"**{word('join', locale)}**" in strings_in(body["value"])
    assert await p.status() == "left"
    _, _, home = await p.home()
    assert_in(locale, [home])

    # Teams shows the answer in the card's place: Join is pressed on that card.
    (join,) = [a for a in actions_of(body["value"]) if a.get("verb") == home_cards.JOIN]
    body = await p.send(fake.invoke_execute(p.me, home_cards.JOIN, join["data"], chat, home_id))
    assert_in(locale, [body["value"]])
    assert await p.status() == "active"
    _, same, home = await p.home()
    assert same == home_id
    assert_in(locale, [home])


# ---------------------------------------------------------------------------- pause


async def test_pause_two_weeks_typed_in_the_readers_words(people: People) -> None:
    p, locale = people, people.locale
    await p.say(word("join", locale), p.channel)
    seen = p.seen()
    await p.say(f"{word('pause', locale)} 2 {WEEKS[locale]}")
    (answer,) = p.cards_since(seen)
    assert_in(locale, [answer])
    row = await p.row()
    today = p.app.deps.now().date()
    assert row is not None and row.status == "paused"
    assert row.paused_until == today + timedelta(weeks=2)
    _, _, home = await p.home()
    assert_in(locale, [home])


async def test_the_pause_dialog_and_the_home_card_saying_until_when(people: People) -> None:
    p, locale, fake = people, people.locale, people.fake
    await p.say(word("join", locale), p.channel)
    seen = p.seen()
    await p.say(word("pause", locale))
    (prompt,) = p.cards_since(seen)
    assert_in(locale, [prompt])
    (button,) = [a for a in prompt["actions"] if (a.get("data") or {}).get("dialog") == "pause"]
    chat = p.chat()

    opened = await p.send(fake.invoke_task_fetch(p.me, button["data"], chat))
    form = dialog_card(opened)
    assert_in(locale, [form])
    (day,) = [e for e in form["body"] if e.get("type") == "Input.Date"]
    (save,) = form["actions"]

    refused = await p.send(
        fake.invoke_task_submit(p.me, {**save["data"], "until": "2026-11-01"}, chat)
    )
    assert_in(locale, [dialog_card(refused)])
    assert errors_in(dialog_card(refused)) == [translator(locale)("Pick a date after today.")]
    assert (await p.status()) == "active"

    until = date.fromisoformat(day["value"]) + timedelta(days=7)
    done = await p.send(
        fake.invoke_task_submit(p.me, {**save["data"], "until": until.isoformat()}, chat)
    )
    assert done["task"]["type"] == "message"
    assert_text_in(locale, done["task"]["value"])
    row = await p.row()
    assert row is not None and row.status == "paused" and row.paused_until == until
    _, _, home = await p.home()
    assert_in(locale, [home])
    assert home_cards.RESUME in str(home)


# ---------------------------------------------------------------------------- profile


async def test_the_profile_dialog_refuses_field_by_field_then_saves(people: People) -> None:
    p, locale, fake = people, people.locale, people.fake
    chat = p.chat()
    seen = p.seen()
    await p.say(word("profile", locale))
    (prompt,) = p.cards_since(seen)
    assert_in(locale, [prompt])
    (button,) = [a for a in prompt["actions"] if (a.get("data") or {}).get("dialog") == "profile"]

    opened = await p.send(fake.invoke_task_fetch(p.me, button["data"], chat))
    form = dialog_card(opened)
    assert_in(locale, [form])
    (send,) = form["actions"]

    refused = await p.send(
        fake.invoke_task_submit(
            p.me,
            {
                **send["data"],
                "library_typed": "x" * 250,
                "languages": "",
                "message_locale": "xx",
            },
            chat,
        )
    )
    again = dialog_card(refused)
    assert_in(locale, [again])
    t = translator(locale)
    assert errors_in(again) == [
        t("A library name can be at most {max} characters.", max=LIBRARY_NAME_MAX),
        t("Pick at least one language."),
        t(PICK_A_LANGUAGE),
    ]
    assert await stored(p.app, p.me) == {"members": 1, "participants": 0, "teams_people": 1}
    async with p.app.deps.db() as session:
        member = await session.scalar(
            select(Member).where(Member.user_id == local_user(p.me.aad_object_id))
        )
    assert member is not None and not member.languages

    saved = await p.send(
        fake.invoke_task_submit(
            p.me,
            {
                **send["data"],
                "library_typed": "Kronoby bibliotek",
                "languages": "sv,fi",
                "message_locale": OTHER[locale],
            },
            chat,
        )
    )
    assert saved is None  # the dialog closes
    async with p.app.deps.db() as session:
        member = await session.scalar(
            select(Member).where(Member.user_id == local_user(p.me.aad_object_id))
        )
    assert member is not None
    assert sorted(member.languages) == ["fi", "sv"] and member.locale_pref == OTHER[locale]
    assert member.library is not None and member.library.name_sv == "Kronoby bibliotek"
    _, _, home = await p.home()
    assert_in(OTHER[locale], [home])  # redrawn in the language she chose for Fika
    assert "Kronoby bibliotek" in strings_in(home)


# ---------------------------------------------------------------------------- welcome


async def test_the_welcome_card_on_joining_the_team_and_its_buttons(people: People) -> None:
    p, locale, fake = people, people.locale, people.fake
    eva = fake.add_user(name="Eva Ek", locale=TEAMS_LOCALE[locale])
    await p.app.install(eva)  # Fika knows her language from her Teams
    await p.send(fake.members_added_activity(p.admin, p.team, [eva]))
    assert await p.status(eva) == "active"
    chat = p.chat(eva)
    (activity,) = [a for a in fake.activities(chat) if "coffee.leave" in str(a)]
    welcome = activity["attachments"][0]["content"]
    assert_in(locale, fake.cards(chat))  # the welcome (its Leave confirmation too), the home
    profile, pause, leave = welcome["actions"]
    assert leave["type"] == "Action.ShowCard"

    opened = await p.send(fake.invoke_task_fetch(eva, profile["data"], chat))
    assert_in(locale, [dialog_card(opened)])

    opened = await p.send(fake.invoke_task_fetch(eva, pause["data"], chat))
    form = dialog_card(opened)
    assert_in(locale, [form])
    (day,) = [e for e in form["body"] if e.get("type") == "Input.Date"]
    (save,) = form["actions"]
    done = await p.send(fake.invoke_task_submit(eva, {**save["data"], "until": day["value"]}, chat))
    assert done["task"]["type"] == "message"
    assert_text_in(locale, done["task"]["value"])
    row = await p.row(eva)
    assert row is not None and row.status == "paused" and str(row.paused_until) == day["value"]

    body = await p.send(fake.press(eva, chat, activity["id"], "coffee.leave"))
    assert_in(locale, [body["value"]])
    assert await p.status(eva) == "left"


async def test_the_welcome_to_someone_fika_never_heard_from_is_in_the_tenants_language(
    people: People,
) -> None:
    """Teams' roster carries no language: until the person writes to Fika or installs it,
    Fika has only DEFAULT_LOCALE (Slack would read users.info's locale)."""
    p, fake = people, people.fake
    ola = fake.add_user(name="Ola Ström", locale=TEAMS_LOCALE[p.locale])
    await p.send(fake.members_added_activity(p.admin, p.team, [ola]))
    assert await p.status(ola) == "active"
    assert_in(p.app.deps.settings.default_locale, fake.cards(p.chat(ola)))


# ---------------------------------------------------------------------------- share a tip


async def test_the_followups_share_a_tip_opens_the_tip_form(
    people: People, clock: FakeClock
) -> None:
    p, locale, fake = people, people.locale, people.fake
    await p.app.install(p.other)
    await p.say(word("join", locale), p.channel)
    await p.say(word("join", OTHER[locale]), p.channel, user=p.other)
    fake.remove_member(p.team, p.admin)  # a pair: me and my colleague
    program = await p.program()
    await pair_now(p.app.deps, program.id, local_user(p.admin.aad_object_id))
    await p.app.deps.tasks.idle(timeout=15)
    clock.advance(timedelta(days=p.app.deps.settings.followup_days, hours=1))
    assert await send_due_followups(p.app.deps) == 1
    chat = p.chat()
    (followup,) = [a for a in fake.activities(chat) if "coffee.met" in str(a)]
    assert_in(locale, [followup["attachments"][0]["content"]])

    body = await p.send(fake.press(p.me, chat, followup["id"], "coffee.met"))
    answered = body["value"]
    assert_in(locale, [answered])
    (share,) = answered["actions"]
    assert share["data"]["dialog"] == "coffee.tip"

    opened = await p.send(fake.invoke_task_fetch(p.me, share["data"], chat))
    form = dialog_card(opened)
    assert_in(locale, [form])
    async with p.app.deps.db() as session:
        group = await rounds_db.get_group(session, share["data"]["group_id"])
    assert group is not None and group.outcome == "met"
    assert group.tip_wish_by == local_user(p.me.aad_object_id)
    # My colleague's card, updated in place, says so in their language, not mine.
    (theirs,) = [a for a in fake.activities(p.chat(p.other)) if "coffee.tip" in str(a)]
    assert_in(OTHER[locale], [theirs["attachments"][0]["content"]])

    (send,) = form["actions"]
    values = {
        **send["data"],
        "title": "Lukupiiri",
        "description": "Aloitimme lukupiirin selkosuomeksi.",
        "category": next(
            c["value"] for e in form["body"] if e.get("id") == "category" for c in e["choices"]
        ),
        "library_other": "Turun kaupunginkirjasto",
        "link": "",
        "language": "fi",
    }
    done = await p.send(fake.invoke_task_submit(p.me, values, chat))
    assert done["task"]["type"] == "message", done
    assert_text_in(locale, done["task"]["value"])
    async with p.app.deps.db() as session:
        (tip,) = list(await session.scalars(select(Tip)))
    assert tip.source_kind == "coffee" and tip.source_ref == str(group.id)


# ---------------------------------------------------------------------------- privacy


async def test_forget_me_confirmed_on_a_card(people: People) -> None:
    p, locale, fake = people, people.locale, people.fake
    await p.say(word("join", locale), p.channel)
    chat, home_id, _ = await p.home()
    seen = p.seen()
    await p.say(word("forget-me", locale))
    (confirm,) = p.cards_since(seen)
    assert_in(locale, [confirm])
    card_id = fake.activities(chat)[-1]["id"]
    assert (await stored(p.app, p.me))["members"] == 1

    body = await p.send(fake.press(p.me, chat, card_id, privacy_cards.FORGET_CONFIRM))
    assert_in(locale, [body["value"]])
    assert await stored(p.app, p.me) == {"members": 0, "participants": 0, "teams_people": 0}
    home = fake.activity(chat, home_id)["attachments"][0]["content"]
    assert_in(locale, [home])  # "Fika has forgotten you", in place


async def test_an_admin_forgets_someone_named_by_mention(people: People) -> None:
    p, locale, fake = people, people.locale, people.fake
    bo = p.other  # of another language: the admin's cards must stay in the admin's
    await p.app.install(bo)
    await p.say(word("join", OTHER[locale]), p.channel, user=bo)
    bo_before = fake.activities(p.chat(bo))

    seen = p.seen(p.admin)
    await p.send(with_mention(fake.message(p.admin, word("forget", locale)), bo))
    (confirm,) = p.cards_since(seen, p.admin)
    assert_in(locale, [confirm])
    assert bo.name in strings_in(confirm)
    assert (await stored(p.app, bo))["members"] == 1  # nothing deleted before the click

    admin_chat = p.chat(p.admin)
    card_id = fake.activities(admin_chat)[-1]["id"]
    body = await p.send(
        fake.press(p.admin, admin_chat, card_id, privacy_cards.FORGET_OTHER_CONFIRM)
    )
    assert_in(locale, [body["value"]])
    assert bo.name in strings_in(body["value"])
    assert await stored(p.app, bo) == {"members": 0, "participants": 0, "teams_people": 0}
    assert fake.activities(p.chat(bo)) == bo_before  # nothing is sent to the person


async def test_status_and_my_data_typed_in_a_channel_go_to_the_personal_chat(
    people: People,
) -> None:
    p, locale = people, people.locale
    await p.say(word("join", locale), p.channel)
    for name in ("status", "my-data"):
        seen, channel_seen = p.seen(), len(p.channel_cards())
        await p.say(word(name, locale), p.channel)
        answers = p.cards_since(seen)
        assert answers, name
        assert_in(locale, answers)
        (note,) = p.channel_cards()[channel_seen:]
        assert_in(locale, [note])
        assert translator(locale)(SENT_TO_CHAT) in strings_in(note)
        assert "actions" not in note
