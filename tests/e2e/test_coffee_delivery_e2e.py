"""End to end: intros when Slack misbehaves — a failure worth retrying pauses the round until
the next tick, a deactivated person is left out of their group, a lost answer is found again."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.coffee.models import CoffeeGroup, CoffeeRound
from bot.coffee.rounds import deliver_round
from bot.people.models import Member
from jobs import rounds as rounds_job
from tests.coffee_support import (
    ADMIN,
    CHANNEL,
    PEOPLE,
    all_text,
    group_dms,
    humans,
    intros,
    start_program,
    workspace,
)
from tests.conftest import FakeClock, RunningApp


async def _round(app: RunningApp) -> CoffeeRound:
    async with app.deps.db() as session:
        return (await session.scalars(select(CoffeeRound))).one()


async def test_a_slack_outage_pauses_the_round_and_the_next_tick_finishes_it(
    running_app: RunningApp,
) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    # The first group DM cannot be opened: Slack answers 500 (three tries with retries).
    fake.fail_next("conversations.open", error="internal_error", status=500, times=3)
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    round_ = await _round(app)
    assert round_.status == "sending"
    assert sum(len(m) for m in intros(fake).values()) == 0

    await rounds_job.run(app.deps)
    round_ = await _round(app)
    assert round_.status == "done"
    per_dm = intros(fake)
    assert len(per_dm) == 5 and all(len(m) == 1 for m in per_dm.values())
    assert "11 personer" in all_text(fake.messages(CHANNEL)[-1])
    # Running again sends nothing more.
    await rounds_job.run(app.deps)
    await deliver_round(app.deps, round_.id)
    assert sum(len(m) for m in intros(fake).values()) == 5


@pytest.mark.parametrize("index", [5, 6])  # (with seed 1000) one in a pair, one in the trio
async def test_a_person_deactivated_after_pairing_is_left_out(
    running_app: RunningApp, clock: FakeClock, index: int
) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    # Fika saw everyone recently, so it does not ask Slack again before pairing …
    async with app.deps.db.begin() as session:
        await session.execute(update(Member).values(slack_checked_at=clock()))
    # … but one of them was deactivated in the meantime.
    gone = PEOPLE[index].user_id
    fake.users[gone]["deleted"] = True
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()

    assert all(gone not in humans(c, fake) for c in group_dms(fake))
    async with app.deps.db() as session:
        groups = list(await session.scalars(select(CoffeeGroup)))
        member = await session.scalar(select(Member).where(Member.user_id == gone))
    assert member is not None and member.deleted  # re-read from Slack
    assert (await _round(app)).status == "done"
    mine = [g for g in groups if gone in {m.user_id for m in g.members}]
    if mine:  # their partner was alone: that group could not meet
        assert mine[0].failed_error == "user_disabled"
        assert "1 grupp kunde inte nås" in all_text(fake.messages(CHANNEL)[-1])
    else:  # they were in the trio, which went on as a pair
        assert sorted(len(g.members) for g in groups) == [2, 2, 2, 2, 2]
    sent = [g for g in groups if g.intro_sent_at is not None]
    assert len(sent) == sum(len(m) for m in intros(fake).values())
