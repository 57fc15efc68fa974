"""`libraries` on Microsoft Teams, for admins: the list (paged), adding one (a dialog), loading
a CSV (a dialog the CSV is pasted into: Teams gives a bot no file without the file-consent
flow), taking one off the list (confirmed).

The same words as `/fika libraries` on Slack (any language's, and the aliases; the second words
`add` / `load` / `remove` as handlers/coffee_libraries.py reads them), typed in the personal
chat or after @Fika in a team channel. On Teams the whole list is the admins' (people pick
theirs in the profile dialog): every command, click and dialog is authorized on the server
first (`bot.people.permissions`), and again by the use cases of `bot.people.service`. What the
list shows admins (the names people typed) goes to the admin's personal chat when asked for in
a channel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.coffee.commands import LIBRARIES
from bot.coffee.ids import CoffeeView
from bot.coffee.views.admin import WHICH_LIBRARY, libraries_loaded_text, library_removed_reply
from bot.people import service as people
from bot.people.libraries import find_library
from bot.people.models import Library
from bot.people.permissions import SEE_TYPED_LIBRARIES, require, slash
from bot.platform.commands import Subcommand, fold
from bot.platform.errors import NotAuthorized, UserFacingError
from bot.platform.slack_values import to_offset
from bot.teams.cards import answers as cards
from bot.teams.cards import libraries as lib_cards
from bot.teams.cards.answers import Card, TeamsTranslator
from bot.teamsapp.invoke import card_activity, dialog, dialog_message, message_answer
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn
from handlers.teams_home import card_translator
from handlers.teams_people import INSTALL_FIRST, SENT_TO_CHAT

log = logging.getLogger(__name__)

# The second words, as handlers/coffee_libraries.py reads them (folded).
ADD_WORDS = frozenset({"add", "lagg-till", "laggtill", "lisaa"})
LOAD_WORDS = frozenset({"load", "csv", "ladda", "tuo", "import"})
REMOVE_WORDS = frozenset({"remove", "delete", "ta-bort", "tabort", "poista"})

#: Who may see the list on Teams: admins (the names people typed are on it).
SEE_LIST = SEE_TYPED_LIBRARIES
ADD = str(CoffeeView.LIBRARY_ADD)
LOAD = str(CoffeeView.LIBRARY_LOAD)
REMOVE = slash("/fika", "libraries", "remove")


async def _t(surface: TeamsSurface, turn: Turn) -> TeamsTranslator:
    return await card_translator(surface, turn.team_id, turn.user_id)


async def _reply(surface: TeamsSurface, turn: Turn, card: Card) -> None:
    await surface.reply_card(turn, card, summary=cards.summary(card))


async def _private(surface: TeamsSurface, turn: Turn, card: Card) -> None:
    """The admin's own answer: in the personal chat (typed there, or sent there from a
    channel, which is told so)."""
    if turn.personal or turn.user_id is None:
        await _reply(surface, turn, card)
        return
    sent = await surface.to_person(
        turn.team_id, turn.user_id, card_activity(card, cards.summary(card))
    )
    t = await _t(surface, turn)
    await _reply(surface, turn, cards.notice_card(t(SENT_TO_CHAT if sent else INSTALL_FIRST)))


async def _listing(
    surface: TeamsSurface, turn: Turn, t: TeamsTranslator, page: int, notice: str | None = None
) -> Card:
    assert turn.user_id is not None
    await require(surface.deps, turn.team_id, turn.user_id, SEE_LIST)
    found = await people.libraries(surface.deps, turn.team_id, turn.user_id)
    return lib_cards.libraries_card(
        t, list(found.curated), page, found.admin, list(found.typed), notice=notice
    )


# ---------------------------------------------------------------------------- the command


async def libraries_command(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    """`libraries [N]`, `libraries add`, `libraries load`, `libraries remove <name>`."""
    if turn.user_id is None:
        return
    t = await _t(surface, turn)
    first = fold(args[0]) if args else ""
    rest = " ".join(args[1:]).strip()
    deps = surface.deps
    try:
        if first in ADD_WORDS:
            await require(deps, turn.team_id, turn.user_id, ADD)
            await _reply(surface, turn, lib_cards.add_prompt_card(t))
        elif first in LOAD_WORDS:
            await require(deps, turn.team_id, turn.user_id, LOAD)
            await _reply(surface, turn, lib_cards.load_prompt_card(t))
        elif first in REMOVE_WORDS:
            await require(deps, turn.team_id, turn.user_id, REMOVE)
            if not rest:
                raise UserFacingError(WHICH_LIBRARY)
            async with deps.db() as session:
                library = await find_library(session, turn.team_id, rest)
            if library is None or not library.curated:
                await _reply(surface, turn, cards.notice_card(library_removed_reply(t, rest, None)))
            else:
                await _reply(surface, turn, lib_cards.remove_confirm_card(t, library))
        else:
            await _private(surface, turn, await _listing(surface, turn, t, to_offset(first) or 1))
    except UserFacingError as exc:  # NotAuthorized too: a polite refusal, nothing changed
        await _reply(surface, turn, cards.refused_card(t, exc))


def _words(sub: Subcommand) -> set[str]:
    """Every way to type the word, as the router looks it up (lower case) and folded."""
    typed = {sub.name, *sub.aliases.values(), *sub.extra_aliases}
    return {w.lower() for w in typed} | {fold(w) for w in typed}


COMMANDS: dict[str, Any] = {word: libraries_command for word in sorted(_words(LIBRARIES))}


# ---------------------------------------------------------------------------- buttons


async def _refused(surface: TeamsSurface, turn: Turn, exc: UserFacingError) -> dict[str, Any]:
    """A refused click: the card stays as it is (for everyone who sees it, in a channel too)
    and the clicker is shown why, in their language."""
    return message_answer(lib_cards.message(await _plain_t(surface, turn), exc))


async def page(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """Previous / Next: the page asked for, if the clicker is an admin now."""
    if turn.user_id is None:
        return None
    t = await _t(surface, turn)
    try:
        return await _listing(surface, turn, t, lib_cards.page_asked(data))
    except UserFacingError as exc:
        return await _refused(surface, turn, exc)


async def remove(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """The confirmation's button: the library it names (in this tenant) taken off the list."""
    if turn.user_id is None:
        return None
    deps = surface.deps
    t = await _t(surface, turn)
    try:
        await require(deps, turn.team_id, turn.user_id, REMOVE)
        library_id = lib_cards.library_asked(data)
        library: Library | None = None
        if library_id is not None:
            async with deps.db() as session:
                library = await session.scalar(
                    select(Library).where(Library.team_id == turn.team_id, Library.id == library_id)
                )
        if library is None:  # unreadable, or another tenant's: nothing to say about it
            raise UserFacingError(WHICH_LIBRARY)
        if not library.curated:  # taken off already (a second click)
            return cards.notice_card(library_removed_reply(t, library.name_sv, None))
        removed = await people.remove(deps, turn.team_id, turn.user_id, library.name_sv)
    except UserFacingError as exc:
        return await _refused(surface, turn, exc)
    return cards.notice_card(library_removed_reply(t, removed.asked, removed.name))


