"""The home card's tips part on Teams end to end: signed activities from the offline Teams
(tests/fakes/teams_platform.py) to the real app — each person's home card (drawn at the
refresh, per person and role) shows their own tips and the latest approved ones in their
language, with "Share a tip" opening the tip form dialog; a curator sees how many tips wait and
Review sends the queue below the home card; anyone else is refused, nothing sent."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.people.permissions import NOT_A_REVIEWER
from bot.platform.deps import Deps
from bot.platform.i18n import translator
from bot.teams.cards import tips as tip_cards
from bot.teams.cards.answers import TeamsTranslator, teams_markdown
from bot.teams.cards.home_tips import REVIEW
from bot.teams.identity import local_user
from bot.teams.validation import card_problems
from bot.teamsapp.models import TeamsPerson
from bot.tips.models import Tip, TipSource, TipStatus
from tests.fakes.teams_platform import FakeTeams, Team, User
from tests.snapshots import catalog_msgstr, literal, strings_in
from tests.teams_support import TeamsApp, start_teams_app

JSON = dict[str, Any]


@dataclasses.dataclass
class World:
    app: TeamsApp
    ada: User  # a Fika admin (en)
    rea: User  # a curator: in the review channel's team (sv)
    aino: User  # the author (fi)
    otto: User  # anyone else (sv)
    ake: Team

    @property
    def fake(self) -> FakeTeams:
        return self.app.fake


@pytest.fixture
async def world(deps: Deps, fake_teams: FakeTeams) -> AsyncIterator[World]:
    fake = fake_teams
    ada = fake.add_user(name="Ada Admin", locale="en-US")
    rea = fake.add_user(name="Rea Reviewer", locale="sv-SE")
    aino = fake.add_user(name="Aino *Author*", locale="fi-FI")
    otto = fake.add_user(name="Otto Outsider", locale="sv-SE")
    ake = fake.add_team(name="AKE", channels=("General", "ake-review"), members=[ada, rea])
    fake.add_team(name="Bibliotek", channels=("General",), members=[ada, rea, aino, otto])
    settings = dataclasses.replace(
        deps.settings, admin_user_ids=frozenset({local_user(ada.aad_object_id)})
    )
    async for app in start_teams_app(dataclasses.replace(deps, settings=settings), fake):
        for user in (ada, rea, aino, otto):
            await app.install(user)
        w = World(app, ada, rea, aino, otto, ake)
        await say(w, ada, "tips setup review", ake.channel("ake-review"))
        yield w


async def say(w: World, user: User, text: str, where: Any = None) -> None:
    status, _ = await w.app.send(w.fake.message(user, text, where))
    assert status == 200 and w.app.surface.failures == []


def shows(card: JSON, locale: str, msgid: str) -> bool:
    return literal(teams_markdown(catalog_msgstr(locale, msgid))) in strings_in(card)


async def home(w: World, user: User) -> tuple[str, JSON]:
    """(chat, the home card) as the person's Teams client gets it at the refresh now."""
    async with w.app.deps.db() as session:
        person = await session.get(TeamsPerson, (w.app.team_id, local_user(user.aad_object_id)))
    assert person is not None and person.home_activity_id and person.conversation_id
    status, body = await w.app.send(
        w.fake.refresh(user, person.conversation_id, person.home_activity_id)
    )
    assert status == 200
    card: JSON = body["value"]
    assert card_problems(card) == []
    assert card["refresh"]["userIds"] == [user.id]
    return person.conversation_id, card


def buttons(card: JSON) -> list[JSON]:
    found: list[JSON] = []
    stack: list[Any] = [card]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if str(item.get("type", "")).startswith("Action."):
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


async def share(w: World, user: User, title: str, data: JSON) -> Tip:
    """The tip form opened from the home card's button, then sent."""
    chat, _ = await home(w, user)
    opened = await w.app.send(w.fake.invoke_task_fetch(user, data, chat))
    form = opened[1]["task"]["value"]["card"]["content"]
    assert card_problems(form) == []
    assert any(e.get("id") == "title" for e in form["body"])
    values = {
        **data,
        "title": title,
        "description": "Vi startade en läsecirkel på lätt svenska.",
        "category": "participation",
        "library_other": "Åbo stadsbibliotek",
        "link": "",
        "language": "sv",
    }
    values.pop("msteams", None)
    status, closed = await w.app.send(w.fake.invoke_task_submit(user, values, chat))
    assert status == 200 and closed["task"]["type"] == "message"
    async with w.app.deps.db() as session:
        tip = await session.scalar(select(Tip).where(Tip.title == title))
    assert tip is not None
    return tip


