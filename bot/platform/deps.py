"""Everything a handler or job needs, built once in the composition root."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.platform.chat import Chat, SurfaceChat
from bot.platform.config import Settings
from bot.platform.db.engine import make_engine, make_sessionmaker
from bot.platform.pacing import SLACK_LIMITS, Pacer, scaled
from bot.platform.slack_chat import SlackChat
from bot.platform.slack_client import make_client
from bot.platform.tasks import TaskTracker


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _random_seed() -> int:
    return random.SystemRandom().randrange(2**31)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    engine: AsyncEngine
    db: async_sessionmaker[AsyncSession]
    client: AsyncWebClient
    clock: Callable[[], datetime] = _utcnow
    new_seed: Callable[[], int] = _random_seed
    tasks: TaskTracker = field(default_factory=TaskTracker)
    # Paces Slack calls of rounds and follow-ups inside Slack's rate limits
    # (bot/platform/pacing.py).
    pacer: Pacer = field(default_factory=Pacer)
    # The other chat surfaces this process serves, by name ("teams": bot.teamsapp.surface's
    # TeamsSurface), set by the composition root; the features reach them through their ports.
    surfaces: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    @property
    def chat(self) -> Chat:
        """The chat port (bot/platform/chat.py): Slack's over this process's client and pacer,
        and Teams' for Teams' ids when this process serves Teams."""
        teams = self.surfaces.get("teams")
        return SurfaceChat(SlackChat(self.client, self.pacer), teams.chat if teams else None)


def build_deps(settings: Settings) -> Deps:
    """The deps of a running process (the serving one and each worker), from its settings."""
    engine = make_engine(settings.database_url)
    return Deps(
        settings=settings,
        engine=engine,
        db=make_sessionmaker(engine),
        client=make_client(settings),
        pacer=Pacer(scaled(SLACK_LIMITS, settings.slack_rate_scale)),
    )
