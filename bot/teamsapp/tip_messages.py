"""The tips' Teams side: `TeamsTipMessages` (the `bot.tips.effects.TipMessages` adapter),
`TeamsTipEffects` (`bot.tips.service.TipEffects`) and `TeamsTipChannels`
(`bot.tips.service.TipChannels`), the Teams counterparts of `bot.tips.delivery`'s.

What goes out, when and exactly once is decided by the surface-free `bot.tips.cards` and
`bot.tips.digests`, as on Slack; here it is rendered with `bot.teams.cards.tips` and sent with
the surface's `TeamsSender`. The review card is posted in the review channel (the Teams
channel where `tips setup review` was typed) read-only, with a `refresh` naming the curators'
Teams ids, so their clients fetch the card with the buttons (handlers/teams_tips.py).

The use cases check rights with the permission table (`bot.people.permissions`: a reviewer =
a member of the review channel, an admin = ADMIN_USER_IDS or TEAMS_ADMIN_USER_IDS) through
`deps.chat`, which for Teams' ids is `bot.teamsapp.chat.TeamsChat` (the review channel's
roster from the Bot Connector, read afresh, cached a minute).

Teams keeps no outbox: a send that Teams refuses after the sender's retries is logged (a
review card not posted is tried again by the `tip_cards` job; a digest part not posted goes
with the digest's next attempt, the parts already sent never again: each part is a
`TeamsDelivery` with its own key).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.channels import channel_members, forget
from bot.people.directory import workspace_translator
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.teams.cards import tips as cards
from bot.teamsapp import outbox, store
from bot.teamsapp.invoke import card_activity
from bot.teamsapp.models import TeamsChannel, TeamsDelivery, TeamsPerson
from bot.teamsapp.sender import TeamsSendError
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn
from bot.tips import cards as tip_cards
from bot.tips.effects import (
    AuthorNotice,
    Digest,
    MessageRef,
    Undelivered,
)
from bot.tips.export import names_of
from bot.tips.models import Tip
from bot.tips.results import ChannelState
from bot.tips.reviewers import review_channel

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- names, curators


async def names(
    session: AsyncSession, team_id: str, user_ids: Collection[str | None]
) -> dict[str, str]:
    """The names to show for these people: their member name, else the one Teams gave."""
    wanted = {u for u in user_ids if u}
    found = {k: v for k, v in (await names_of(session, team_id, wanted)).items() if v}
    missing = wanted - set(found)
    if missing:
        rows = await session.execute(
            select(TeamsPerson.user_id, TeamsPerson.name).where(
                TeamsPerson.team_id == team_id, TeamsPerson.user_id.in_(sorted(missing))
            )
        )
        found.update({user_id: name for user_id, name in rows if name})
    return found


async def tip_names(deps: Deps, tip: Tip) -> dict[str, str]:
    async with deps.db() as session:
        return await names(session, tip.team_id, (tip.author_id, tip.decided_by))


async def curator_teams_ids(surface: TeamsSurface, team_id: str) -> list[str]:
    """The Teams ids ("29:…") of the curators as last seen: the review channel's members
    (read afresh, cached a minute) and the admins Fika has met. For the card's refresh only:
    every click is checked again."""
    deps = surface.deps
    channel = await review_channel(deps, team_id)
    members = set(await channel_members(deps, team_id, channel)) if channel else set()
    admins = set(deps.settings.admin_user_ids) | set(surface.settings.admin_user_ids)
    wanted = sorted(members | admins)
    if not wanted:
        return []
    async with deps.db() as session:
        rows = await session.execute(
            select(TeamsPerson.user_id, TeamsPerson.teams_user_id).where(
                TeamsPerson.team_id == team_id, TeamsPerson.user_id.in_(wanted)
            )
        )
        found = {user_id: teams_id for user_id, teams_id in rows}
    # Members first (they are the curators), then admins; Teams refreshes for 60 at most.
    ordered = [u for u in wanted if u in members] + [u for u in wanted if u not in members]
    return [found[u] for u in ordered if found.get(u)]


async def _channel(deps: Deps, team_id: str, channel_id: str) -> TeamsChannel | None:
    async with deps.db() as session:
        return await store.channel(session, team_id, channel_id)


# ---------------------------------------------------------------------------- the port


class TeamsTipMessages:
    """Teams' side of `bot.tips.effects.TipMessages`."""

    def __init__(self, surface: TeamsSurface) -> None:
        self.surface = surface
        self.deps = surface.deps

    @property
    def tz(self) -> Any:
        return self.deps.settings.tz

    async def review_card(self, tip: Tip, t: Translator) -> dict[str, Any]:
        """The card everyone in the review channel sees, refreshed into theirs for curators."""
        curators = await curator_teams_ids(self.surface, tip.team_id)
        shown = await tip_names(self.deps, tip)
        card = cards.review_card(t, tip, self.tz, shown, curator=False, curator_ids=curators)
        return card_activity(card, cards.review_card_summary(t, tip))

    async def post_card(self, team_id: str, channel: str, tip: Tip, t: Translator) -> MessageRef:
        where = await _channel(self.deps, team_id, channel)
        if where is None or not where.installed:
            raise Undelivered("channel_not_found")
        activity = await self.review_card(tip, t)
        try:
            activity_id = await self.surface.sender.send(
                team_id, where.conversation_id, where.service_url, activity
            )
        except TeamsSendError as exc:
            raise Undelivered(exc.code) from exc
        return MessageRef(channel, activity_id)

    async def join(self, team_id: str, channel: str) -> None:
        """Nothing to do: a bot installed in a team is in every channel of it."""

    async def update_card(self, team_id: str, card: MessageRef, tip: Tip, t: Translator) -> None:
        where = await _channel(self.deps, team_id, card.channel)
        if where is None:
            log.warning("tip %s: review channel unknown, card not updated", tip.id)
            return
        activity = await self.review_card(tip, t)
        # Not lost when Teams cannot take it now: queued and retried (bot/teamsapp/outbox.py).
        await outbox.deliver(
            self.surface,
            team_id,
            where.conversation_id,
            where.service_url,
            activity,
            activity_id=card.message_id,
        )

    async def tell_author(
        self, team_id: str, tip: Tip, notice: AuthorNotice, t: Translator
    ) -> None:
        card = (
            cards.thanks_card(t, tip)
            if notice == AuthorNotice.THANKS
            else cards.decision_card(t, tip)
        )
        activity = card_activity(card, cards.notice_summary(t, tip))
        author = await self.surface.person(team_id, tip.author_id)
        if author is None or not author.installed or not author.conversation_id:
            log.info(
                "tip %s: %s notice not sent, Fika is not installed for the author", tip.id, notice
            )
            return
        # Queued and retried when Teams cannot take it now (bot/teamsapp/outbox.py).
        await outbox.deliver(
            self.surface, team_id, author.conversation_id, author.service_url, activity
        )

    async def post_digest(
        self, team_id: str, channel: str, digest: Digest, t: Translator
    ) -> MessageRef | None:
        where = await _channel(self.deps, team_id, channel)
        if where is None or not where.installed:
            raise Undelivered("channel_not_found")
        parts = cards.digest_cards(t, digest)
        ids = ",".join(str(tip.id) for _key, tips in digest.groups for tip in tips)
        digest_key = hashlib.sha256(f"{channel}:{ids}".encode()).hexdigest()[:24]
        first: MessageRef | None = None
        for index, card in enumerate(parts):
            key = f"tips-digest:{digest_key}:{index}"
            activity_id = await self._once(
                team_id, where, key, card_activity(card, cards.digest_summary(t))
            )
            if first is None and activity_id:
                first = MessageRef(channel, activity_id)
        return first

    async def _once(
        self, team_id: str, where: TeamsChannel, key: str, activity: dict[str, Any]
    ) -> str | None:
        """Send `activity` unless `key` was sent already (its activity id either way)."""
        deps = self.deps
        async with deps.db.begin() as session:
            row = await store.start_delivery(
                session, team_id, key, where.conversation_id, deps.now()
            )
            if row is None:
                done = await store.delivery(session, team_id, key)
                return done.activity_id if done is not None else None
            row_id = row.id
        try:
            activity_id = await self.surface.sender.send(
                team_id, where.conversation_id, where.service_url, activity
            )
        except TeamsSendError as exc:
            # Teams did not take it: forget the attempt, so the digest's next try sends it.
            async with deps.db.begin() as session:
                failed = await session.get(TeamsDelivery, row_id)
                if failed is not None:
                    await session.delete(failed)
            raise Undelivered(exc.code) from exc
        async with deps.db.begin() as session:
            sent = await session.get(TeamsDelivery, row_id)
            if sent is not None:
                sent.state, sent.activity_id, sent.sent_at = "sent", activity_id, deps.now()
        return activity_id


