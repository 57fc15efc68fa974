"""One worker per round or follow-up at a time: in this process, and with PostgreSQL across
replicas (a session advisory lock, released by the server if the process dies)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from bot.deps import Deps

log = logging.getLogger(__name__)

# First half of PostgreSQL's two-int advisory lock key: 'FIKA' plus a kind.
_NAMESPACES = {"round": 0x46494B01, "followup": 0x46494B02}
_held: set[tuple[int, str, int]] = set()


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
            yield True
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
