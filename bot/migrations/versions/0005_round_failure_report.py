"""rounds: coffee_rounds.failures_reported_at (the admins' one summary of failed intros)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

A plain added column: on SQLite `add_column` needs no table copy, so the `tips` FTS triggers of
0003 are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.platform.db.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "coffee_rounds",
        sa.Column(
            "failures_reported_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("coffee_rounds") as batch:
        batch.drop_column("failures_reported_at")
