"""The port through which features reach people on a chat surface, without knowing which.

A feature asks for what it needs — a group's members, a person's profile, the workspace's
people, a Home to show —
and the surface's adapter does it (Slack: `bot.platform.slack_chat.SlackChat`, `deps.chat`).
What travels is rendered by the surface's own views (Block Kit for Slack), never built here.
A refusal or an outage is a `ChatError` with the surface's code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol


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

    def people(self) -> AsyncIterator[list[dict[str, Any]]]:
        """Everyone in the workspace, as profiles like `person` gives (deactivated accounts
        too), a page at a time (at most MAX_MEMBERS). A failure midway raises `ChatError`
        after the pages read so far."""
        ...

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Show a person their Home."""
        ...


#: 100 pages of 200: more than any library's channel has.
MAX_MEMBERS = 20_000
