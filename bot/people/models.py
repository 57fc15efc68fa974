"""People and the libraries they work at. Every table carries the Slack `team_id`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.platform.db.base import Base, utcnow


class Library(Base):
    """A library (branch) people work at; admins keep the list, people may type their own."""

    __tablename__ = "libraries"
    __table_args__ = (UniqueConstraint("team_id", "name_sv"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_fi: Mapped[str | None] = mapped_column(String(200))
    municipality: Mapped[str | None] = mapped_column(String(200))
    # False for a name a person typed themselves rather than picked from the admins' list.
    curated: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def display_name(self, locale: str) -> str:
        if locale == "fi" and self.name_fi:
            return self.name_fi
        return self.name_sv


class Member(Base):
    """A Slack user of a workspace as far as Fika knows them."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str | None] = mapped_column(String(200))
    # The person's own choice of message language (sv/fi/en); wins over Slack's locale.
    locale_pref: Mapped[str | None] = mapped_column(String(8))
    # Slack's locale for the user (e.g. "fi-FI"), refreshed from users.info now and then.
    slack_locale: Mapped[str | None] = mapped_column(String(16))
    slack_checked_at: Mapped[datetime | None]
    tz: Mapped[str | None] = mapped_column(String(64))
    library_id: Mapped[int | None] = mapped_column(
        ForeignKey("libraries.id", ondelete="SET NULL"), index=True
    )
    # Languages the person can chat in, as a comma-separated list of codes ("sv,fi").
    chat_languages: Mapped[str | None] = mapped_column(String(32))
    is_bot: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    is_workspace_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    library: Mapped[Library | None] = relationship(lazy="selectin")

    @property
    def languages(self) -> list[str]:
        return [c for c in (self.chat_languages or "").split(",") if c]
