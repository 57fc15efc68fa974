"""The weekly digest: when it is due, which tips it carries, and the record of what was posted.

A digest belongs to a weekly slot (default Friday 10:00 local time) and is claimed once per
(workspace, ISO week of the slot) by a unique constraint, together with its tips: a tip is in
at most one digest. The slot that counts is the latest one that has passed, so a digest missed
while the bot was down runs when it comes back; slots before the digest channel was chosen
don't count. A slot with nothing approved is recorded without a post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.platform.commands import fold
from bot.tips.models import Tip, TipDigest, TipDigestItem, TipsSettings, TipStatus
from bot.tips.store import CATEGORY_ORDER

MAX_TIPS_PER_DIGEST = 150  # the rest waits for the next week
RETRY_UNPOSTED_AFTER = timedelta(minutes=10)


def last_slot(now: datetime, tz: ZoneInfo, weekday: int, hour: int, minute: int) -> datetime:
    """The latest weekly slot at or before `now` (an aware datetime in `tz`)."""
    local = now.astimezone(tz)
    days_back = (local.weekday() - weekday) % 7
    day: date = local.date() - timedelta(days=days_back)
    slot = datetime.combine(day, time(hour, minute), tzinfo=tz)
    if slot > local:
        slot -= timedelta(days=7)
        slot = datetime.combine(slot.date(), time(hour, minute), tzinfo=tz)
    return slot


def next_slot(now: datetime, tz: ZoneInfo, weekday: int, hour: int, minute: int) -> datetime:
    previous = last_slot(now, tz, weekday, hour, minute)
    return datetime.combine(previous.date() + timedelta(days=7), time(hour, minute), tzinfo=tz)


def period_key(slot: datetime) -> str:
    year, week, _ = slot.date().isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class DueDigest:
    team_id: str
    channel: str
    period: str


async def due_digests(session: AsyncSession, now: datetime, tz: ZoneInfo) -> list[DueDigest]:
    """Workspaces whose latest passed slot has no digest yet."""
    due: list[DueDigest] = []
    for settings in await session.scalars(
        select(TipsSettings).where(TipsSettings.digest_channel.is_not(None))
    ):
        assert settings.digest_channel is not None
        slot = last_slot(
            now, tz, settings.digest_weekday, settings.digest_hour, settings.digest_minute
        )
        if settings.digest_set_at is not None and slot < settings.digest_set_at:
            continue
        period = period_key(slot)
        exists = await session.scalar(
            select(TipDigest.id).where(
                TipDigest.team_id == settings.team_id, TipDigest.period == period
            )
        )
        if exists is None:
            due.append(DueDigest(settings.team_id, settings.digest_channel, period))
    return due


async def tips_for_digest(
    session: AsyncSession, team_id: str, now: datetime, limit: int = MAX_TIPS_PER_DIGEST
) -> list[Tip]:
    """Approved tips no digest has carried yet, oldest approval first."""
    carried = select(TipDigestItem.tip_id).where(TipDigestItem.team_id == team_id)
    return list(
        await session.scalars(
            select(Tip)
            .where(
                Tip.team_id == team_id,
                Tip.status == TipStatus.APPROVED.value,
                Tip.decided_at <= now,
                Tip.id.not_in(carried),
            )
            .order_by(Tip.decided_at, Tip.id)
            .limit(limit)
        )
    )


def group_by_category(tips: list[Tip]) -> list[tuple[str, list[Tip]]]:
    """[(category key, tips)] in the categories' order; tips keep their order."""
    groups: dict[str, list[Tip]] = {}
    for tip in tips:
        groups.setdefault(tip.category, []).append(tip)
    return sorted(groups.items(), key=lambda kv: CATEGORY_ORDER.get(kv[0], len(CATEGORY_ORDER)))


