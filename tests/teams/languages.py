"""Which of Fika's languages a Teams card is in, told by the translations in the catalogs rather
than by hand-written phrases: the end-to-end tours check that every card a person reads is in
their language, and passes Teams' own checks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from babel.messages.pofile import read_po

from bot.coffee.commands import FIKA
from bot.platform.i18n import LOCALES_DIR
from bot.teams.cards.answers import teams_markdown
from bot.teams.validation import card_problems
from bot.tips.commands import TIPS
from tests.snapshots import strings_in

LOCALES = ("sv", "fi", "en")
TEAMS_LOCALE = {"sv": "sv-SE", "fi": "fi-FI", "en": "en-GB"}


@cache
def _fragments() -> dict[str, frozenset[str]]:
    """Per language, the pieces of its translations (between placeholders and markup, at
    least 14 characters) that the other two languages do not have: finding one in a card
    says which language the card is in."""
    pieces: dict[str, set[str]] = {}
    for locale in LOCALES:
        with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        found: set[str] = set()
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else [message.string]
            for text in strings:
                for piece in re.split(r"\{[^{}]*\}|[*_`<>\[\]()\n]|\s[–—-]\s", text or ""):
                    piece = piece.strip(" .,:;!?")
                    if len(piece) >= 14:
                        found.add(piece)
        pieces[locale] = found
    return {
        locale: frozenset(
            pieces[locale] - set().union(*(pieces[o] for o in LOCALES if o != locale))
        )
        for locale in LOCALES
    }


def languages_of(card: dict[str, Any]) -> set[str]:
    text = strings_in(card)
    return {locale for locale, pieces in _fragments().items() if any(p in text for p in pieces)}


def assert_in(locale: str, cards: Iterable[dict[str, Any]]) -> None:
    """Each card passes Teams' checks and is in `locale` only. A card too short for the
    fragments (e.g. English "Add a library") must instead have a line that is a whole sentence
    only this language's catalog has, and none that only another's has."""
    cards = list(cards)
    assert cards, "no card"
    for card in cards:
        assert card_problems(card) == []
        found = languages_of(card)
        if not found:
            found = {o for o in LOCALES if says_a_sentence_of(o, card)}
        assert found == {locale}, (locale, found, strings_in(card)[:400])


@cache
def _sentences() -> dict[str, tuple[re.Pattern[str], ...]]:
    """Per language, its catalog's one-line translations that the other two do not have, as
    patterns of a whole line (a placeholder matches any text) with 8 characters of their own."""
    texts: dict[str, set[str]] = {}
    for locale in LOCALES:
        with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        found: set[str] = set()
        for message in catalog:
            if message.id:
                strings = message.string if isinstance(message.string, tuple) else [message.string]
                found.update(teams_markdown(s) for s in strings if s and "\n" not in s)
        texts[locale] = found
    patterns: dict[str, tuple[re.Pattern[str], ...]] = {}
    for locale in LOCALES:
        own = texts[locale] - set().union(*(texts[o] for o in LOCALES if o != locale))
        found_patterns = []
        for text in sorted(own):
            pieces = re.split(r"\{[^{}]*\}", text)
            if sum(len(p.strip(" .,:;!?")) for p in pieces) >= 8:
                found_patterns.append(re.compile(".+?".join(re.escape(p) for p in pieces)))
        patterns[locale] = tuple(found_patterns)
    return patterns


def says_a_sentence_of(locale: str, card: dict[str, Any]) -> bool:
    lines = strings_in(card).splitlines()
    return any(p.fullmatch(line) for p in _sentences()[locale] for line in lines)


def word(name: str, locale: str) -> str:
    return next(s for s in FIKA.subcommands if s.name == name).word_for(locale)


def tips_word(name: str, locale: str) -> str:
    """A `/tips` subcommand in the reader's language, as it is typed on Teams (after "tips")."""
    return next(s for s in TIPS.subcommands if s.name == name).word_for(locale)
