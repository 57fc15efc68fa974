"""Signed but odd clicks on every Home button (values no button of ours carries, views and
containers of the wrong shape, missing ids): never a 5xx, never an error logged, and nothing
stored changes – the same bar as `test_robustness_payloads.py` sets for the other buttons."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.home.ids import HomeAction, HomeView
from bot.tips.ids import TipAction
from tests.conftest import FakeClock, RunningApp
from tests.fakes.slack_requests import block_actions_payload, event_envelope
from tests.home_support import open_home
from tests.security_support import (
    changed_tables,
    coffee_and_tips_world,
    errors_logged,
    send_payload,
    snapshot,
)

USERS = ("UADMIN", "UOUTSIDER")  # an admin and reviewer in a coffee group; someone outside
BAD_VALUES: list[Any] = [
    None,
    "",
    "abc",
    "-1",
    "0",
    "²",
    "9" * 30,
    "12:abc",
    "12:" + "9" * 30,
    "{",
    "[]",
    json.dumps({"k": "p", "o": 10**30}),
    json.dumps({"k": "m", "o": True}),
    json.dumps({"k": ["l"], "o": "5"}),
    "x" * 3000,
    12,
]
ODD_VIEWS: list[Any] = [
    "x",
    [],
    {},
    {"type": "home", "private_metadata": "not json"},
    {"type": "home", "private_metadata": json.dumps({"p": "x", "m": -1, "l": 10**30})},
    {"type": "modal", "id": "V0NOSUCH", "callback_id": HomeView.REVIEW},
    {
        "type": "modal",
        "id": "V0NOSUCH",
        "callback_id": HomeView.REVIEW,
        "private_metadata": json.dumps({"o": "x", "u": ["UADMIN"]}),
    },
]


@pytest.fixture
async def world(running_app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    found = await coffee_and_tips_world(running_app, clock)
    for user_id in USERS:
        await open_home(running_app, user_id)
    return found


def _click(app: RunningApp, user_id: str, action: dict[str, Any], view: Any) -> dict[str, Any]:
    payload = block_actions_payload(
        user_id=user_id,
        actions=[action],
        trigger_id=app.fake.issue_trigger(user_id),
        view={"type": "home"},
    )
    payload["view"] = view
    return payload


async def _check(
    app: RunningApp, caplog: pytest.LogCaptureFixture, payloads: list[Any], what: str
) -> None:
    before = await snapshot(app)
    for payload in payloads:
        status = await send_payload(app, payload)
        await app.settle()
        assert status < 500, (what, payload)
    assert errors_logged(caplog) == [], what
    assert changed_tables(before, await snapshot(app)) == [], what


@pytest.mark.slow
async def test_odd_values_on_every_home_button(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    for action_id in [*HomeAction, TipAction.SHARE]:
        payloads = []
        for user_id in USERS:
            home = app.fake.home_views[user_id]
            for value in BAD_VALUES:
                action: dict[str, Any] = {"action_id": action_id, "block_id": "b"}
                if action_id == HomeAction.LANGUAGE:
                    action["type"] = "static_select"
                    action["selected_option"] = value if value is None else {"value": value}
                else:
                    action["type"] = "button"
                    if value is not None:
                        action["value"] = value
                payloads.append(_click(app, user_id, action, home))
        await _check(app, caplog, payloads, action_id)


async def test_odd_shapes_on_every_home_button(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    payloads: list[Any] = []
    for action_id in HomeAction:
        # A value naming nothing stored: Join/Leave with a real one would rightly change things.
        action = {"action_id": action_id, "block_id": "b", "type": "button", "value": "999"}
        for view in ODD_VIEWS:
            payloads.append(_click(app, "UOUTSIDER", action, view))
        for strip in ("trigger_id", "user", "team", "container", "view"):
            payload = _click(app, "UOUTSIDER", action, app.fake.home_views["UOUTSIDER"])
            del payload[strip]
            payloads.append(payload)
        payload = _click(app, "UOUTSIDER", action, app.fake.home_views["UOUTSIDER"])
        payload["user"] = "UOUTSIDER"
        payloads.append(payload)
        payload = _click(app, "UOUTSIDER", action, app.fake.home_views["UOUTSIDER"])
        payload["actions"] = [dict(action, selected_option="x")]
        payloads.append(payload)
    await _check(app, caplog, payloads, "odd Home clicks")


async def test_odd_app_home_opened_events(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    before = await snapshot(app)
    events: list[dict[str, Any]] = [
        {"type": "app_home_opened"},
        {"type": "app_home_opened", "tab": "home"},
        {"type": "app_home_opened", "tab": "home", "user": ""},
        {"type": "app_home_opened", "tab": "home", "user": "UNOBODY"},  # unknown to Slack
        {"type": "app_home_opened", "tab": ["home"], "user": "UOUTSIDER"},
        {"type": "app_home_opened", "tab": "messages", "user": "UOUTSIDER"},
    ]
    for event in events:
        body = json.dumps(event_envelope(event)).encode()
        resp = await app.sender.raw(body, "application/json")
        await app.settle()
        assert resp.status < 500
    assert errors_logged(caplog) == []
    after = await snapshot(app)
    # users.info for a person never seen before stores them; nothing else may change.
    assert [t for t in changed_tables(before, after) if t != "members"] == []
