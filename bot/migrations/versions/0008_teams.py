"""The Teams surface's references: people's personal chats, channels, once-only deliveries.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Teams lets a bot message only conversations it was installed into; bot/teamsapp/models.py says
what each table keeps. New tables only: nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.platform.db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "teams_channels",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=300), nullable=False),
        sa.Column("service_url", sa.String(length=300), nullable=False),
        sa.Column("team_aad_group_id", sa.String(length=64), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("channel_name", sa.String(length=200), nullable=True),
        sa.Column("installed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel_id", name=op.f("pk_teams_channels")),
    )
    op.create_table(
        "teams_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("conversation_id", sa.String(length=300), nullable=False),
        sa.Column("activity_id", sa.String(length=300), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("attempted_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams_deliveries")),
        sa.UniqueConstraint("team_id", "key", name="uq_teams_deliveries_key"),
    )
    op.create_table(
        "teams_people",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("teams_user_id", sa.String(length=300), nullable=False),
        sa.Column("conversation_id", sa.String(length=300), nullable=True),
        sa.Column("service_url", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("upn", sa.String(length=200), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("installed", sa.Boolean(), nullable=False),
        sa.Column("home_activity_id", sa.String(length=300), nullable=True),
        sa.Column("updated_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_teams_people")),
    )


def downgrade() -> None:
    op.drop_table("teams_people")
    op.drop_table("teams_deliveries")
    op.drop_table("teams_channels")