# ---------------------------------------------------------------------------- effects


class TeamsTipEffects:
    """Teams' side of the tips use cases (`bot.tips.service.TipEffects`)."""

    def __init__(self, surface: TeamsSurface) -> None:
        self.surface = surface
        self.deps = surface.deps
        self.messages = TeamsTipMessages(surface)

    async def tip_shared(self, team_id: str, tip_id: int) -> None:
        await tip_cards.thank_author(self.deps, self.messages, team_id, tip_id)
        await tip_cards.post_card(self.deps, self.messages, team_id, tip_id)

    async def card_changed(self, team_id: str, tip_id: int) -> None:
        await tip_cards.refresh_card(self.deps, self.messages, team_id, tip_id)

    async def author_told(self, team_id: str, tip_id: int) -> None:
        await tip_cards.notify_author(self.deps, self.messages, team_id, tip_id)

    async def homes_changed(self, team_id: str, user_ids: Collection[str]) -> None:
        """Teams has no Home tab to redraw (the home card is a message, see
        handlers/teams_home.py)."""

    def figures_changed(self) -> None:
        """No cached figures on Teams."""

    async def review_channel_set(self, team_id: str, channel_id: str) -> None:
        forget(self.deps, team_id, channel_id)
        self.deps.tasks.spawn(
            tip_cards.post_missing_cards(self.deps, self.messages, team_id),
            name="tip-cards-after-setup",
        )


