"""Engine and session factory; SQLite gets WAL, a busy timeout and foreign keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000
DEFAULT_DATABASE_URL_FALLBACK = "sqlite+aiosqlite:///./data/fika.db"


def async_url(url: str) -> URL:
    """The URL with an async driver: sqlite → aiosqlite, postgresql → psycopg (unless asyncpg)."""
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite" and u.drivername != "sqlite+aiosqlite":
        u = u.set(drivername="sqlite+aiosqlite")
    elif backend in {"postgresql", "postgres"} and u.drivername not in {
        "postgresql+psycopg",
        "postgresql+asyncpg",
    }:
        u = u.set(drivername="postgresql+psycopg")
    return u


def sync_url(url: str) -> URL:
    """The URL with a blocking driver, for Alembic."""
    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        return u.set(drivername="sqlite")
    if backend in {"postgresql", "postgres"}:
        return u.set(drivername="postgresql+psycopg")
    return u


def ensure_sqlite_dir(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def install_sqlite_pragmas(sync_engine: Any) -> None:
    event.listen(sync_engine, "connect", _sqlite_pragmas)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """`hide_parameters`: a statement's values (tip texts, names) never appear in its log
    lines or in the text of a database error, which tracebacks and logs repeat."""
    kwargs.setdefault("hide_parameters", True)
    u = async_url(url)
    ensure_sqlite_dir(u)
    if u.get_backend_name() == "sqlite":
        engine = create_async_engine(u, **kwargs)
        install_sqlite_pragmas(engine.sync_engine)
        return engine
    return create_async_engine(u, pool_pre_ping=True, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> bool:
    """True when the database answers a trivial query."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
