"""Forgets what is no longer needed: coffee-break history older than HISTORY_RETENTION_DAYS
(0 keeps it), event ids past Slack's retry window, Slack calls done or given up long ago
(see bot.privacy.store and docs/privacy.md)."""

from __future__ import annotations

import logging

from bot.platform.deps import Deps
from bot.privacy.store import KEEP_EVENT_IDS, Purged, purge_old_data

log = logging.getLogger(__name__)

__all__ = ["KEEP_EVENT_IDS", "run"]


async def run(deps: Deps) -> Purged:
    async with deps.db.begin() as session:
        purged = await purge_old_data(session, deps.now(), deps.settings.history_retention_days)
    if purged.rounds or purged.calls:
        log.info(
            "housekeeping: %d coffee round(s) past the retention, %d old Slack call(s) deleted",
            purged.rounds,
            purged.calls,
        )
    return purged
