"""Real `python -m bot` processes against one fake Slack, for the replica and chaos tests.

Each process gets its own bot token (all accepted by the fake), so every call the fake sees says
which process made it; in production every replica has the same token. The fake can hold back
its answer to the n-th intro it stores, which is the moment to kill a process: Slack has the
message, the bot has not heard so.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.schedule import week_monday
from bot.people.models import Member
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM_ID
from tests.fakes.slack_api import Call, FakeSlack

ROOT = Path(__file__).resolve().parent.parent
INTRO = "fika_intro"
#: `python -m bot` with Slack's rate limits (bot/platform/pacing.py) paced TEST_PACE_FACTOR times
# faster, : for tests whose rounds should not take Slack's minutes. Test-only: the bot has no such
# setting.
PACED_LAUNCHER = """
import os, runpy
import bot.platform.pacing as pacing
pacing.SLACK_LIMITS = pacing.scaled(pacing.SLACK_LIMITS, float(os.environ["TEST_PACE_FACTOR"]))
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""


def replica_token(index: int) -> str:
    return f"{BOT_TOKEN}-replica{index}"


def is_intro(call: Call) -> bool:
    metadata = call.args.get("metadata")
    return (
        call.method == "chat.postMessage"
        and isinstance(metadata, dict)
        and metadata.get("event_type") == INTRO
    )


class ReplicaFake(FakeSlack):
    """FakeSlack that knows each replica by its token and can hold back the n-th stored intro."""

    def __init__(self, replicas: int) -> None:
        super().__init__(bot_token=BOT_TOKEN, team_id=TEAM_ID)
        self.tokens.update(replica_token(i) for i in range(replicas))
        self.hold_at: int | None = None
        #: Which stored intros count towards hold_at (default: all).
        self.hold_when: Callable[[Call], bool] = lambda call: True
        self.intros_stored = 0
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        self.held: Call | None = None
        self.counted = 0

    async def _handle_api(self, request: web.Request) -> web.Response:
        index = len(self.calls)
        response = await super()._handle_api(request)
        call = self.calls[index]
        if is_intro(call) and (call.failed_with is None or _stored_then_500(self, call)):
            self.intros_stored += 1
            self.counted += self.hold_when(call)
            if self.counted == self.hold_at and self.held is None:
                self.held = call
                self.holding.set()
                await self.release.wait()
        return response

    def humans_in(self, channel: str) -> list[str]:
        conv = self.conversations.get(channel)
        return [u for u in conv.members if u != self.bot_user_id] if conv else []

    def replica_of(self, call: Call) -> int:
        assert call.token is not None and call.token.startswith(f"{BOT_TOKEN}-replica"), call.token
        return int(call.token.rsplit("replica", 1)[1])

    def stored_intros(self) -> dict[str, list[dict[str, Any]]]:
        """Conversation id → the intro messages in it, as people see them."""
        found: dict[str, list[dict[str, Any]]] = {}
        for conv in self.conversations.values():
            messages = [
                m
                for m in self.messages(conv.id)
                if (m.get("metadata") or {}).get("event_type") == INTRO
            ]
            if messages:
                found[conv.id] = messages
        return found

    def intro_posts_by_group(self) -> Counter[int]:
        """Group id → chat.postMessage calls that stored its intro (a 200, or a stored-then-500)."""
        counts: Counter[int] = Counter()
        for call in self.calls_to("chat.postMessage"):
            if is_intro(call) and (call.failed_with is None or _stored_then_500(self, call)):
                counts[int(call.args["metadata"]["event_payload"]["group_id"])] += 1
        return counts


def _stored_then_500(fake: FakeSlack, call: Call) -> bool:
    return fake.faults is not None and call.injected and fake.faults.stored_then_500(call)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bot_env(fake: FakeSlack, database_url: str, replica: int, **extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        "SLACK_BOT_TOKEN": replica_token(replica),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        "PORT": str(free_port()),
        "HOST": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DEFAULT_LOCALE": "sv",
        "LOG_LEVEL": "INFO",
        "SCHEDULER_ENABLED": "true",
        "ROUNDS_TICK_SECONDS": "1",
        **extra,
    }


