"""Days typed by people, and the arithmetic on days and stored instants that must not overflow.

Every date a command takes goes through `parse_day`, which refuses days outside MIN_DAY..MAX_DAY
with one clear, localized message. The helpers below never raise OverflowError, whatever they
are given (a stored instant at the edge of what a datetime holds, a day next to date.max), so a
restored backup or a hand-edited row cannot crash a listing or an export either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_
from bot.platform.slack_text import escape

MIN_DAY = date(2000, 1, 1)
MAX_DAY = date(2100, 12, 31)

DATE_FORMAT_HELP = N_("I don't understand the date “{text}”. Write dates as YYYY-MM-DD.")
DATE_OUT_OF_RANGE = N_("Give a date between {first} and {last}.")

# A day whose midnight is a valid aware datetime in every zone (offsets stay within ±1 day).
_FIRST_SAFE = date.min + timedelta(days=2)
_LAST_SAFE = date.max - timedelta(days=2)


class DateOutOfRange(UserFacingError):
    """A well-formed day outside MIN_DAY..MAX_DAY; the message shows the range as people type
    it (YYYY-MM-DD)."""

    def __init__(self) -> None:
        super().__init__(DATE_OUT_OF_RANGE, first=MIN_DAY.isoformat(), last=MAX_DAY.isoformat())


def in_range(day: date) -> date:
    """`day` itself, or DateOutOfRange."""
    if not MIN_DAY <= day <= MAX_DAY:
        raise DateOutOfRange
    return day


def parse_day(text: str) -> date:
    """'2026-06-30' → that day; a malformed day or one outside MIN_DAY..MAX_DAY is a
    UserFacingError that says what is expected."""
    text = text.strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 and text.isascii() else None
    except ValueError:
        day = None
    if day is None:
        raise UserFacingError(DATE_FORMAT_HELP, text=escape(text[:40]))
    return in_range(day)


def _safe_day(day: date) -> date:
    return min(max(day, _FIRST_SAFE), _LAST_SAFE)


def start_of_day(day: date, tz: tzinfo) -> datetime:
    """Midnight at the start of `day` in `tz`, as an aware UTC datetime (days at the very edge
    of the calendar are moved two days inwards: nothing is stored there)."""
    return datetime.combine(_safe_day(day), time(0), tzinfo=tz).astimezone(UTC)


def start_of_next_day(day: date, tz: tzinfo) -> datetime:
    """Midnight at the end of `day` in `tz` (an exclusive upper bound), as aware UTC."""
    safe = _safe_day(day)
    return datetime.combine(safe + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def local(value: datetime, tz: tzinfo) -> datetime:
    """`value` in `tz`; an instant so near the edge of the calendar that the zone's offset
    would leave it is shown with its UTC clock time instead of failing."""
    try:
        return value.astimezone(tz)
    except OverflowError:
        return value.astimezone(UTC).replace(tzinfo=tz)
