"""Calls that must not be lost, recorded in `pending_calls` and retried with a growing back-off
(at most an hour between tries, at most MAX_ATTEMPTS tries before the row is left for the
operator). Each surface's outbox (Slack: bot/platform/outbox.py; Teams:
bot/teamsapp/outbox.py) records its own methods here and retries them through `retry_due`
with its own way of sending."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, select

from bot.platform.db.models import PendingCall
from bot.platform.deps import Deps

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 40
MAX_BACKOFF = timedelta(hours=1)

#: One try of a recorded call: `send(team_id, method, args)`.
Send = Callable[[str, str, dict[str, Any]], Awaitable[Any]]
#: What a failure was: (error text, permanent?), or None for an exception that is not the
#: surface's failure (it propagates).
Describe = Callable[[BaseException], tuple[str, bool] | None]


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


async def record(
    deps: Deps, team_id: str, method: str, args: dict[str, Any], error: str, permanent: bool
) -> None:
    """Keep a call that failed once: for a retry, or (permanent) for the operator."""
    async with deps.db.begin() as session:
        session.add(
            PendingCall(
                team_id=team_id,
                method=method,
                args=args,
                attempts=1,
                last_error=error,
                next_attempt_at=deps.now() + backoff(1),
                gave_up=permanent,
            )
        )


async def retry_due(
    deps: Deps, which: ColumnElement[bool], send: Send, describe: Describe, limit: int = 50
) -> int:
    """Retry the due calls that `which` selects (by method); how many went through."""
    now = deps.now()
    async with deps.db() as session:
        ids = list(
            await session.scalars(
                select(PendingCall.id)
                .where(
                    which,
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
                await send(row.team_id, row.method, dict(row.args))
            except Exception as exc:
                failure = describe(exc)
                if failure is None:
                    raise
                error, permanent = failure
                row.attempts += 1
                row.last_error = error
                row.next_attempt_at = deps.now() + backoff(row.attempts)
                row.gave_up = permanent or row.attempts >= MAX_ATTEMPTS
                log.warning("retry %s of %s failed (%s)", row.attempts, row.method, error)
                continue
            row.done_at = deps.now()
            done += 1
    return done
