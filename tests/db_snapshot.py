"""A fingerprint of everything stored: every table the database has (found by reflection, so
tables outside the ORM such as SQLite's full-text index count too), each as its row count and a
hash of its sorted rows. Two equal fingerprints mean no row was added, removed or changed."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

# Every request records nothing else; a delivered event id is stored on purpose (dedupe).
DEFAULT_IGNORED = frozenset({"processed_events", "alembic_version"})


@dataclass(frozen=True)
class TableState:
    rows: int
    digest: str


Fingerprint = dict[str, TableState]


def _columns(conn: Connection) -> dict[str, list[str]]:
    inspector = inspect(conn)
    return {
        name: [str(c["name"]) for c in inspector.get_columns(name)]
        for name in sorted(inspector.get_table_names())
    }


def _query(dialect: str, columns: dict[str, list[str]]) -> str:
    """One statement (one round trip) that reads every table: its name, row count and rows as
    text, sorted. PostgreSQL hashes them itself; SQLite hands the text over."""
    parts = []
    for name, cols in columns.items():
        if dialect == "postgresql":
            parts.append(
                f"SELECT '{name}' AS t, count(*) AS n, "  # noqa: S608 - our own table names
                f"coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), '') AS h "
                f'FROM "{name}" x'
            )
        else:
            row = " || '|' || ".join(f'quote("{c}")' for c in cols) or "''"
            parts.append(
                f"SELECT '{name}' AS t, count(*) AS n, coalesce(group_concat(r, char(10)), '') "  # noqa: S608
                f'AS h FROM (SELECT {row} AS r FROM "{name}" ORDER BY r)'
            )
    return " UNION ALL ".join(parts)


_queries: dict[tuple[str, frozenset[str]], str] = {}


async def fingerprint(
    engine: AsyncEngine, ignore: Collection[str] = DEFAULT_IGNORED
) -> Fingerprint:
    """Every table's row count and rows' hash. The tables are looked up once per database (call
    `forget_tables(engine)` after a migration in the middle of a test)."""
    key = (str(engine.url), frozenset(ignore))
    async with engine.connect() as conn:
        query = _queries.get(key)
        if query is None:
            columns = await conn.run_sync(_columns)
            wanted = {n: c for n, c in columns.items() if n not in ignore}
            query = _queries[key] = _query(engine.dialect.name, wanted)
        rows = (await conn.execute(text(query))).all()
    return {
        str(name): TableState(
            int(count), hashlib.sha256(str(digest).encode("utf-8", "surrogatepass")).hexdigest()
        )
        for name, count, digest in rows
    }


def forget_tables(engine: AsyncEngine) -> None:
    for key in [k for k in _queries if k[0] == str(engine.url)]:
        del _queries[key]


def changed(before: Fingerprint, after: Fingerprint) -> list[str]:
    """The tables whose rows differ (or that appeared or went away)."""
    return sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
