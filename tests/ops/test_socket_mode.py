"""Socket Mode end to end: `python -m bot` with SLACK_APP_TOKEN, against the fake Slack's
apps.connections.open and WebSocket (tests/fakes/socket_mode.py)."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.conftest import BOT_TOKEN, SIGNING_SECRET, posted_answer
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import (
    action_payload,
    app_mention_event,
    block_actions_payload,
    event_envelope,
    slash_command_form,
    view_submission_payload,
)
from tests.fakes.socket_mode import Connection, FakeSocketMode
from tests.ops.test_process import _base_env, _free_port

APP_TOKEN = "xapp-1-A0FIKA-1-abc"
WRONG_APP_TOKEN = "xapp-1-A0FIKA-1-revoked"


@pytest.fixture
async def socket_mode(fake_slack: FakeSlack) -> AsyncIterator[FakeSocketMode]:
    async with FakeSocketMode(fake_slack, app_token=APP_TOKEN) as sm:
        yield sm


def help_command(fake: FakeSlack, user_id: str) -> dict[str, str]:
    """`/fika help` typed in the bot's DM, with ids the fake knows (response_url, trigger)."""
    channel_id = fake.open_dm(user_id)
    return slash_command_form(
        "/fika",
        "help",
        user_id=user_id,
        channel_id=channel_id,
        channel_name="directmessage",
        user_name=str(fake.users[user_id]["name"]),
        response_url=fake.new_response_url(channel_id=channel_id, user_id=user_id),
        trigger_id=fake.issue_trigger(user_id),
    )


