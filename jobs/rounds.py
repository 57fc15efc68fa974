"""Coffee rounds: finish rounds in progress, start the ones that are due (see bot.coffee.rounds)."""

from __future__ import annotations

from bot.coffee.rounds import run_due
from bot.platform.deps import Deps


async def run(deps: Deps) -> None:
    await run_due(deps)
