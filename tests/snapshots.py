"""Snapshot files for rendered views: `assert_snapshot(name, value, folder)`.

The value is written as pretty JSON (sorted keys, `ensure_ascii=False`, a trailing newline) to
`<folder>/<name>.json`, normally `tests/<feature>/snapshots/`. A test compares what it renders
with the file:

* the same: it passes;
* different: it fails with a unified diff (file → rendered);
* no file: it fails, saying how to create it — a missing snapshot never passes silently;
* `UPDATE_SNAPSHOTS=1` in the environment: the file is (re)written and the test passes.
  Review `git diff tests/*/snapshots/` before committing.

`catalog_msgstr(locale, msgid)` reads a translation straight from
`locales/<locale>/LC_MESSAGES/messages.po` (not through `bot.platform.i18n`), so a test can
check that a render really is in the language it asked for.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

UPDATE_ENV = "UPDATE_SNAPSHOTS"
ROOT = Path(__file__).resolve().parents[1]
LOCALES_DIR = ROOT / "locales"
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")


def updating() -> bool:
    return os.environ.get(UPDATE_ENV) == "1"


def to_json(value: Any) -> str:
    """The snapshot text of `value` (only JSON types: a datetime in a view is a bug)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def assert_snapshot(name: str, value: Any, folder: Path) -> None:
    """Compare `value` with `folder/<name>.json` (see the module docstring)."""
    assert _NAME.fullmatch(name), f"snapshot name {name!r}: lower-case letters, digits, _ . -"
    path = folder / f"{name}.json"
    rendered = to_json(value)
    if updating():
        folder.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != rendered:
            tmp = path.with_suffix(f".json.tmp{os.getpid()}")
            tmp.write_text(rendered, encoding="utf-8")
            tmp.replace(path)  # atomic: parallel workers never see half a file
        return
    if not path.is_file():
        pytest.fail(
            f"no snapshot {_shown(path)}: run `{UPDATE_ENV}=1 make test`, "
            "review the new file and commit it",
            pytrace=False,
        )
    expected = path.read_text(encoding="utf-8")
    if expected != rendered:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                rendered.splitlines(keepends=True),
                fromfile=_shown(path),
                tofile=f"{name} (rendered now)",
            )
        )
        pytest.fail(
            f"snapshot {name} differs from what the view renders now:\n{diff}\n"
            f"If the change is intended: `{UPDATE_ENV}=1 make test`, review `git diff`, commit.",
            pytrace=False,
        )


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def snapshot_names(folder: Path) -> set[str]:
    """The snapshots kept in `folder` (to find ones no test renders any more)."""
    return {p.stem for p in folder.glob("*.json")}


def assert_no_stale_snapshots(folder: Path, rendered: set[str]) -> None:
    """Every file in `folder` is one a test renders; with UPDATE_SNAPSHOTS=1 the others go."""
    stale = snapshot_names(folder) - rendered
    if stale and updating():
        for name in stale:
            (folder / f"{name}.json").unlink(missing_ok=True)
        return
    assert not stale, (
        f"snapshots no test renders any more in {folder}: {sorted(stale)}; "
        f"`{UPDATE_ENV}=1 make test` removes them"
    )


# ---------------------------------------------------------------------------- the catalogs


@cache
def _catalog(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def catalog_msgstr(locale: str, msgid: str) -> str:
    """The translation of `msgid` in the .po file (must exist and be non-empty)."""
    message = _catalog(locale).get(msgid)
    assert message is not None, f"{msgid!r} is not in locales/{locale}/LC_MESSAGES/messages.po"
    text = message.string
    assert isinstance(text, str) and text, f"{msgid!r} has no {locale} translation"
    return text


def literal(text: str) -> str:
    """The longest part of a msgstr between `{placeholders}`: what must appear verbatim."""
    return max(re.split(r"\{[^{}]*\}", text), key=len).strip()


def strings_in(value: Any) -> str:
    """Every string in a JSON value, one per line (for `in` checks on rendered text)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return "\n".join(found)
