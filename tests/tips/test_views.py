"""Tips views and messages (bot/tips/views.py, bot/tips/export.py) in sv, fi and en from fixed
data: through the strict Block Kit checker and compared with tests/tips/snapshots/
(tests/view_cases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.platform.i18n import translator
from bot.tips.export import export_table
from bot.tips.models import TipStatus
from bot.tips.search import SearchResult
from bot.tips.store import Page
from bot.tips.views import (
    card_blocks,
    card_text,
    digest_messages,
    mine_blocks,
    search_blocks,
    tip_modal,
)
from tests.snapshots import assert_no_stale_snapshots, strings_in
from tests.view_cases import (
    ANNA,
    BERTIL,
    FORMER,
    JSON,
    LOCALES,
    REVIEWER,
    TZ,
    Case,
    all_names,
    check_case,
    check_languages_differ,
    libraries,
    message,
    other_tip,
    tip,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"


def modal(locale: str) -> JSON:
    view = tip_modal(
        translator(locale),
        libraries=libraries(),
        language=locale,
        metadata={"s": "command", "r": "C0FIKA01/1764490000.000100"},
    )
    return {"view": view}


def _card(locale: str, status: TipStatus) -> JSON:
    t = translator(locale)
    shown = tip(101, status)
    return message(card_text(t, shown), card_blocks(t, shown, TZ))


def card_pending(locale: str) -> JSON:
    return _card(locale, TipStatus.PENDING)


def card_approved(locale: str) -> JSON:
    return _card(locale, TipStatus.APPROVED)


def card_rejected(locale: str) -> JSON:
    return _card(locale, TipStatus.REJECTED)


def search(locale: str) -> JSON:
    result = SearchResult(
        tips=[tip(101, TipStatus.APPROVED), other_tip(102, TipStatus.APPROVED)],
        total=5,
        offset=2,
        limit=2,
        terms=["läsecirkel", "kaffe"],
        matched_all=True,
    )
    return message(None, search_blocks(translator(locale), result, "läsecirkel <kaffe>", TZ))


def mine(locale: str) -> JSON:
    page = Page(
        tips=[
            tip(103, TipStatus.PENDING, title="Sagostund på tre språk"),
            tip(101, TipStatus.APPROVED),
            tip(100, TipStatus.REJECTED, title="Bokbytarhylla"),
        ],
        total=3,
        offset=0,
        limit=8,
    )
    return message(None, mine_blocks(translator(locale), page, TZ))


def digest(locale: str) -> JSON:
    groups = [
        ("participation", [tip(101, TipStatus.APPROVED)]),
        (
            "went_well",
            [other_tip(102, TipStatus.APPROVED), tip(104, TipStatus.APPROVED, author_id=FORMER)],
        ),
    ]
    names = {ANNA: "Anna Andersson & co", BERTIL: "Bertil Bäck"}
    parts = digest_messages(translator(locale), groups, names)
    return {"messages": [message(text, blocks) for text, blocks in parts]}


def export(locale: str) -> JSON:
    """The rows of the `/tips export` CSV file (not Block Kit)."""
    tips = [
        tip(100, TipStatus.REJECTED),
        tip(101, TipStatus.APPROVED, decided_by=FORMER),
        other_tip(102, TipStatus.PENDING),
    ]
    names = {ANNA: "Anna Andersson", BERTIL: "Bertil Bäck", REVIEWER: "Rita Granskare"}
    headers, rows = export_table(tips, names, translator(locale), TZ)
    return {"headers": headers, "rows": rows}


CASES = [
    Case("tip_modal", modal, "Choose a category"),
    Case("card_pending", card_pending, "Approve"),
    Case("card_approved", card_approved, "Approved by {who} on {when}"),
    Case("card_rejected", card_rejected, "Not approved by {who} on {when}"),
    Case("search", search, "Shared by {author} · approved {when}"),
    Case("mine", mine, "Waiting for review"),
    Case("digest", digest, "Good practice of the week"),
]
EXPORT = Case("export", export, "Decision note")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_view(case: Case, locale: str) -> None:
    check_case(case, locale, SNAPSHOTS)


@pytest.mark.parametrize("locale", LOCALES)
def test_export_rows(locale: str) -> None:
    value = check_case(EXPORT, locale, SNAPSHOTS, block_kit=False)
    assert len(value["rows"]) == 3
    assert all(len(row) == len(value["headers"]) for row in value["rows"])
    # A forgotten decider is named "a former member", and their placeholder id is not shown.
    assert FORMER not in strings_in(value)


@pytest.mark.parametrize("case", [*CASES, EXPORT], ids=lambda c: c.name)
def test_languages_differ(case: Case) -> None:
    check_languages_differ(case)


@pytest.mark.parametrize("locale", LOCALES)
def test_typed_markup_is_escaped(locale: str) -> None:
    """What people typed (`&`, `<alla>`, `<kaffe>`) is shown as text, never as Slack syntax."""
    for case in (card_pending, search, digest):
        text = strings_in(case(locale))
        assert "<alla>" not in text and "&lt;alla&gt;" in text, case.__name__


def test_no_stale_snapshots() -> None:
    assert_no_stale_snapshots(SNAPSHOTS, all_names([*CASES, EXPORT]))


@pytest.mark.parametrize("locale", ["sv", "fi"])
def test_review_card_labels_are_translated(locale: str) -> None:
    fields = card_pending(locale)["blocks"][2]["fields"]
    assert not any(f["text"].startswith("*Sent by*") for f in fields)
