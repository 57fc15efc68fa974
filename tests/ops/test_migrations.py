"""The Alembic migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from bot.migrations.all_models import metadata
from bot.platform.db.engine import sync_url
from bot.platform.db.migrate import alembic_config, downgrade, upgrade

# Tables created by migrations with dialect-specific DDL (e.g. full-text indexes), not by models.
NON_MODEL_TABLES: set[str] = set()
# Likewise indexes: the PostgreSQL full-text GIN index of tips (migration 0003).
NON_MODEL_INDEXES: set[str] = {"ix_tips_search"}


def _include(obj: object, name: str | None, type_: str, reflected: bool, _other: object) -> bool:
    if type_ == "table" and name in NON_MODEL_TABLES | {"alembic_version"}:
        return False
    if type_ == "index" and name in NON_MODEL_INDEXES:
        return False
    return not (type_ == "table" and name and name.startswith(("tips_fts", "sqlite_")))


def test_models_match_migrations(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _include}
        )
        diff = compare_metadata(ctx, metadata)
    engine.dispose()
    assert diff == [], f"models and migrations drift; add a migration: {diff}"


def test_single_head_and_linear_history() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgrade_downgrade_upgrade_on_a_fresh_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = create_engine(sync_url(url))
    tables = set(inspect(engine).get_table_names())
    assert {"members", "workspaces", "libraries", "pending_calls"} <= tables
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert set(inspect(engine).get_table_names()) == tables
    engine.dispose()


def test_every_workspace_table_carries_team_id() -> None:
    exempt = {"workspaces"}  # keyed by team_id itself
    for table in metadata.sorted_tables:
        if table.name in exempt:
            continue
        assert "team_id" in table.c, f"{table.name} has no team_id"


def test_replicas_migrating_at_once_all_succeed(database_url: str) -> None:
    """Replicas starting together on PostgreSQL: one migrates, the rest wait (advisory lock)."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("concurrent start-up matters for PostgreSQL (SQLite serves one instance)")
    name = f"fika_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(sync_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        code = f"from bot.platform.db.migrate import upgrade; upgrade({url!r})"
        procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(3)]
        assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
