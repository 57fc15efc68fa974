"""Forgets what is no longer needed: coffee-break history older than HISTORY_RETENTION_DAYS
(0 keeps it) with Teams' records of the cards sent for it, event ids past Slack's retry window,
Slack calls done or given up long ago (see bot.privacy.store and docs/privacy.md)."""

from __future__ import annotations

import dataclasses
import logging

from bot.platform.deps import Deps
from bot.privacy.store import KEEP_EVENT_IDS, Purged, purge_old_data
from bot.teamsapp.store import purge_deliveries

log = logging.getLogger(__name__)

__all__ = ["KEEP_EVENT_IDS", "run"]


async def run(deps: Deps) -> Purged:
    async with deps.db.begin() as session:
        days = deps.settings.history_retention_days
        purged = await purge_old_data(session, deps.now(), days)
        deliveries = await purge_deliveries(session, deps.now(), days)
        purged = dataclasses.replace(purged, deliveries=deliveries)
    if purged.rounds or purged.calls or purged.deliveries:
        log.info(
            "housekeeping: %d coffee round(s) past the retention, %d old call(s), "
            "%d old Teams delivery record(s) deleted",
            purged.rounds,
            purged.calls,
            purged.deliveries,
        )
    return purged
