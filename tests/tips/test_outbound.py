"""The tips' outbound work without Slack: the missing-cards run (`bot.tips.cards`) and the
digest run (`bot.tips.digests`) against the real test database and an in-memory
`bot.tips.effects.TipMessages`. Each post happens once, a transient failure is tried again
later, and nothing reaches Slack."""

from __future__ import annotations

import ast
import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.tips import cards, digests
from bot.tips.digest import RETRY_UNPOSTED_AFTER
from bot.tips.effects import (
    AuthorNotice,
    Digest,
    MessageRef,
    NotInChannel,
    Undelivered,
)
from bot.tips.models import Tip, TipDigest, TipStatus
from bot.tips.store import decide, set_digest, set_review_channel
from tests.conftest import TEAM_ID, FakeClock
from tests.e2e.test_tips_e2e import FRIDAY_AFTER_TEN
from tests.fakes.slack_api import FakeSlack
from tests.tips_support import ADMIN, AUTHOR, DIGEST, REVIEW, REVIEWERS, add_tip


class InMemoryMessages:
    """A surface that keeps what it is sent; `fail(method, error)` makes its next call of
    `method` raise `error`; `outside` are channels the bot is not in until it joins."""

    def __init__(self) -> None:
        self.cards: dict[MessageRef, int] = {}  # card → tip id
        self.updates: list[tuple[MessageRef, str]] = []  # card, the tip's status then
        self.notices: list[tuple[str, AuthorNotice, str]] = []  # author, notice, status
        self.digests: list[tuple[str, list[str]]] = []  # channel, titles
        self.joined: list[str] = []
        self.outside: set[str] = set()
        self.languages: list[str] = []
        self._failures: dict[str, list[Undelivered]] = {}

    def fail(self, method: str, error: Undelivered) -> None:
        self._failures.setdefault(method, []).append(error)

    def _maybe_fail(self, method: str) -> None:
        if self._failures.get(method):
            raise self._failures[method].pop(0)

    async def post_card(self, team_id: str, channel: str, tip: Tip, t: Translator) -> MessageRef:
        self._maybe_fail("post_card")
        if channel in self.outside:
            raise NotInChannel("not_in_channel")
        self.languages.append(t.locale)
        card = MessageRef(channel, f"{len(self.cards) + 1}.000100")
        self.cards[card] = tip.id
        return card

    async def join(self, team_id: str, channel: str) -> None:
        self._maybe_fail("join")
        self.joined.append(channel)
        self.outside.discard(channel)

    async def update_card(self, team_id: str, card: MessageRef, tip: Tip, t: Translator) -> None:
        self._maybe_fail("update_card")
        self.updates.append((card, tip.status))

    async def tell_author(
        self, team_id: str, tip: Tip, notice: AuthorNotice, t: Translator
    ) -> None:
        self._maybe_fail("tell_author")
        self.notices.append((tip.author_id, notice, tip.status))

    async def post_digest(
        self, team_id: str, channel: str, digest: Digest, t: Translator
    ) -> MessageRef | None:
        self._maybe_fail("post_digest")
        titles = [tip.title for _key, tips in digest.groups for tip in tips]
        self.digests.append((channel, titles))
        return MessageRef(channel, f"{len(self.digests)}.000900")


@pytest.fixture
def messages() -> InMemoryMessages:
    return InMemoryMessages()


async def _review_channel(deps: Deps, channel: str = REVIEW) -> None:
    async with deps.db.begin() as session:
        await set_review_channel(session, TEAM_ID, channel, by=ADMIN, now=deps.now())


async def test_missing_cards_are_posted_once_and_a_failed_one_later(
    deps: Deps, clock: FakeClock, fake_slack: FakeSlack, messages: InMemoryMessages
) -> None:
    await _review_channel(deps)
    first = await add_tip(deps, title="Sagostund", status=TipStatus.PENDING)
    second = await add_tip(deps, title="Läsecirkel", status=TipStatus.PENDING)
    await add_tip(deps, title="Redan godkänd")  # approved: no card
    messages.fail("post_card", Undelivered("ratelimited"))

    assert await cards.post_all_missing_cards(deps, messages) == 1
    assert list(messages.cards.values()) == [second]
    # Tried a moment ago: not again yet; the posted one never again.
    clock.advance(timedelta(seconds=30))
    assert await cards.post_all_missing_cards(deps, messages) == 0
    clock.advance(cards.CARD_RETRY_AFTER + timedelta(seconds=1))
    assert await cards.post_all_missing_cards(deps, messages) == 1
    clock.advance(timedelta(hours=1))
    assert await cards.post_all_missing_cards(deps, messages) == 0

    assert Counter(messages.cards.values()) == {first: 1, second: 1}
    async with deps.db() as session:
        stored = {
            tip.id: MessageRef(str(tip.review_channel), str(tip.review_ts))
            for tip in await session.scalars(select(Tip).where(Tip.review_ts.is_not(None)))
        }
    assert {tip_id: card for card, tip_id in messages.cards.items()} == stored
    assert fake_slack.calls == []  # nothing reached Slack


