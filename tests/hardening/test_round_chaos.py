"""Acceptance: a round of 300 groups on a bad Slack day reaches everyone exactly once.

The fake Slack answers about 10 % of Web API calls with HTTP 429 (``Retry-After: 0``, so the
test stays fast: the bot still waits its jitter) and about 2 % with HTTP 500, part of them on
``chat.postMessage`` *after* storing the message (Slack sometimes does): posting again after
such a 500 would be a duplicate. On top, the process delivering the round is killed (SIGKILL)
in the middle of the round, at the worst moment (Slack has just stored an intro and the bot
never hears so):

* SQLite: the one process is started again and finishes the round;
* PostgreSQL: two replicas run from the start; the one that is not delivering takes the round
  over (its scheduler ticks every second, ROUNDS_TICK_SECONDS=1) and finishes it.

Either way: one round, 300 groups, every intro in its group DM exactly once, none missing.
The fault plan is seeded (``tests/fakes/faults.py``); one stored-then-500 on an intro is forced
so that case is met whatever the dice say.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee.round_store import GROUP
from bot.platform.db.engine import make_engine, make_sessionmaker
from tests.conftest import BOT_TOKEN, TEAM_ID
from tests.fakes.faults import RATE_LIMITED, SERVER_ERROR, STORED_THEN_500, Faults
from tests.fakes.slack_api import FakeSlack
from tests.replica_support import (
    INTRO,
    Replica,
    ReplicaFake,
    add_channel_people,
    add_due_program,
    bot_env,
    groups_of,
    intros_recorded,
    round_rows,
    store_members,
    wait_for,
)

GROUPS = 300
CHANNEL = "CCHAOS"
SEED = 20261125
KILL_AT = 120  # the 120th intro Slack stores: its sender dies before hearing back
#: On top of the usual replica settings (rounds checked every second): the bot paces its calls
#: to Slack's rate limits 60 times faster than real Slack would need (bot/platform/pacing.py; real
# pacing : makes 300 conversations.open take six minutes). This fake enforces no limits; it answers
# 429s : at random instead.
CHAOS_ENV = {"TEST_PACE_FACTOR": "60"}


def chaos_faults() -> Faults:
    return Faults(
        seed=SEED,
        rate_limited=0.10,
        server_errors=0.02,
        stored_share=0.5,
        retry_after=0,
        # The 5th post (an intro: a scheduled round posts nothing before them) is stored and
        # answered with a 500 anyway.
        forced={("chat.postMessage", 5): STORED_THEN_500},
    )


@pytest.fixture
async def chaos_fake() -> AsyncIterator[ReplicaFake]:
    fake = ReplicaFake(replicas=3)
    await fake.start()
    try:
        yield fake
    finally:
        fake.release.set()
        await fake.stop()


@pytest.mark.slow
async def test_round_of_300_groups_survives_429s_500s_and_a_kill(
    tmp_path: Path, db_url: str, chaos_fake: ReplicaFake
) -> None:
    fake = chaos_fake
    postgres = db_url.startswith("postgresql")
    engine = make_engine(db_url)
    db = make_sessionmaker(engine)
    people = add_channel_people(fake, CHANNEL, 2 * GROUPS, "C")
    await store_members(db, fake, people)
    program_id, period = await add_due_program(db, CHANNEL, group_size=2)
    fake.faults = chaos_faults()
    fake.hold_at = KILL_AT

    def replica(index: int) -> Replica:
        env = bot_env(fake, db_url, index, **CHAOS_ENV)
        return Replica(index, env, tmp_path / f"replica{index}.log")

    # PostgreSQL: two replicas from the start. SQLite: one, and a second start after the kill.
    first = [replica(0), replica(1)] if postgres else [replica(0)]
    started: list[Replica] = list(first)
    victim: Replica | None = None
    try:
        await asyncio.gather(*(r.start() for r in first))

        async def held() -> bool:
            return fake.holding.is_set()

        await wait_for(held, 120, f"intro {KILL_AT} to be stored")
        assert fake.held is not None
        assert fake.intros_stored == KILL_AT  # the rest wait behind the held one
        victim = next(r for r in started if r.index == fake.replica_of(fake.held))
        await victim.kill()
        fake.hold_at = None
        fake.release.set()
        assert await intros_recorded(db) < GROUPS  # mid-round indeed
        if not postgres:
            restarted = replica(2)
            started.append(restarted)
            await restarted.start()

        async def finished() -> bool:
            rounds = await round_rows(db)
            return (
                len(rounds) == 1
                and rounds[0].status == "done"
                and rounds[0].announced_at is not None
                and bool(fake.messages(CHANNEL))
            )

        await wait_for(finished, 240, "the round to finish")

        rounds = await round_rows(db)
        assert [(r.program_id, r.period) for r in rounds] == [(program_id, period)]
        groups = await groups_of(db, rounds[0].id)
        assert len(groups) == GROUPS
        assert all(g.kind == GROUP and len(g.members) == 2 for g in groups)
        assert [g.id for g in groups if g.intro_sent_at is None or g.failed_at] == []

        # Zero missing, zero duplicates: each group DM holds exactly its one intro…
        stored = fake.stored_intros()
        duplicates = {c: len(m) for c, m in stored.items() if len(m) != 1}
        assert duplicates == {}, f"conversations with more than one intro: {duplicates}"
        by_group = {
            m["metadata"]["event_payload"]["group_id"]: (conv, m["ts"])
            for conv, messages in stored.items()
            for m in messages
        }
        assert by_group == {g.id: (g.conversation_id, g.intro_ts) for g in groups}
        # …and no chat.postMessage stored an intro twice (a 200 or a stored-then-500 each).
        posts = fake.intro_posts_by_group()
        assert {gid: n for gid, n in posts.items() if n != 1} == {}
        assert sorted(posts) == sorted(g.id for g in groups)

        # The bad day happened: 429s, 500s before storing and after storing (on an intro).
        faults = fake.faults
        assert faults is not None
        kinds = faults.counts()
        assert kinds[RATE_LIMITED] >= 20 and kinds[SERVER_ERROR] >= 1, kinds
        assert any(f.kind == STORED_THEN_500 and f.event_type == INTRO for f in faults.injected)

        # The kill: the rest of the round came from another process.
        after_kill = [
            c
            for c in fake.calls[fake.calls.index(fake.held) + 1 :]
            if c.method == "chat.postMessage" and c.failed_with is None
        ]
        assert after_kill and all(fake.replica_of(c) != victim.index for c in after_kill)
        # The summary went to the channel. (Not asserted: exactly once. It is posted through
        # bot.platform.outbox, whose client retries a 500, so a stored-then-500 on it would repeat
        # it.)
        assert fake.messages(CHANNEL)
    finally:
        codes = [await r.stop() for r in started]
        await engine.dispose()
    for r, code in zip(started, codes, strict=True):
        logs = r.logs()
        assert "Traceback" not in logs, logs[-5000:]
        if r is not victim:
            assert code == 0, logs[-5000:]


# ------------------------------------------------------------------ the fault plan itself


async def test_fault_plan_is_seeded_and_can_store_then_fail() -> None:
    async with FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM_ID) as fake:
        fake.add_channel("CPLAN", "plan", bot_is_member=True)
        client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=[])
        fake.faults = Faults(
            seed=1,
            rate_limited=0.3,
            server_errors=0.3,
            stored_share=0.5,
            retry_after=2,
            forced={("chat.postMessage", 1): STORED_THEN_500},
        )
        outcomes: list[tuple[int, str | None]] = []
        for i in range(200):
            try:
                await client.chat_postMessage(channel="CPLAN", text=f"message {i}")
                outcomes.append((200, None))
            except SlackApiError as exc:
                outcomes.append((exc.response.status_code, exc.response.get("error")))
                if exc.response.status_code == 429:
                    assert exc.response.headers.get("Retry-After") == "2"
        plan = fake.faults
        kinds = plan.counts()
        # The forced one, then the dice: roughly the asked-for rates, never anything else.
        assert plan.injected[0].kind == STORED_THEN_500 and plan.injected[0].index == 1
        assert 40 <= kinds[RATE_LIMITED] <= 80
        assert 40 <= kinds[SERVER_ERROR] + kinds[STORED_THEN_500] <= 80
        assert kinds[STORED_THEN_500] >= 10
        assert set(outcomes) == {
            (200, None),
            (429, "ratelimited"),
            (500, "internal_error"),
        }
        # A stored-then-500 message is in the channel, a plain 500 or 429 one is not.
        texts = {m["text"] for m in fake.messages("CPLAN")}
        for i, (status, _) in enumerate(outcomes):
            stored = any(f.index == i + 1 and f.kind == STORED_THEN_500 for f in plan.injected)
            assert (f"message {i}" in texts) == (status == 200 or stored)
        # Same seed, same calls: same faults.
        again = Faults(seed=1, rate_limited=0.3, server_errors=0.3, stored_share=0.5)
        again.forced = dict(plan.forced)
        replay = [again.decide("chat.postMessage")[1] for _ in range(200)]
        assert [k for k in replay if k] == [f.kind for f in plan.injected]
