"""What a person's App Home shows: their coffee programs, profile, tips and, for the development
team, the review queue and this year's figures. Plain functions over a session; the Slack side
(channel membership, who reviews, publishing) lives in `bot.home.slack_side`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.participants import ACTIVE, LEFT, PAUSED, participations
from bot.coffee.programs import active_programs
from bot.coffee.standing import OUT, Standing, standing_in, state_of
from bot.coffee.stats import coffee_stats
from bot.people.members import get_member, member_locale
from bot.platform.dates import start_of_day, start_of_next_day
from bot.platform.slack_values import object_or_empty, to_offset
from bot.tips.models import Tip, TipStatus
from bot.tips.store import Page, latest_page, mine_page

# Order on the page: taking part, on a break, left, never joined.
_STATE_ORDER = {ACTIVE: 0, PAUSED: 1, LEFT: 2, OUT: 3}

PROGRAMS_PER_PAGE = 4
TIPS_PER_PAGE = 5
LATEST_PER_PAGE = 5
AUTO_LOCALE = "auto"  # the language select's "same as my Slack language"

PROGRAMS = "p"
MINE = "m"
LATEST = "l"
LISTS = (PROGRAMS, MINE, LATEST)


@dataclass(frozen=True)
class HomePages:
    """Where each paged list of the Home starts; kept in the view's private_metadata."""

    programs: int = 0
    mine: int = 0
    latest: int = 0

    def encode(self) -> str:
        return json.dumps({PROGRAMS: self.programs, MINE: self.mine, LATEST: self.latest})

    @classmethod
    def decode(cls, text: object) -> HomePages:
        """Whatever came back from Slack (or was crafted): unknown parts read as 0."""
        data = object_or_empty(text)
        return cls(*(_offset(data.get(key)) for key in LISTS))

    def moved(self, which: object, offset: object) -> HomePages:
        if which == PROGRAMS:
            return replace(self, programs=_offset(offset))
        if which == MINE:
            return replace(self, mine=_offset(offset))
        if which == LATEST:
            return replace(self, latest=_offset(offset))
        return self


def _offset(value: object) -> int:
    return to_offset(value) or 0


def page_value(which: str, offset: int) -> str:
    """A "show more" button's value."""
    return json.dumps({"k": which, "o": offset})


def parse_page_value(value: object) -> tuple[str | None, int]:
    data = object_or_empty(value)
    if data.get("k") not in LISTS:
        return None, 0
    return str(data["k"]), _offset(data.get("o"))


# ---------------------------------------------------------------------------- coffee


ProgramCard = Standing


async def coffee_cards(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    now: datetime,
    in_channel: Mapping[str, bool],
    offset: int,
    limit: int = PROGRAMS_PER_PAGE,
) -> tuple[list[ProgramCard], int, int]:
    """One page of the workspace's active programs as the person stands in them.

    Returns (cards, total, offset actually used). `in_channel` tells, per channel id, whether
    the person is a member of the program's channel.
    """
    programs = await active_programs(session, team_id)
    rows = {p.id: part for p, part in await participations(session, team_id, user_id)}
    states = []
    for program in programs:
        row = rows.get(program.id)
        member = bool(in_channel.get(program.channel_id))
        states.append((program, state_of(program, row, member, now), row, member))
    states.sort(key=lambda s: (_STATE_ORDER.get(s[1], 9), s[0].id))
    total = len(states)
    offset = clamp_offset(offset, total, limit)
    cards = [
        await standing_in(session, program, row, user_id, now, member)
        for program, _, row, member in states[offset : offset + limit]
    ]
    return cards, total, offset