async def claim_digest(
    session: AsyncSession, due: DueDigest, now: datetime
) -> tuple[TipDigest, list[Tip]] | None:
    """Record the digest of `due` with its tips; None when another process already did.

    Call in its own transaction: the unique (team_id, period) decides who runs it.
    """
    tips = await tips_for_digest(session, due.team_id, now)
    digest = TipDigest(
        team_id=due.team_id,
        period=due.period,
        channel=due.channel,
        tip_count=len(tips),
        created_at=now,
        attempt_at=now if tips else None,
        posted_at=None if tips else now,  # nothing approved: nothing to post
    )
    try:
        async with session.begin_nested():
            session.add(digest)
            await session.flush()
            for tip in tips:
                session.add(TipDigestItem(digest_id=digest.id, tip_id=tip.id, team_id=due.team_id))
            await session.flush()
    except IntegrityError:
        return None
    return digest, tips


async def unposted_digests(session: AsyncSession, now: datetime) -> list[int]:
    """Digests claimed but never posted (the process stopped in between)."""
    return list(
        await session.scalars(
            select(TipDigest.id).where(
                TipDigest.posted_at.is_(None),
                TipDigest.attempt_at < now - RETRY_UNPOSTED_AFTER,
            )
        )
    )


async def retake_digest(session: AsyncSession, digest_id: int, now: datetime) -> bool:
    result = await session.execute(
        update(TipDigest)
        .where(
            TipDigest.id == digest_id,
            TipDigest.posted_at.is_(None),
            TipDigest.attempt_at < now - RETRY_UNPOSTED_AFTER,
        )
        .values(attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def digest_tips(session: AsyncSession, digest: TipDigest) -> list[Tip]:
    return list(
        await session.scalars(
            select(Tip)
            .join(TipDigestItem, TipDigestItem.tip_id == Tip.id)
            .where(TipDigestItem.digest_id == digest.id)
            .order_by(Tip.decided_at, Tip.id)
        )
    )


async def mark_posted(
    session: AsyncSession, digest_id: int, *, ts: str | None, now: datetime
) -> None:
    await session.execute(
        update(TipDigest)
        .where(TipDigest.id == digest_id)
        .values(posted_at=now, ts=ts)
        .execution_options(synchronize_session=False)
    )


# ---------------------------------------------------------------------------- schedule words


def _weekday_words() -> tuple[dict[str, int], dict[str, int]]:
    """(every day name/abbreviation in sv/fi/en → weekday, wide names → weekday), folded."""
    exact: dict[str, int] = {}
    wide: dict[str, int] = {}
    for code in ("sv_FI", "fi_FI", "en_GB"):
        days = Locale.parse(code).days
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated", "short"):
                for index, name in days[context][width].items():
                    exact[fold(str(name))] = int(index)
                    if width == "wide":
                        wide[fold(str(name))] = int(index)
    return exact, wide


_EXACT_DAYS, _WIDE_DAYS = _weekday_words()
_TIME = re.compile(r"^(?:kl\.?|klo\.?|at)?(\d{1,2})(?:[:.](\d{2}))?$")


def parse_schedule(words: list[str]) -> tuple[int | None, int | None, int | None]:
    """(weekday, hour, minute) from words like `fredag 9:30`, `pe klo 10`, `friday 14.00`.

    Raises ValueError with the word that was not understood.
    """
    weekday: int | None = None
    hour: int | None = None
    minute: int | None = None
    for raw in words:
        word = fold(raw).strip(",")
        if not word or word in {"kl", "kl.", "klo", "klo.", "at", "pa"}:
            continue
        if word in _EXACT_DAYS:
            weekday = _EXACT_DAYS[word]
            continue
        wide = next((d for name, d in _WIDE_DAYS.items() if word.startswith(name)), None)
        if wide is not None:
            weekday = wide
            continue
        match = _TIME.match(word)
        if match and int(match.group(1)) <= 23 and int(match.group(2) or 0) <= 59:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            continue
        raise ValueError(raw)
    return weekday, hour, minute
