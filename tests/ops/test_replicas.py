"""Three replicas, one workspace, one PostgreSQL database: real `python -m bot` processes in HTTP
mode, each with its scheduler running (ROUNDS_TICK_SECONDS=1), start together while two
programs have a round due. Exactly one round per program and period is claimed, every intro
reaches its group exactly once, and when the replica delivering a round is killed (SIGKILL) in
the worst moment — Slack has stored an intro, the replica never heard so — another replica takes
the round over (the advisory lock died with the process) and finishes it without re-sending.

PostgreSQL only: with SQLite there is one process per database file (see
tests/ops/test_coffee_restart.py and tests/hardening/test_round_chaos.py for the SQLite restart).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.coffee.round_store import GROUP
from bot.platform.config import SettingsError, load_settings
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.deps import Deps
from jobs import register_jobs
from tests.conftest import SIGNING_SECRET
from tests.fakes.slack_requests import SlackSender
from tests.replica_support import (
    Replica,
    ReplicaFake,
    add_channel_people,
    add_due_program,
    bot_env,
    claimed_by,
    groups_of,
    round_rows,
    store_members,
    wait_for,
)

REPLICAS = 3
PAIRS_CHANNEL, TRIOS_CHANNEL = "CPAIRS", "CTRIOS"


@pytest.fixture
def postgres_url(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip(
            "replicas need PostgreSQL (one database shared by several processes); "
            "set TEST_DATABASE_URL=postgresql+psycopg://… to run this test"
        )
    return db_url


@pytest.fixture
async def replica_fake() -> AsyncIterator[ReplicaFake]:
    fake = ReplicaFake(replicas=REPLICAS)
    await fake.start()
    try:
        yield fake
    finally:
        fake.release.set()
        await fake.stop()


async def test_replicas_claim_each_round_once_and_finish_a_killed_replicas_round(
    tmp_path: Path, postgres_url: str, replica_fake: ReplicaFake
) -> None:
    fake = replica_fake
    engine = make_engine(postgres_url)
    db = make_sessionmaker(engine)
    pairs_people = add_channel_people(fake, PAIRS_CHANNEL, 16, "P")  # 8 pairs
    trios_people = add_channel_people(fake, TRIOS_CHANNEL, 9, "T")  # 3 trios
    await store_members(db, fake, pairs_people + trios_people)
    pairs_program, period = await add_due_program(db, PAIRS_CHANNEL, group_size=2)
    trios_program, _ = await add_due_program(db, TRIOS_CHANNEL, group_size=3)
    # The third pair's intro Slack stores: its sender is killed before hearing back.
    fake.hold_when = lambda call: (
        set(fake.humans_in(str(call.args["channel"]))) <= set(pairs_people)
    )
    fake.hold_at = 3

    replicas = [
        Replica(i, bot_env(fake, postgres_url, i), tmp_path / f"replica{i}.log")
        for i in range(REPLICAS)
    ]
    try:
        await asyncio.gather(*(r.start() for r in replicas))
        await asyncio.wait_for(fake.holding.wait(), timeout=60)
        assert fake.held is not None
        victim = replicas[fake.replica_of(fake.held)]
        held_group = int(fake.held.args["metadata"]["event_payload"]["group_id"])
        await victim.kill()
        fake.hold_at = None
        fake.release.set()
        survivors = [r for r in replicas if r is not victim]

        async def all_done() -> bool:
            rounds = await round_rows(db)
            return (
                len(rounds) == 2
                and all(r.status == "done" and r.announced_at is not None for r in rounds)
                and all(fake.messages(c) for c in (PAIRS_CHANNEL, TRIOS_CHANNEL))
            )

        await wait_for(all_done, 60, "both rounds to finish after the kill")

        # Any replica takes any request (what a load balancer needs).
        for replica in survivors:
            sender = SlackSender(f"{replica.url}/slack/events", SIGNING_SECRET, fake=fake)
            try:
                resp = await sender.command("/fika", "help", user_id=pairs_people[0])
            finally:
                await sender.close()
            assert resp.status == 200, replica.logs()

        # Exactly one round per (program, period).
        rounds = await round_rows(db)
        assert sorted((r.program_id, r.period) for r in rounds) == sorted(
            [(pairs_program, period), (trios_program, period)]
        )
        assert len(claimed_by(replicas)) >= 1

        # Every group's intro in its group DM exactly once; no chat.postMessage stored one twice.
        groups = [g for r in rounds for g in await groups_of(db, r.id)]
        assert sorted(len(g.members) for g in groups) == [2] * 8 + [3] * 3
        assert all(g.kind == GROUP and g.intro_sent_at is not None for g in groups)
        stored = fake.stored_intros()
        assert len(stored) == len(groups)
        for group in groups:
            messages = stored[str(group.conversation_id)]
            assert [m["metadata"]["event_payload"]["group_id"] for m in messages] == [group.id]
            assert messages[0]["ts"] == group.intro_ts
            members = fake.conversations[str(group.conversation_id)].members
            assert sorted(u for u in members if u != fake.bot_user_id) == sorted(
                m.user_id for m in group.members
            )
        assert set(fake.intro_posts_by_group().values()) == {1}
        assert sorted(fake.intro_posts_by_group()) == sorted(g.id for g in groups)

        # The killed replica's round was finished by the others: the held intro was found in the
        # conversation's history, the rest of its round posted by a survivor.
        held_round = next(g.round_id for g in groups if g.id == held_group)
        held_round_groups = {g.id for g in groups if g.round_id == held_round}
        later = [
            c
            for c in fake.calls_to("chat.postMessage")
            if c.args.get("metadata", {}).get("event_payload", {}).get("group_id")
            in held_round_groups
            and c.failed_with is None
            and c is not fake.held
            and fake.calls.index(c) > fake.calls.index(fake.held)
        ]
        assert later, "the held round had nothing left to send"
        assert {fake.replica_of(c) for c in later} <= {r.index for r in survivors}
        assert any("was already delivered" in r.logs() for r in survivors)
        # One summary per program channel, however many replicas saw the round end.
        assert len(fake.messages(PAIRS_CHANNEL)) == 1
        assert len(fake.messages(TRIOS_CHANNEL)) == 1
    finally:
        codes = [await r.stop() for r in replicas]
        await engine.dispose()
    for replica, code in zip(replicas, codes, strict=True):
        logs = replica.logs()
        assert "Traceback" not in logs, logs
        if replica is not victim:
            assert code == 0, logs


def test_round_tick_follows_rounds_tick_seconds() -> None:
    """How soon a replica takes over a dead one's round: the coffee-round tick's interval."""
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert load_settings(env).rounds_tick_seconds == 60
    settings = load_settings({**env, "ROUNDS_TICK_SECONDS": "5"})
    with pytest.raises(SettingsError, match="ROUNDS_TICK_SECONDS"):
        load_settings({**env, "ROUNDS_TICK_SECONDS": "0"})
    scheduler = AsyncIOScheduler()
    deps = Deps(settings=settings, engine=None, db=None, client=None)  # type: ignore[arg-type]
    register_jobs(scheduler, deps)
    assert scheduler.get_job("coffee_rounds").trigger.interval.total_seconds() == 5
