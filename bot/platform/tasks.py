"""Tracks work that outlives the HTTP acknowledgement, so shutdown and tests can wait for it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from bot.platform import trigger

log = logging.getLogger(__name__)


class TaskTracker:
    def __init__(self) -> None:
        self._active = 0
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        self._active += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run `coro` in the background; errors are logged, never silently lost."""

        async def runner() -> Any:
            async with self.track():
                try:
                    return await coro
                except Exception:
                    log.exception("background task %s failed", name)
                    return None

        # Not bound by a trigger's deadline that may be running where it was started.
        task = asyncio.get_running_loop().create_task(
            runner(), name=name, context=trigger.without_budget()
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @property
    def busy(self) -> bool:
        return self._active > 0

    async def idle(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a plain deadline
        """Wait until no tracked work is running (nested work started meanwhile included)."""
        async with asyncio.timeout(timeout):
            while True:
                await self._idle.wait()
                await asyncio.sleep(0)
                if self._active == 0:
                    return
