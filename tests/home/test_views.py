"""The App Home (bot/home/views.py) for a member, a reviewer and an admin, the review list and
the help (bot/home/help.py), in sv, fi and en from fixed data: through the strict Block Kit
checker and compared with tests/home/snapshots/ (tests/view_cases.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.coffee.commands import FIKA
from bot.coffee.participants import ACTIVE, PAUSED
from bot.coffee.views.messages import IntroPerson as Partner
from bot.home.help import help_blocks, help_text
from bot.home.ids import HomeAction
from bot.home.store import Figures, HomeData, HomePages, ProfileFacts, ProgramCard
from bot.home.views import home_view, review_modal
from bot.people.permissions import Role
from bot.platform.i18n import translator
from bot.tips.commands import TIPS
from bot.tips.models import TipStatus
from bot.tips.store import Page
from tests.home_support import action_ids
from tests.snapshots import assert_no_stale_snapshots
from tests.view_cases import (
    ANNA,
    BERTIL,
    CHANNEL_2,
    FORMER,
    JSON,
    LAST_ROUND_DAY,
    LOCALES,
    NEXT_ROUND,
    REVIEWER,
    TEAM,
    TZ,
    Case,
    all_names,
    check_case,
    check_languages_differ,
    message,
    other_tip,
    program,
    tip,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
WORKSPACE_URL = "https://fika-test.slack.com/"


def _data(locale: str, *, reviewer: bool, admin: bool) -> HomeData:
    cards = [
        ProgramCard(
            program=program(),
            state=ACTIVE,
            paused_until=None,
            in_channel=True,
            next_at=NEXT_ROUND,
            group_day=LAST_ROUND_DAY,
            partners=(
                Partner(BERTIL, "Nykarleby bibliotek", "Uudenkaarlepyyn kirjasto"),
                Partner(FORMER, None, None),
            ),
            conversation_id="G0GROUP42",
        ),
        ProgramCard(
            program=program(8, CHANNEL_2, group_size=3),
            state=PAUSED,
            paused_until=date(2026, 12, 21),
            in_channel=False,
            next_at=None,
            group_day=None,
            partners=(),
            conversation_id=None,
        ),
    ]
    return HomeData(
        team_id=TEAM,
        user_id=ANNA,
        pages=HomePages(),
        programs=cards,
        programs_total=7,  # more than a page: "Showing 1–2 of 7" and "Show more"
        profile=ProfileFacts(
            library_sv="Jakobstads stadsbibliotek",
            library_fi="Pietarsaaren kaupunginkirjasto",
            chat_languages=["sv", "fi"],
            locale_pref=None,
            locale=locale,
        ),
        mine=Page(tips=[tip(103, TipStatus.PENDING)], total=1, offset=0, limit=5),
        latest=Page(tips=[other_tip(102, TipStatus.APPROVED)], total=1, offset=0, limit=5),
        reviewer=reviewer,
        admin=admin,
        pending=3 if reviewer else None,
        figures=(
            Figures(
                year=2026,
                rounds=48,
                people=120,
                groups=1_250,
                cross_library=1_100,
                tips_approved=37,
            )
            if reviewer or admin
            else None
        ),
    )


def home_member(locale: str) -> JSON:
    data = _data(locale, reviewer=False, admin=False)
    return {"view": home_view(translator(locale), data, workspace_url=WORKSPACE_URL)}


def home_reviewer(locale: str) -> JSON:
    data = _data(locale, reviewer=True, admin=False)
    return {"view": home_view(translator(locale), data, workspace_url=WORKSPACE_URL)}


def home_admin(locale: str) -> JSON:
    """A workspace admin who is not in the review channel: the figures, no review queue."""
    data = _data(locale, reviewer=False, admin=True)
    return {"view": home_view(translator(locale), data, workspace_url=WORKSPACE_URL)}


def review_list(locale: str) -> JSON:
    page = Page(
        tips=[tip(103, TipStatus.PENDING), other_tip(104, TipStatus.PENDING)],
        total=3,
        offset=0,
        limit=2,
    )
    return {"view": review_modal(translator(locale), page, TZ, REVIEWER)}


def help_fika_member(locale: str) -> JSON:
    t = translator(locale)
    return message(help_text(t, FIKA), help_blocks(t, FIKA, {Role.MEMBER}))


def help_tips_admin(locale: str) -> JSON:
    t = translator(locale)
    return message(help_text(t, TIPS), help_blocks(t, TIPS, set(Role), unknown_word="<hej>"))


CASES = [
    Case("home_member", home_member, "Edit profile"),
    Case("home_reviewer", home_reviewer, "Review"),
    Case("home_admin", home_admin, "Tips approved"),
    Case("review_modal", review_list, "Tips to review"),
    Case("help_fika_member", help_fika_member, "Stop taking part in the coffee breaks."),
    Case(
        "help_tips_admin",
        help_tips_admin,
        "Share good practice with libraries across the region. Commands:",
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
def test_each_audience_sees_its_part(locale: str) -> None:
    """Only a reviewer gets the review queue; reviewers and admins get the year's figures."""
    member, reviewer, admin = (
        home_member(locale)["view"],
        home_reviewer(locale)["view"],
        home_admin(locale)["view"],
    )
    assert HomeAction.REVIEW not in action_ids(member)
    assert HomeAction.REVIEW in action_ids(reviewer)
    assert HomeAction.REVIEW not in action_ids(admin)
    assert len(member["blocks"]) < len(admin["blocks"]) < len(reviewer["blocks"])


def test_no_stale_snapshots() -> None:
    assert_no_stale_snapshots(SNAPSHOTS, all_names(CASES))
