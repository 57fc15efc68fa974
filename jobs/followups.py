"""Coffee follow-ups: ask "Did you meet?" FOLLOWUP_DAYS after each intro."""

from __future__ import annotations

from bot.coffee.followups import send_due_followups
from bot.platform.deps import Deps


async def run(deps: Deps) -> int:
    return await send_due_followups(deps)
