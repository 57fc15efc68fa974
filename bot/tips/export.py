"""`/tips export`: the period asked for, the rows, and the CSV file (`bot.platform.spreadsheet`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.former import FORMER_MEMBER, is_former
from bot.people.models import Member
from bot.platform.dates import MAX_DAY, MIN_DAY, local, parse_day, start_of_day, start_of_next_day
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
from bot.platform.spreadsheet import excel_csv
from bot.tips.models import Tip, TipSource
from bot.tips.store import STATUS_LABELS, category_label_key


@dataclass(frozen=True)
class Period:
    start: date | None  # inclusive, local dates; None = from the beginning
    end: date | None  # inclusive

    def bounds(self, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
        start = start_of_day(self.start, tz) if self.start else None
        end = start_of_next_day(self.end, tz) if self.end else None
        return start, end

    def slug(self) -> str:
        if self.start is None and self.end is None:
            return "all"
        if (
            self.start
            and self.end
            and self.start == date(self.start.year, 1, 1)
            and self.end == date(self.start.year, 12, 31)
        ):
            return str(self.start.year)
        return f"{self.start or ''}_{self.end or ''}"


_RANGE_SEPARATORS = re.compile(r"\s*(?:\.\.\.?|…|–|—|\s+)\s*")


def parse_period(text: str) -> Period:
    """'' → everything; '2026' → that year; '2026-01-01..2026-06-30' → those days."""
    text = (text or "").strip()
    if not text:
        return Period(None, None)
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        if not MIN_DAY.year <= year <= MAX_DAY.year:
            raise UserFacingError(N_("Give a year such as 2026, or two dates."))
        return Period(date(year, 1, 1), date(year, 12, 31))
    parts = [p for p in _RANGE_SEPARATORS.split(text) if p]
    if len(parts) == 2:
        start, end = parse_day(parts[0]), parse_day(parts[1])
        if end < start:
            raise UserFacingError(N_("The end date is before the start date."))
        return Period(start, end)
    if len(parts) == 1 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[0]):
        day = parse_day(parts[0])
        return Period(day, day)
    raise UserFacingError(
        N_("Give a year (2026) or two dates (2026-01-01..2026-06-30), or nothing for all tips.")
    )


async def tips_in_period(
    session: AsyncSession, team_id: str, period: Period, tz: ZoneInfo
) -> list[Tip]:
    """Every tip sent in the period, oldest first, whatever its status."""
    start, end = period.bounds(tz)
    query = select(Tip).where(Tip.team_id == team_id)
    if start is not None:
        query = query.where(Tip.created_at >= start)
    if end is not None:
        query = query.where(Tip.created_at < end)
    return list(await session.scalars(query.order_by(Tip.created_at, Tip.id)))


async def names_of(session: AsyncSession, team_id: str, user_ids: set[str]) -> dict[str, str]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(Member.user_id, Member.display_name).where(
            Member.team_id == team_id, Member.user_id.in_(sorted(user_ids))
        )
    )
    return {user_id: name or "" for user_id, name in rows}


def _local(value: datetime | None, tz: ZoneInfo) -> str:
    return local(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""


EXPORT_HEADERS = (
    N_("ID"),
    N_("Status"),
    N_("Category"),
    N_("Title"),
    N_("Description"),
    N_("Library"),
    N_("Author"),
    N_("Author ID"),
    N_("Language"),
    N_("Link"),
    N_("Sent from"),
    N_("Source reference"),
    N_("Sent"),
    N_("Decided"),
    N_("Decided by"),
    N_("Decided by ID"),
    N_("Decision note"),
)

SOURCE_LABELS = {
    TipSource.COMMAND.value: N_("/tips command"),
    TipSource.SHORTCUT.value: N_("Message shortcut"),
    TipSource.COFFEE.value: N_("Coffee break"),
    TipSource.HOME.value: N_("Home tab"),
}


def _name(t: Translator, names: Mapping[str, str], user_id: str) -> str:
    return t(FORMER_MEMBER) if is_former(user_id) else names.get(user_id, "")


def export_table(
    tips: Sequence[Tip], names: Mapping[str, str], t: Translator, tz: ZoneInfo
) -> tuple[list[str], list[list[str]]]:
    """Headers and rows in the reader's language; dates as YYYY-MM-DD HH:MM local time."""
    headers = [t(h) for h in EXPORT_HEADERS]
    rows: list[list[str]] = []
    for tip in tips:
        rows.append(
            [
                str(tip.id),
                t(STATUS_LABELS.get(tip.status, tip.status)),
                t(category_label_key(tip.category)),
                tip.title,
                tip.description,
                tip.library_name or "",
                _name(t, names, tip.author_id),
                "" if is_former(tip.author_id) else tip.author_id,
                tip.language,
                tip.link or "",
                t(SOURCE_LABELS[tip.source_kind]) if tip.source_kind in SOURCE_LABELS else "",
                tip.source_ref or "",
                _local(tip.created_at, tz),
                _local(tip.decided_at, tz),
                _name(t, names, tip.decided_by) if tip.decided_by else "",
                "" if is_former(tip.decided_by) else tip.decided_by or "",
                tip.decision_note or "",
            ]
        )
    return headers, rows


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """The export as a CSV file that opens as columns in Finnish and Swedish Excel."""
    return excel_csv([headers, *rows])
