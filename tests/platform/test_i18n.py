from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.platform.i18n import normalize_locale, resolve_locale, translator


@pytest.mark.parametrize(
    ("slack", "expected"),
    [
        ("fi-FI", "fi"),
        ("sv-SE", "sv"),
        ("sv_FI", "sv"),
        ("en-US", "en"),
        ("de-DE", None),
        (None, None),
    ],
)
def test_normalize(slack: str | None, expected: str | None) -> None:
    assert normalize_locale(slack) == expected


def test_stored_choice_wins_then_slack_then_default() -> None:
    assert resolve_locale("fi", "sv-SE", "en") == "fi"
    assert resolve_locale(None, "sv-SE", "en") == "sv"
    assert resolve_locale(None, "ja-JP", "sv") == "sv"


def test_dates_and_numbers_follow_the_reader() -> None:
    d = date(2026, 12, 7)
    assert translator("sv").day(d) == "måndag 7 december"
    assert translator("fi").day(d) == "maanantai 7. joulukuuta"
    assert translator("en").day(d) == "Monday 7 December"
    assert translator("fi").number(1234.5) == "1\xa0234,5"
    assert translator("en").number(1234.5) == "1,234.5"


def test_times_and_dates_use_fikas_own_patterns_not_cldr_defaults() -> None:
    # Our patterns, so a Babel/CLDR update cannot change the wording (2.19 moved sv_FI to 9.00).
    nine = time(9, 5)
    assert [translator(c).time(nine) for c in ("sv", "fi", "en")] == ["9.05", "9.05", "09:05"]
    d = date(2026, 12, 7)
    assert translator("sv").date(d) == "7 december 2026"
    assert translator("fi").date(d) == "7. joulukuuta 2026"
    assert translator("fi").date(d, "medium") == "7.12.2026"
    assert translator("en").date(d, "medium") == "7 Dec 2026"
    when = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    assert translator("fi").datetime(when, ZoneInfo("Europe/Helsinki")) == "7.12.2026 9.00"
    assert translator("en").day_time(when, ZoneInfo("Europe/Helsinki")) == "Monday 7 December 09:00"
