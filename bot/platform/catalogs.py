"""Catalog maintenance and checks (used by `make i18n` and the translation tests).

`python -m bot.platform.catalogs merge FILE.json` writes translations given as
{"sv": {"msgid": "msgstr", ...}, "fi": {...}} (a list of forms for plurals, keyed by the singular).
`python -m bot.platform.catalogs fill-en` copies each English msgid into the en catalog's empty
msgstr: the source strings are English, so the en catalog only needs real work for plurals.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.platform.config import SUPPORTED_LOCALES
from bot.platform.i18n import DOMAIN, LOCALES_DIR

_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}(?!\})")


def po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(locale: str) -> Catalog:
    with po_path(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def problems(locale: str) -> list[str]:
    """Every empty, fuzzy or placeholder-mismatched entry of a catalog."""
    found: list[str] = []
    for msg in load(locale):
        if not msg.id:
            continue
        ids: tuple[str, ...] = tuple(msg.id) if isinstance(msg.id, tuple | list) else (msg.id,)
        raw = msg.string
        strs: tuple[str, ...] = tuple(raw) if isinstance(raw, tuple | list) else (raw or "",)
        label = f"{locale}: {ids[0]!r}"
        if msg.fuzzy:
            found.append(f"{label} is fuzzy")
        if not all(strs):
            found.append(f"{label} is not translated")
            continue
        expected = set().union(*(placeholders(i) for i in ids)) - {"n"}
        for s in strs:
            got = placeholders(s) - {"n"}
            if got != expected:
                found.append(f"{label} placeholders {sorted(got)} != {sorted(expected)}")
    return found


def fill_en() -> int:
    catalog = load("en")
    filled = 0
    for msg in catalog:
        if not msg.id:
            continue
        if isinstance(msg.id, tuple):
            if not all(msg.string or ()):
                msg.string = (msg.id[0], msg.id[1])
                filled += 1
        elif not msg.string:
            msg.string = msg.id
            filled += 1
    with po_path("en").open("wb") as fh:
        write_po(fh, catalog, width=100)
    return filled


def merge(translations: dict[str, dict[str, str | list[str]]]) -> int:
    """Write translations {locale: {msgid: msgstr or [plural forms]}} into the catalogs.

    For plurals the key is the singular msgid. Unknown msgids are reported, not added:
    run `make i18n` first so the catalogs know every string of the code.
    """
    missing = 0
    for locale, entries in translations.items():
        catalog = load(locale)
        for msgid, text in entries.items():
            msg = catalog.get(msgid)
            if msg is None:
                print(f"{locale}: not in catalog (run make i18n): {msgid!r}", file=sys.stderr)
                missing += 1
                continue
            msg.string = tuple(text) if isinstance(text, list) else text
            msg.flags.discard("fuzzy")
        with po_path(locale).open("wb") as fh:
            write_po(fh, catalog, width=100)
    return missing


def main(argv: list[str]) -> int:
    if argv[:1] == ["merge"] and len(argv) == 2:
        import json

        with open(argv[1], encoding="utf-8") as fh:
            return 1 if merge(json.load(fh)) else 0
    if argv[:1] == ["fill-en"]:
        print(f"en: filled {fill_en()} entries")
        return 0
    if argv[:1] == ["check"]:
        all_problems = [p for loc in SUPPORTED_LOCALES for p in problems(loc)]
        print("\n".join(all_problems) or "all catalogs complete")
        return 1 if all_problems else 0
    print(
        "usage: python -m bot.platform.catalogs fill-en | check | merge FILE.json", file=sys.stderr
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