@dataclass
class Replica:
    index: int
    env: dict[str, str]
    log_path: Path
    proc: asyncio.subprocess.Process | None = None
    starts: int = field(default=0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['PORT']}"

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def start(self) -> None:
        """Start `python -m bot` and wait until /healthz answers 200."""
        args = ["-c", PACED_LAUNCHER] if "TEST_PACE_FACTOR" in self.env else ["-m", "bot"]
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, *args, cwd=ROOT, env=self.env, stdout=log, stderr=log
            )
        self.starts += 1
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(f"{self.url}/healthz") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientConnectionError:
                    pass
                assert self.proc.returncode is None, self.logs()
                assert time.monotonic() < deadline, f"replica {self.index} did not come up"
                await asyncio.sleep(0.1)

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> int | None:
        """SIGTERM and wait; the exit code (None if it was not running)."""
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=40)
            except TimeoutError:
                self.proc.send_signal(signal.SIGKILL)
                await self.proc.wait()
        return self.proc.returncode


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        await asyncio.sleep(0.1)


def add_channel_people(fake: FakeSlack, channel: str, count: int, prefix: str) -> list[str]:
    """A channel with `count` people (and the bot); their user ids."""
    user_ids = [f"U{prefix}{i:04d}" for i in range(count)]
    locales = ("sv-SE", "fi-FI", "en-US")
    for i, user_id in enumerate(user_ids):
        fake.add_user(user_id, name=f"{prefix.lower()}.{i:04d}", locale=locales[i % 3])
    fake.add_channel(channel, f"fika-{prefix.lower()}", members=user_ids, bot_is_member=True)
    return user_ids


async def store_members(
    db: async_sessionmaker[AsyncSession], fake: FakeSlack, user_ids: list[str]
) -> None:
    """Members as a recent users.info would leave them, so a round needs no users.* calls."""
    now = datetime.now(UTC)  # the processes' clock is the real one
    async with db.begin() as session:
        for user_id in [*user_ids, fake.bot_user_id]:
            user = fake.users[user_id]
            session.add(
                Member(
                    team_id=TEAM_ID,
                    user_id=user_id,
                    display_name=user["name"],
                    slack_locale=user["locale"],
                    slack_checked_at=now,
                    tz=user["tz"],
                    is_bot=bool(user["is_bot"]),
                )
            )


async def add_due_program(
    db: async_sessionmaker[AsyncSession], channel: str, group_size: int = 2
) -> tuple[int, str]:
    """A program whose round for this week is due now; its id and period.

    Its slot is today at 00:00 in a fixed-offset zone where it is now between 06:00 and 18:00,
    so the slot is hours in the past and its day hours from over, whenever the test runs.
    """
    now = datetime.now(UTC)
    hours = next(h for h in range(-12, 15) if 6 <= (now + timedelta(hours=h)).hour < 18)
    tz = "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"  # POSIX sign: Etc/GMT-2 is UTC+2
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    slot_at = datetime(today.year, today.month, today.day, tzinfo=zone)
    monday = week_monday(today)
    iso = monday.isocalendar()
    async with db.begin() as session:
        program = CoffeeProgram(
            team_id=TEAM_ID,
            channel_id=channel,
            weekday=today.weekday(),
            hour=0,
            minute=0,
            interval_weeks=1,
            group_size=group_size,
            tz=tz,
            anchor_week=monday,
            schedule_set_at=slot_at - timedelta(days=1),
            created_by="UADMIN",
            created_at=slot_at - timedelta(days=1),
            updated_at=slot_at - timedelta(days=1),
        )
        session.add(program)
        await session.flush()
        return program.id, f"{iso.year}-W{iso.week:02d}"


async def round_rows(db: async_sessionmaker[AsyncSession]) -> list[CoffeeRound]:
    async with db() as session:
        return list(await session.scalars(select(CoffeeRound).order_by(CoffeeRound.id)))


async def groups_of(db: async_sessionmaker[AsyncSession], round_id: int) -> list[CoffeeGroup]:
    async with db() as session:
        return list(
            await session.scalars(
                select(CoffeeGroup)
                .where(CoffeeGroup.round_id == round_id)
                .order_by(CoffeeGroup.position)
            )
        )


async def intros_recorded(db: async_sessionmaker[AsyncSession]) -> int:
    async with db() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(CoffeeGroup)
                .where(CoffeeGroup.intro_sent_at.is_not(None))
            )
            or 0
        )


def claimed_by(replicas: list[Replica]) -> list[int]:
    """Indexes of the replicas whose log says they claimed a round."""
    return [r.index for r in replicas if "claimed for program" in r.logs()]
