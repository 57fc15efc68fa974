"""A failed Slack call is recorded and retried later, never dropped."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.platform import outbox
from bot.platform.db.models import PendingCall
from bot.platform.deps import Deps
from tests.conftest import FakeClock
from tests.fakes.slack_api import FakeSlack


async def _pending(deps: Deps) -> list[PendingCall]:
    async with deps.db() as session:
        return list(await session.scalars(select(PendingCall).order_by(PendingCall.id)))


async def test_success_records_nothing(deps: Deps, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1", name="a")
    result = await outbox.call(deps, "T0FIKA", "chat.postMessage", channel="U1", text="hej")
    assert result is not None and result["ok"]
    assert await _pending(deps) == []
    assert [m["text"] for m in fake_slack.dm_messages("U1")] == ["hej"]


async def test_server_errors_are_queued_and_retried_when_due(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    fake_slack.add_user("U1", name="a")
    # More failures than the client's own retries: the call fails for now.
    fake_slack.fail_next("chat.postMessage", error="internal_error", status=500, times=3)
    assert await outbox.call(deps, "T0FIKA", "chat.postMessage", channel="U1", text="hej") is None
    [row] = await _pending(deps)
    assert row.last_error and not row.gave_up and row.done_at is None
    assert fake_slack.dm_messages("U1") == []

    assert await outbox.retry_due(deps) == 0  # not due yet: nothing is hammered
    clock.advance(timedelta(minutes=5))
    assert await outbox.retry_due(deps) == 1
    assert [m["text"] for m in fake_slack.dm_messages("U1")] == ["hej"]
    [row] = await _pending(deps)
    assert row.done_at is not None
    assert await outbox.retry_due(deps) == 0  # done once, never again


async def test_permanent_errors_are_recorded_not_retried(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    assert await outbox.call(deps, "T0FIKA", "chat.postMessage", channel="CNOPE", text="x") is None
    [row] = await _pending(deps)
    assert row.gave_up and row.last_error == "channel_not_found"
    clock.advance(timedelta(days=1))
    assert await outbox.retry_due(deps) == 0


async def test_backoff_grows_and_is_capped() -> None:
    assert outbox.backoff(1) < outbox.backoff(2) < outbox.backoff(5)
    assert outbox.backoff(30) == outbox.MAX_BACKOFF
