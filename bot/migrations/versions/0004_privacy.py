"""privacy: workspaces.uninstalled_at (app_uninstalled / tokens_revoked)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

A plain added column: on SQLite `add_column` needs no table copy, so the `tips` FTS triggers of
0003 are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.platform.db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "workspaces",
        sa.Column("uninstalled_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("uninstalled_at")
