"""good-practice tips: tips, review events, digests, full-text search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Full-text search (see bot/tips/search.py):
* SQLite: an external-content FTS5 table `tips_fts` over tips.search_title/search_body, kept in
  step by triggers. Tokenizer unicode61 with `remove_diacritics 0`: å, ä and ö are letters of
  their own in Swedish and Finnish, not accented a and o ("år" is not "ar").
  NOTE: a later migration that recreates `tips` on SQLite (batch "move and copy") drops these
  triggers; recreate them there (tests/tips/test_tips_search.py checks they exist at head).
* PostgreSQL: a GIN index on the same weighted tsvector expression the search query uses.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.platform.db.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must stay identical to bot.tips.search.PG_VECTOR so the planner uses the index.
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B'))"
)

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE tips_fts USING fts5(
        search_title, search_body,
        content='tips', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0"
    )""",
    """CREATE TRIGGER tips_fts_ai AFTER INSERT ON tips BEGIN
        INSERT INTO tips_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER tips_fts_ad AFTER DELETE ON tips BEGIN
        INSERT INTO tips_fts(tips_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END""",
    """CREATE TRIGGER tips_fts_au AFTER UPDATE OF search_title, search_body ON tips BEGIN
        INSERT INTO tips_fts(tips_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO tips_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    "INSERT INTO tips_fts(tips_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    op.create_table(
        "tips_settings",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("review_channel", sa.String(length=32), nullable=True),
        sa.Column("review_set_by", sa.String(length=32), nullable=True),
        sa.Column("review_set_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("digest_channel", sa.String(length=32), nullable=True),
        sa.Column("digest_set_by", sa.String(length=32), nullable=True),
        sa.Column("digest_set_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("digest_minute", sa.Integer(), nullable=False),
        sa.Column("updated_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_tips_settings")),
    )
    op.create_table(
        "tip_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("tip_count", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempt_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("posted_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_digests")),
        sa.UniqueConstraint("team_id", "period", name=op.f("uq_tip_digests_team_id_period")),
    )
    op.create_table(
        "tips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=True),
        sa.Column("library_name", sa.String(length=200), nullable=True),
        sa.Column("link", sa.String(length=1000), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=1000), nullable=True),
        sa.Column("search_title", sa.Text(), nullable=False),
        sa.Column("search_body", sa.Text(), nullable=False),
        sa.Column("created_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("review_channel", sa.String(length=32), nullable=True),
        sa.Column("review_ts", sa.String(length=32), nullable=True),
        sa.Column(
            "card_attempt_at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_tips_library_id_libraries"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tips")),
    )
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.create_index("ix_tips_team_author", ["team_id", "author_id"], unique=False)
        batch_op.create_index("ix_tips_team_decided", ["team_id", "decided_at"], unique=False)
        batch_op.create_index(
            "ix_tips_team_status_created", ["team_id", "status", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tips_library_id"), ["library_id"], unique=False)

    op.create_table(
        "tip_digest_items",
        sa.Column("digest_id", sa.Integer(), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest_id"],
            ["tip_digests.id"],
            name=op.f("fk_tip_digest_items_digest_id_tip_digests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["tips.id"],
            name=op.f("fk_tip_digest_items_tip_id_tips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("digest_id", "tip_id", name=op.f("pk_tip_digest_items")),
        sa.UniqueConstraint("tip_id", name=op.f("uq_tip_digest_items_tip_id")),
    )
    op.create_table(
        "tip_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("tip_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", bot.platform.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["tips.id"],
            name=op.f("fk_tip_events_tip_id_tips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_events")),
    )
    with op.batch_alter_table("tip_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tip_events_tip_id"), ["tip_id"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_tips_search ON tips USING gin ({PG_VECTOR})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("tips_fts_ai", "tips_fts_ad", "tips_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS tips_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_tips_search")

    with op.batch_alter_table("tip_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tip_events_tip_id"))
    op.drop_table("tip_events")
    op.drop_table("tip_digest_items")
    with op.batch_alter_table("tips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tips_library_id"))
        batch_op.drop_index("ix_tips_team_status_created")
        batch_op.drop_index("ix_tips_team_decided")
        batch_op.drop_index("ix_tips_team_author")
    op.drop_table("tips")
    op.drop_table("tip_digests")
    op.drop_table("tips_settings")