def clamp_offset(offset: int, total: int, limit: int) -> int:
    """An offset within the list, on a page boundary: a stale "show more" lands on the last
    page."""
    if total <= 0 or limit <= 0:
        return 0
    last = ((total - 1) // limit) * limit
    return max(0, min((offset // limit) * limit, last))


# ---------------------------------------------------------------------------- profile


@dataclass(frozen=True)
class ProfileFacts:
    library_sv: str | None
    library_fi: str | None
    chat_languages: list[str]
    locale_pref: str | None
    locale: str  # the language Fika writes to them in

    def library(self, locale: str) -> str | None:
        if locale == "fi" and self.library_fi:
            return self.library_fi
        return self.library_sv


async def profile_facts(
    session: AsyncSession, team_id: str, user_id: str, default_locale: str
) -> ProfileFacts:
    member = await get_member(session, team_id, user_id)
    library = member.library if member is not None else None
    return ProfileFacts(
        library_sv=library.name_sv if library else None,
        library_fi=library.name_fi if library else None,
        chat_languages=member.languages if member is not None else [],
        locale_pref=member.locale_pref if member is not None else None,
        locale=member_locale(member, default_locale),
    )


# ---------------------------------------------------------------------------- tips


async def own_tips(
    session: AsyncSession, team_id: str, user_id: str, offset: int, limit: int = TIPS_PER_PAGE
) -> Page:
    total = await session.scalar(
        select(func.count())
        .select_from(Tip)
        .where(Tip.team_id == team_id, Tip.author_id == user_id)
    )
    return await mine_page(
        session, team_id, user_id, clamp_offset(offset, total or 0, limit), limit
    )


async def latest_tips(
    session: AsyncSession, team_id: str, offset: int, limit: int = LATEST_PER_PAGE
) -> Page:
    total = await session.scalar(
        select(func.count())
        .select_from(Tip)
        .where(Tip.team_id == team_id, Tip.status == TipStatus.APPROVED.value)
    )
    return await latest_page(session, team_id, clamp_offset(offset, total or 0, limit), limit)


async def pending_count(session: AsyncSession, team_id: str) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Tip)
            .where(Tip.team_id == team_id, Tip.status == TipStatus.PENDING.value)
        )
        or 0
    )


# ---------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figures:
    """This year's headline figures for the development team."""

    year: int
    rounds: int
    people: int
    groups: int
    cross_library: int  # groups whose people all came from different libraries
    tips_approved: int


def _year_bounds(year: int, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    return start_of_day(date(year, 1, 1), zone), start_of_next_day(date(year, 12, 31), zone)


async def year_figures(session: AsyncSession, team_id: str, year: int, tz: str) -> Figures:
    """The figures of `/fika stats <year>` (same rules) plus the tips approved that year."""
    stats = await coffee_stats(session, team_id, date(year, 1, 1), date(year, 12, 31), tz)
    since, until = _year_bounds(year, tz)
    approved = await session.scalar(
        select(func.count())
        .select_from(Tip)
        .where(
            Tip.team_id == team_id,
            Tip.status == TipStatus.APPROVED.value,
            Tip.decided_at >= since,
            Tip.decided_at < until,
        )
    )
    return Figures(
        year=year,
        rounds=stats.rounds,
        people=stats.participants,
        groups=stats.groups,
        cross_library=stats.cross_library,
        tips_approved=int(approved or 0),
    )


# ---------------------------------------------------------------------------- everything


@dataclass(frozen=True)
class HomeData:
    """Everything one person's Home shows (the view is rendered from this alone)."""

    team_id: str
    user_id: str
    pages: HomePages  # the offsets actually shown
    programs: list[ProgramCard]
    programs_total: int
    profile: ProfileFacts
    mine: Page
    latest: Page
    reviewer: bool  # may review tips (the review channel's members and ADMIN_USER_IDS)
    admin: bool
    pending: int | None  # tips waiting for review (reviewers only)
    figures: Figures | None  # reviewers and admins only


async def gather_home(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    *,
    now: datetime,
    pages: HomePages,
    in_channel: Mapping[str, bool],
    default_locale: str,
    reviewer: bool,
    admin: bool,
    figures: Figures | None,
) -> HomeData:
    cards, programs_total, programs_offset = await coffee_cards(
        session, team_id, user_id, now, in_channel, pages.programs
    )
    mine = await own_tips(session, team_id, user_id, pages.mine)
    latest = await latest_tips(session, team_id, pages.latest)
    return HomeData(
        team_id=team_id,
        user_id=user_id,
        pages=HomePages(programs_offset, mine.offset, latest.offset),
        programs=cards,
        programs_total=programs_total,
        profile=await profile_facts(session, team_id, user_id, default_locale),
        mine=mine,
        latest=latest,
        reviewer=reviewer,
        admin=admin,
        pending=await pending_count(session, team_id) if reviewer else None,
        figures=figures if reviewer or admin else None,
    )
