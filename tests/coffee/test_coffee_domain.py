"""Unit tests of the coffee-break domain: schedules (DST, every N weeks, ISO weeks), parsing
what people type, pauses, pool filtering, group DM sizes, library CSV, the stats CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.coffee.models import CoffeeParticipant
from bot.coffee.participants import (
    ACTIVE,
    LEFT,
    PAUSED,
    effective_status,
    filter_pool,
    parse_pause,
)
from bot.coffee.programs import parse_group_size
from bot.coffee.round_store import fit_group_dm
from bot.coffee.schedule import (
    Schedule,
    anchor_for,
    current_slot,
    due_slot,
    make_schedule,
    next_slot,
    parse_interval,
    parse_schedule,
    period_key,
)
from bot.coffee.starters import STARTERS, choose_starter
from bot.coffee.stats import CoffeeStats, RoundFigures, is_cross_library, parse_stats_args
from bot.coffee.views.messages import schedule_phrase
from bot.coffee.views.stats import stats_csv
from bot.people.libraries import parse_library_csv
from bot.people.models import Member
from bot.platform.errors import UserFacingError
from bot.platform.i18n import translator

HKI = "Europe/Helsinki"
ZONE = ZoneInfo(HKI)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE).astimezone(UTC)  # type: ignore[misc]


def weekly(
    now: datetime, weekday: int = 0, hour: int = 9, minute: int = 0, every: int = 1
) -> Schedule:
    return make_schedule(weekday, hour, minute, every, HKI, now)


# ------------------------------------------------------------------------------ schedule


def test_period_keys_use_iso_year_and_week() -> None:
    assert period_key(date(2026, 11, 30)) == "2026-W49"
    assert period_key(date(2026, 12, 28)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert period_key(date(2027, 1, 4)) == "2027-W01"
    assert period_key(date(2024, 12, 30)) == "2025-W01"  # not "2024-W01" as %Y%V would say


def test_next_slot_weekly_from_a_monday_morning() -> None:
    now = local(2026, 11, 30, 9, 0)  # Monday 09:00 exactly: this slot is not "next"
    s = weekly(now)
    assert s.anchor_week == date(2026, 12, 7)
    slot = next_slot(s, now)
    assert slot.at == local(2026, 12, 7, 9, 0) and slot.period == "2026-W50"
    earlier = local(2026, 11, 30, 8, 0)
    assert next_slot(weekly(earlier), earlier).at == local(2026, 11, 30, 9, 0)


def test_next_slot_skips_periods_that_already_had_a_round() -> None:
    now = local(2026, 11, 30, 8, 0)
    s = weekly(now)
    assert next_slot(s, now, frozenset({"2026-W49"})).at == local(2026, 12, 7, 9, 0)


def test_every_n_weeks_counts_from_the_anchor() -> None:
    now = local(2026, 11, 30, 8, 0)  # Monday; Thursday 13:30 is still ahead this week
    s = weekly(now, weekday=3, hour=13, minute=30, every=2)
    slots = []
    t = now
    for _ in range(4):
        slot = next_slot(s, t)
        slots.append(slot.at)
        t = slot.at
    assert slots == [
        local(2026, 12, 3, 13, 30),
        local(2026, 12, 17, 13, 30),
        local(2026, 12, 31, 13, 30),
        local(2027, 1, 14, 13, 30),
    ]
    # The week between belongs to the previous period: its key is the period's first week.
    assert current_slot(s, local(2026, 12, 10, 12, 0)).period == "2026-W49"
    assert current_slot(s, local(2026, 12, 28, 12, 0)).period == "2026-W53"


def test_local_time_is_kept_across_daylight_saving_changes() -> None:
    now = local(2027, 3, 20, 12, 0)
    s = weekly(now)  # Mondays 09:00 Helsinki
    before = next_slot(s, now)
    after = next_slot(s, before.at)
    assert before.at == datetime(2027, 3, 22, 7, 0, tzinfo=UTC)  # EET, UTC+2
    assert after.at == datetime(2027, 3, 29, 6, 0, tzinfo=UTC)  # EEST, UTC+3
    autumn = next_slot(s, local(2027, 10, 28, 12, 0))
    assert autumn.at == datetime(2027, 11, 1, 7, 0, tzinfo=UTC)


def test_a_time_that_does_not_exist_lands_an_hour_later() -> None:
    # 03:30 on Sunday 28 March 2027 does not exist in Helsinki (03:00 → 04:00).
    now = local(2027, 3, 27, 12, 0)
    s = weekly(now, weekday=6, hour=3, minute=30)
    slot = next_slot(s, now)
    assert slot.at.astimezone(ZONE).hour == 4 and slot.at.astimezone(ZONE).date() == date(
        2027, 3, 28
    )


def test_due_slot_runs_when_due_and_a_missed_one_only_the_same_day() -> None:
    set_at = local(2026, 11, 25, 12, 0)
    s = weekly(set_at)
    assert due_slot(s, local(2026, 11, 30, 8, 59), set_at) is None
    due = due_slot(s, local(2026, 11, 30, 9, 0), set_at)
    assert due is not None and due.period == "2026-W49"
    assert due_slot(s, local(2026, 11, 30, 23, 30), set_at) is not None  # down all day: still today
    assert due_slot(s, local(2026, 12, 1, 0, 5), set_at) is None  # the next day: missed
    assert due_slot(s, local(2026, 11, 30, 10, 0), set_at, frozenset({"2026-W49"})) is None


def test_no_missed_round_right_after_a_program_starts() -> None:
    set_at = local(2026, 11, 30, 10, 0)  # started after this Monday's 09:00
    s = weekly(set_at)
    assert due_slot(s, local(2026, 11, 30, 10, 1), set_at) is None
    assert anchor_for(0, 9, 0, HKI, set_at) == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monday 09:00", (0, 9, 0, 1)),
        ("Måndag 9", (0, 9, 0, 1)),
        ("to 13.30 joka 2. viikko", (3, 13, 30, 2)),
        ("torsdag kl 9 varannan vecka", (3, 9, 0, 2)),
        ("fredag 14:15 var 3:e vecka", (4, 14, 15, 3)),
        ("perjantaisin klo 8.05", (4, 8, 5, 1)),
        ("wed 12:00 every other week", (2, 12, 0, 2)),
        ("12:00 sunday every 4 weeks", (6, 12, 0, 4)),
        ("tisdag 10:00 varje vecka", (1, 10, 0, 1)),
    ],
)
def test_parse_schedule_in_three_languages(text: str, expected: tuple[int, int, int, int]) -> None:
    args = parse_schedule(text)
    assert (args.weekday, args.hour, args.minute, args.interval_weeks) == expected


@pytest.mark.parametrize(
    "text", ["", "monday", "09:00", "monday 25:00", "funday 09:00", "monday 9 banana"]
)
def test_parse_schedule_refuses_nonsense(text: str) -> None:
    with pytest.raises(UserFacingError):
        parse_schedule(text)


def test_interval_is_bounded() -> None:
    assert parse_interval("") == 1
    with pytest.raises(UserFacingError):
        parse_interval("every 9 weeks")


def test_schedule_phrase_never_says_every_week_for_every_n_weeks() -> None:
    class P:
        weekday, hour, minute = 0, 9, 0
        interval_weeks = 1

    p = P()
    assert schedule_phrase(translator("en"), p) == "every week on Monday at 09:00"  # type: ignore[arg-type]
    p.interval_weeks = 3
    assert schedule_phrase(translator("en"), p) == "every 3 weeks on Monday at 09:00"  # type: ignore[arg-type]
    assert schedule_phrase(translator("sv"), p) == "måndagar kl. 9.00 med 3 veckors mellanrum"  # type: ignore[arg-type]
    assert schedule_phrase(translator("fi"), p) == "joka 3. maanantai klo 9.00"  # type: ignore[arg-type]


def test_group_size_is_two_to_six() -> None:
    assert parse_group_size("3") == 3
    for bad in ("", "1", "7", "many"):
        with pytest.raises(UserFacingError):
            parse_group_size(bad)


# ------------------------------------------------------------------------------ people


def _participant(status: str, paused_until: date | None = None) -> CoffeeParticipant:
    return CoffeeParticipant(
        team_id="T", program_id=1, user_id="U", status=status, paused_until=paused_until
    )


def test_a_pause_ends_by_itself_on_its_date() -> None:
    row = _participant(PAUSED, date(2026, 12, 14))
    assert effective_status(row, date(2026, 12, 13)) == PAUSED
    assert effective_status(row, date(2026, 12, 14)) == ACTIVE
    assert effective_status(None, date(2026, 12, 14)) == ACTIVE
    assert effective_status(_participant(LEFT), date(2030, 1, 1)) == LEFT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 weeks", date(2026, 12, 14)),
        ("2 veckor", date(2026, 12, 14)),
        ("3 viikkoa", date(2026, 12, 21)),
        ("1", date(2026, 12, 7)),
        ("2027-01-15", date(2027, 1, 15)),
        ("15.1.2027", date(2027, 1, 15)),
    ],
)
def test_parse_pause(text: str, expected: date) -> None:
    assert parse_pause(text, date(2026, 11, 30)) == expected


@pytest.mark.parametrize(
    "text", ["", "0 weeks", "60 weeks", "2026-11-30", "2026-02-30", "soon", "2028-06-01"]
)
def test_parse_pause_refuses(text: str) -> None:
    with pytest.raises(UserFacingError):
        parse_pause(text, date(2026, 11, 30))


def _member(user_id: str, **flags: bool) -> Member:
    return Member(
        team_id="T",
        user_id=user_id,
        is_bot=flags.get("is_bot", False),
        deleted=flags.get("deleted", False),
    )


def test_pool_keeps_only_people_who_take_part_today() -> None:
    ids = ["U1", "U2", "UBOT", "USLACKBOT", "UGONE", "ULEFT", "UPAUSE", "UBACK", "UNKNOWN", "U1"]
    members = {u: _member(u) for u in ("U1", "U2", "USLACKBOT", "ULEFT", "UPAUSE", "UBACK")}
    members["UBOT"] = _member("UBOT", is_bot=True)
    members["UGONE"] = _member("UGONE", deleted=True)
    participants = {
        "ULEFT": _participant(LEFT),
        "UPAUSE": _participant(PAUSED, date(2026, 12, 14)),
        "UBACK": _participant(PAUSED, date(2026, 11, 30)),
    }
    pool = filter_pool(ids, members, participants, date(2026, 11, 30), bot_user_id="UFIKABOT")
    assert pool == ["U1", "U2", "UBACK"]


# ------------------------------------------------------------------------------ rounds


def test_groups_too_big_for_a_group_dm_are_split() -> None:
    eleven = [f"U{i}" for i in range(11)]
    assert [len(g) for g in fit_group_dm([eleven, ["A", "B"]])] == [6, 5, 2]
    seventeen = [f"U{i}" for i in range(17)]
    assert [len(g) for g in fit_group_dm([seventeen])] == [6, 6, 5]
    assert fit_group_dm([eleven[:8]]) == [eleven[:8]]


def test_starters_are_deterministic_and_avoid_recent_ones() -> None:
    assert choose_starter(42, 0) == choose_starter(42, 0)
    recent = frozenset(k for k in STARTERS if k != "digital-tool")
    assert choose_starter(42, 0, recent) == "digital-tool"
    themes = {theme for theme, _ in STARTERS.values()}
    assert len(themes) == 4


# ------------------------------------------------------------------------------ libraries


def test_library_csv_with_header_semicolons_and_problems() -> None:
    rows, problems = parse_library_csv(
        "\ufeffname_sv;name_fi;municipality\n"
        "Malax bibliotek;Maalahden kirjasto;Malax\n"
        "\n"
        "Korsholms bibliotek;;Korsholm\n"
        ";Nimetön;\n"
        "malax BIBLIOTEK;x;y\n"
        "a;b;c;d\n"
    )
    assert [(r.name_sv, r.name_fi, r.municipality) for r in rows] == [
        ("Malax bibliotek", "Maalahden kirjasto", "Malax"),
        ("Korsholms bibliotek", None, "Korsholm"),
    ]
    assert [p.line for p in problems] == [5, 6, 7]


def test_library_csv_with_commas_and_quotes() -> None:
    rows, problems = parse_library_csv(
        '"Vasa stadsbibliotek, Huvudbiblioteket",Vaasan pääkirjasto,Vasa'
    )
    assert problems == []
    assert rows[0].name_sv == "Vasa stadsbibliotek, Huvudbiblioteket"


# ------------------------------------------------------------------------------ stats


def test_parse_stats_args() -> None:
    today = date(2026, 11, 30)
    assert parse_stats_args("", today).start == date(2026, 1, 1)
    ask = parse_stats_args("csv 2025", today)
    assert (ask.start, ask.end, ask.csv) == (date(2025, 1, 1), date(2025, 12, 31), True)
    ask = parse_stats_args("2026-03-01..2026-05-31", today)
    assert (ask.start, ask.end, ask.csv) == (date(2026, 3, 1), date(2026, 5, 31), False)
    for bad in ("2026-05-31..2026-03-01", "last year", "1999"):
        with pytest.raises(UserFacingError):
            parse_stats_args(bad, today)


def test_cross_library_means_everyone_known_and_all_different() -> None:
    assert is_cross_library(["id:1", "id:2", "name:malax"])
    assert not is_cross_library(["id:1", "id:1", "id:2"])
    assert not is_cross_library(["id:1", None])


def test_stats_csv_is_utf8_with_bom_semicolons_and_safe_cells() -> None:
    stats = CoffeeStats(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        rounds=2,
        participants=9,
        groups=4,
        answered=3,
        met=2,
        cross_library=3,
        library_pairs=[
            ("=HYPERLINK(1)", "Åbo stadsbibliotek"),
            ("Malax bibliotek", "Närpes bibliotek"),
        ],
        per_round=[RoundFigures(date(2026, 3, 2), "C1", 5, 2, 2, 2, 1)],
    )
    data = stats_csv(translator("sv"), stats, {"C1": "#fika"})
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Distanskaffe;2026-01-01;2026-12-31"
    assert "Rundor;2" in lines
    assert "Personer som var med;9" in lines
    assert "Grupper som träffades;67\xa0% (2 av 3 som svarade)" in lines
    assert (
        "Datum;Kanal;Personer;Grupper;Grupper över biblioteksgränserna;"
        "Grupper som svarade;Grupper som träffades" in lines
    )
    assert "2026-03-02;#fika;5;2;2;2;1" in lines
    assert "'=HYPERLINK(1);Åbo stadsbibliotek" in lines  # no formula runs in a spreadsheet
    assert "Malax bibliotek;Närpes bibliotek" in lines
    assert stats.met_share == pytest.approx(2 / 3)
    assert CoffeeStats(start=date(2026, 1, 1), end=date(2026, 1, 2)).met_share is None


def test_week_arithmetic_helpers_stay_on_mondays() -> None:
    now = local(2026, 12, 31, 12, 0)
    s = weekly(now, weekday=4, every=3)
    for _ in range(10):
        slot = next_slot(s, now)
        assert slot.week.weekday() == 0
        now = slot.at + timedelta(minutes=1)
