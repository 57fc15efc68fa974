"""Worker processes (bot/platform/worker_pool.py, bot/platform/worker.py): over HTTP the serving
process reads, checks and acknowledges; the work of requests whose acknowledgement is empty is done
in a real `python -m bot worker` child against the fake Slack and the test database.

Nothing is timed: a worker stopped with SIGSTOP proves the acknowledgement does not wait for
the work (the answer cannot come until it is continued), SIGKILL proves a dead worker is
replaced and what it held is counted, not silently lost.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from aiohttp import web

from bot.__main__ import build_app as create_app
from bot.coffee.locks import exclusive
from bot.platform.acks import acknowledged_at_once, answered_empty
from bot.platform.config import SettingsError, load_settings
from bot.platform.deps import Deps
from bot.platform.server import make_web_app
from bot.platform.worker_pool import WorkerPool
from tests.conftest import SIGNING_SECRET, TEAM_ID, posted_answer
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackSender

HANG = 30  # guards against a hang only


@dataclass
class Served:
    pool: WorkerPool
    sender: SlackSender
    fake: FakeSlack
    url: str

    def worker_pid(self) -> int:
        [worker] = [w for w in self.pool.workers if w.alive]
        pid = worker.proc.pid
        assert pid is not None
        return pid

    async def wait_until(self, check: Callable[[], bool]) -> None:
        """Poll the pool's state (changed by its reader task, which has no event to wait on)."""
        async with asyncio.timeout(HANG):
            while not check():  # noqa: ASYNC110
                await asyncio.sleep(0.02)


