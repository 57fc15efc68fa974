"""Builds the Bolt app: the context middleware (deps, the immediate acknowledgement) and every
handler.

Nothing that runs before Slack is acknowledged waits on the database or on Slack: the
middleware puts `deps` into the context and acknowledges commands, clicks, shortcuts and closed
modals at once (`acknowledged_at_once`). What needs I/O — dropping a redelivered event, the
caller's translator `t` — is `prepare_context`, which `handlers.router` runs in the listener,
after the acknowledgement (before it only for view submissions and options requests, whose
acknowledgement carries their answer).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from bot.acks import acknowledged_at_once
from bot.db.models import ProcessedEvent
from bot.db.upsert import insert_missing
from bot.deps import Deps
from bot.directory import translator_for
from bot.i18n import translator
from bot.privacy import is_passive, note_request

log = logging.getLogger(__name__)


def create_app(deps: Deps, *, worker: bool = False) -> AsyncApp:
    """`worker=True` builds the app of a worker process (bot/worker.py): its requests come from
    the serving process, which checked their signatures and acknowledged them, so it verifies
    nothing and runs each listener to its end before the request counts as done."""
    verify = bool(deps.settings.slack_signing_secret.get()) and not worker
    app = AsyncApp(
        client=deps.client,
        # Without a secret (Socket Mode) Bolt verifies nothing itself; bot.server then refuses
        # every HTTP request to /slack/events.
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

    from handlers import register_all

    register_all(app, deps)
    return app


async def prepare_context(deps: Deps, context: AsyncBoltContext, body: dict[str, Any]) -> bool:
    """Put the caller's translator `t` into the context (their stored choice → Slack locale →
    DEFAULT_LOCALE; may call users.info); False when the request is a redelivered event."""
    if "t" in context:
        return True
    team_id = context.team_id or body.get("team_id") or ""
    event_id = body.get("event_id")
    is_event = body.get("type") == "event_callback" and event_id
    if is_event and not await _first_delivery(deps, team_id, str(event_id)):
        log.info("duplicate event %s ignored", event_id)
        return False
    passive = is_passive(body)  # user_change & co.: no lookups, no profile stored (privacy)
    if team_id and not passive:
        await note_request(deps, str(team_id))
    if context.user_id and team_id and not passive:
        context["t"] = await translator_for(deps, team_id, context.user_id)
    else:
        context["t"] = translator(deps.settings.default_locale)
    return True


async def _first_delivery(deps: Deps, team_id: str, event_id: str) -> bool:
    """Record an event id; False when Slack already delivered it (a retry)."""
    async with deps.db.begin() as session:
        stored = await insert_missing(
            session,
            ProcessedEvent,
            {"team_id": team_id, "event_id": event_id, "received_at": deps.now()},
            key=("team_id", "event_id"),
        )
    return stored == 1
