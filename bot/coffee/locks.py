"""One worker per round or follow-up at a time: in this process, and across processes — with
PostgreSQL a session advisory lock (released by the server if the process dies), with a SQLite
file a POSIX record lock on the byte `key` of a lock file next to it (released by the kernel if
the process dies), so the serving process and its worker processes (bot/platform/worker_pool.py)
never deliver the same round twice."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy import text
from sqlalchemy.engine import URL

from bot.platform.deps import Deps

try:
    import fcntl
except ImportError:  # Windows: no POSIX record locks; one process per SQLite file there
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# First half of PostgreSQL's two-int advisory lock key: 'FIKA' plus a kind.
_NAMESPACES = {"round": 0x46494B01, "followup": 0x46494B02}
_held: set[tuple[int, str, int]] = set()
# One descriptor per lock file for the life of the process: closing any descriptor of a file
# would drop every record lock the process holds on it.
_lock_files: dict[str, int] = {}


def _lock_file(url: URL, kind: str) -> int | None:
    if fcntl is None or url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    path = f"{url.database}.{kind}.lock"
    if path not in _lock_files:
        _lock_files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[path]


@contextmanager
def _file_lock(deps: Deps, kind: str, key: int) -> Iterator[bool]:
    fd = _lock_file(deps.engine.url, kind)
    if fd is None:
        yield True
        return
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, key)
    except OSError:  # another process holds it
        yield False
        return
    try:
        yield True
    finally:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, key)


@asynccontextmanager
async def exclusive(deps: Deps, kind: str, key: int) -> AsyncIterator[bool]:
    """Yields True when this caller holds the lock for (kind, key), else False (skip the work)."""
    token = (id(deps.engine), kind, key)
    if token in _held:
        yield False
        return
    _held.add(token)
    try:
        if deps.engine.dialect.name != "postgresql":
            with _file_lock(deps, kind, key) as got_file:
                yield got_file
            return
        namespace = _NAMESPACES[kind] & 0x7FFFFFFF
        async with deps.engine.connect() as conn:
            got = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:ns, :key)"), {"ns": namespace, "key": key}
            )
            await conn.commit()  # the lock belongs to the session, not to a transaction
            if not got:
                yield False
                return
            try:
                yield True
            finally:
                try:
                    await conn.execute(
                        text("SELECT pg_advisory_unlock(:ns, :key)"),
                        {"ns": namespace, "key": key},
                    )
                    await conn.commit()
                except Exception:
                    log.warning("could not release lock %s/%s; dropping the connection", kind, key)
                    await conn.invalidate()
    finally:
        _held.discard(token)
