"""Good-practice tips on Teams, end to end: signed activities from the offline Teams platform
(tests/fakes/teams_platform.py) to the real app's /api/messages with handlers/teams_tips.py,
and what the app then sends through the Bot Connector (every card checked as Teams would).

`tips setup` in channels; the tip form (a dialog) saved with the same validation as Slack's;
the review card posted read-only with the curators' refresh, each viewer's card by role, each
click authorized at the time of the click; the card replaced after a decision; the digest
posted once; "Share as good practice" on a message; lists and the export.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import handlers.teams
from bot.platform.deps import Deps
from bot.platform.i18n import translator
from bot.teams.cards import tips as cards
from bot.teams.identity import local_user
from bot.teams.ids import SHARE_AS_GOOD_PRACTICE
from bot.teams.validation import card_problems
from bot.teamsapp.tip_messages import TeamsTipMessages
from bot.tips import surface as tips_surface
from bot.tips.digests import run_digests
from bot.tips.models import Tip, TipDigest, TipSource, TipStatus
from bot.tips.store import TITLE_MAX
from handlers import teams_tips
from handlers.teams_router import TeamsRouter
from tests.conftest import FakeClock
from tests.fakes.teams_platform import Channel, FakeTeams, Team, User
from tests.teams_support import TeamsApp, start_teams_app


@dataclasses.dataclass
class World:
    app: TeamsApp
    clock: FakeClock
    ada: User  # a Fika admin (TEAMS_ADMIN_USER_IDS), in the AKE team
    rea: User  # curators: the AKE team, whose "ake-review" channel reviews
    rolf: User
    aino: User  # the author
    otto: User  # anyone else
    ake: Team
    library: Team

    @property
    def fake(self) -> FakeTeams:
        return self.app.fake

    @property
    def review(self) -> Channel:
        return self.ake.channel("ake-review")

    @property
    def digest(self) -> Channel:
        return self.library.channel("good-practice")

    async def send(self, activity: dict[str, Any]) -> Any:
        status, body = await self.app.send(activity)
        assert status == 200
        return body

    async def say(self, user: User, text: str, where: Channel | None = None) -> None:
        await self.send(self.fake.message(user, text, where))

    async def click(
        self, user: User, verb: str, data: dict[str, Any], where: Channel | None = None
    ) -> dict[str, Any]:
        body = await self.send(self.fake.invoke_execute(user, verb, data, where or self.review))
        card: dict[str, Any] = body["value"]
        return card

    async def submit(self, user: User, **changes: Any) -> Any:
        return await self.send(self.fake.invoke_task_submit(user, form_values(**changes)))

    def cards_in(self, conversation: str) -> list[dict[str, Any]]:
        return self.fake.cards(conversation)

    def last_card(self, conversation: str) -> dict[str, Any]:
        return self.cards_in(conversation)[-1]

    def chat(self, user: User) -> str:
        return self.fake.personal_conversation(user)


@pytest.fixture
async def world(
    deps: Deps, fake_teams: FakeTeams, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    if teams_tips not in handlers.teams.MODULES:  # until the lead lists the module
        monkeypatch.setattr(handlers.teams, "MODULES", [*handlers.teams.MODULES, teams_tips])
    fake = fake_teams
    ada = fake.add_user(name="Ada Admin", locale="en-US")
    rea = fake.add_user(name="Rea Reviewer", locale="sv-SE")
    rolf = fake.add_user(name="Rolf Reviewer", locale="en-US")
    aino = fake.add_user(name="Aino *Author*", locale="fi-FI")
    otto = fake.add_user(name="Otto Outsider", locale="sv-SE")
    ake = fake.add_team(name="AKE", channels=("General", "ake-review"), members=[ada, rea, rolf])
    library = fake.add_team(
        name="Bibliotek",
        channels=("General", "good-practice"),
        members=[ada, rea, rolf, aino, otto],
    )
    settings = dataclasses.replace(
        deps.settings, admin_user_ids=frozenset({local_user(ada.aad_object_id)})
    )
    async for app in start_teams_app(dataclasses.replace(deps, settings=settings), fake):
        surface = app.surface
        if not hasattr(surface, "tip_messages"):  # until the lead's surface offers it
            monkeypatch.setattr(
                surface, "tip_messages", lambda s=surface: TeamsTipMessages(s), raising=False
            )
        for user in (ada, rea, rolf, aino, otto):
            await app.install(user)
        yield World(app, clock, ada, rea, rolf, aino, otto, ake, library)


async def setup_channels(w: World) -> None:
    await w.say(w.ada, "tips setup review", w.review)
    await w.say(w.ada, "tips setup digest", w.digest)


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


async def stored(w: World) -> list[Tip]:
    async with w.app.deps.db() as session:
        return list(await session.scalars(select(Tip).order_by(Tip.id)))


def texts(node: Any) -> str:
    return json.dumps(node, ensure_ascii=False)


def dialog_card(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["task"]["type"] == "continue"
    card: dict[str, Any] = answer["task"]["value"]["card"]["content"]
    assert card_problems(card) == []
    return card


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card["body"] if "id" in e}


def titles(card: dict[str, Any]) -> list[str]:
    return [a["title"] for a in card.get("actions", [])]


REFUSAL = (
    "Sorry, only the AKE team (the members of the review channel) can review tips. "
    "Nothing was changed."
)


async def test_setup_is_for_admins_and_names_the_channel(world: World) -> None:
    w = world
    await w.say(w.otto, "tips setup review", w.library.channel("good-practice"))
    sv, en = translator("sv"), translator("en")
    refusal = sv("Sorry, only admins can change the tips settings.")
    assert refusal in texts(w.last_card(w.digest.id))
    await setup_channels(w)
    review = texts(w.cards_in(w.review.id))
    assert texts(cards.review_channel_set(en, "ake-review", 3))[1:-1] in review  # Ada, Rea, Rolf
    assert texts(cards.review_announcement(sv))[1:-1] in review
    await w.say(w.ada, "tips setup", w.review)
    settings = texts(w.last_card(w.review.id))
    assert "ake-review" in settings and "good-practice" in settings
    await w.say(w.ada, "tips setup review")  # in the personal chat: not a channel
    assert en(cards.SETUP_HERE) in texts(w.last_card(w.chat(w.ada)))


async def test_a_tip_goes_from_the_form_to_the_curators_and_into_the_digest(
    world: World,
) -> None:
    w = world
    await setup_channels(w)
    fi, sv, en = translator("fi"), translator("sv"), translator("en")

    # "tips" in the personal chat: a card whose button opens the form (a dialog).
    await w.say(w.aino, "tips")
    button = w.last_card(w.chat(w.aino))["actions"][0]
    assert button["data"]["msteams"] == {"type": "task/fetch"}
    opened = await w.send(w.fake.invoke_task_fetch(w.aino, button["data"]))
    form = inputs(dialog_card(opened))
    assert form["title"]["maxLength"] == TITLE_MAX and form["title"]["isRequired"] is True
    assert form["language"]["value"] == "fi"

    # A blank title: the form again with the error under the title, the text kept.
    card = dialog_card(await w.submit(w.aino, title="  "))
    assert fi("Please give the tip a title.") in texts(card)
    assert inputs(card)["description"]["value"].startswith("Vi startade")
    assert await stored(w) == []

    closed = await w.submit(w.aino)
    assert closed == {"task": {"type": "message", "value": fi(cards.FORM_CLOSED)}}
    (tip,) = await stored(w)
    assert tip.status == TipStatus.PENDING.value
    assert tip.author_id == local_user(w.aino.aad_object_id)

    # The author is thanked in the personal chat; the card is in the review channel,
    # read-only, refreshing into the buttons for the curators (the channel's people).
    assert "Läsecirkel" in texts(w.last_card(w.chat(w.aino)))
    (posted,) = [a for a in w.fake.activities(w.review.id) if a["id"] == tip.review_ts]
    card = posted["attachments"][0]["content"]
    assert card["refresh"]["action"]["verb"] == cards.VERB_CARD
    assert set(card["refresh"]["userIds"]) == {w.ada.id, w.rea.id, w.rolf.id}
    assert "actions" not in card
    assert card["body"][1]["text"] == "Läsecirkel för nyanlända \\*\\*nu\\*\\*"

    # Each viewer's refresh: a curator's card has the buttons, anyone else's none (Teams sends
    # it with trigger "automatic": test_the_automatic_refresh_reaches_the_tips).
    w.fake.refresh(w.rea, w.review.id, posted["id"])  # Rea's client would ask: she is listed
    with pytest.raises(KeyError):
        w.fake.refresh(w.otto, w.review.id, posted["id"])  # not in userIds: Teams won't ask
    mine = await w.click(w.rea, cards.VERB_CARD, {"tip_id": tip.id})
    assert titles(mine) == ["Godkänn", "Avböj", "Redigera"]
    assert mine["refresh"] == card["refresh"]
    theirs = await w.click(w.otto, cards.VERB_CARD, {"tip_id": tip.id})
    assert "actions" not in theirs

    # A click from someone who is not a curator (a forged or an old card) changes nothing.
    refused = await w.click(w.otto, cards.VERB_APPROVE, {"tip_id": tip.id})
    assert refused["body"][0]["text"] == sv(REFUSAL) and "actions" not in refused
    (tip,) = await stored(w)
    assert tip.status == TipStatus.PENDING.value and w.fake.updates == []

    # A curator approves: their card and the one in the channel show the decision.
    decided = await w.click(w.rolf, cards.VERB_APPROVE, {"tip_id": tip.id})
    assert "Approved by Rolf Reviewer on" in texts(decided)
    assert titles(decided) == [en("Edit")]  # no Approve / Reject any more
    (tip,) = await stored(w)
    assert tip.status == TipStatus.APPROVED.value
    assert tip.decided_by == local_user(w.rolf.aad_object_id)
    (update,) = w.fake.updates
    assert update.activity_id == posted["id"]
    after = update.after["attachments"][0]["content"]
    assert "refresh" not in after  # the same card for everyone now
    when = sv.datetime(tip.decided_at, w.app.deps.settings.tz)
    assert sv("Approved by {who} on {when}", who="Rolf Reviewer", when=when) in texts(after)
    approved = texts(w.last_card(w.chat(w.aino)))
    assert "`tips hae`" in approved and "hyväksyttiin" in approved

    # A second click says who was first and decides nothing.
    twice = await w.click(w.rea, cards.VERB_APPROVE, {"tip_id": tip.id})
    assert sv("This tip was already approved by {who}.", who="Rolf Reviewer") in texts(twice)

    # Friday 10:00 in Helsinki: the digest is posted in the digest channel, once.
    w.clock.set(w.clock() + timedelta(days=4, hours=2))
    before = len(w.cards_in(w.digest.id))  # the setup's answer and announcement
    messages = tips_surface.tip_messages(w.app.deps)
    assert await run_digests(w.app.deps, messages) == 1
    (digest,) = w.cards_in(w.digest.id)[before:]
    assert sv("Good practice of the week") in texts(digest) and "Läsecirkel" in texts(digest)
    assert "Aino \\\\*Author\\\\*" in texts(digest)  # named, escaped, not mentioned
    assert await run_digests(w.app.deps, messages) == 0
    assert len(w.cards_in(w.digest.id)) == before + 1
    async with w.app.deps.db() as session:
        (row,) = await session.scalars(select(TipDigest))
    assert row.posted_at is not None and row.tip_count == 1


async def test_the_automatic_refresh_reaches_the_tips(world: World) -> None:
    w = world
    await setup_channels(w)
    await w.submit(w.aino)
    (tip,) = await stored(w)
    body = await w.send(w.fake.refresh(w.rea, w.review.id, tip.review_ts or ""))
    assert titles(body["value"]) == ["Godkänn", "Avböj", "Redigera"]


async def test_every_click_is_authorized_when_it_is_made(world: World) -> None:
    w = world
    await setup_channels(w)
    await w.submit(w.aino)
    (tip,) = await stored(w)
    # Rea leaves the AKE team; her card still has the buttons.
    w.fake.remove_member(w.ake, w.rea)
    w.clock.set(w.clock() + timedelta(minutes=2))  # past the roster's one-minute cache
    refused = await w.click(w.rea, cards.VERB_REJECT, {"tip_id": tip.id, "reason": "Nej"})
    assert translator("sv")(REFUSAL) in texts(refused) and "actions" not in refused
    (tip,) = await stored(w)
    assert tip.status == TipStatus.PENDING.value
    # The admin decides even when not a member; a rejection needs its reason.
    w.fake.remove_member(w.ake, w.ada)
    w.clock.set(w.clock() + timedelta(minutes=2))
    en = translator("en")
    no_reason = await w.click(w.ada, cards.VERB_REJECT, {"tip_id": tip.id, "reason": " "})
    assert en("Please write a short reason for the author.") in texts(no_reason)
    done = await w.click(w.ada, cards.VERB_REJECT, {"tip_id": tip.id, "reason": "Inte nu"})
    assert "Not approved by Ada Admin on" in texts(done)
    (tip,) = await stored(w)
    assert tip.status == TipStatus.REJECTED.value and tip.decision_note == "Inte nu"
    assert "Inte nu" in texts(w.last_card(w.chat(w.aino)))
    # The card in the channel is the decided one, the same for everyone (no refresh).
    assert "refresh" not in w.fake.updates[-1].after["attachments"][0]["content"]


async def test_a_curator_edits_from_the_card(world: World) -> None:
    w = world
    await setup_channels(w)
    await w.submit(w.aino)
    (tip,) = await stored(w)
    edited = await w.click(
        w.rea,
        cards.VERB_EDIT,
        {"tip_id": tip.id, "title": "Läsecirkel", "description": "Rättad.", "category": "talent"},
    )
    assert "Läsecirkel" in texts(edited) and "Rättad." in texts(edited)
    (tip,) = await stored(w)
    assert (tip.title, tip.category, tip.status) == ("Läsecirkel", "talent", "pending")
    assert "Rättad." in texts(w.fake.updates[-1].after)


async def test_share_as_good_practice_prefills_the_form_from_the_message(world: World) -> None:
    w = world
    await setup_channels(w)
    general = w.library.general
    payload = w.fake.message_payload(w.rea, "Vi lånar ut symaskiner. Fråga oss & co!", general)
    link = payload["linkToMessage"]
    opened = await w.send(
        w.fake.invoke_message_extension_fetch(w.otto, SHARE_AS_GOOD_PRACTICE, payload, general)
    )
    card = dialog_card(opened)
    form = inputs(card)
    assert form["title"]["value"] == "Vi lånar ut symaskiner."
    assert form["description"]["value"] == "Vi lånar ut symaskiner. Fråga oss & co!"
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
    answer = await w.send(
        w.fake.invoke_message_extension_submit(
            w.otto, SHARE_AS_GOOD_PRACTICE, data, payload, general
        )
    )
    assert answer is None  # the dialog closes; the thanks are in Otto's personal chat
    (tip,) = await stored(w)
    assert (tip.source_kind, tip.source_ref, tip.link) == ("shortcut", link, link)
    assert "symaskiner" in texts(w.last_card(w.chat(w.otto)))
    assert translator("sv")(cards.A_TEAMS_MESSAGE) in texts(w.last_card(w.review.id))


def test_mentions_and_markup_of_a_shared_message_become_plain_text() -> None:
    payload = {
        "body": {
            "contentType": "html",
            "content": "<p>Vi lånar ut <b>symaskiner</b>.</p><p>Fråga <at>Rea</at> &amp; co!</p>",
        }
    }
    assert teams_tips.message_text(payload) == "Vi lånar ut symaskiner.\nFråga Rea & co!"
    assert teams_tips.message_link({"linkToMessage": "javascript:alert(1)"}) is None


async def test_search_lists_and_the_review_queue(world: World) -> None:
    w = world
    await setup_channels(w)
    await w.submit(w.aino)
    (tip,) = await stored(w)
    await w.say(w.rea, "tips granska")
    queue = w.last_card(w.chat(w.rea))
    assert "Läsecirkel" in texts(queue)
    (actions,) = [e for e in queue["body"] if e.get("type") == "Container"]
    await w.click(w.rea, cards.VERB_APPROVE, {"tip_id": tip.id, "o": 0, "list": 1})
    await w.say(w.otto, "tips sök läsecirk")
    found = texts(w.last_card(w.chat(w.otto)))
    assert "Läsecirkel" in found and "1 tips matchar" in found
    await w.say(w.otto, "sök **läse**")  # the word Teams suggests, without "tips"
    assert "\\\\*\\\\*läse\\\\*\\\\*" in texts(w.last_card(w.chat(w.otto)))
    await w.say(w.aino, "tips omat")
    assert "Läsecirkel" in texts(w.last_card(w.chat(w.aino)))
    await w.say(w.otto, "tips granska")  # curators only
    assert translator("sv")(REFUSAL) in texts(w.last_card(w.chat(w.otto)))
    await w.say(w.rea, "tips granska")
    empty = texts(w.last_card(w.chat(w.rea)))
    assert translator("sv")("No tips are waiting for review.") in empty
    assert actions  # the queue had the tip with its buttons


async def test_the_export_is_text_in_the_personal_chat(world: World) -> None:
    w = world
    await setup_channels(w)
    await w.submit(w.aino)
    await w.say(w.otto, "tips export")
    assert translator("sv")(REFUSAL) in texts(w.last_card(w.chat(w.otto)))
    await w.say(w.rea, "tips exportera", w.review)
    assert translator("sv")(cards.EXPORT_DONE) in texts(w.last_card(w.review.id))
    intro, csv_text = w.fake.activities(w.chat(w.rea))[-2:]
    assert "fika-tips-all.csv" in texts(intro)
    assert csv_text["textFormat"] == "plain"
    assert csv_text["text"].startswith("ID;Status;")
    assert "Läsecirkel för nyanlända **nu**" in csv_text["text"]  # the data as written


async def test_a_forged_tip_id_or_form_changes_nothing(world: World) -> None:
    w = world
    await setup_channels(w)
    sv = translator("sv")
    assert sv(cards.NO_SUCH_TIP) in texts(await w.click(w.rea, cards.VERB_APPROVE, {"tip_id": 999}))
    assert sv(cards.NO_SUCH_TIP) in texts(await w.click(w.rea, cards.VERB_CARD, {"tip_id": "x"}))
    answer = await w.submit(w.rea, s="evil")  # not a source Fika wrote: the form stays open
    assert answer["task"]["type"] == "continue"
    assert texts(cards.say(sv, cards.FORM_UNREADABLE))[1:-1] in texts(answer)
    assert await stored(w) == []


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
    # With the other Teams modules: no word, verb, dialog or command id taken twice.
    others = [m for m in handlers.teams.MODULES if m is not teams_tips]
    TeamsRouter([*others, teams_tips])
