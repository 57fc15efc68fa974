"""Crashes and late-landing posts: every intro reaches its group exactly once.

Slack can store a post *after* the client gave up on it: the bot was killed while the request
was on its way (or stopped waiting after its HTTP timeout), and the message appears a moment
later. The fake does exactly that (``LATE_LANDING`` in ``tests/fakes/faults.py``): it never
answers the request, and stores the message once the client has gone — here when the test says
so (``late_landing="held"``), after the restarted bot has had its look at the conversation.

The kill: the delivering task is abandoned at the in-flight point (cancelled, its connection
to the fake closed, its database engine thrown away — what a ``kill -9`` leaves behind), and a
"restarted" bot with fresh state (engine, client, pacer, locks) carries on with the round.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from bot.coffee import delivery
from bot.coffee.followups import send_due_followups
from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.programs import start_program
from bot.coffee.round_store import PoolPerson
from bot.coffee.rounds import SCHEDULED, claim_round, deliver_round
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.deps import Deps
from bot.platform.pacing import SLACK_LIMITS, Pacer, scaled
from bot.platform.slack_client import make_client
from tests.coffee_support import group_dms, humans, intros, marked_messages
from tests.conftest import TEAM_ID, FakeClock
from tests.fakes.faults import LATE_LANDING, Faults
from tests.fakes.slack_api import FakeSlack

PAIRS = 6
LATE_AT = 3  # the third intro is the one in flight


async def _no_wait(_seconds: float) -> None:
    return None


def _process(deps: Deps) -> Deps:
    """A bot process of its own: engine, client, pacer (100× Slack's pace) and locks."""
    engine = make_engine(deps.settings.database_url)
    return replace(
        deps,
        engine=engine,
        db=make_sessionmaker(engine),
        client=make_client(deps.settings, sleep=_no_wait),
        pacer=Pacer(scaled(SLACK_LIMITS, 100)),
    )


async def _round(deps: Deps, fake: FakeSlack) -> int:
    people = [f"UP{i:03d}" for i in range(2 * PAIRS)]
    for user_id in people:
        fake.add_user(user_id)
    fake.add_channel("CFIKA", "fika", members=people, bot_is_member=True)
    pool = [PoolPerson(u, None, None, None, frozenset({"sv"}), "sv") for u in people]
    async with deps.db.begin() as session:
        program, _ = await start_program(
            session, TEAM_ID, "CFIKA", "UADMIN", "Europe/Helsinki", deps.now()
        )
    async with deps.db() as session:
        loaded = await session.get(CoffeeProgram, program.id)
    assert loaded is not None
    round_id = await claim_round(
        deps, loaded, pool, period="2026-W49", trigger=SCHEDULED, scheduled_for_now=True
    )
    assert round_id is not None
    return round_id


async def _groups(deps: Deps) -> list[CoffeeGroup]:
    async with deps.db() as session:
        return list(await session.scalars(select(CoffeeGroup).order_by(CoffeeGroup.position)))


async def _status(deps: Deps, round_id: int) -> str:
    async with deps.db() as session:
        return str(
            await session.scalar(select(CoffeeRound.status).where(CoffeeRound.id == round_id))
        )


async def _kill_mid_post(victim: Deps, round_id: int, faults: Faults) -> None:
    """Run the round until the late post is in flight, then kill the process there."""
    task = asyncio.create_task(deliver_round(victim, round_id))
    await asyncio.wait_for(faults.in_flight.wait(), 30)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await _fake_sees_client_gone(faults)
    assert not faults.late[0].landed
    await victim.engine.dispose()


async def _fake_sees_client_gone(faults: Faults) -> None:
    for _ in range(1000):  # the fake notices that the connection is closed
        if faults.late and all(p.client_gone for p in faults.late):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the client never gave up")


def _assert_exactly_one_intro_each(fake: FakeSlack, groups: list[CoffeeGroup]) -> None:
    per_dm = intros(fake)
    assert len(per_dm) == PAIRS
    assert {dm: len(messages) for dm, messages in per_dm.items() if len(messages) != 1} == {}
    for group in groups:
        dm = next(
            c
            for c in group_dms(fake)
            if humans(c, fake) == sorted(m.user_id for m in group.members)
        )
        assert group.intro_sent_at is not None
        assert group.intro_ts == per_dm[dm.id][0]["ts"]


@pytest.mark.parametrize("lands", [True, False], ids=["lands-late", "never-lands"])
@pytest.mark.parametrize("noisy", [False, True], ids=["calm", "429s-and-5xx"])
async def test_a_kill_while_an_intro_is_in_flight_gives_exactly_one_intro(
    deps: Deps,
    fake_slack: FakeSlack,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    lands: bool,
    noisy: bool,
) -> None:
    """Finding 1: the restarted bot looks before the late post has landed and finds nothing;
    it must not post again until that post can no longer land. Lands late: found and recorded,
    0 duplicates. Never lands: posted again once the window is over, 0 missing."""
    monkeypatch.setattr(delivery, "AMBIGUOUS_PAUSE", 0.0)
    fake = fake_slack
    victim = _process(deps)
    round_id = await _round(victim, fake)
    faults = Faults(
        seed=20261207,
        rate_limited=0.1 if noisy else 0.0,
        server_errors=0.05 if noisy else 0.0,
        retry_after=0,
        forced={("chat.postMessage", LATE_AT): LATE_LANDING},
        late_landing="held",
    )
    fake.faults = faults
    killed_at = clock()
    await _kill_mid_post(victim, round_id, faults)
    (late_fault,) = [f for f in faults.injected if f.kind == LATE_LANDING]
    late_group_id = late_fault.group_id
    assert late_group_id is not None

    restarted = _process(deps)
    try:
        clock.advance(timedelta(seconds=5))  # the orchestrator starts the bot again at once
        await deliver_round(restarted, round_id)
        # The in-flight post lands now (or is lost for good), after that first look.
        assert (faults.land_late() if lands else faults.drop_late()) == 1
        for _ in range(20):  # the scheduler's ticks, a minute apart
            if await _status(restarted, round_id) == "done":
                break
            clock.advance(timedelta(minutes=1))
            await deliver_round(restarted, round_id)
        assert await _status(restarted, round_id) == "done"
        groups = await _groups(restarted)
        _assert_exactly_one_intro_each(fake, groups)
        late = next(g for g in groups if g.id == late_group_id)
        # The first attempt's time is kept; a retry only moved the in-flight deadline.
        assert late.intro_attempted_at == killed_at
        if not lands:
            assert late.intro_in_flight_until is not None
            assert late.intro_in_flight_until > killed_at + delivery.in_flight_window(restarted)
    finally:
        await restarted.engine.dispose()


async def test_a_post_that_lands_after_the_client_timed_out_is_not_posted_twice(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No crash: the client gives up (its HTTP timeout) on an intro Slack stores a moment
    later. Looking right away finds nothing; posting again then would be a duplicate."""
    monkeypatch.setattr(delivery, "AMBIGUOUS_PAUSE", 0.0)
    fake = fake_slack
    bot = _process(deps)
    impatient = AsyncWebClient(
        token=bot.client.token,
        base_url=bot.client.base_url,
        timeout=1,
        retry_handlers=bot.client.retry_handlers,
    )
    bot = replace(bot, client=impatient)
    try:
        round_id = await _round(bot, fake)
        faults = Faults(
            seed=1, forced={("chat.postMessage", LATE_AT): LATE_LANDING}, late_landing="held"
        )
        fake.faults = faults
        await deliver_round(bot, round_id)
        assert len(faults.late) == 1
        await _fake_sees_client_gone(faults)
        assert faults.land_late() == 1  # Slack stores it now, after the bot has looked
        for _ in range(5):
            if await _status(bot, round_id) == "done":
                break
            clock.advance(timedelta(minutes=1))
            await deliver_round(bot, round_id)
        assert await _status(bot, round_id) == "done"
        _assert_exactly_one_intro_each(fake, await _groups(bot))
    finally:
        await bot.engine.dispose()


def test_the_in_flight_window_is_at_least_the_clients_timeout(deps: Deps) -> None:
    assert delivery.in_flight_window(deps) >= timedelta(seconds=float(deps.client.timeout))
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert delivery.in_flight_until(deps, None, None) is None
    assert delivery.in_flight_until(deps, start, None) == start + delivery.in_flight_window(deps)
    assert delivery.in_flight_until(deps, start, start) == start


@pytest.mark.parametrize("lands", [True, False], ids=["lands-late", "never-lands"])
async def test_a_kill_while_a_follow_up_is_in_flight_gives_exactly_one_follow_up(
    deps: Deps,
    fake_slack: FakeSlack,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    lands: bool,
) -> None:
    """The same for the "did you meet?" follow-ups, which are posted the same way."""
    monkeypatch.setattr(delivery, "AMBIGUOUS_PAUSE", 0.0)
    fake = fake_slack
    victim = _process(deps)
    round_id = await _round(victim, fake)
    await deliver_round(victim, round_id)
    clock.advance(timedelta(days=deps.settings.followup_days, hours=1))
    faults = Faults(
        seed=1, forced={("chat.postMessage", LATE_AT): LATE_LANDING}, late_landing="held"
    )
    fake.faults = faults
    task = asyncio.create_task(send_due_followups(victim))
    await asyncio.wait_for(faults.in_flight.wait(), 30)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await _fake_sees_client_gone(faults)
    await victim.engine.dispose()

    restarted = _process(deps)
    try:
        clock.advance(timedelta(seconds=5))
        await send_due_followups(restarted)
        assert (faults.land_late() if lands else faults.drop_late()) == 1
        for _ in range(5):
            clock.advance(timedelta(minutes=1))
            await send_due_followups(restarted)
        groups = await _groups(restarted)
        assert all(g.followup_sent_at is not None for g in groups)
        per_dm = {
            c.id: len(marked_messages(fake, c.id, delivery.FOLLOWUP)) for c in group_dms(fake)
        }
        assert list(per_dm.values()) == [1] * PAIRS, per_dm
    finally:
        await restarted.engine.dispose()
