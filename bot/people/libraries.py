"""Libraries: the list the admins keep (curated) and the names people type themselves."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.models import Library
from bot.platform.commands import fold
from bot.platform.db.upsert import insert_missing, read_back
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_

NAME_MAX = 200
CSV_MAX_ROWS = 2000
_HEADER = ("name_sv", "name_fi", "municipality")


@dataclass(frozen=True)
class LibraryRow:
    name_sv: str
    name_fi: str | None
    municipality: str | None


@dataclass(frozen=True)
class CsvProblem:
    line: int
    message: str  # an N_() msgid
    params: dict[str, object]


def clean_name(text: str | None) -> str:
    """Whitespace collapsed and trimmed."""
    return " ".join((text or "").split())


def matches(library: Library, name: str) -> bool:
    key = fold(clean_name(name))
    return key in {fold(library.name_sv), fold(library.name_fi or "")}


def library_label(library: Library, locale: str, with_municipality: bool = False) -> str:
    name = library.display_name(locale)
    municipality = label_municipality(library, locale) if with_municipality else None
    return f"{name} ({municipality})" if municipality else name


def label_municipality(library: Library, locale: str) -> str | None:
    """The municipality shown after a library's name, unless the name already says it."""
    name = library.display_name(locale)
    if library.municipality and fold(library.municipality) not in fold(name):
        return library.municipality
    return None


async def curated_libraries(session: AsyncSession, team_id: str) -> list[Library]:
    rows = await session.scalars(
        select(Library).where(Library.team_id == team_id, Library.curated.is_(True))
    )
    return sorted(rows, key=lambda lib: fold(lib.name_sv))


async def typed_libraries(session: AsyncSession, team_id: str) -> list[Library]:
    rows = await session.scalars(
        select(Library).where(Library.team_id == team_id, Library.curated.is_(False))
    )
    return sorted(rows, key=lambda lib: fold(lib.name_sv))


async def find_library(session: AsyncSession, team_id: str, name: str) -> Library | None:
    """A library whose Swedish or Finnish name is `name` (ignoring case and accents)."""
    rows = await session.scalars(select(Library).where(Library.team_id == team_id))
    found = [lib for lib in rows if matches(lib, name)]
    found.sort(key=lambda lib: (not lib.curated, lib.id))
    return found[0] if found else None


def search(libraries: list[Library], query: str, limit: int = 100) -> list[Library]:
    words = fold(query).split()
    hits = [
        lib
        for lib in libraries
        if all(
            w in fold(f"{lib.name_sv} {lib.name_fi or ''} {lib.municipality or ''}") for w in words
        )
    ]
    return hits[:limit]


def _check_name(name: str) -> str:
    name = clean_name(name)
    if not name:
        raise UserFacingError(N_("A library needs a name."))
    if len(name) > NAME_MAX:
        raise UserFacingError(N_("A library name can be at most {max} characters."), max=NAME_MAX)
    return name


async def add_library(
    session: AsyncSession,
    team_id: str,
    name_sv: str,
    name_fi: str | None = None,
    municipality: str | None = None,
    *,
    index: dict[str, Library] | None = None,
) -> tuple[Library, bool]:
    """Add to the curated list (or update and curate a name already known). (library, new?)

    `index` (folded Swedish name → library) saves a query per row when loading many.
    """
    name_sv = _check_name(name_sv)
    name_fi_clean = clean_name(name_fi) or None
    municipality_clean = clean_name(municipality) or None
    for value in (name_fi_clean, municipality_clean):
        if value and len(value) > NAME_MAX:
            raise UserFacingError(
                N_("A library name can be at most {max} characters."), max=NAME_MAX
            )
    if index is None:
        index = await _index(session, team_id)
    existing = index.get(fold(name_sv))
    if existing is None:
        new = await insert_missing(
            session,
            Library,
            {
                "team_id": team_id,
                "name_sv": name_sv,
                "name_fi": name_fi_clean,
                "municipality": municipality_clean,
                "curated": True,
            },
            key=("team_id", "name_sv"),
        )
        existing = await _exact(session, team_id, name_sv)
        index[fold(name_sv)] = existing
        if new:
            return existing, True
    existing.name_sv = name_sv
    existing.name_fi = name_fi_clean or existing.name_fi
    existing.municipality = municipality_clean or existing.municipality
    existing.curated = True
    return existing, False


