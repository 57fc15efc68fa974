"""Slack redelivers events it thinks were lost; each event id is handled once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.__main__ import build_app as create_app
from bot.platform.deps import Deps
from bot.platform.server import make_web_app
from handlers.router import Router, event
from tests.conftest import SIGNING_SECRET, TEAM_ID
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import SlackSender


@pytest.fixture
async def counting_app(
    deps: Deps, fake_slack: FakeSlack
) -> AsyncIterator[tuple[SlackSender, list[dict[str, Any]], Deps]]:
    seen: list[dict[str, Any]] = []
    bolt = create_app(deps)

    async def count(event: dict[str, Any]) -> None:
        seen.append(event)

    Router(bolt, deps).add([event("reaction_added", count)])

    runner = web.AppRunner(make_web_app(bolt, deps), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    sender = SlackSender(url, SIGNING_SECRET, team_id=TEAM_ID, fake=fake_slack)
    yield sender, seen, deps
    await sender.close()
    await runner.cleanup()


async def test_redelivered_event_is_handled_once(
    counting_app: tuple[SlackSender, list[dict[str, Any]], Deps],
) -> None:
    sender, seen, deps = counting_app
    event = {
        "type": "reaction_added",
        "user": "U1",
        "reaction": "coffee",
        "item": {"type": "message", "channel": "C1", "ts": "1700000000.000100"},
        "item_user": "U2",
        "event_ts": "1700000001.000200",
    }
    first = await sender.event(event, event_id="Ev0DEDUPE1")
    again = await sender.event(event, event_id="Ev0DEDUPE1", retry_num=1)
    other = await sender.event(event, event_id="Ev0DEDUPE2")
    assert (first.status, again.status, other.status) == (200, 200, 200)
    await deps.tasks.idle()
    assert len(seen) == 2
