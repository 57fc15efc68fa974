"""The tips use cases behind `/tips setup`, the tip form, the shared message and the review
queue (bot/tips/service.py) without Slack's adapters: the ports record what they are asked
and describe channels as a test chooses."""

from __future__ import annotations

import pytest

from bot.platform.deps import Deps
from bot.platform.errors import NotAuthorized
from bot.platform.i18n import translator
from bot.tips import service
from bot.tips.export import parse_period
from bot.tips.models import TipSource
from bot.tips.results import ChannelProblem, ChannelState
from bot.tips.store import get_settings
from bot.tips.views import digest_setup_text, review_setup_text, tips_settings_text
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack
from tests.tips_support import ADMIN, AUTHOR, DIGEST, OUTSIDER, REVIEW, REVIEWERS
from tests.tips_support import RecordedTipEffects as Effects

EN = translator("en")


class Channels:
    """`TipChannels` over channels a test describes (absent: the bot cannot see it)."""

    def __init__(self, **channels: ChannelState) -> None:
        self.channels = channels
        self.calls: list[tuple[str, object]] = []

    async def channel(self, team_id: str, channel_id: str) -> ChannelState | None:
        return self.channels.get(channel_id)

    async def join(self, team_id: str, channel_id: str) -> None:
        self.calls.append(("join", channel_id))

    async def review_announced(self, team_id: str, channel_id: str) -> None:
        self.calls.append(("review announced", channel_id))

    async def digest_announced(
        self, team_id: str, channel_id: str, slot: tuple[int, int, int]
    ) -> None:
        self.calls.append(("digest announced", (channel_id, slot)))


class Links:
    def __init__(self, permalink: str | None) -> None:
        self.link = permalink
        self.asked: list[tuple[str, str]] = []

    async def permalink(self, channel_id: str, message_ts: str) -> str | None:
        self.asked.append((channel_id, message_ts))
        return self.link


@pytest.fixture
def review_channel(fake_slack: FakeSlack) -> None:
    for user in (ADMIN, *REVIEWERS, AUTHOR, OUTSIDER):
        fake_slack.add_user(user)
    fake_slack.add_channel(REVIEW, "ake-review", members=[*REVIEWERS], bot_is_member=True)


async def _settled(deps: Deps) -> None:
    await deps.tasks.idle(timeout=10)


# ---------------------------------------------------------------------------- setup review


async def test_setup_review_joins_a_public_channel_and_announces_once(
    deps: Deps, review_channel: None
) -> None:
    channels = Channels(**{REVIEW: ChannelState(bot_is_member=False)})
    effects = Effects()
    done = await service.setup_review(deps, effects, channels, TEAM_ID, ADMIN, REVIEW)
    await _settled(deps)
    assert done.problem is None and done.changed
    assert done.reviewers == len(REVIEWERS)  # the channel's members but the bot
    assert channels.calls == [("join", REVIEW), ("review announced", REVIEW)]
    assert effects.calls == [("review channel", REVIEW)]
    assert "for review" in review_setup_text(EN, done)

    again = await service.setup_review(deps, effects, channels, TEAM_ID, ADMIN, REVIEW)
    await _settled(deps)
    assert again.problem is None and not again.changed
    assert channels.calls.count(("review announced", REVIEW)) == 1


@pytest.mark.parametrize(
    ("state", "direct", "problem"),
    [
        (ChannelState(bot_is_member=True), True, ChannelProblem.NOT_HERE),
        (ChannelState(direct=True), False, ChannelProblem.NOT_HERE),
        (None, False, ChannelProblem.INVITE),
        (ChannelState(private=True), False, ChannelProblem.INVITE),
        (ChannelState(archived=True, bot_is_member=True), False, ChannelProblem.ARCHIVED),
    ],
)
async def test_setup_review_in_an_unusable_channel_changes_nothing(
    deps: Deps,
    review_channel: None,
    state: ChannelState | None,
    direct: bool,
    problem: ChannelProblem,
) -> None:
    channels = Channels(**({REVIEW: state} if state is not None else {}))
    effects = Effects()
    done = await service.setup_review(
        deps, effects, channels, TEAM_ID, ADMIN, REVIEW, in_direct_message=direct
    )
    await _settled(deps)
    assert done.problem == problem and not done.changed
    assert channels.calls == [] and effects.calls == []  # no join, no announcement
    async with deps.db() as session:
        assert await get_settings(session, TEAM_ID) is None
    assert not review_setup_text(EN, done).startswith("Done")


