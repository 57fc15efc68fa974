from __future__ import annotations

from datetime import date

import pytest

from bot.i18n import normalize_locale, resolve_locale, translator


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
