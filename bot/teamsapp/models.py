"""What the Teams surface must remember to reach people and channels: Teams offers a bot no
directory it may message, only the conversations it was installed into (conversation
references), kept here from installationUpdate / conversationUpdate and every activity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.platform.db.base import Base, utcnow


class TeamsPerson(Base):
    """A person in a tenant, and their personal chat with the bot (when the app is installed
    for them): the reference a proactive message needs."""

    __tablename__ = "teams_people"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    teams_user_id: Mapped[str] = mapped_column(String(300))  # "29:…" (per bot)
    conversation_id: Mapped[str | None] = mapped_column(String(300))
    service_url: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(200))
    upn: Mapped[str | None] = mapped_column(String(200))  # for "start a group chat" deep links
    locale: Mapped[str | None] = mapped_column(String(16))
    installed: Mapped[bool] = mapped_column(default=False)
    home_activity_id: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TeamsChannel(Base):
    """A channel of a team the app is installed in: where a program's or the tips' messages go."""

    __tablename__ = "teams_channels"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(300))
    service_url: Mapped[str] = mapped_column(String(300))
    team_aad_group_id: Mapped[str | None] = mapped_column(String(64))
    team_name: Mapped[str | None] = mapped_column(String(200))
    channel_name: Mapped[str | None] = mapped_column(String(200))
    installed: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TeamsDelivery(Base):
    """One message that must go out once (an intro to one member, a follow-up …): written in
    state "sending" before it is sent, "sent" (with its activity id) after, "failed" when Teams
    refused it for good."""

    __tablename__ = "teams_deliveries"
    __table_args__ = (UniqueConstraint("team_id", "key", name="uq_teams_deliveries_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(100))
    conversation_id: Mapped[str] = mapped_column(String(300))
    activity_id: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(16), default="sending")
    error: Mapped[str | None] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
