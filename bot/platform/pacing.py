"""Pacing Slack calls to stay inside Slack's rate limits instead of bouncing off them.

Slack documents its limits per method and workspace as "N requests per minute" tiers
(https://api.slack.com/apis/rate-limits): Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min,
"burst behavior allowed", and for chat.postMessage a special limit: about one message per
second per channel, and a workspace-wide ceiling of "several hundred messages per minute".

The definition used here, by the bot and by the test fake (`tests/fakes/rate_limits.py`) alike,
is a **sliding window**: at most `calls` requests in any `seconds`-long interval. So a burst of
`calls` may go at once, and the next one when the oldest of them is `seconds` old. M calls
therefore take at least `minimum_seconds(M, window)` = floor((M-1)/calls) × seconds from the
first request to the last; a steady rate of calls/seconds would take (M-1) × seconds/calls,
at most one window longer.

`Pacer.slot(method, channel)` waits until a call fits every window of the method, and counts
the call as made from when it was started until its answer came back: the next call that
needs its place starts `seconds` after that answer. Slack counts a request when it arrives,
which is between those two moments, so no latency can make Slack see more than `calls`
requests in a window. Each process paces itself; replicas delivering at the same moment can
still meet a 429, which the client's retry handler waits out (`Retry-After`).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]


@dataclass(frozen=True)
class Window:
    """At most `calls` requests in any interval of `seconds`."""

    calls: int
    seconds: float


@dataclass(frozen=True)
class MethodLimit:
    workspace: Window | None = None
    per_channel: Window | None = None


TIER_2 = Window(20, 60.0)
TIER_3 = Window(50, 60.0)
TIER_4 = Window(100, 60.0)
# chat.postMessage: "1 per second per channel"; "several hundred per minute" per workspace —
# read as 300, the lower end of "several hundred".
POST_PER_CHANNEL = Window(1, 1.0)
POST_WORKSPACE = Window(300, 60.0)

SLACK_LIMITS: Mapping[str, MethodLimit] = {
    "conversations.open": MethodLimit(TIER_3),
    "conversations.history": MethodLimit(TIER_3),
    "chat.update": MethodLimit(TIER_3),
    "chat.postMessage": MethodLimit(POST_WORKSPACE, POST_PER_CHANNEL),
    "users.info": MethodLimit(TIER_4),
}


def scaled(limits: Mapping[str, MethodLimit], factor: float) -> dict[str, MethodLimit]:
    """The same limits `factor` times faster (windows `factor` times shorter): for tests and
    benchmarks that should not take Slack's minutes."""

    def scale(window: Window | None) -> Window | None:
        return None if window is None else Window(window.calls, window.seconds / factor)

    return {
        method: replace(
            limit, workspace=scale(limit.workspace), per_channel=scale(limit.per_channel)
        )
        for method, limit in limits.items()
    }


def minimum_seconds(calls: int, window: Window) -> float:
    """The shortest time from the first of `calls` requests to the last that `window` allows."""
    if calls <= 0:
        return 0.0
    return ((calls - 1) // window.calls) * window.seconds


class _Entry:
    __slots__ = ("end",)

    def __init__(self) -> None:
        self.end: float | None = None  # None while the call is in flight


class _Log:
    """The calls of one window (a method, or a method in one channel), oldest first."""

    __slots__ = ("changed", "entries", "window")

    def __init__(self, window: Window) -> None:
        self.window = window
        self.entries: deque[_Entry] = deque()
        self.changed: asyncio.Event | None = None

    def _prune(self, now: float) -> None:
        horizon = now - self.window.seconds
        while self.entries:
            end = self.entries[0].end
            if end is None or end > horizon:
                break
            self.entries.popleft()

    def wait(self, now: float) -> float | None:
        """0 when a call fits now; else seconds until it may, None: until a call finishes."""
        self._prune(now)
        active = [e for e in self.entries if e.end is None or e.end > now - self.window.seconds]
        if len(active) < self.window.calls:
            return 0.0
        # The (len - calls + 1)-th oldest must leave the window before another call fits.
        must_leave = sorted(active, key=lambda e: float("inf") if e.end is None else e.end)
        entry = must_leave[len(active) - self.window.calls]
        if entry.end is None:
            return None
        return entry.end + self.window.seconds - now

    def idle(self, now: float) -> bool:
        self._prune(now)
        return not self.entries


class Pacer:
    """Waits before each Slack call as long as the method's windows require (see module doc)."""

    def __init__(
        self,
        limits: Mapping[str, MethodLimit] | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        enabled: bool = True,
    ) -> None:
        self.limits = dict(SLACK_LIMITS if limits is None else limits)
        self.clock = clock
        self.sleep = sleep
        self.enabled = enabled
        self._logs: dict[tuple[str, str | None], _Log] = {}
        self.waited = 0.0  # seconds spent waiting, for logs and benchmarks

    def _windows(self, method: str, channel: str | None) -> list[_Log]:
        limit = self.limits.get(method)
        if limit is None:
            return []
        logs: list[_Log] = []
        for key, window in (
            ((method, None), limit.workspace),
            ((method, channel), limit.per_channel if channel else None),
        ):
            if window is None:
                continue
            log = self._logs.get(key)
            if log is None:
                log = self._logs[key] = _Log(window)
            logs.append(log)
        return logs

    def _forget_idle(self) -> None:
        now = self.clock()
        for key in [k for k, log in self._logs.items() if k[1] is not None and log.idle(now)]:
            del self._logs[key]

    @asynccontextmanager
    async def slot(self, method: str, channel: str | None = None) -> AsyncIterator[None]:
        """Hold a place in `method`'s windows (and `channel`'s, if it has one) for one call."""
        if not self.enabled:
            yield
            return
        if len(self._logs) > 2048:
            self._forget_idle()
        logs = self._windows(method, channel)
        while True:
            now = self.clock()
            waits = [log.wait(now) for log in logs]
            if any(w is None for w in waits):
                blocked = next(log for log, w in zip(logs, waits, strict=True) if w is None)
                if blocked.changed is None:
                    blocked.changed = asyncio.Event()
                started = self.clock()
                await blocked.changed.wait()
                self.waited += self.clock() - started
                continue
            longest = max((w for w in waits if w is not None), default=0.0)
            if longest <= 0:
                break
            self.waited += longest
            await self.sleep(longest)
        entries = []
        for log in logs:
            entry = _Entry()
            log.entries.append(entry)
            entries.append((log, entry))
        try:
            yield
        finally:
            end = self.clock()
            for log, entry in entries:
                entry.end = end
                if log.changed is not None:
                    log.changed.set()
                    log.changed = None
