"""Teams' side of the personal-data use cases (`bot.privacy.service.PrivacyEffects`):
`TeamsPrivacyEffects`.

Forgetting a person on Teams also deletes what the Teams surface keeps to reach them, in the
same transaction as the rest (`forget_references`, the service's `ForgetsReferences` hook):
their `TeamsPerson` row (the "29:" id, the personal chat's conversation id and service URL, the
name and UPN Teams gave, the home card's activity id) and every `TeamsDelivery` row about them
(the once-only messages keyed "…:<user id>", and any other recorded for their personal chat),
and the Teams calls queued for a retry into their personal chat (`bot.teamsapp.outbox`).
Afterwards the home card in their personal chat — the reference read just before it went — is
replaced by one that says Fika has forgotten them (not when an admin had them forgotten:
nothing is sent to them then, as on Slack). Review cards that named them are redrawn through
the tips' own path (`bot.tips.cards.refresh_card` through `SurfaceTipMessages`, which
picks the team's surface).

Teams has no workspace-wide uninstall event: a person removes the app for themselves, a team
owner from a team (handlers/teams_privacy.py, handlers/teams_install.py); `app_removed` has
nothing to forget here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.platform.db.models import PendingCall
from bot.platform.i18n import Translator
from bot.teams.cards.privacy import forgotten_home_card
from bot.teamsapp import outbox
from bot.teamsapp.invoke import card_activity
from bot.teamsapp.models import TeamsDelivery, TeamsPerson
from bot.teamsapp.sender import TeamsSendError

if TYPE_CHECKING:
    from bot.teamsapp.surface import TeamsSurface

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _HomeRef:
    conversation_id: str
    service_url: str
    activity_id: str


class TeamsPrivacyEffects:
    """`t` is the forgotten person's language, read before forgetting (it is gone after)."""

    def __init__(self, surface: TeamsSurface, t: Translator) -> None:
        self.surface = surface
        self.t = t
        self._homes: dict[tuple[str, str], _HomeRef] = {}

    async def forget_references(
        self, session: AsyncSession, team_id: str, user_id: str
    ) -> Mapping[str, int]:
        person = await session.get(TeamsPerson, (team_id, user_id))
        own_chat = person.conversation_id if person is not None else None
        if person is not None and person.installed and own_chat and person.home_activity_id:
            self._homes[(team_id, user_id)] = _HomeRef(
                own_chat, person.service_url, person.home_activity_id
            )
        # Keys end with the person's id ("intro:<group>:<user>", "failures:…:<admin>"); user
        # ids are 32 hex digits, so the pattern has no wildcard of its own.
        about: list[ColumnElement[bool]] = [TeamsDelivery.key.like(f"%:{user_id}")]
        if own_chat:
            about.append(TeamsDelivery.conversation_id == own_chat)
        deliveries = await session.execute(
            delete(TeamsDelivery)
            .where(TeamsDelivery.team_id == team_id, or_(*about))
            .execution_options(synchronize_session=False)
        )
        # Teams calls queued for a retry (bot/teamsapp/outbox.py) into their personal chat or
        # naming their "29:" id (forget_person already drops those naming their id or name).
        needles = [n for n in (own_chat, person.teams_user_id if person else None) if n]
        queued = await session.execute(
            select(PendingCall.id, PendingCall.args).where(
                PendingCall.team_id == team_id, PendingCall.method.in_(outbox.METHODS)
            )
        )
        stale = [
            call_id
            for call_id, args in queued.all()
            if any(n in json.dumps(args, ensure_ascii=False) for n in needles)
        ]
        calls = 0
        if stale:
            dropped = await session.execute(
                delete(PendingCall)
                .where(PendingCall.id.in_(stale))
                .execution_options(synchronize_session=False)
            )
            calls = int(getattr(dropped, "rowcount", 0) or 0)
        people = await session.execute(
            delete(TeamsPerson)
            .where(TeamsPerson.team_id == team_id, TeamsPerson.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
        return {
            "teams_deliveries": int(getattr(deliveries, "rowcount", 0) or 0),
            "teams_people": int(getattr(people, "rowcount", 0) or 0),
            "pending_calls": calls,
        }

    async def cards_changed(self, team_id: str, tip_ids: Collection[int]) -> None:
        from bot.tips.cards import refresh_card
        from bot.tips.surface import SurfaceTipMessages

        messages = SurfaceTipMessages(self.surface.deps)
        for tip_id in tip_ids:
            try:
                await refresh_card(self.surface.deps, messages, team_id, tip_id)
            except Exception:
                log.warning("review card of tip %s not refreshed after forgetting", tip_id)

    async def home_cleared(self, team_id: str, user_id: str) -> None:
        """Their home card, replaced in place (there is no Home tab on Teams)."""
        home = self._homes.pop((team_id, user_id), None)
        if home is None:
            return
        activity = card_activity(forgotten_home_card(self.t), "Fika")
        try:
            await self.surface.sender.update(
                team_id, home.conversation_id, home.service_url, home.activity_id, activity
            )
        except TeamsSendError as exc:
            log.info("home card not cleared after forgetting: %s", exc.code)

    def app_removed(self, team_id: str) -> None:
        """Nothing: Teams sends no workspace-wide uninstall (see the module's docstring)."""
