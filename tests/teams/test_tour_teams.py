"""One person's whole Fika on Teams, in each of the three languages, end to end over signed
activities against the offline Teams: install → home card; join a program by typing its word in
the channel; status and help; a round's intro and its follow-up, answered; a tip from the form
to the curators' card and its approval; what Fika stores. Every card this person reads must be
in their language — told by the translations in the catalogs, not by hand-written phrases —
and pass Teams' checks (the fake refuses any card that does not)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.coffee.followups import send_due_followups
from bot.coffee.models import CoffeeProgram
from bot.coffee.rounds import pair_now
from bot.platform.i18n import translator
from bot.teams.identity import local_channel, local_user
from bot.teams.ids import SHARE_AS_GOOD_PRACTICE
from bot.tips.export import EXPORT_HEADERS
from bot.tips.models import Tip, TipStatus
from tests.conftest import FakeClock
from tests.fakes.teams_platform import FakeTeams, User
from tests.snapshots import strings_in
from tests.teams.languages import (
    LOCALES,
    TEAMS_LOCALE,
    assert_in,
    languages_of,
    tips_word,
    word,
)
from tests.teams_support import TeamsApp, start_teams_app


@dataclasses.dataclass
class Tour:
    app: TeamsApp
    fake: FakeTeams
    me: User
    partner: User
    admin: User
    locale: str

    def chat(self, user: User | None = None) -> str:
        return self.fake.personal_conversation(user or self.me)

    def new_cards(self, before: int, user: User | None = None) -> list[dict[str, Any]]:
        return self.fake.cards(self.chat(user))[before:]

    async def send(self, activity: dict[str, Any]) -> Any:
        status, body = await self.app.send(activity)
        assert status == 200
        assert self.app.surface.failures == []
        return body

    async def say(self, text: str, where: Any = None, user: User | None = None) -> None:
        await self.send(self.fake.message(user or self.me, text, where))


@pytest.fixture(params=LOCALES)
async def tour(request: Any, deps: Any, fake_teams: FakeTeams) -> Any:
    locale: str = request.param
    fake = fake_teams
    me = fake.add_user(name="Minna Mäkelä", locale=TEAMS_LOCALE[locale])
    other = {"sv": "fi", "fi": "en", "en": "sv"}[locale]
    partner = fake.add_user(name="Pia Berg", locale=TEAMS_LOCALE[other])
    admin = fake.add_user(name="Alma Admin", locale=TEAMS_LOCALE[locale])
    team = fake.add_team(
        name="Biblioteken", channels=("General", "Fika", "Granskning"), members=[me, partner, admin]
    )
    settings = dataclasses.replace(
        deps.settings, admin_user_ids=frozenset({local_user(admin.aad_object_id)})
    )
    async for app in start_teams_app(dataclasses.replace(deps, settings=settings), fake):
        tour = Tour(app, fake, me, partner, admin, locale)
        tour.team = team  # type: ignore[attr-defined]
        yield tour


async def test_the_whole_of_fika_on_teams_in_each_language(tour: Tour, clock: FakeClock) -> None:
    t, fake, locale = tour, tour.fake, tour.locale
    team = t.team  # type: ignore[attr-defined]
    fika, review = team.channel("Fika"), team.channel("Granskning")

    # Install: the home card, in my language.
    await t.app.install(t.me)
    await t.app.install(t.partner)
    await t.app.install(t.admin)
    assert_in(locale, fake.cards(t.chat()))

    # An admin makes the channel a program, in the admin's words; I join by typing mine.
    await t.say(word("start", locale), fika, user=t.admin)
    async with t.app.deps.db() as session:
        program = await session.scalar(
            select(CoffeeProgram).where(CoffeeProgram.channel_id == local_channel(fika.id))
        )
    assert program is not None
    seen = len(fake.cards(t.chat()))
    await t.say(word("join", locale), fika)
    await t.say(word("join", {"sv": "fi", "fi": "en", "en": "sv"}[locale]), fika, user=t.partner)
    # The home card is updated in place (still in my language); status and help come here.
    assert_in(locale, fake.cards(t.chat()))
    await t.say(word("status", locale))
    await t.say(word("help", locale))
    assert_in(locale, t.new_cards(seen))

    # A round: my intro names my partner and is in my language, my partner's in theirs.
    seen = len(fake.cards(t.chat()))
    seen_partner = len(fake.cards(t.chat(t.partner)))
    await pair_now(t.app.deps, program.id, local_user(t.admin.aad_object_id))
    await t.app.deps.tasks.idle(timeout=15)
    (intro,) = [c for c in t.new_cards(seen) if "Pia Berg" in strings_in(c)]
    assert_in(locale, [intro])
    partner_intro = [c for c in t.new_cards(seen_partner, t.partner) if "Minna" in strings_in(c)]
    assert len(partner_intro) == 1 and languages_of(partner_intro[0]) != {locale}

    # The follow-up, answered: "we met" replaces the card, in my language.
    clock.advance(timedelta(days=t.app.deps.settings.followup_days, hours=1))
    assert await send_due_followups(t.app.deps) == 1
    activities = fake.activities(t.chat())
    followup = activities[-1]
    assert_in(locale, [followup["attachments"][0]["content"]])
    body = await t.send(fake.press(t.me, t.chat(), followup["id"], "coffee.met"))
    assert_in(locale, [body["value"]])

    # A tip: "tips" gives the button that opens the form, in my language; sent, I am thanked.
    await t.say("tips setup review", review, user=t.admin)
    seen = len(fake.cards(t.chat()))
    await t.say("tips")
    (offer,) = t.new_cards(seen)
    assert_in(locale, [offer])
    opened = await t.send(fake.invoke_task_fetch(t.me, offer["actions"][0]["data"]))
    form = opened["task"]["value"]["card"]["content"]
    assert_in(locale, [form])
    values = _tip_form_values(form)
    data = {**offer["actions"][0]["data"], **values}
    data.pop("msteams", None)
    seen = len(fake.cards(t.chat()))
    await t.send(fake.invoke_task_submit(t.me, data))
    assert_in(locale, t.new_cards(seen))  # the thanks
    # The curators' card; the admin approves it; I am told, in my language.
    assert [c for c in fake.cards(review.id) if "Läsecirkel" in strings_in(c)]
    async with t.app.deps.db() as session:
        (tip,) = await session.scalars(select(Tip))
    seen = len(fake.cards(t.chat()))
    body = await t.send(
        fake.invoke_execute(t.admin, "tips.approve", {"tip_id": tip.id}, review, tip.review_ts)
    )
    async with t.app.deps.db() as session:
        decided = await session.get(Tip, tip.id)
    assert decided is not None and decided.status == TipStatus.APPROVED
    assert_in(locale, t.new_cards(seen))  # the decision

    # What Fika stores about me, in my personal chat.
    seen = len(fake.cards(t.chat()))
    await t.say(word("my-data", locale))
    assert_in(locale, t.new_cards(seen))


def _tip_form_values(form: dict[str, Any], **changes: str) -> dict[str, Any]:
    values = {e["id"]: e.get("value", "") for e in form["body"] if "id" in e}
    values.update(
        {
            "title": "Läsecirkel för nyanlända",
            "description": "Vi startade en läsecirkel på lätt svenska.",
            "category": next(
                c["value"] for e in form["body"] if e.get("id") == "category" for c in e["choices"]
            ),
            "library_other": "Åbo stadsbibliotek",
            "language": "sv",
        }
    )
    values.update(changes)
    return values


async def test_the_tips_rows_in_each_language(tour: Tour) -> None:
    """The tips rows in the reader's words: a refused setup, the form refusing an over-long
    title, search / latest / mine, the curators' queue, the export and the message action."""
    t, fake, locale = tour, tour.fake, tour.locale
    team = t.team  # type: ignore[attr-defined]
    review = team.channel("Granskning")
    for user in (t.me, t.admin):
        await t.app.install(user)

    # Setting up the review channel is for admins: my try is refused in my language.
    setup = f"tips {tips_word('setup', locale)} {tips_word('review', locale)}"
    await t.say(setup, review)
    replies = [c for a in fake.activities(review.id) for c in _cards_of(a)]
    assert_in(locale, replies[-1:])
    await t.say(setup, review, user=t.admin)

    # The form refuses an over-long title, in my language, and keeps what I wrote.
    seen = len(fake.cards(t.chat()))
    await t.say("tips")
    (offer,) = t.new_cards(seen)
    opened = await t.send(fake.invoke_task_fetch(t.me, offer["actions"][0]["data"]))
    form = opened["task"]["value"]["card"]["content"]
    data = {**offer["actions"][0]["data"], **_tip_form_values(form, title="L" * 151)}
    data.pop("msteams", None)
    refused = await t.send(fake.invoke_task_submit(t.me, data))
    assert refused["task"]["type"] == "continue"
    assert_in(locale, [refused["task"]["value"]["card"]["content"]])
    async with t.app.deps.db() as session:
        assert list(await session.scalars(select(Tip))) == []
    data["title"] = "Läsecirkel för nyanlända"
    await t.send(fake.invoke_task_submit(t.me, data))
    async with t.app.deps.db() as session:
        (tip,) = await session.scalars(select(Tip))

    # The curators' queue, in the admin's words and language; approved from the card.
    seen = len(fake.cards(t.chat(t.admin)))
    await t.say(f"tips {tips_word('review', locale)}", user=t.admin)
    assert_in(locale, t.new_cards(seen, t.admin))
    await t.send(
        fake.invoke_execute(t.admin, "tips.approve", {"tip_id": tip.id}, review, tip.review_ts)
    )

    # Search, latest and mine, typed in my words, answered in my language.
    for typed in (
        f"tips {tips_word('search', locale)} läsecirkel",
        f"tips {tips_word('latest', locale)}",
        f"tips {tips_word('mine', locale)}",
    ):
        seen = len(fake.cards(t.chat()))
        await t.say(typed)
        found = t.new_cards(seen)
        assert_in(locale, found)
        assert "Läsecirkel" in strings_in(found[-1]), typed

    # The export: the CSV's header row in the admin's language, as text in the chat.
    await t.say(f"tips {tips_word('export', locale)}", user=t.admin)
    csv_text = fake.activities(t.chat(t.admin))[-1]["text"]
    headers = [translator(locale)(h) for h in EXPORT_HEADERS]
    assert csv_text.splitlines()[0].lstrip("\ufeff").split(";")[: len(headers)] == headers
    assert "Läsecirkel för nyanlända" in csv_text

    # The message action "Share as good practice": the form, prefilled, in my language.
    general = team.channel("General")
    payload = fake.message_payload(t.partner, "Vi lånar ut symaskiner.", general)
    opened = await t.send(
        fake.invoke_message_extension_fetch(t.me, SHARE_AS_GOOD_PRACTICE, payload, general)
    )
    shared = opened["task"]["value"]["card"]["content"]
    assert_in(locale, [shared])
    assert "Vi lånar ut symaskiner." in strings_in(shared)


def _cards_of(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["content"] for a in activity.get("attachments") or [] if "content" in a]