async def test_a_card_rejoins_its_channel_and_follows_the_decision(
    deps: Deps, fake_slack: FakeSlack, messages: InMemoryMessages
) -> None:
    await _review_channel(deps)
    fake_slack.add_user(AUTHOR, locale="fi-FI")
    tip_id = await add_tip(deps, title="Sagostund", status=TipStatus.PENDING)
    messages.outside.add(REVIEW)  # someone removed the bot from the review channel

    assert await cards.post_missing_cards(deps, messages, TEAM_ID) == 1
    assert messages.joined == [REVIEW]
    [card] = messages.cards

    async with deps.db.begin() as session:
        await decide(
            session, TEAM_ID, tip_id, actor_id=REVIEWERS[0], approve=True, note=None, now=deps.now()
        )
    await cards.refresh_card(deps, messages, TEAM_ID, tip_id)
    await cards.notify_author(deps, messages, TEAM_ID, tip_id)
    assert messages.updates == [(card, TipStatus.APPROVED.value)]
    assert messages.notices == [(AUTHOR, AuthorNotice.DECISION, TipStatus.APPROVED.value)]
    # Slack was asked only who the author is (their language), never to post anything.
    assert {call.method for call in fake_slack.calls} <= {"users.info"}


async def test_a_card_that_cannot_join_stays_missing(
    deps: Deps, messages: InMemoryMessages
) -> None:
    await _review_channel(deps)
    await add_tip(deps, title="Sagostund", status=TipStatus.PENDING)
    messages.outside.add(REVIEW)
    messages.fail("join", Undelivered("method_not_supported_for_channel_type"))  # private

    assert await cards.post_missing_cards(deps, messages, TEAM_ID) == 0
    assert messages.cards == {}
    async with deps.db() as session:
        assert await session.scalar(select(Tip.review_ts)) is None


async def test_the_digest_is_posted_once_and_a_failed_one_retried_once(
    deps: Deps, clock: FakeClock, fake_slack: FakeSlack, messages: InMemoryMessages
) -> None:
    async with deps.db.begin() as session:
        await set_digest(session, TEAM_ID, DIGEST, by=ADMIN, now=deps.now())
    await add_tip(deps, title="Sagostund", decided_at=deps.now())
    await add_tip(deps, title="Läsecirkel", category="participation", decided_at=deps.now())
    await add_tip(deps, title="Väntar", status=TipStatus.PENDING)
    clock.set(FRIDAY_AFTER_TEN)
    messages.fail("post_digest", Undelivered("fatal_error"))

    assert await digests.run_digests(deps, messages) == 0
    assert messages.digests == []
    # Claimed and unposted: neither due again nor taken again before RETRY_UNPOSTED_AFTER.
    clock.advance(RETRY_UNPOSTED_AFTER - timedelta(minutes=1))
    assert await digests.run_digests(deps, messages) == 0
    clock.advance(timedelta(minutes=2))
    assert await digests.run_digests(deps, messages) == 1
    clock.advance(timedelta(hours=1))
    assert await digests.run_digests(deps, messages) == 0

    assert messages.digests == [(DIGEST, ["Läsecirkel", "Sagostund"])]
    async with deps.db() as session:
        [digest] = await session.scalars(select(TipDigest))
    assert digest.posted_at is not None and digest.ts == "1.000900"
    assert digest.tip_count == 2
    assert fake_slack.calls == []  # nothing reached Slack

    # Next week: only what was approved since, once.
    await add_tip(deps, title="Bokprat", decided_at=deps.now())
    clock.set(FRIDAY_AFTER_TEN + timedelta(days=7))
    runs = await asyncio.gather(*(digests.run_digests(deps, messages) for _ in range(5)))
    assert sorted(runs) == [0, 0, 0, 0, 1]  # five ticks at once (replicas): one post
    assert await digests.run_digests(deps, messages) == 0
    assert messages.digests[1:] == [(DIGEST, ["Bokprat"])]


async def test_a_week_with_nothing_approved_posts_nothing(
    deps: Deps, clock: FakeClock, messages: InMemoryMessages
) -> None:
    async with deps.db.begin() as session:
        await set_digest(session, TEAM_ID, DIGEST, by=ADMIN, now=deps.now())
    clock.set(FRIDAY_AFTER_TEN)
    assert await digests.run_digests(deps, messages) == 0
    clock.advance(timedelta(hours=1))
    assert await digests.run_digests(deps, messages) == 0
    assert messages.digests == []


SLACK_FREE = ("bot/tips/effects.py", "bot/tips/cards.py", "bot/tips/digests.py")
SLACK_SIDE = (
    "slack_sdk",
    "slack_bolt",
    "aiohttp",
    "bot.platform.slack_client",
    "bot.platform.outbox",
    "bot.platform.slack_text",
    "bot.tips.delivery",
    "bot.tips.views",
)


@pytest.mark.parametrize("path", SLACK_FREE)
def test_the_outbound_work_knows_no_slack(path: str) -> None:
    """No Slack library or adapter, no Block Kit views, no `deps.client` in these modules."""
    tree = ast.parse((Path(__file__).parents[2] / path).read_text())
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }
    assert not {
        name for name in imported for bad in SLACK_SIDE if name == bad or name.startswith(bad + ".")
    }
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "client"]
