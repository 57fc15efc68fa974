"""Retries Slack calls that failed earlier (see bot.platform.outbox)."""

from __future__ import annotations

from bot.platform.deps import Deps
from bot.platform.outbox import retry_due


async def run(deps: Deps) -> int:
    return await retry_due(deps)
