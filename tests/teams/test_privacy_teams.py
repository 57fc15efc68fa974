"""Personal data on Teams end to end: signed activities from the offline Teams platform to the
real app, in sv, fi and en — my-data in the personal chat (a card with the data as JSON),
forget-me → confirm → the person's rows and Teams references gone and the card replaced,
cancel keeps everything, an admin forgets someone named by mention, a non-admin's forget and
forged confirmation clicks are refused, and removing the app clears the dead references."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.coffee.commands import FORGET, FORGET_ME, MY_DATA
from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.people.models import Member
from bot.people.permissions import ADMINS_ONLY
from bot.platform.db.models import PendingCall
from bot.platform.deps import Deps
from bot.platform.i18n import translator
from bot.privacy.views import CANCELLED, NOT_YOURS
from bot.teams.cards import privacy as cards
from bot.teams.identity import guid, local_channel, local_user
from bot.teams.validation import card_problems
from bot.teamsapp.models import TeamsChannel, TeamsDelivery, TeamsPerson
from handlers import teams_privacy
from tests import teams_support
from tests.fakes.teams_platform import FakeTeams, User
from tests.teams_support import TeamsApp, start_teams_app

LOCALES = [("sv-SE", "sv"), ("fi-FI", "fi"), ("en-US", "en")]
ADMIN_NAME = "Alva Admin"


def texts(card: Any) -> str:
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "label"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(out)


def flat(text: str) -> str:
    """Card text without Teams markdown and escapes, for comparing with a sentence."""
    return text.replace("**", "").replace("\\", "")


@pytest.fixture
async def world(
    deps: Deps, fake_teams: FakeTeams, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[TeamsApp, User]]:
    """The app serving Teams with one admin (TEAMS_ADMIN_USER_IDS)."""
    admin = fake_teams.add_user(name=ADMIN_NAME, locale="sv-SE")
    base = teams_support.teams_settings

    def with_admin(fake: FakeTeams, **changes: Any) -> Any:
        return base(fake, admin_user_ids=frozenset({local_user(admin.aad_object_id)}), **changes)

    monkeypatch.setattr(teams_support, "teams_settings", with_admin)
    async for app in start_teams_app(deps, fake_teams):
        await app.install(admin)
        yield app, admin
        assert app.surface.failures == []


async def _program(app: TeamsApp, user: User, channel_name: str = "Fika-pauser") -> str:
    """A coffee program in a team channel Fika knows, with `user` in it; its channel id."""
    team = app.fake.add_team(name="Biblioteken", channels=("General", channel_name))
    conversation = team.channel(channel_name).id
    channel_id = local_channel(conversation)
    async with app.deps.db.begin() as session:
        session.add(
            TeamsChannel(
                team_id=app.team_id,
                channel_id=channel_id,
                conversation_id=conversation,
                service_url=app.fake.service_url,
                team_name=team.name,
                channel_name=channel_name,
            )
        )
        program = CoffeeProgram(
            team_id=app.team_id,
            channel_id=channel_id,
            tz="Europe/Helsinki",
            anchor_week=date(2026, 11, 30),
        )
        session.add(program)
        await session.flush()
        session.add(
            CoffeeParticipant(team_id=app.team_id, program_id=program.id, user_id=app.user_id(user))
        )
    return channel_id


async def _deliveries(app: TeamsApp, user: User) -> None:
    """Once-only messages recorded for `user` (an intro, a welcome) and for someone else."""
    uid = app.user_id(user)
    chat = app.fake.personal_conversation(user)
    async with app.deps.db.begin() as session:
        session.add_all(
            [
                TeamsDelivery(
                    team_id=app.team_id, key=f"intro:7:{uid}", conversation_id=chat, state="sent"
                ),
                TeamsDelivery(
                    team_id=app.team_id, key=f"welcome:1:{uid}", conversation_id=chat, state="sent"
                ),
                TeamsDelivery(
                    team_id=app.team_id,
                    key=f"intro:7:{'b' * 32}",
                    conversation_id="a:someone-else",
                    state="sent",
                ),
                # A notice to her chat queued for a retry (bot/teamsapp/outbox.py), one to
                # someone else's.
                *(
                    PendingCall(
                        team_id=app.team_id,
                        method="teams.send",
                        args={
                            "conversation_id": conversation,
                            "service_url": app.fake.service_url,
                            "activity": {"type": "message", "text": "Your break ends today."},
                            "activity_id": None,
                        },
                    )
                    for conversation in (chat, "a:someone-else")
                ),
            ]
        )


async def _stored(app: TeamsApp, user: User) -> dict[str, int]:
    uid = app.user_id(user)
    async with app.deps.db() as session:

        async def count(model: Any, *where: Any) -> int:
            return int(
                await session.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )

        return {
            "members": await count(Member, Member.user_id == uid),
            "participants": await count(CoffeeParticipant, CoffeeParticipant.user_id == uid),
            "teams_people": await count(TeamsPerson, TeamsPerson.user_id == uid),
            "deliveries": await count(TeamsDelivery, TeamsDelivery.key.like(f"%{uid}")),
            "all_deliveries": await count(TeamsDelivery),
            "queued": await count(PendingCall),
        }


def _last_card(app: TeamsApp, user: User) -> tuple[str, dict[str, Any]]:
    chat = app.fake.personal_conversation(user)
    sent = app.fake.activities(chat)
    assert sent, "nothing in the personal chat"
    (attachment,) = sent[-1]["attachments"]
    card = attachment["content"]
    assert card_problems(card) == []
    return sent[-1]["id"], card


def _with_mention(activity: dict[str, Any], person: User) -> dict[str, Any]:
    tag = f"<at>{person.name}</at>"
    activity["text"] = f"{activity['text']} {tag}"
    activity["entities"].append(
        {"type": "mention", "mentioned": {"id": person.id, "name": person.name}, "text": tag}
    )
    return activity


# ---------------------------------------------------------------------------- my data


@pytest.mark.parametrize(("teams_locale", "locale"), LOCALES)
async def test_my_data_in_the_personal_chat_with_the_data_as_json(
    world: tuple[TeamsApp, User], teams_locale: str, locale: str
) -> None:
    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann *Andersson*", locale=teams_locale)
    await app.install(ann)
    await _program(app, ann)
    await _deliveries(app, ann)
    t = translator(locale)

    status, _ = await app.send(fake.message(ann, MY_DATA.word_for(locale)))
    assert status == 200

    _, card = _last_card(app, ann)
    shown = texts(card)
    assert t("What Fika stores about you") in shown
    assert "Fika-pauser" in shown and t("taking part") in shown
    assert r"Ann \*Andersson\*" in shown  # her name as written, not as markup
    (field,) = [n for n in card["body"] if n.get("type") == "Input.Text"]
    data = json.loads(field["value"])
    assert data["user_id"] == app.user_id(ann)
    assert data["profile"]["name"] == "Ann *Andersson*"
    assert data["programs"] == [
        {"channel": "Fika-pauser", "status": "active", "paused_until": None}
    ]
    assert data["teams"]["teams_user_id"] == ann.id
    assert data["teams"]["personal_chat_id"] == fake.personal_conversation(ann)
    assert data["teams"]["app_installed"] is True
    assert data["teams"]["once_only_messages_recorded"] == 2
    assert fake.rejected == []


async def test_my_data_asked_in_a_channel_goes_to_the_personal_chat(
    world: tuple[TeamsApp, User],
) -> None:
    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale="en-US")
    await app.install(ann)
    team = fake.add_team(members=[ann])
    await app.send(fake.message(ann, "my-data", team.general))

    _, card = _last_card(app, ann)
    assert "What Fika stores about you" in texts(card)
    in_channel = fake.cards(team.general.id)
    assert "I sent you the answer in our personal chat." in texts(in_channel[-1])
    assert "my_data_json" not in json.dumps(in_channel)


# ---------------------------------------------------------------------------- forget me


@pytest.mark.parametrize(("teams_locale", "locale"), LOCALES)
async def test_forget_me_confirmed_deletes_her_rows_and_teams_references(
    world: tuple[TeamsApp, User], teams_locale: str, locale: str
) -> None:
    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale=teams_locale)
    await app.install(ann)
    chat = fake.personal_conversation(ann)
    home_id = fake.activities(chat)[0]["id"]
    await _program(app, ann)
    await _deliveries(app, ann)
    t = translator(locale)
    assert (await _stored(app, ann))["teams_people"] == 1

    await app.send(fake.message(ann, FORGET_ME.word_for(locale)))
    card_id, card = _last_card(app, ann)
    assert t("Delete my data") in texts(card)
    before = await _stored(app, ann)
    assert before["members"] == 1 and before["participants"] == 1 and before["deliveries"] == 2

    status, answer = await app.send(fake.press(ann, chat, card_id, cards.FORGET_CONFIRM))
    assert status == 200
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    replaced = answer["value"]
    assert card_problems(replaced) == []
    assert flat(t(cards.TEAMS_FORGOTTEN)) in flat(texts(replaced))
    assert "Fika-pauser" in texts(replaced)  # still in the program's channel: told so
    assert not any(a.get("verb") for a in replaced.get("actions", []))

    after = await _stored(app, ann)
    assert after == {
        "members": 0,
        "participants": 0,
        "teams_people": 0,
        "deliveries": 0,
        "all_deliveries": before["all_deliveries"] - 2,  # someone else's stays
        "queued": before["queued"] - 1,  # the notice queued for her chat
    }
    # Her home card says Fika has forgotten her (updated in place, in her language).
    home = fake.activity(chat, home_id)["attachments"][0]["content"]
    assert card_problems(home) == []
    assert flat(t(cards.TEAMS_FORGOTTEN_HOME)) in flat(texts(home))
    assert fake.rejected == []


@pytest.mark.parametrize(("teams_locale", "locale"), LOCALES)
async def test_cancel_keeps_everything(
    world: tuple[TeamsApp, User], teams_locale: str, locale: str
) -> None:
    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale=teams_locale)
    await app.install(ann)
    await _program(app, ann)
    await _deliveries(app, ann)
    chat = fake.personal_conversation(ann)
    await app.send(fake.message(ann, FORGET_ME.word_for(locale)))
    card_id, _ = _last_card(app, ann)
    before = await _stored(app, ann)

    _, answer = await app.send(fake.press(ann, chat, card_id, cards.FORGET_CANCEL))

    assert flat(translator(locale)(CANCELLED)) in flat(texts(answer["value"]))
    assert card_problems(answer["value"]) == []
    assert await _stored(app, ann) == before


async def test_a_forged_forget_me_click_for_someone_else_deletes_nothing(
    world: tuple[TeamsApp, User],
) -> None:
    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale="en-US")
    eve = fake.add_user(name="Eve Evil", locale="en-US")
    await app.install(ann)
    await app.install(eve)
    await _program(app, ann)
    await app.send(fake.message(ann, "forget-me"))
    _, card = _last_card(app, ann)
    data = card["actions"][0]["data"]
    before = await _stored(app, ann)

    # Eve sends the same click from her own chat (Teams signs it as hers).
    _, answer = await app.send(fake.invoke_execute(eve, cards.FORGET_CONFIRM, data))

    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert answer["value"] == translator("en")(NOT_YOURS)
    assert await _stored(app, ann) == before
    assert (await _stored(app, eve))["members"] == 1


async def test_an_old_confirmation_deletes_nothing(
    world: tuple[TeamsApp, User], clock: Any
) -> None:
    from datetime import timedelta

    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale="en-US")
    await app.install(ann)
    await app.send(fake.message(ann, "forget-me"))
    card_id, _ = _last_card(app, ann)
    clock.advance(timedelta(hours=2))

    _, answer = await app.send(
        fake.press(ann, fake.personal_conversation(ann), card_id, cards.FORGET_CONFIRM)
    )

    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert "**forget-me**" in answer["value"]
    assert (await _stored(app, ann))["members"] == 1


# ---------------------------------------------------------------------------- an admin's forget


@pytest.mark.parametrize(("teams_locale", "locale"), LOCALES)
async def test_an_admin_forgets_someone_named_by_mention(
    world: tuple[TeamsApp, User], teams_locale: str, locale: str
) -> None:
    app, admin = world
    fake = app.fake
    bo = fake.add_user(name="Bo Berg", locale="sv-SE")
    await app.install(bo)
    await _program(app, bo)
    await _deliveries(app, bo)
    bo_chat = fake.personal_conversation(bo)
    bo_before = fake.activities(bo_chat)
    # The admin's messages come in her language of the moment.
    async with app.deps.db.begin() as session:
        member = await session.scalar(select(Member).where(Member.user_id == app.user_id(admin)))
        assert member is not None
        member.locale_pref = locale
    t = translator(locale)

    message = _with_mention(fake.message(admin, FORGET.word_for(locale)), bo)
    await app.send(message)
    card_id, card = _last_card(app, admin)
    assert "Bo Berg" in texts(card)
    assert t("Delete their data") in texts(card)
    assert (await _stored(app, bo))["members"] == 1  # nothing deleted before the click

    admin_chat = fake.personal_conversation(admin)
    _, answer = await app.send(fake.press(admin, admin_chat, card_id, cards.FORGET_OTHER_CONFIRM))

    replaced = answer["value"]
    assert card_problems(replaced) == []
    assert "Bo Berg" in texts(replaced)
    after = await _stored(app, bo)
    assert after["members"] == after["participants"] == 0
    assert after["teams_people"] == after["deliveries"] == 0
    assert fake.activities(bo_chat) == bo_before  # nothing is sent to the person
    assert fake.updates == [] or all(u.conversation_id != bo_chat for u in fake.updates)


async def test_an_admin_names_a_departed_colleague_by_entra_object_id(
    world: tuple[TeamsApp, User],
) -> None:
    app, admin = world
    fake = app.fake
    bo = fake.add_user(name="Bo Berg", locale="sv-SE")
    await app.install(bo)
    await app.send(fake.message(admin, f"forget {bo.aad_object_id}"))
    card_id, card = _last_card(app, admin)
    assert "Bo Berg" in texts(card)
    admin_chat = fake.personal_conversation(admin)
    await app.send(fake.press(admin, admin_chat, card_id, cards.FORGET_OTHER_CONFIRM))
    assert (await _stored(app, bo))["members"] == 0


async def test_forget_without_one_person_or_naming_oneself_asks_again(
    world: tuple[TeamsApp, User],
) -> None:
    app, admin = world
    fake = app.fake
    t = translator("sv")
    await app.send(fake.message(admin, "glöm"))
    _, card = _last_card(app, admin)
    assert flat(t(cards.TEAMS_FORGET_USAGE).split("`")[0]) in flat(texts(card))
    assert "actions" not in card

    await app.send(fake.message(admin, f"glöm {guid(app.user_id(admin))}"))
    _, card = _last_card(app, admin)
    assert "**glöm-mig**" in texts(card)
    assert (await _stored(app, admin))["members"] == 1


async def test_a_mention_fika_never_stored_has_nothing_to_delete(
    world: tuple[TeamsApp, User],
) -> None:
    app, admin = world
    fake = app.fake
    stranger = fake.add_user(name="Sam Stranger", locale="en-US")  # never used Fika
    await app.send(_with_mention(fake.message(admin, "forget"), stranger))
    _, card = _last_card(app, admin)
    assert "Sam Stranger" in texts(card)
    assert "actions" not in card


@pytest.mark.parametrize(("teams_locale", "locale"), LOCALES)
async def test_a_non_admins_forget_is_refused(
    world: tuple[TeamsApp, User], teams_locale: str, locale: str
) -> None:
    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale=teams_locale)
    bo = fake.add_user(name="Bo Berg", locale="sv-SE")
    await app.install(ann)
    await app.install(bo)
    before = await _stored(app, bo)

    await app.send(_with_mention(fake.message(ann, FORGET.word_for(locale)), bo))

    _, card = _last_card(app, ann)
    assert translator(locale)(ADMINS_ONLY) in texts(card)
    assert "actions" not in card
    assert await _stored(app, bo) == before


async def test_a_forged_admin_confirmation_by_a_non_admin_is_refused(
    world: tuple[TeamsApp, User],
) -> None:
    app, admin = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale="en-US")
    bo = fake.add_user(name="Bo Berg", locale="en-US")
    await app.install(ann)
    await app.install(bo)
    await app.send(_with_mention(fake.message(admin, "forget"), bo))
    _, card = _last_card(app, admin)
    data = next(a["data"] for a in card["actions"] if a["verb"] == cards.FORGET_OTHER_CONFIRM)
    before = await _stored(app, bo)

    # Ann sends the admin's confirmation as her own click: her right is read at the click.
    _, answer = await app.send(fake.invoke_execute(ann, cards.FORGET_OTHER_CONFIRM, data))

    assert answer["type"] == "application/vnd.microsoft.activity.message"
    assert answer["value"] == translator("en")(ADMINS_ONLY)
    assert await _stored(app, bo) == before


# ---------------------------------------------------------------------------- uninstall


async def test_removing_the_app_clears_the_dead_references_and_leaves_pairing_alone(
    world: tuple[TeamsApp, User],
) -> None:
    app, _ = world
    fake = app.fake
    ann = fake.add_user(name="Ann Andersson", locale="fi-FI")
    await app.install(ann)
    await _program(app, ann)

    status, _ = await app.send(fake.uninstall_activity(ann))

    assert status == 200
    async with app.deps.db() as session:
        person = await session.get(TeamsPerson, (app.team_id, app.user_id(ann)))
        participant = await session.scalar(
            select(CoffeeParticipant).where(CoffeeParticipant.user_id == app.user_id(ann))
        )
        member = await session.scalar(select(Member).where(Member.user_id == app.user_id(ann)))
    assert person is not None and not person.installed
    assert person.conversation_id is None and person.home_activity_id is None
    assert participant is not None and participant.status == "active"  # as Slack: not deactivated
    assert member is not None and not member.deleted

    # Installed again: reachable again.
    await app.install(ann)
    async with app.deps.db() as session:
        person = await session.get(TeamsPerson, (app.team_id, app.user_id(ann)))
    assert person is not None and person.installed
    assert person.conversation_id == fake.personal_conversation(ann)


# ---------------------------------------------------------------------------- cards


@pytest.mark.parametrize("locale", ["sv", "fi", "en"])
def test_every_privacy_card_validates(locale: str) -> None:
    from zoneinfo import ZoneInfo

    from bot.privacy.results import Problem
    from bot.privacy.store import PersonalData

    t = translator(locale)
    made = [
        cards.forget_confirmation_card(t, "a" * 32 + ":1767000000"),
        cards.forget_other_confirmation_card(t, "[x](y) *z*", "b" * 32 + ":1767000000"),
        cards.forgotten_card(t, ["Fika-pauser", "<at>x</at>"]),
        cards.forgotten_other_card(t, "Bo", True),
        cards.forgotten_other_card(t, None, False),
        cards.forgotten_home_card(t),
        cards.cancelled_card(t),
        cards.my_data_card(
            t,
            PersonalData(member=None, library=None),
            cards.TeamsFacts(),
            ZoneInfo("UTC"),
            0,
            "c" * 32,
        ),
        *(cards.note_card(cards.problem_text(t, p)) for p in Problem),
    ]
    for card in made:
        assert card_problems(card) == [], card
        assert not re.search(r"(?<![\\*])\*(?!\*)", texts(card)), texts(card)  # no Slack bold
    assert "[x](y)" not in texts(made[1]) and r"\[x\]\(y\)" in texts(made[1])


async def test_forget_me_redraws_the_review_card_that_named_her(
    world: tuple[TeamsApp, User],
) -> None:
    from bot.tips.models import Tip
    from tests.teams.test_tips_teams import form_values

    app, admin = world
    fake = app.fake
    aino = fake.add_user(name="Aino Author", locale="fi-FI")
    ake = fake.add_team(name="AKE", channels=("General", "ake-review"), members=[admin])
    review = ake.channel("ake-review")
    await app.install(aino)
    await app.send(fake.message(admin, "tips setup review", review))
    await app.send(fake.invoke_task_submit(aino, form_values()))
    async with app.deps.db() as session:
        tip = await session.scalar(select(Tip))
    assert tip is not None and tip.review_ts
    before = fake.activity(review.id, tip.review_ts)
    assert "Aino Author" in json.dumps(before, ensure_ascii=False)

    await app.send(fake.message(aino, "unohda-minut"))
    card_id, _ = _last_card(app, aino)
    await app.send(
        fake.press(aino, fake.personal_conversation(aino), card_id, cards.FORGET_CONFIRM)
    )

    after = fake.activity(review.id, tip.review_ts)
    assert after != before
    assert "Aino" not in json.dumps(after, ensure_ascii=False)
    assert card_problems(after["attachments"][0]["content"]) == []


async def test_an_admins_forget_typed_in_a_channel_is_confirmed_in_her_personal_chat(
    world: tuple[TeamsApp, User],
) -> None:
    app, admin = world
    fake = app.fake
    bo = fake.add_user(name="Bo Berg", locale="sv-SE")
    await app.install(bo)
    team = fake.add_team(members=[admin, bo])

    # "@Fika glöm @Bo Berg": two mentions, the bot's own left out.
    message = _with_mention(fake.message(admin, "glöm", team.general), bo)
    assert len([e for e in message["entities"] if e["type"] == "mention"]) == 2
    await app.send(message)

    _, card = _last_card(app, admin)
    assert "Bo Berg" in texts(card)
    assert any(a.get("verb") == cards.FORGET_OTHER_CONFIRM for a in card["actions"])
    (notice,) = fake.cards(team.general.id)
    assert translator("sv")(teams_privacy.SENT_TO_CHAT) in texts(notice)
    assert "actions" not in notice
