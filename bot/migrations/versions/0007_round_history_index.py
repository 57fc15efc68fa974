"""rounds: index coffee_rounds(program_id, scheduled_for, id) for the pairing's year of history

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

`bot.coffee.round_store.load_history` reads a program's latest 52 rounds, newest first, in one
statement; this index gives them in that order without a sort (on SQLite and PostgreSQL).
A plain CREATE INDEX: no table copy on SQLite, so the FTS triggers of 0003 are untouched.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_coffee_rounds_program_scheduled",
        "coffee_rounds",
        ["program_id", "scheduled_for", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_coffee_rounds_program_scheduled", table_name="coffee_rounds")
