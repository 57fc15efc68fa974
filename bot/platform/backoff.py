"""How a recorded call is retried (pending_calls: Slack's outbox and Teams'): a growing wait,
at most an hour, and at most MAX_ATTEMPTS tries before it is left for the operator."""

from __future__ import annotations

from datetime import timedelta

MAX_ATTEMPTS = 40
MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)
