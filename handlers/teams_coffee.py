"""The coffee cards' buttons on Teams, the twins of Slack's (handlers/coffee_actions.py).

- The follow-up's "Yes, we met" / "Not this time" (`Action.Execute` verbs "coffee.met" /
  "coffee.not_met", data {"group_id": …}): `bot.coffee.followups.answer` records the first
  answer of the group and has the adapter update every member's follow-up card
  (`TeamsCoffeeEffects.show_answer`); the card the clicker gets back replaces the one they
  clicked: who answered what, and a word for them.
- The answered follow-up's "Share a tip from our chat" (dialog "coffee.tip", data
  {"group_id": …}): for the group's people only, it counts as having met and records the wish
  to share (as Slack's button does), then opens the tip form (the same as `tips new`'s, sent to
  "tips.form" on Save) with the coffee group as the tip's source.
- The welcome card's Leave ("coffee.leave", data {"program_id": …}):
  `bot.coffee.service.leave_from_welcome`, as Slack's welcome button. Its profile and break
  buttons open handlers/teams_people.py's dialogs ("profile", "pause").

Every button acts for the person who clicked (the ids of the signed activity), on their own
membership only: the use cases refuse a program or a group that is not theirs.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.coffee import round_store as rounds_db
from bot.coffee import service
from bot.coffee.followups import answer, standing
from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.programs import next_round
from bot.coffee.round_store import MET, NOT_MET
from bot.coffee.views.answers import followup_refusal, left_notice, refusal_text
from bot.platform.dates import local
from bot.platform.errors import UserFacingError
from bot.teams.cards.coffee import (
    LEAVE_VERB,
    MET_VERB,
    NOT_MET_VERB,
    TIP_DIALOG,
    answer_notice,
    followup_card,
)
from bot.teams.cards.home import program_named
from bot.teams.cards.tips import tip_form_card
from bot.teamsapp.coffee_effects import TeamsCoffeeEffects
from bot.teamsapp.invoke import dialog, dialog_message, message_answer
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn
from bot.tips import service as tips_service
from bot.tips.models import TipSource
from handlers.teams_home import card_translator, update_home
from handlers.teams_tips import submit_form

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


async def leave(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """The welcome card's Leave: the clicker leaves the program the card is about (refused
    when it is not theirs or has ended: the card stays, with a word); left, the welcome card
    comes back saying so, without the buttons that no longer apply, and the home card too."""
    t = await surface.translator(turn.team_id, turn.user_id)
    if turn.user_id is None:
        return message_answer(followup_refusal(t, "not_found"))
    deps = surface.deps
    shown = await card_translator(surface, turn.team_id, turn.user_id)
    try:
        left = await service.leave_from_welcome(
            deps, turn.team_id, turn.user_id, program_named(data)
        )
    except UserFacingError as exc:
        return message_answer(refusal_text(shown, exc))
    notice = left_notice(shown, left)
    await update_home(surface, turn.team_id, turn.user_id, notice=notice)
    [program] = left.programs
    async with deps.db() as session:
        nxt = await next_round(session, program, deps.now())
    _, card = await TeamsCoffeeEffects(surface).welcome_card(
        t, program, nxt, notice=notice, left=True
    )
    return card


async def share_tip(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """task/fetch of the answered follow-up's "Share a tip from our chat": as Slack's button,
    for the group's people only; it counts as having met and shows the wish on every member's
    card, then the tip form opens (source: the coffee group), prefilled as Slack's."""
    t = await surface.translator(turn.team_id, turn.user_id)
    group_id = group_id_of(data)
    if group_id is None or turn.user_id is None:
        return dialog_message(followup_refusal(t, "not_found"))
    status = await standing(surface.deps, group_id, turn.user_id)
    if status != "member":
        return dialog_message(followup_refusal(t, status))
    await answer(
        surface.deps,
        group_id,
        turn.user_id,
        MET,
        tip_wish=True,
        effects=TeamsCoffeeEffects(surface),
    )
    form = await tips_service.tip_form(
        surface.deps,
        turn.team_id,
        turn.user_id,
        source=TipSource.COFFEE,
        source_ref=str(group_id),
    )
    return dialog(t("Share a tip"), tip_form_card(t, form), width="large")


VERBS = {MET_VERB: met, NOT_MET_VERB: not_met, LEAVE_VERB: leave}
# The form's Save goes to "tips.form" (handlers/teams_tips.py); a submit that names this
# dialog is handled the same.
DIALOGS = {TIP_DIALOG: (share_tip, submit_form)}
