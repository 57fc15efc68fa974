"""Composition root: settings → logging → migrations → engine → app → scheduler → serve.

`python -m bot` (what `make run` calls). Socket Mode when SLACK_APP_TOKEN is set, else HTTP.
`python -m bot worker` is a worker process (bot/platform/worker.py), started by the serving
process, never by hand. This is the only module that imports `handlers` and `jobs`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import make_url

import handlers
from bot.platform import worker
from bot.platform.bolt_app import create_app
from bot.platform.config import Settings, SettingsError, load_settings
from bot.platform.db.migrate import upgrade
from bot.platform.deps import Deps, build_deps
from bot.platform.logging_setup import setup_logging
from bot.platform.server import make_web_app
from bot.platform.worker_pool import WorkerPool
from jobs import make_scheduler, register_jobs

log = logging.getLogger("bot")

SETTINGS_HELP = """\
Fika cannot start: some settings are missing or wrong.

{problems}

Put them in a file named .env in this folder (copy .env.example to .env and fill it in),
or set them as environment variables. The README's "Create the Slack app" section shows
where each value is on the Slack app page.
"""


#: apps.connections.open errors that no retry can fix: the app-level token itself is refused.
APP_TOKEN_REFUSED = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "not_allowed_token_type",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
    }
)


class AppTokenRefused(Exception):
    """Slack refused SLACK_APP_TOKEN; the message is Slack's error code."""


async def connect_socket_mode(handler: Any, stop: asyncio.Event) -> bool:
    """Connect to Slack in Socket Mode; False when stopped (SIGTERM) before connecting.

    slack_sdk's connect() retries every failure forever, a refused app token included, and a
    signal cannot interrupt it. So the first WebSocket URL is fetched here, where a refused
    token raises AppTokenRefused, and the connecting races the stop signal.
    """

    async def connect() -> None:
        try:
            handler.client.wss_uri = await handler.client.issue_new_wss_url()
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error in APP_TOKEN_REFUSED:
                raise AppTokenRefused(error) from None
        except (aiohttp.ClientError, OSError):
            pass  # Slack unreachable for now: connect() below keeps trying
        await handler.connect_async()

    connecting = asyncio.ensure_future(connect())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not connecting.done():
        connecting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await connecting
        return False
    connecting.result()
    return True


async def start_workers(settings: Settings) -> WorkerPool | None:
    """The worker processes of HTTP mode; None (all work here) when there are none to start."""
    if settings.worker_processes < 1:
        return None
    workers = WorkerPool(settings, settings.worker_processes)
    try:
        await workers.start()
    except RuntimeError as exc:
        log.error("%s; this process does all the work instead", exc)
        return None
    log.info("%d worker process(es) do the work of acknowledged requests", len(workers.workers))
    return workers


def build_app(deps: Deps, *, worker: bool = False) -> AsyncApp:
    """The Bolt app with every handler (`worker=True`: a worker process's, see
    bot/platform/worker.py)."""
    return create_app(deps, handlers.register_all, worker=worker)


async def start_teams(deps: Deps, web_app: web.Application) -> None:
    """The Teams surface's /api/messages on `web_app` (before the server starts)."""
    from bot.teamsapp.surface import build_surface
    from handlers.teams import router

    surface = build_surface(deps, web_app, router())
    await surface.app.initialize()
    deps.surfaces["teams"] = surface


async def serve(settings: Settings) -> int:
    deps = build_deps(settings)
    bolt = build_app(deps) if settings.slack_enabled else None
    scheduler = make_scheduler(deps)

    # What is built so far lives as long as the process: keep it out of the garbage collector's
    # full passes, which otherwise stall the event loop (and Slack's acknowledgements) for
    # ~50 ms each (bench/ack.py).
    gc.collect()
    gc.freeze()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    exit_code = 0
    socket_handler = None
    # The probes are served before anything waits on Slack: in Socket Mode connecting may take
    # long (Slack unreachable, slack_sdk retrying), and an orchestrator that sees no answer on
    # /healthz kills a pod that is merely waiting. /readyz says "connecting" meanwhile.
    link = {"connected": False}
    workers = None
    if bolt is None:
        web_app = make_web_app(None, deps)
    elif settings.socket_mode:
        web_app = make_web_app(None, deps, connected=lambda: link["connected"])
    else:
        workers = await start_workers(settings)
        web_app = make_web_app(bolt, deps, workers=workers)
    if settings.teams is not None:
        await start_teams(deps, web_app)
    # After the surfaces: a round's first tick may already message people on either.
    if settings.scheduler_enabled:
        register_jobs(scheduler, deps)
        scheduler.start()
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
    except OSError as exc:
        if not settings.socket_mode or settings.teams is not None:
            await runner.cleanup()
            raise
        log.warning("health check not served: port %s unavailable (%s)", settings.port, exc)

    if bolt is None:
        log.info(
            "serving Microsoft Teams on http://%s:%s/api/messages", settings.host, settings.port
        )
    elif settings.socket_mode:
        from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

        assert settings.slack_app_token is not None
        socket_handler = AsyncSocketModeHandler(bolt, settings.slack_app_token.get())
        log.info("health check on port %s; connecting to Slack in Socket Mode", settings.port)
        try:
            if await connect_socket_mode(socket_handler, stop):
                link["connected"] = True
                log.info("connected to Slack in Socket Mode")
        except AppTokenRefused as exc:
            log.error(
                "Slack refused SLACK_APP_TOKEN (%s): use the app-level token (xapp-…) with the "
                "connections:write scope from the app's Basic Information page",
                exc,
            )
            exit_code = 2
            stop.set()
    else:
        log.info(
            "serving Slack requests on http://%s:%s/slack/events", settings.host, settings.port
        )
    if bolt is not None and settings.teams is not None:
        log.info("and Microsoft Teams on http://%s:%s/api/messages", settings.host, settings.port)

    await stop.wait()
    log.info("shutting down: finishing work in progress")
    if socket_handler is not None:
        await socket_handler.close_async()  # type: ignore[no-untyped-call]
    await runner.cleanup()
    if workers is not None:
        await workers.stop(grace=25)
    try:
        await deps.tasks.idle(timeout=25)
    except TimeoutError:
        log.warning("some work was still running at shutdown; it resumes on the next start")
    if scheduler.running:
        scheduler.shutdown(wait=False)
    await deps.engine.dispose()
    return exit_code


def main(argv: list[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else argv) == ["worker"]:
        return worker.main(build_app)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(SETTINGS_HELP.format(problems="\n".join(exc.problems)), file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secret_values())
    safe_url = make_url(settings.database_url).render_as_string(hide_password=True)
    try:
        upgrade(settings.database_url)
    except Exception as exc:
        log.error("cannot prepare the database %s: %s", safe_url, exc)
        return 1
    log.info("database ready: %s", safe_url)
    try:
        return asyncio.run(serve(settings))
    except OSError as exc:
        log.error("cannot listen on port %s: %s", settings.port, exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