async def _exact(session: AsyncSession, team_id: str, name_sv: str) -> Library:
    """The library stored with exactly this Swedish name (it must exist)."""
    library = await session.scalar(
        read_back(select(Library).where(Library.team_id == team_id, Library.name_sv == name_sv))
    )
    if library is None:
        raise LookupError(f"library {name_sv!r} vanished")
    return library


async def _index(session: AsyncSession, team_id: str) -> dict[str, Library]:
    rows = await session.scalars(select(Library).where(Library.team_id == team_id))
    return {fold(lib.name_sv): lib for lib in rows}


async def remove_library(session: AsyncSession, team_id: str, name: str) -> Library | None:
    """Take a library off the list. People who chose it keep it (it becomes a typed name)."""
    library = await find_library(session, team_id, name)
    if library is None or not library.curated:
        return None
    library.curated = False
    return library


async def library_for_typed_name(session: AsyncSession, team_id: str, name: str) -> Library:
    """The library a person typed: a known one with that name, else a new uncurated entry."""
    name = _check_name(name)
    existing = await find_library(session, team_id, name)
    if existing is not None:
        return existing
    # Colleagues may type the same new name at the same moment: one row, everyone keeps it.
    await insert_missing(
        session,
        Library,
        {"team_id": team_id, "name_sv": name, "curated": False},
        key=("team_id", "name_sv"),
    )
    return await _exact(session, team_id, name)


def parse_library_csv(text: str) -> tuple[list[LibraryRow], list[CsvProblem]]:
    """Rows of `name_sv,name_fi,municipality` (a header line and `;` separators are fine)."""
    lines = text.replace("\ufeff", "").splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows: list[LibraryRow] = []
    problems: list[CsvProblem] = []
    seen: set[str] = set()
    for number, fields in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [clean_name(c) for c in fields]
        if not any(cells):
            continue
        if number == 1 and tuple(fold(c) for c in cells[:3]) == _HEADER[: len(cells[:3])]:
            continue
        if len(cells) > 3:
            problems.append(CsvProblem(number, N_("more than three columns"), {}))
            continue
        name_sv, name_fi, municipality = ([*cells, "", ""])[:3]
        if not name_sv:
            problems.append(CsvProblem(number, N_("the Swedish name is missing"), {}))
            continue
        if any(len(c) > NAME_MAX for c in cells):
            problems.append(
                CsvProblem(number, N_("a name is longer than {max} characters"), {"max": NAME_MAX})
            )
            continue
        if fold(name_sv) in seen:
            problems.append(CsvProblem(number, N_("{name} is listed twice"), {"name": name_sv}))
            continue
        seen.add(fold(name_sv))
        rows.append(LibraryRow(name_sv, name_fi or None, municipality or None))
    if len(rows) > CSV_MAX_ROWS:
        problems.append(
            CsvProblem(0, N_("at most {max} libraries at a time"), {"max": CSV_MAX_ROWS})
        )
    return rows, problems


async def load_libraries(
    session: AsyncSession, team_id: str, rows: list[LibraryRow]
) -> tuple[int, int]:
    """Add or update every row in the curated list; returns (added, updated)."""
    added = updated = 0
    index = await _index(session, team_id)
    for row in rows:
        _, new = await add_library(
            session, team_id, row.name_sv, row.name_fi, row.municipality, index=index
        )
        if new:
            added += 1
        else:
            updated += 1
    return added, updated
