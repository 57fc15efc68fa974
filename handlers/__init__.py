"""Slack surfaces. Each module has `register(router)`; this list is the table of contents."""

from __future__ import annotations

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


def register_all(app: AsyncApp, deps: Deps) -> None:
    router = Router(app, deps)
    fika_command.register(router)
    coffee_actions.register(router)
    coffee_profile.register(router)
    coffee_libraries.register(router)
    coffee_events.register(router)
    tips_command.register(router)
    tip_modal.register(router)
    tip_shortcut.register(router)
    tip_review.register(router)
    home.register(router)
    privacy.register(router)