class TeamsTipChannels:
    """What `tips setup` needs of Teams (`bot.tips.service.TipChannels`): the channel it was
    typed in (`turn`), and the announcement there in the tenant's language."""

    def __init__(self, surface: TeamsSurface, turn: Turn) -> None:
        self.surface = surface
        self.turn = turn
        self.deps = surface.deps

    async def channel(self, team_id: str, channel_id: str) -> ChannelState | None:
        if self.turn.conversation_type != "channel" or self.turn.channel_id != channel_id:
            return ChannelState(direct=True)
        return ChannelState(bot_is_member=True)

    async def join(self, team_id: str, channel_id: str) -> None:
        """A bot installed in a team is in every channel of it."""

    async def _announce(self, team_id: str, channel_id: str, text: str) -> None:
        where = await _channel(self.deps, team_id, channel_id)
        if where is None:
            return
        try:
            await self.surface.sender.send(
                team_id,
                where.conversation_id,
                where.service_url,
                card_activity(cards.text_card(text)),
            )
        except TeamsSendError as exc:
            log.warning("tips announcement in %s not posted (%s)", channel_id, exc.code)

    async def review_announced(self, team_id: str, channel_id: str) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._announce(team_id, channel_id, cards.review_announcement(t))

    async def digest_announced(
        self, team_id: str, channel_id: str, slot: tuple[int, int, int]
    ) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._announce(
            team_id, channel_id, cards.digest_announcement(t, cards.slot_text(t, *slot))
        )
