"""Review cards and notices to authors, for any surface (`bot.tips.effects.TipMessages`).

Which cards are missing, who may post one (a claim in the table, so one process at a time),
its reference recorded once posted, the card refreshed after a decision or an edit, the author
thanked and told of the decision in their language. A card that could not be posted stays
unrecorded and is tried again by `post_all_missing_cards` (the `tip_cards` job) once
`CARD_RETRY_AFTER` has passed; what is sent is rendered and sent by the surface's adapter.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from bot.people.directory import translator_for, workspace_translator
from bot.people.former import is_former
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.privacy.store import uninstalled_teams
from bot.tips.effects import AuthorNotice, MessageRef, NotInChannel, TipMessages, Undelivered
from bot.tips.models import Tip, TipsSettings
from bot.tips.store import claim_card, get_settings, get_tip, record_card, tips_needing_cards

log = logging.getLogger(__name__)

# A card post that has not finished after this long is tried again (by the job).
CARD_RETRY_AFTER = timedelta(minutes=2)


async def post_card(deps: Deps, messages: TipMessages, team_id: str, tip_id: int) -> bool:
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
    try:
        card = await _post_joining(messages, team_id, channel, tip, t)
    except Undelivered as exc:
        log.warning("review card for tip %s not posted (%s); will retry", tip_id, exc.code)
        return False
    async with deps.db.begin() as session:
        await record_card(session, team_id, tip_id, card.channel, card.message_id)
    return True


async def _post_joining(
    messages: TipMessages, team_id: str, channel: str, tip: Tip, t: Translator
) -> MessageRef:
    try:
        return await messages.post_card(team_id, channel, tip, t)
    except NotInChannel:
        # Removed from a public review channel: join again (private ones need an invite).
        await messages.join(team_id, channel)
        return await messages.post_card(team_id, channel, tip, t)


async def post_missing_cards(
    deps: Deps, messages: TipMessages, team_id: str, limit: int = 20
) -> int:
    """Cards of pending tips that have none yet (Slack failed, or the channel was set later)."""
    now = deps.now()
    async with deps.db() as session:
        ids = await tips_needing_cards(
            session, team_id, older_than=now - CARD_RETRY_AFTER, limit=limit
        )
    posted = 0
    for tip_id in ids:
        if await post_card(deps, messages, team_id, tip_id):
            posted += 1
    return posted


async def post_all_missing_cards(deps: Deps, messages: TipMessages) -> int:
    """The missing cards of every workspace with a review channel (an uninstalled one gets
    none until it is back)."""
    async with deps.db() as session:
        teams = list(
            await session.scalars(
                select(TipsSettings.team_id).where(TipsSettings.review_channel.is_not(None))
            )
        )
        gone = await uninstalled_teams(session)
    posted = 0
    for team_id in teams:
        if team_id not in gone:
            posted += await post_missing_cards(deps, messages, team_id)
    return posted


async def refresh_card(deps: Deps, messages: TipMessages, team_id: str, tip_id: int) -> None:
    """Show the tip's current state (decision, who, when; edits) on its review card."""
    async with deps.db() as session:
        tip = await get_tip(session, team_id, tip_id)
    if tip is None or not tip.review_channel or not tip.review_ts:
        return
    t = await workspace_translator(deps, team_id)
    await messages.update_card(team_id, MessageRef(tip.review_channel, tip.review_ts), tip, t)


async def thank_author(deps: Deps, messages: TipMessages, team_id: str, tip_id: int) -> None:
    await _tell_author(deps, messages, team_id, tip_id, AuthorNotice.THANKS)


async def notify_author(deps: Deps, messages: TipMessages, team_id: str, tip_id: int) -> None:
    """Tell the author of the decision, in their language, with the reason when rejected."""
    await _tell_author(deps, messages, team_id, tip_id, AuthorNotice.DECISION)


async def _tell_author(
    deps: Deps, messages: TipMessages, team_id: str, tip_id: int, notice: AuthorNotice
) -> None:
    """A direct message to the tip's author in their language (none to a former member)."""
    async with deps.db() as session:
        tip = await get_tip(session, team_id, tip_id)
    if tip is None or is_former(tip.author_id):
        return
    t = await translator_for(deps, team_id, tip.author_id)
    await messages.tell_author(team_id, tip, notice, t)
