"""Models every feature relies on: the workspace, Slack calls waiting for a retry, and the
events already handled. Every table holding workspace data carries the Slack `team_id`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.platform.db.base import Base, utcnow


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    # The language of messages posted to channels (everyone reads them); None → DEFAULT_LOCALE.
    default_locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set on app_uninstalled (or the bot token revoked): scheduled work skips the workspace until
    # Slack sends it a request again.
    uninstalled_at: Mapped[datetime | None]


class PendingCall(Base):
    """A Slack Web API call that failed and must be retried: nothing a person should get is lost."""

    __tablename__ = "pending_calls"
    __table_args__ = (Index("ix_pending_calls_due", "done_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]
    # Set when Slack answered with an error retrying cannot fix; kept for the operator.
    gave_up: Mapped[bool] = mapped_column(default=False)


class ProcessedEvent(Base):
    """Event ids already handled: Slack retries events up to three times."""

    __tablename__ = "processed_events"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
