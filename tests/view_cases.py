"""View snapshot cases shared by tests/<feature>/test_views.py.

A `Case` renders one view or message of a feature from fixed data in a given language and
returns it as JSON: `{"view": …}` for a modal or the Home, `{"text": …, "blocks": […]}` for a
message, `{"messages": [{"text", "blocks"}, …]}` for several, anything else for what is not
Block Kit (the tips export table). `check_case` then

* renders it twice and requires the same JSON (nothing random, nothing from the clock);
* runs every view and message through the strict checker (tests/fakes/block_kit.py): no errors
  Slack would return, no mrkdwn Slack would show mangled;
* requires the translation of `case.msgid` in the .po file of that language to appear, and
  the other languages' translations of it not to (when they differ) — a render that fell back
  to English, or to another language, fails;
* compares it with `tests/<feature>/snapshots/<case>_<locale>.json` (tests/snapshots.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.coffee.models import CoffeeProgram
from bot.coffee.schedule import Slot
from bot.people.models import Library
from bot.tips.models import Tip, TipSource, TipStatus
from tests.fakes.block_kit import check_message_blocks, check_view
from tests.snapshots import assert_snapshot, catalog_msgstr, literal, strings_in, to_json

LOCALES = ("sv", "fi", "en")
JSON = dict[str, Any]


@dataclass(frozen=True)
class Case:
    name: str
    render: Callable[[str], JSON]  # locale → the snapshot's value
    msgid: str  # a msgid whose translation the render must show


def snapshot_name(case: Case, locale: str) -> str:
    return f"{case.name}_{locale}"


def all_names(cases: Iterable[Case]) -> set[str]:
    return {snapshot_name(c, locale) for c in cases for locale in LOCALES}


def message(text: str | None, blocks: list[JSON]) -> JSON:
    """A message; `text` None when the view module does not make it (the handler does)."""
    return {"blocks": blocks} if text is None else {"text": text, "blocks": blocks}


def check_block_kit(value: JSON) -> int:
    """Every view and message in `value` through the strict checker; how many were checked."""
    checked = 0
    if "view" in value:
        errors, mangled = check_view(value["view"])
        assert errors == [] and mangled == [], (errors, mangled)
        checked += 1
    if "blocks" in value:
        errors, mangled = check_message_blocks(value["blocks"])
        assert errors == [] and mangled == [], (errors, mangled)
        if "text" in value:
            assert isinstance(value["text"], str) and value["text"], "an empty notification text"
        checked += 1
    for part in value.get("messages", []):
        checked += check_block_kit(part)
    return checked


def check_language(value: JSON, locale: str, msgid: str) -> None:
    text = strings_in(value)
    wanted = literal(catalog_msgstr(locale, msgid))
    assert wanted, f"{msgid!r} has no literal text to look for"
    assert wanted in text, f"the {locale} render does not show {wanted!r} ({msgid!r})"
    for other in LOCALES:
        theirs = literal(catalog_msgstr(other, msgid))
        if other == locale or theirs in wanted:  # the same words: nothing to tell apart
            continue
        assert theirs not in text, f"the {locale} render shows {other}'s {theirs!r} ({msgid!r})"


def check_case(case: Case, locale: str, folder: Path, *, block_kit: bool = True) -> JSON:
    value = case.render(locale)
    assert to_json(case.render(locale)) == to_json(value), "two renders differ"
    if block_kit:
        assert check_block_kit(value) > 0, "nothing in the case was checked as Block Kit"
    check_language(value, locale, case.msgid)
    assert_snapshot(snapshot_name(case, locale), value, folder)
    return value


def check_languages_differ(case: Case) -> None:
    """sv, fi and en renders of a case are three different things."""
    rendered = {locale: to_json(case.render(locale)) for locale in LOCALES}
    assert len(set(rendered.values())) == len(LOCALES), f"{case.name}: two languages render alike"


# ---------------------------------------------------------------------------- fixed data
# Fresh objects on every call (ORM objects are mutable); every instant is aware (UTC), since a
# naive one would be read in the machine's own time zone.

TEAM = "T0FIKA"
TZ_NAME = "Europe/Helsinki"
TZ = ZoneInfo(TZ_NAME)
ANNA, BERTIL, CAJSA, REVIEWER = "U0ANNA", "U0BERTIL", "U0CAJSA", "U0REVIEW"
FORMER = "former-3f9c1a7b2e4d"
CHANNEL, CHANNEL_2 = "C0FIKA01", "C0FIKA02"
NEXT_ROUND = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # Monday 09:00 in Helsinki
LAST_ROUND_DAY = date(2026, 11, 30)


def program(program_id: int = 7, channel: str = CHANNEL, **changes: Any) -> CoffeeProgram:
    values: dict[str, Any] = {
        "id": program_id,
        "team_id": TEAM,
        "channel_id": channel,
        "active": True,
        "weekday": 0,
        "hour": 9,
        "minute": 0,
        "interval_weeks": 1,
        "group_size": 2,
        "tz": TZ_NAME,
        "anchor_week": date(2026, 11, 30),
    }
    values.update(changes)
    return CoffeeProgram(**values)


def slot(at: datetime = NEXT_ROUND) -> Slot:
    return Slot(period="2026-W50", at=at, week=date(2026, 12, 7))


def libraries() -> list[Library]:
    rows = [
        ("Jakobstads stadsbibliotek", "Pietarsaaren kaupunginkirjasto", "Jakobstad"),
        ("Nykarleby bibliotek", "Uudenkaarlepyyn kirjasto", "Nykarleby"),
        ("Kronoby bibliotek", None, "Kronoby"),
    ]
    return [
        Library(
            id=i + 1,
            team_id=TEAM,
            name_sv=sv,
            name_fi=fi,
            municipality=municipality,
            curated=True,
        )
        for i, (sv, fi, municipality) in enumerate(rows)
    ]


def typed_library() -> Library:
    return Library(id=9, team_id=TEAM, name_sv="Bokbussen & Co", curated=False)


def tip(tip_id: int, status: TipStatus, **changes: Any) -> Tip:
    values: dict[str, Any] = {
        "id": tip_id,
        "team_id": TEAM,
        "author_id": ANNA,
        "title": "Läsecirkel på lätt svenska",
        "description": (
            "Vi träffas varannan tisdag & läser korta texter högt. "
            "Nyanlända övar språket, och <alla> får en kopp kaffe."
        ),
        "category": "participation",
        "library_id": 1,
        "library_name": "Jakobstads stadsbibliotek",
        "link": "https://example.org/lasecirkel?a=1&b=2",
        "language": "sv",
        "status": status.value,
        "source_kind": TipSource.COMMAND.value,
        "source_ref": None,
        "created_at": datetime(2026, 11, 24, 8, 15, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 24, 8, 15, tzinfo=UTC),
        "decided_at": None,
        "decided_by": None,
        "decision_note": None,
    }
    if status is not TipStatus.PENDING:
        values["decided_at"] = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
        values["decided_by"] = REVIEWER
    if status is TipStatus.REJECTED:
        values["decision_note"] = "Finns redan i förra veckans sammandrag – skicka gärna nya!"
    values.update(changes)
    return Tip(**values)


def other_tip(tip_id: int, status: TipStatus) -> Tip:
    return tip(
        tip_id,
        status,
        author_id=BERTIL,
        title="Kirjastokaverit-ilta",
        description="Iltatapahtuma, jossa uudet asukkaat tapaavat kirjaston väkeä.",
        category="went_well",
        library_id=2,
        library_name="Uudenkaarlepyyn kirjasto",
        link=None,
        language="fi",
        source_kind=TipSource.COFFEE.value,
        source_ref="42",
        created_at=datetime(2026, 11, 26, 14, 5, tzinfo=UTC),
    )
