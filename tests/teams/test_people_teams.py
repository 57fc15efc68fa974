"""Everyone's and the admins' `/fika` on Teams end to end: signed activities from the offline
Teams (tests/fakes/teams_platform.py) to the real app, and the cards it then sends, updates and
answers — install → the home card in the person's language; an admin's `start` in a team
channel (a non-admin's refused); `join` there → joined and the home card updated in place;
help for `help` and for unknown words; the pause dialog; the home card's buttons and refresh
per person."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.people.permissions import ADMINS_ONLY
from bot.platform.i18n import translator
from bot.teams.cards.answers import teams_markdown
from bot.teams.identity import local_channel, local_user
from bot.teams.validation import activity_problems, card_problems
from bot.teamsapp.models import TeamsPerson
from tests.fakes.teams_platform import FakeTeams, Team, User
from tests.snapshots import catalog_msgstr, literal, strings_in
from tests.teams_support import TeamsApp, start_teams_app

JSON = dict[str, Any]


@dataclasses.dataclass
class Office:
    app: TeamsApp
    fake: FakeTeams
    admin: User
    bea: User
    cecilia: User
    team: Team

    @property
    def channel(self) -> Any:
        return self.team.channel("Fika")


@pytest.fixture
async def office(deps: Any, fake_teams: FakeTeams) -> AsyncIterator[Office]:
    """A tenant with an admin (TEAMS_ADMIN_USER_IDS), Bea (sv) and Cecilia (fi) in a team
    whose channel "Fika" is to become a program; the app installed in the team."""
    fake = fake_teams
    admin = fake.add_user(name="Alma Admin", locale="en-US")
    bea = fake.add_user(name="Bea Berg", locale="sv-SE")
    cecilia = fake.add_user(name="Cecilia Koski", locale="fi-FI")
    team = fake.add_team(
        name="Bibliotek i Österbotten", channels=("General", "Fika"), members=[admin, bea, cecilia]
    )
    async for app in start_teams_app(deps, fake):
        admins = frozenset({local_user(admin.aad_object_id)})
        app.surface.settings = dataclasses.replace(app.surface.settings, admin_user_ids=admins)
        yield Office(app, fake, admin, bea, cecilia, team)


def shows(card: JSON, locale: str, msgid: str, **_: Any) -> bool:
    wanted = literal(teams_markdown(catalog_msgstr(locale, msgid)))
    return wanted in strings_in(card)


def cards_in(fake: FakeTeams, conversation_id: str) -> list[JSON]:
    cards = fake.cards(conversation_id)
    for card in cards:
        assert card_problems(card) == []
    return cards


def thread_cards(fake: FakeTeams, channel_id: str) -> list[JSON]:
    """Every card the bot posted in a channel and its threads."""
    found: list[JSON] = []
    for conversation_id in list(fake.conversations):
        if conversation_id.split(";", 1)[0] == channel_id:
            found += fake.cards(conversation_id)
    for activity in fake.calls_to("POST", r"/v3/conversations/.*/activities"):
        if channel_id in activity.path and activity.json:
            for attachment in activity.json.get("attachments") or []:
                if attachment.get("content") not in found:
                    found.append(attachment["content"])
    return found


async def say(office: Office, user: User, text: str, where: Any = None) -> None:
    status, _ = await office.app.send(office.fake.message(user, text, where))
    assert status == 200
    assert office.app.surface.failures == []


async def home_of(office: Office, user: User) -> tuple[str, str, JSON]:
    """(chat, activity id, card) of the person's home card as it is now."""
    async with office.app.deps.db() as session:
        person = await session.get(
            TeamsPerson, (office.app.team_id, local_user(user.aad_object_id))
        )
    assert person is not None and person.home_activity_id and person.conversation_id
    card = office.fake.activity(person.conversation_id, person.home_activity_id)
    content = card["attachments"][0]["content"]
    assert card_problems(content) == []
    return person.conversation_id, person.home_activity_id, content


