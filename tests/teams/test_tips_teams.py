"""Good-practice tips on Teams, end to end through the Teams router (handlers/teams_router.py)
with handlers/teams_tips.py: `tips setup` in channels, the tip form (dialog) saved with the
same validation as Slack's, the review card posted read-only with the curators' refresh, each
click authorized at the time of the click, the card replaced after a decision, the digest
posted once, and "Share as good practice" on a message.

Teams' Bot Connector is a recording stand-in for `TeamsSender` that refuses what Teams would
refuse (`bot.teams.validation.activity_problems`); the database and the use cases are real.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.platform.config import Secret, TeamsSettings
from bot.platform.deps import Deps
from bot.platform.i18n import translator
from bot.teams.cards import tips as cards
from bot.teams.identity import local_channel, local_tenant, local_user
from bot.teams.ids import SHARE_AS_GOOD_PRACTICE
from bot.teams.validation import activity_problems, card_problems
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.tip_messages import SurfaceTipMessages, TeamsTipMessages, teams_deps
from bot.tips.digests import run_digests
from bot.tips.models import Tip, TipDigest, TipSource, TipStatus
from bot.tips.store import TITLE_MAX
from handlers import teams_tips
from handlers.teams_router import TeamsRouter
from tests.conftest import FakeClock

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAM = local_tenant(TENANT)
SERVICE = "https://smba.trafficmanager.example/emea/"
REVIEW = "19:ake-review@thread.tacv2"
DIGEST = "19:good-practice@thread.tacv2"
TEAM_GROUP = "0b1c2d3e-0000-4000-8000-00000000aaaa"


@dataclass(frozen=True)
class Person:
    aad: str
    name: str
    locale: str

    @property
    def teams_id(self) -> str:
        return f"29:{self.aad}"

    @property
    def local(self) -> str:
        return local_user(self.aad)

    @property
    def chat(self) -> str:
        return f"a:personal-{self.aad[:8]}"

    def member(self) -> dict[str, Any]:
        return {"id": self.teams_id, "aadObjectId": self.aad, "name": self.name}


ADMIN = Person("aaaaaaaa-0000-4000-8000-000000000001", "Ada Admin", "en-US")
REA = Person("aaaaaaaa-0000-4000-8000-000000000002", "Rea Reviewer", "sv-SE")
ROLF = Person("aaaaaaaa-0000-4000-8000-000000000003", "Rolf Reviewer", "en-US")
AINO = Person("aaaaaaaa-0000-4000-8000-000000000004", "Aino *Author*", "fi-FI")
OTTO = Person("aaaaaaaa-0000-4000-8000-000000000005", "Otto Outsider", "sv-SE")


@dataclass
class Sent:
    conversation_id: str
    activity: dict[str, Any]
    activity_id: str

    @property
    def card(self) -> dict[str, Any]:
        return self.activity["attachments"][0]["content"]

    @property
    def text(self) -> str:
        return json.dumps(self.activity, ensure_ascii=False)


@dataclass
class FakeConnector:
    """TeamsSender's calls, recorded; an activity Teams would refuse fails the test."""

    members_of: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    updated: list[Sent] = field(default_factory=list)
    ids: Any = field(default_factory=lambda: itertools.count(1700000000001))

    async def send(
        self, team_id: str, conversation_id: str, service_url: str, activity: dict[str, Any]
    ) -> str:
        assert activity_problems(activity) == [], activity
        activity_id = str(next(self.ids))
        self.sent.append(Sent(conversation_id, activity, activity_id))
        return activity_id

    async def update(
        self,
        team_id: str,
        conversation_id: str,
        service_url: str,
        activity_id: str,
        activity: dict[str, Any],
    ) -> None:
        assert activity_problems(activity) == [], activity
        assert any(s.activity_id == activity_id for s in self.sent), "no such message"
        self.updated.append(Sent(conversation_id, activity, activity_id))

    async def members(
        self, team_id: str, service_url: str, conversation_id: str
    ) -> list[dict[str, Any]]:
        return list(self.members_of.get(conversation_id.split(";")[0], []))

    def to(self, conversation_id: str) -> list[Sent]:
        return [s for s in self.sent if s.conversation_id == conversation_id]


