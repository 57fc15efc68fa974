"""Personal data: `/fika my-data`, `/fika forget-me` and its buttons, an admin's
`/fika forget @person` (an erasure request for someone else, e.g. a colleague who has left),
deactivated accounts (`user_change`) and an uninstalled app (`app_uninstalled`,
`tokens_revoked`). The use cases are `bot.privacy.service`'s; here: read the payload, call it,
render its result with `bot.privacy.views`, send it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.privacy import service
from bot.privacy.ids import PrivacyAction
from bot.privacy.results import Asked, Forgot, Problem
from bot.privacy.service import person_argument as person_argument  # for tests
from bot.privacy.slack_side import SlackPrivacyEffects
from bot.privacy.views import (
    cancelled_text,
    confirmation_value,
    forget_confirmation,
    forget_other_confirmation,
    forgotten_other_text,
    forgotten_text,
    my_data_blocks,
    parse_confirmation,
    problem_text,
)
from handlers.payload import actor
from handlers.router import Route, action, event
from handlers.slash import CommandRequest

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- commands


async def my_data_command(req: CommandRequest) -> None:
    await req.ack()
    data = await service.my_data(req.deps, req.team_id, req.user_id)
    settings = req.deps.settings
    await req.reply(*my_data_blocks(req.t, data, settings.tz, settings.history_retention_days))


async def forget_me_command(req: CommandRequest) -> None:
    await _ask(req, service.ask_forget_me(req.deps, req.user_id))


async def forget_command(req: CommandRequest) -> None:
    """An admin's `/fika forget @person` (checked by `dispatch`): ask to confirm first."""
    await _ask(req, service.ask_forget(req.deps, req.user_id, req.text))


async def _ask(req: CommandRequest, asked: Asked) -> None:
    confirmation = asked.confirmation
    if confirmation is None:
        await req.reply(problem_text(req.t, asked.problem or Problem.NO_PERSON))
    elif confirmation.subject == req.user_id:  # forget-me
        await req.reply(*forget_confirmation(req.t, confirmation_value(confirmation)))
    else:
        value = confirmation_value(confirmation)
        await req.reply(*forget_other_confirmation(req.t, confirmation.subject, value))


# ---------------------------------------------------------------------------- buttons


async def _answer(respond: AsyncRespond, t: Translator, forgot: Forgot, done: str) -> None:
    if forgot.problem is not None:  # the confirmation stays; nothing was deleted
        text = problem_text(t, forgot.problem)
        await respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        await respond(text=done, response_type="ephemeral", replace_original=True)


async def confirm(
    body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    subject, issued = parse_confirmation(action.get("value"))
    effects = SlackPrivacyEffects(deps, t)  # `t` read now: their language is forgotten too
    forgot = await service.forget_me(deps, effects, team_id, user_id, subject, issued)
    await _answer(respond, t, forgot, forgotten_text(t, forgot.channels))


async def confirm_other(
    body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, deps: Deps, t: Translator
) -> None:
    # The router has checked that the clicker is an admin now (and the service does again):
    # the button's value only names whom the admin confirmed, it grants nothing.
    team_id, user_id = actor(body)
    subject, issued = parse_confirmation(action.get("value"))
    effects = SlackPrivacyEffects(deps, t)
    forgot = await service.forget_other(deps, effects, team_id, user_id, subject, issued)
    await _answer(respond, t, forgot, forgotten_other_text(t, subject, forgot.changed))


async def cancel(respond: AsyncRespond, t: Translator) -> None:
    await respond(text=cancelled_text(t), response_type="ephemeral", replace_original=True)


# ---------------------------------------------------------------------------- events


async def user_change(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    user = event.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return
    team_id = str(user.get("team_id") or body.get("team_id") or "")
    await service.account_changed(deps, team_id, user)


async def app_uninstalled(body: dict[str, Any], deps: Deps, t: Translator) -> None:
    team_id = str(body.get("team_id") or "")
    await service.uninstalled(deps, SlackPrivacyEffects(deps, t), team_id, "app_uninstalled")


async def tokens_revoked(
    body: dict[str, Any], event: dict[str, Any], deps: Deps, t: Translator
) -> None:
    tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
    assert isinstance(tokens, dict)
    user_tokens = tokens.get("oauth") if isinstance(tokens.get("oauth"), list) else []
    bot_tokens = tokens.get("bot") if isinstance(tokens.get("bot"), list) else []
    await service.tokens_revoked(
        deps,
        SlackPrivacyEffects(deps, t),
        str(body.get("team_id") or ""),
        user_tokens=len(user_tokens or []),
        bot_tokens=len(bot_tokens or []),
    )


ROUTES: list[Route] = [
    action(PrivacyAction.FORGET_CONFIRM, confirm),
    action(PrivacyAction.FORGET_OTHER_CONFIRM, confirm_other),
    action(PrivacyAction.FORGET_CANCEL, cancel),
    event("user_change", user_change),
    event("app_uninstalled", app_uninstalled),
    event("tokens_revoked", tokens_revoked),
]
