"""Slack surfaces. Each module declares its listeners in a `ROUTES` table (`handlers.router.Route`);
`MODULES` is the table of contents, in registration order."""

from __future__ import annotations

from types import ModuleType

from slack_bolt.async_app import AsyncApp

from bot.platform.deps import Deps
from handlers import (
    coffee_actions,
    coffee_events,
    coffee_libraries,
    coffee_profile,
    fika_command,
    home,
    privacy,
    tip_modal,
    tip_review,
    tip_shortcut,
    tips_command,
)
from handlers.router import Router

MODULES: list[ModuleType] = [
    fika_command,
    coffee_actions,
    coffee_profile,
    coffee_libraries,
    coffee_events,
    tips_command,
    tip_modal,
    tip_shortcut,
    tip_review,
    home,
    privacy,
]


def register_all(app: AsyncApp, deps: Deps) -> None:
    router = Router(app, deps)
    for module in MODULES:
        router.add(module.ROUTES)
