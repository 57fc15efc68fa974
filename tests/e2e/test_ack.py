"""Slack gets its acknowledgement before anything waits on the database.

The database is gated (`tests/slow_db.py`): every round trip waits for an `asyncio.Event`. A
request whose acknowledgement waited on the database would never be answered while the gate is
closed, so each HTTP response arriving *before* the gate opens proves it — no wall clock
involved. The answer itself needs the database, so it comes (by response_url, or as the published
Home tab) only after the gate opens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.people import members
from bot.people.models import Member
from bot.platform.deps import Deps
from bot.tips.ids import Shortcut, TipAction, TipView
from tests.conftest import TEAM_ID, RunningApp
from tests.fakes.slack_requests import AppResponse, app_home_opened_event
from tests.slow_db import SlowDatabase

# Only guards against a hang when the acknowledgement is broken; nothing is timed.
HANG = 30


@dataclass
class Gated:
    app: RunningApp
    gate: asyncio.Event
    db: SlowDatabase

    async def stuck_at_the_gate(self) -> None:
        """Wait until the work after the acknowledgement is waiting for the database."""
        await asyncio.wait_for(self.db.reached.wait(), HANG)
        assert self.db.waiting


@pytest.fixture
async def gated(running_app: RunningApp) -> AsyncIterator[Gated]:
    running_app.fake.add_user("U1", name="aino", locale="fi-FI")
    gate = asyncio.Event()
    slow = SlowDatabase(running_app.deps.engine, gate.wait)
    try:
        yield Gated(running_app, gate, slow)
    finally:
        gate.set()
        await running_app.settle()
        slow.remove()


@pytest.mark.parametrize(
    ("command", "text"),
    [("/fika", "status"), ("/tips", "search kaffe"), ("/fika", "help"), ("/fika", "banaani")],
)
async def test_a_command_is_acknowledged_before_the_database_answers(
    gated: Gated, command: str, text: str
) -> None:
    app, gate = gated.app, gated.gate
    resp = await asyncio.wait_for(app.sender.command(command, text, user_id="U1"), HANG)
    # Acknowledged, empty (Slack shows nothing yet), while the database is still closed.
    assert (resp.status, resp.text) == (200, "")
    await gated.stuck_at_the_gate()
    assert resp.response_url is not None
    assert app.fake.responses_for(resp.response_url) == []

    gate.set()
    answer = await app.answer(resp)
    assert answer is not None and answer["response_type"] == "ephemeral"
    assert answer.get("blocks"), answer


async def test_a_click_is_acknowledged_before_the_database_answers(
    gated: Gated,
) -> None:
    app, gate = gated.app, gated.gate
    value = json.dumps({"k": "latest", "o": 0})
    resp: AppResponse = await asyncio.wait_for(
        app.sender.block_action(
            "U1", TipAction.LIST_PAGE, value=value, is_ephemeral=True, channel_id="CGENERAL"
        ),
        HANG,
    )
    assert (resp.status, resp.text) == (200, "")
    await gated.stuck_at_the_gate()
    assert resp.response_url is not None
    assert app.fake.responses_for(resp.response_url) == []

    gate.set()
    answer = await app.answer(resp)
    assert answer is not None and answer.get("replace_original") is True


async def test_an_event_is_acknowledged_before_dedupe_and_the_database(
    gated: Gated,
) -> None:
    app, gate = gated.app, gated.gate
    event = app_home_opened_event("U1")
    first = await asyncio.wait_for(app.sender.event(event, event_id="Ev0ACK1"), HANG)
    again = await asyncio.wait_for(app.sender.event(event, event_id="Ev0ACK1", retry_num=1), HANG)
    assert (first.status, again.status) == (200, 200)
    await gated.stuck_at_the_gate()
    assert app.fake.calls_to("views.publish") == []

    gate.set()
    await app.settle()
    # Published once: the redelivery is still recognised, after the acknowledgement.
    assert len(app.fake.calls_to("views.publish")) == 1
    assert "U1" in app.fake.home_views


async def test_a_shortcut_is_acknowledged_before_the_database_answers(
    gated: Gated,
) -> None:
    app, gate = gated.app, gated.gate
    app.fake.add_channel("CGENERAL", "general", members=["U1"], bot_is_member=True)
    message = app.fake.add_message("CGENERAL", "Vi testade pysselkvällar.", user="U1")
    resp = await asyncio.wait_for(
        app.sender.message_shortcut("U1", Shortcut.SHARE_AS_TIP, message, "CGENERAL"), HANG
    )
    assert (resp.status, resp.text) == (200, "")
    await gated.stuck_at_the_gate()
    assert app.fake.views == []

    gate.set()
    await app.settle()
    # The form opens with the shortcut's trigger_id, after the acknowledgement.
    assert [view["callback_id"] for view in app.fake.views] == [TipView.SUBMIT]


async def test_someone_new_in_two_requests_at_once_is_one_member(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the acknowledgement two requests of one person run side by side (a click and an
    event); both look the person up, neither finds them, both insert: one row, no error."""
    both_looked = asyncio.Barrier(2)
    lookup = members.get_member

    async def get_member(session: AsyncSession, team_id: str, user_id: str) -> Member | None:
        found = await lookup(session, team_id, user_id)
        if found is None and both_looked.n_waiting < 2 and not both_looked.broken:
            with contextlib.suppress(asyncio.BrokenBarrierError):
                await asyncio.wait_for(both_looked.wait(), 5)
        return found

    monkeypatch.setattr(members, "get_member", get_member)

    async def member_id() -> int:
        async with deps.db.begin() as session:
            return (await members.get_or_create_member(session, TEAM_ID, "UNEW")).id

    first, second = await asyncio.gather(member_id(), member_id())
    assert first == second
    async with deps.db() as session:
        assert len(list(await session.scalars(select(Member)))) == 1