async def program_of(office: Office) -> CoffeeProgram | None:
    async with office.app.deps.db() as session:
        return await session.scalar(
            select(CoffeeProgram).where(
                CoffeeProgram.channel_id == local_channel(office.channel.id)
            )
        )


# ---------------------------------------------------------------------------- install


@pytest.mark.parametrize(("locale", "code"), [("sv-SE", "sv"), ("fi-FI", "fi"), ("en-US", "en")])
async def test_install_sends_the_home_card_in_the_persons_language(
    teams_app: TeamsApp, locale: str, code: str
) -> None:
    fake = teams_app.fake
    dana = fake.add_user(name="Dana *Dahl*", locale=locale)
    await teams_app.install(dana)
    chat = fake.personal_conversation(dana)
    (activity,) = fake.activities(chat)
    assert activity_problems(activity) == []
    card = activity["attachments"][0]["content"]
    assert shows(card, code, "👤 Your profile")
    assert shows(
        card,
        code,
        "There are no coffee-break programs yet. An admin starts one with `/fika start` in a "
        "channel.",
    )
    assert r"Dana \*Dahl\*" in strings_in(card)  # greeted by name, as plain text
    assert card["refresh"]["userIds"] == [dana.id]
    t = translator(code)
    assert t("🛠 For the AKE team") not in strings_in(card)  # not an admin


# ---------------------------------------------------------------------------- admins


async def test_an_admin_command_by_someone_else_is_refused_and_changes_nothing(
    office: Office,
) -> None:
    await say(office, office.bea, "starta", office.channel)
    assert await program_of(office) is None
    cards = thread_cards(office.fake, office.channel.id)
    assert len(cards) == 1 and shows(cards[0], "sv", ADMINS_ONLY)


async def test_an_admin_starts_a_program_in_the_channel_it_is_typed_in(office: Office) -> None:
    await say(office, office.admin, "start", office.channel)
    program = await program_of(office)
    assert program is not None and program.active
    cards = thread_cards(office.fake, office.channel.id)
    texts = "\n".join(strings_in(c) for c in cards)
    # the admin's answer names the channel, the channel's post says how it works
    assert "Done! Bibliotek i Österbotten › Fika is a coffee-break program" in texts
    assert (
        literal(teams_markdown(catalog_msgstr("sv", "☕ Fika – distance coffee breaks"))) in texts
    )
    await say(office, office.admin, "size 3", office.channel)
    program = await program_of(office)
    assert program is not None and program.group_size == 3
    await say(office, office.bea, "storlek 4", office.channel)
    program = await program_of(office)
    assert program is not None and program.group_size == 3


async def test_admin_commands_in_the_personal_chat_say_where_to_type_them(office: Office) -> None:
    await office.app.install(office.admin)
    await say(office, office.admin, "start")
    chat = office.fake.personal_conversation(office.admin)
    last = cards_in(office.fake, chat)[-1]
    assert shows(
        last, "en", "Type `/fika start` in the channel that should become the coffee-break program."
    )
    assert "**start**" in strings_in(last) and "/fika" not in strings_in(last)
    assert await program_of(office) is None


# ---------------------------------------------------------------------------- joining


async def test_joining_in_a_program_channel_answers_there_and_updates_the_home_card(
    office: Office,
) -> None:
    await say(office, office.admin, "start", office.channel)
    await office.app.install(office.bea)
    _chat, home_id, before = await home_of(office, office.bea)
    assert shows(before, "sv", "You take part.")  # in the program's channel: taking part
    await say(office, office.bea, "lämna")
    _, _, gone = await home_of(office, office.bea)
    assert shows(gone, "sv", "You have left this program.")
    updates_before = len(office.fake.updates)

    await say(office, office.bea, "gå-med", office.channel)

    answers = thread_cards(office.fake, office.channel.id)
    assert any(shows(c, "sv", "You're in! Next round in {channel}: {when}.") for c in answers)
    async with office.app.deps.db() as session:
        row = await session.scalar(
            select(CoffeeParticipant).where(
                CoffeeParticipant.user_id == local_user(office.bea.aad_object_id)
            )
        )
    assert row is not None and row.status == "active"
    assert len(office.fake.updates) > updates_before  # the home card, in place
    _, same_id, after = await home_of(office, office.bea)
    assert same_id == home_id
    assert shows(after, "sv", "You take part.")
    assert "**Bibliotek i Österbotten › Fika**" in strings_in(after)


