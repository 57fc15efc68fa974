"""Finding 5 of issue 14: dates far outside any sane range (`9999-12-31`, `0001-01-01`) got the
generic error and an OverflowError traceback. Every date typed into a command goes through one
parser (`bot.platform.dates.parse_day`) that refuses days outside MIN_DAY..MAX_DAY with a clear,
localized message; and the computations that turn days and stored instants into bounds or local
times cannot overflow, whatever is stored."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.platform.dates import DATE_OUT_OF_RANGE
from bot.platform.i18n import translator
from handlers.router import GENERIC_ERROR
from tests import coffee_support as coffee
from tests.conftest import FakeClock, RunningApp
from tests.security_support import coffee_and_tips_world, errors_logged
from tests.tips_support import TipStatus, add_tip, text_of

EXTREMES = [
    ("/fika", "stats 2026-01-01..9999-12-31"),
    ("/fika", "stats 0001-01-01..2026-12-31"),
    ("/fika", "stats 9999-12-31..9999-12-31"),
    ("/fika", "stats 0001-01-01..0001-01-01 csv"),
    ("/tips", "export 9999-12-31"),
    ("/tips", "export 0001-01-01"),
    ("/tips", "export 0001-01-01..9999-12-31"),
    ("/tips", "export 2026-01-01..9999-12-31"),
]


@pytest.fixture
async def world(running_app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    return await coffee_and_tips_world(running_app, clock)


async def test_out_of_range_dates_are_refused_with_a_clear_message(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    t = translator("en")  # the admin's Slack language in this world
    for command, text in EXTREMES:
        resp = await app.sender.command(
            command, text, user_id=coffee.ADMIN, channel_id=coffee.CHANNEL
        )
        assert resp.status == 200
        answer = text_of(await app.answer(resp))
        assert t(GENERIC_ERROR) not in answer, text
        assert t(DATE_OUT_OF_RANGE, first="2000-01-01", last="2100-12-31") in answer, answer
    assert errors_logged(caplog) == []
    assert app.fake.calls_to("files.completeUploadExternal") == []


@pytest.mark.parametrize("locale", ["sv", "fi", "en"])
def test_the_shared_parser_says_what_it_takes_in_every_language(locale: str) -> None:
    from bot.platform.dates import MAX_DAY, MIN_DAY, parse_day
    from bot.platform.errors import UserFacingError

    t = translator(locale)
    assert parse_day("2026-02-28") == date(2026, 2, 28)
    assert parse_day(MIN_DAY.isoformat()) == MIN_DAY
    assert parse_day(MAX_DAY.isoformat()) == MAX_DAY
    for text in ("9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"):
        with pytest.raises(UserFacingError) as caught:
            parse_day(text)
        shown = t(caught.value.message, **caught.value.params)
        assert "2000-01-01" in shown and "2100-12-31" in shown, shown
        english = DATE_OUT_OF_RANGE.format(first="2000-01-01", last="2100-12-31")
        assert (shown == english) == (locale == "en"), shown
    with pytest.raises(UserFacingError):
        parse_day("2026-02-30")


def test_bounds_and_local_times_never_overflow() -> None:
    from bot.platform.dates import local, start_of_day, start_of_next_day

    for zone in ("Europe/Helsinki", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        tz = ZoneInfo(zone)
        for day in (date.min, date.max, date(2026, 3, 29)):
            start, after = start_of_day(day, tz), start_of_next_day(day, tz)
            assert start.tzinfo is not None and after.tzinfo is not None
            assert start < after
        for instant in (
            datetime.min.replace(tzinfo=UTC),
            datetime.max.replace(tzinfo=UTC),
            datetime(2026, 12, 7, 8, tzinfo=UTC),
        ):
            shown = local(instant, tz)
            assert shown.tzinfo is not None
            assert abs(shown.replace(tzinfo=None) - instant.replace(tzinfo=None)) <= timedelta(
                days=1
            )


async def test_a_stored_extreme_instant_still_exports(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A tip whose stored time is at the very end (or start) of what a datetime can hold — a
    restored backup, a hand-edited row — is exported, not a traceback."""
    caplog.set_level(logging.WARNING)
    app = running_app
    for at in (datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)):
        await add_tip(app.deps, title="Ytterlighet", status=TipStatus.APPROVED, created_at=at)
    resp = await app.sender.command("/tips", "export", user_id=coffee.ADMIN)
    answer = text_of(await app.answer(resp))
    assert not any(translator(x)(GENERIC_ERROR) in answer for x in ("sv", "fi", "en"))
    assert len(app.fake.uploaded_files) == 1, answer
    assert errors_logged(caplog) == []
