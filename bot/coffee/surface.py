"""Which chat surface carries the coffee feature's outbound messages: the one place that knows.

The rounds, the follow-ups and the welcome DM take a `bot.coffee.effects.CoffeeEffects` and,
when they are given none, ask here. Today that is Slack (`bot.coffee.delivery`); a second
surface (Microsoft Teams) is chosen here from the settings.
"""

from __future__ import annotations

from bot.coffee.delivery import SlackCoffeeEffects
from bot.coffee.effects import CoffeeEffects
from bot.platform.deps import Deps


def coffee_effects(deps: Deps, effects: CoffeeEffects | None = None) -> CoffeeEffects:
    """`effects` when given, else this process's surface adapter."""
    return effects if effects is not None else SlackCoffeeEffects(deps)
