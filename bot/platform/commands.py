"""Slash-command vocabulary: English subcommands with Swedish and Finnish aliases.

Slack cannot localise a slash command's name, only what follows it; so `/fika paus` and
`/fika tauko` both mean `/fika pause`, and help shows each reader the words of their language.

The words are translations: each subcommand's English name is a catalog entry (marked with
`N_()` and a TRANSLATORS comment), so translators choose the Swedish and Finnish words in the
catalogs like any other text. Every language's word is understood whatever the reader's language;
`extra_aliases` keeps older or alternative spellings working (e.g. `parita-nyt`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from bot.platform.config import SUPPORTED_LOCALES
from bot.platform.i18n import N_, translator


def fold(word: str) -> str:
    """Case- and accent-insensitive form: 'Hjälp' and 'hjalp' both → 'hjalp'."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def command_word(locale: str, name: str) -> str:
    """The catalog's word for a subcommand in a language; the English name if the translation
    is missing or is not one typeable word."""
    word = translator(locale)(name).strip()
    return word if word and not any(c.isspace() for c in word) else name


@dataclass(frozen=True)
class Subcommand:
    name: str  # the English word, an N_() msgid: its translations are the other languages' words
    summary: str  # an N_() msgid, shown in help
    # locale → word, e.g. {"sv": "paus"}; empty = from the catalogs (the usual case)
    aliases: dict[str, str] = field(default_factory=dict)
    args: str = ""  # an N_() msgid describing the arguments, e.g. "<N weeks | YYYY-MM-DD>"
    extra_aliases: tuple[str, ...] = ()  # more accepted words, not shown in help

    def __post_init__(self) -> None:
        if not self.aliases:
            words = {locale: command_word(locale, self.name) for locale in SUPPORTED_LOCALES}
            object.__setattr__(self, "aliases", words)

    def words(self) -> set[str]:
        return {fold(w) for w in (self.name, *self.aliases.values(), *self.extra_aliases)}

    def word_for(self, locale: str) -> str:
        return self.aliases.get(locale, self.name)


def unescape_entities(text: str) -> str:
    """Slack's three entities back to characters (`&amp;` last, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass(frozen=True)
class CommandSet:
    command: str
    subcommands: tuple[Subcommand, ...]
    #: `should_escape: true` in manifest.yml: Slack sends `&amp;` `&lt;` `&gt;` and mentions as
    #: `<@U123|name>`; `parse` gives the rest of the text with the entities decoded.
    escaped: bool = False

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for sub in self.subcommands:
            for word in sub.words():
                if word in seen and seen[word] != sub.name:
                    raise ValueError(f"{self.command}: '{word}' means {seen[word]} and {sub.name}")
                seen[word] = sub.name

    def find(self, word: str) -> Subcommand | None:
        folded = fold(word)
        return next((s for s in self.subcommands if folded in s.words()), None)

    def parse(self, text: str) -> tuple[Subcommand | None, str, str]:
        """(subcommand or None, the first word as typed, the rest of the text)."""
        text = (text or "").strip()
        if not text:
            return None, "", ""
        word, _, rest = text.partition(" ")
        rest = rest.strip()
        if self.escaped:
            rest = unescape_entities(rest)
        return self.find(word), word, rest

    def action(self, sub: Subcommand) -> str:
        """The subcommand's key in `bot.people.permissions.PERMISSIONS` (who may use it, and help's
        audience label)."""
        return f"{self.command} {sub.name}"


HELP = Subcommand(
    # TRANSLATORS: command word typed after /fika and /tips: one word in lower case, hyphens
    # instead of spaces, different from the other command words of both commands.
    name=N_("help"),
    summary=N_("Show this list of commands."),
    extra_aliases=("?", "apua", "hjalp"),
)
