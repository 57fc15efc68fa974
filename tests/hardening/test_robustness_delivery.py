"""Nothing a person should get is lost when Slack fails: each message is either retried later
(`pending_calls`, or the round/follow-up state that the next tick resumes) and arrives once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.coffee.ids import Coffee, CoffeeBlock
from bot.coffee.models import CoffeeGroup
from bot.platform.db.models import PendingCall
from bot.tips.ids import TipAction
from jobs import digest as digest_job
from jobs import followups as followups_job
from jobs import retry_calls
from jobs import rounds as rounds_job
from tests import coffee_support as coffee
from tests import tips_support as tips
from tests.conftest import FakeClock, RunningApp
from tests.e2e.test_tips_e2e import FRIDAY_AFTER_TEN
from tests.fakes.slack_requests import member_joined_channel_event

AINO = coffee.PEOPLE[1].user_id
REVIEW, DIGEST = tips.REVIEW, tips.DIGEST


async def _pending(app: RunningApp) -> list[PendingCall]:
    async with app.deps.db() as session:
        rows = await session.scalars(select(PendingCall).where(PendingCall.done_at.is_(None)))
        return list(rows)


async def _failed_then_retried(
    app: RunningApp,
    clock: FakeClock,
    action: Callable[[], Awaitable[Any]],
    arrived: Callable[[], bool],
    method: str = "chat.postMessage",
) -> None:
    """`action` meets a Slack failure: the message is kept, and the retry job delivers it once."""
    app.fake.fail_next(method, error="fatal_error")
    await action()
    await app.settle()
    assert not arrived()
    [row] = await _pending(app)
    assert row.method == method and not row.gave_up
    clock.advance(timedelta(minutes=5))
    assert await retry_calls.run(app.deps) == 1
    assert arrived()
    assert await _pending(app) == []
    clock.advance(timedelta(hours=2))
    assert await retry_calls.run(app.deps) == 0


def _dm_says(app: RunningApp, user: str, words: str) -> Callable[[], bool]:
    return lambda: any(words in tips.text_of(m) for m in app.fake.dm_messages(user))


async def test_messages_to_people_survive_a_slack_failure(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    fake = app.fake
    await coffee.workspace(app)
    tips.workspace(app)
    fake.channel(coffee.CHANNEL).members.append(tips.AUTHOR)

    # The program's announcement in its channel.
    async def start() -> None:
        await app.sender.command("/fika", "start", user_id=coffee.ADMIN, channel_id=coffee.CHANNEL)

    def announced() -> bool:
        return any("☕" in tips.text_of(m) for m in fake.messages(coffee.CHANNEL))

    await _failed_then_retried(app, clock, start, announced)

    # The welcome DM of someone joining the program's channel.
    fake.add_user("U0NEW", name="nina", locale="sv-SE")
    fake.channel(coffee.CHANNEL).members.append("U0NEW")

    async def join() -> None:
        await app.sender.event(member_joined_channel_event("U0NEW", coffee.CHANNEL))

    await _failed_then_retried(app, clock, join, lambda: bool(fake.dm_messages("U0NEW")))

    # The confirmation of a saved profile, and of a break.
    profile = {
        CoffeeBlock.PROFILE_LANGUAGES.value: {
            Coffee.PROFILE_LANGUAGES.value: {
                "type": "checkboxes",
                "selected_options": [{"value": "fi"}],
            }
        }
    }

    async def save_profile() -> None:
        await app.sender.view_submission(AINO, {"callback_id": "coffee_profile_modal"}, profile)

    await _failed_then_retried(app, clock, save_profile, lambda: bool(fake.dm_messages(AINO)))
    until = (app.deps.now().date() + timedelta(days=14)).isoformat()
    pause = {
        CoffeeBlock.PAUSE_UNTIL.value: {
            Coffee.PAUSE_UNTIL.value: {"type": "datepicker", "selected_date": until}
        }
    }

    async def take_a_break() -> None:
        await app.sender.view_submission(AINO, {"callback_id": "coffee_pause_modal"}, pause)

    before = len(fake.dm_messages(AINO))
    await _failed_then_retried(
        app, clock, take_a_break, lambda: len(fake.dm_messages(AINO)) > before
    )

    # The tips' announcements in the review and digest channels.
    async def setup_review() -> None:
        await app.sender.command("/tips", "setup review", user_id=tips.ADMIN, channel_id=REVIEW)

    await _failed_then_retried(app, clock, setup_review, lambda: bool(fake.messages(tips.REVIEW)))

    async def setup_digest() -> None:
        await app.sender.command("/tips", "setup digest", user_id=tips.ADMIN, channel_id=DIGEST)

    await _failed_then_retried(app, clock, setup_digest, lambda: bool(fake.messages(tips.DIGEST)))

    # The author's thank-you, and the decision with its reason.
    form = await tips.open_form(app)

    async def send_tip() -> None:
        await tips.submit(app, form, title="Sagostund")

    await _failed_then_retried(app, clock, send_tip, _dm_says(app, tips.AUTHOR, "Sagostund"))
    [tip] = await tips.tips_in_db(app.deps)
    notices = len(fake.dm_messages(tips.AUTHOR))

    async def approve() -> None:
        card = tips.card_of(app, tip.id)
        await app.sender.block_action("UREV1", TipAction.APPROVE, message=card)

    await _failed_then_retried(
        app, clock, approve, lambda: len(fake.dm_messages(tips.AUTHOR)) > notices
    )

    # The weekly digest.
    clock.set(FRIDAY_AFTER_TEN + timedelta(days=7))
    posts = len(fake.messages(tips.DIGEST))

    async def digest() -> None:
        await digest_job.run(app.deps)

    await _failed_then_retried(app, clock, digest, lambda: len(fake.messages(tips.DIGEST)) > posts)


async def test_intros_and_follow_ups_resume_after_a_slack_failure(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    fake = app.fake
    await coffee.workspace(app)
    await coffee.start_program(app)
    fake.fail_next("conversations.open", error="fatal_error")
    await app.sender.command("/fika", "pair-now", user_id=coffee.ADMIN, channel_id=coffee.CHANNEL)
    await app.settle()
    assert sum(len(m) for m in coffee.intros(fake).values()) < 5
    await rounds_job.run(app.deps)
    assert [len(m) for m in coffee.intros(fake).values()] == [1] * 5

    clock.advance(timedelta(days=4))
    fake.fail_next("chat.postMessage", error="fatal_error")
    sent = await followups_job.run(app.deps)
    assert sent < 5
    async with app.deps.db() as session:
        waiting = list(
            await session.scalars(select(CoffeeGroup).where(CoffeeGroup.followup_sent_at.is_(None)))
        )
    assert waiting and all(g.followup_error is None for g in waiting)
    assert await followups_job.run(app.deps) == 5 - sent
    per_dm = [
        len(coffee.marked_messages(fake, c.id, "fika_followup")) for c in coffee.group_dms(fake)
    ]
    assert per_dm == [1] * 5
