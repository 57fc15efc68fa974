"""Builds the Bolt app: the context middleware (deps, the immediate acknowledgement); the
composition root (bot/__main__.py) passes the handlers to register.

Nothing that runs before Slack is acknowledged waits on the database or on Slack: the
middleware puts `deps` into the context and acknowledges commands, clicks, shortcuts and closed
modals at once (`acknowledged_at_once`). What needs I/O — dropping a redelivered event, the
caller's translator `t` — is `handlers.context.prepare_context`, which `handlers.router` runs in the
listener, after the acknowledgement (before it only for view submissions and options requests, whose
acknowledgement carries their answer).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.platform.acks import acknowledged_at_once
from bot.platform.deps import Deps

log = logging.getLogger(__name__)


Register = Callable[[AsyncApp, Deps], None]


def create_app(deps: Deps, register: Register, *, worker: bool = False) -> AsyncApp:
    """`worker=True` builds the app of a worker process (bot/platform/worker.py): its requests come
    from the serving process, which checked their signatures and acknowledged them, so it verifies
    nothing and runs each listener to its end before the request counts as done."""
    verify = bool(deps.settings.slack_signing_secret.get()) and not worker
    app = AsyncApp(
        client=deps.client,
        # Without a secret (Socket Mode) Bolt verifies nothing itself; bot.platform.server then
        # refuses every HTTP request to /slack/events.
        signing_secret=deps.settings.slack_signing_secret.get() or None,
        request_verification_enabled=verify,
        process_before_response=worker,
        raise_error_for_unhandled_request=False,
        ignoring_self_events_enabled=True,
        # A child of "slack_bolt", which setup_logging keeps at WARNING: Bolt would otherwise log
        # whole payloads (people's text, response URLs) at DEBUG.
        logger=logging.getLogger("slack_bolt.app"),
    )

    @app.middleware
    async def attach_context(
        context: AsyncBoltContext,
        body: dict[str, Any],
        ack: AsyncAck,
        next: Callable[[], Awaitable[None]],
    ) -> None:
        # Runs before every acknowledgement: no database, no Slack calls here.
        context["deps"] = deps
        if acknowledged_at_once(body):
            # Bolt then answers Slack as soon as a listener matches, without polling for ack().
            await ack()
        await next()

    register(app, deps)
    return app
