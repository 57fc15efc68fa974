"""The tips' Slack side: `SlackTipMessages` (the `bot.tips.effects.TipMessages` adapter) and
`SlackTipEffects` (`bot.tips.service.TipEffects`), plus the entry points bound to them.

What goes out, when and exactly once is decided by the Slack-free `bot.tips.cards` and
`bot.tips.digests`; here it is rendered with `bot.tips.views` (Block Kit) and sent. Cards are
posted directly (their ts must be stored; a failure is retried by `jobs.tip_cards`); updates,
notices and digests go through `bot.platform.outbox`, so a Slack failure is retried rather
than lost.
"""

from __future__ import annotations

from collections.abc import Collection

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.home.slack_side import forget_figures, refresh_home
from bot.people.channels import forget
from bot.platform import outbox
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.tips import cards
from bot.tips.effects import AuthorNotice, Digest, MessageRef, NotInChannel, Undelivered
from bot.tips.models import Tip
from bot.tips.views import card_blocks, card_text, decision_notice, digest_messages, thanks_text

_OUTAGES = (aiohttp.ClientError, OSError, TimeoutError)


def _undelivered(exc: SlackApiError | aiohttp.ClientError | OSError | TimeoutError) -> Undelivered:
    if not isinstance(exc, SlackApiError):
        return Undelivered(repr(exc))
    error = str(exc.response.get("error") or "unknown_error")
    return NotInChannel(error) if error == "not_in_channel" else Undelivered(error)


class SlackTipMessages:
    """Slack's side of `bot.tips.effects.TipMessages`."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def post_card(self, team_id: str, channel: str, tip: Tip, t: Translator) -> MessageRef:
        try:
            resp = await self.deps.client.chat_postMessage(
                channel=channel,
                text=card_text(t, tip),
                blocks=card_blocks(t, tip, self.deps.settings.tz),
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackApiError, *_OUTAGES) as exc:
            raise _undelivered(exc) from exc
        return MessageRef(str(resp["channel"]), str(resp["ts"]))

    async def join(self, team_id: str, channel: str) -> None:
        try:
            await self.deps.client.conversations_join(channel=channel)
        except (SlackApiError, *_OUTAGES) as exc:
            raise _undelivered(exc) from exc

    async def update_card(self, team_id: str, card: MessageRef, tip: Tip, t: Translator) -> None:
        await outbox.call(
            self.deps,
            team_id,
            "chat.update",
            channel=card.channel,
            ts=card.message_id,
            text=card_text(t, tip),
            blocks=card_blocks(t, tip, self.deps.settings.tz),
        )

    async def tell_author(
        self, team_id: str, tip: Tip, notice: AuthorNotice, t: Translator
    ) -> None:
        if notice == AuthorNotice.THANKS:
            text, options = thanks_text(t, tip), {}
        else:
            text, options = decision_notice(t, tip), {"unfurl_links": False}
        await outbox.call(
            self.deps, team_id, "chat.postMessage", channel=tip.author_id, text=text, **options
        )

    async def post_digest(
        self, team_id: str, channel: str, digest: Digest, t: Translator
    ) -> MessageRef | None:
        first: MessageRef | None = None
        for text, blocks in digest_messages(t, digest.groups, digest.names):
            resp = await outbox.call(
                self.deps,
                team_id,
                "chat.postMessage",
                channel=channel,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
            ts = str(resp.get("ts") or "") if resp else ""
            if first is None and ts:
                first = MessageRef(channel, ts)
        return first


# The tips' outbound work with Slack as the surface (handlers, jobs and other features call these).


async def post_card(deps: Deps, team_id: str, tip_id: int) -> bool:
    """Post a pending tip's review card (once); True when it is in the review channel."""
    return await cards.post_card(deps, SlackTipMessages(deps), team_id, tip_id)


async def refresh_card(deps: Deps, team_id: str, tip_id: int) -> None:
    """Show the tip's current state (decision, who, when; edits) on its review card."""
    await cards.refresh_card(deps, SlackTipMessages(deps), team_id, tip_id)


async def thank_author(deps: Deps, team_id: str, tip_id: int) -> None:
    await cards.thank_author(deps, SlackTipMessages(deps), team_id, tip_id)


async def notify_author(deps: Deps, team_id: str, tip_id: int) -> None:
    """Tell the author of the decision, in their language, with the reason when rejected."""
    await cards.notify_author(deps, SlackTipMessages(deps), team_id, tip_id)


class SlackTipEffects:
    """Slack's side of the tips use cases (`bot.tips.service.TipEffects`)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.messages = SlackTipMessages(deps)

    async def tip_shared(self, team_id: str, tip_id: int) -> None:
        await cards.thank_author(self.deps, self.messages, team_id, tip_id)
        await cards.post_card(self.deps, self.messages, team_id, tip_id)

    async def card_changed(self, team_id: str, tip_id: int) -> None:
        await cards.refresh_card(self.deps, self.messages, team_id, tip_id)

    async def author_told(self, team_id: str, tip_id: int) -> None:
        await cards.notify_author(self.deps, self.messages, team_id, tip_id)

    async def homes_changed(self, team_id: str, user_ids: Collection[str]) -> None:
        for user_id in user_ids:
            await refresh_home(self.deps, team_id, user_id)

    def figures_changed(self) -> None:
        forget_figures(self.deps)

    async def review_channel_set(self, team_id: str, channel_id: str) -> None:
        forget(self.deps, team_id, channel_id)
        self.deps.tasks.spawn(
            cards.post_missing_cards(self.deps, self.messages, team_id),
            name="tip-cards-after-setup",
        )
