"""Buttons of coffee breaks: the welcome DM (profile, break, leave) and the follow-up."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee import service
from bot.coffee.followups import answer, standing
from bot.coffee.ids import Coffee
from bot.coffee.round_store import MET, NOT_MET
from bot.coffee.views.answers import followup_answer_notice, followup_refusal, left_notice
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.platform.slack_values import to_id
from bot.tips.models import TipSource
from handlers.coffee_profile import open_pause_modal, open_profile_modal
from handlers.payload import actor
from handlers.router import Route, action
from handlers.tip_modal import open_tip_modal


def _container(body: dict[str, Any]) -> tuple[str | None, str | None]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return channel, container.get("message_ts")


async def _tell(respond: AsyncRespond, text: str) -> None:
    await respond(text=text, response_type="ephemeral", replace_original=False)


async def _followup_click(
    deps: Deps,
    t: Translator,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    outcome: str,
    tip_wish: bool = False,
) -> None:
    _, user_id = actor(body)
    group_id = to_id(action.get("value"))
    if group_id is None:
        return
    channel, ts = _container(body)
    result = await answer(
        deps, group_id, user_id, outcome, tip_wish=tip_wish, channel_id=channel, message_ts=ts
    )
    await _tell(respond, followup_answer_notice(t, result, outcome, tip_wish=tip_wish))


async def welcome_profile(
    body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    await open_profile_modal(deps, client, t, team_id, user_id, str(body.get("trigger_id")))


async def welcome_pause(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    t: Translator,
) -> None:
    _, user_id = actor(body)
    await open_pause_modal(
        deps, client, t, to_id(action.get("value")), str(body.get("trigger_id")), user_id
    )


async def welcome_leave(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    t: Translator,
) -> None:
    team_id, user_id = actor(body)
    program_id = to_id(action.get("value"))
    left = await service.leave_from_welcome(deps, team_id, user_id, program_id)
    await _tell(respond, left_notice(t, left))


_OUTCOMES = {Coffee.FOLLOWUP_MET: MET, Coffee.FOLLOWUP_NOT_MET: NOT_MET}


async def followup_answered(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    t: Translator,
) -> None:
    """The follow-up's "we met" or "we didn't": which one is the button's action_id."""
    await _followup_click(deps, t, body, action, respond, _OUTCOMES[action["action_id"]])


async def followup_share_tip(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    deps: Deps,
    t: Translator,
) -> None:
    # The tip form opens first (body["trigger_id"] lives 3 s), for the group's people only.
    team_id, user_id = actor(body)
    group_id = to_id(action.get("value"))
    if group_id is None:
        return
    status = await standing(deps, group_id, user_id)
    if status != "member":
        await _tell(respond, followup_refusal(t, status))
        return
    await open_tip_modal(
        client,
        deps,
        t,
        team_id=team_id,
        user_id=user_id,
        trigger_id=str(body.get("trigger_id")),
        source=TipSource.COFFEE,
        source_ref=str(group_id),
    )
    # Sharing a tip from the chat counts as having met.
    await _followup_click(deps, t, body, action, respond, MET, tip_wish=True)


ROUTES: list[Route] = [
    action(Coffee.WELCOME_PROFILE, welcome_profile),
    action(Coffee.WELCOME_PAUSE, welcome_pause),
    action(Coffee.WELCOME_LEAVE, welcome_leave),
    action(Coffee.FOLLOWUP_MET, followup_answered),
    action(Coffee.FOLLOWUP_NOT_MET, followup_answered),
    action(Coffee.FOLLOWUP_SHARE_TIP, followup_share_tip),
]
