"""The coffee follow-up's answers on Teams: the card's "Yes, we met" / "Not this time"
(`Action.Execute` verbs "coffee.met" / "coffee.not_met", data {"group_id": …}).

The same use case as Slack's follow-up buttons (handlers/coffee_actions.py):
`bot.coffee.followups.answer` records the first answer of the group and has the adapter update
every member's follow-up card (`TeamsCoffeeEffects.show_answer`); the card the clicker gets
back replaces the one they clicked: who answered what, and a word for them.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.coffee import round_store as rounds_db
from bot.coffee.followups import answer
from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.round_store import MET, NOT_MET
from bot.coffee.views.answers import followup_refusal
from bot.platform.dates import local
from bot.teams.cards.coffee import MET_VERB, NOT_MET_VERB, answer_notice, followup_card
from bot.teamsapp.coffee_effects import TeamsCoffeeEffects
from bot.teamsapp.invoke import message_answer
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn

MAX_ID = 2**63 - 1


def group_id_of(data: dict[str, Any]) -> int | None:
    """The card's group id: 42 or "42"; anything else (text, booleans, ≤ 0, huge) → None."""
    value = data.get("group_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


async def _round_day(surface: TeamsSurface, group: CoffeeGroup) -> date:
    async with surface.deps.db() as session:
        round_ = await rounds_db.get_round(session, group.round_id)
        assert round_ is not None
        program = await session.get(CoffeeProgram, round_.program_id)
    tz = ZoneInfo(program.tz if program else surface.deps.settings.timezone)
    return local(round_.scheduled_for, tz).date()


async def _answered(
    surface: TeamsSurface, turn: Turn, data: dict[str, Any], outcome: str
) -> dict[str, Any]:
    t = await surface.translator(turn.team_id, turn.user_id)
    group_id = group_id_of(data)
    if group_id is None or turn.user_id is None:
        return message_answer(followup_refusal(t, "not_found"))
    effects = TeamsCoffeeEffects(surface)
    result = await answer(surface.deps, group_id, turn.user_id, outcome, effects=effects)
    group = result.group
    if result.status in ("not_found", "not_member") or group is None:
        return message_answer(followup_refusal(t, result.status))  # the card stays
    shown = await effects.card_people(
        group.team_id, [u for u in (group.answered_by, group.tip_wish_by) if u]
    )
    answered_by = shown.get(group.answered_by or "")
    _, card = followup_card(
        t,
        group.id,
        await _round_day(surface, group),
        outcome=group.outcome,
        answered_by=answered_by,
        tip_wish_by=shown.get(group.tip_wish_by or ""),
        notice=answer_notice(t, result.status == "won", outcome, group.outcome, answered_by),
    )
    return card


async def met(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    return await _answered(surface, turn, data, MET)


async def not_met(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    return await _answered(surface, turn, data, NOT_MET)


VERBS = {MET_VERB: met, NOT_MET_VERB: not_met}
