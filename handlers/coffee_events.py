"""Joining a program channel is opting in (with a welcome DM); leaving it is opting out."""

from __future__ import annotations

import logging
from typing import Any

from bot.coffee import service
from bot.coffee.enrolment import send_welcome
from bot.platform.deps import Deps
from handlers.router import Route, event

log = logging.getLogger(__name__)


def _team(body: dict[str, Any], event: dict[str, Any]) -> str:
    return str(event.get("team") or body.get("team_id") or "")


def _user(event: dict[str, Any]) -> str:
    return str(event.get("user") or "")


def _channel(event: dict[str, Any]) -> str:
    return str(event.get("channel") or "")


async def joined(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    team_id, user_id, channel_id = _team(body, event), _user(event), _channel(event)
    program = await service.joined_channel(deps, team_id, user_id, channel_id)
    if program is not None:
        await send_welcome(deps, program, user_id)


async def left(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    await service.left_channel(deps, _team(body, event), _user(event), _channel(event))


ROUTES: list[Route] = [
    event("member_joined_channel", joined),
    event("member_left_channel", left),
]
