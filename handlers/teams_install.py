"""Installing and removing Fika in Teams: the references were kept by the router; here the
person is greeted in their personal chat, and a team's channel learns how to start."""

from __future__ import annotations

import logging
from typing import Any

from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn
from handlers import teams_home  # the home card is the greeting

log = logging.getLogger(__name__)


async def installed(surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> None:
    if turn.personal:
        await teams_home.send_home(surface, turn)
    else:
        await teams_home.greet_channel(surface, turn)


async def uninstalled(surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> None:
    """Nothing can reach them now; the router marked their reference uninstalled."""
    log.info("Fika removed from a Teams %s conversation", turn.conversation_type)


EVENTS = {"install": installed, "uninstall": uninstalled}
