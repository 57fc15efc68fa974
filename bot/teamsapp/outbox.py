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

from sqlalchemy import select

from bot.platform.backoff import MAX_ATTEMPTS, backoff
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
        deps = surface.deps
        async with deps.db.begin() as session:
            session.add(
                PendingCall(
                    team_id=team_id,
                    method=method,
                    args=args,
                    attempts=1,
                    last_error=exc.code,
                    next_attempt_at=deps.now() + backoff(1),
                    gave_up=permanent,
                )
            )
        return None


async def retry_due(surface: TeamsSurface, limit: int = 50) -> int:
    """Retry the Teams calls that are due; how many went through."""
    deps = surface.deps
    now = deps.now()
    async with deps.db() as session:
        ids = list(
            await session.scalars(
                select(PendingCall.id)
                .where(
                    PendingCall.method.in_(METHODS),
                    PendingCall.done_at.is_(None),
                    PendingCall.gave_up.is_(False),
                    PendingCall.next_attempt_at <= now,
                )
                .order_by(PendingCall.next_attempt_at)
                .limit(limit)
            )
        )
    done = 0
    for pending_id in ids:
        async with deps.db.begin() as session:
            row = await session.scalar(
                select(PendingCall)
                .where(PendingCall.id == pending_id, PendingCall.done_at.is_(None))
                .with_for_update(skip_locked=True)
            )
            if row is None:
                continue
            try:
                await _call(surface, row.team_id, row.method, dict(row.args))
            except TeamsSendError as exc:
                row.attempts += 1
                row.last_error = exc.code
                row.next_attempt_at = deps.now() + backoff(row.attempts)
                row.gave_up = not exc.transient or row.attempts >= MAX_ATTEMPTS
                log.warning("retry %s of %s failed (%s)", row.attempts, row.method, exc.code)
                continue
            row.done_at = deps.now()
            done += 1
    return done
