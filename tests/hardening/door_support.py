"""What the hardening suite's property tests share: deterministic Hypothesis settings, running
the app's coroutines from Hypothesis' synchronous examples, collecting ERROR records, and a
tally of what was tried (printed by `python -m tests.hardening.report` into docs/operations.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

T = TypeVar("T")

# FIKA_HARDENING_SCALE=10 for a deeper local search; the default keeps the suite fast.
SCALE = float(os.environ.get("FIKA_HARDENING_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


def deterministic(max_examples: int) -> settings:
    """The same examples every run (derandomized, nothing stored), no per-example deadline."""
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


class Bridge:
    """Runs the app's coroutines from Hypothesis' (synchronous) examples, which run in a worker
    thread while the test's event loop serves the app."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __call__(self, coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)  # type: ignore[arg-type]


async def in_worker(fn: Callable[[], None]) -> None:
    await asyncio.get_running_loop().run_in_executor(None, fn)


class Errors(logging.Handler):
    """ERROR records (a listener crashed, a task's exception was never retrieved)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        self.found.append(f"{record.name}: {record.getMessage()[:200]} {exc}".strip())


class Tally:
    """Counts of what a property test tried and got, written as JSON when TALLY_DIR is set
    (tests/hardening/report.py sums them)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.inputs = 0
        self.statuses: Counter[int] = Counter()
        self.errors_logged = 0
        self.extra: dict[str, int] = {}  # other figures worth printing

    def saw(self, status: int | None = None) -> None:
        """One input tried; `status` is the HTTP answer (None for a parser called directly)."""
        self.inputs += 1
        if status is not None:
            self.statuses[status] += 1

    def write(self) -> None:
        where = os.environ.get("FIKA_HARDENING_TALLY")
        if not where:
            return
        Path(where).mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {
            "inputs": self.inputs,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors": sum(v for k, v in self.statuses.items() if k >= 500),
            "errors_logged": self.errors_logged,
            "extra": self.extra,
        }
        (Path(where) / f"{self.name}.json").write_text(json.dumps(data, indent=1))
