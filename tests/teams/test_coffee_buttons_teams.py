"""The coffee cards' buttons on Teams, end to end over signed activities, as Slack's messages
offer them: the welcome card's "Set my profile" / "Take a break" (dialogs) and Leave (confirmed,
an Action.Execute), and the answered follow-up's "Share a tip from our chat" (the tip form, in a
dialog). Each acts for the one who clicked, on their own membership only. Every card and dialog
passes `card_problems` (the fake refuses invalid cards it is sent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.coffee import round_store as rounds_db
from bot.coffee.enrolment import send_welcome
from bot.coffee.followups import send_due_followups
from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.coffee.rounds import pair_now
from bot.teams.cards.answers import teams_markdown
from bot.teams.validation import card_problems
from bot.tips.models import Tip
from tests.conftest import FakeClock
from tests.fakes.teams_platform import User
from tests.snapshots import catalog_msgstr, literal, strings_in
from tests.teams.test_coffee_teams import people, program_in_channel, the_round
from tests.teams_support import TeamsApp

pytestmark = pytest.mark.slow

JSON = dict[str, Any]
LOCALES = {"sv-SE": "sv", "fi-FI": "fi", "en-GB": "en"}
TELL_ME = (
    "Tell me your library and languages so I can find you good partners. You can take a break "
    "or leave whenever you like."
)
LEFT_ONE = "Done: you won't be paired in {channel} any more. `/fika join` brings you back."
TIP_WISH = "💡 {person} would like to share a tip from your chat."


def word(locale: str, msgid: str) -> str:
    """A sentence as a card shows it, read from the catalog (English: the msgid itself)."""
    return msgid if locale == "en" else catalog_msgstr(locale, msgid)


def shows(card: JSON, locale: str, msgid: str) -> bool:
    return literal(teams_markdown(word(locale, msgid))) in strings_in(card)


def activities_with(app: TeamsApp, user: User, needle: str) -> list[JSON]:
    chat = app.fake.personal_conversation(user)
    return [a for a in app.fake.activities(chat) if needle in str(a)]


def card_of(activity: JSON) -> JSON:
    card: JSON = activity["attachments"][0]["content"]
    assert card_problems(card) == []
    return card


def dialog_card(answer: JSON) -> JSON:
    assert answer["task"]["type"] == "continue", answer
    card: JSON = answer["task"]["value"]["card"]["content"]
    assert card_problems(card) == []
    return card


async def participant(app: TeamsApp, program: CoffeeProgram, user: User) -> CoffeeParticipant:
    async with app.deps.db() as session:
        row = await session.scalar(
            select(CoffeeParticipant).where(
                CoffeeParticipant.program_id == program.id,
                CoffeeParticipant.user_id == app.user_id(user),
            )
        )
    assert row is not None
    return row


# ------------------------------------------------------------------------------ welcome


async def test_the_welcome_card_offers_profile_break_and_leave_in_each_language(
    teams_app: TeamsApp,
) -> None:
    app = teams_app
    ann, bo, cia, admin = await people(
        app, [("Ann A", "sv-SE"), ("Bo B", "fi-FI"), ("Cia C", "en-GB"), ("Ada", "sv-SE")],
        installed=4,
    )  # fmt: skip
    _, program = await program_in_channel(app, [ann, bo, cia], admin, size=2)
    for user in (ann, bo, cia):
        await send_welcome(app.deps, program, app.user_id(user))
        locale = LOCALES[user.locale]
        [activity] = activities_with(app, user, "coffee.leave")
        card = card_of(activity)
        assert shows(card, locale, TELL_ME)
        profile, pause, leave = card["actions"]
        assert profile["type"] == pause["type"] == "Action.Submit"
        assert profile["title"] == word(locale, "Set my profile")
        assert profile["data"] == {"msteams": {"type": "task/fetch"}, "dialog": "profile"}
        assert pause["title"] == word(locale, "Take a break")
        assert pause["data"] == {
            "msteams": {"type": "task/fetch"},
            "dialog": "pause",
            "program_id": program.id,
        }
        # Leave is confirmed first, as Slack's button is.
        assert leave["type"] == "Action.ShowCard" and leave["title"] == word(locale, "Leave")
        confirm = leave["card"]
        assert shows(confirm, locale, "You won't be paired in this channel any more.")
        [really] = confirm["actions"]
        assert really["type"] == "Action.Execute" and really["verb"] == "coffee.leave"
        assert really["data"] == {"program_id": program.id}


async def test_the_welcome_buttons_open_the_profile_and_break_dialogs_and_the_break_is_taken(
    teams_app: TeamsApp,
) -> None:
    app = teams_app
    bo, admin = await people(app, [("Bo B", "fi-FI"), ("Ada", "sv-SE")], installed=2)
    _, program = await program_in_channel(app, [bo], admin, size=2)
    await send_welcome(app.deps, program, app.user_id(bo))
    chat = app.fake.personal_conversation(bo)
    [activity] = activities_with(app, bo, "coffee.leave")
    profile, pause, _ = card_of(activity)["actions"]

    status, opened = await app.send(app.fake.invoke_task_fetch(bo, profile["data"], chat))
    assert status == 200
    form = dialog_card(opened)
    assert {e.get("id") for e in form["body"]} >= {"languages", "message_locale"}

    status, opened = await app.send(app.fake.invoke_task_fetch(bo, pause["data"], chat))
    assert status == 200
    form = dialog_card(opened)
    [day] = [e for e in form["body"] if e.get("type") == "Input.Date"]
    [save] = form["actions"]
    status, done = await app.send(
        app.fake.invoke_task_submit(bo, {**save["data"], "until": day["value"]}, chat)
    )
    assert status == 200 and done["task"]["type"] == "message"
    assert literal(word("fi", "Enjoy your break! You are paired again from {day} on.")) in str(
        done["task"]["value"]
    )
    row = await participant(app, program, bo)
    assert row.status == "paused" and str(row.paused_until) == day["value"]


async def test_leave_on_the_welcome_card_leaves_and_the_card_says_so(teams_app: TeamsApp) -> None:
    app = teams_app
    ann, admin = await people(app, [("Ann A", "sv-SE"), ("Ada", "sv-SE")], installed=2)
    _, program = await program_in_channel(app, [ann], admin, size=2)
    await send_welcome(app.deps, program, app.user_id(ann))
    chat = app.fake.personal_conversation(ann)
    [activity] = activities_with(app, ann, "coffee.leave")
    status, body = await app.send(app.fake.press(ann, chat, activity["id"], "coffee.leave"))
    assert status == 200
    card = body["value"]
    assert card_problems(card) == []
    assert shows(card, "sv", LEFT_ONE)
    assert "Biblioteken" in strings_in(card) and "<#" not in strings_in(card)  # by name
    assert "coffee.leave" not in str(card) and '"pause"' not in str(card)
    [profile] = card["actions"]
    assert profile["data"]["dialog"] == "profile"
    assert (await participant(app, program, ann)).status == "left"
    # Pressed again (an old copy of the card): the same answer, nothing else changes.
    status, again = await app.send(app.fake.press(ann, chat, activity["id"], "coffee.leave"))
    assert status == 200 and card_problems(again["value"]) == []
    assert (await participant(app, program, ann)).status == "left"


async def test_someone_else_cannot_leave_or_pause_for_the_welcomed_person(
    teams_app: TeamsApp,
) -> None:
    """The buttons act for whoever clicks: a card's data naming Ann's program changes nothing
    of Ann's, and someone with no place in the program is refused."""
    app = teams_app
    ann, eve, admin = await people(
        app, [("Ann A", "sv-SE"), ("Eve E", "en-GB"), ("Ada", "sv-SE")], installed=3
    )
    _, program = await program_in_channel(app, [ann], admin, size=2)  # Eve is not in it
    await send_welcome(app.deps, program, app.user_id(ann))
    eve_chat = app.fake.personal_conversation(eve)

    status, body = await app.send(
        app.fake.invoke_execute(eve, "coffee.leave", {"program_id": program.id}, eve_chat)
    )
    assert status == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"] == word("en", "This coffee-break program has ended.")
    status, opened = await app.send(
        app.fake.invoke_task_fetch(eve, {"dialog": "pause", "program_id": program.id}, eve_chat)
    )
    assert status == 200 and opened["task"]["type"] == "message"
    async with app.deps.db() as session:
        rows = list(
            await session.scalars(
                select(CoffeeParticipant).where(CoffeeParticipant.program_id == program.id)
            )
        )
    assert all(r.status != "left" for r in rows)
    assert app.user_id(eve) not in {r.user_id for r in rows}


