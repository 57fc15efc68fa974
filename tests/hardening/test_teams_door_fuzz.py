"""Teams' door (/api/messages, bot/teamsapp/surface.py) under generated input: activities
signed as the Bot Connector signs them, of every kind Fika handles, with any field replaced by
any JSON; and bodies of any bytes. Whatever comes, the answer is never a 5xx and nothing is
logged at ERROR (the same contract as Slack's door, tests/hardening/test_http_door_fuzz.py)."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.teams_platform import FakeTeams
from tests.hardening.door_support import Bridge, Errors, Tally, deterministic, examples, in_worker
from tests.teams_support import TeamsApp

JSONish = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "type",
    "name",
    "text",
    "value",
    "from",
    "conversation",
    "channelData",
    "recipient",
    "locale",
    "replyToId",
    "membersAdded",
    "action",
    "entities",
    "attachments",
]
NESTED = ["value", "from", "conversation", "channelData"]


@pytest.fixture
def errors() -> Iterator[list[str]]:
    handler = Errors()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.found
    finally:
        logging.getLogger().removeHandler(handler)


def _kinds(fake: FakeTeams) -> list[dict[str, Any]]:
    ann = fake.add_user(name="Ann", locale="sv-SE")
    team = fake.add_team(members=[ann])
    return [
        fake.message(ann, "help"),
        fake.message(ann, "fika join", team.general),
        fake.install_activity(ann),
        fake.install_activity(ann, team),
        fake.bot_added_activity(ann, team),
        fake.invoke_execute(ann, "home.refresh", {"x": 1}),
        fake.invoke_task_fetch(ann, {"dialog": "tip"}),
        fake.invoke_task_submit(ann, {"dialog": "tip", "title": "t"}),
        fake.invoke_message_extension_fetch(ann, "share_as_good_practice", "hello"),
        fake.uninstall_activity(ann),
    ]


@pytest.mark.slow
async def test_signed_activities_with_any_field_replaced_never_get_a_5xx(
    teams_app: TeamsApp, errors: list[str]
) -> None:
    app = teams_app
    kinds = _kinds(app.fake)
    run = Bridge(asyncio.get_running_loop())
    tally = Tally("teams_door")

    cases = st.tuples(
        st.sampled_from(range(len(kinds))),
        st.dictionaries(st.sampled_from(FIELDS), JSONish, max_size=3),
        st.dictionaries(
            st.sampled_from(NESTED),
            st.dictionaries(st.text(max_size=12), JSONish, max_size=3),
            max_size=2,
        ),
    )

    async def post(activity: dict[str, Any]) -> int:
        status, _ = await app.fake.post_activity(app.url, activity, strict=False)
        await app.deps.tasks.idle(timeout=15)
        return status

    @deterministic(examples(300))
    @given(case=cases)
    def prop(case: tuple[int, dict[str, Any], dict[str, dict[str, Any]]]) -> None:
        index, replaced, merged = case
        activity = copy.deepcopy(kinds[index])
        activity.update(replaced)
        for key, extra in merged.items():
            if isinstance(activity.get(key), dict):
                activity[key].update(extra)
        before = len(errors)
        status = run(post(activity))
        tally.saw(status)
        tally.errors_logged += len(errors) - before
        assert status < 500, (activity, status)
        assert errors[before:] == [], errors[before:]

    await in_worker(prop)
    tally.write()
    assert tally.inputs >= examples(300)


@pytest.mark.slow
async def test_any_bytes_never_get_a_5xx(teams_app: TeamsApp, errors: list[str]) -> None:
    app = teams_app
    run = Bridge(asyncio.get_running_loop())

    async def post(body: bytes, content_type: str) -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"{app.url}/api/messages",
                data=body,
                headers={"Content-Type": content_type, "Authorization": "Bearer e30.e30.e30"},
            ) as resp,
        ):
            return resp.status

    @deterministic(examples(200))
    @given(
        body=st.binary(max_size=300) | JSONish.map(lambda v: repr(v).encode()),
        content_type=st.sampled_from(["application/json", "text/plain", ""]),
    )
    def prop(body: bytes, content_type: str) -> None:
        status = run(post(body, content_type))
        assert 400 <= status < 500, (body[:80], status)

    await in_worker(prop)
    assert errors == []
