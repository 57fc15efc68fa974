"""Fixtures (a pytest plugin of tests/conftest.py): the real app with its Teams surface on a
local port, against the offline Teams platform (tests/fakes/teams_platform.py): signed
activities in, connector calls recorded."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from bot.platform.config import Secret, Settings, TeamsSettings
from bot.platform.deps import Deps
from bot.platform.server import make_web_app
from bot.teams.identity import local_tenant, local_user
from bot.teamsapp.surface import TeamsSurface, build_surface
from handlers.teams import router
from tests.fakes.teams_platform import FakeTeams, User


def teams_settings(fake: FakeTeams, **changes: Any) -> TeamsSettings:
    base = TeamsSettings(
        bot_id=fake.app_id,
        bot_secret=Secret(fake.app_secret),
        tenant_id=fake.app_tenant,
        openid_url=fake.openid_url,
        login_url=fake.login_endpoint,
        # Teams' windows 100× faster: the fake enforces the real ones on its own clock.
        rate_scale=100,
    )
    return dataclasses.replace(base, **changes)


@dataclass
class TeamsApp:
    url: str
    deps: Deps
    surface: TeamsSurface
    fake: FakeTeams

    @property
    def team_id(self) -> str:
        return local_tenant(self.fake.app_tenant)

    def user_id(self, user: User) -> str:
        return local_user(user.aad_object_id)

    async def send(self, activity: dict[str, Any], **auth: Any) -> tuple[int, Any]:
        status, body = await self.fake.post_activity(self.url, activity, **auth)
        await self.deps.tasks.idle(timeout=15)
        return status, body

    async def install(self, user: User) -> None:
        status, _ = await self.send(self.fake.install_activity(user))
        assert status == 200


async def start_teams_app(
    deps: Deps, fake: FakeTeams, *, slack: bool = False
) -> AsyncIterator[TeamsApp]:
    settings: Settings = dataclasses.replace(
        deps.settings,
        surfaces=("slack", "teams") if slack else ("teams",),
        teams=teams_settings(fake),
    )
    deps = dataclasses.replace(deps, settings=settings, surfaces={})
    web_app = make_web_app(None, deps)
    surface = build_surface(deps, web_app, router())
    await surface.app.initialize()
    deps.surfaces["teams"] = surface
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield TeamsApp(url=f"http://127.0.0.1:{port}", deps=deps, surface=surface, fake=fake)
    finally:
        await deps.tasks.idle(timeout=10)
        await runner.cleanup()


@pytest.fixture
def fake_teams() -> Iterator[FakeTeams]:
    """The offline Teams platform, started in its own thread and port, stopped after."""
    with FakeTeams() as fake:
        yield fake


@pytest.fixture
async def teams_app(deps: Deps, fake_teams: FakeTeams) -> AsyncIterator[TeamsApp]:
    """The real app serving only Teams (SURFACES=teams) on a free local port."""
    async for app in start_teams_app(deps, fake_teams):
        yield app