# ------------------------------------------------------------------------------ share a tip


async def _answered_pair(app: TeamsApp, clock: FakeClock) -> tuple[User, User, User, int]:
    ann, bo, cia, admin = await people(
        app, [("Ann A", "sv-SE"), ("Bo B", "fi-FI"), ("Cia C", "en-GB"), ("Ada", "sv-SE")],
        installed=4,
    )  # fmt: skip
    team, program = await program_in_channel(app, [ann, bo], admin, size=2)
    app.fake.remove_member(team, admin)
    await pair_now(app.deps, program.id, app.user_id(admin))
    clock.advance(timedelta(days=app.deps.settings.followup_days, hours=1))
    assert await send_due_followups(app.deps) == 1
    _, [group] = await the_round(app, program)
    return ann, bo, cia, group.id


def followup_activity(app: TeamsApp, user: User) -> JSON:
    [activity] = activities_with(app, user, "coffee.met") or activities_with(
        app, user, "coffee.tip"
    )
    return activity


async def test_after_we_met_the_card_offers_to_share_a_tip_and_the_form_opens(
    teams_app: TeamsApp, clock: FakeClock
) -> None:
    app = teams_app
    ann, bo, _, group_id = await _answered_pair(app, clock)
    bo_chat = app.fake.personal_conversation(bo)
    unanswered = card_of(followup_activity(app, bo))
    assert "coffee.tip" not in str(unanswered)  # "did you meet?" first
    status, body = await app.send(
        app.fake.press(bo, bo_chat, followup_activity(app, bo)["id"], "coffee.met")
    )
    assert status == 200
    answered = body["value"]
    assert card_problems(answered) == []
    [share] = answered["actions"]
    assert share["type"] == "Action.Submit"
    assert share["title"] == word("fi", "Share a tip from our chat")
    assert share["data"] == {
        "msteams": {"type": "task/fetch"},
        "dialog": "coffee.tip",
        "group_id": group_id,
    }
    # Ann's card, updated in place, offers it too, in Swedish.
    ann_card = card_of(followup_activity(app, ann))
    [ann_share] = ann_card["actions"]
    assert ann_share["title"] == word("sv", "Share a tip from our chat")

    status, opened = await app.send(app.fake.invoke_task_fetch(bo, share["data"], bo_chat))
    assert status == 200
    form = dialog_card(opened)
    assert opened["task"]["value"]["title"] == word("fi", "Share a tip")
    [send] = form["actions"]
    assert send["data"] == {"dialog": "tips.form", "s": "coffee", "r": str(group_id)}
    # As Slack's button: the wish to share shows on everyone's card.
    async with app.deps.db() as session:
        group = await rounds_db.get_group(session, group_id)
    assert group is not None and group.tip_wish_by == app.user_id(bo)
    assert group.outcome == "met"
    assert shows(card_of(followup_activity(app, ann)), "sv", TIP_WISH)

    values = {
        **send["data"],
        "title": "Lukupiiri",
        "description": "Aloitimme lukupiirin selkosuomeksi.",
        "category": "participation",
        "library_other": "Turun kaupunginkirjasto",
        "link": "",
        "language": "fi",
    }
    status, done = await app.send(app.fake.invoke_task_submit(bo, values, bo_chat))
    assert status == 200 and done["task"]["type"] == "message", done
    async with app.deps.db() as session:
        [tip] = list(await session.scalars(select(Tip)))
    assert tip.source_kind == "coffee" and tip.source_ref == str(group_id)
    assert tip.author_id == app.user_id(bo)


