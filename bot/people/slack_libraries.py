"""Slack's side of the list of libraries (`bot.people.service.LibraryNotices`): the admin is
told by a direct message in their language, through the outbox (retried, not lost)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.coffee.views.admin import libraries_loaded_text, library_added_text
from bot.people.directory import translator_for
from bot.people.service import LibrariesLoaded, LibraryAdded
from bot.platform import outbox
from bot.platform.deps import Deps


@dataclass(frozen=True)
class SlackLibraryNotices:
    deps: Deps

    async def _tell(self, team_id: str, user_id: str, text: str) -> None:
        await outbox.call(self.deps, team_id, "chat.postMessage", channel=user_id, text=text)

    async def library_added(self, team_id: str, user_id: str, added: LibraryAdded) -> None:
        t = await translator_for(self.deps, team_id, user_id)
        await self._tell(team_id, user_id, library_added_text(t, added.name, added.new))

    async def libraries_loaded(self, team_id: str, user_id: str, loaded: LibrariesLoaded) -> None:
        t = await translator_for(self.deps, team_id, user_id)
        await self._tell(team_id, user_id, libraries_loaded_text(t, loaded.added, loaded.updated))
