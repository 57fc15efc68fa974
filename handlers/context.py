"""What a listener needs before its body runs, after the acknowledgement: a redelivered event
dropped, the caller's workspace noted, and their translator `t` in the context."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.people.directory import translator_for
from bot.platform.db.models import ProcessedEvent
from bot.platform.db.upsert import insert_missing
from bot.platform.deps import Deps
from bot.platform.i18n import translator
from bot.privacy.slack_side import is_passive, note_request

log = logging.getLogger(__name__)


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
