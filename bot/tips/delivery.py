"""Tips going out to Slack: review cards, their updates, notices to authors, weekly digests.

Shared by handlers and jobs. Cards are posted directly (their ts must be stored; a failure is
retried by `jobs.tip_cards`); updates and notices go through `bot.platform.outbox` so a Slack
failure is retried rather than lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.home.slack_side import forget_figures, refresh_home
from bot.people.channels import forget
from bot.people.directory import translator_for, workspace_translator
from bot.people.former import is_former
from bot.platform import outbox
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.privacy.store import uninstalled_teams
from bot.tips import digest as tip_digest
from bot.tips.export import names_of
from bot.tips.models import Tip
from bot.tips.store import claim_card, get_settings, get_tip, record_card, tips_needing_cards
from bot.tips.views import card_blocks, card_text, decision_notice, digest_messages, thanks_text

log = logging.getLogger(__name__)

# A card post that has not finished after this long is tried again (by the job).
CARD_RETRY_AFTER = timedelta(minutes=2)


async def post_card(deps: Deps, team_id: str, tip_id: int) -> bool:
    """Post a pending tip's review card (once); True when it is in the review channel."""
    now = deps.now()
    async with deps.db.begin() as session:
        settings = await get_settings(session, team_id)
        channel = settings.review_channel if settings else None
        if channel is None:
            return False
        if not await claim_card(
            session, team_id, tip_id, now=now, stale_before=now - CARD_RETRY_AFTER
        ):
            return False
        tip = await get_tip(session, team_id, tip_id)
    if tip is None:
        return False
    t = await workspace_translator(deps, team_id)
    kwargs: dict[str, Any] = {
        "channel": channel,
        "text": card_text(t, tip),
        "blocks": card_blocks(t, tip, deps.settings.tz),
        "unfurl_links": False,
        "unfurl_media": False,
    }
    try:
        try:
            resp = await deps.client.chat_postMessage(**kwargs)
        except SlackApiError as exc:
            if exc.response.get("error") != "not_in_channel":
                raise
            # Removed from a public review channel: join again (private ones need an invite).
            await deps.client.conversations_join(channel=channel)
            resp = await deps.client.chat_postMessage(**kwargs)
    except (SlackApiError, OSError, TimeoutError) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else repr(exc)
        log.warning("review card for tip %s not posted (%s); will retry", tip_id, error)
        return False
    async with deps.db.begin() as session:
        await record_card(session, team_id, tip_id, str(resp["channel"]), str(resp["ts"]))
    return True


async def post_missing_cards(deps: Deps, team_id: str, limit: int = 20) -> int:
    """Cards of pending tips that have none yet (Slack failed, or the channel was set later)."""
    now = deps.now()
    async with deps.db() as session:
        ids = await tips_needing_cards(
            session, team_id, older_than=now - CARD_RETRY_AFTER, limit=limit
        )
    posted = 0
    for tip_id in ids:
        if await post_card(deps, team_id, tip_id):
            posted += 1
    return posted


async def refresh_card(deps: Deps, team_id: str, tip_id: int) -> None:
    """Show the tip's current state (decision, who, when; edits) on its review card."""
    async with deps.db() as session:
        tip = await get_tip(session, team_id, tip_id)
    if tip is None or not tip.review_channel or not tip.review_ts:
        return
    t = await workspace_translator(deps, team_id)
    await outbox.call(
        deps,
        team_id,
        "chat.update",
        channel=tip.review_channel,
        ts=tip.review_ts,
        text=card_text(t, tip),
        blocks=card_blocks(t, tip, deps.settings.tz),
    )


async def thank_author(deps: Deps, team_id: str, tip_id: int) -> None:
    await _tell_author(deps, team_id, tip_id, thanks_text)


async def notify_author(deps: Deps, team_id: str, tip_id: int) -> None:
    """Tell the author of the decision, in their language, with the reason when rejected."""
    await _tell_author(deps, team_id, tip_id, decision_notice, unfurl_links=False)


async def _tell_author(
    deps: Deps, team_id: str, tip_id: int, text: Callable[[Translator, Tip], str], **options: Any
) -> None:
    """A direct message to the tip's author in their language (none to a former member)."""
    async with deps.db() as session:
        tip = await get_tip(session, team_id, tip_id)
    if tip is None or is_former(tip.author_id):
        return
    t = await translator_for(deps, team_id, tip.author_id)
    await outbox.call(
        deps, team_id, "chat.postMessage", channel=tip.author_id, text=text(t, tip), **options
    )


class SlackTipEffects:
    """Slack's side of the tips use cases (`bot.tips.service.TipEffects`)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def tip_shared(self, team_id: str, tip_id: int) -> None:
        await thank_author(self.deps, team_id, tip_id)
        await post_card(self.deps, team_id, tip_id)

    async def card_changed(self, team_id: str, tip_id: int) -> None:
        await refresh_card(self.deps, team_id, tip_id)

    async def author_told(self, team_id: str, tip_id: int) -> None:
        await notify_author(self.deps, team_id, tip_id)

    async def homes_changed(self, team_id: str, user_ids: Collection[str]) -> None:
        for user_id in user_ids:
            await refresh_home(self.deps, team_id, user_id)

    def figures_changed(self) -> None:
        forget_figures(self.deps)

    async def review_channel_set(self, team_id: str, channel_id: str) -> None:
        forget(self.deps, team_id, channel_id)
        self.deps.tasks.spawn(post_missing_cards(self.deps, team_id), name="tip-cards-after-setup")


# ---------------------------------------------------------------------------- digest


async def run_digests(deps: Deps) -> int:
    """Post every digest that is due (and re-post any a stopped process left unposted)."""
    now = deps.now()
    posted = 0
    async with deps.db() as session:
        due = await tip_digest.due_digests(session, now, deps.settings.tz)
        stale = await tip_digest.unposted_digests(session, now)
        # An uninstalled workspace (app_uninstalled) gets no digest until it is back.
        gone = await uninstalled_teams(session)
    due = [item for item in due if item.team_id not in gone]
    for item in due:
        async with deps.db.begin() as session:
            claimed = await tip_digest.claim_digest(session, item, now)
        if claimed is None:
            continue  # another process has it
        digest, tips = claimed
        if tips:
            await _post_digest(deps, digest.id)
            posted += 1
        else:
            log.info(
                "digest %s for %s: nothing approved, nothing posted", item.period, item.team_id
            )
    for digest_id in stale:
        async with deps.db.begin() as session:
            taken = await tip_digest.retake_digest(session, digest_id, now)
        if taken:
            await _post_digest(deps, digest_id)
            posted += 1
    return posted


async def _post_digest(deps: Deps, digest_id: int) -> None:
    from bot.tips.models import TipDigest

    async with deps.db() as session:
        digest = await session.get(TipDigest, digest_id)
        if digest is None or digest.channel is None:
            return
        tips = await tip_digest.digest_tips(session, digest)
        names = await names_of(session, digest.team_id, {tip.author_id for tip in tips})
        team_id, channel = digest.team_id, digest.channel
    t = await workspace_translator(deps, team_id)
    first_ts: str | None = None
    for text, blocks in digest_messages(t, tip_digest.group_by_category(tips), names):
        resp = await outbox.call(
            deps,
            team_id,
            "chat.postMessage",
            channel=channel,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        if first_ts is None and resp:
            first_ts = str(resp.get("ts") or "") or None
    async with deps.db.begin() as session:
        await tip_digest.mark_posted(session, digest_id, ts=first_ts, now=deps.now())
