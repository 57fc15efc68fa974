"""Finding 11 of issue 14: in Socket Mode `/healthz` answered only after the first successful
connection to Slack, so an orchestrator could kill a pod that was merely waiting for Slack. The
probes are now served before connecting: /healthz (liveness) is 200 at once, /readyz
(readiness) is 503 "connecting" until the connection is up, then 200."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.platform.deps import Deps
from bot.platform.server import make_web_app
from tests.fakes.slack_api import FakeSlack
from tests.fakes.socket_mode import FakeSocketMode
from tests.ops.test_process import _free_port
from tests.ops.test_socket_mode import APP_TOKEN, BotProcess


@pytest.fixture
async def socket_mode(fake_slack: FakeSlack) -> AsyncIterator[FakeSocketMode]:
    async with FakeSocketMode(fake_slack, app_token=APP_TOKEN) as sm:
        yield sm


async def _get(port: int, path: str, within: float = 30) -> tuple[int, dict[str, str]]:
    """The first answer on `path`, retrying while nothing listens on the port yet."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}{path}") as r:
                    return r.status, await r.json()
            except aiohttp.ClientConnectionError:
                assert time.monotonic() < deadline, f"nothing answered on {path}"
                await asyncio.sleep(0.1)


async def test_health_is_served_while_socket_mode_is_still_connecting(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    # Slack has trouble: slack_sdk keeps retrying, the bot never connects in this test.
    fake_slack.fail_next("apps.connections.open", "internal_error", times=1000)
    port = _free_port()
    bot = await BotProcess.start(tmp_path, fake_slack, APP_TOKEN, port)
    try:
        status, body = await _get(port, "/healthz")
        assert (status, body) == (200, {"status": "ok", "slack": "connecting"}), bot.output
        status, body = await _get(port, "/readyz")
        assert (status, body) == (503, {"status": "connecting", "slack": "connecting"})
        assert socket_mode.connections == []
    finally:
        code = await bot.stop(grace=10)
    assert code == 0, bot.output


async def test_readiness_follows_the_connection(deps: Deps) -> None:
    link = {"up": False}
    app = make_web_app(None, deps, connected=lambda: link["up"])
    async with TestClient(TestServer(app)) as client:
        r = await client.get("/readyz")
        assert r.status == 503 and (await r.json())["status"] == "connecting"
        link["up"] = True
        r = await client.get("/readyz")
        assert r.status == 200 and await r.json() == {"status": "ok", "slack": "connected"}
        r = await client.get("/healthz")
        assert r.status == 200 and await r.json() == {"status": "ok", "slack": "connected"}
    # Over HTTP the probes say the same and do not mention a connection.
    async with TestClient(TestServer(make_web_app(None, deps))) as client:
        for path in ("/healthz", "/readyz"):
            r = await client.get(path)
            assert r.status == 200 and await r.json() == {"status": "ok"}
