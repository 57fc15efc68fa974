"""Rows created from what people do, safe when the same request comes twice at once.

Two requests of one person (a double click, a command sent twenty times, six colleagues typing
the same new library) can both find no row and both insert it; the loser's unique constraint
would raise `IntegrityError` and its whole transaction — the person's profile, their answer —
would be lost. Every such row is therefore created with `INSERT … ON CONFLICT DO NOTHING` and
then read back: whoever inserted it, the row is there afterwards, and the caller learns whether
it was this request that created it.

`insert_missing` also serializes the rest of the transaction with the other requests for that
row: on PostgreSQL the read-back can take the row lock (`lock=True`, `SELECT … FOR UPDATE`);
on SQLite the INSERT itself takes the database's write lock until the transaction ends. So a
read-modify-write that starts with it sees what the other request wrote (e.g. "already in").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Row = TypeVar("Row", bound=Any)


async def insert_missing(
    session: AsyncSession,
    model: type[Any],
    rows: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    key: Sequence[str],
) -> int:
    """Insert the rows whose `key` (a unique constraint's columns) is not taken yet; how many
    this call inserted. Never raises for a row another transaction inserted meanwhile."""
    values = [dict(rows)] if isinstance(rows, Mapping) else [dict(r) for r in rows]
    if not values:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = [getattr(model, name) for name in key]
    statement = (
        insert(model)
        .values(values)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(*columns)  # the rows inserted (rowcount is not reliable for this)
    )
    result = await session.execute(statement)
    return len(result.all())


def read_back(query: Select[Row], *, lock: bool = False) -> Select[Row]:
    """`query` reading the current row (not a copy the session holds), locked if asked."""
    query = query.execution_options(populate_existing=True)
    return query.with_for_update() if lock else query
