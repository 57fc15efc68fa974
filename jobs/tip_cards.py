"""Review cards that could not be posted when the tip was sent (Slack failed, or no review
channel was set yet) are posted here (`bot.tips.cards`, with Slack as the surface)."""

from __future__ import annotations

from bot.platform.deps import Deps
from bot.tips.cards import post_all_missing_cards
from bot.tips.delivery import SlackTipMessages


async def run(deps: Deps) -> int:
    return await post_all_missing_cards(deps, SlackTipMessages(deps))
