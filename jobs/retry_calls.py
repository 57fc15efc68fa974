"""Retries Slack calls that failed earlier (see bot.outbox)."""

from __future__ import annotations

from bot.deps import Deps
from bot.outbox import retry_due


async def run(deps: Deps) -> int:
    return await retry_due(deps)
