"""When coffee rounds happen: pure date arithmetic over a program's schedule.

A schedule is a weekday and a local time in a time zone, every N weeks counted from an anchor
week. Time is split into *periods* of N weeks starting on anchor weeks; each period has one
round slot, and its key is the ISO year and week of the period's first week ("2026-W49",
from `date.isocalendar()`, never `%Y%V`). A round is claimed once per (program, period).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.platform.commands import fold
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_

MAX_INTERVAL_WEEKS = 8
# How far ahead next_slot looks before giving up (a program with every slot taken is a bug).
_LOOKAHEAD_PERIODS = 120


@dataclass(frozen=True)
class Schedule:
    weekday: int  # Monday=0 … Sunday=6
    hour: int
    minute: int
    interval_weeks: int
    tz: str
    anchor_week: date  # a Monday

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


@dataclass(frozen=True)
class Slot:
    period: str  # "2026-W49"
    at: datetime  # UTC
    week: date  # Monday of the period's first week


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def period_key(monday: date) -> str:
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def local_datetime(day: date, hour: int, minute: int, tz: str) -> datetime:
    """`day` at hour:minute wall-clock time in `tz`, as UTC.

    Daylight saving: an hour that does not exist (spring forward) is read with the offset before
    the change, i.e. it lands one hour later on the clock; a repeated hour (fall back) means its
    first occurrence.
    """
    local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)


def period_start(schedule: Schedule, day: date) -> date:
    """Monday of the first week of the period that contains `day`."""
    weeks = (week_monday(day) - schedule.anchor_week).days // 7
    k = weeks // schedule.interval_weeks  # floor: days before the anchor belong to earlier periods
    return schedule.anchor_week + timedelta(weeks=k * schedule.interval_weeks)


def slot_of_period(schedule: Schedule, week: date) -> Slot:
    day = week + timedelta(days=schedule.weekday)
    return Slot(
        period=period_key(week),
        at=local_datetime(day, schedule.hour, schedule.minute, schedule.tz),
        week=week,
    )


def current_slot(schedule: Schedule, now: datetime) -> Slot:
    """The slot of the period `now` falls in (it may be earlier or later than `now`)."""
    return slot_of_period(schedule, period_start(schedule, local_today(now, schedule.tz)))


def next_slot(
    schedule: Schedule, now: datetime, done_periods: frozenset[str] = frozenset()
) -> Slot:
    """The first slot after `now` whose period has no round yet."""
    week = period_start(schedule, local_today(now, schedule.tz))
    step = timedelta(weeks=schedule.interval_weeks)
    for _ in range(_LOOKAHEAD_PERIODS):
        slot = slot_of_period(schedule, week)
        if slot.at > now and slot.period not in done_periods:
            return slot
        week += step
    raise RuntimeError("no free slot ahead; the schedule is inconsistent")


def due_slot(
    schedule: Schedule,
    now: datetime,
    schedule_set_at: datetime,
    done_periods: frozenset[str] = frozenset(),
) -> Slot | None:
    """The slot to run now, if any.

    Due when its time has come, its period has no round, the schedule was set before it (a new
    program does not start with a "missed" round), and it is still the same local day: a round
    missed while the bot was down runs when the bot is back that day, not days later.
    """
    slot = current_slot(schedule, now)
    if slot.period in done_periods or slot.at > now or slot.at <= schedule_set_at:
        return None
    zone = schedule.zone
    if slot.at.astimezone(zone).date() != now.astimezone(zone).date():
        return None
    return slot


def anchor_for(weekday: int, hour: int, minute: int, tz: str, now: datetime) -> date:
    """Monday of the week of the first slot strictly after `now` (used when a schedule is set)."""
    this_week = week_monday(local_today(now, tz))
    first = local_datetime(this_week + timedelta(days=weekday), hour, minute, tz)
    return this_week if first > now else this_week + timedelta(weeks=1)


def make_schedule(
    weekday: int, hour: int, minute: int, interval_weeks: int, tz: str, now: datetime
) -> Schedule:
    return Schedule(
        weekday=weekday,
        hour=hour,
        minute=minute,
        interval_weeks=interval_weeks,
        tz=tz,
        anchor_week=anchor_for(weekday, hour, minute, tz, now),
    )


# ---------------------------------------------------------------------------- parsing
# Weekday words in English, Swedish and Finnish (folded: lower case, no accents), with the
# short forms and the "on Mondays" forms people type.
_WEEKDAY_WORDS: dict[str, int] = {}
for _index, _words in enumerate(
    (
        "monday mon mondays mandag man mandagar maanantai ma maanantaisin",
        "tuesday tue tues tuesdays tisdag tis tisdagar tiistai ti tiistaisin",
        "wednesday wed wednesdays onsdag ons onsdagar keskiviikko ke keskiviikkoisin",
        "thursday thu thur thurs thursdays torsdag tor tors torsdagar torstai to torstaisin",
        "friday fri fridays fredag fre fredagar perjantai pe perjantaisin",
        "saturday sat saturdays lordag lor lordagar lauantai la lauantaisin",
        "sunday sun sundays sondag son sondagar sunnuntai su sunnuntaisin",
    )
):
    for _word in _words.split():
        _WEEKDAY_WORDS[_word] = _index

_ORDINAL_WORDS = {
    "other": 2,
    "second": 2,
    "varannan": 2,
    "annan": 2,
    "andra": 2,
    "toinen": 2,
    "third": 3,
    "tredje": 3,
    "kolmas": 3,
    "fourth": 4,
    "fjarde": 4,
    "neljas": 4,
}
_TIME = re.compile(r"^(?:kl\.?|klo\.?)?(\d{1,2})(?:[:.](\d{2}))?$")
_NUMBER = re.compile(r"(\d+)")

SCHEDULE_USAGE = N_(
    "Tell me a weekday and a time, and optionally how many weeks apart, e.g. "
    "`/fika schedule monday 09:00` or `/fika schedule thursday 13:30 every 2 weeks`."
)


@dataclass(frozen=True)
class ScheduleArgs:
    weekday: int
    hour: int
    minute: int
    interval_weeks: int


def parse_weekday(word: str) -> int | None:
    return _WEEKDAY_WORDS.get(fold(word).strip(".,"))


def parse_time(word: str) -> tuple[int, int] | None:
    m = _TIME.match(fold(word).strip(","))
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def parse_schedule(text: str) -> ScheduleArgs:
    """'monday 09:00', 'to 13.30 joka 2. viikko', 'torsdag kl 9 varannan vecka' → ScheduleArgs."""
    weekday: int | None = None
    at: tuple[int, int] | None = None
    rest: list[str] = []
    for word in text.split():
        if weekday is None and (w := parse_weekday(word)) is not None:
            weekday = w
        elif at is None and (hm := parse_time(word)) is not None:
            at = hm
        elif fold(word) in {"kl", "kl.", "klo", "at", "on", "pa"}:
            continue
        else:
            rest.append(fold(word))
    if weekday is None or at is None:
        raise UserFacingError(SCHEDULE_USAGE)
    interval = parse_interval(" ".join(rest))
    return ScheduleArgs(weekday=weekday, hour=at[0], minute=at[1], interval_weeks=interval)


def parse_interval(text: str) -> int:
    """'every 2 weeks' / 'var 3:e vecka' / 'joka 2. viikko' / 'varannan vecka' → N (1 if empty)."""
    text = text.strip()
    if not text:
        return 1
    number = _NUMBER.search(text)
    if number:
        digits = number.group(1)
        n = int(digits) if len(digits) <= 3 else MAX_INTERVAL_WEEKS + 1  # no 4000-digit ints
    else:
        n = next((v for word, v in _ORDINAL_WORDS.items() if word in text.split()), 1)
        week_words = ("week", "vecka", "veckor", "viikko", "viikon", "weekly", "varje", "joka")
        if n == 1 and not any(w in text for w in week_words):
            raise UserFacingError(SCHEDULE_USAGE)
    if not 1 <= n <= MAX_INTERVAL_WEEKS:
        raise UserFacingError(
            N_("Rounds can be from every week to every {max} weeks."), max=MAX_INTERVAL_WEEKS
        )
    return n
