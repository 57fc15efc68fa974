"""Coffee-break views and messages (bot/coffee/views/) in sv, fi and en from fixed data: through
the strict Block Kit checker and compared with tests/coffee/snapshots/ (tests/view_cases.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.coffee.models import CoffeeGroup, CoffeeGroupMember
from bot.coffee.round_store import MET
from bot.coffee.standing import Standing
from bot.coffee.stats import CoffeeStats
from bot.coffee.views.messages import (
    IntroPerson,
    followup_blocks,
    intro_blocks,
    libraries_blocks,
    status_blocks,
    welcome_blocks,
    welcome_text,
)
from bot.coffee.views.modals import library_add_modal, library_load_modal, profile_modal
from bot.coffee.views.round_failures import FailedGroup, failure_report
from bot.coffee.views.stats import stats_blocks, stats_text
from bot.platform.i18n import translator
from tests.snapshots import assert_no_stale_snapshots, assert_snapshot, strings_in
from tests.view_cases import (
    ANNA,
    BERTIL,
    CAJSA,
    CHANNEL,
    CHANNEL_2,
    FORMER,
    JSON,
    LAST_ROUND_DAY,
    LOCALES,
    NEXT_ROUND,
    TEAM,
    Case,
    all_names,
    check_block_kit,
    check_case,
    check_languages_differ,
    libraries,
    message,
    program,
    slot,
    typed_library,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
STARTER = "participation-shape"
STARTER_QUESTION = "How have patrons helped shape a service or a space at your library?"


def _group(locales: tuple[str, str, str], **changes: object) -> CoffeeGroup:
    values: dict[str, object] = {
        "id": 42,
        "team_id": TEAM,
        "round_id": 3,
        "position": 0,
        "kind": "group",
        "proposer_user_id": ANNA,
        "starter_key": STARTER,
        "conversation_id": "G0GROUP42",
        "outcome": None,
        "answered_by": None,
        "tip_wish_by": None,
    }
    group = CoffeeGroup(**{**values, **changes})
    people = [
        (ANNA, "Jakobstads stadsbibliotek", "Pietarsaaren kaupunginkirjasto"),
        (BERTIL, "Nykarleby bibliotek", "Uudenkaarlepyyn kirjasto"),
        (CAJSA, None, None),  # library not set yet
    ]
    group.members = [
        CoffeeGroupMember(
            id=i + 1,
            team_id=TEAM,
            round_id=3,
            user_id=user_id,
            library_name=sv,
            library_name_fi=fi,
            locale=locale,
        )
        for i, ((user_id, sv, fi), locale) in enumerate(zip(people, locales, strict=True))
    ]
    return group


def _answered(locales: tuple[str, str, str]) -> CoffeeGroup:
    return _group(locales, outcome=MET, answered_by=BERTIL, tip_wish_by=ANNA)


def intro(locale: str) -> JSON:
    return message(*intro_blocks(_group((locale,) * 3)))


def followup(locale: str) -> JSON:
    return message(*followup_blocks(_group((locale,) * 3), LAST_ROUND_DAY))


def followup_answered(locale: str) -> JSON:
    return message(*followup_blocks(_answered((locale,) * 3), LAST_ROUND_DAY))


def welcome(locale: str) -> JSON:
    t = translator(locale)
    shown = program()
    return message(welcome_text(t, shown), welcome_blocks(t, shown, slot()))


def status(locale: str) -> JSON:
    t = translator(locale)
    entries = [
        Standing(
            program(),
            "active",
            None,
            True,
            NEXT_ROUND,
            LAST_ROUND_DAY,
            (IntroPerson(BERTIL, None, None),),
            "G0GROUP42",
        ),
        Standing(
            program(8, CHANNEL_2, interval_weeks=2, group_size=3, weekday=2, hour=13, minute=30),
            "paused",
            date(2026, 12, 21),
            True,
            None,
            None,
            (),
            None,
        ),
    ]
    blocks = status_blocks(t, entries, libraries()[0], ["sv", "fi"], locale, [])
    return message(None, blocks)


def profile(locale: str) -> JSON:
    libs = libraries()
    return {"view": profile_modal(translator(locale), libs, libs[0], ["sv", "fi"], None)}


def libraries_list(locale: str) -> JSON:
    blocks = libraries_blocks(translator(locale), libraries(), 1, True, [typed_library()])
    return message(None, blocks)


def library_add(locale: str) -> JSON:
    return {"view": library_add_modal(translator(locale))}


def library_load(locale: str) -> JSON:
    return {"view": library_load_modal(translator(locale))}


def stats(locale: str) -> JSON:
    t = translator(locale)
    figures = CoffeeStats(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        rounds=48,
        participants=120,
        groups=1_250,
        answered=1_000,
        met=812,
        cross_library=1_100,
        library_pairs=[
            ("Jakobstads stadsbibliotek", "Nykarleby bibliotek"),
            ("Kronoby bibliotek", "Nykarleby bibliotek"),
            ("Bokbussen & Co", "Kronoby bibliotek"),
        ],
    )
    return message(stats_text(t, figures), stats_blocks(t, figures))


def round_failures(locale: str) -> JSON:
    failed = [
        FailedGroup([ANNA, BERTIL], "user_disabled"),
        FailedGroup([FORMER, CAJSA], "cannot_dm_bot"),
        FailedGroup([], "some_new_error"),
    ]
    return message(*failure_report(translator(locale), CHANNEL, failed))


CASES = [
    Case("intro", intro, STARTER_QUESTION),
    Case("followup", followup, "Yes, we met"),
    Case(
        "followup_answered",
        followup_answered,
        "💡 {person} would like to share a tip from your chat.",
    ),
    Case("welcome", welcome, "Set my profile"),
    Case("status", status, "You take part."),
    Case("profile_modal", profile, "Your Fika profile"),
    Case("libraries", libraries_list, "Load a CSV"),
    Case("library_add_modal", library_add, "Name in Swedish"),
    Case("library_load_modal", library_load, "Libraries as CSV"),
    Case("stats", stats, "Groups across libraries"),
    Case("round_failures", round_failures, "Everyone else got their introduction."),
]
MIXED = ("sv", "fi", "en")  # one member of each language: one section each


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_view(case: Case, locale: str) -> None:
    check_case(case, locale, SNAPSHOTS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_languages_differ(case: Case) -> None:
    check_languages_differ(case)


def test_intro_and_followup_of_a_mixed_group() -> None:
    """A group of three languages gets one section per language, sv – fi – en, and one set of
    buttons labelled in all of them."""
    for name, value in (
        ("intro_mixed", message(*intro_blocks(_group(MIXED)))),
        ("followup_mixed", message(*followup_blocks(_group(MIXED), LAST_ROUND_DAY))),
        ("followup_answered_mixed", message(*followup_blocks(_answered(MIXED), LAST_ROUND_DAY))),
    ):
        check_block_kit(value)
        sections = [b for b in value["blocks"] if b["type"] == "section"]
        assert len(sections) == 3, name
        text = strings_in(value)
        for word in ("Delaktighet", "Osallisuus", "Participation"):  # the starter's theme
            assert (word in text) == name.startswith("intro"), (name, word)
        assert_snapshot(name, value, SNAPSHOTS)
    buttons = followup_blocks(_group(MIXED), LAST_ROUND_DAY)[1][-1]["elements"]
    assert buttons[0]["text"]["text"] == "Ja, vi träffades / Kyllä, tapasimme / Yes, we met"


def test_no_stale_snapshots() -> None:
    mixed = {"intro_mixed", "followup_mixed", "followup_answered_mixed"}
    assert_no_stale_snapshots(SNAPSHOTS, all_names(CASES) | mixed)
