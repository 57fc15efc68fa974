"""A database that makes every round trip wait: for tests (an `asyncio.Event` gate) and for
`bench/ack.py` (200 ms of latency).

SQLAlchemy's async engines run the driver's calls inside a greenlet, and `await_` hands an
awaitable from there back to the event loop — the way the async drivers themselves wait. So a
listener on the engine's events can *await* before each round trip without blocking the loop:
other requests go on while this one waits.

Round trips counted: every statement (`before_cursor_execute`), COMMIT and ROLLBACK, every new
connection, and on PostgreSQL the ping (`pool_pre_ping`) at each checkout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util.concurrency import await_, in_greenlet

_CONNECTION_EVENTS = ("before_cursor_execute", "commit", "rollback")


class SlowDatabase:
    """Every round trip of `engine` first awaits `wait()`. `remove()` undoes it."""

    def __init__(self, engine: AsyncEngine, wait: Callable[[], Awaitable[Any]]) -> None:
        self._sync = engine.sync_engine
        self._wait = wait
        self.round_trips = 0  # round trips that waited
        self.waiting = 0  # waiting right now
        self.reached = asyncio.Event()  # set once a round trip has started waiting
        self.not_delayed = 0  # outside a greenlet (none expected): could not wait
        self._pool_events = ["connect"]
        if getattr(self._sync.pool, "_pre_ping", False):
            self._pool_events.append("checkout")
        for name in _CONNECTION_EVENTS:
            event.listen(self._sync, name, self._round_trip)
        for name in self._pool_events:
            event.listen(self._sync.pool, name, self._round_trip)

    def _round_trip(self, *_args: Any, **_kwargs: Any) -> None:
        if not in_greenlet():
            self.not_delayed += 1
            return
        self.round_trips += 1
        self.waiting += 1
        self.reached.set()
        try:
            await_(self._wait())
        finally:
            self.waiting -= 1

    def remove(self) -> None:
        for name in _CONNECTION_EVENTS:
            event.remove(self._sync, name, self._round_trip)
        for name in self._pool_events:
            event.remove(self._sync.pool, name, self._round_trip)
