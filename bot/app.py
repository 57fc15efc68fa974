"""Builds the Bolt app: context middleware (deps, member language) and every handler."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from sqlalchemy.exc import IntegrityError

from bot.db.models import ProcessedEvent
from bot.deps import Deps
from bot.directory import translator_for
from bot.i18n import translator

log = logging.getLogger(__name__)


def create_app(deps: Deps) -> AsyncApp:
    app = AsyncApp(
        client=deps.client,
        signing_secret=deps.settings.slack_signing_secret.get(),
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        ignoring_self_events_enabled=True,
        # A child of "slack_bolt", which setup_logging keeps at WARNING: Bolt would otherwise log
        # whole payloads (people's text, response URLs) at DEBUG.
        logger=logging.getLogger("slack_bolt.app"),
    )

    @app.middleware
    async def attach_context(
        context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        context["deps"] = deps
        team_id = context.team_id or body.get("team_id") or ""
        event_id = body.get("event_id")
        is_event = body.get("type") == "event_callback" and event_id
        if is_event and not await _first_delivery(deps, team_id, str(event_id)):
            log.info("duplicate event %s ignored", event_id)
            return BoltResponse(status=200, body="")
        if context.user_id and team_id:
            context["t"] = await translator_for(deps, team_id, context.user_id)
        else:
            context["t"] = translator(deps.settings.default_locale)
        await next()
        return None

    from handlers import register_all

    register_all(app, deps)
    return app


async def _first_delivery(deps: Deps, team_id: str, event_id: str) -> bool:
    """Record an event id; False when Slack already delivered it (a retry)."""
    try:
        async with deps.db.begin() as session:
            session.add(ProcessedEvent(team_id=team_id, event_id=event_id, received_at=deps.now()))
    except IntegrityError:
        return False
    return True
