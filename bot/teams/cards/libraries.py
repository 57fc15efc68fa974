"""The list of libraries on Teams, for admins: the list (paged), the add dialog, the CSV dialog
and the confirmation before a library is taken off the list.

The sentences are the Slack views' (`bot.coffee.views.messages.libraries_blocks`,
`bot.coffee.views.modals.library_add_modal` / `library_load_modal`, `bot.coffee.views.admin`),
byte-identical msgids, worded for Teams by the `TeamsTranslator`; the inputs have the Slack
modal's limits. Teams gives a bot no file without the file-consent flow, so the CSV is pasted
as text (the dialog says so).

Pure: libraries, a Teams translator in; JSON-ready cards out. Every button is checked again
on the server (handlers/teams_libraries.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.coffee.views.messages import LIBRARIES_PAGE_SIZE
from bot.people.libraries import NAME_MAX, CsvProblem
from bot.people.models import Library
from bot.people.service import LibraryAdded
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
from bot.teams.cards.answers import (
    Card,
    Element,
    Markdown,
    TeamsTranslator,
    card,
    dialog_button,
    execute,
    heading,
    note,
    submit,
    text_block,
)

#: Verbs (Action.Execute) and dialogs (task/fetch, task/submit) of handlers/teams_libraries.py.
PAGE = "libraries.page"  # data {"page": n}
REMOVE = "libraries.remove"  # data {"library_id": id}
ADD_DIALOG = "libraries.add"
LOAD_DIALOG = "libraries.load"

PAGE_KEY = "page"
LIBRARY_ID = "library_id"

#: The add dialog's inputs and the CSV dialog's (Slack's modal: 200 characters a name, a CSV of
#: at most 3000 characters: "for a long list, paste it in parts").
NAME_SV = "name_sv"
NAME_FI = "name_fi"
MUNICIPALITY = "municipality"
CSV_TEXT = "csv"
CSV_MAX = 3000

#: Characters of a name shown in the list, and of a name people typed (a page of 30 and 40
#: typed names stay well under Teams' 28 KB even when every character is escaped markup).
SHOWN_NAME_MAX = 60
TYPED_NAME_MAX = 40
TYPED_SHOWN = 40

# New sentences for Teams (no Slack view says them).
NO_FILES = N_(
    "Teams doesn't let me receive files here: open the CSV file, copy its lines and paste "
    "them below."
)
REMOVE_BUTTON = N_("Take off the list")
REMOVE_QUESTION = N_("Take {name} off the list of libraries?")

# The same sentences as the Slack views (msgids byte-identical).
ADMINS_LINE = N_(
    "Admins: `/fika libraries add`, `/fika libraries load` (CSV: "
    "name_sv,name_fi,municipality), `/fika libraries remove <name>`."
)
CSV_HINT = N_(
    "One library per line: name_sv,name_fi,municipality. A header line is fine; names "
    "already on the list are updated. For a long list, paste it in parts."
)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _error(text: str) -> Element:
    return text_block(text, color="Attention", spacing="None", size="Small")


def _angles(text: str) -> str:
    """Our own sentence's `<name>` shown as written (Teams would read `<…>` as a tag)."""
    return text.replace("<", "\\<").replace(">", "\\>")


def library_line(t: TeamsTranslator, library: Library) -> str:
    """ "Kronoby bibliotek / Kruunupyyn kirjasto (Kronoby)", as text (never markup)."""
    names = [library.name_sv]
    if library.name_fi and library.name_fi != library.name_sv:
        names.append(library.name_fi)
    line = " / ".join(t.inserted(_cut(n, SHOWN_NAME_MAX), line_start=False) for n in names)
    if library.municipality:
        line += f" ({t.inserted(_cut(library.municipality, SHOWN_NAME_MAX), line_start=False)})"
    return "• " + line