VERBS: dict[str, Any] = {lib_cards.PAGE: page, lib_cards.REMOVE: remove}


# ---------------------------------------------------------------------------- dialogs


@dataclass(frozen=True)
class TeamsLibraryNotices:
    """`bot.people.service.LibraryNotices` on Teams: an addition is said as the dialog closes;
    what a CSV did comes to the admin's personal chat (else where the dialog was opened)."""

    surface: TeamsSurface
    turn: Turn

    async def library_added(self, team_id: str, user_id: str, added: people.LibraryAdded) -> None:
        """Said by the dialog as it closes (handlers' `add_submit`)."""

    async def libraries_loaded(
        self, team_id: str, user_id: str, loaded: people.LibrariesLoaded
    ) -> None:
        t = await card_translator(self.surface, team_id, user_id)
        card = cards.notice_card(libraries_loaded_text(t, loaded.added, loaded.updated))
        activity = card_activity(card, cards.summary(card))
        if await self.surface.to_person(team_id, user_id, activity) is None:
            await self.surface.reply(self.turn, activity)


async def add_fetch(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    if turn.user_id is None:
        return None
    t = await _t(surface, turn)
    try:
        await require(surface.deps, turn.team_id, turn.user_id, ADD)
    except NotAuthorized as exc:
        return dialog_message(lib_cards.message(await _plain_t(surface, turn), exc))
    return dialog(lib_cards.add_title(t), lib_cards.add_dialog(t))


async def _plain_t(surface: TeamsSurface, turn: Turn) -> Any:
    """A dialog's closing message is plain text: the plain translator."""
    return await surface.translator(turn.team_id, turn.user_id)


async def add_submit(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """Checked and stored by the use case; a refused name comes back at the name, what was
    typed kept; saved: the dialog closes saying so."""
    if turn.user_id is None:
        return None
    values = {
        key: lib_cards.form_text(data, key)
        for key in (lib_cards.NAME_SV, lib_cards.NAME_FI, lib_cards.MUNICIPALITY)
    }
    try:
        added = await people.add(
            surface.deps,
            TeamsLibraryNotices(surface, turn),
            turn.team_id,
            turn.user_id,
            values[lib_cards.NAME_SV],
            values[lib_cards.NAME_FI],
            values[lib_cards.MUNICIPALITY],
        )
    except NotAuthorized as exc:
        return dialog_message(lib_cards.message(await _plain_t(surface, turn), exc))
    except UserFacingError as exc:  # a bad name: shown at the name
        t = await _t(surface, turn)
        problem = t(exc.message, **exc.params)
        return dialog(lib_cards.add_title(t), lib_cards.add_dialog(t, values, problem))
    return dialog_message(lib_cards.added_message(await _plain_t(surface, turn), added))


async def load_fetch(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    if turn.user_id is None:
        return None
    t = await _t(surface, turn)
    try:
        await require(surface.deps, turn.team_id, turn.user_id, LOAD)
    except NotAuthorized as exc:
        return dialog_message(lib_cards.message(await _plain_t(surface, turn), exc))
    return dialog(lib_cards.load_title(t), lib_cards.load_dialog(t))


async def load_submit(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """Every line checked first: a problem anywhere loads nothing and the dialog says which
    lines (the text kept); else the dialog closes and what was loaded comes in a moment."""
    if turn.user_id is None:
        return None
    text = lib_cards.form_text(data, lib_cards.CSV_TEXT)
    try:
        checked = await people.load(
            surface.deps, TeamsLibraryNotices(surface, turn), turn.team_id, turn.user_id, text
        )
    except UserFacingError as exc:
        return dialog_message(lib_cards.message(await _plain_t(surface, turn), exc))
    if not checked.loading:
        t = await _t(surface, turn)
        problem = lib_cards.csv_refused(t, checked.problems)
        return dialog(lib_cards.load_title(t), lib_cards.load_dialog(t, text, problem))
    return None


DIALOGS: dict[str, Any] = {
    lib_cards.ADD_DIALOG: (add_fetch, add_submit),
    lib_cards.LOAD_DIALOG: (load_fetch, load_submit),
}
