"""Teams messages that must not be lost (bot/teamsapp/outbox.py): what Teams cannot take now is
recorded and sent by the retry job; Slack's retries leave Teams' rows alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.platform.db.models import PendingCall
from bot.teamsapp import outbox
from bot.teamsapp.invoke import text_activity
from jobs import retry_calls
from tests.conftest import FakeClock
from tests.teams_support import TeamsApp


async def test_a_message_teams_cannot_take_is_queued_and_sent_by_the_retry_job(
    teams_app: TeamsApp, clock: FakeClock
) -> None:
    app, fake = teams_app, teams_app.fake
    ann = fake.add_user(locale="fi-FI")
    await app.install(ann)
    chat = fake.personal_conversation(ann)
    fake.fail_next("POST", r"/v3/conversations/[^/]+/activities$", status=503, times=5)

    sent = await outbox.deliver(
        app.surface, app.team_id, chat, fake.service_url, text_activity("Hei")
    )
    assert sent is None
    async with app.deps.db() as session:
        (row,) = await session.scalars(select(PendingCall))
    assert row.method == outbox.SEND and not row.gave_up and row.done_at is None
    assert [a.get("text") for a in fake.activities(chat)].count("Hei") == 0

    assert await retry_calls.run(app.deps) == 0  # not due yet
    clock.advance(timedelta(minutes=3))
    assert await retry_calls.run(app.deps) == 1
    assert [a.get("text") for a in fake.activities(chat)].count("Hei") == 1
    async with app.deps.db() as session:
        (row,) = await session.scalars(select(PendingCall))
    assert row.done_at is not None
    clock.advance(timedelta(hours=2))
    assert await retry_calls.run(app.deps) == 0  # sent once only


async def test_an_update_refused_for_good_is_recorded_not_retried(
    teams_app: TeamsApp, clock: FakeClock
) -> None:
    app, fake = teams_app, teams_app.fake
    ann = fake.add_user()
    await app.install(ann)
    chat = fake.personal_conversation(ann)
    done = await outbox.deliver(
        app.surface,
        app.team_id,
        chat,
        fake.service_url,
        text_activity("x"),
        activity_id="no-such-activity",
    )
    assert done is None
    async with app.deps.db() as session:
        (row,) = await session.scalars(select(PendingCall))
    assert row.method == outbox.UPDATE and row.gave_up
    assert row.last_error == "ActivityNotFoundInConversation"
    clock.advance(timedelta(hours=2))
    assert await retry_calls.run(app.deps) == 0
