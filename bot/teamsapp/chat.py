"""The chat port (bot/platform/chat.py) on Teams: members of a channel from the Bot Connector,
people from what Fika keeps of them (Teams gives a bot no directory to read)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.platform.chat import MAX_MEMBERS, ChatError
from bot.teams.identity import NotAGuid, local_user
from bot.teamsapp import store
from bot.teamsapp.models import TeamsPerson
from bot.teamsapp.sender import TeamsSendError

if TYPE_CHECKING:
    from bot.teamsapp.surface import TeamsSurface

PAGE = 200


def profile(person: TeamsPerson, admins: frozenset[str]) -> dict[str, Any]:
    """A person as the chat port's profiles look (the fields Fika reads of Slack's users)."""
    return {
        "id": person.user_id,
        "name": person.name or "",
        "real_name": person.name or "",
        "profile": {"display_name": person.name or "", "real_name": person.name or ""},
        "locale": person.locale,
        "is_admin": person.user_id in admins,
        "deleted": False,
        "is_bot": False,
    }


class TeamsChat:
    def __init__(self, surface: TeamsSurface) -> None:
        self.surface = surface

    async def group_members(self, conversation_id: str) -> list[str]:
        """The members of a Teams channel (its team's roster), by their local ids; each one is
        remembered (name, UPN) for intros' "start a group chat" links."""
        deps = self.surface.deps
        async with deps.db() as session:
            channel = await store.channel_by_id(session, conversation_id)
        if channel is None:
            raise ChatError("channel_not_found")
        try:
            found = await self.surface.sender.members(
                channel.team_id, channel.service_url, channel.conversation_id
            )
        except TeamsSendError as exc:
            raise ChatError(exc.code) from None
        ids: list[str] = []
        async with deps.db.begin() as session:
            for member in found[:MAX_MEMBERS]:
                try:
                    user_id = local_user(str(member.get("aadObjectId") or ""))
                except NotAGuid:
                    continue  # a bot, or a guest Teams does not name
                await store.remember_member(
                    session,
                    channel.team_id,
                    user_id,
                    str(member.get("id") or ""),
                    channel.service_url,
                    member.get("name"),
                    member.get("userPrincipalName") or member.get("email"),
                    deps.now(),
                )
                ids.append(user_id)
        return ids

    async def person(self, user_id: str) -> dict[str, Any]:
        async with self.surface.deps.db() as session:
            found = await store.person_by_user(session, user_id)
        if found is None:
            raise ChatError("user_not_found")
        return profile(found, self._admins())

    async def people(self, team_id: str | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        query = select(TeamsPerson).order_by(TeamsPerson.user_id)
        if team_id is not None:
            query = query.where(TeamsPerson.team_id == team_id)
        async with self.surface.deps.db() as session:
            rows = list(await session.scalars(query.limit(MAX_MEMBERS)))
        admins = self._admins()
        for start in range(0, len(rows), PAGE):
            yield [profile(p, admins) for p in rows[start : start + PAGE]]

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Slack's Home view has no place on Teams: the home there is a card in the personal
        chat (handlers/teams_home.py), updated by the Teams handlers themselves."""
        raise ChatError("home_is_a_card_on_teams")

    def _admins(self) -> frozenset[str]:
        return self.surface.settings.admin_user_ids | self.surface.deps.settings.admin_user_ids