async def test_only_admins_set_tips_up(deps: Deps, review_channel: None) -> None:
    channels = Channels(**{REVIEW: ChannelState(bot_is_member=True)})
    with pytest.raises(NotAuthorized):
        await service.setup_review(deps, Effects(), channels, TEAM_ID, OUTSIDER, REVIEW)
    with pytest.raises(NotAuthorized):
        await service.tip_setup(deps, TEAM_ID, OUTSIDER)
    with pytest.raises(NotAuthorized):
        await service.stop_digest(deps, TEAM_ID, OUTSIDER)
    assert channels.calls == []


# ---------------------------------------------------------------------------- setup digest


async def test_setup_digest_sets_the_slot_and_announces_once(
    deps: Deps, review_channel: None
) -> None:
    channels = Channels(**{DIGEST: ChannelState(bot_is_member=True)})
    done = await service.setup_digest(deps, channels, TEAM_ID, ADMIN, DIGEST, (3, 9, None))
    await _settled(deps)
    assert done.problem is None and done.changed and done.slot[:2] == (3, 9)
    assert done.next_at is not None and done.next_at > deps.now()
    assert done.next_at.weekday() == 3 and done.next_at.hour == 9
    assert channels.calls == [("digest announced", (DIGEST, done.slot))]
    assert "Thursday" in digest_setup_text(EN, done, deps.settings.tz)

    shown = await service.tip_setup(deps, TEAM_ID, ADMIN)
    assert (shown.review_channel, shown.digest_channel, shown.digest_slot) == (
        None,
        DIGEST,
        done.slot,
    )
    again = await service.setup_digest(deps, channels, TEAM_ID, ADMIN, DIGEST, (3, 9, None))
    await _settled(deps)
    assert not again.changed and len(channels.calls) == 1

    await service.stop_digest(deps, TEAM_ID, ADMIN)
    stopped = await service.tip_setup(deps, TEAM_ID, ADMIN)
    assert stopped.digest_channel is None and stopped.digest_slot is None
    assert "off" in tips_settings_text(EN, stopped)


# ---------------------------------------------------------------------------- the tip form


async def test_the_form_is_prefilled_from_the_text(deps: Deps) -> None:
    form = await service.tip_form(
        deps, TEAM_ID, AUTHOR, text="Läsecirkel. Vi läste tillsammans.", source=TipSource.HOME
    )
    assert (form.title, form.description) == ("Läsecirkel.", "Läsecirkel. Vi läste tillsammans.")
    assert form.source == "home" and form.library_id is None and form.typed_library is None


async def test_a_shared_message_with_nothing_more_to_know_is_not_refilled(deps: Deps) -> None:
    links = Links(None)
    filled = await service.completed_message_tip_form(
        deps, links, TEAM_ID, AUTHOR, "Bra idé", "CGENERAL", "1.2"
    )
    assert filled is None and links.asked == [("CGENERAL", "1.2")]
    first = await service.message_tip_form(deps, TEAM_ID, AUTHOR, "Bra idé", "CGENERAL", "1.2")
    assert first.source == "shortcut" and first.source_ref == "CGENERAL/1.2" and not first.link


async def test_a_shared_message_gets_its_link_and_the_names_it_mentions(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U0NEW", name="nyfiken", real_name="Ny Fiken")
    text = "Fråga <@U0NEW> om läsecirkeln"
    link = "https://example.slack.com/archives/CGENERAL/p12"
    first = await service.message_tip_form(deps, TEAM_ID, AUTHOR, text, "CGENERAL", "1.2")
    assert "U0NEW" in first.title  # the database did not know the name yet
    filled = await service.completed_message_tip_form(
        deps, Links(link), TEAM_ID, AUTHOR, text, "CGENERAL", "1.2"
    )
    assert filled is not None and filled.link == link and filled.source_ref == link
    assert "U0NEW" not in filled.title and "@" in filled.title


# ---------------------------------------------------------------------------- queue and export


async def test_the_review_queue_is_for_reviewers(deps: Deps, review_channel: None) -> None:
    with pytest.raises(NotAuthorized):
        await service.review_queue(deps, TEAM_ID, OUTSIDER, 0, 10)
    page = await service.review_queue(deps, TEAM_ID, ADMIN, 0, 10)
    assert list(page.tips) == []


async def test_an_export_with_no_tips_is_empty(deps: Deps) -> None:
    exported = await service.export(deps, TEAM_ID, parse_period("2026"))
    assert exported.tips == [] and exported.names == {}
    assert exported.period.start is not None and exported.period.start.year == 2026
