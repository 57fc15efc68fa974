"""coffee_groups: intro_in_flight_until, followup_in_flight_until (a post that may still land)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Until this time, an intro (follow-up) that was sent may still appear in the group's
conversation, even if the bot crashed or gave up waiting for Slack's answer: it is not posted
again before then. Plain added columns (no table copy on SQLite; the tips FTS triggers stay).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.platform.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name in ("intro_in_flight_until", "followup_in_flight_until"):
        op.add_column(
            "coffee_groups",
            sa.Column(name, bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        )


def downgrade() -> None:
    with op.batch_alter_table("coffee_groups") as batch:
        batch.drop_column("followup_in_flight_until")
        batch.drop_column("intro_in_flight_until")
