"""Joining a program channel is opting in (with a welcome DM); leaving it is opting out."""

from __future__ import annotations

import logging
from typing import Any

from bot.coffee.enrolment import send_welcome
from bot.coffee.participants import is_human, set_active, set_left
from bot.coffee.programs import program_in_channel
from bot.people.directory import ensure_member
from bot.platform.deps import Deps
from handlers.router import Route, event

log = logging.getLogger(__name__)


def _team(body: dict[str, Any], event: dict[str, Any]) -> str:
    return str(event.get("team") or body.get("team_id") or "")


async def joined(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    team_id = _team(body, event)
    user_id = str(event.get("user") or "")
    channel_id = str(event.get("channel") or "")
    async with deps.db() as session:
        program = await program_in_channel(session, team_id, channel_id)
    if program is None or not program.active or not user_id:
        return
    member = await ensure_member(deps, team_id, user_id)
    if not is_human(member):
        return
    async with deps.db.begin() as session:
        _, before = await set_active(session, program, user_id, deps.now())
    log.info("%s joined program %s (was %s)", user_id, program.id, before or "new")
    await send_welcome(deps, program, user_id)


async def left(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    team_id = _team(body, event)
    user_id = str(event.get("user") or "")
    channel_id = str(event.get("channel") or "")
    async with deps.db.begin() as session:
        program = await program_in_channel(session, team_id, channel_id)
        if program is None or not user_id:
            return
        await set_left(session, program, user_id, deps.now())
    log.info("%s left program %s", user_id, program.id)


ROUTES: list[Route] = [
    event("member_joined_channel", joined),
    event("member_left_channel", left),
]
