"""Retries Slack calls that failed earlier (see bot.platform.outbox), and Teams' when this
process serves Teams (bot.teamsapp.outbox)."""

from __future__ import annotations

from bot.platform.deps import Deps
from bot.platform.outbox import retry_due


async def run(deps: Deps) -> int:
    done = await retry_due(deps)
    teams = deps.surfaces.get("teams")
    if teams is not None:
        from bot.teamsapp.outbox import retry_due as retry_teams

        done += await retry_teams(teams)
    return done