async def test_apps_connections_open_wants_the_app_level_token(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    async def open_with(token: str) -> str:
        client = AsyncWebClient(base_url=fake_slack.api_url)
        try:
            response = await client.apps_connections_open(app_token=token)
        except SlackApiError as exc:
            return str(exc.response["error"])
        return str(response["url"])

    url = await open_with(APP_TOKEN)
    assert url.startswith(socket_mode.ws_base_url + "?ticket=")
    assert url.endswith(f"&app_id={fake_slack.app_id}")
    assert await open_with(BOT_TOKEN) == "not_allowed_token_type"
    assert await open_with(WRONG_APP_TOKEN) == "invalid_auth"
    assert await open_with("") == "not_authed"
    assert fake_slack.calls_to("apps.connections.open")[0].token == APP_TOKEN

    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            hello = await ws.receive_json(timeout=5)
            assert hello["type"] == "hello" and hello["num_connections"] == 1
            assert hello["connection_info"] == {"app_id": fake_slack.app_id}
        # A ticket opens one connection only.
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(url)
    await socket_mode.wait_closed(socket_mode.connections[0], within=5)
    assert socket_mode.connections[0].closed_by == "app"


class BotProcess:
    """`python -m bot` in Socket Mode against the fake; its output is drained as it runs."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self._chunks: list[bytes] = []
        self._readers = [asyncio.create_task(self._drain(s)) for s in (proc.stdout, proc.stderr)]

    @classmethod
    async def start(cls, tmp_path: Path, fake: FakeSlack, app_token: str, port: int) -> BotProcess:
        env = {
            **_base_env(),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_APP_TOKEN": app_token,
            "SLACK_API_URL": fake.api_url,
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
            "LOG_LEVEL": "DEBUG",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(proc)

    async def _drain(self, stream: asyncio.StreamReader | None) -> None:
        # Read while the bot runs so a chatty DEBUG log can never fill the pipe and block it.
        assert stream is not None
        while chunk := await stream.read(65536):
            self._chunks.append(chunk)

    @property
    def output(self) -> str:
        return b"".join(self._chunks).decode(errors="replace")

    async def wait_connected(self, sm: FakeSocketMode) -> Connection:
        """The bot's Socket Mode connection, once the fake said hello; fails if the bot exits."""
        connected = asyncio.create_task(sm.wait_connected(within=60))
        exited = asyncio.create_task(self.proc.wait())
        await asyncio.wait({connected, exited}, return_when=asyncio.FIRST_COMPLETED)
        exited.cancel()
        if not connected.done():
            connected.cancel()
            await asyncio.gather(connected, return_exceptions=True)
            await asyncio.gather(*self._readers)
            raise AssertionError("the bot exited before connecting:\n" + self.output)
        return connected.result()

    async def wait_until(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 30
        while not condition():
            assert self.proc.returncode is None, f"the bot exited early:\n{self.output}"
            assert time.monotonic() < deadline, what
            await asyncio.sleep(0.05)

    async def stop(self, grace: float = 15) -> int:
        """SIGTERM (unless it already exited); its exit code once it ended."""
        try:
            if self.proc.returncode is None:
                self.proc.send_signal(signal.SIGTERM)
            return await asyncio.wait_for(self.proc.wait(), grace)
        finally:
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()
            await asyncio.gather(*self._readers)

    def assert_no_secrets(self) -> None:
        for secret in (APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, WRONG_APP_TOKEN):
            assert secret not in self.output


async def test_socket_mode_answers_commands_serves_health_and_stops_cleanly(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    fake_slack.add_user("UFI", name="aino", locale="fi-FI")
    fake_slack.add_user("USV", name="sven", locale="sv-SE")
    port = _free_port()
    bot = await BotProcess.start(tmp_path, fake_slack, APP_TOKEN, port)
    try:
        conn = await bot.wait_connected(socket_mode)
        assert fake_slack.calls_to("apps.connections.open")[-1].token == APP_TOKEN

        for user, word in (("UFI", "Komennot"), ("USV", "Kommandon")):
            started = time.monotonic()
            command = help_command(fake_slack, user)
            await socket_mode.send_slash_command(command)
            assert time.monotonic() - started < 3  # acknowledged; the answer comes after
            answer = await posted_answer(fake_slack, command["response_url"])
            assert word in str(answer), answer
        await socket_mode.ping(conn)

        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                assert r.status == 200
            # In Socket Mode nothing takes Slack requests over HTTP.
            async with http.post(f"http://127.0.0.1:{port}/slack/events", data=b"x") as r:
                assert r.status == 404

        # Slack's periodic refresh: the bot moves to a new connection and keeps answering.
        await socket_mode.disconnect("warning", close=False)
        second = await socket_mode.wait_connected(count=2)
        await socket_mode.wait_closed(conn)
        assert conn.closed_by == "app"
        command = help_command(fake_slack, "UFI")
        await socket_mode.send_slash_command(command)
        assert "Komennot" in str(await posted_answer(fake_slack, command["response_url"]))
        assert [a.connection_id for a in socket_mode.acks] == [1, 1, 2]
        assert socket_mode.unexpected == []
    finally:
        code = await bot.stop()
    assert code == 0, bot.output
    await socket_mode.wait_closed(second, within=5)
    assert second.closed_by == "app" and second.close_code == 1000, bot.output
    assert len(socket_mode.connections) == 2, "no reconnect while shutting down"
    bot.assert_no_secrets()
    assert "Traceback" not in bot.output, bot.output


async def test_a_refused_app_token_stops_the_bot_with_a_clear_message(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    bot = await BotProcess.start(tmp_path, fake_slack, WRONG_APP_TOKEN, _free_port())
    try:
        await asyncio.wait_for(bot.proc.wait(), timeout=30)
    finally:
        code = await bot.stop()
    assert code == 2, bot.output
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in bot.output
    assert [c.failed_with for c in fake_slack.calls_to("apps.connections.open")] == ["invalid_auth"]
    assert socket_mode.connections == []
    bot.assert_no_secrets()
    assert "Traceback" not in bot.output, bot.output


async def test_sigterm_while_still_connecting_exits_promptly(
    tmp_path: Path, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    # Slack has trouble: slack_sdk keeps retrying (and sleeps 10 s between attempts).
    fake_slack.fail_next("apps.connections.open", "internal_error", times=1000)
    bot = await BotProcess.start(tmp_path, fake_slack, APP_TOKEN, _free_port())
    try:
        await bot.wait_until(
            lambda: len(fake_slack.calls_to("apps.connections.open")) >= 2,
            "the bot did not try to connect",
        )
        started = time.monotonic()
    finally:
        code = await bot.stop(grace=10)
    assert code == 0, bot.output
    assert time.monotonic() - started < 5
    assert socket_mode.connections == []
    bot.assert_no_secrets()


async def test_envelopes_reach_bolt_listeners_and_refreshes_reconnect(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    """The fake's envelopes as Bolt's own Socket Mode adapter sees them (in-process)."""
    app = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url))
    seen: list[str] = []

    @app.event("app_mention")
    async def mention(event: dict[str, Any]) -> None:
        seen.append(f"mention:{event['text']}")

    @app.action("pick")
    async def pick(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen.append(f"action:{body['actions'][0]['value']}")

    @app.view("form")
    async def form(ack: AsyncAck) -> None:
        await ack(response_action="errors", errors={"b": "nope"})

    handler = AsyncSocketModeHandler(app, APP_TOKEN)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        first = await socket_mode.wait_connected()
        event = app_mention_event("U1", "C1", "hi")
        body = event_envelope(event, team_id=fake_slack.team_id, api_app_id=fake_slack.app_id)
        assert await socket_mode.send_event(body) == {}
        assert socket_mode.envelopes[-1]["retry_attempt"] == 0
        click = block_actions_payload(
            user_id="U1",
            actions=[action_payload("pick", block_id="b", value="v1")],
            trigger_id=fake_slack.issue_trigger("U1"),
            channel_id="C1",
        )
        assert await socket_mode.send_interactive(click) == {}
        assert socket_mode.envelopes[-1]["accepts_response_payload"] is False
        submit = view_submission_payload(
            user_id="U1",
            view={"callback_id": "form"},
            values={},
            trigger_id=fake_slack.issue_trigger("U1"),
        )
        assert await socket_mode.send_interactive(submit) == {
            "response_action": "errors",
            "errors": {"b": "nope"},
        }
        assert socket_mode.envelopes[-1]["accepts_response_payload"] is True

        await socket_mode.disconnect("refresh_requested")
        second = await socket_mode.wait_connected(count=2)
        assert first.closed_by == "slack" and second.is_open
        assert await socket_mode.send_event(body, retry_attempt=1, retry_reason="timeout") == {}
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
    await socket_mode.wait_closed(socket_mode.connections[-1])
    assert seen[:2] == [f"mention:<@{fake_slack.bot_user_id}> hi", "action:v1"]
    assert socket_mode.unexpected == []
