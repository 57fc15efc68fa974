"""A coffee group on Teams with someone Fika cannot reach (they blocked Fika, or never added it
and Teams refuses a 1:1 chat): the round takes them out of the group, as Slack's round drops
deactivated accounts, the others get their introduction, and the admins are told who could not
be reached and why. End to end over the offline Teams platform."""

from __future__ import annotations

from typing import Any

import pytest

from bot.coffee.round_store import GROUP, LEFT_OUT
from bot.coffee.rounds import deliver_round, pair_now
from bot.platform.i18n import translator
from bot.teams.validation import card_problems
from bot.teamsapp.sender import TeamsSender, TeamsSendError
from tests.fakes.teams_platform import User
from tests.teams.test_coffee_teams import bot_cards, people, program_in_channel, texts, the_round
from tests.teams_support import TeamsApp

pytestmark = pytest.mark.slow


def refuse_a_chat_with(monkeypatch: pytest.MonkeyPatch, user: User) -> None:
    """Teams refuses the bot a 1:1 chat with `user`, as it does for someone the bot may not
    message proactively (403 ForbiddenOperationException, "Bot isn't installed in user's
    personal scope"); everyone else's chats open as the fake allows."""
    real = TeamsSender.open_personal

    async def open_personal(self: TeamsSender, *args: Any) -> str:
        if user.id in args:
            raise TeamsSendError("ForbiddenOperationException", 403, False)
        return await real(self, *args)

    monkeypatch.setattr(TeamsSender, "open_personal", open_personal)


HEADINGS = {"sv-SE": "**Dags för kaffepaus!**", "fi-FI": "**Kahvihetken aika!**"}


async def test_a_trio_with_someone_who_blocked_fika_meets_as_a_pair_and_the_admin_is_told(
    teams_app: TeamsApp,
) -> None:
    app = teams_app
    ann, bo, dan, admin = await people(
        app,
        [("Ann Andersson", "sv-SE"), ("Bo Virtanen", "fi-FI"), ("Dan Dahl", "en-GB"),
         ("Ada Admin", "sv-SE")],
        installed=2,
    )  # fmt: skip
    await app.install(admin)
    team, program = await program_in_channel(app, [ann, bo, dan], admin, size=3)
    app.fake.remove_member(team, admin)  # the admin is not in the round
    app.fake.block(dan)
    await pair_now(app.deps, program.id, app.user_id(admin))

    _, groups = await the_round(app, program)
    met = [g for g in groups if g.kind == GROUP]
    left = [g for g in groups if g.kind == LEFT_OUT]
    assert len(met) == 1 and len(left) == 1
    [pair], [kept] = met, left
    assert sorted(m.user_id for m in pair.members) == sorted(app.user_id(u) for u in (ann, bo))
    assert pair.intro_sent_at is not None and pair.failed_at is None
    assert pair.proposer_user_id in (app.user_id(ann), app.user_id(bo))
    assert [m.user_id for m in kept.members] == [app.user_id(dan)]
    assert kept.failed_at is not None and kept.failed_error == "ConversationBlockedByUser"

    # Ann and Bo get one intro each, in their language, naming each other and not Dan.
    for user, other in ((ann, bo), (bo, ann)):
        intros = [c for c in bot_cards(app, user) if HEADINGS[user.locale] in texts(c)]
        assert len(intros) == 1, [texts(c) for c in bot_cards(app, user)]
        [intro] = intros
        assert card_problems(intro) == []
        assert other.name in texts(intro) and "Dan Dahl" not in texts(intro)
        [button] = intro["actions"]
        assert other.upn in button["url"] and dan.upn not in button["url"]
    assert bot_cards(app, dan) == []

    # The admin hears who could not be reached and why, in Swedish.
    sv = translator("sv")
    head = sv.ngettext(
        "☕ The coffee round in {channel} is done, but {n} introduction could not be delivered:",
        "☕ The coffee round in {channel} is done, but {n} introductions could not be delivered:",
        1,
        channel="Biblioteken",
    )
    reports = [c for c in bot_cards(app, admin) if head in texts(c)]
    assert len(reports) == 1, [texts(c) for c in bot_cards(app, admin)]
    [report] = reports
    assert card_problems(report) == []
    named = "Dan Dahl: " + sv("someone in the group has blocked the chat with Fika")
    assert f"- {named}" in texts(report)
    assert "Ann Andersson" not in texts(report) and "Bo Virtanen" not in texts(report)
    assert sv("Everyone else got their introduction.") in texts(report)

    # The channel's summary counts the pair that met.
    summary = sv.ngettext(
        "☕ This round {n} person was paired for coffee.",
        "☕ This round {n} people were paired for coffee.",
        2,
    )
    channel = [texts(c) for c in app.fake.cards(team.general.id)]
    assert any(summary in text for text in channel), channel
    assert not any("could not be reached on Teams" in text for text in channel)


