"""Coffee breaks on Microsoft Teams, end to end: people install Fika (install activities to
/api/messages), a program runs in a Teams channel, a round goes out through the real app and
its Teams surface to the offline Teams platform (tests/fakes/teams_platform.py), which refuses
invalid cards and enforces Teams' limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from bot.coffee import round_store as rounds_db
from bot.coffee.enrolment import send_welcome
from bot.coffee.followups import send_due_followups
from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.programs import start_program
from bot.coffee.rounds import deliver_round, pair_now
from bot.coffee.surface import coffee_effects
from bot.platform.i18n import translator
from bot.teams.identity import local_channel
from bot.teams.validation import card_problems
from bot.teamsapp import coffee_effects as adapter
from bot.teamsapp.models import TeamsDelivery
from bot.teamsapp.sender import TeamsSender
from tests.conftest import FakeClock
from tests.fakes.teams_platform import Team, User
from tests.teams_support import TeamsApp

pytestmark = pytest.mark.slow


# ------------------------------------------------------------------------------ helpers


async def people(app: TeamsApp, specs: list[tuple[str, str]], *, installed: int) -> list[User]:
    """Users (name, Teams locale) in one team; the first `installed` have Fika installed."""
    users = [app.fake.add_user(name=name, locale=locale) for name, locale in specs]
    for user in users[:installed]:
        await app.install(user)
    return users


async def program_in_channel(
    app: TeamsApp, members: list[User], admin: User, *, size: int
) -> tuple[Team, CoffeeProgram]:
    """A team with the members, Fika added to it (its General channel is remembered), and a
    coffee program there."""
    team = app.fake.add_team(name="Biblioteken", members=[*members, admin], installed=False)
    status, _ = await app.send(app.fake.install_activity(admin, team))
    assert status == 200
    channel_id = local_channel(team.general.id)
    async with app.deps.db.begin() as session:
        program, how = await start_program(
            session,
            app.team_id,
            channel_id,
            app.user_id(admin),
            "Europe/Helsinki",
            app.deps.now(),
        )
        assert how == "created"
        program.group_size = size
        program_id = program.id
    async with app.deps.db() as session:
        found = await session.get(CoffeeProgram, program_id)
        assert found is not None
        return team, found


def texts(card: dict[str, Any]) -> str:
    return "\n".join(str(block.get("text", "")) for block in card.get("body", []))


def bot_cards(app: TeamsApp, user: User) -> list[dict[str, Any]]:
    return app.fake.cards(app.fake.personal_conversation(user))


async def the_round(app: TeamsApp, program: CoffeeProgram) -> tuple[CoffeeRound, list[CoffeeGroup]]:
    async with app.deps.db() as session:
        round_ = await session.scalar(
            select(CoffeeRound).where(CoffeeRound.program_id == program.id)
        )
        assert round_ is not None
        return round_, await rounds_db.round_groups(session, round_.id)


# ------------------------------------------------------------------------------ tests


async def test_a_round_gives_each_member_one_intro_in_their_language_with_the_chat_link(
    teams_app: TeamsApp,
) -> None:
    app = teams_app
    ann, bo, cia, admin = await people(
        app,
        [("Ann Andersson", "sv-SE"), ("Bo Virtanen", "fi-FI"), ("Cia Clark", "en-GB"),
         ("Ada Admin", "sv-SE")],
        installed=4,
    )  # fmt: skip
    team, program = await program_in_channel(app, [ann, bo, cia], admin, size=3)
    app.fake.remove_member(team, admin)  # the admin is not in the round
    round_id = await pair_now(app.deps, program.id, app.user_id(admin))
    assert round_id is not None
    _, groups = await the_round(app, program)
    assert [len(g.members) for g in groups] == [3]
    group = groups[0]
    assert group.intro_sent_at is not None and group.failed_at is None

    headings = {"sv-SE": "**Dags för kaffepaus!**", "fi-FI": "**Kahvihetken aika!**"}
    headings["en-GB"] = "**Time for fika!**"
    for user in (ann, bo, cia):
        cards = bot_cards(app, user)
        intros = [c for c in cards if headings[user.locale] in texts(c)]
        assert len(intros) == 1, [texts(c) for c in cards]
        [intro] = intros
        assert card_problems(intro) == []
        for other in (ann, bo, cia):
            assert other.name in texts(intro)
        [button] = intro["actions"]
        query = parse_qs(urlsplit(button["url"]).query)
        others = sorted(u.upn for u in (ann, bo, cia) if u is not user)
        assert sorted(query["users"][0].split(",")) == others
        assert query["topicName"][0].startswith("☕ Fika: ")
    # The host is named in every card, in each reader's language.
    host = next(u for u in (ann, bo, cia) if app.user_id(u) == group.proposer_user_id)
    t = translator("fi")
    bo_intro = next(c for c in bot_cards(app, bo) if headings["fi-FI"] in texts(c))
    assert t(
        "{person}, could you propose a time that suits everyone? "
        "Fifteen minutes on a video call is plenty.",
        person=host.name,
    ) in texts(bo_intro)
    # The program channel got the progress note, now the round's summary.
    channel_cards = app.fake.cards(team.general.id)
    assert any("Den här rundan parades 3 personer" in texts(c) for c in channel_cards)
    for card in channel_cards:
        assert card_problems(card) == []


async def test_a_team_member_who_never_added_fika_gets_the_intro_in_a_chat_fika_opens(
    teams_app: TeamsApp,
) -> None:
    """Fika is in the program's team: Teams lets it open a 1:1 chat with any member of it."""
    app = teams_app
    ann, dan, admin = await people(
        app, [("Ann Andersson", "sv-SE"), ("Dan Dahl", "en-GB"), ("Ada Admin", "en-GB")],
        installed=1,
    )  # fmt: skip
    await app.install(admin)
    team, program = await program_in_channel(app, [ann, dan], admin, size=2)
    app.fake.remove_member(team, admin)
    await pair_now(app.deps, program.id, app.user_id(admin))
    _, groups = await the_round(app, program)
    [group] = groups
    assert group.failed_at is None and group.intro_sent_at is not None
    opened = app.fake.calls_to("POST", r"/v3/conversations$")
    assert len(opened) == 1 and opened[0].json["members"][0]["id"] == dan.id
    [intro] = [c for c in bot_cards(app, dan) if "Ann Andersson" in texts(c)]
    assert card_problems(intro) == []


