"""A round survives the bot being killed halfway: `python -m bot` as a real process is killed
with SIGKILL while intros go out, started again, and finishes the round — nobody re-paired,
no intro sent twice.

The fake holds back its answer to the third intro: Slack has accepted the message, but the
bot never hears so. That is the worst moment to die; the restarted bot must find the message
in the group DM instead of posting it again.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.coffee.models import CoffeeGroup, CoffeeRound
from bot.platform.db.engine import make_engine, make_sessionmaker
from tests.coffee_support import (
    ADMIN,
    CHANNEL,
    add_people,
    group_dms,
    humans,
    intros,
    store_profiles,
)
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM_ID
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackSender

ROOT = Path(__file__).resolve().parents[2]


class HoldingFake(FakeSlack):
    """Stores the N-th intro like Slack would, then never answers that request."""

    def __init__(self, hold_at: int) -> None:
        super().__init__(bot_token=BOT_TOKEN, team_id=TEAM_ID)
        self.hold_at: int | None = hold_at
        self.intros_posted = 0
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def _handle_api(self, request: web.Request) -> web.Response:
        index = len(self.calls)
        response = await super()._handle_api(request)
        call = self.calls[index]
        metadata = call.args.get("metadata") or {}
        is_intro = (
            call.method == "chat.postMessage"
            and call.failed_with is None
            and isinstance(metadata, dict)
            and metadata.get("event_type") == "fika_intro"
        )
        if is_intro:
            self.intros_posted += 1
            if self.intros_posted == self.hold_at:
                self.holding.set()
                await self.release.wait()
        return response


@pytest.fixture
async def holding_fake() -> AsyncIterator[HoldingFake]:
    fake = HoldingFake(hold_at=3)
    await fake.start()
    try:
        yield fake
    finally:
        fake.release.set()
        await fake.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(fake: FakeSlack, database_url: str, port: int) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": database_url,
        "ADMIN_USER_IDS": ADMIN,
        "DEFAULT_LOCALE": "sv",
        "LOG_LEVEL": "INFO",
    }


async def _start_bot(env: dict[str, str], cwd: Path, log_path: Path) -> asyncio.subprocess.Process:
    log = log_path.open("ab")
    # Its own process group: a crash kills the bot with its worker process (which delivers
    # what `/fika pair-now` starts), as a container's or a service's kill does.
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    log.close()
    base = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"{base}/healthz") as r:
                    if r.status == 200:
                        return proc
            except aiohttp.ClientConnectionError:
                pass
            assert proc.returncode is None, _logs(log_path)
            assert time.monotonic() < deadline, "the bot did not come up"
            await asyncio.sleep(0.2)


async def _wait_for(condition: Any, timeout: float, what: str) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


async def test_killed_mid_round_resumes_without_repairing_or_resending(
    tmp_path: Path, db_url: str, holding_fake: HoldingFake
) -> None:
    fake = holding_fake
    add_people(fake)
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)

    await store_profiles(sessions)
    port = _free_port()
    env = _env(fake, db_url, port)
    log_path = tmp_path / "bot.log"
    sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake=fake)
    first = await _start_bot(env, tmp_path, log_path)
    second: asyncio.subprocess.Process | None = None
    try:
        resp = await sender.command("/fika", "start", user_id=ADMIN, channel_id=CHANNEL)
        assert resp.status == 200
        await _wait_for(
            lambda: _true(any(m.get("blocks") for m in fake.messages(CHANNEL))),
            30,
            "the program announcement",
        )
        resp = await sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
        assert resp.status == 200

        await asyncio.wait_for(fake.holding.wait(), timeout=60)
        os.killpg(first.pid, signal.SIGKILL)
        await first.wait()
        fake.hold_at = None
        fake.release.set()

        # Halfway: three intros are in Slack, the bot recorded two of them.
        assert sum(len(m) for m in intros(fake).values()) == 3
        async with sessions() as session:
            round_ = (await session.scalars(select(CoffeeRound))).one()
            groups = list(await session.scalars(select(CoffeeGroup)))
        assert round_.status == "sending"
        assert sum(g.intro_sent_at is not None for g in groups) == 2
        pairing_before = sorted(sorted(m.user_id for m in g.members) for g in groups)

        second = await _start_bot(env, tmp_path, log_path)

        async def finished() -> bool:
            async with sessions() as session:
                status = await session.scalar(select(CoffeeRound.status))
            return status == "done" and sum(len(m) for m in intros(fake).values()) == 5

        await _wait_for(finished, 60, "the round to finish after the restart")
        await asyncio.sleep(0.5)  # let the summary land

        per_dm = intros(fake)
        assert len(per_dm) == 5
        assert all(len(messages) == 1 for messages in per_dm.values()), per_dm
        posts = [
            c
            for c in fake.calls_to("chat.postMessage")
            if (c.args.get("metadata") or {}).get("event_type") == "fika_intro"
        ]
        assert len(posts) == 5  # none twice: the held one was found in the history
        assert fake.calls_to("conversations.history")
        async with sessions() as session:
            groups = list(await session.scalars(select(CoffeeGroup)))
            rounds = list(await session.scalars(select(CoffeeRound)))
        assert len(rounds) == 1  # not re-paired
        assert sorted(sorted(m.user_id for m in g.members) for g in groups) == pairing_before
        assert all(g.intro_sent_at is not None for g in groups)
        assert sorted(len(humans(c, fake)) for c in group_dms(fake)) == [2, 2, 2, 2, 3]
        # The progress message became the summary: 11 people.
        assert any("11" in str(m.get("text")) for m in fake.messages(CHANNEL))
    finally:
        await sender.close()
        for proc in (first, second):
            if proc is not None and proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), timeout=30)
        await engine.dispose()
    logs = _logs(log_path)
    assert second is not None and second.returncode == 0, logs
    assert "was already delivered" in logs
    assert "Traceback" not in logs, logs


def _logs(path: Path) -> str:
    return path.read_text(errors="replace")


async def _true(value: bool) -> bool:
    return value
