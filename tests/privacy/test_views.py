"""Privacy views (bot/privacy/views.py): what Fika stores about you, forget me and an admin's
forget-someone confirmation, the Home after forgetting, in sv, fi and en from fixed data:
through the strict Block Kit checker and compared with tests/privacy/snapshots/
(tests/view_cases.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.coffee.models import CoffeeParticipant
from bot.coffee.participants import ACTIVE, PAUSED
from bot.people.models import Member
from bot.platform.i18n import translator
from bot.privacy.store import PersonalData, RecentGroup
from bot.privacy.views import (
    forget_confirmation,
    forget_other_confirmation,
    forgotten_home,
    my_data_blocks,
)
from bot.tips.models import TipStatus
from tests.snapshots import assert_no_stale_snapshots
from tests.view_cases import (
    ANNA,
    BERTIL,
    CAJSA,
    CHANNEL,
    CHANNEL_2,
    FORMER,
    JSON,
    LOCALES,
    TEAM,
    TZ,
    Case,
    all_names,
    check_case,
    check_languages_differ,
    libraries,
    message,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _personal_data() -> PersonalData:
    member = Member(
        id=1,
        team_id=TEAM,
        user_id=ANNA,
        display_name="Anna Andersson <AKE>",
        locale_pref=None,
        slack_locale="sv-FI",
        chat_languages="sv,fi",
        library_id=1,
    )
    programs = [
        (CHANNEL, CoffeeParticipant(team_id=TEAM, program_id=7, user_id=ANNA, status=ACTIVE)),
        (
            CHANNEL_2,
            CoffeeParticipant(
                team_id=TEAM,
                program_id=8,
                user_id=ANNA,
                status=PAUSED,
                paused_until=date(2026, 12, 21),
            ),
        ),
    ]
    return PersonalData(
        member=member,
        library=libraries()[0],
        programs=programs,
        rounds=12,
        groups_met=9,
        recent=[
            RecentGroup(CHANNEL, datetime(2026, 11, 30, 7, 0, tzinfo=UTC), [BERTIL, FORMER]),
            RecentGroup(CHANNEL_2, datetime(2026, 11, 18, 11, 30, tzinfo=UTC), []),
        ],
        tips_by_status={TipStatus.APPROVED.value: 2, TipStatus.PENDING.value: 1},
        tips_decided=4,
    )


def my_data(locale: str) -> JSON:
    return message(*my_data_blocks(translator(locale), _personal_data(), TZ, retention_days=365))


def forget_me(locale: str) -> JSON:
    return message(*forget_confirmation(translator(locale), f"{ANNA}:1"))


def forget_other(locale: str) -> JSON:
    return message(*forget_other_confirmation(translator(locale), CAJSA, f"{CAJSA}:1"))


def forgotten(locale: str) -> JSON:
    return {"view": forgotten_home(translator(locale))}


CASES = [
    Case("my_data", my_data, "What Fika stores about you"),
    Case("forget_me_confirm", forget_me, "Keep my data"),
    Case("forget_other_confirm", forget_other, "Delete their data?"),
    Case(
        "forgotten_home",
        forgotten,
        "Fika has forgotten you. If you use Fika again (a command, a button, this tab), it "
        "starts afresh.",
    ),
]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_view(case: Case, locale: str) -> None:
    check_case(case, locale, SNAPSHOTS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_languages_differ(case: Case) -> None:
    check_languages_differ(case)


@pytest.mark.parametrize("locale", LOCALES)
def test_forget_buttons_ask_first(locale: str) -> None:
    """Both deleting buttons are red and open a confirmation dialog."""
    for case in (forget_me, forget_other):
        delete = case(locale)["blocks"][1]["elements"][0]
        assert delete["style"] == "danger" and delete["confirm"]["style"] == "danger"


def test_no_stale_snapshots() -> None:
    assert_no_stale_snapshots(SNAPSHOTS, all_names(CASES))
