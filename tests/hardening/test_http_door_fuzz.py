"""The HTTP door (`bot/platform/server.py`) under generated input: signed bodies of any bytes, any
content type, any JSON (as an Events API body and as an interactivity `payload=`), nested to any
depth. Whatever comes, the answer is never a 5xx and nothing is logged at ERROR.

Finding 6 of issue 14: a signed body with arrays nested 600–900 deep got HTTP 500 (the NUL
filter recursed outside the error handling). The body is now walked by one iterative sanitizer
that refuses nesting deeper than `MAX_BODY_DEPTH` with 400.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.platform.bodies import MAX_BODY_DEPTH, sanitized
from tests.conftest import FakeClock, RunningApp
from tests.fakes.slack_requests import FORM, JSON_CONTENT, app_mention_event, event_envelope
from tests.hardening.door_support import (
    Bridge,
    Errors,
    Tally,
    deterministic,
    examples,
    in_worker,
)
from tests.security_support import coffee_and_tips_world

CONTENT_TYPES = [
    FORM,
    JSON_CONTENT,
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded; charset=ISO-8859-1",
    "text/plain",
    "multipart/form-data; boundary=x",
    "",
    "application/\u00e9",
    "*/*",
]


@pytest.fixture
def errors() -> Iterator[list[str]]:
    handler = Errors()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.found
    finally:
        logging.getLogger().removeHandler(handler)


def nested(depth: int, kind: str = "[") -> Any:
    """`depth` arrays (or objects) one inside the other, built without recursion."""
    value: Any = "\x00deep"
    for _ in range(depth):
        value = [value] if kind == "[" else {"k": value}
    return value


def nested_json(depth: int, kind: str = "[") -> str:
    """The JSON text of `nested(depth, kind)` (json.dumps itself recurses)."""
    if kind == "[":
        return "[" * depth + '"\\u0000deep"' + "]" * depth
    return '{"k":' * depth + '"\\u0000deep"' + "}" * depth


HOLE = '"@@HOLE@@"'


def _event_body(app: RunningApp, extra: str) -> bytes:
    event = app_mention_event("U01AINO", "CFIKA", "hej")
    event["attachments"] = "@@HOLE@@"
    body = event_envelope(event, team_id="T0FIKA", api_app_id=app.sender.api_app_id)
    return json.dumps(body).replace(HOLE, extra).encode()


def _payload_body(extra: str) -> bytes:
    payload = {
        "type": "block_actions",
        "user": {"id": "U01AINO", "team_id": "T0FIKA"},
        "team": {"id": "T0FIKA"},
        "trigger_id": "1.2.3",
        "actions": [{"action_id": "nothing_of_ours", "block_id": "b", "value": "1"}],
        "state": "@@HOLE@@",
    }
    return urlencode({"payload": json.dumps(payload).replace(HOLE, extra)}).encode()


def test_the_sanitizer_walks_any_depth_without_recursing() -> None:
    assert sanitized(nested(MAX_BODY_DEPTH - 1)) is True
    for depth in (MAX_BODY_DEPTH + 1, 900, 100_000):
        assert sanitized(nested(depth)) is False
        assert sanitized(nested(depth, "{")) is False
    body: dict[str, Any] = {"a\x00b": ["x\x00", {"c": "\x00"}], "n": 1}
    assert sanitized(body) is True
    assert body == {"ab": ["x", {"c": ""}], "n": 1}


async def test_deeply_nested_bodies_get_400_and_shallow_ones_are_served(
    running_app: RunningApp, errors: list[str]
) -> None:
    app = running_app
    app.fake.add_user("U01AINO", name="aino", locale="fi-FI")
    for depth in (5, MAX_BODY_DEPTH - 4):
        for body, content_type in (
            (_event_body(app, nested_json(depth)), JSON_CONTENT),
            (_payload_body(nested_json(depth, "{")), FORM),
        ):
            resp = await app.sender.raw(body, content_type)
            assert resp.status not in (400, 500), (depth, resp.status)
    for depth in (MAX_BODY_DEPTH + 1, 300, 600, 700, 800, 900, 1000, 2000, 20_000):
        for kind in ("[", "{"):
            for body, content_type in (
                (_event_body(app, nested_json(depth, kind)), JSON_CONTENT),
                (_payload_body(nested_json(depth, kind)), FORM),
            ):
                resp = await app.sender.raw(body, content_type)
                assert resp.status == 400, (depth, kind, content_type, resp.status)
    await app.settle()
    assert errors == []


# ---------------------------------------------------------------------------- generated

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(codec="utf-8"), max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=8), inner, max_size=4),
    ),
    max_leaves=15,
)
# Nesting of any depth, a run of brackets that may be left unclosed.
deep_text = st.builds(
    lambda n, kind, closed: kind * n + ("]" * n if kind == "[" and closed else ""),
    st.integers(1, 3000),
    st.sampled_from(["[", "{", '{"a":'] * 1),
    st.booleans(),
)
# Slack's own keys, so generated values land where the door and Bolt look.
SLACK_KEYS = [
    "type",
    "user",
    "team",
    "team_id",
    "user_id",
    "channel",
    "actions",
    "view",
    "event",
    "event_id",
    "trigger_id",
    "callback_id",
    "action_id",
    "container",
    "message",
    "enterprise",
    "command",
    "text",
    "response_url",
    "private_metadata",
    "state",
    "values",
]
TYPES = [
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
    "event_callback",
    "url_verification",
    "app_rate_limited",
    "x",
]
slack_shaped = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES)},
    optional={key: json_values for key in SLACK_KEYS[1:]},
)

EVENT_WITH = (
    '{"type":"event_callback","team_id":"T0FIKA","event_id":"Ev1",'
    '"event":{"type":"app_mention","user":"U01AINO","channel":"CFIKA","text":"hej"},"x":%s}'
)
CLICK_WITH = (
    '{"type":"block_actions","user":{"id":"U01AINO"},"team":{"id":"T0FIKA"},"trigger_id":"1.2",'
    '"actions":[{"action_id":"tip_list_page","block_id":"b","value":"{}"}],"state":%s}'
)

bodies = st.one_of(
    st.tuples(st.binary(max_size=300), st.sampled_from(CONTENT_TYPES)),
    st.tuples(json_values.map(lambda v: json.dumps(v).encode()), st.sampled_from(CONTENT_TYPES)),
    st.tuples(slack_shaped.map(lambda v: json.dumps(v).encode()), st.just(JSON_CONTENT)),
    st.tuples(
        st.one_of(slack_shaped, json_values, deep_text).map(
            lambda v: urlencode({"payload": v if isinstance(v, str) else json.dumps(v)}).encode()
        ),
        st.just(FORM),
    ),
    st.tuples(deep_text.map(str.encode), st.sampled_from([JSON_CONTENT, FORM])),
    # Nesting of any depth inside a body of Slack's shape (an event, a click's payload).
    st.tuples(
        st.builds(
            lambda n, kind: (EVENT_WITH % nested_json(n, kind)).encode(),
            st.integers(1, 3000),
            st.sampled_from("[{"),
        ),
        st.just(JSON_CONTENT),
    ),
    st.tuples(
        st.builds(
            lambda n, kind: urlencode({"payload": CLICK_WITH % nested_json(n, kind)}).encode(),
            st.integers(1, 3000),
            st.sampled_from("[{"),
        ),
        st.just(FORM),
    ),
    # Form fields of any name and value (a slash command's shape, or not).
    st.tuples(
        st.dictionaries(
            st.sampled_from(["command", "text", "user_id", "team_id", "channel_id", "x"]),
            st.text(st.characters(codec="utf-8"), max_size=40),
            max_size=6,
        ).map(lambda d: urlencode(d).encode()),
        st.sampled_from([FORM, JSON_CONTENT, "text/plain"]),
    ),
)


@pytest.mark.slow
async def test_generated_signed_bodies_never_get_a_5xx(
    running_app: RunningApp, clock: FakeClock, errors: list[str]
) -> None:
    app = running_app
    await coffee_and_tips_world(app, clock)
    run = Bridge(asyncio.get_running_loop())
    tally = Tally("http_door")

    @deterministic(examples(400))
    @given(case=bodies)
    def prop(case: tuple[bytes, str]) -> None:
        body, content_type = case
        before = len(errors)
        resp = run(app.sender.raw(body, content_type))
        run(app.settle())
        tally.saw(resp.status)
        tally.errors_logged += len(errors) - before
        assert resp.status < 500, (body[:80], content_type, resp.status)
        assert errors[before:] == []

    await in_worker(prop)
    tally.write()
    assert tally.inputs >= examples(400)