def pages_of(total: int) -> int:
    return max(1, -(-total // LIBRARIES_PAGE_SIZE))


def libraries_card(
    t: TeamsTranslator,
    libraries: Sequence[Library],
    page: int,
    admin: bool,
    typed: Sequence[Library],
    *,
    notice: str | None = None,
) -> Card:
    """A page of the list (Slack's `libraries_blocks`): the libraries, how many, where people
    pick theirs; for admins the names people typed and the add / load buttons."""
    pages = pages_of(len(libraries))
    page = min(max(page, 1), pages)
    shown = libraries[(page - 1) * LIBRARIES_PAGE_SIZE : page * LIBRARIES_PAGE_SIZE]
    body: list[Element] = []
    if notice:
        body.append({"type": "Container", "style": "emphasis", "items": [text_block(notice)]})
    body.append(heading(t("Libraries")))
    if not libraries:
        body.append(text_block(t("The list of libraries is empty so far.")))
    else:
        body += [text_block(library_line(t, lib), spacing="None") for lib in shown]
        body.append(
            note(
                t.ngettext(
                    "{n} library · page {page} of {pages}",
                    "{n} libraries · page {page} of {pages}",
                    len(libraries),
                    page=t.number(page),
                    pages=t.number(pages),
                )
            )
        )
    body.append(
        note(t("Pick yours with `/fika profile`; if it is missing, you can type its name there."))
    )
    if admin:
        body.append(note(_angles(t(ADMINS_LINE))))
    if admin and typed:
        names = ", ".join(
            t.inserted(_cut(lib.name_sv, TYPED_NAME_MAX), line_start=False)
            for lib in typed[:TYPED_SHOWN]
        )
        typed_text = t("Typed by people, not on the list: {names}", names=Markdown(names))
        more = len(typed) - TYPED_SHOWN
        if more > 0:
            typed_text += " " + t.ngettext("and {n} more", "and {n} more", more)
        body.append(note(typed_text))
    actions: list[Element] = []
    if page > 1:
        actions.append(execute(t("Previous"), PAGE, {PAGE_KEY: page - 1}))
    if page < pages:
        actions.append(execute(t("Next"), PAGE, {PAGE_KEY: page + 1}))
    if admin:
        actions.append(dialog_button(t("Add a library"), ADD_DIALOG))
        actions.append(dialog_button(t("Load a CSV"), LOAD_DIALOG))
    return card(body, actions)


def page_asked(data: Mapping[str, Any] | None) -> int:
    """The page a button asks for (anything odd: the first)."""
    value = (data or {}).get(PAGE_KEY)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10_000:
        return value
    return 1


def library_asked(data: Mapping[str, Any] | None) -> int | None:
    """The library id a button names (None: unreadable)."""
    value = (data or {}).get(LIBRARY_ID)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value < 2**31:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value) or None
    return None


# ---------------------------------------------------------------------------- remove


def remove_confirm_card(t: TeamsTranslator, library: Library) -> Card:
    """`libraries remove <name>`: the question, and the button that takes it off."""
    return card(
        [text_block(t(REMOVE_QUESTION, name=library.name_sv), weight="Bolder")],
        [execute(t(REMOVE_BUTTON), REMOVE, {LIBRARY_ID: library.id}, style="destructive")],
    )


# ---------------------------------------------------------------------------- dialogs


def add_prompt_card(t: TeamsTranslator) -> Card:
    """`libraries add`: a bot cannot open a dialog by itself, so a button opens it."""
    return card([heading(t("Add a library"))], [dialog_button(t("Add a library"), ADD_DIALOG)])


def load_prompt_card(t: TeamsTranslator) -> Card:
    """`libraries load`: the button that opens the CSV dialog, and that files are pasted."""
    return card(
        [heading(t("Load libraries (CSV)")), text_block(t(NO_FILES))],
        [dialog_button(t("Load a CSV"), LOAD_DIALOG)],
    )


def message(t: Translator, error: UserFacingError) -> str:
    """A refusal as a dialog's closing message (plain text: a plain translator)."""
    return t(error.message, **error.params)


def added_message(t: Translator, added: LibraryAdded) -> str:
    """The add dialog's closing message (Slack's `library_added_text`, plain text)."""
    if added.new:
        return t("{name} is now on the list of libraries.", name=added.name)
    return t("{name} was already known; its details are updated.", name=added.name)


def form_text(data: Mapping[str, Any], key: str) -> str:
    """A submitted input's text (whatever a crafted submission holds reads as empty)."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _input(
    id_: str,
    label: str,
    value: str,
    *,
    required: str | None = None,
    multiline: bool = False,
    max_length: int = NAME_MAX,
) -> Element:
    element: Element = {"type": "Input.Text", "id": id_, "label": label, "maxLength": max_length}
    if multiline:
        element["isMultiline"] = True
    if required:
        element["isRequired"] = True
        element["errorMessage"] = required
    if value:
        element["value"] = value[:max_length]
    return element


def add_title(t: TeamsTranslator) -> str:
    return t("Add a library")


def add_dialog(
    t: TeamsTranslator, values: Mapping[str, str] | None = None, error: str | None = None
) -> Card:
    """The Slack modal's three fields (the Swedish name required, 200 characters each); shown
    again after a refused save with what was typed and why."""
    values = values or {}
    body: list[Element] = [
        _input(
            NAME_SV,
            t("Name in Swedish"),
            values.get(NAME_SV, ""),
            required=t("A library needs a name."),
        )
    ]
    if error:
        body.append(_error(error))
    body.append(_input(NAME_FI, t("Name in Finnish"), values.get(NAME_FI, "")))
    body.append(_input(MUNICIPALITY, t("Municipality"), values.get(MUNICIPALITY, "")))
    return card(body, [submit(t("Save"), ADD_DIALOG)])


def load_title(t: TeamsTranslator) -> str:
    return t("Load libraries (CSV)")


def load_dialog(t: TeamsTranslator, text: str = "", error: str | None = None) -> Card:
    """The CSV pasted as text (at most 3000 characters, as on Slack)."""
    body: list[Element] = [
        text_block(t(NO_FILES)),
        _input(
            CSV_TEXT,
            t("Libraries as CSV"),
            text,
            required=t("There are no libraries in the text."),
            multiline=True,
            max_length=CSV_MAX,
        ),
        note(t(CSV_HINT)),
    ]
    if error:
        body.append(_error(error))
    return card(body, [submit(t("Save"), LOAD_DIALOG)])


def _problem(t: TeamsTranslator, problem: CsvProblem) -> str:
    text = t(problem.message, **problem.params)  # names from the CSV made plain by t
    if problem.line:
        return t("line {line}: {problem}", line=problem.line, problem=text)
    return text


def csv_refused(t: TeamsTranslator, problems: Sequence[CsvProblem]) -> str:
    """Why nothing was loaded (Slack's `csv_refused`, the same sentences; markup-safe)."""
    if not problems:
        return t("There are no libraries in the text.")
    shown = Markdown("; ".join(_problem(t, p) for p in problems[:5]))
    return t("Nothing was loaded. Please fix: {problems}", problems=shown)


def card_size(value: Card) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
