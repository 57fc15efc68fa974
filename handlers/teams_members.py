"""Joining a team whose channel is a coffee-break program is opting in (with the welcome card);
leaving the team is leaving — Slack's member_joined_channel / member_left_channel on Teams,
where a standard channel's members are its team's."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from bot.coffee import service
from bot.coffee.enrolment import send_welcome
from bot.teams.identity import NotAGuid, local_user
from bot.teamsapp import store
from bot.teamsapp.models import TeamsChannel
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn

log = logging.getLogger(__name__)


async def _team_channels(surface: TeamsSurface, turn: Turn) -> list[str]:
    """Fika's ids of the channels it knows in the activity's team."""
    if turn.team_aad_group_id is None:
        return [turn.channel_id] if turn.channel_id else []
    async with surface.deps.db() as session:
        found = await session.scalars(
            select(TeamsChannel.channel_id).where(
                TeamsChannel.team_id == turn.team_id,
                TeamsChannel.team_aad_group_id == turn.team_aad_group_id,
            )
        )
        return list(found)


def _people(members: object) -> list[tuple[str, str]]:
    """(local user id, "29:" id) of the people an activity names."""
    found: list[tuple[str, str]] = []
    for member in members if isinstance(members, list) else []:
        if not isinstance(member, dict):
            continue
        try:
            found.append((local_user(str(member.get("aadObjectId") or "")), str(member["id"])))
        except (NotAGuid, KeyError):
            continue  # a bot, or someone Teams does not name
    return found


async def added(surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> None:
    deps = surface.deps
    people = _people(activity.get("membersAdded"))
    async with deps.db.begin() as session:
        for user_id, teams_id in people:
            await store.remember_member(
                session, turn.team_id, user_id, teams_id, turn.service_url, None, None, deps.now()
            )
    for channel_id in await _team_channels(surface, turn):
        for user_id, _ in people:
            program = await service.joined_channel(deps, turn.team_id, user_id, channel_id)
            if program is not None:
                await send_welcome(deps, program, user_id)


async def removed(surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> None:
    for channel_id in await _team_channels(surface, turn):
        for user_id, _ in _people(activity.get("membersRemoved")):
            await service.left_channel(surface.deps, turn.team_id, user_id, channel_id)


EVENTS = {"members_added": added, "members_removed": removed}
