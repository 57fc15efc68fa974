"""Shared fixtures: a migrated database (SQLite, or TEST_DATABASE_URL), the fake Slack Web API,
the real app served over HTTP, and a sender of signed Slack requests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, create_engine, make_url, text

from bot.__main__ import build_app as create_app
from bot.migrations.all_models import metadata
from bot.platform.config import Secret, Settings
from bot.platform.db.engine import sync_url
from bot.platform.db.migrate import upgrade
from bot.platform.deps import Deps, build_deps
from bot.platform.server import make_web_app
from bot.platform.slack_client import ConnectionRetry, ServerErrorRetry
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import AppResponse, SlackSender

# The Teams surface's fixtures (fake_teams, teams_app).
pytest_plugins = ["tests.teams_support"]

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token"
TEAM_ID = "T0FIKA"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow lane (`@pytest.mark.slow`) first: with pytest-xdist, the longest tests then
    start at once on their own workers instead of being the last ones everybody waits for."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # a stable sort


class FakeClock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def set(self, now: datetime) -> None:
        self.current = now

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def _reset_postgres(url: str) -> None:
    engine = create_engine(sync_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's
    return True


@contextmanager
def _worker_postgres(url: str, worker: str) -> Iterator[str]:
    """A database of this xdist worker's own next to TEST_DATABASE_URL's (`test` →
    `test_gw0_p4242`, 4242 the pid of the pytest that started the workers), created through a
    connection to the given one and dropped at the end: workers share no tables, rows or
    advisory locks (those are per database), and neither do two runs at the same time on one
    machine (each has its own pid). Databases a killed run left behind (its pid gone) go.
    `synchronous_commit` is off there: a commit waits for no fsync (on a CI disk most of a
    PostgreSQL test's time), which changes no result a test can see."""
    base = make_url(url)
    run = os.getppid()  # the controlling pytest: the workers are its children
    name = f"{base.database}_{worker}_p{run}"
    left_behind = re.compile(rf"{re.escape(str(base.database))}_gw\d+_p(\d+)")
    admin = create_engine(sync_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for (other,) in conn.exec_driver_sql("SELECT datname FROM pg_database").all():
                found = left_behind.fullmatch(other)
                if other == name or (found and not _alive(int(found.group(1)))):
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            # A test database need not survive a power cut: commits do not wait for the disk
            # (every connection to it, the bot's child processes' too). Nothing else changes.
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _forget_cleaner(url: str) -> None:
    engine = _CLEANERS.pop(url, None)
    if engine is not None:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A freshly migrated database for the whole run (for each worker under pytest-xdist)."""
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … when run with -n
    if url and worker:
        with _worker_postgres(url, worker) as own:
            upgrade(own)
            yield own
            _forget_cleaner(own)
        return
    if url:
        _reset_postgres(url)
        upgrade(url)
        yield url
        _forget_cleaner(url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'fika-test.db'}"
        upgrade(url)
        yield url
        _forget_cleaner(url)


EXTRA_TABLES: list[str] = []  # tables outside the ORM metadata (e.g. full-text indexes)


_CLEANERS: dict[str, Engine] = {}  # one engine per database for the whole run


def _clean(url: str) -> None:
    """Every table emptied and, on PostgreSQL, every sequence back at 1 (ids as in a new
    database), in one round trip.

    DELETE, not TRUNCATE: TRUNCATE gives each table new files (and with fsync on, waits for the
    disk); the tables are small between tests, so DELETE empties them in milliseconds where
    TRUNCATE took 0.3-1.4 s per test. Children before parents, so no foreign key objects."""
    engine = _CLEANERS.get(url)
    if engine is None:
        engine = _CLEANERS[url] = create_engine(sync_url(url))
    names = [t.name for t in reversed(metadata.sorted_tables)] + EXTRA_TABLES
    deletes = [f"DELETE FROM {name}" for name in names]  # noqa: S608 - our table names
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            restart = (
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
            conn.exec_driver_sql("; ".join([*deletes, restart]))
        else:
            for statement in deletes:
                conn.exec_driver_sql(statement)


@pytest.fixture
def db_url(database_url: str) -> Iterator[str]:
    _clean(database_url)
    yield database_url


@pytest.fixture
def clock() -> FakeClock:
    # A Monday morning in Helsinki (07:00 UTC = 09:00 EET).
    return FakeClock(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM_ID)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    # Slack accepts these but shows them wrong to the reader (tests/fakes/block_kit.py).
    assert fake.mangled == [], "mrkdwn Slack would mangle:\n" + "\n".join(fake.mangled[:20])


@pytest.fixture
def settings(db_url: str, fake_slack: FakeSlack) -> Settings:
    return Settings(
        slack_bot_token=Secret(BOT_TOKEN),
        slack_signing_secret=Secret(SIGNING_SECRET),
        slack_api_url=fake_slack.api_url,
        database_url=db_url,
        default_locale="sv",
        admin_user_ids=frozenset({"UADMIN"}),
        scheduler_enabled=False,
        # Slack's windows 100× faster, as SLACK_RATE_SCALE does for the app: the fake enforces
        # no limits unless a test sets them (tests/e2e/test_round_pacing.py paces with its own).
        slack_rate_scale=100,
    )


#: The client's back-offs after a 500 or a dropped connection (0.5 s, 1 s) pass 100× faster:
#: the retries and their count are the same and the fake Slack does not time them. A 429's
#: Retry-After is slept in full (tests/hardening/test_slack_findings.py proves no form waits on
#: one); only `once_client` copies, which take the first handler's sleep, pass it faster too.
BACKOFF_SCALE = 100


async def _fast_backoff(seconds: float) -> None:
    await asyncio.sleep(seconds / BACKOFF_SCALE)


def _fast_backoffs(client: AsyncWebClient) -> AsyncWebClient:
    for handler in client.retry_handlers or []:
        if isinstance(handler, ServerErrorRetry | ConnectionRetry):
            handler.sleep = _fast_backoff
    return client


@pytest.fixture
async def deps(settings: Settings, clock: FakeClock) -> AsyncIterator[Deps]:
    """The app's own deps (`build_deps`, as the composition root builds them) with the test's
    clock, seeds and faster back-offs."""
    seeds = iter(range(1000, 10_000))
    built = build_deps(settings)
    d = dataclasses.replace(
        built, client=_fast_backoffs(built.client), clock=clock, new_seed=lambda: next(seeds)
    )
    try:
        yield d
    finally:
        await d.tasks.idle(timeout=10)
        await d.engine.dispose()


async def posted_answer(fake: FakeSlack, response_url: str, within: float = 10) -> Any:
    """The first body posted to `response_url`, waiting up to `within` seconds: for a bot in
    another process, whose work after the acknowledgement `RunningApp.settle` cannot see."""
    deadline = time.monotonic() + within
    while not fake.responses_for(response_url):
        assert time.monotonic() < deadline, f"nothing was posted to {response_url}"
        await asyncio.sleep(0.02)
    return fake.responses_for(response_url)[0]["body"]


@dataclass
class RunningApp:
    url: str
    deps: Deps
    sender: SlackSender
    fake: FakeSlack

    async def settle(self) -> None:
        """Wait for work that continues after Slack got its acknowledgement."""
        await self.deps.tasks.idle(timeout=15)

    async def answer(self, resp: AppResponse) -> Any:
        """The answer to a command or a click: the last body the app posted to the request's
        response_url, after the work that follows the (empty) acknowledgement; else None."""
        await self.settle()
        posted = self.fake.responses_for(resp.response_url) if resp.response_url else []
        return posted[-1]["body"] if posted else None

    def with_settings(self, **changes: object) -> Settings:
        return replace(self.deps.settings, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def running_app(deps: Deps, fake_slack: FakeSlack) -> AsyncIterator[RunningApp]:
    """The real Bolt app behind the real aiohttp server, on a free local port."""
    bolt = create_app(deps)
    runner = web.AppRunner(make_web_app(bolt, deps), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}"
    sender = SlackSender(f"{url}/slack/events", SIGNING_SECRET, team_id=TEAM_ID, fake=fake_slack)
    try:
        yield RunningApp(url=url, deps=deps, sender=sender, fake=fake_slack)
    finally:
        await deps.tasks.idle(timeout=10)
        await sender.close()
        await runner.cleanup()
