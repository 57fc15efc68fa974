"""A worker process: the work of Slack requests that the serving process already acknowledged.

`python -m bot worker`, started by bot/platform/worker_pool.py, never by hand. Its stdin carries the
settings (the first line) and then one request a line, as JSON; its stdout answers `ready`
once the app is built and `done <id>` when a request's listener has finished. Stdin closing —
the serving process stopping, or dying — ends it once the work in progress is done.

The serving process has checked each request's signature and shape; this one runs the same
Bolt app (handlers, middleware, translator) with verification off and each listener run to its
end (`build_app(deps, worker=True)` of the composition root, which passes it in). It runs no
scheduler: rounds and follow-ups stay with the serving process, and the round locks
(bot/coffee/locks.py) hold across processes.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.platform.deps import build_deps
from bot.platform.logging_setup import setup_logging
from bot.platform.worker_protocol import LINE_LIMIT, decode_settings

log = logging.getLogger(__name__)

STOP_TIMEOUT = 25.0


async def _stdin() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _request(message: dict[str, Any]) -> AsyncBoltRequest:
    return AsyncBoltRequest(
        body=message["body"],
        query=message.get("query") or None,
        headers=message.get("headers") or {},
        mode=message.get("mode", "http"),
    )


BuildApp = Callable[..., AsyncApp]  # build_app(deps, worker=True)


async def run(build_app: BuildApp) -> int:
    reader = await _stdin()
    settings = decode_settings(await reader.readline())
    setup_logging(settings.log_level, settings.secret_values())
    deps = build_deps(settings)
    bolt: AsyncApp = build_app(deps, worker=True)
    gc.collect()
    gc.freeze()  # as the serving process does: no full collections stalling the work
    working: set[asyncio.Task[None]] = set()

    async def work(message: dict[str, Any]) -> None:
        try:
            await bolt.async_dispatch(_request(message))
        except Exception:
            log.exception("a request failed in the worker")
        finally:
            _say(f"done {message['id']}")

    _say("ready")
    while line := await reader.readline():
        try:
            message = json.loads(line)
        except ValueError:
            log.error("a line from the serving process is not JSON; ignored")
            continue
        task = asyncio.create_task(work(message))
        working.add(task)
        task.add_done_callback(working.discard)
    if working:
        await asyncio.wait(working, timeout=STOP_TIMEOUT)
    try:
        await deps.tasks.idle(timeout=STOP_TIMEOUT)
    except TimeoutError:
        log.warning("a worker stopped with work still running; it resumes on the next start")
    await deps.engine.dispose()
    return 0


def main(build_app: BuildApp) -> int:
    return asyncio.run(run(build_app))
