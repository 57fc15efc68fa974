"""Review cards that could not be posted when the tip was sent (the surface failed, or no review
channel was set yet) are posted here (`bot.tips.cards`, on each team's surface:
`bot.tips.surface`)."""

from __future__ import annotations

from bot.platform.deps import Deps
from bot.tips.cards import post_all_missing_cards
from bot.tips.surface import tip_messages


async def run(deps: Deps) -> int:
    return await post_all_missing_cards(deps, tip_messages(deps))
