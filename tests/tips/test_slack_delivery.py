"""Slack's side of the tips' port (`bot.tips.delivery.SlackTipMessages`) against the fake
Slack: Slack's refusals come out as the feature's errors, never as SlackApiError; a card for a
channel the bot was removed from joins it again and is recorded once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.platform.deps import Deps
from bot.platform.i18n import translator
from bot.tips import cards
from bot.tips.delivery import SlackTipMessages
from bot.tips.effects import MessageRef, NotInChannel, Undelivered
from bot.tips.models import Tip, TipStatus
from bot.tips.store import get_tip, set_review_channel
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack
from tests.tips_support import ADMIN, REVIEW, REVIEWERS, add_tip, text_of


async def _pending_tip(deps: Deps) -> Tip:
    tip_id = await add_tip(deps, title="Sagostund", status=TipStatus.PENDING)
    async with deps.db() as session:
        tip = await get_tip(session, TEAM_ID, tip_id)
    assert tip is not None
    return tip


async def test_slacks_refusals_are_the_features_errors(deps: Deps, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel(REVIEW, "ake-review", members=list(REVIEWERS), bot_is_member=False)
    tip = await _pending_tip(deps)
    slack = SlackTipMessages(deps)
    t = translator("sv")

    with pytest.raises(NotInChannel):
        await slack.post_card(TEAM_ID, REVIEW, tip, t)
    await slack.join(TEAM_ID, REVIEW)
    fake_slack.fail_next("chat.postMessage", error="fatal_error")
    with pytest.raises(Undelivered) as failed:
        await slack.post_card(TEAM_ID, REVIEW, tip, t)
    assert failed.value.code == "fatal_error" and not isinstance(failed.value, NotInChannel)

    card = await slack.post_card(TEAM_ID, REVIEW, tip, t)
    [posted] = fake_slack.messages(REVIEW)
    assert card == MessageRef(REVIEW, posted["ts"])
    assert "Sagostund" in text_of(posted["blocks"])
    with pytest.raises(Undelivered) as missing:
        await slack.post_card(TEAM_ID, "CNOSUCH", tip, t)
    assert missing.value.code == "channel_not_found"


async def test_a_card_rejoins_a_public_review_channel(deps: Deps, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel(REVIEW, "ake-review", members=list(REVIEWERS), bot_is_member=False)
    async with deps.db.begin() as session:
        await set_review_channel(session, TEAM_ID, REVIEW, by=ADMIN, now=deps.now())
    tip = await _pending_tip(deps)

    assert await cards.post_card(deps, SlackTipMessages(deps), TEAM_ID, tip.id)
    assert [c.args["channel"] for c in fake_slack.calls_to("conversations.join")] == [REVIEW]
    [posted] = fake_slack.messages(REVIEW)
    async with deps.db() as session:
        assert await session.scalar(select(Tip.review_ts)) == posted["ts"]
    assert not await cards.post_card(deps, SlackTipMessages(deps), TEAM_ID, tip.id)  # once
    assert len(fake_slack.messages(REVIEW)) == 1
