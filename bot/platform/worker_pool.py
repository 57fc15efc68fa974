"""Worker processes that do the work of requests the serving process has acknowledged.

Slack waits at most 3 s for the acknowledgement, and a burst of requests arrives at once. In
one process the work of the first requests of a burst (database, Block Kit, posting the
answer) shares the event loop with reading the later ones, whose acknowledgements then wait
(docs/benchmarks.md, "Acknowledging Slack"). So over HTTP the serving process reads, checks
and acknowledges, and hands the requests whose acknowledgement is empty anyway
(`bot.platform.acks.answered_empty`) to `WORKER_PROCESSES` worker processes
(bot/platform/worker.py); view submissions and options requests, whose acknowledgement carries the
answer, it works on itself.

Back-pressure: a worker takes at most `per_worker` requests at a time; when all are busy, a
hand-off waits (at most `wait_for_slot`) for one to finish, then goes to the least busy anyway,
so a request is never dropped. A worker that dies is replaced; what it was working on is
logged as interrupted (as it would be if a single process died). When no worker is running,
`submit` says so and the serving process does the work itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.platform.config import Settings
from bot.platform.worker_protocol import LINE_LIMIT, encode_settings

log = logging.getLogger(__name__)

START_TIMEOUT = 60.0


@dataclass(eq=False)
class _Worker:
    number: int
    proc: asyncio.subprocess.Process
    working: set[int] = field(default_factory=set)
    alive: bool = True
    reader: asyncio.Task[None] | None = None


class WorkerPool:
    def __init__(
        self,
        settings: Settings,
        count: int,
        *,
        per_worker: int = 256,
        wait_for_slot: float = 1.0,
        command: tuple[str, ...] = (sys.executable, "-m", "bot", "worker"),
    ) -> None:
        self.settings = settings
        self.count = count
        self.per_worker = per_worker
        self.wait_for_slot = wait_for_slot
        self.command = command
        self.workers: list[_Worker] = []
        self.interrupted = 0  # requests lost with a worker that died
        self._ids = itertools.count(1)
        self._numbers = itertools.count(1)
        self._freed = asyncio.Condition()
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start every worker; raises when one does not become ready."""
        started = await asyncio.gather(
            *(self._spawn() for _ in range(self.count)), return_exceptions=True
        )
        for outcome in started:
            if isinstance(outcome, BaseException):
                await self.stop()
                raise RuntimeError(f"a worker process did not start: {outcome}") from outcome

    async def _spawn(self) -> _Worker:
        proc = await asyncio.create_subprocess_exec(
            *self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=LINE_LIMIT,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(encode_settings(self.settings))
        await proc.stdin.drain()
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT)
        except TimeoutError:
            line = b""
        if line.strip() != b"ready":
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            code = await proc.wait()
            raise RuntimeError(f"exit code {code}")
        worker = _Worker(next(self._numbers), proc)
        worker.reader = asyncio.create_task(self._read(worker))
        self.workers.append(worker)
        log.info("worker process %s started (pid %s)", worker.number, proc.pid)
        return worker

    async def _read(self, worker: _Worker) -> None:
        """The worker's `done <id>` lines; on its end, the interrupted work and a replacement."""
        assert worker.proc.stdout is not None
        while line := await worker.proc.stdout.readline():
            kind, _, value = line.decode(errors="replace").strip().partition(" ")
            if kind == "done" and value.isdigit():
                worker.working.discard(int(value))
                async with self._freed:
                    self._freed.notify_all()
        worker.alive = False
        code = await worker.proc.wait()
        if worker in self.workers:
            self.workers.remove(worker)
        async with self._freed:
            self._freed.notify_all()
        if self._stopping:
            return
        self.interrupted += len(worker.working)
        log.warning(
            "worker process %s ended (exit code %s) with %d request(s) in progress; starting "
            "another",
            worker.number,
            code,
            len(worker.working),
        )
        try:
            await self._spawn()
        except Exception as exc:
            log.error("could not start a worker process (%s); the serving process works", exc)

    async def stop(self, grace: float = 25.0) -> None:
        """Let every worker finish what it has (at most `grace` seconds), then end it."""
        self._stopping = True
        workers = list(self.workers)
        for worker in workers:
            if worker.proc.stdin is not None and not worker.proc.stdin.is_closing():
                worker.proc.stdin.close()
        for worker in workers:
            try:
                await asyncio.wait_for(worker.proc.wait(), grace)
            except TimeoutError:
                log.warning("worker process %s did not finish in time; stopped", worker.number)
                with contextlib.suppress(ProcessLookupError):
                    worker.proc.kill()
                await worker.proc.wait()
            if worker.reader is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await worker.reader
        self.workers.clear()

    # ------------------------------------------------------------------ hand-off

    def _least_busy(self) -> _Worker | None:
        alive = [w for w in self.workers if w.alive]
        return min(alive, key=lambda w: len(w.working), default=None)

    async def _free_worker(self) -> _Worker | None:
        worker = self._least_busy()
        if worker is None or len(worker.working) < self.per_worker:
            return worker
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.wait_for_slot), self._freed:
                await self._freed.wait_for(
                    lambda: any(w.alive and len(w.working) < self.per_worker for w in self.workers)
                )
        return self._least_busy()

    async def submit(
        self,
        body: str | dict[str, Any],
        headers: Mapping[str, str | Sequence[str]],
        *,
        query: str = "",
        mode: str = "http",
    ) -> bool:
        """Hand a request to a worker; False when no worker runs (do the work here)."""
        if self._stopping:
            return False
        worker = await self._free_worker()
        if worker is None or worker.proc.stdin is None or worker.proc.stdin.is_closing():
            return False
        request_id = next(self._ids)
        line = json.dumps(
            {"id": request_id, "body": body, "headers": headers, "query": query, "mode": mode},
            ensure_ascii=False,
        )
        worker.working.add(request_id)
        try:
            worker.proc.stdin.write(line.encode() + b"\n")
            await worker.proc.stdin.drain()
        except (ConnectionError, BrokenPipeError):
            worker.working.discard(request_id)
            return False
        return True

    def busy(self) -> int:
        """Requests handed off and not finished yet."""
        return sum(len(w.working) for w in self.workers)
