"""coffee breaks: programs, participants, rounds, groups, follow-ups

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.platform.db.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coffee_programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("minute", sa.Integer(), nullable=False),
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("anchor_week", sa.Date(), nullable=False),
        sa.Column(
            "schedule_set_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stopped_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coffee_programs")),
        sa.UniqueConstraint(
            "team_id", "channel_id", name=op.f("uq_coffee_programs_team_id_channel_id")
        ),
    )
    op.create_table(
        "coffee_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("joined_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("left_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("welcomed_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["coffee_programs.id"],
            name=op.f("fk_coffee_participants_program_id_coffee_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coffee_participants")),
        sa.UniqueConstraint(
            "program_id", "user_id", name=op.f("uq_coffee_participants_program_id_user_id")
        ),
    )
    with op.batch_alter_table("coffee_participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coffee_participants_team_user", ["team_id", "user_id"], unique=False
        )

    op.create_table(
        "coffee_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("scheduled_for", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("started_by", sa.String(length=32), nullable=True),
        sa.Column("pool_size", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("progress_channel", sa.String(length=32), nullable=True),
        sa.Column("progress_ts", sa.String(length=32), nullable=True),
        sa.Column("announced_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["coffee_programs.id"],
            name=op.f("fk_coffee_rounds_program_id_coffee_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coffee_rounds")),
        sa.UniqueConstraint(
            "program_id", "period", name=op.f("uq_coffee_rounds_program_id_period")
        ),
    )
    with op.batch_alter_table("coffee_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coffee_rounds_program_id"), ["program_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_coffee_rounds_status"), ["status"], unique=False)

    op.create_table(
        "coffee_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("proposer_user_id", sa.String(length=32), nullable=True),
        sa.Column("starter_key", sa.String(length=40), nullable=True),
        sa.Column("conversation_id", sa.String(length=32), nullable=True),
        sa.Column(
            "intro_attempted_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("intro_sent_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("intro_ts", sa.String(length=32), nullable=True),
        sa.Column("failed_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failed_error", sa.String(length=64), nullable=True),
        sa.Column(
            "followup_attempted_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "followup_sent_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("followup_ts", sa.String(length=32), nullable=True),
        sa.Column("followup_error", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        sa.Column("answered_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("tip_wish_by", sa.String(length=32), nullable=True),
        sa.Column("tip_wish_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["coffee_rounds.id"],
            name=op.f("fk_coffee_groups_round_id_coffee_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coffee_groups")),
    )
    with op.batch_alter_table("coffee_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coffee_groups_followup_due", ["followup_sent_at", "intro_sent_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_coffee_groups_round_id"), ["round_id"], unique=False)

    op.create_table(
        "coffee_group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=True),
        sa.Column("library_name", sa.String(length=200), nullable=True),
        sa.Column("library_name_fi", sa.String(length=200), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["coffee_groups.id"],
            name=op.f("fk_coffee_group_members_group_id_coffee_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_coffee_group_members_library_id_libraries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["coffee_rounds.id"],
            name=op.f("fk_coffee_group_members_round_id_coffee_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coffee_group_members")),
        sa.UniqueConstraint(
            "round_id", "user_id", name=op.f("uq_coffee_group_members_round_id_user_id")
        ),
    )
    with op.batch_alter_table("coffee_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coffee_group_members_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coffee_group_members_library_id"), ["library_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("coffee_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coffee_group_members_library_id"))
        batch_op.drop_index(batch_op.f("ix_coffee_group_members_group_id"))

    op.drop_table("coffee_group_members")
    with op.batch_alter_table("coffee_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coffee_groups_round_id"))
        batch_op.drop_index("ix_coffee_groups_followup_due")

    op.drop_table("coffee_groups")
    with op.batch_alter_table("coffee_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coffee_rounds_status"))
        batch_op.drop_index(batch_op.f("ix_coffee_rounds_program_id"))

    op.drop_table("coffee_rounds")
    with op.batch_alter_table("coffee_participants", schema=None) as batch_op:
        batch_op.drop_index("ix_coffee_participants_team_user")

    op.drop_table("coffee_participants")
    op.drop_table("coffee_programs")
