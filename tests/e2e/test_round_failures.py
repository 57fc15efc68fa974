"""Intros that fail: a group that cannot be reached for good is recorded with its reason, the
round goes on and the admins get one summary DM in their language; an ambiguous 5xx (Slack
stored the message, then answered 500) never makes an intro or follow-up appear twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.coffee import delivery
from bot.coffee import round_store as rounds_db
from bot.coffee.followups import send_due_followups
from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.programs import start_program
from bot.coffee.round_store import PoolPerson
from bot.coffee.rounds import MANUAL, SCHEDULED, _report_failures, claim_round, deliver_round
from bot.platform import outbox
from bot.platform.db.models import PendingCall
from bot.platform.deps import Deps
from bot.platform.pacing import SLACK_LIMITS, Pacer, scaled
from bot.platform.slack_client import make_client
from tests.coffee_support import all_text, group_dms, humans, intros, marked_messages
from tests.conftest import TEAM_ID, FakeClock
from tests.fakes.faults import SERVER_ERROR, STORED_THEN_500, Faults
from tests.fakes.slack_api import FakeSlack

ADMIN = "UADMIN"  # in ADMIN_USER_IDS (tests/conftest.py); reads Finnish
STARTER = "UBOSS"  # started the round with pair-now; reads English


@pytest.fixture
def deps(deps: Deps) -> Deps:
    """Slack's limits 100 times faster: a post to the same DM waits 10 ms, not a second."""
    return replace(deps, pacer=Pacer(scaled(SLACK_LIMITS, 100)))


async def _round(
    deps: Deps, fake: FakeSlack, pairs: int, *, trigger: str = SCHEDULED
) -> tuple[int, list[str]]:
    people = [f"UP{i:03d}" for i in range(2 * pairs)]
    for user_id in people:
        fake.add_user(user_id)
    fake.add_user(ADMIN, locale="fi-FI")
    if "CFIKA" not in fake.conversations:
        fake.add_channel("CFIKA", "fika", members=people, bot_is_member=True)
    fake.add_user(STARTER, locale="en-US")
    pool = [PoolPerson(u, None, None, None, frozenset({"sv"}), "sv") for u in people]
    async with deps.db.begin() as session:
        program, _ = await start_program(
            session, TEAM_ID, "CFIKA", ADMIN, "Europe/Helsinki", deps.now()
        )
    async with deps.db() as session:
        loaded = await session.get(CoffeeProgram, program.id)
    assert loaded is not None
    round_id = await claim_round(
        deps,
        loaded,
        pool,
        period="2026-W49",
        trigger=trigger,
        scheduled_for_now=True,
        started_by=STARTER if trigger == MANUAL else None,
    )
    assert round_id is not None
    return round_id, people


async def _groups(deps: Deps) -> list[CoffeeGroup]:
    async with deps.db() as session:
        return list(await session.scalars(select(CoffeeGroup).order_by(CoffeeGroup.position)))