async def _serve(deps: Deps, fake: FakeSlack, pool: WorkerPool) -> AsyncIterator[Served]:
    runner = web.AppRunner(make_web_app(create_app(deps), deps, workers=pool), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    sender = SlackSender(f"{url}/slack/events", SIGNING_SECRET, team_id=TEAM_ID, fake=fake)
    try:
        yield Served(pool, sender, fake, url)
    finally:
        await sender.close()
        await runner.cleanup()
        await pool.stop(grace=HANG)


@pytest.fixture
async def served(deps: Deps, fake_slack: FakeSlack) -> AsyncIterator[Served]:
    fake_slack.add_user("U1", name="aino", locale="fi-FI")
    pool = WorkerPool(deps.settings, 1)
    await pool.start()
    async for served in _serve(deps, fake_slack, pool):
        yield served


async def test_a_command_is_acknowledged_here_and_answered_by_the_worker(
    served: Served,
) -> None:
    resp = await served.sender.command("/fika", "help", user_id="U1")
    assert (resp.status, resp.text) == (200, "")
    assert resp.response_url is not None
    answer = await posted_answer(served.fake, resp.response_url, within=HANG)
    assert answer["response_type"] == "ephemeral" and answer.get("blocks")
    # In the person's language (fi-FI from users.info, looked up by the worker).
    assert "/fika ohje" in json.dumps(answer["blocks"], ensure_ascii=False)
    await served.wait_until(lambda: served.pool.busy() == 0)


async def test_the_acknowledgement_does_not_wait_for_a_stopped_worker(served: Served) -> None:
    pid = served.worker_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        resp = await asyncio.wait_for(
            served.sender.command("/tips", "search kaffe", user_id="U1"), HANG
        )
        assert (resp.status, resp.text) == (200, "")
        click = await asyncio.wait_for(
            served.sender.block_action(
                "U1",
                "tip_list_page",
                json.dumps({"k": "latest", "q": "", "o": 0}),
                channel_id="C1",
                is_ephemeral=True,
            ),
            HANG,
        )
        assert (click.status, click.text) == (200, "")
        await asyncio.sleep(0.2)
        # The serving process did not do the work itself: nothing is answered yet.
        assert resp.response_url is not None and click.response_url is not None
        assert served.fake.responses_for(resp.response_url) == []
        assert served.pool.busy() == 2
    finally:
        os.kill(pid, signal.SIGCONT)
    answer = await posted_answer(served.fake, resp.response_url, within=HANG)
    assert answer.get("blocks")
    assert (await posted_answer(served.fake, click.response_url, within=HANG)).get("blocks")


async def test_a_worker_that_dies_is_replaced_and_its_work_counted(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    pid = served.worker_pid()
    os.kill(pid, signal.SIGSTOP)
    lost = await served.sender.command("/fika", "help", user_id="U1")
    assert lost.status == 200
    os.kill(pid, signal.SIGKILL)
    await served.wait_until(lambda: any(w.alive and w.proc.pid != pid for w in served.pool.workers))
    assert served.pool.interrupted == 1
    assert any("1 request(s) in progress" in r.getMessage() for r in caplog.records)

    resp = await served.sender.command("/fika", "help", user_id="U1")
    assert resp.response_url is not None
    assert (await posted_answer(served.fake, resp.response_url, within=HANG)).get("blocks")


async def test_answers_carried_by_the_acknowledgement_stay_in_the_serving_process(
    served: Served,
) -> None:
    challenge = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    resp = await served.sender.raw(challenge.encode(), content_type="application/json")
    assert resp.status == 200 and "abc123" in resp.text
    # A tip form sent empty: the errors come back in the acknowledgement itself.
    resp = await served.sender.view_submission(
        "U1", {"callback_id": "tip_submit", "blocks": []}, values={}
    )
    assert resp.status == 200 and resp.json is not None, resp.text
    assert resp.json["response_action"] == "errors", resp.json
    assert served.pool.busy() == 0


async def test_without_a_running_worker_the_serving_process_does_the_work(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    broken = WorkerPool(deps.settings, 1, command=(sys.executable, "-c", "raise SystemExit(3)"))
    with pytest.raises(RuntimeError, match="did not start"):
        await broken.start()
    idle = WorkerPool(deps.settings, 1)  # never started: no worker
    async for served in _serve(deps, fake_slack, idle):
        resp = await served.sender.command("/fika", "help", user_id="U1")
        assert resp.status == 200 and resp.response_url is not None
        assert (await posted_answer(fake_slack, resp.response_url, within=HANG)).get("blocks")


@pytest.mark.parametrize(
    ("body", "here", "empty"),
    [
        ({"command": "/fika", "text": "status"}, True, True),
        ({"type": "block_actions"}, True, True),
        ({"type": "shortcut"}, True, True),
        ({"type": "message_action"}, True, True),
        ({"type": "view_closed"}, True, True),
        ({"type": "event_callback", "event": {"type": "app_home_opened"}}, False, True),
        ({"type": "view_submission"}, False, False),
        ({"type": "block_suggestion"}, False, False),
        ({"type": "url_verification", "challenge": "x"}, False, False),
    ],
)
def test_which_acknowledgements_are_empty(body: dict[str, object], here: bool, empty: bool) -> None:
    assert acknowledged_at_once(body) is here
    assert answered_empty(body) is empty


async def test_a_sqlite_round_lock_holds_across_processes(deps: Deps) -> None:
    if deps.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's advisory locks are proved by tests/ops/test_replicas.py")
    path = f"{deps.engine.url.database}.round.lock"
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import fcntl, os, sys\n"
        f"fd = os.open({path!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.lockf(fd, fcntl.LOCK_EX, 1, 4711)\n"
        "print('held', flush=True)\n"
        "sys.stdin.read()\n",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        assert (await asyncio.wait_for(holder.stdout.readline(), HANG)).strip() == b"held"
        async with exclusive(deps, "round", 4711) as got:
            assert got is False
        async with exclusive(deps, "round", 4712) as got:
            assert got is True  # another round is free
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        await asyncio.wait_for(holder.wait(), HANG)
    async with exclusive(deps, "round", 4711) as got:
        assert got is True


def test_worker_processes_setting() -> None:
    base = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cr3t-value"}
    assert load_settings(base).worker_processes == 1  # HTTP mode
    assert load_settings({**base, "WORKER_PROCESSES": "0"}).worker_processes == 0
    assert load_settings({**base, "WORKER_PROCESSES": "4"}).worker_processes == 4
    socket = {**base, "SLACK_APP_TOKEN": "xapp-1-abc"}
    assert load_settings(socket).worker_processes == 0
    with pytest.raises(SettingsError, match="WORKER_PROCESSES must be a whole number"):
        load_settings({**base, "WORKER_PROCESSES": "many"})
