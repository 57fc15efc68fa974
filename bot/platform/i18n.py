"""Translations per reader: gettext catalogs under locales/ plus Babel formatting.

Usage: `t = translator("fi")`; `t("Hello {name}", name=...)`,
`t.ngettext("{n} tip", "{n} tips", n)`, `t.day(date)`. Constants are marked with `N_()`
and translated at render time with `t(CONST)`.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from bot.platform.config import SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
# The region is Finland: Swedish and English dates follow Finnish conventions where CLDR has them.
_BABEL_LOCALES = {"sv": "sv_FI", "fi": "fi_FI", "en": "en_GB"}
# Fika's own patterns, so wording does not change when a Babel/CLDR update does (Babel 2.19
# changed sv_FI times from 09:00 to 9.00). Finnish and Finland-Swedish write "klo 9.00" /
# "kl. 9.00" (Kotus, Institutet för de inhemska språken); English uses the 24-hour 09:00.
_DAY_PATTERNS = {"sv": "EEEE d MMMM", "fi": "cccc d. MMMM", "en": "EEEE d MMMM"}
_TIME_PATTERNS = {"sv": "H.mm", "fi": "H.mm", "en": "HH:mm"}
_DATE_PATTERNS = {
    "long": {"sv": "d MMMM y", "fi": "d. MMMM y", "en": "d MMMM y"},
    "medium": {"sv": "d.M.y", "fi": "d.M.y", "en": "d MMM y"},
}
# Autonyms, for language pickers only (each reader finds their own language by its own name).
# In running text a language is named in the reader's language by Babel: `t.language_name()`
# ("på svenska", "Fikan viestien kieli on nyt suomi").
LANGUAGE_NAMES = {"sv": "Svenska", "fi": "Suomi", "en": "English"}


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it later with the reader's translator."""
    return message


def normalize_locale(value: str | None) -> str | None:
    """'fi-FI' → 'fi', 'sv_SE' → 'sv', 'en-US' → 'en'; anything unsupported → None."""
    if not value:
        return None
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in SUPPORTED_LOCALES else None


def resolve_locale(stored: str | None, slack_locale: str | None, default: str) -> str:
    """The person's stored choice, else their Slack locale, else the deployment default."""
    return normalize_locale(stored) or normalize_locale(slack_locale) or default


def _load_catalog(locale: str) -> gettext.NullTranslations:
    mo = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        return Translations.load(str(LOCALES_DIR), [locale], DOMAIN)
    if po.is_file():
        # Not compiled yet (or stale): compile in memory so a fresh checkout still speaks.
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return Translations(fp=buf, domain=DOMAIN)
    return gettext.NullTranslations()


class Translator:
    def __init__(self, locale: str) -> None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        self.locale = locale
        self.babel_locale = Locale.parse(_BABEL_LOCALES[locale])
        self._catalog = _load_catalog(locale)

    def __repr__(self) -> str:
        return f"Translator({self.locale!r})"

    def __call__(self, message: str, **params: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **params)

    # Formatting for the reader's locale -------------------------------------------------------
    def number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self.babel_locale)

    def percent(self, value: float) -> str:
        return format_percent(value, locale=self.babel_locale)

    def date(self, value: dt.date, format: str = "long") -> str:
        """'long': '7 december 2026', '7. joulukuuta 2026'; 'medium': '7.12.2026', '7 Dec 2026'."""
        return format_date(value, _DATE_PATTERNS[format][self.locale], locale=self.babel_locale)

    def day(self, value: dt.date) -> str:
        """Weekday and date without the year: 'måndag 7 december', 'maanantai 7. joulukuuta'."""
        return format_date(value, _DAY_PATTERNS[self.locale], locale=self.babel_locale)

    def time(self, value: dt.time | dt.datetime) -> str:
        return format_time(value, _TIME_PATTERNS[self.locale], locale=self.babel_locale)

    def datetime(self, value: dt.datetime, tz: ZoneInfo | None = None) -> str:
        from bot.platform.dates import local as to_local  # bot.platform.dates needs this module

        local = to_local(value, tz) if tz is not None else value
        return f"{self.date(local.date(), 'medium')} {self.time(local)}"

    def day_time(self, value: dt.datetime, tz: ZoneInfo) -> str:
        """'måndag 7 december 9.00' in the given zone."""
        from bot.platform.dates import local as to_local

        local = to_local(value, tz)
        return f"{self.day(local.date())} {self.time(local)}"

    def weekday(self, index: int) -> str:
        """Monday=0 … Sunday=6, in the reader's language, lower case as in running text."""
        return str(self.babel_locale.days["stand-alone"]["wide"][index])

    def list(self, items: Iterable[str]) -> str:
        return format_list(list(items), locale=self.babel_locale)

    def language_name(self, code: str) -> str:
        """A language's name in the reader's language, as written in running text ('ruotsi',
        'svenska', 'Swedish'); an unknown code is shown as it is."""
        try:
            name = Locale.parse(code).get_display_name(self.babel_locale)
        except (ValueError, TypeError):
            return code
        return str(name or code)

    def language_names(self, codes: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.language_name(code) for code in codes)


@cache
def translator(locale: str) -> Translator:
    return Translator(locale)


def all_translators() -> list[Translator]:
    return [translator(code) for code in SUPPORTED_LOCALES]