async def test_failed_groups_are_recorded_and_the_admins_get_one_dm_each(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    fake = fake_slack
    round_id, _ = await _round(deps, fake, pairs=4, trigger=MANUAL)
    groups = await _groups(deps)
    gone = groups[1].members[0].user_id
    fake.users[gone]["deleted"] = True  # deactivated after pairing: user_disabled
    # The first group's DM cannot be opened for good either.
    fake.fail_next("conversations.open", error="cannot_dm_bot")

    await deliver_round(deps, round_id)

    groups = await _groups(deps)
    assert [g.failed_error for g in groups] == ["cannot_dm_bot", "user_disabled", None, None]
    assert [g.intro_sent_at is not None for g in groups] == [False, False, True, True]
    async with deps.db() as session:
        round_ = await session.get(CoffeeRound, round_id)
    assert round_ is not None and round_.status == "done" and round_.failures_reported_at

    to_admin = fake.dm_messages(ADMIN)
    to_starter = fake.dm_messages(STARTER)
    assert len(to_admin) == 1 and len(to_starter) == 1
    finnish, english = all_text(to_admin[0]), all_text(to_starter[0])
    assert "2 esittelyä jäi toimittamatta" in finnish and "tili on poistettu käytöstä" in finnish
    assert "2 introductions could not be delivered" in english
    assert "an account has been deactivated" in english
    assert "a member is a bot" in english
    for member in [*groups[0].members, *groups[1].members]:
        assert f"<@{member.user_id}>" in english and f"<@{member.user_id}>" in finnish
    assert "<#CFIKA>" in english

    # Resuming, another replica, a restart: never a second DM.
    await deliver_round(deps, round_id)
    await _report_failures(deps, round_id)
    assert len(fake.dm_messages(ADMIN)) == 1 and len(fake.dm_messages(STARTER)) == 1


async def test_no_failures_no_dm_and_a_scheduled_round_tells_only_the_admins(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    fake = fake_slack
    round_id, _ = await _round(deps, fake, pairs=2)
    await deliver_round(deps, round_id)
    assert fake.dm_messages(ADMIN) == []

    fake2_round, people = await _round_again(deps, fake)
    fake.users[people[0]]["deleted"] = True
    fake.users[people[1]]["deleted"] = True
    await deliver_round(deps, fake2_round)
    assert len(fake.dm_messages(ADMIN)) == 1 and fake.dm_messages(STARTER) == []


async def _round_again(deps: Deps, fake: FakeSlack) -> tuple[int, list[str]]:
    people = ["UQ001", "UQ002"]
    for user_id in people:
        fake.add_user(user_id)
    pool = [PoolPerson(u, None, None, None, frozenset({"sv"}), "sv") for u in people]
    async with deps.db() as session:
        program = (await session.scalars(select(CoffeeProgram))).one()
    round_id = await claim_round(
        deps, program, pool, period="2026-W51", trigger=SCHEDULED, scheduled_for_now=True
    )
    assert round_id is not None
    return round_id, people


async def test_the_admin_dm_is_not_lost_when_slack_fails(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    fake = fake_slack
    round_id, people = await _round(deps, fake, pairs=1)
    fake.users[people[0]]["deleted"] = True
    # The channel's round summary, then the DM to the admin.
    fake.fail_next("chat.postMessage", error="fatal_error", times=2)
    await deliver_round(deps, round_id)
    assert fake.dm_messages(ADMIN) == []
    async with deps.db() as session:
        pending = list(await session.scalars(select(PendingCall)))
    assert [p.args["channel"] for p in pending] == ["CFIKA", ADMIN]
    assert all(p.done_at is None and p.last_error == "fatal_error" for p in pending)

    await deliver_round(deps, round_id)  # nothing new is queued or sent
    clock.advance(timedelta(minutes=3))
    assert await outbox.retry_due(deps) == 2
    assert len(fake.dm_messages(ADMIN)) == 1
    assert await outbox.retry_due(deps) == 0


@pytest.mark.parametrize("kind", [STORED_THEN_500, SERVER_ERROR])
async def test_an_ambiguous_500_never_posts_an_intro_twice(
    deps: Deps, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(delivery, "AMBIGUOUS_PAUSE", 0.0)
    fake = fake_slack
    round_id, _ = await _round(deps, fake, pairs=5)
    fake.faults = Faults(seed=1, forced={("chat.postMessage", 2): kind})
    await deliver_round(deps, round_id)

    per_dm = intros(fake)
    assert len(per_dm) == 5 and all(len(m) == 1 for m in per_dm.values()), per_dm
    posts = [
        c
        for c in fake.calls_to("chat.postMessage")
        if (c.args.get("metadata") or {}).get("event_type") == "fika_intro"
    ]
    # Stored: found in the history, not posted again. Not stored: looked, then posted again.
    assert len(posts) == (5 if kind == STORED_THEN_500 else 6)
    assert len(fake.calls_to("conversations.history")) == 1
    groups = await _groups(deps)
    assert all(g.intro_sent_at is not None for g in groups)
    for group in groups:
        dm = next(
            c
            for c in group_dms(fake)
            if humans(c, fake) == sorted(m.user_id for m in group.members)
        )
        assert group.intro_ts == per_dm[dm.id][0]["ts"]


async def test_an_ambiguous_500_never_posts_a_followup_twice(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "AMBIGUOUS_PAUSE", 0.0)
    fake = fake_slack
    round_id, _ = await _round(deps, fake, pairs=2)
    await deliver_round(deps, round_id)
    clock.advance(timedelta(days=deps.settings.followup_days, hours=1))
    posted_so_far = len(fake.calls_to("chat.postMessage"))
    fake.faults = Faults(seed=1, forced={("chat.postMessage", 1): STORED_THEN_500})
    assert posted_so_far >= 2
    assert await send_due_followups(deps) == 2
    for dm in group_dms(fake):
        assert len(marked_messages(fake, dm.id, "fika_followup")) == 1
    groups = await _groups(deps)
    assert all(g.followup_sent_at is not None for g in groups)


async def test_when_the_history_cannot_be_read_the_intro_is_not_posted_blindly(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    """After a crash between Slack taking the intro and our record of it, the next pass must
    look first; if Slack cannot show the history now, it waits for a later pass."""
    fake = fake_slack

    async def no_wait(seconds: float) -> None:
        return None

    deps = replace(deps, client=make_client(deps.settings, sleep=no_wait))
    round_id, people = await _round(deps, fake, pairs=1)
    (group,) = await _groups(deps)
    opened = await deps.client.conversations_open(users=people)
    channel = str(opened["channel"]["id"])
    await deps.client.chat_postMessage(
        channel=channel, text="intro", metadata=delivery.marked(delivery.INTRO, group.id)
    )
    async with deps.db.begin() as session:
        await rounds_db.set_conversation(session, group.id, channel)
        await rounds_db.mark_intro_attempt(session, group.id, deps.now())

    fake.fail_next("conversations.history", status=500, times=3)
    await deliver_round(deps, round_id)
    assert len(marked_messages(fake, channel, "fika_intro")) == 1
    async with deps.db() as session:
        assert await session.scalar(select(CoffeeRound.status)) == "sending"

    await deliver_round(deps, round_id)
    assert len(marked_messages(fake, channel, "fika_intro")) == 1
    (group,) = await _groups(deps)
    assert group.intro_ts == marked_messages(fake, channel, "fika_intro")[0]["ts"]
