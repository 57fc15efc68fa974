"""The fake's late-landing fault behaves like Slack storing a post after the client gave up."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.conftest import BOT_TOKEN
from tests.fakes.faults import LATE_LANDING, Faults
from tests.fakes.slack_api import FakeSlack


async def _gone(faults: Faults) -> None:
    for _ in range(1000):
        if faults.late and all(p.client_gone for p in faults.late):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the fake never saw the client give up")


@pytest.mark.parametrize("landing", ["after_give_up", "held"])
async def test_a_late_post_is_stored_only_after_the_client_gave_up(
    fake_slack: FakeSlack, landing: str
) -> None:
    fake = fake_slack
    channel = fake.open_dm("U1")
    fake.faults = Faults(
        seed=1, forced={("chat.postMessage", 1): LATE_LANDING}, late_landing=landing
    )
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=0.3)
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel=channel, text="late")
    assert fake.faults.in_flight.is_set()
    await _gone(fake.faults)
    if landing == "held":
        assert fake.messages(channel) == []
        assert fake.faults.land_late() == 1
    assert [m["text"] for m in fake.messages(channel)] == ["late"]
    assert fake.faults.land_late() == 0  # lands once
    (late,) = fake.faults.late
    assert late.landed and late.response is not None and late.response["ok"]
    # Later calls are answered as usual.
    assert (await client.chat_postMessage(channel=channel, text="next"))["ok"]


async def test_a_dropped_late_post_never_lands(fake_slack: FakeSlack) -> None:
    fake = fake_slack
    channel = fake.open_dm("U1")
    fake.faults = Faults(
        seed=1, forced={("chat.postMessage", 1): LATE_LANDING}, late_landing="held"
    )
    client = AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=0.3)
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel=channel, text="lost")
    await _gone(fake.faults)
    assert fake.faults.drop_late() == 1
    assert fake.faults.land_late() == 0
    assert fake.messages(channel) == []
