"""Teams messages that must not be lost: sent now, and when Teams cannot take them, recorded in
`pending_calls` (the table Slack's outbox uses, bot/platform/outbox.py) as "teams.send" or
"teams.update" and retried by `jobs.retry_calls` with the same growing back-off.

Only messages that may be repeated without harm go here (a card replaced in place, a notice
whose loss is worse than a second copy); once-only ones keep their own books
(`TeamsDelivery`, bot/teamsapp/coffee_effects.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.platform import pending
from bot.platform.db.models import PendingCall
from bot.teamsapp.sender import TeamsSendError

if TYPE_CHECKING:
    from bot.teamsapp.surface import TeamsSurface

log = logging.getLogger(__name__)

SEND = "teams.send"
UPDATE = "teams.update"
METHODS = (SEND, UPDATE)


async def _call(surface: TeamsSurface, team_id: str, method: str, args: dict[str, Any]) -> str:
    sender = surface.sender
    if method == SEND:
        return await sender.send(
            team_id, args["conversation_id"], args["service_url"], args["activity"]
        )
    await sender.update(
        team_id,
        args["conversation_id"],
        args["service_url"],
        args["activity_id"],
        args["activity"],
    )
    return str(args["activity_id"])


async def deliver(
    surface: TeamsSurface,
    team_id: str,
    conversation_id: str,
    service_url: str,
    activity: dict[str, Any],
    *,
    activity_id: str | None = None,
) -> str | None:
    """Send (or, with `activity_id`, update) now; the activity id, or None when Teams could not
    take it and it was queued (or, refused for good, recorded for the operator)."""
    method = UPDATE if activity_id else SEND
    args = {
        "conversation_id": conversation_id,
        "service_url": service_url,
        "activity": activity,
        "activity_id": activity_id,
    }
    try:
        return await _call(surface, team_id, method, args)
    except TeamsSendError as exc:
        permanent = not exc.transient
        log.warning(
            "Teams %s failed (%s); %s", method, exc.code, "recorded" if permanent else "queued"
        )
        await pending.record(surface.deps, team_id, method, args, exc.code, permanent)
        return None


def _failure(exc: BaseException) -> tuple[str, bool] | None:
    return (exc.code, not exc.transient) if isinstance(exc, TeamsSendError) else None


async def retry_due(surface: TeamsSurface, limit: int = 50) -> int:
    """Retry the Teams calls that are due; how many went through."""

    async def send(team_id: str, method: str, args: dict[str, Any]) -> str:
        return await _call(surface, team_id, method, args)

    which = PendingCall.method.in_(METHODS)
    return await pending.retry_due(surface.deps, which, send, _failure, limit)
