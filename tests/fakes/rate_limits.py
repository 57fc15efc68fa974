"""Slack's rate limits, enforced by :class:`~tests.fakes.slack_api.FakeSlack`.

``fake.rate_limits = RateLimits(scaled(SLACK_LIMITS, 20))`` makes the fake count every Web API
call it accepts and refuse one that would exceed a limit the way Slack does: HTTP 429
``ratelimited`` with ``Retry-After`` (whole seconds until the window has room). Each refusal
is a *violation*, listed in ``violations``.

The limits are the ones the bot paces itself by (``bot.platform.pacing``), with the same documented
definition — at most ``calls`` requests in any ``seconds``-long interval, per method for the
workspace and, where the method has one, per channel — but checked here independently, by
the time each request *arrives*: a request is refused when ``calls`` accepted requests arrived
within the ``seconds`` before it. A refused request does not count.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.platform.pacing import MethodLimit, Window
from tests.fakes.slack_api import Call, SlackError


@dataclass(frozen=True)
class Violation:
    method: str
    channel: str | None  # set when the per-channel window was exceeded
    at: float
    retry_after: int


@dataclass
class MethodStats:
    accepted: int = 0
    first: float | None = None
    last: float | None = None


@dataclass
class _Arrivals:
    window: Window
    times: deque[float] = field(default_factory=deque)

    def room(self, now: float) -> float:
        """0 when another request fits now, else seconds until one does."""
        horizon = now - self.window.seconds
        while self.times and self.times[0] <= horizon:
            self.times.popleft()
        if len(self.times) < self.window.calls:
            return 0.0
        return self.times[len(self.times) - self.window.calls] + self.window.seconds - now


class RateLimits:
    """Per-method (and per-channel) sliding windows; assign to ``FakeSlack.rate_limits``."""

    def __init__(
        self, limits: Mapping[str, MethodLimit], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = dict(limits)
        self.clock = clock
        self.violations: list[Violation] = []
        self.stats: dict[str, MethodStats] = {}
        self._windows: dict[tuple[str, str | None], _Arrivals] = {}

    def _arrivals(self, key: tuple[str, str | None], window: Window) -> _Arrivals:
        found = self._windows.get(key)
        if found is None:
            found = self._windows[key] = _Arrivals(window)
        return found

    def admit(self, call: Call, headers: dict[str, str]) -> None:
        """Count `call`, or raise the 429 Slack would answer (and record the violation)."""
        limit = self.limits.get(call.method)
        now = self.clock()
        if limit is not None:
            channel: Any = call.args.get("channel")
            checks: list[tuple[_Arrivals, str | None]] = []
            if limit.workspace is not None:
                checks.append((self._arrivals((call.method, None), limit.workspace), None))
            if limit.per_channel is not None and isinstance(channel, str) and channel:
                key = (call.method, channel)
                checks.append((self._arrivals(key, limit.per_channel), channel))
            for arrivals, per_channel in checks:
                wait = arrivals.room(now)
                if wait > 0:
                    retry_after = max(1, math.ceil(wait))
                    self.violations.append(Violation(call.method, per_channel, now, retry_after))
                    headers["Retry-After"] = str(retry_after)
                    raise SlackError("ratelimited", status=429)
            for arrivals, _ in checks:
                arrivals.times.append(now)
        stats = self.stats.setdefault(call.method, MethodStats())
        stats.accepted += 1
        stats.first = now if stats.first is None else stats.first
        stats.last = now

    def summary(self) -> dict[str, Any]:
        """Plain data for reports: accepted calls per method (with first/last arrival) and
        the violations per method."""
        violations: dict[str, int] = {}
        for v in self.violations:
            violations[v.method] = violations.get(v.method, 0) + 1
        return {
            "accepted": {
                m: {"calls": s.accepted, "first": s.first, "last": s.last}
                for m, s in self.stats.items()
            },
            "violations": violations,
        }
