"""Which chat surface carries the coffee feature's outbound messages: the one place that knows.

The rounds, the follow-ups and the welcome DM take a `bot.coffee.effects.CoffeeEffects` and,
when they are given none, ask here. A program lives on one surface, told by its `team_id`
(`bot.teams.identity.is_teams`: a Teams tenant, else a Slack workspace), so every call goes
to that surface's adapter: Slack's `bot.coffee.delivery.SlackCoffeeEffects`, or the Teams
surface's (`deps.surfaces["teams"].coffee_effects()`, bot/teamsapp/coffee_effects.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.coffee.delivery import SlackCoffeeEffects
from bot.coffee.effects import Attempts, Claim, CoffeeEffects, Delivered, MessageRef, Transient
from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.round_store import RoundSummary
from bot.coffee.schedule import Slot
from bot.coffee.views.round_failures import FailedGroup
from bot.platform.deps import Deps
from bot.teams.identity import is_teams


def coffee_effects(deps: Deps, effects: CoffeeEffects | None = None) -> CoffeeEffects:
    """`effects` when given, else the adapter of each program's surface."""
    return effects if effects is not None else SurfaceCoffeeEffects(deps)


class SurfaceCoffeeEffects:
    """Each call to the adapter of the surface the team is on."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._slack: CoffeeEffects | None = None
        self._teams: CoffeeEffects | None = None

    def _for(self, team_id: str) -> CoffeeEffects:
        if is_teams(team_id):
            if self._teams is None:
                surface = self.deps.surfaces.get("teams")
                if surface is None:
                    # A Teams program while this process serves no Teams: a later pass (or
                    # the process that does) delivers it.
                    raise Transient("the Teams surface is not running in this process")
                self._teams = surface.coffee_effects()
            return self._teams
        if self._slack is None:
            self._slack = SlackCoffeeEffects(self.deps)
        return self._slack

    async def open_group(self, team_id: str, user_ids: Sequence[str]) -> str:
        return await self._for(team_id).open_group(team_id, user_ids)

    async def deliver_intro(
        self, group: CoffeeGroup, conversation: str, program_channel: str, attempts: Attempts
    ) -> Delivered:
        out = self._for(group.team_id)
        return await out.deliver_intro(group, conversation, program_channel, attempts)

    async def ask_followup(
        self, group: CoffeeGroup, conversation: str, round_day: date, attempts: Attempts
    ) -> Delivered:
        return await self._for(group.team_id).ask_followup(group, conversation, round_day, attempts)

    async def show_answer(
        self, group: CoffeeGroup, conversation: str, message: str, round_day: date
    ) -> None:
        await self._for(group.team_id).show_answer(group, conversation, message, round_day)

    async def round_started(self, team_id: str, channel_id: str) -> MessageRef | None:
        return await self._for(team_id).round_started(team_id, channel_id)

    async def round_progress(
        self, team_id: str, progress: MessageRef, done: int, total: int
    ) -> None:
        await self._for(team_id).round_progress(team_id, progress, done, total)

    async def round_not_run(self, team_id: str, progress: MessageRef, error: str | None) -> None:
        await self._for(team_id).round_not_run(team_id, progress, error)

    async def round_summary(
        self, team_id: str, channel_id: str, progress: MessageRef | None, summary: RoundSummary
    ) -> None:
        await self._for(team_id).round_summary(team_id, channel_id, progress, summary)

    async def report_failures(
        self,
        team_id: str,
        program_channel: str,
        admins: Sequence[str],
        failed: Sequence[FailedGroup],
        claim: Claim,
    ) -> bool:
        out = self._for(team_id)
        return await out.report_failures(team_id, program_channel, admins, failed, claim)

    async def welcome(self, program: CoffeeProgram, user_id: str, next_round: Slot | None) -> bool:
        return await self._for(program.team_id).welcome(program, user_id, next_round)