async def test_the_home_cards_buttons_leave_and_join_again(office: Office) -> None:
    await say(office, office.admin, "start", office.channel)
    await office.app.install(office.cecilia)
    await say(office, office.cecilia, "liity", office.channel)
    chat, home_id, _ = await home_of(office, office.cecilia)

    status, body = await office.app.send(
        office.fake.press(office.cecilia, chat, home_id, "home.leave")
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    left = body["value"]
    assert shows(left, "fi", "You have left this program.")
    assert "**liity**" in strings_in(left)  # "`/fika join` brings you back", in her words

    program = await program_of(office)
    assert program is not None
    join = office.fake.invoke_execute(
        office.cecilia, "home.join", {"program_id": program.id}, chat, home_id
    )
    status, body = await office.app.send(join)
    assert shows(body["value"], "fi", "You take part.")


async def test_a_button_naming_another_program_is_refused(office: Office) -> None:
    await office.app.install(office.bea)
    chat, home_id, _ = await home_of(office, office.bea)
    click = office.fake.invoke_execute(office.bea, "home.join", {"program_id": 999}, chat, home_id)
    _status, body = await office.app.send(click)
    assert shows(body["value"], "sv", "This coffee-break program has ended.")


async def test_the_refresh_draws_the_card_for_whoever_looks(office: Office) -> None:
    """The home card differs by role: the server decides at every refresh."""
    await say(office, office.admin, "start", office.channel)
    await office.app.install(office.admin)
    chat, home_id, card = await home_of(office, office.admin)
    assert card["refresh"]["userIds"] == [office.admin.id]
    _, body = await office.app.send(office.fake.refresh(office.admin, chat, home_id))
    admin_card = body["value"]
    assert "🛠 For the AKE team" in strings_in(admin_card)
    assert "Bibliotek i Österbotten › Fika" in strings_in(admin_card)
    # no longer an admin: the next refresh shows a member's card
    office.app.surface.settings = dataclasses.replace(
        office.app.surface.settings, admin_user_ids=frozenset()
    )
    _status, body = await office.app.send(office.fake.refresh(office.admin, chat, home_id))
    assert "🛠 For the AKE team" not in strings_in(body["value"])


async def test_an_automatic_refresh_reaches_the_handlers(office: Office) -> None:
    """Teams' own refresh (trigger "automatic") gets the card drawn for the viewer."""
    await office.app.install(office.bea)
    chat, home_id, _ = await home_of(office, office.bea)
    status, body = await office.app.send(office.fake.refresh(office.bea, chat, home_id))
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"


# ---------------------------------------------------------------------------- help


@pytest.mark.parametrize("text", ["hjälp", "HJALP", "kaffe nu tack"])
async def test_help_and_unknown_words_get_the_help_card(office: Office, text: str) -> None:
    await office.app.install(office.bea)
    await say(office, office.bea, text)
    chat = office.fake.personal_conversation(office.bea)
    card = cards_in(office.fake, chat)[-1]
    assert shows(card, "sv", "Take part in the coffee breaks (again).")
    assert "**gå-med**" in strings_in(card)
    assert "**starta**" not in strings_in(card)  # admins' words for admins only
    unknown = shows(card, "sv", "I don't know the command “{word}”. Here is what I understand:")
    assert unknown == (text == "kaffe nu tack")


async def test_an_admin_sees_the_admins_words_in_help(office: Office) -> None:
    await say(office, office.admin, "help", office.channel)
    (card,) = thread_cards(office.fake, office.channel.id)
    assert "**start** — " in strings_in(card) and "(admins)" in strings_in(card)


# ---------------------------------------------------------------------------- pause


async def test_the_pause_dialog_pauses_and_the_home_card_says_until_when(office: Office) -> None:
    await say(office, office.admin, "start", office.channel)
    await office.app.install(office.bea)
    await say(office, office.bea, "gå-med", office.channel)
    await say(office, office.bea, "paus")
    chat = office.fake.personal_conversation(office.bea)
    prompt = cards_in(office.fake, chat)[-1]
    (button,) = [a for a in prompt["actions"] if (a.get("data") or {}).get("dialog") == "pause"]

    _, opened = await office.app.send(
        office.fake.invoke_task_fetch(office.bea, button["data"], chat)
    )
    form = opened["task"]["value"]["card"]["content"]
    (date_input,) = [e for e in form["body"] if e.get("type") == "Input.Date"]
    assert date_input["min"] == "2026-12-01" and date_input["value"] == "2026-12-14"

    _, refused = await office.app.send(
        office.fake.invoke_task_submit(office.bea, {"dialog": "pause", "until": "2026-11-01"}, chat)
    )
    again = refused["task"]["value"]["card"]["content"]
    assert shows(again, "sv", "Pick a date after today.")

    _status, done = await office.app.send(
        office.fake.invoke_task_submit(office.bea, {"dialog": "pause", "until": "2026-12-21"}, chat)
    )
    assert done["task"]["type"] == "message"
    async with office.app.deps.db() as session:
        row = await session.scalar(
            select(CoffeeParticipant).where(
                CoffeeParticipant.user_id == local_user(office.bea.aad_object_id)
            )
        )
    assert row is not None and row.status == "paused" and str(row.paused_until) == "2026-12-21"
    _, _, home = await home_of(office, office.bea)
    t = translator("sv")
    assert shows(home, "sv", "Enjoy your break! You are paired again from {day} on.")
    assert t("End my break") in strings_in(home)


async def test_pause_with_a_length_pauses_at_once(office: Office) -> None:
    await say(office, office.admin, "start", office.channel)
    await office.app.install(office.cecilia)
    await say(office, office.cecilia, "liity", office.channel)
    await say(office, office.cecilia, "tauko 2 viikkoa")
    chat = office.fake.personal_conversation(office.cecilia)
    answer = cards_in(office.fake, chat)[-1]
    assert shows(answer, "fi", "Enjoy your break! You are paired again from {day} on.")
    assert "14. joulukuuta" in strings_in(answer)


# ---------------------------------------------------------------------------- profile, data


async def test_the_profile_dialog_refuses_field_by_field_then_saves(office: Office) -> None:
    await office.app.install(office.bea)
    chat = office.fake.personal_conversation(office.bea)
    _, opened = await office.app.send(
        office.fake.invoke_task_fetch(office.bea, {"dialog": "profile"}, chat)
    )
    form = opened["task"]["value"]["card"]["content"]
    assert {e.get("id") for e in form["body"]} >= {"library_typed", "languages", "message_locale"}

    _, refused = await office.app.send(
        office.fake.invoke_task_submit(
            office.bea,
            {
                "dialog": "profile",
                "library_typed": "x" * 250,
                "languages": "",
                "message_locale": "auto",
            },
            chat,
        )
    )
    again = refused["task"]["value"]["card"]["content"]
    assert shows(again, "sv", "Pick at least one language.")
    assert shows(again, "sv", "A library name can be at most {max} characters.")

    _status, saved = await office.app.send(
        office.fake.invoke_task_submit(
            office.bea,
            {
                "dialog": "profile",
                "library_typed": "Kronoby bibliotek",
                "languages": "sv,fi",
                "message_locale": "fi",
            },
            chat,
        )
    )
    assert saved is None  # the dialog closes
    _, _, home = await home_of(office, office.bea)
    assert shows(home, "fi", "✅ Your Fika profile is saved.")  # in her new language
    assert "Kronoby bibliotek" in strings_in(home)


async def test_status_and_my_data_typed_in_a_channel_go_to_the_personal_chat(
    office: Office,
) -> None:
    await office.app.install(office.bea)
    await say(office, office.bea, "mina-uppgifter", office.channel)
    chat = office.fake.personal_conversation(office.bea)
    assert shows(cards_in(office.fake, chat)[-1], "sv", "What Fika stores about you")
    notes = thread_cards(office.fake, office.channel.id)
    assert shows(notes[-1], "sv", "I sent you the answer in our personal chat.")
    await say(office, office.bea, "status")
    assert shows(cards_in(office.fake, chat)[-1], "sv", "Your coffee breaks")


# ---------------------------------------------------------------------------- figures, rounds


async def test_stats_in_the_channel_and_as_a_table_in_the_personal_chat(office: Office) -> None:
    await say(office, office.admin, "start", office.channel)
    await office.app.install(office.admin)
    await say(office, office.admin, "stats 2026", office.channel)
    figures = thread_cards(office.fake, office.channel.id)[-1]
    assert "Coffee breaks 1 January 2026 – 31 December 2026" in strings_in(figures)
    await say(office, office.admin, "stats csv", office.channel)
    coming = thread_cards(office.fake, office.channel.id)[-1]
    assert shows(coming, "en", "I'm preparing the file; it comes to our direct messages.")
    chat = office.fake.personal_conversation(office.admin)
    table = cards_in(office.fake, chat)[-1]
    assert "**Date · Channel · People · Groups · Groups that met**" in strings_in(table)
    await say(office, office.bea, "statistik", office.channel)
    refused = thread_cards(office.fake, office.channel.id)[-1]
    assert shows(refused, "sv", ADMINS_ONLY)


async def test_pair_now_starts_this_periods_round_once(office: Office) -> None:
    await say(office, office.admin, "start", office.channel)
    await say(office, office.admin, "pair-now", office.channel)
    answers = [strings_in(c) for c in thread_cards(office.fake, office.channel.id)]
    assert any("Pairing starts now" in text for text in answers)
    assert office.app.surface.failures == []
    await say(office, office.admin, "pair-now", office.channel)
    answers = [strings_in(c) for c in thread_cards(office.fake, office.channel.id)]
    assert sum("Pairing starts now" in text for text in answers) == 1
    assert any("This period's round has already been made" in text for text in answers)


async def test_fika_added_to_a_team_says_how_to_start(office: Office) -> None:
    status, _ = await office.app.send(office.fake.install_activity(office.admin, office.team))
    assert status == 200
    (card,) = cards_in(office.fake, office.team.general.id)
    assert "**starta** — " in strings_in(card)  # the tenant's language (DEFAULT_LOCALE sv)
    assert "@Fika hjälp" in strings_in(card)


async def test_help_lists_the_tips_words_teams_answers(office: Office) -> None:
    await office.app.install(office.bea)
    await say(office, office.bea, "hjälp")
    card = cards_in(office.fake, office.fake.personal_conversation(office.bea))[-1]
    text = strings_in(card)
    assert "**ny**" in text and "**sök**" in text  # tips' words typed on their own
    assert text.count("**hjälp** — ") == 1


async def test_a_program_post_teams_cannot_take_now_is_kept_for_a_retry(office: Office) -> None:
    from bot.platform.db.models import PendingCall

    office.fake.fail_next(
        "POST",
        rf"/v3/conversations/{re.escape(office.channel.id)}/activities$",
        status=503,
        times=10,
    )
    await say(office, office.admin, "start", office.channel)
    assert await program_of(office) is not None
    async with office.app.deps.db() as session:
        pending = list(await session.scalars(select(PendingCall)))
    assert [p.method for p in pending] == ["teams.send"]
    assert pending[0].args["conversation_id"] == office.channel.id
