"""Slack surfaces. Each module has `register(router)`; this list is the table of contents."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.deps import Deps
from handlers import fika_command, tips_command
from handlers.router import Router


def register_all(app: AsyncApp, deps: Deps) -> None:
    router = Router(app, deps)
    fika_command.register(router)
    tips_command.register(router)