async def test_someone_who_blocked_fika_is_named_to_the_admin(teams_app: TeamsApp) -> None:
    app = teams_app
    ann, dan, admin = await people(
        app, [("Ann Andersson", "sv-SE"), ("Dan Dahl", "en-GB"), ("Ada Admin", "en-GB")],
        installed=1,
    )  # fmt: skip
    await app.install(admin)
    team, program = await program_in_channel(app, [ann, dan], admin, size=2)
    app.fake.remove_member(team, admin)
    app.fake.block(dan)
    await pair_now(app.deps, program.id, app.user_id(admin))
    _, groups = await the_round(app, program)
    [group] = groups
    assert group.failed_at is not None and group.failed_error == "ConversationBlockedByUser"
    assert not [c for c in bot_cards(app, ann) if "Time for fika" in texts(c)]
    [report] = [c for c in bot_cards(app, admin) if "could not be delivered" in texts(c)]
    assert card_problems(report) == []
    assert "blocked the chat with Fika" in texts(report)
    assert "Ann Andersson" in texts(report)  # the group is named


async def test_a_crash_after_a_send_does_not_send_it_again(
    teams_app: TeamsApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = teams_app
    users = await people(
        app, [("Ann A", "sv-SE"), ("Bo B", "fi-FI"), ("Cia C", "en-GB"), ("Ada", "sv-SE")],
        installed=4,
    )  # fmt: skip
    ann, bo, cia, admin = users
    team, program = await program_in_channel(app, [ann, bo, cia], admin, size=3)
    app.fake.remove_member(team, admin)

    class Crash(Exception):
        pass

    real_send = TeamsSender.send
    sends = {"n": 0}

    async def crashing_send(self: TeamsSender, *args: Any, **kwargs: Any) -> str:
        activity_id = await real_send(self, *args, **kwargs)
        sends["n"] += 1
        if sends["n"] == 3:  # the progress note, the first intro, then the second: lost
            raise Crash("the process died before the send was recorded")
        return activity_id

    monkeypatch.setattr(TeamsSender, "send", crashing_send)
    with pytest.raises(Crash):
        await pair_now(app.deps, program.id, app.user_id(admin))
    monkeypatch.setattr(TeamsSender, "send", real_send)
    round_, groups = await the_round(app, program)
    assert groups[0].intro_sent_at is None
    await deliver_round(app.deps, round_.id)
    await deliver_round(app.deps, round_.id)  # and once more: nothing new
    _, groups = await the_round(app, program)
    assert groups[0].intro_sent_at is not None
    for user in (ann, bo, cia):
        intros = [c for c in bot_cards(app, user) if "Action.OpenUrl" in str(c)]
        assert len(intros) == 1, user.name
    async with app.deps.db() as session:
        rows = list(await session.scalars(select(TeamsDelivery).order_by(TeamsDelivery.id)))
    intro_rows = [r for r in rows if r.key.startswith("intro:")]
    assert len(intro_rows) == 3 and all(r.state == adapter.SENT for r in intro_rows)
    assert [r.error for r in intro_rows].count(adapter.LANDED_UNKNOWN) == 1


async def test_a_429_is_waited_out_and_the_intro_sent_once(teams_app: TeamsApp) -> None:
    app = teams_app
    ann, bo, admin = await people(
        app, [("Ann A", "sv-SE"), ("Bo B", "fi-FI"), ("Ada", "sv-SE")], installed=3
    )
    team, program = await program_in_channel(app, [ann, bo], admin, size=2)
    app.fake.remove_member(team, admin)
    app.fake.reset_calls()
    ann_chat = app.fake.personal_conversation(ann)
    app.fake.fail_next("POST", rf"/conversations/{ann_chat}/activities", status=429, retry_after=1)
    await pair_now(app.deps, program.id, app.user_id(admin))
    posts = app.fake.calls_to("POST", rf"/conversations/{ann_chat}/activities")
    statuses = [c.status for c in posts]
    assert statuses[0] == 429 and statuses[1] in (200, 201), statuses
    assert len([c for c in bot_cards(app, ann) if "Action.OpenUrl" in str(c)]) == 1
    assert app.surface.sender.retried >= 1


async def test_we_met_replaces_the_card_and_updates_the_others(
    teams_app: TeamsApp, clock: FakeClock
) -> None:
    app = teams_app
    ann, bo, admin = await people(
        app, [("Ann A", "sv-SE"), ("Bo B", "fi-FI"), ("Ada", "sv-SE")], installed=3
    )
    team, program = await program_in_channel(app, [ann, bo], admin, size=2)
    app.fake.remove_member(team, admin)
    await pair_now(app.deps, program.id, app.user_id(admin))
    clock.advance(timedelta(days=app.deps.settings.followup_days, hours=1))
    assert await send_due_followups(app.deps) == 1
    _, [group] = await the_round(app, program)

    def followup(user: User) -> tuple[str, dict[str, Any]]:
        chat = app.fake.personal_conversation(user)
        found = [
            a
            for a in app.fake.activities(chat)
            if "coffee.met" in str(a) or "Träffades" in str(a) or "Tapasitteko" in str(a)
        ]
        assert len(found) == 1, [str(a)[:200] for a in app.fake.activities(chat)]
        return found[0]["id"], found[0]["attachments"][0]["content"]

    bo_id, bo_card = followup(bo)
    assert card_problems(bo_card) == []
    status, body = await app.send(
        app.fake.press(bo, app.fake.personal_conversation(bo), bo_id, "coffee.met")
    )
    assert status == 200
    replacement = body["value"]
    assert card_problems(replacement) == []
    assert "coffee.met" not in str(replacement) and "coffee.not_met" not in str(replacement)
    t = translator("fi")
    assert f"**{t('Yes, we met')}**" in texts(replacement)
    assert "Bo B" in texts(replacement)
    async with app.deps.db() as session:
        stored = await rounds_db.get_group(session, group.id)
    assert stored is not None and stored.outcome == "met"
    assert stored.answered_by == app.user_id(bo)
    # Ann's card shows the answer now, in Swedish, without buttons.
    await asyncio.sleep(0)
    _, ann_card = followup(ann)
    assert [a["data"].get("dialog") for a in ann_card["actions"]] == ["coffee.tip"]
    assert "Bo B" in texts(ann_card) and "**Ja, vi träffades**" in texts(ann_card)
    # A second answer does not change the group's: Ann is told who answered.
    ann_id, _ = followup(ann)
    status, body = await app.send(
        app.fake.invoke_execute(
            ann, "coffee.not_met", {"group_id": group.id}, app.fake.personal_conversation(ann),
            ann_id,
        )
    )  # fmt: skip
    assert status == 200
    assert "Bo B" in texts(body["value"])
    async with app.deps.db() as session:
        again = await rounds_db.get_group(session, group.id)
    assert again is not None and again.outcome == "met"


async def test_a_group_of_one_is_told_nobody_else_took_part(teams_app: TeamsApp) -> None:
    app = teams_app
    ann, admin = await people(app, [("Ann A", "en-GB"), ("Ada", "sv-SE")], installed=2)
    team, program = await program_in_channel(app, [ann], admin, size=2)
    app.fake.remove_member(team, admin)
    await pair_now(app.deps, program.id, app.user_id(admin))
    [alone] = [c for c in bot_cards(app, ann) if "Not enough people" in texts(c)]
    assert card_problems(alone) == []
    assert "Biblioteken" in texts(alone)  # the team's name: General has none of its own
    assert "actions" not in alone


async def test_the_welcome_card_goes_once_and_waits_for_an_install(teams_app: TeamsApp) -> None:
    app = teams_app
    ann, dan, admin = await people(
        app, [("Ann A", "fi-FI"), ("Dan D", "en-GB"), ("Ada", "sv-SE")], installed=1
    )
    _, program = await program_in_channel(app, [ann, dan], admin, size=2)
    for _ in range(2):
        await send_welcome(app.deps, program, app.user_id(ann))
        await send_welcome(app.deps, program, app.user_id(dan))
    welcomes = [c for c in bot_cards(app, ann) if "**Tervetuloa" in texts(c)]
    assert len(welcomes) == 1, [texts(c) for c in bot_cards(app, ann)]
    assert card_problems(welcomes[0]) == []
    assert "Biblioteken" in texts(welcomes[0])
    out = coffee_effects(app.deps)
    assert await out.welcome(program, app.user_id(dan), None) is False  # not installed yet
    assert await out.welcome(program, app.user_id(ann), None) is True  # sent before: not again
    assert len([c for c in bot_cards(app, ann) if "**Tervetuloa" in texts(c)]) == 1
    assert bot_cards(app, dan) == []
    await app.install(dan)
    await send_welcome(app.deps, program, app.user_id(dan))
    assert [c for c in bot_cards(app, dan) if "**Welcome to the coffee breaks" in texts(c)]
