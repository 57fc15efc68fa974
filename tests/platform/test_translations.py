"""Every user-visible string is translated in sv, fi and en, with matching placeholders."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.platform.catalogs import load, placeholders, problems
from bot.platform.config import SUPPORTED_LOCALES
from bot.platform.i18n import translator

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": None, "N_": None, "ngettext": (1, 2)}


def _source_msgids() -> set[str]:
    ids: set[str] = set()
    for package in ("bot", "handlers", "jobs"):
        for _file, _line, msg, _comments, _ctx in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            ids.add(msg[0] if isinstance(msg, tuple) else msg)
    return ids


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalog_has_no_empty_fuzzy_or_mismatched_entries(locale: str) -> None:
    assert problems(locale) == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_string_in_the_code_is_in_the_catalog(locale: str) -> None:
    catalog = load(locale)
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    missing = sorted(_source_msgids() - known)
    assert missing == [], f"run `make i18n` and translate: {missing}"


def test_the_source_really_has_strings() -> None:
    # Guards the test above against an extractor that silently finds nothing.
    assert len(_source_msgids()) >= 5


def test_placeholder_detection() -> None:
    assert placeholders("Hej {name}, {count:d} {{literal}}") == {"name", "count"}


def test_translators_really_translate() -> None:
    msg = "Show this list of commands."
    assert translator("en")(msg) == msg
    assert translator("sv")(msg) != msg
    assert translator("fi")(msg) != msg
    assert translator("sv")(msg) != translator("fi")(msg)


def _plural_calls() -> set[tuple[str, str]]:
    """Every `ngettext("…", "…", n, …)` call in the code, found by parsing it (not by
    babel's extractor, which can read a call as a singular when a keyword such as `t` appears
    among its arguments)."""
    found: set[tuple[str, str]] = set()
    for package in ("bot", "handlers", "jobs"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or len(node.args) < 2:
                    continue
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                one, many = node.args[0], node.args[1]
                if (
                    name == "ngettext"
                    and isinstance(one, ast.Constant)
                    and isinstance(one.value, str)
                    and isinstance(many, ast.Constant)
                    and isinstance(many.value, str)
                ):
                    found.add((one.value, many.value))
    return found


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_plural_in_the_code_is_a_plural_in_the_catalog(locale: str) -> None:
    plurals = {m.id for m in load(locale) if isinstance(m.id, tuple)}
    calls = _plural_calls()
    assert len(calls) >= 5
    assert sorted(calls - plurals) == [], "a plural read as a singular: run `make i18n`"
