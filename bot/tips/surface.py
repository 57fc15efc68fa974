"""Which chat surface carries the tips' messages: by the team's surface (`team_id`: a Teams
tenant or a Slack workspace, `bot.teams.identity.is_teams`), Slack's
`bot.tips.delivery.SlackTipMessages` or the Teams surface's
(`deps.surfaces["teams"].tip_messages()`, bot/teamsapp/tip_messages.py)."""

from __future__ import annotations

from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.teams.identity import is_teams
from bot.tips.delivery import SlackTipMessages
from bot.tips.effects import AuthorNotice, Digest, MessageRef, TipMessages, Undelivered
from bot.tips.models import Tip


def tip_messages(deps: Deps) -> TipMessages:
    return SurfaceTipMessages(deps)


class SurfaceTipMessages:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._slack: TipMessages | None = None
        self._teams: TipMessages | None = None

    def _for(self, team_id: str) -> TipMessages:
        if is_teams(team_id):
            if self._teams is None:
                surface = self.deps.surfaces.get("teams")
                if surface is None:
                    raise Undelivered("teams_not_running")
                self._teams = surface.tip_messages()
            return self._teams
        if self._slack is None:
            self._slack = SlackTipMessages(self.deps)
        return self._slack

    async def post_card(self, team_id: str, channel: str, tip: Tip, t: Translator) -> MessageRef:
        return await self._for(team_id).post_card(team_id, channel, tip, t)

    async def join(self, team_id: str, channel: str) -> None:
        await self._for(team_id).join(team_id, channel)

    async def update_card(self, team_id: str, card: MessageRef, tip: Tip, t: Translator) -> None:
        await self._for(team_id).update_card(team_id, card, tip, t)

    async def tell_author(
        self, team_id: str, tip: Tip, notice: AuthorNotice, t: Translator
    ) -> None:
        await self._for(team_id).tell_author(team_id, tip, notice, t)

    async def post_digest(
        self, team_id: str, channel: str, digest: Digest, t: Translator
    ) -> MessageRef | None:
        return await self._for(team_id).post_digest(team_id, channel, digest, t)
