"""Scheduled entry points: thin, idempotent passes over database state.

APScheduler only ticks; what is due is decided from our tables, so a restart or a second replica
never repeats work. Jobs use stable ids and a generous misfire grace time so a tick missed
during a restart still runs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.platform.deps import Deps
from jobs import digest, followups, housekeeping, retry_calls, rounds, tip_cards

log = logging.getLogger(__name__)

JobFn = Callable[[Deps], Awaitable[object]]


def make_scheduler(deps: Deps) -> AsyncIOScheduler:
    return AsyncIOScheduler(
        timezone=deps.settings.tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )


def _guarded(name: str, fn: JobFn, deps: Deps) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        async with deps.tasks.track():
            try:
                await fn(deps)
            except Exception:
                log.exception("job %s failed", name)

    return run


def register_jobs(scheduler: AsyncIOScheduler, deps: Deps) -> None:
    every: list[tuple[str, JobFn, timedelta]] = [
        ("retry_calls", retry_calls.run, timedelta(minutes=1)),
        ("housekeeping", housekeeping.run, timedelta(hours=6)),
        # Coffee breaks: rounds due (or to resume) and follow-ups, decided from the tables.
        ("coffee_rounds", rounds.run, timedelta(seconds=deps.settings.rounds_tick_seconds)),
        ("coffee_followups", followups.run, timedelta(minutes=10)),
        # Tips: the weekly digest decides from its tables whether a slot is due.
        ("tips_digest", digest.run, timedelta(minutes=5)),
        ("tip_cards", tip_cards.run, timedelta(minutes=2)),
    ]
    for name, fn, interval in every:
        # First run right after start: work that fell due while the bot was down runs now.
        scheduler.add_job(
            _guarded(name, fn, deps),
            "interval",
            seconds=interval.total_seconds(),
            id=name,
            replace_existing=True,
            next_run_time=deps.now(),
        )
