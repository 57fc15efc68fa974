"""A tip shared from a coffee break's follow-up ("Share a tip from our chat")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.coffee.ids import Coffee
from bot.coffee.models import CoffeeGroup
from bot.tips.ids import TipBlock, TipView
from jobs import followups as followups_job
from tests.coffee_support import (
    ADMIN,
    CHANNEL,
    group_dms,
    humans,
    marked_messages,
    start_program,
    workspace,
)
from tests.conftest import FakeClock, RunningApp
from tests.tips_support import REVIEW, card_of, submit, text_of, tips_in_db


async def test_submit_from_a_coffee_follow_up(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    fake.add_channel(REVIEW, "ake-review", members=[ADMIN, "UREV1"])
    await app.sender.command("/tips", "setup review", user_id=ADMIN, channel_id=REVIEW)
    await start_program(app)
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    clock.advance(timedelta(days=4))
    assert await followups_job.run(app.deps) > 0

    dm = sorted(group_dms(fake), key=lambda c: c.id)[0]
    followup = marked_messages(fake, dm.id, "fika_followup")[0]
    person = humans(dm, fake)[0]
    views_before = len(fake.views)
    resp = await app.sender.block_action(person, Coffee.FOLLOWUP_SHARE_TIP, message=followup)
    assert resp.status == 200
    await app.settle()
    assert len(fake.views) == views_before + 1
    view = fake.views[-1]
    assert view["callback_id"] == TipView.SUBMIT
    # The person's library (from their profile) is preselected.
    library = next(b for b in view["blocks"] if b.get("block_id") == TipBlock.LIBRARY)
    assert "initial_option" in library["element"]

    async with app.deps.db() as session:
        group = await session.scalar(
            select(CoffeeGroup).where(CoffeeGroup.conversation_id == dm.id)
        )
    assert group is not None and group.tip_wish_by == person  # the coffee side recorded it

    resp = await submit(
        app,
        view,
        user_id=person,
        title="Bokcirkel över kommungränsen",
        description="Vi pratade om att ha en gemensam bokcirkel för våra två bibliotek.",
        library=library["element"]["initial_option"]["value"],
        library_other=None,
    )
    assert resp.status == 200 and not resp.text
    [tip] = await tips_in_db(app.deps)
    assert (tip.source_kind, tip.source_ref, tip.author_id) == ("coffee", str(group.id), person)
    assert tip.library_id is not None
    assert "distanskaffe" in text_of(card_of(app, tip.id)["blocks"])  # the workspace reads sv
