"""The App Home tab: published when the person opens it, and its buttons.

Each coffee button is the matching command's use case (`bot.coffee.service`: join, leave,
resume, pause), and the Home is republished with the command's answer (the same view,
`bot.coffee.views.answers`) at its top (`_on_home`). Nothing a click carries is trusted: the
service looks program ids up in the clicker's workspace, and every button of the reviewers'
part is checked on the server (`bot.people.permissions`), click by click.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee import service as coffee
from bot.coffee.views.answers import joined_notice, left_notice, refusal_text, resumed_notice
from bot.home.ids import HomeAction, HomeView
from bot.home.slack_side import FROM_HOME, Notice, refresh_home, review_view
from bot.home.store import parse_page_value
from bot.home.views import home_pages, language_set_notice, review_list_state, review_refused_view
from bot.people.permissions import refusal
from bot.platform import trigger
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import Translator
from bot.platform.slack_values import to_id, to_offset
from bot.tips import service
from bot.tips.delivery import SlackTipEffects
from bot.tips.results import Outcome
from bot.tips.views import (
    approved_notice,
    edit_modal,
    parse_review_value,
    reject_modal,
    review_problem,
)
from handlers.coffee_profile import open_pause_modal, open_profile_modal
from handlers.payload import actor
from handlers.router import Route, action, event

log = logging.getLogger(__name__)

R = TypeVar("R")


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _modal_id(body: dict[str, Any]) -> str | None:
    """The review list modal a click came from, if it came from one opened for the clicker
    (a modal is only ever redrawn for the person it was opened for)."""
    view = _dict(body.get("view"))
    if _dict(body.get("container")).get("type") != "view" or view.get("type") != "modal":
        return None
    _, owner = review_list_state(view)
    _, user_id = actor(body)
    if view.get("callback_id") != HomeView.REVIEW or not owner or owner != user_id:
        return None
    return str(view.get("id") or "") or None


def _trigger(body: dict[str, Any]) -> str:
    return str(body.get("trigger_id") or "")


async def _slack(call: Awaitable[Any]) -> bool:
    """A views.* call whose failure (an expired trigger, a closed modal) is only logged."""
    try:
        await call
    except SlackApiError as exc:
        log.warning("Home view call failed: %s", exc.response.get("error"))
        return False
    return True


def _named(action: dict[str, Any]) -> coffee.Named:
    """The program a coffee button names (looked up in the clicker's workspace by the service)."""
    return coffee.Named(to_id(action.get("value")))


def _shown(notice: Callable[[Translator, R], str], result: R) -> Notice:
    return lambda home_t: notice(home_t, result)


async def _on_home(
    deps: Deps,
    body: dict[str, Any],
    notice: Callable[[Translator, R], str],
    use_case: Callable[..., Awaitable[R]],
    *args: Any,
) -> None:
    """Run `use_case(deps, team_id, user_id, *args)` for the clicker, then republish their Home
    with the result (rendered by `notice`) or the refusal at its top, in the Home's language."""
    team_id, user_id = actor(body)
    if not team_id or not user_id:
        return
    shown: Notice
    try:
        shown = _shown(notice, await use_case(deps, team_id, user_id, *args))
    except UserFacingError as exc:
        shown = functools.partial(refusal_text, error=exc)
    await refresh_home(deps, team_id, user_id, home_pages(body.get("view")), shown)


# ---------------------------------------------------------------------------- reviewers


async def _show_refusal(
    deps: Deps, client: AsyncWebClient, t: Translator, body: dict[str, Any], action: str
) -> None:
    """The router's `refused=` for the review buttons: told where the click came from."""
    await _tell_refused(deps, client, t, body, refusal(action))


async def _tell_refused(
    deps: Deps, client: AsyncWebClient, t: Translator, body: dict[str, Any], msgid: str
) -> None:
    """A refusal: in the modal the click came from (if it is the clicker's), else at the top of
    their Home; the list they clicked in is left as it was."""
    team_id, user_id = actor(body)
    modal = _modal_id(body)
    refused = t(msgid)
    if modal is not None and await _slack(
        client.views_update(view_id=modal, view=review_refused_view(t, refused))
    ):
        return
    await refresh_home(deps, team_id, user_id, home_pages(body.get("view")), refused)


async def _show_review(
    deps: Deps,
    client: AsyncWebClient,
    t: Translator,
    body: dict[str, Any],
    offset: int,
    notice: str | None = None,
) -> None:
    """The review list: redrawn in the modal the click came from, else opened."""
    team_id, user_id = actor(body)
    view = await review_view(deps, t, team_id, user_id, offset, notice)
    modal = _modal_id(body)
    if modal is not None:
        await _slack(client.views_update(view_id=modal, view=view))
    else:
        await trigger.open_from(client, t, body, view)


def _clicked_tip(body: dict[str, Any], action: dict[str, Any]) -> tuple[int, int]:
    """The tip a review list button names (0: unreadable) and the list's offset."""
    offset, _ = review_list_state(body.get("view"))
    tip_id, offset_in_value = parse_review_value(action.get("value"))
    return tip_id, offset_in_value if offset_in_value is not None else offset


# ---------------------------------------------------------------------------- listeners


async def home_opened(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
    if event.get("tab") != "home":
        return
    team_id = str(body.get("team_id") or event.get("team") or "")
    user_id = str(event.get("user") or "")
    if team_id and user_id:
        await refresh_home(deps, team_id, user_id)


# ------------------------------------------------------------------------ coffee


async def join(body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    await _on_home(deps, body, joined_notice, coffee.join, _named(action))


async def leave(body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    await _on_home(deps, body, left_notice, coffee.leave, _named(action))


async def resume(body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    await _on_home(deps, body, resumed_notice, coffee.resume, _named(action))


async def pause(
    body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
) -> None:
    """The welcome DM's pause modal (a date picker) for this program, if the person takes part
    in it; its submission pauses and refreshes the Home."""
    team_id, user_id = actor(body)
    if not team_id or not user_id:
        return
    try:
        program = await coffee.taking_part(deps, team_id, user_id, _named(action))
    except UserFacingError as exc:
        pages = home_pages(body.get("view"))
        await refresh_home(deps, team_id, user_id, pages, refusal_text(t, exc))
        return
    await open_pause_modal(deps, client, t, program.id, _trigger(body), user_id)


# ------------------------------------------------------------------------ profile


async def profile(body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator) -> None:
    """The `/fika profile` modal; its submission refreshes the Home (in the new language)."""
    team_id, user_id = actor(body)
    if team_id and user_id:
        await open_profile_modal(deps, client, t, team_id, user_id, _trigger(body))


async def language(body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    choice = str(_dict(action.get("selected_option")).get("value") or "")
    await _on_home(deps, body, language_set_notice, coffee.set_message_language, choice)


async def page(body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
    team_id, user_id = actor(body)
    which, offset = parse_page_value(action.get("value"))
    pages = home_pages(body.get("view")).moved(which, offset)
    await refresh_home(deps, team_id, user_id, pages)


# ------------------------------------------------------------------------ reviewers


async def review(body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator) -> None:
    """`/tips review` in a modal (the router has checked the clicker reviews)."""
    await _show_review(deps, client, t, body, 0)


async def review_page(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    t: Translator,
) -> None:
    await _show_review(deps, client, t, body, to_offset(action.get("value")) or 0)


async def review_approve(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    t: Translator,
) -> None:
    """Approve, as on the review card (the same use case): then the list is redrawn with
    the decision, or with why nothing was done, at its top."""
    team_id, user_id = actor(body)
    tip_id, offset = _clicked_tip(body, action)
    reviewed = await service.approve(deps, SlackTipEffects(deps), team_id, user_id, tip_id)
    if reviewed.outcome == Outcome.REFUSED:
        await _tell_refused(deps, client, t, body, reviewed.refusal)
        return
    if reviewed.done and reviewed.tip is not None:
        notice = approved_notice(t, reviewed.tip, deps.settings.tz)
    else:
        notice = review_problem(t, reviewed)
    await _show_review(deps, client, t, body, offset, notice)


async def review_reject_or_edit(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    deps: Deps,
    t: Translator,
) -> None:
    """Reject (asks for a reason) or Edit: the card's modal, pushed over the review list;
    its submission is handled by `handlers.tip_review`, which redraws the list."""
    team_id, user_id = actor(body)
    tip_id, offset = _clicked_tip(body, action)
    if action.get("action_id") == HomeAction.REVIEW_REJECT:
        reviewed, form = await service.to_reject(deps, team_id, user_id, tip_id), reject_modal
    else:
        reviewed, form = await service.to_edit(deps, team_id, user_id, tip_id), edit_modal
    if reviewed.outcome == Outcome.REFUSED:
        await _tell_refused(deps, client, t, body, reviewed.refusal)
        return
    if not reviewed.done or reviewed.tip is None:
        await _show_review(deps, client, t, body, offset, review_problem(t, reviewed))
        return
    meta = {"id": tip_id, "o": offset, "u": None, FROM_HOME: 1}
    push = _modal_id(body) is not None
    await trigger.open_from(client, t, body, form(t, reviewed.tip, meta), push=push)


ROUTES: list[Route] = [
    event("app_home_opened", home_opened),
    action(HomeAction.JOIN, join),
    action(HomeAction.LEAVE, leave),
    action(HomeAction.RESUME, resume),
    action(HomeAction.PAUSE, pause),
    action(HomeAction.PROFILE, profile),
    action(HomeAction.LANGUAGE, language),
    action(HomeAction.PAGE, page),
    action(HomeAction.PAGE_BACK, page),
    action(HomeAction.REVIEW, review, refused=_show_refusal),
    action(HomeAction.REVIEW_PAGE, review_page, refused=_show_refusal),
    action(HomeAction.REVIEW_PAGE_BACK, review_page, refused=_show_refusal),
    action(HomeAction.REVIEW_APPROVE, review_approve, refused=_show_refusal),
    action(HomeAction.REVIEW_REJECT, review_reject_or_edit, refused=_show_refusal),
    action(HomeAction.REVIEW_EDIT, review_reject_or_edit, refused=_show_refusal),
]
