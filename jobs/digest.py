"""The weekly digest of approved tips (default Friday 10:00, TIMEZONE).

Ticks often; what is due is decided from the tables (`bot.tips.digest`, run by
`bot.tips.digests`), so a digest missed while the bot was down is posted when it comes back,
and never twice. Each team's surface carries it (`bot.tips.surface`).
"""

from __future__ import annotations

from bot.platform.deps import Deps
from bot.tips.digests import run_digests
from bot.tips.surface import tip_messages


async def run(deps: Deps) -> int:
    return await run_digests(deps, tip_messages(deps))
