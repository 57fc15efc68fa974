"""Joining the team of a program channel is taking part, with the welcome card in a personal
chat Fika opens; leaving the team is leaving (Slack: member_joined_channel and
member_left_channel)."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select

from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.teams.identity import local_channel, local_user
from bot.teams.validation import card_problems
from tests.snapshots import strings_in
from tests.teams_support import start_teams_app


async def _status(app: Any, program_id: int, user: Any) -> str | None:
    async with app.deps.db() as session:
        row = await session.scalar(
            select(CoffeeParticipant).where(
                CoffeeParticipant.program_id == program_id,
                CoffeeParticipant.user_id == local_user(user.aad_object_id),
            )
        )
        return row.status if row is not None else None


async def test_joining_the_team_is_taking_part_and_leaving_it_is_leaving(
    deps: Any, fake_teams: Any
) -> None:
    fake = fake_teams
    admin = fake.add_user(name="Alma Admin", locale="en-US")
    team = fake.add_team(name="Biblioteken", channels=("General", "Fika"), members=[admin])
    settings = dataclasses.replace(
        deps.settings, admin_user_ids=frozenset({local_user(admin.aad_object_id)})
    )
    async for app in start_teams_app(dataclasses.replace(deps, settings=settings), fake):
        await app.install(admin)
        status, _ = await app.send(fake.message(admin, "start", team.channel("Fika")))
        assert status == 200
        async with app.deps.db() as session:
            program = await session.scalar(
                select(CoffeeProgram).where(
                    CoffeeProgram.channel_id == local_channel(team.channel("Fika").id)
                )
            )
        assert program is not None

        eva = fake.add_user(name="Eva Ek", locale="fi-FI")  # never opened Fika herself
        status, _ = await app.send(fake.members_added_activity(admin, team, [eva]))
        assert status == 200 and app.surface.failures == []
        assert await _status(app, program.id, eva) == "active"
        (welcome,) = fake.cards(fake.personal_conversation(eva))
        assert card_problems(welcome) == []
        assert "Fika" in strings_in(welcome)

        fake.remove_member(team, eva)
        gone = fake.members_added_activity(admin, team, [])
        gone["membersRemoved"] = [{"id": eva.id, "aadObjectId": eva.aad_object_id}]
        gone.pop("membersAdded")
        gone["channelData"]["eventType"] = "teamMemberRemoved"
        status, _ = await app.send(gone)
        assert status == 200
        assert await _status(app, program.id, eva) == "left"