async def test_a_group_of_four_goes_on_without_two_it_cannot_reach_each_named_with_why(
    teams_app: TeamsApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = teams_app
    ann, bo, dan, eve, admin = await people(
        app,
        [("Ann Andersson", "sv-SE"), ("Bo Virtanen", "fi-FI"), ("Dan Dahl", "en-GB"),
         ("Eve Ek", "en-GB"), ("Ada Admin", "en-GB")],
        installed=2,
    )  # fmt: skip
    await app.install(admin)
    team, program = await program_in_channel(app, [ann, bo, dan, eve], admin, size=4)
    app.fake.remove_member(team, admin)
    app.fake.block(dan)
    refuse_a_chat_with(monkeypatch, eve)
    await pair_now(app.deps, program.id, app.user_id(admin))

    _, groups = await the_round(app, program)
    [pair] = [g for g in groups if g.kind == GROUP]
    assert pair.intro_sent_at is not None
    assert len(pair.members) == 2
    left = {g.failed_error: [m.user_id for m in g.members] for g in groups if g.kind == LEFT_OUT}
    assert left == {
        "ConversationBlockedByUser": [app.user_id(dan)],
        "not_installed": [app.user_id(eve)],
    }
    [report] = [c for c in bot_cards(app, admin) if "could not be delivered" in texts(c)]
    assert card_problems(report) == []
    text = texts(report)
    assert "2 introductions could not be delivered" in text
    assert "- Dan Dahl: someone in the group has blocked the chat with Fika" in text
    assert "- Eve Ek has not installed Fika in Teams" in text
    assert "Fika can only message people who have added the Fika app in Teams." in text


async def test_someone_who_blocks_fika_after_their_chat_exists_is_left_out_and_named(
    teams_app: TeamsApp,
) -> None:
    """A block is learnt only by sending: the others' intros already went out, so the group
    meets without the one who blocked, and the admins hear who and why (never silence)."""
    app = teams_app
    ann, bo, dan, admin = await people(
        app,
        [("Ann Andersson", "sv-SE"), ("Bo Virtanen", "fi-FI"), ("Dan Dahl", "en-GB"),
         ("Ada Admin", "en-GB")],
        installed=4,
    )  # fmt: skip
    team, program = await program_in_channel(app, [ann, bo, dan], admin, size=3)
    app.fake.remove_member(team, admin)
    app.fake.block(dan)  # after installing: the 1:1 chat exists, sends to it are refused
    await pair_now(app.deps, program.id, app.user_id(admin))

    round_, groups = await the_round(app, program)
    [met] = [g for g in groups if g.kind == GROUP]
    [kept] = [g for g in groups if g.kind == LEFT_OUT]
    assert met.intro_sent_at is not None and met.failed_at is None
    assert sorted(m.user_id for m in met.members) == sorted(app.user_id(u) for u in (ann, bo))
    assert [m.user_id for m in kept.members] == [app.user_id(dan)]
    assert kept.failed_error == "ConversationBlockedByUser"
    for user in (ann, bo):
        assert len([c for c in bot_cards(app, user) if HEADINGS[user.locale] in texts(c)]) == 1
    reports = [c for c in bot_cards(app, admin) if "could not be delivered" in texts(c)]
    assert len(reports) == 1
    assert card_problems(reports[0]) == []
    assert "- Dan Dahl: someone in the group has blocked the chat with Fika" in texts(reports[0])

    # A later pass changes nothing and tells nobody again.
    await deliver_round(app.deps, round_.id)
    _, again = await the_round(app, program)
    assert sorted((g.kind, len(g.members)) for g in again) == sorted(
        (g.kind, len(g.members)) for g in groups
    )
    assert len([c for c in bot_cards(app, admin) if "could not be delivered" in texts(c)]) == 1
