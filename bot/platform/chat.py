"""The port through which features reach people on a chat surface, without knowing which.

A feature asks for what it needs — a group's members, a person's profile, the workspace's
people, a Home to show —
and the surface's adapter does it (Slack: `bot.platform.slack_chat.SlackChat`, `deps.chat`).
What travels is rendered by the surface's own views (Block Kit for Slack), never built here.
A refusal or an outage is a `ChatError` with the surface's code.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any, Protocol

#: The shape of Fika's ids for what lives on Microsoft Teams (bot/teams/identity.py: 32
#: lower-case hex digits); Slack's ids start with an upper-case letter.
_TEAMS_ID = re.compile(r"[0-9a-f]{32}")


def on_teams(any_id: str) -> bool:
    """Whether a stored team, user or channel id is one of Teams' (else Slack's)."""
    return _TEAMS_ID.fullmatch(any_id or "") is not None


class ChatError(Exception):
    """The surface refused or failed a call; `code` is its error code (e.g. "channel_not_found")."""

    @property
    def code(self) -> str:
        return str(self.args[0]) if self.args else "unknown"


class Chat(Protocol):
    async def group_members(self, conversation_id: str) -> list[str]:
        """Every member of a channel or group, all pages (at most MAX_MEMBERS)."""
        ...

    async def person(self, user_id: str) -> dict[str, Any]:
        """The person's profile as the surface gives it (name, locale, time zone, admin flags)."""
        ...

    def people(self, team_id: str | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """Everyone in the workspace, as profiles like `person` gives (deactivated accounts
        too), a page at a time (at most MAX_MEMBERS). A failure midway raises `ChatError`
        after the pages read so far."""
        ...

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Show a person their Home."""
        ...


#: 100 pages of 200: more than any library's channel has.
MAX_MEMBERS = 20_000


class SurfaceChat:
    """Each call to the chat of the surface the id belongs to (`on_teams`): Slack's, or the
    Teams surface's when this process serves Teams."""

    def __init__(self, slack: Chat, teams: Chat | None) -> None:
        self.slack = slack
        self.teams = teams

    def _for(self, any_id: str | None) -> Chat:
        if any_id is not None and on_teams(any_id):
            if self.teams is None:
                raise ChatError("teams_not_running")
            return self.teams
        return self.slack

    async def group_members(self, conversation_id: str) -> list[str]:
        return await self._for(conversation_id).group_members(conversation_id)

    async def person(self, user_id: str) -> dict[str, Any]:
        return await self._for(user_id).person(user_id)

    def people(self, team_id: str | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        return self._for(team_id).people(team_id)

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        await self._for(user_id).publish_home(user_id, view)
