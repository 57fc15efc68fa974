"""Forgets event ids older than Slack's retry window."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from bot.db.models import ProcessedEvent
from bot.deps import Deps

KEEP_EVENT_IDS = timedelta(days=2)


async def run(deps: Deps) -> None:
    async with deps.db.begin() as session:
        await session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.received_at < deps.now() - KEEP_EVENT_IDS)
        )