async def test_the_tips_part_shows_own_and_latest_tips_per_person(world: World) -> None:
    w = world
    _, card = await home(w, w.aino)
    fi = translator("fi")
    assert fi("💡 Good-practice tips") in strings_in(card)
    assert shows(card, "fi", "You haven't shared any tips yet.")
    assert shows(card, "fi", "No tips have been approved yet.")
    search = TeamsTranslator("fi")("Search all approved tips with `/tips search <words>`.")
    assert search.replace("<", "\\<").replace(">", "\\>") in strings_in(card)  # as written
    (button,) = [b for b in buttons(card) if (b.get("data") or {}).get("dialog") == "tips.form"]
    assert button["type"] == "Action.Submit" and button["title"] == fi("Share a tip")
    assert button["data"]["msteams"] == {"type": "task/fetch"}

    tip = await share(w, w.aino, "Läsecirkel **nu**", button["data"])
    assert tip.source_kind == TipSource.HOME.value and tip.status == TipStatus.PENDING.value
    _, card = await home(w, w.aino)
    text = strings_in(card)
    assert shows(card, "fi", "*Your tips*")
    assert "**Läsecirkel \\*\\*nu\\*\\*** – " + fi("Waiting for review") in text

    # approved: everyone's latest, in their language, the author by name (as text)
    status, _ = await w.app.send(
        w.fake.invoke_execute(w.rea, tip_cards.VERB_APPROVE, {"tip_id": tip.id})
    )
    assert status == 200
    _, card = await home(w, w.otto)
    text = strings_in(card)
    assert shows(card, "sv", "*Latest approved tips*")
    assert shows(card, "sv", "You haven't shared any tips yet.")
    latest = next(line for line in text.splitlines() if line.startswith("• **Läsecirkel"))
    assert latest.endswith("Aino \\*Author\\*") and "Åbo stadsbibliotek" in latest
    assert not any(b.get("verb") == REVIEW for b in buttons(card))  # not a curator


async def test_a_curator_sees_the_count_and_reviews_from_the_home_card(world: World) -> None:
    w = world
    chat, card = await home(w, w.rea)
    assert shows(card, "sv", "No tips are waiting for review.")
    assert not any(b.get("verb") == REVIEW for b in buttons(card))
    await share(w, w.aino, "Sagostund på finska", {"dialog": "tips.form", "s": "home"})
    await share(w, w.aino, "Bokcirkel", {"dialog": "tips.form", "s": "home"})

    chat, card = await home(w, w.rea)
    sv = translator("sv")
    waiting = teams_markdown(
        sv.ngettext("*{n} tip is waiting for review*", "*{n} tips are waiting for review*", 2)
    )
    assert strings_in(card).count(waiting) == 1  # in the tips part, not again below
    (review,) = [b for b in buttons(card) if b.get("verb") == REVIEW]
    assert review["title"] == sv("Review")

    before = len(w.fake.cards(chat))
    status, body = await w.app.send(
        w.fake.invoke_execute(w.rea, REVIEW, review.get("data") or {}, chat)
    )
    assert status == 200
    assert body["value"]["refresh"]["userIds"] == [w.rea.id]  # the home card stays
    posted = w.fake.cards(chat)[before:]
    (queue,) = posted
    assert card_problems(queue) == []
    assert "Sagostund på finska" in strings_in(queue) and "Bokcirkel" in strings_in(queue)
    verbs = {b.get("verb") for b in buttons(queue)}
    assert {tip_cards.VERB_APPROVE, tip_cards.VERB_REJECT} <= verbs


@pytest.mark.parametrize("who", ["otto", "aino"])
async def test_review_from_the_home_card_is_refused_to_anyone_else(world: World, who: str) -> None:
    w = world
    user: User = getattr(w, who)
    await share(w, w.aino, "Sagostund", {"dialog": "tips.form", "s": "home"})
    chat, card = await home(w, user)
    locale = "sv" if who == "otto" else "fi"
    t = translator(locale)
    waiting = t.ngettext("*{n} tip is waiting for review*", "*{n} tips are waiting for review*", 1)
    assert teams_markdown(waiting) not in strings_in(card)
    before = len(w.fake.cards(chat))
    status, body = await w.app.send(w.fake.invoke_execute(user, REVIEW, {"p": 0}, chat))
    assert status == 200
    assert shows(body["value"], locale, NOT_A_REVIEWER)
    assert card_problems(body["value"]) == []
    assert len(w.fake.cards(chat)) == before  # no queue sent


async def test_an_admin_counts_as_a_curator_in_english(world: World) -> None:
    w = world
    _, card = await home(w, w.ada)
    assert "No tips are waiting for review." in strings_in(card)
    assert "💡 Good-practice tips" in strings_in(card) and "🛠 For the AKE team" in strings_in(card)
    await share(w, w.aino, "Sagostund", {"dialog": "tips.form", "s": "home"})
    _, card = await home(w, w.ada)
    assert "**1 tip is waiting for review**" in strings_in(card)
    assert any(b.get("verb") == REVIEW for b in buttons(card))
