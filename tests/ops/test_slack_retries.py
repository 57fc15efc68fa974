"""Every Slack client retries rate limits (after Retry-After), server errors and connection
errors; the client for posts that must not repeat does not re-post after an ambiguous 5xx."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.__main__ import build_app as create_app
from bot.platform.config import Settings
from bot.platform.deps import Deps
from bot.platform.slack_client import (
    ConnectionRetry,
    RateLimitRetry,
    ServerErrorRetry,
    make_client,
    once_client,
)
from tests.fakes.slack_api import FakeSlack


class Sleeps:
    """An injected sleep: records how long the client wanted to wait, waits not at all."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _kinds(handlers: list[AsyncRetryHandler] | None) -> set[type]:
    return {type(h) for h in handlers or []}


ALL_RETRIES = {ConnectionRetry, RateLimitRetry, ServerErrorRetry}


async def test_every_client_the_bot_builds_retries(deps: Deps) -> None:
    assert _kinds(deps.client.retry_handlers) == ALL_RETRIES
    bolt = create_app(deps)
    assert bolt.client is deps.client
    # Bolt makes a client per request from the app's, copying its retry handlers …
    from slack_bolt.request.async_request import AsyncBoltRequest

    req = AsyncBoltRequest(body="", headers={})
    bolt._init_context(req)
    assert _kinds(req.context.client.retry_handlers) == ALL_RETRIES
    # … and Socket Mode uses the app's client for the Web API.
    handler = AsyncSocketModeHandler(bolt, "xapp-1-test")
    assert handler.client.web_client is deps.client
    # The posting client keeps the 429 retry and drops the ones that could post twice.
    once = once_client(deps.client)
    assert _kinds(once.retry_handlers) == {ConnectionRetry, RateLimitRetry}
    assert once.base_url == deps.client.base_url and once.token == deps.client.token
    assert once_client(deps.client) is once


async def test_a_429_is_retried_after_retry_after(
    settings: Settings, fake_slack: FakeSlack
) -> None:
    sleeps = Sleeps()
    client = make_client(settings, sleep=sleeps)
    fake_slack.fail_next("auth.test", retry_after=7)
    resp = await client.auth_test()
    assert resp["ok"]
    assert [c.http_status for c in fake_slack.calls_to("auth.test")] == [429, 200]
    assert len(sleeps.waits) == 1 and 7 <= sleeps.waits[0] < 7.5


async def test_server_errors_are_retried_with_backoff(
    settings: Settings, fake_slack: FakeSlack
) -> None:
    sleeps = Sleeps()
    client = make_client(settings, sleep=sleeps)
    fake_slack.fail_next("auth.test", status=500, times=2)
    assert (await client.auth_test())["ok"]
    assert [c.http_status for c in fake_slack.calls_to("auth.test")] == [500, 500, 200]
    # Exponential back-off (0.5 s, then 1 s) plus up to 1 s of random jitter each time.
    assert len(sleeps.waits) == 2
    assert 0.5 <= sleeps.waits[0] < 1.5 and 1.0 <= sleeps.waits[1] < 2.0


@pytest.fixture
async def dropping_server() -> AsyncIterator[tuple[str, list[int]]]:
    """An HTTP server that hangs up on the first request without answering, then answers."""
    seen: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        seen.append(1)
        if len(seen) == 1:
            writer.close()
            return
        body = json.dumps({"ok": True, "url": "x", "team_id": "T1"}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/api/", seen
    finally:
        server.close()
        await server.wait_closed()


async def test_connection_errors_are_retried(
    settings: Settings, dropping_server: tuple[str, list[int]]
) -> None:
    url, seen = dropping_server
    sleeps = Sleeps()
    client = make_client(replace(settings, slack_api_url=url), sleep=sleeps)
    assert (await client.auth_test())["ok"]
    assert len(seen) == 2 and len(sleeps.waits) == 1


async def test_the_posting_client_does_not_repost_after_a_5xx_or_a_hang_up(
    settings: Settings, fake_slack: FakeSlack, dropping_server: tuple[str, list[int]]
) -> None:
    sleeps = Sleeps()
    once = once_client(make_client(settings, sleep=sleeps))
    channel = fake_slack.open_dm("U1")
    fake_slack.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        await once.chat_postMessage(channel=channel, text="hi")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    # A 429 is refused before anything happens: that one is retried.
    fake_slack.fail_next("chat.postMessage", retry_after=2)
    assert (await once.chat_postMessage(channel=channel, text="hi"))["ok"]
    assert len(fake_slack.calls_to("chat.postMessage")) == 3
    assert len(sleeps.waits) == 1 and sleeps.waits[0] >= 2

    url, seen = dropping_server
    dropped: AsyncWebClient = once_client(make_client(replace(settings, slack_api_url=url)))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await dropped.chat_postMessage(channel=channel, text="hi")
    assert len(seen) == 1
