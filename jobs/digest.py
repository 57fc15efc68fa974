"""The weekly digest of approved tips (default Friday 10:00, TIMEZONE).

Ticks often; what is due is decided from the tables (`bot.tips.digest`, run by
`bot.tips.digests`), so a digest missed while the bot was down is posted when it comes back,
and never twice. Slack is the surface (`bot.tips.delivery.SlackTipMessages`).
"""

from __future__ import annotations

from bot.platform.deps import Deps
from bot.tips.delivery import SlackTipMessages
from bot.tips.digests import run_digests


async def run(deps: Deps) -> int:
    return await run_digests(deps, SlackTipMessages(deps))
