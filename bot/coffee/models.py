"""Coffee-break models: programs, participants, rounds, groups and their members.

A round is claimed once per (program, period) by the unique constraint; its groups and members
are stored before any Slack call, and each group records when its intro and follow-up went out,
so a restart resumes a round without re-pairing or re-sending.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.platform.db.base import Base, utcnow


class CoffeeProgram(Base):
    """A channel whose members are paired for coffee breaks on a schedule."""

    __tablename__ = "coffee_programs"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    # Monday=0 … Sunday=6, local time in `tz`.
    weekday: Mapped[int] = mapped_column(default=0)
    hour: Mapped[int] = mapped_column(default=9)
    minute: Mapped[int] = mapped_column(default=0)
    interval_weeks: Mapped[int] = mapped_column(default=1)
    group_size: Mapped[int] = mapped_column(default=2)
    tz: Mapped[str] = mapped_column(String(64))
    # Monday of a week that has a round; with interval_weeks N, rounds fall every N weeks from it.
    anchor_week: Mapped[date]
    # When the schedule was last set: a slot before it is never "missed".
    schedule_set_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    stopped_at: Mapped[datetime | None]
    stopped_by: Mapped[str | None] = mapped_column(String(32))


class CoffeeParticipant(Base):
    """A person's standing in a program. No row yet means: in the channel, so taking part."""

    __tablename__ = "coffee_participants"
    __table_args__ = (
        UniqueConstraint("program_id", "user_id"),
        Index("ix_coffee_participants_team_user", "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    program_id: Mapped[int] = mapped_column(ForeignKey("coffee_programs.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    # "active" | "paused" | "left"; a pause ends by itself on `paused_until`.
    status: Mapped[str] = mapped_column(String(8), default="active")
    paused_until: Mapped[date | None]
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]
    welcomed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CoffeeRound(Base):
    """One pairing of a program for one period (ISO week of the period's first week)."""

    __tablename__ = "coffee_rounds"
    __table_args__ = (
        UniqueConstraint("program_id", "period"),
        # The pairing's history: a program's latest rounds, newest first (migration 0007).
        Index("ix_coffee_rounds_program_scheduled", "program_id", "scheduled_for", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    program_id: Mapped[int] = mapped_column(
        ForeignKey("coffee_programs.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(10))  # "2026-W49"
    scheduled_for: Mapped[datetime]
    seed: Mapped[int]
    # "sending" while intros are going out, then "done".
    status: Mapped[str] = mapped_column(String(10), default="sending", index=True)
    # "schedule" or "manual" (/fika pair-now).
    trigger: Mapped[str] = mapped_column(String(10), default="schedule")
    started_by: Mapped[str | None] = mapped_column(String(32))
    pool_size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # The channel message that shows progress (pair-now) and then the summary.
    progress_channel: Mapped[str | None] = mapped_column(String(32))
    progress_ts: Mapped[str | None] = mapped_column(String(32))
    announced_at: Mapped[datetime | None]
    # When the admins were sent the list of groups whose intro failed for good (once a round).
    failures_reported_at: Mapped[datetime | None]

    groups: Mapped[list[CoffeeGroup]] = relationship(
        back_populates="round", order_by="CoffeeGroup.position", lazy="raise"
    )


class CoffeeGroup(Base):
    """People who meet in one round; kind "solo" is a person alone, told so kindly."""

    __tablename__ = "coffee_groups"
    __table_args__ = (Index("ix_coffee_groups_followup_due", "followup_sent_at", "intro_sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    round_id: Mapped[int] = mapped_column(
        ForeignKey("coffee_rounds.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8), default="group")
    proposer_user_id: Mapped[str | None] = mapped_column(String(32))
    starter_key: Mapped[str | None] = mapped_column(String(40))
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    # The first attempt to post the intro (a retry keeps it), and until when an attempt may
    # still land in the conversation (bot.coffee.delivery: not posted again before then).
    intro_attempted_at: Mapped[datetime | None]
    intro_in_flight_until: Mapped[datetime | None]
    intro_sent_at: Mapped[datetime | None]
    intro_ts: Mapped[str | None] = mapped_column(String(32))
    failed_at: Mapped[datetime | None]
    failed_error: Mapped[str | None] = mapped_column(String(64))
    followup_attempted_at: Mapped[datetime | None]
    followup_in_flight_until: Mapped[datetime | None]
    followup_sent_at: Mapped[datetime | None]
    followup_ts: Mapped[str | None] = mapped_column(String(32))
    # Slack refused the follow-up for good (e.g. the group DM is gone); not tried again.
    followup_error: Mapped[str | None] = mapped_column(String(64))
    # The first answer counts: "met" or "not_met".
    outcome: Mapped[str | None] = mapped_column(String(8))
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None]
    # Someone pressed "Share a tip from our chat".
    tip_wish_by: Mapped[str | None] = mapped_column(String(32))
    tip_wish_at: Mapped[datetime | None]

    round: Mapped[CoffeeRound] = relationship(back_populates="groups", lazy="raise")
    members: Mapped[list[CoffeeGroupMember]] = relationship(
        back_populates="group", order_by="CoffeeGroupMember.id", lazy="selectin"
    )


class CoffeeGroupMember(Base):
    """A person in a group, with the library they were at then (for history and stats)."""

    __tablename__ = "coffee_group_members"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    group_id: Mapped[int] = mapped_column(
        ForeignKey("coffee_groups.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("coffee_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    library_id: Mapped[int | None] = mapped_column(
        ForeignKey("libraries.id", ondelete="SET NULL"), index=True
    )
    library_name: Mapped[str | None] = mapped_column(String(200))
    library_name_fi: Mapped[str | None] = mapped_column(String(200))
    # The person's message language when the group was made.
    locale: Mapped[str] = mapped_column(String(8))

    group: Mapped[CoffeeGroup] = relationship(back_populates="members", lazy="raise")

    def library_label(self, locale: str) -> str | None:
        if locale == "fi" and self.library_name_fi:
            return self.library_name_fi
        return self.library_name
