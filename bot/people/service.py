"""The list of libraries, once for every chat surface: show it, add one, load many from a CSV,
take one off. Libraries are shared people data (`bot.people.libraries` holds the rules).

Each function takes plain ids, checks the permission table again (`bot.people.permissions`),
runs its transaction and returns a small result. A form's answer is its acknowledgement, so
what follows a change (telling the admin) runs afterwards through `LibraryNotices`, the
surface's side (`bot.people.slack_libraries.SlackLibraryNotices` on Slack). No Slack here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from bot.coffee.ids import CoffeeView
from bot.coffee.views.admin import WHICH_LIBRARY
from bot.people.libraries import (
    CsvProblem,
    LibraryRow,
    add_library,
    curated_libraries,
    load_libraries,
    parse_library_csv,
    remove_library,
    typed_libraries,
)
from bot.people.models import Library
from bot.people.permissions import SEE_TYPED_LIBRARIES, can, require, slash
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError

log = logging.getLogger(__name__)


class LibraryNotices(Protocol):
    """What the chat surface tells the admin after a change to the list."""

    async def library_added(self, team_id: str, user_id: str, added: LibraryAdded) -> None:
        """Tell the admin the library is on the list (or was known and is updated)."""

    async def libraries_loaded(self, team_id: str, user_id: str, loaded: LibrariesLoaded) -> None:
        """Tell the admin how many libraries a CSV added and updated."""


@dataclass(frozen=True)
class LibraryList:
    """The curated list; for admins also the names people typed that are not on it."""

    curated: tuple[Library, ...]
    typed: tuple[Library, ...]
    admin: bool


@dataclass(frozen=True)
class LibraryAdded:
    name: str  # the Swedish name, as stored
    new: bool  # False: it was known (curated now, its details updated)


@dataclass(frozen=True)
class CsvChecked:
    """A CSV as read: `problems` (nothing is loaded), no rows (nothing to load), or `rows`
    being loaded now."""

    rows: int
    problems: tuple[CsvProblem, ...] = ()

    @property
    def loading(self) -> bool:
        return bool(self.rows) and not self.problems


@dataclass(frozen=True)
class LibrariesLoaded:
    added: int
    updated: int


@dataclass(frozen=True)
class LibraryRemoved:
    asked: str  # the name as typed
    name: str | None  # the library's Swedish name; None: no such library on the list


async def libraries(deps: Deps, team_id: str, user_id: str) -> LibraryList:
    admin = await can(deps, team_id, user_id, SEE_TYPED_LIBRARIES)
    async with deps.db() as session:
        curated = await curated_libraries(session, team_id)
        typed = await typed_libraries(session, team_id) if admin else []
    return LibraryList(tuple(curated), tuple(typed), admin)


async def add(
    deps: Deps,
    notices: LibraryNotices,
    team_id: str,
    user_id: str,
    name_sv: str,
    name_fi: str | None = None,
    municipality: str | None = None,
) -> LibraryAdded:
    """Put a library on the list, or curate and update one already known by that name. A bad
    name is a `UserFacingError`; the admin is told afterwards through `notices`."""
    await require(deps, team_id, user_id, CoffeeView.LIBRARY_ADD)
    async with deps.db.begin() as session:
        library, new = await add_library(session, team_id, name_sv, name_fi, municipality)
        added = LibraryAdded(library.name_sv, new)
    deps.tasks.spawn(
        notices.library_added(team_id, user_id, added), name=f"library-added-{user_id}"
    )
    return added


async def load(
    deps: Deps, notices: LibraryNotices, team_id: str, user_id: str, text: str
) -> CsvChecked:
    """Check a CSV (`name_sv,name_fi,municipality`) and, when every line is fine, load it
    afterwards (added or updated on the list) and tell the admin through `notices`."""
    await require(deps, team_id, user_id, CoffeeView.LIBRARY_LOAD)
    rows, problems = parse_library_csv(text)
    checked = CsvChecked(len(rows), tuple(problems))
    if checked.loading:
        deps.tasks.spawn(
            _load_and_tell(deps, notices, team_id, user_id, rows), name=f"libraries-{user_id}"
        )
    return checked


async def _load_and_tell(
    deps: Deps, notices: LibraryNotices, team_id: str, user_id: str, rows: list[LibraryRow]
) -> None:
    async with deps.db.begin() as session:
        added, updated = await load_libraries(session, team_id, rows)
    log.info("libraries loaded by %s: %s new, %s updated", user_id, added, updated)
    await notices.libraries_loaded(team_id, user_id, LibrariesLoaded(added, updated))


async def remove(deps: Deps, team_id: str, user_id: str, name: str) -> LibraryRemoved:
    """Take a library off the list; people who chose it keep it (as a name they typed)."""
    await require(deps, team_id, user_id, slash("/fika", "libraries", "remove"))
    if not name.strip():
        raise UserFacingError(WHICH_LIBRARY)
    async with deps.db.begin() as session:
        removed = await remove_library(session, team_id, name)
        return LibraryRemoved(name, removed.name_sv if removed else None)