@dataclass
class TeamsApp:
    deps: Deps
    surface: TeamsSurface
    connector: FakeConnector
    router: TeamsRouter
    clock: FakeClock
    counter: Any = field(default_factory=lambda: itertools.count(1))

    def _activity(self, who: Person, kind: str, conversation: str, **more: Any) -> dict[str, Any]:
        channel = conversation.startswith("19:")
        activity: dict[str, Any] = {
            "type": kind,
            "id": f"act-{next(self.counter)}",
            "serviceUrl": SERVICE,
            "channelId": "msteams",
            "from": {"id": who.teams_id, "aadObjectId": who.aad, "name": who.name},
            "recipient": {"id": "28:fika-bot", "name": "Fika"},
            "conversation": {
                "id": conversation,
                "conversationType": "channel" if channel else "personal",
                "tenantId": TENANT,
            },
            "channelData": {"tenant": {"id": TENANT}},
            "locale": who.locale,
            **more,
        }
        if channel:
            activity["channelData"]["team"] = {
                "id": "19:team@thread.tacv2",
                "name": "AKE",
                "aadGroupId": TEAM_GROUP,
            }
            activity["channelData"]["channel"] = {
                "id": conversation,
                "name": "ake-review" if conversation == REVIEW else "good-practice",
            }
        return activity

    async def say(self, who: Person, text: str, where: str | None = None) -> None:
        where = where or who.chat
        prefix = "<at>Fika</at> " if where.startswith("19:") else ""
        await self.router(self.surface, self._activity(who, "message", where, text=prefix + text))
        await self.settle()

    async def invoke(
        self, who: Person, name: str, value: dict[str, Any], where: str | None = None
    ) -> Any:
        activity = self._activity(who, "invoke", where or who.chat, name=name, value=value)
        answer = await self.router(self.surface, activity)
        await self.settle()
        return answer

    async def click(
        self, who: Person, verb: str, data: dict[str, Any], where: str = REVIEW
    ) -> dict[str, Any]:
        answer = await self.invoke(
            who,
            "adaptiveCard/action",
            {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"},
            where,
        )
        assert answer["statusCode"] == 200
        card: dict[str, Any] = answer["value"]
        assert card_problems(card) == []
        return card

    async def settle(self) -> None:
        await self.deps.tasks.idle(timeout=10)


@pytest.fixture
async def app(deps: Deps, clock: FakeClock) -> TeamsApp:
    connector = FakeConnector()
    connector.members_of[REVIEW] = [REA.member(), ROLF.member(), ADMIN.member()]
    connector.members_of[DIGEST] = [p.member() for p in (ADMIN, REA, ROLF, AINO, OTTO)]
    settings = TeamsSettings(
        bot_id="1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d",
        bot_password=Secret("not-used"),
        admin_user_ids=frozenset({ADMIN.local}),
    )
    surface = TeamsSurface(deps=deps, settings=settings, sender=connector, app=None)  # type: ignore[arg-type]
    deps.surfaces["teams"] = surface
    running = TeamsApp(deps, surface, connector, TeamsRouter([teams_tips]), clock)
    for person in (ADMIN, REA, ROLF, AINO, OTTO):  # each has Fika in their personal chat
        await running.say(person, "hej")
    return running


async def setup_channels(app: TeamsApp) -> None:
    await app.say(ADMIN, "tips setup review", REVIEW)
    await app.say(ADMIN, "tips setup digest", DIGEST)


def form_values(**changes: Any) -> dict[str, Any]:
    values = {
        "dialog": cards.DIALOG_TIP,
        "s": TipSource.COMMAND.value,
        "title": "Läsecirkel för nyanlända **nu**",
        "description": "Vi startade en läsecirkel på lätt svenska. [Läs mer](https://evil.example)",
        "category": "participation",
        "library_other": "Åbo stadsbibliotek",
        "link": "",
        "language": "sv",
    }
    values.update(changes)
    return values


async def tips(app: TeamsApp) -> list[Tip]:
    async with app.deps.db() as session:
        return list(await session.scalars(select(Tip).order_by(Tip.id)))


def texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def dialog_card(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["task"]["type"] == "continue"
    card: dict[str, Any] = answer["task"]["value"]["card"]["content"]
    assert card_problems(card) == []
    return card


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if "id" in e}


async def share(app: TeamsApp, who: Person = AINO, **changes: Any) -> Any:
    return await app.invoke(who, "task/submit", {"data": form_values(**changes)})


async def test_setup_makes_the_channel_the_review_channel(app: TeamsApp) -> None:
    await app.say(OTTO, "tips setup review", REVIEW)  # not an admin
    (refusal,) = app.connector.to(REVIEW)  # a refusal, no announcement
    assert translator("sv")("Sorry, only admins can change the tips settings.") in refusal.text
    await setup_channels(app)
    review = [s.text for s in app.connector.to(REVIEW)]
    sv, en = translator("sv"), translator("en")
    done = cards.review_channel_set(en, "ake-review", 3)  # Rea, Rolf and Ada, not the bot
    assert any(json.dumps(done, ensure_ascii=False)[1:-1] in text for text in review)
    announcement = cards.review_announcement(sv)
    assert any(json.dumps(announcement, ensure_ascii=False)[1:-1] in t for t in review)
    await app.say(ADMIN, "tips setup", REVIEW)
    settings = app.connector.to(REVIEW)[-1].text
    assert "ake-review" in settings and "good-practice" in settings
    await app.say(ADMIN, "tips setup review")  # in the personal chat: not a channel
    assert translator("en")(cards.SETUP_HERE) in app.connector.to(ADMIN.chat)[-1].text


async def test_a_tip_goes_from_the_form_to_the_curators_and_into_the_digest(app: TeamsApp) -> None:
    await setup_channels(app)
    # The form: "tips" in the personal chat gives the button, its task/fetch the dialog.
    await app.say(AINO, "tips")
    button = app.connector.to(AINO.chat)[-1].card["actions"][0]
    assert button["data"]["msteams"] == {"type": "task/fetch"}
    opened = await app.invoke(AINO, "task/fetch", {"data": button["data"]})
    form = inputs(dialog_card(opened))
    assert form["title"]["maxLength"] == TITLE_MAX and form["title"]["isRequired"] is True
    assert form["language"]["value"] == "fi"

    # A missing title: the form again, with the error under the title and the text kept.
    again = await share(app, title="  ")
    card = dialog_card(again)
    fi = translator("fi")
    assert fi("Please give the tip a title.") in texts(card)
    assert inputs(card)["description"]["value"].startswith("Vi startade")
    assert await tips(app) == []

    closed = await share(app)
    assert closed == {"task": {"type": "message", "value": fi(cards.FORM_CLOSED)}}
    (tip,) = await tips(app)
    assert tip.status == TipStatus.PENDING.value and tip.author_id == AINO.local

    # The author is thanked in their chat; the card is in the review channel, read-only,
    # refreshing into the buttons for the curators (the channel's members and the admin).
    assert "Läsecirkel" in app.connector.to(AINO.chat)[-1].text
    posted = app.connector.to(REVIEW)[-1]
    assert posted.card["refresh"]["action"]["verb"] == cards.VERB_CARD
    assert set(posted.card["refresh"]["userIds"]) == {REA.teams_id, ROLF.teams_id, ADMIN.teams_id}
    assert "actions" not in posted.card
    assert posted.card["body"][1]["text"] == "Läsecirkel för nyanlända \\*\\*nu\\*\\*"
    assert tip.review_ts == posted.activity_id

    # Each viewer's refresh: a curator's card has the buttons, anyone else's has none.
    mine = await app.click(REA, cards.VERB_CARD, {"tip_id": tip.id})
    assert [a["title"] for a in mine["actions"]] == ["Godkänn", "Avböj", "Redigera"]
    theirs = await app.click(OTTO, cards.VERB_CARD, {"tip_id": tip.id})
    assert "actions" not in theirs

    # A click by someone who is not a curator (a forged or an old card) changes nothing.
    refused = await app.click(OTTO, cards.VERB_APPROVE, {"tip_id": tip.id})
    sv = translator("sv")
    refusal = sv(
        "Sorry, only the AKE team (the members of the review channel) can review tips. "
        "Nothing was changed."
    )
    assert refused["body"][0]["text"] == refusal and "actions" not in refused
    (tip,) = await tips(app)
    assert tip.status == TipStatus.PENDING.value

    # A curator approves: the card they see and the one in the channel show the decision.
    decided = await app.click(ROLF, cards.VERB_APPROVE, {"tip_id": tip.id})
    en = translator("en")
    assert "Approved by Rolf Reviewer on" in texts(decided)
    (tip,) = await tips(app)
    assert tip.status == TipStatus.APPROVED.value and tip.decided_by == ROLF.local
    (update,) = app.connector.updated
    assert update.activity_id == posted.activity_id and update.conversation_id == REVIEW
    assert "refresh" not in update.card  # the same card for everyone now
    assert (
        sv(
            "Approved by {who} on {when}",
            who="Rolf Reviewer",
            when=sv.datetime(tip.decided_at, app.deps.settings.tz),
        )
        in update.text
    )
    assert (
        fi(
            "Your tip “{title}” was approved — thank you for sharing! Others can now find it "
            "with `/tips search`, and it will be in the next weekly digest.",
            title="X",
        )[:10]
        in app.connector.to(AINO.chat)[-1].text
    )
    # A second click says who was first and changes nothing.
    twice = await app.click(REA, cards.VERB_APPROVE, {"tip_id": tip.id})
    assert sv("This tip was already approved by {who}.", who="Rolf Reviewer") in texts(twice)
    assert len(app.connector.updated) == 2  # the card is redrawn, not decided again
    assert [a["title"] for a in decided["actions"]] == [en("Edit")]  # no Approve / Reject

    # Friday 10:00 in Helsinki: the digest is posted in the digest channel, once.
    app.clock.set(app.clock() + timedelta(days=4, hours=2))
    messages = SurfaceTipMessages(app.deps, slack=None)  # type: ignore[arg-type]
    before = len(app.connector.to(DIGEST))  # the setup's answer and announcement
    assert await run_digests(teams_deps(app.surface), messages) == 1
    (digest,) = app.connector.to(DIGEST)[before:]
    assert sv("Good practice of the week") in digest.text and "Läsecirkel" in digest.text
    assert "Aino \\\\*Author\\\\*" in digest.text  # named, escaped, not mentioned
    assert await run_digests(teams_deps(app.surface), messages) == 0
    assert len(app.connector.to(DIGEST)) == before + 1
    async with app.deps.db() as session:
        (row,) = await session.scalars(select(TipDigest))
    assert row.posted_at is not None and row.ts == digest.activity_id


async def test_every_click_is_authorized_when_it_is_made(app: TeamsApp) -> None:
    await setup_channels(app)
    await share(app)
    (tip,) = await tips(app)
    # Rea leaves the review channel; her old card still has the buttons.
    app.connector.members_of[REVIEW] = [ROLF.member(), ADMIN.member()]
    app.clock.set(app.clock() + timedelta(minutes=2))  # the members' cache is a minute
    refused = await app.click(REA, cards.VERB_REJECT, {"tip_id": tip.id, "reason": "Nej"})
    assert "actions" not in refused
    (tip,) = await tips(app)
    assert tip.status == TipStatus.PENDING.value
    # The admin is not in the channel's member list as a reviewer but may decide; a rejection
    # needs its reason.
    app.connector.members_of[REVIEW] = [ROLF.member()]
    app.clock.set(app.clock() + timedelta(minutes=2))
    no_reason = await app.click(ADMIN, cards.VERB_REJECT, {"tip_id": tip.id, "reason": " "})
    assert translator("en")("Please write a short reason for the author.") in texts(no_reason)
    done = await app.click(ADMIN, cards.VERB_REJECT, {"tip_id": tip.id, "reason": "Inte nu"})
    assert "Not approved by Ada Admin on" in texts(done)
    (tip,) = await tips(app)
    assert tip.status == TipStatus.REJECTED.value and tip.decision_note == "Inte nu"
    assert "Inte nu" in app.connector.to(AINO.chat)[-1].text


async def test_share_as_good_practice_prefills_the_form_from_the_message(app: TeamsApp) -> None:
    await setup_channels(app)
    link = "https://teams.microsoft.com/l/message/19:general@thread.tacv2/1700000000999"
    payload = {
        "id": "1700000000999",
        "body": {
            "contentType": "html",
            "content": "<p>Vi lånar ut symaskiner.</p><p>Fråga <at>Rea Reviewer</at> &amp; co!</p>",
        },
        "linkToMessage": link,
    }
    value = {"commandId": SHARE_AS_GOOD_PRACTICE, "commandContext": "message"}
    opened = await app.invoke(
        OTTO, "composeExtension/fetchTask", {**value, "messagePayload": payload}, DIGEST
    )
    card = dialog_card(opened)
    form = inputs(card)
    assert form["title"]["value"] == "Vi lånar ut symaskiner."
    assert form["description"]["value"] == "Vi lånar ut symaskiner.\nFråga Rea Reviewer & co!"
    assert form["link"]["value"] == link
    data = dict(card["actions"][0]["data"])
    assert data == {"dialog": cards.DIALOG_TIP, "s": "shortcut", "r": link}
    data.update(
        title=form["title"]["value"],
        description=form["description"]["value"],
        category="went_well",
        library_other="Borgå stadsbibliotek",
        link=link,
        language="sv",
    )
    answer = await app.invoke(
        OTTO,
        "composeExtension/submitAction",
        {**value, "messagePayload": payload, "data": data},
        DIGEST,
    )
    assert answer is None  # the dialog closes; the thanks are in Otto's personal chat
    (tip,) = await tips(app)
    assert (tip.source_kind, tip.source_ref, tip.link) == ("shortcut", link, link)
    assert "symaskiner" in app.connector.to(OTTO.chat)[-1].text
    card = app.connector.to(REVIEW)[-1].card
    assert translator("sv")(cards.A_TEAMS_MESSAGE) in texts(card)


async def test_search_and_lists_in_the_personal_chat(app: TeamsApp) -> None:
    await setup_channels(app)
    await share(app)
    (tip,) = await tips(app)
    await app.click(ROLF, cards.VERB_APPROVE, {"tip_id": tip.id})
    await app.say(OTTO, "tips sök läsecirk")
    found = app.connector.to(OTTO.chat)[-1]
    assert "Läsecirkel" in found.text and "1 tips matchar" in found.text
    await app.say(OTTO, "sök **läse**")  # the word Teams suggests, without "tips"
    assert "\\\\*\\\\*läse\\\\*\\\\*" in app.connector.to(OTTO.chat)[-1].text
    await app.say(AINO, "tips omat")
    assert "Läsecirkel" in app.connector.to(AINO.chat)[-1].text
    await app.say(OTTO, "tips review")  # curators only
    assert "AKE" in app.connector.to(OTTO.chat)[-1].text
    await app.say(REA, "tips granska")
    assert (
        translator("sv")("No tips are waiting for review.") in app.connector.to(REA.chat)[-1].text
    )


async def test_the_export_is_text_in_the_personal_chat(app: TeamsApp) -> None:
    await setup_channels(app)
    await share(app)
    await app.say(OTTO, "tips export")
    assert "AKE" in app.connector.to(OTTO.chat)[-1].text  # curators only
    await app.say(REA, "tips export", REVIEW)
    assert translator("sv")(cards.EXPORT_DONE) in app.connector.to(REVIEW)[-1].text
    intro, csv_text = app.connector.to(REA.chat)[-2:]
    assert "fika-tips-all.csv" in intro.text
    assert csv_text.activity["textFormat"] == "plain"
    assert csv_text.activity["text"].startswith("ID;Status;")
    assert "Läsecirkel för nyanlända **nu**" in csv_text.activity["text"]  # the data as written


async def test_a_forged_tip_id_or_verb_changes_nothing(app: TeamsApp) -> None:
    await setup_channels(app)
    card = await app.click(REA, cards.VERB_APPROVE, {"tip_id": 999})
    assert translator("sv")(cards.NO_SUCH_TIP) in texts(card)
    card = await app.click(REA, cards.VERB_CARD, {"tip_id": "x"})
    assert translator("sv")(cards.NO_SUCH_TIP) in texts(card)
    assert (await app.invoke(REA, "task/submit", {"data": form_values(s="evil")}))["task"][
        "type"
    ] == "continue"
    assert await tips(app) == []


def test_the_router_takes_the_tips_tables() -> None:
    router = TeamsRouter([teams_tips])
    assert router.commands["tips"] is teams_tips.tips_command
    assert {"search", "sök", "hae", "new", "ny", "uusi", "setup"} <= set(router.commands)
    assert set(router.verbs) == {
        cards.VERB_CARD,
        cards.VERB_APPROVE,
        cards.VERB_REJECT,
        cards.VERB_EDIT,
        cards.VERB_PAGE,
        cards.VERB_REVIEW_PAGE,
    }
    assert cards.DIALOG_TIP in router.dialogs
    assert SHARE_AS_GOOD_PRACTICE in router.extensions
    assert local_channel(REVIEW) != local_channel(DIGEST)
    assert TeamsTipMessages  # the port's adapter