async def test_only_the_groups_people_can_share_a_tip_from_it(
    teams_app: TeamsApp, clock: FakeClock
) -> None:
    app = teams_app
    _, _, cia, group_id = await _answered_pair(app, clock)
    cia_chat = app.fake.personal_conversation(cia)
    status, refused = await app.send(
        app.fake.invoke_task_fetch(cia, {"dialog": "coffee.tip", "group_id": group_id}, cia_chat)
    )
    assert status == 200 and refused["task"]["type"] == "message"
    assert refused["task"]["value"] == word(
        "en", "Only the people of this coffee group can answer."
    )
    status, unknown = await app.send(
        app.fake.invoke_task_fetch(cia, {"dialog": "coffee.tip", "group_id": "x"}, cia_chat)
    )
    assert unknown["task"]["value"] == word("en", "This coffee group is no longer known to me.")
    async with app.deps.db() as session:
        group = await rounds_db.get_group(session, group_id)
    assert group is not None and group.tip_wish_by is None and group.outcome is None


async def test_not_this_time_offers_no_tip(teams_app: TeamsApp, clock: FakeClock) -> None:
    app = teams_app
    ann, _, _, _ = await _answered_pair(app, clock)
    chat = app.fake.personal_conversation(ann)
    status, body = await app.send(
        app.fake.press(ann, chat, followup_activity(app, ann)["id"], "coffee.not_met")
    )
    assert status == 200 and card_problems(body["value"]) == []
    assert "actions" not in body["value"]
