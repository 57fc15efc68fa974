"""Tips domain: validation, text helpers, decisions, edits, digest slots and selection, CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import translator
from bot.tips import digest as tip_digest
from bot.tips import export as tip_export
from bot.tips.models import TipDigest, TipEvent, TipStatus
from bot.tips.store import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    decide,
    edit_tip,
    get_tip,
    latest_page,
    mine_page,
    pending_page,
    plain_from_slack,
    prefill_from_text,
    set_digest,
    validate_edit,
    validate_note,
    validate_tip,
)
from tests.conftest import TEAM_ID
from tests.tips_support import AUTHOR, add_tip

HELSINKI = ZoneInfo("Europe/Helsinki")


def _valid(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "title": "  Läsecirkel \n för alla ",
        "description": "Rad ett.\n\n\n\nRad två.  ",
        "category": "participation",
        "library": None,
        "library_other": "Åbo stadsbibliotek",
        "link": "https://example.org/läsecirkel",
        "language": "sv",
    }
    fields.update(changes)
    return fields


# ---------------------------------------------------------------------------- validation


def test_a_valid_tip_is_cleaned() -> None:
    draft, errors = validate_tip(**_valid())  # type: ignore[arg-type]
    assert errors == {}
    assert draft is not None
    assert draft.title == "Läsecirkel för alla"
    assert draft.description == "Rad ett.\n\nRad två."
    assert draft.library_name == "Åbo stadsbibliotek" and draft.library_id is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * (TITLE_MAX + 1)}, "title"),
        ({"description": ""}, "description"),
        ({"description": "x" * (DESCRIPTION_MAX + 1)}, "description"),
        ({"category": "weather"}, "category"),
        ({"category": None}, "category"),
        ({"library": None, "library_other": ""}, "library_other"),
        ({"library": "other", "library_other": None}, "library_other"),
        ({"library": "12; DROP TABLE"}, "library"),
        ({"library_other": "x" * 201}, "library_other"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "ftp://example.org/file"}, "link"),
        ({"link": "example.org"}, "link"),
        ({"link": "https://exa mple.org"}, "link"),
        ({"link": "https://example.org/<!channel>"}, "link"),
        ({"link": "https://" + "a" * 1000 + ".org"}, "link"),
        ({"language": "de"}, "language"),
    ],
)
def test_invalid_fields_are_named(changes: dict[str, object], field: str) -> None:
    draft, errors = validate_tip(**_valid(**changes))  # type: ignore[arg-type]
    assert draft is None
    assert field in errors


def test_a_curated_library_wins_over_the_typed_name() -> None:
    draft, errors = validate_tip(**_valid(library="7", library_other="ignored"))  # type: ignore[arg-type]
    assert errors == {} and draft is not None
    assert draft.library_id == 7 and draft.library_name is None


def test_errors_translate_with_their_limits() -> None:
    _draft, errors = validate_tip(**_valid(title="x" * 151))  # type: ignore[arg-type]
    error = errors["title"]
    assert translator("fi")(error.message, **error.params) != error.message.format(**error.params)
    assert "150" in translator("sv")(error.message, **error.params)


def test_edit_and_note_validation() -> None:
    fields, errors = validate_edit(title="Ny titel", description="Text", category="other")
    assert errors == {} and fields == ("Ny titel", "Text", "other")
    _fields, errors = validate_edit(title="", description="", category="x")
    assert set(errors) == {"title", "description", "category"}
    assert validate_note("  ", required=True)[1] is not None
    assert validate_note("Skäl", required=True) == ("Skäl", None)
    assert validate_note("x" * 1001, required=True)[1] is not None


# ---------------------------------------------------------------------------- text helpers


def test_slack_markup_becomes_plain_text() -> None:
    text = (
        "Hej <@U1>, se <https://ex.org/a?b=1&amp;c=2|sidan> och <https://ex.org> i <#C1|allmänt>"
        " &lt;3 <!here> <!subteam^S1|@bibbor>"
    )
    assert plain_from_slack(text, {"U1": "Aino"}) == (
        "Hej @Aino, se sidan (https://ex.org/a?b=1&c=2) och https://ex.org i #allmänt <3 @here "
        "@bibbor"
    )


def test_prefill_takes_the_first_sentence_as_title() -> None:
    title, description = prefill_from_text("Vi lånar ut symaskiner! Det har blivit populärt.")
    assert title == "Vi lånar ut symaskiner!"
    assert description == "Vi lånar ut symaskiner! Det har blivit populärt."
    long_title, _ = prefill_from_text("ord " * 100)
    assert len(long_title) <= TITLE_MAX and long_title.endswith("…")
    _, long_description = prefill_from_text("x" * 5000)
    assert len(long_description) == DESCRIPTION_MAX
    assert prefill_from_text("") == ("", "")


# ---------------------------------------------------------------------------- decisions


async def test_a_tip_is_decided_once_even_when_clicked_twice_at_once(deps: Deps) -> None:
    tip_id = await add_tip(deps, title="Dubbelklick", status=TipStatus.PENDING)

    async def approve(actor: str) -> bool:
        async with deps.db.begin() as session:
            decision = await decide(
                session, TEAM_ID, tip_id, actor_id=actor, approve=True, note=None, now=deps.now()
            )
            assert decision is not None
            return decision.decided_now

    results = await asyncio.gather(approve("UREV1"), approve("UREV2"), approve("UREV1"))
    assert sorted(results) == [False, False, True]
    async with deps.db() as session:
        events = list(await session.scalars(select(TipEvent).where(TipEvent.tip_id == tip_id)))
        tip = await get_tip(session, TEAM_ID, tip_id)
    assert [e.action for e in events] == ["submitted", "approved"]
    assert tip is not None and tip.status == "approved"

    async with deps.db.begin() as session:
        late = await decide(
            session, TEAM_ID, tip_id, actor_id="UREV2", approve=False, note="no", now=deps.now()
        )
    assert late is not None and not late.decided_now and late.tip.status == "approved"


async def test_decisions_stay_within_their_workspace(deps: Deps) -> None:
    tip_id = await add_tip(deps, title="Annan", status=TipStatus.PENDING, team_id="TOTHER")
    async with deps.db.begin() as session:
        result = await decide(
            session, TEAM_ID, tip_id, actor_id="UREV1", approve=True, note=None, now=deps.now()
        )
    assert result is None


async def test_edits_are_recorded_with_the_changed_fields(deps: Deps) -> None:
    tip_id = await add_tip(deps, title="Stavfel", status=TipStatus.PENDING)
    async with deps.db.begin() as session:
        edited = await edit_tip(
            session,
            TEAM_ID,
            tip_id,
            actor_id="UREV1",
            title="Stavning",
            description="Beskrivning.",
            category="talent",
            now=deps.now(),
        )
    assert edited is not None and edited[1] == ["title", "category"]
    async with deps.db() as session:
        events = list(await session.scalars(select(TipEvent).where(TipEvent.tip_id == tip_id)))
        tip = await get_tip(session, TEAM_ID, tip_id)
    assert events[-1].action == "edited" and events[-1].note == "title, category"
    assert tip is not None and tip.search_title == "stavning"


async def test_lists_order_and_page(deps: Deps, clock: object) -> None:
    base = deps.now()
    for i in range(12):
        await add_tip(
            deps,
            title=f"Väntar {i}",
            status=TipStatus.PENDING,
            created_at=base + timedelta(minutes=i),
        )
    for i in range(3):
        await add_tip(
            deps, title=f"Godkänd {i}", decided_at=base + timedelta(hours=i), author="UOTHER"
        )
    async with deps.db() as session:
        first = await pending_page(session, TEAM_ID, 0, 10)
        second = await pending_page(session, TEAM_ID, 10, 10)
        latest = await latest_page(session, TEAM_ID, 0, 10)
        mine = await mine_page(session, TEAM_ID, AUTHOR, 0, 5)
    assert first.total == 12 and [t.title for t in first.tips][:2] == ["Väntar 0", "Väntar 1"]
    assert first.has_next and not first.has_previous
    assert [t.title for t in second.tips] == ["Väntar 10", "Väntar 11"] and not second.has_next
    assert [t.title for t in latest.tips] == ["Godkänd 2", "Godkänd 1", "Godkänd 0"]
    assert mine.total == 12 and mine.tips[0].title == "Väntar 11"


# ---------------------------------------------------------------------------- digest


def test_last_slot_is_the_latest_friday_ten_local() -> None:
    friday_9 = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)  # 09:00 in Helsinki
    friday_10 = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    slot = tip_digest.last_slot(friday_9, HELSINKI, 4, 10, 0)
    assert slot.date() == date(2026, 11, 27) and slot.hour == 10
    assert tip_digest.last_slot(friday_10, HELSINKI, 4, 10, 0).date() == date(2026, 12, 4)
    assert tip_digest.period_key(tip_digest.last_slot(friday_10, HELSINKI, 4, 10, 0)) == "2026-W49"
    # Across the switch to summer time the slot stays at 10:00 local.
    spring = tip_digest.last_slot(datetime(2027, 4, 2, 9, 0, tzinfo=UTC), HELSINKI, 4, 10, 0)
    assert spring.hour == 10 and spring.utcoffset() == timedelta(hours=3)
    assert tip_digest.next_slot(friday_9, HELSINKI, 4, 10, 0).date() == date(2026, 12, 4)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["fredag", "10:00"], (4, 10, 0)),
        (["pe", "klo", "9.30"], (4, 9, 30)),
        (["Monday"], (0, None, None)),
        (["torstaisin", "14"], (3, 14, 0)),
        (["lör", "kl", "8"], (5, 8, 0)),
        ([], (None, None, None)),
    ],
)
def test_schedule_words_in_three_languages(words: list[str], expected: tuple[object, ...]) -> None:
    assert tip_digest.parse_schedule(words) == expected


@pytest.mark.parametrize("words", [["banan"], ["25:00"], ["fredag", "10:75"]])
def test_schedule_nonsense_is_refused(words: list[str]) -> None:
    with pytest.raises(ValueError):
        tip_digest.parse_schedule(words)


async def test_digest_takes_each_approved_tip_once(deps: Deps) -> None:
    monday = deps.now()  # Monday 2026-11-30 09:00 local
    async with deps.db.begin() as session:
        await set_digest(session, TEAM_ID, "CDIGEST", by="UADMIN", now=monday)
    async with deps.db() as session:
        # The slot before the digest was set up (Friday 27 Nov) does not count.
        assert await tip_digest.due_digests(session, monday, HELSINKI) == []

    a = await add_tip(deps, title="A", category="talent", decided_at=monday)
    b = await add_tip(deps, title="B", category="participation", decided_at=monday)
    await add_tip(deps, title="Pending", status=TipStatus.PENDING)
    await add_tip(deps, title="Rejected", status=TipStatus.REJECTED)

    friday = datetime(2026, 12, 4, 8, 5, tzinfo=UTC)
    async with deps.db() as session:
        due = await tip_digest.due_digests(session, friday, HELSINKI)
    assert due == [tip_digest.DueDigest(TEAM_ID, "CDIGEST", "2026-W49")]
    async with deps.db.begin() as session:
        claimed = await tip_digest.claim_digest(session, due[0], friday)
    assert claimed is not None
    _digest, tips = claimed
    assert [t.id for t in tips] == [a, b]
    assert [k for k, _ in tip_digest.group_by_category(tips)] == ["participation", "talent"]
    async with deps.db.begin() as session:
        assert await tip_digest.claim_digest(session, due[0], friday) is None  # claimed
    async with deps.db() as session:
        assert await tip_digest.due_digests(session, friday, HELSINKI) == []
        assert await tip_digest.tips_for_digest(session, TEAM_ID, friday) == []

    # A week without approvals is recorded, with nothing to post.
    next_friday = friday + timedelta(days=7)
    async with deps.db() as session:
        due = await tip_digest.due_digests(session, next_friday, HELSINKI)
    async with deps.db.begin() as session:
        claimed = await tip_digest.claim_digest(session, due[0], next_friday)
    assert claimed is not None and claimed[1] == [] and claimed[0].posted_at is not None
    async with deps.db() as session:
        count = len(list(await session.scalars(select(TipDigest))))
    assert count == 2


# ---------------------------------------------------------------------------- export


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("", None, None),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-01-01..2026-03-31", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-01-01 – 2026-03-31", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-05-05", date(2026, 5, 5), date(2026, 5, 5)),
    ],
)
def test_export_periods(text: str, start: date | None, end: date | None) -> None:
    period = tip_export.parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["last year", "2026-13-01..2026-12-01", "2026-03-01..2026-01-01"])
def test_export_period_errors(text: str) -> None:
    with pytest.raises(UserFacingError):
        tip_export.parse_period(text)


def test_csv_has_a_bom_and_neutralizes_formulas() -> None:
    data = tip_export.to_csv(
        ["Rubrik", "Text"], [['=HYPERLINK("http://x")', 'Åbo, "citat"\nrad två'], ["-1", "ok"]]
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Rubrik", "Text"],
        ['\'=HYPERLINK("http://x")', 'Åbo, "citat"\nrad två'],
        ["'-1", "ok"],
    ]


async def test_export_selects_by_sending_date_in_local_time(deps: Deps) -> None:
    new_year = datetime(2025, 12, 31, 22, 30, tzinfo=UTC)  # 2026-01-01 00:30 in Helsinki
    inside = await add_tip(deps, title="Nyår", created_at=new_year)
    await add_tip(deps, title="Före", created_at=new_year - timedelta(hours=1))
    async with deps.db() as session:
        tips = await tip_export.tips_in_period(
            session, TEAM_ID, tip_export.parse_period("2026"), HELSINKI
        )
    assert [t.id for t in tips] == [inside]
    headers, rows = tip_export.export_table(tips, {AUTHOR: "Aino"}, translator("fi"), HELSINKI)
    assert headers[1] == "Tila" and rows[0][1] == "Hyväksytty"
    assert rows[0][6] == "Aino" and rows[0][12] == "2026-01-01 00:30"
