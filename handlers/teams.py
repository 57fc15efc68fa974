"""The Teams surface's handler modules (handlers/teams_router.py reads their tables)."""

from __future__ import annotations

from types import ModuleType

from handlers import (
    teams_coffee,
    teams_install,
    teams_members,
    teams_people,
    teams_privacy,
    teams_tips,
)
from handlers.teams_router import TeamsRouter

MODULES: list[ModuleType] = [
    teams_install,
    teams_members,
    teams_coffee,
    teams_tips,
    teams_people,
    teams_privacy,
]


def router() -> TeamsRouter:
    return TeamsRouter(MODULES)
