"""Signed but structurally odd requests to every listener: never a 5xx, never a crash logged at
ERROR, and nothing stored changes.

Slack never sends these; someone holding the signing secret (or a future Slack change) could.
The listeners are enumerated from the features' `ids.py` (every action_id and callback_id of coffee
breaks and tips), plus the events and the shortcut the handlers register. The App Home's ids
(HomeAction, HomeView) are not here: "Join" there is open to anyone, so "nothing changes" does
not hold for all of them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.coffee.ids import Coffee, CoffeeView
from bot.privacy.ids import PrivacyAction
from bot.tips.ids import Shortcut, TipAction, TipView
from tests.conftest import TEAM_ID, FakeClock, RunningApp
from tests.fakes.slack_requests import (
    block_actions_payload,
    event_envelope,
    message_shortcut_payload,
    view_submission_payload,
)
from tests.security_support import (
    changed_tables,
    coffee_and_tips_world,
    errors_logged,
    send_payload,
    snapshot,
)

ADMIN = "UADMIN"  # an admin, a reviewer and in a coffee group: every check lets them through
ACTION_IDS = [*TipAction, *Coffee, *PrivacyAction]
CALLBACK_IDS = [*TipView, *CoffeeView]

# Button values no button of ours ever carries (none of them names a stored row).
BAD_VALUES = [
    "",
    "abc",
    "-1",
    "0",
    "²",  # a digit to str.isdigit(), not to int()
    "١٢",  # Arabic-Indic 12
    "9" * 30,
    "12:abc",
    "12:" + "9" * 30,
    "{",
    "null",
    "[]",
    json.dumps({"k": "search", "q": "x", "o": 10**30}),
    json.dumps({"k": "mine", "o": -5}),
    json.dumps({"k": "latest", "o": True, "q": ["x"]}),
    "x" * 3000,
]

BAD_METADATA = [
    "not json",
    "{",
    "[1, 2]",
    "12345678901234567890123",
    json.dumps({"id": "abc"}),
    json.dumps({"id": 10**30, "o": "x"}),
    json.dumps({"id": {"x": 1}, "o": [1], "u": 5}),
    json.dumps({"s": ["x"], "r": {"a": 1}}),
]


@pytest.fixture
async def world(running_app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    return await coffee_and_tips_world(running_app, clock)


def _action(action_id: str, value: Any = None) -> dict[str, Any]:
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b", "type": "button"}
    if value is not None:
        action["value"] = value
    return action


def _block_actions(app: RunningApp, actions: Any, user_id: str = ADMIN) -> dict[str, Any]:
    payload = block_actions_payload(
        user_id=user_id,
        actions=[],
        trigger_id=app.fake.issue_trigger(user_id),
        channel_id="CFIKA",
        response_url=app.fake.new_response_url(channel_id="CFIKA", user_id=user_id),
    )
    payload["actions"] = actions
    return payload


async def _check(
    app: RunningApp, caplog: pytest.LogCaptureFixture, payloads: list[Any], what: str
) -> None:
    before = await snapshot(app)
    statuses = []
    for payload in payloads:
        statuses.append(await send_payload(app, payload))
        await app.settle()
    bad = [(i, s) for i, s in enumerate(statuses) if s >= 500]
    assert not bad, f"{what}: 5xx for payloads {bad}"
    assert errors_logged(caplog) == [], what
    assert changed_tables(before, await snapshot(app)) == [], what


async def test_block_actions_with_odd_values_crash_nothing(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    for action_id in ACTION_IDS:
        payloads = [_block_actions(app, [_action(action_id, v)]) for v in BAD_VALUES]
        payloads.append(_block_actions(app, [_action(action_id)]))  # no value at all
        payloads.append(_block_actions(app, [_action(action_id, 12)]))  # a number, not text
        await _check(app, caplog, payloads, action_id)


async def test_block_actions_with_an_odd_shape_crash_nothing(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    payloads: list[Any] = []
    for actions in (None, [], "x", [None], ["x"], [{}], [{"action_id": "no_such_action"}]):
        payload = _block_actions(app, actions)
        if actions is None:
            del payload["actions"]
        payloads.append(payload)
    for action_id in ACTION_IDS:
        value = "1"  # a real id: only the shape is odd
        for strip in ("trigger_id", "user", "team", "container", "channel", "response_url"):
            payload = _block_actions(app, [_action(action_id, value)], user_id="UOUTSIDER")
            del payload[strip]
            payloads.append(payload)
        payload = _block_actions(app, [_action(action_id, value)], user_id="UOUTSIDER")
        payload["user"] = "UOUTSIDER"
        payloads.append(payload)
    payloads += [[], "x", 5, {"type": "block_actions"}, {"type": "no_such_type"}]
    await _check(app, caplog, payloads, "odd block_actions")


async def test_view_submissions_with_odd_state_or_metadata_crash_nothing(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    odd_values: list[Any] = [
        {},
        {"tip_title": "x", "coffee_pause_until": None},
        {"tip_title": {"value": "x"}, "tip_reason": {"value": ["x"]}},
        {
            "coffee_profile_languages": {
                "coffee_profile_languages": {"selected_options": [{"value": ["sv"]}, {}]}
            },
            "coffee_profile_locale": {"coffee_profile_locale": {"selected_option": {}}},
            "coffee_profile_library": {
                "coffee_profile_library": {"selected_option": {"value": "9" * 30}}
            },
            "coffee_pause_until": {"coffee_pause_until": {"selected_date": "2026-13-45"}},
            "coffee_library_csv": {"coffee_library_csv": {"value": '"\n' * 3000}},
            "tip_category": {"value": {"selected_option": {"value": None}}},
            "tip_library": {"value": {"selected_option": {"value": "²"}}},
            "tip_title": {"value": {"value": "x" * 5000}},
            "tip_reason": {"value": {"value": "\u200b\n"}},
        },
    ]
    for callback_id in CALLBACK_IDS:
        payloads: list[Any] = []
        for values in odd_values:
            for metadata in ["", *BAD_METADATA]:
                payloads.append(
                    view_submission_payload(
                        user_id=ADMIN,
                        view={"callback_id": callback_id, "private_metadata": metadata},
                        values=values,
                        trigger_id=app.fake.issue_trigger(ADMIN),
                    )
                )
        no_state = view_submission_payload(
            user_id=ADMIN,
            view={"callback_id": callback_id},
            values={},
            trigger_id=app.fake.issue_trigger(ADMIN),
        )
        del no_state["view"]["state"]
        payloads.append(no_state)
        odd_view = dict(no_state, view={"callback_id": callback_id, "state": "x", "blocks": "x"})
        payloads.append(odd_view)
        await _check(app, caplog, payloads, callback_id)


async def test_events_with_missing_fields_crash_nothing(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    before = await snapshot(app)
    events: list[Any] = [
        {"type": "member_joined_channel"},
        {"type": "member_joined_channel", "user": "U0NEW"},
        {"type": "member_joined_channel", "channel": "CFIKA"},
        {"type": "member_joined_channel", "user": ["x"], "channel": {"id": "CFIKA"}},
        {"type": "member_left_channel"},
        {"type": "member_left_channel", "user": "U01AINO"},
        {"type": "member_left_channel", "channel": "CFIKA", "team": "T0OTHER", "user": "U01AINO"},
        {"type": "no_such_event"},
        {},
    ]
    for event in events:
        resp = await app.sender.event(event)
        assert resp.status < 500, event
    for envelope in (
        {"type": "event_callback"},
        {"type": "event_callback", "event": "x", "event_id": "Ev0ODD1"},
        {"type": "event_callback", "event": None, "team_id": TEAM_ID, "event_id": "Ev0ODD2"},
        dict(event_envelope({"type": "member_joined_channel"}), team_id=None),
    ):
        resp = await app.sender.raw(json.dumps(envelope).encode(), "application/json")
        assert resp.status < 500, envelope
    await app.settle()
    assert errors_logged(caplog) == []
    # A member "leaving" another workspace's channel of the same id changes nothing here.
    assert changed_tables(before, await snapshot(app)) == []


async def test_shortcut_and_options_with_odd_payloads_crash_nothing(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    payloads: list[Any] = []
    for message in ({}, {"text": ["x"]}, {"text": "<@U1|x> <@" + "U" * 5000 + ">"}, None):
        payload = message_shortcut_payload(
            user_id=ADMIN,
            callback_id=Shortcut.SHARE_AS_TIP,
            message=message or {},
            channel_id="CGENERAL",
            trigger_id=app.fake.issue_trigger(ADMIN),
            response_url=app.fake.new_response_url(channel_id="CGENERAL", user_id=ADMIN),
        )
        if message is None:
            del payload["message"], payload["trigger_id"], payload["channel"]
        payloads.append(payload)
    for value in (None, "", ["x"], "x" * 5000):
        suggestion: dict[str, Any] = {
            "type": "block_suggestion",
            "user": {"id": ADMIN, "team_id": TEAM_ID},
            "team": {"id": TEAM_ID},
            "action_id": Coffee.PROFILE_LIBRARY,
            "block_id": Coffee.PROFILE_LIBRARY,
            "view": {"id": "V1", "callback_id": CoffeeView.PROFILE},
        }
        if value is not None:
            suggestion["value"] = value
        payloads.append(suggestion)
    await _check(app, caplog, payloads, "shortcut/options")


async def test_ids_that_are_not_slack_ids_are_refused_at_the_door(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A person's id goes into mentions (`<@U…>`) and 32-character columns: one carrying
    markup, or too long for the column (PostgreSQL would refuse it), never gets in."""
    caplog.set_level(logging.WARNING)
    app = running_app
    before = await snapshot(app)
    for bad in ("U1><!channel", "U" * 33, "U1 U2", "<@U0EVIL>"):
        payload = _block_actions(app, [_action(TipAction.APPROVE, str(world["tip_id"]))])
        payload["user"]["id"] = bad
        assert 400 <= await send_payload(app, payload) < 500, bad
        payload = _block_actions(app, [_action(TipAction.APPROVE, "1")])
        payload["team"]["id"] = bad
        assert 400 <= await send_payload(app, payload) < 500, bad
        resp = await app.sender.event(
            {"type": "member_joined_channel", "user": bad, "channel": "CFIKA"}
        )
        assert 400 <= resp.status < 500, bad
        resp = await app.sender.command("/fika", "help", user_id=bad)
        assert 400 <= resp.status < 500, bad
    resp = await app.sender.event({"type": "member_left_channel"}, event_id="Ev" + "0" * 80)
    assert 400 <= resp.status < 500
    await app.settle()
    assert errors_logged(caplog) == []
    assert changed_tables(before, await snapshot(app)) == []
    assert (await _tip_status(app, world["tip_id"])) == "pending"


async def _tip_status(app: RunningApp, tip_id: int) -> str:
    from bot.tips.models import Tip

    async with app.deps.db() as session:
        tip = await session.get(Tip, tip_id)
    assert tip is not None
    return tip.status


async def test_a_malformed_body_is_a_4xx(running_app: RunningApp) -> None:
    app = running_app
    for body, content_type in (
        (b"payload=%7B", "application/x-www-form-urlencoded"),
        (b"payload=", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
        (b"{", "application/json"),
        (b"[1,2]", "application/json"),
        (b"", "application/json"),
        (b"command=%2Ffika", "application/x-www-form-urlencoded"),
        (b"a=b", "text/plain"),
    ):
        resp = await app.sender.raw(body, content_type)
        assert 400 <= resp.status < 500 or resp.status == 200, (body, resp.status)
        assert resp.status < 500
