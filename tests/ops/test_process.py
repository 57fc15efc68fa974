"""`python -m bot` (what `make run` starts) as a real process, against the fake Slack."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp

from tests.conftest import BOT_TOKEN, SIGNING_SECRET, posted_answer
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackSender
from tests.fakes.teams_platform import FakeTeams

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}


async def test_missing_settings_exit_2_with_a_clear_message(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=_base_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    text = (out + err).decode()
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in text and "SLACK_SIGNING_SECRET" in text
    assert ".env.example" in text
    assert "Traceback" not in text


async def test_http_mode_serves_signed_commands_health_and_stops_cleanly(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    port = _free_port()
    env = {
        **_base_env(),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "LOG_LEVEL": "DEBUG",
    }
    fake_slack.add_user("UFI", name="aino", locale="fi-FI")
    fake_slack.add_user("USV", name="sven", locale="sv-SE")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    async with http.get(f"{base}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                assert proc.returncode is None, "the bot exited early"
                assert time.monotonic() < deadline, "the bot did not come up"
                await asyncio.sleep(0.2)

        sender = SlackSender(f"{base}/slack/events", SIGNING_SECRET, fake=fake_slack)
        try:
            for user, word in (("UFI", "Komennot"), ("USV", "Kommandon")):
                started = time.monotonic()
                resp = await sender.command("/fika", "help", user_id=user)
                assert time.monotonic() - started < 3
                assert resp.status == 200 and resp.response_url is not None
                assert word in str(await posted_answer(fake_slack, resp.response_url))
            forged = await sender.raw(
                b"command=%2Ffika&text=help",
                content_type="application/x-www-form-urlencoded",
                signature="v0=" + "1" * 64,
            )
            assert forged.status == 401
            stale = await sender.raw(
                b"command=%2Ffika&text=help",
                content_type="application/x-www-form-urlencoded",
                timestamp=int(time.time()) - 3600,
            )
            assert stale.status == 401
        finally:
            await sender.close()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    logs = (out + err).decode()
    assert proc.returncode == 0, logs
    assert BOT_TOKEN not in logs and SIGNING_SECRET not in logs
    for line in logs.splitlines():
        assert line.strip(), "log lines are single events"


async def test_slack_and_teams_in_one_process_on_one_port(
    tmp_path: Path, fake_slack: FakeSlack, fake_teams: FakeTeams
) -> None:
    """SURFACES=slack,teams: /slack/events and /api/messages side by side, each with its own
    authentication; a Teams install gets its home card through the Bot Connector."""
    port = _free_port()
    env = {
        **_base_env(),
        "SURFACES": "slack,teams",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "TEAMS_BOT_ID": fake_teams.app_id,
        "TEAMS_BOT_SECRET": fake_teams.app_secret,
        "TEAMS_TENANT_ID": fake_teams.app_tenant,
        "TEAMS_OPENID_URL": fake_teams.openid_url,
        "TEAMS_LOGIN_URL": fake_teams.login_endpoint,
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "WORKER_PROCESSES": "0",
        "LOG_LEVEL": "DEBUG",
    }
    fake_slack.add_user("USV", name="sven", locale="sv-SE")
    ann = fake_teams.add_user(name="Ann", locale="en-US")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    async with http.get(f"{base}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                assert proc.returncode is None, "the bot exited early"
                assert time.monotonic() < deadline, "the bot did not come up"
                await asyncio.sleep(0.2)
        status, _ = await fake_teams.post_activity(base, fake_teams.install_activity(ann))
        assert status == 200
        deadline = time.monotonic() + 20
        while not fake_teams.cards(fake_teams.personal_conversation(ann)):
            assert time.monotonic() < deadline, "no home card"
            await asyncio.sleep(0.1)
        forged, _ = await fake_teams.post_activity(
            base, fake_teams.message(ann, "help"), strict=False, key="other"
        )
        assert forged == 401
        sender = SlackSender(f"{base}/slack/events", SIGNING_SECRET, fake=fake_slack)
        try:
            resp = await sender.command("/fika", "help", user_id="USV")
            assert resp.status == 200 and resp.response_url is not None
            assert "Kommandon" in str(await posted_answer(fake_slack, resp.response_url))
        finally:
            await sender.close()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    logs = (out + err).decode()
    assert proc.returncode == 0, logs
    assert fake_teams.app_secret not in logs
    assert all(token not in logs for token in fake_teams.tokens_issued)
    assert "Traceback" not in logs
