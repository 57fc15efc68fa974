"""Good-practice tips: the tips, their audit trail, per-workspace settings and the digests.

Full-text search is not modelled here: migration 0003 adds an FTS5 table with triggers on SQLite
and a GIN expression index on PostgreSQL, both over `search_title` / `search_body` (see
`bot.tips.search`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.platform.db.base import Base, utcnow


class TipStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class TipSource(StrEnum):
    """Where a tip was sent from."""

    COMMAND = "command"  # /tips or /tips <text>
    SHORTCUT = "shortcut"  # the message shortcut; source_ref = permalink of the message
    COFFEE = "coffee"  # a coffee break's follow-up; source_ref = the coffee group's id
    HOME = "home"  # a button in the App Home tab


class TipEventAction(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    EDITED = "edited"


class Tip(Base):
    __tablename__ = "tips"
    __table_args__ = (
        Index("ix_tips_team_status_created", "team_id", "status", "created_at"),
        Index("ix_tips_team_author", "team_id", "author_id"),
        Index("ix_tips_team_decided", "team_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    # The library the tip is about: a curated one, and/or the name as it was when sent.
    library_id: Mapped[int | None] = mapped_column(
        ForeignKey("libraries.id", ondelete="SET NULL"), index=True
    )
    library_name: Mapped[str | None] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(1000))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=TipStatus.PENDING.value)
    source_kind: Mapped[str] = mapped_column(String(16), default=TipSource.COMMAND.value)
    source_ref: Mapped[str | None] = mapped_column(String(1000))
    # Case-folded, NFC-normalized copies for full-text search (kept by bot.tips.store).
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decision_note: Mapped[str | None] = mapped_column(Text)
    # The review card: where it is, and when posting it was last attempted (claim for retries).
    review_channel: Mapped[str | None] = mapped_column(String(32))
    review_ts: Mapped[str | None] = mapped_column(String(32))
    card_attempt_at: Mapped[datetime | None]


class TipEvent(Base):
    """The audit trail: every submission, decision and edit, with who and when."""

    __tablename__ = "tip_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class TipsSettings(Base):
    """Per workspace: the review channel, the digest channel and the digest's weekly slot."""

    __tablename__ = "tips_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    review_channel: Mapped[str | None] = mapped_column(String(32))
    review_set_by: Mapped[str | None] = mapped_column(String(32))
    review_set_at: Mapped[datetime | None]
    digest_channel: Mapped[str | None] = mapped_column(String(32))
    digest_set_by: Mapped[str | None] = mapped_column(String(32))
    digest_set_at: Mapped[datetime | None]
    # Monday=0 … Sunday=6, local time in TIMEZONE. Default: Friday 10:00.
    digest_weekday: Mapped[int] = mapped_column(default=4)
    digest_hour: Mapped[int] = mapped_column(default=10)
    digest_minute: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TipDigest(Base):
    """One weekly digest: claimed per (workspace, ISO week) so it runs once."""

    __tablename__ = "tip_digests"
    __table_args__ = (UniqueConstraint("team_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))  # ISO week of the slot, e.g. "2026-W49"
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))  # first message, when Slack answered
    tip_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Posting attempt claim (a crash between claim and post is retried after a while).
    attempt_at: Mapped[datetime | None]
    posted_at: Mapped[datetime | None]


class TipDigestItem(Base):
    """Which tips a digest carried; a tip appears in one digest at most."""

    __tablename__ = "tip_digest_items"
    __table_args__ = (UniqueConstraint("tip_id"),)

    digest_id: Mapped[int] = mapped_column(
        ForeignKey("tip_digests.id", ondelete="CASCADE"), primary_key=True
    )
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
