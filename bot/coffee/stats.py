"""Figures for a yearly report: rounds, people, groups, who met, across which libraries."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.models import CoffeeGroup, CoffeeGroupMember, CoffeeProgram, CoffeeRound
from bot.coffee.round_store import GROUP, MET
from bot.platform.commands import fold
from bot.platform.dates import MAX_DAY, MIN_DAY, local, parse_day, start_of_day, start_of_next_day
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_

STATS_USAGE = N_(
    "Give a year or a date range, e.g. `/fika stats 2026` or "
    "`/fika stats 2026-01-01..2026-06-30`; add `csv` for a file."
)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|—)\s*(\d{4}-\d{2}-\d{2})$")
_CSV_WORDS = {"csv", "excel", "file", "fil", "tiedosto"}


@dataclass(frozen=True)
class StatsRequest:
    start: date
    end: date  # inclusive
    csv: bool


def parse_stats_args(text: str, today: date) -> StatsRequest:
    """'' → this year; '2026'; '2026-01-01..2026-06-30'; with or without 'csv'."""
    words = text.split()
    want_csv = any(fold(w) in _CSV_WORDS for w in words)
    rest = " ".join(w for w in words if fold(w) not in _CSV_WORDS).strip()
    if not rest:
        return StatsRequest(date(today.year, 1, 1), date(today.year, 12, 31), want_csv)
    if m := _YEAR.match(rest):
        year = int(m.group(1))
        if not MIN_DAY.year <= year <= MAX_DAY.year:
            raise UserFacingError(STATS_USAGE)
        return StatsRequest(date(year, 1, 1), date(year, 12, 31), want_csv)
    if m := _RANGE.match(rest):
        start, end = parse_day(m.group(1)), parse_day(m.group(2))
        if end < start:
            raise UserFacingError(N_("The range ends before it starts."))
        return StatsRequest(start, end, want_csv)
    raise UserFacingError(STATS_USAGE)


@dataclass(frozen=True)
class RoundFigures:
    day: date
    channel_id: str
    people: int
    groups: int
    cross_library: int
    answered: int
    met: int


@dataclass
class CoffeeStats:
    start: date
    end: date
    rounds: int = 0
    participants: int = 0
    groups: int = 0
    answered: int = 0
    met: int = 0
    cross_library: int = 0
    # Pairs of library names (sorted) whose people met; each pair once.
    library_pairs: list[tuple[str, str]] = field(default_factory=list)
    per_round: list[RoundFigures] = field(default_factory=list)

    @property
    def met_share(self) -> float | None:
        """Share of groups that met, of the groups that answered."""
        return self.met / self.answered if self.answered else None

    @property
    def cross_library_share(self) -> float | None:
        return self.cross_library / self.groups if self.groups else None


@dataclass(frozen=True)
class _Person:
    user_id: str
    library_key: str | None
    library_name: str | None


def _library_key(member: CoffeeGroupMember) -> str | None:
    if member.library_id is not None:
        return f"id:{member.library_id}"
    if member.library_name:
        return f"name:{fold(member.library_name)}"
    return None


def is_cross_library(keys: list[str | None]) -> bool:
    """Everyone's library is known and no two people share one."""
    return all(k is not None for k in keys) and len(set(keys)) == len(keys)


async def coffee_stats(
    session: AsyncSession, team_id: str, start: date, end: date, tz: str
) -> CoffeeStats:
    """Figures for rounds whose local date (in `tz`) falls within start..end, inclusive."""
    zone = ZoneInfo(tz)
    since, until = start_of_day(start, zone), start_of_next_day(end, zone)
    stats = CoffeeStats(start=start, end=end)
    rounds = (
        await session.execute(
            select(CoffeeRound, CoffeeProgram.channel_id)
            .join(CoffeeProgram, CoffeeProgram.id == CoffeeRound.program_id)
            .where(
                CoffeeRound.team_id == team_id,
                CoffeeRound.scheduled_for >= since,
                CoffeeRound.scheduled_for < until,
            )
            .order_by(CoffeeRound.scheduled_for, CoffeeRound.id)
        )
    ).all()
    round_list = list(rounds)
    if not round_list:
        return stats
    groups = list(
        await session.scalars(
            select(CoffeeGroup).where(
                CoffeeGroup.round_id.in_([r.id for r, _ in round_list]),
                CoffeeGroup.kind == GROUP,
                CoffeeGroup.failed_at.is_(None),
            )
        )
    )
    by_round: dict[int, list[CoffeeGroup]] = defaultdict(list)
    for group in groups:
        by_round[group.round_id].append(group)

    people: set[str] = set()
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    for round_, channel_id in round_list:
        round_groups = by_round.get(round_.id, [])
        if not round_groups:
            continue
        figures = {"people": 0, "cross": 0, "answered": 0, "met": 0}
        for group in round_groups:
            members = [_Person(m.user_id, _library_key(m), m.library_name) for m in group.members]
            people.update(p.user_id for p in members)
            figures["people"] += len(members)
            if is_cross_library([p.library_key for p in members]):
                figures["cross"] += 1
            if group.outcome is not None:
                figures["answered"] += 1
            if group.outcome == MET:
                figures["met"] += 1
                known = [p for p in members if p.library_key is not None]
                for i, a in enumerate(known):
                    for b in known[i + 1 :]:
                        if a.library_key == b.library_key:
                            continue
                        first, second = sorted((a, b), key=lambda p: str(p.library_key))
                        key = (str(first.library_key), str(second.library_key))
                        names = sorted((a.library_name or "", b.library_name or ""), key=fold)
                        pairs[key] = (names[0], names[1])
        stats.rounds += 1
        stats.groups += len(round_groups)
        stats.cross_library += figures["cross"]
        stats.answered += figures["answered"]
        stats.met += figures["met"]
        stats.per_round.append(
            RoundFigures(
                day=local(round_.scheduled_for, zone).date(),
                channel_id=channel_id,
                people=figures["people"],
                groups=len(round_groups),
                cross_library=figures["cross"],
                answered=figures["answered"],
                met=figures["met"],
            )
        )
    stats.participants = len(people)
    stats.library_pairs = sorted(pairs.values(), key=lambda p: (fold(p[0]), fold(p[1])))
    return stats
