"""The App Home tab: published when the person opens it, and its buttons.

Each button does what the matching command does, through the same functions and with the same
checks, and then republishes the Home with the command's answer at the top. Nothing a click
carries is trusted: program ids are looked up in the clicker's workspace, and every button of
the reviewers' part is checked on the server (`bot.people.permissions`), click by click.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee.enrolment import join_program, leave_programs, programs_of, resume_programs
from bot.coffee.models import CoffeeProgram
from bot.coffee.service import NOT_IN_A_PROGRAM
from bot.home.ids import HomeAction, HomeView
from bot.home.slack_side import FROM_HOME, Notice, refresh_home, review_view
from bot.home.store import parse_page_value, set_message_language
from bot.home.views import home_pages, review_list_state, review_refused_view
from bot.people.permissions import refusal
from bot.platform import trigger
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
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
from handlers.router import Router

log = logging.getLogger(__name__)

PROGRAM_ENDED = N_("This coffee-break program has ended.")
LANGUAGE_SET = N_("Done! Fika now writes to you in {language}.")


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


async def _on_home(
    deps: Deps,
    t: Translator,
    body: dict[str, Any],
    work: Callable[[str, str], Awaitable[Notice]],
) -> None:
    """Do `work(team_id, user_id)` and republish the Home with its answer (or the refusal)."""
    team_id, user_id = actor(body)
    if not team_id or not user_id:
        return
    notice: Notice
    try:
        notice = await work(team_id, user_id)
    except UserFacingError as exc:
        notice = t(exc.message, **exc.params)
    await refresh_home(deps, team_id, user_id, home_pages(body.get("view")), notice)


async def _program(deps: Deps, team_id: str, value: object) -> CoffeeProgram:
    """The running program a button names, in the clicker's workspace."""
    program_id = to_id(value)
    async with deps.db() as session:
        program = await session.get(CoffeeProgram, program_id) if program_id else None
    if program is None or program.team_id != team_id or not program.active:
        raise UserFacingError(PROGRAM_ENDED)
    return program


async def _taking_part(deps: Deps, team_id: str, user_id: str, program: CoffeeProgram) -> None:
    """Pause and Leave apply to programs the person is in, as `/fika pause` and `/fika leave`."""
    if all(p.id != program.id for p in await programs_of(deps, team_id, user_id)):
        raise UserFacingError(NOT_IN_A_PROGRAM)


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


def register(router: Router) -> None:
    @router.event("app_home_opened")
    async def home_opened(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
        if event.get("tab") != "home":
            return
        team_id = str(body.get("team_id") or event.get("team") or "")
        user_id = str(event.get("user") or "")
        if team_id and user_id:
            await refresh_home(deps, team_id, user_id)

    # -------------------------------------------------------------------- coffee

    @router.action(HomeAction.JOIN)
    async def join(body: dict[str, Any], action: dict[str, Any], deps: Deps, t: Translator) -> None:

        async def work(team_id: str, user_id: str) -> Notice:
            program = await _program(deps, team_id, action.get("value"))
            return await join_program(deps, t, user_id, program)

        await _on_home(deps, t, body, work)

    @router.action(HomeAction.LEAVE)
    async def leave(
        body: dict[str, Any], action: dict[str, Any], deps: Deps, t: Translator
    ) -> None:

        async def work(team_id: str, user_id: str) -> Notice:
            program = await _program(deps, team_id, action.get("value"))
            await _taking_part(deps, team_id, user_id, program)
            return await leave_programs(deps, t, user_id, [program])

        await _on_home(deps, t, body, work)

    @router.action(HomeAction.RESUME)
    async def resume(
        body: dict[str, Any], action: dict[str, Any], deps: Deps, t: Translator
    ) -> None:

        async def work(team_id: str, user_id: str) -> Notice:
            program = await _program(deps, team_id, action.get("value"))
            return await resume_programs(deps, t, team_id, user_id, program_id=program.id)

        await _on_home(deps, t, body, work)

    @router.action(HomeAction.PAUSE)
    async def pause(
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        deps: Deps,
        t: Translator,
    ) -> None:
        """The welcome DM's pause modal (a date picker) for this program; its submission
        pauses and refreshes the Home."""
        team_id, user_id = actor(body)
        if not team_id or not user_id:
            return
        try:
            program = await _program(deps, team_id, action.get("value"))
            await _taking_part(deps, team_id, user_id, program)
        except UserFacingError as exc:
            notice = t(exc.message, **exc.params)
            await refresh_home(deps, team_id, user_id, home_pages(body.get("view")), notice)
            return
        await open_pause_modal(deps, client, t, program.id, _trigger(body), user_id)

    # -------------------------------------------------------------------- profile

    @router.action(HomeAction.PROFILE)
    async def profile(
        body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
    ) -> None:
        """The `/fika profile` modal; its submission refreshes the Home (in the new language)."""
        team_id, user_id = actor(body)
        if team_id and user_id:
            await open_profile_modal(deps, client, t, team_id, user_id, _trigger(body))

    @router.action(HomeAction.LANGUAGE)
    async def language(
        body: dict[str, Any], action: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        choice = str(_dict(action.get("selected_option")).get("value") or "")

        async def work(team_id: str, user_id: str) -> Notice:
            async with deps.db.begin() as session:
                locale = await set_message_language(
                    session, team_id, user_id, choice, deps.settings.default_locale
                )
            # Said in the new language: the Home is drawn in it.
            return lambda new_t: "✅ " + new_t(LANGUAGE_SET, language=new_t.language_name(locale))

        await _on_home(deps, t, body, work)

    @router.action(HomeAction.PAGE)
    @router.action(HomeAction.PAGE_BACK)
    async def page(body: dict[str, Any], action: dict[str, Any], deps: Deps) -> None:
        team_id, user_id = actor(body)
        which, offset = parse_page_value(action.get("value"))
        pages = home_pages(body.get("view")).moved(which, offset)
        await refresh_home(deps, team_id, user_id, pages)

    # -------------------------------------------------------------------- reviewers

    @router.action(HomeAction.REVIEW, refused=_show_refusal)
    async def review(
        body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
    ) -> None:
        """`/tips review` in a modal (the router has checked the clicker reviews)."""
        await _show_review(deps, client, t, body, 0)

    @router.action(HomeAction.REVIEW_PAGE, refused=_show_refusal)
    @router.action(HomeAction.REVIEW_PAGE_BACK, refused=_show_refusal)
    async def review_page(
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        deps: Deps,
        t: Translator,
    ) -> None:
        await _show_review(deps, client, t, body, to_offset(action.get("value")) or 0)

    @router.action(HomeAction.REVIEW_APPROVE, refused=_show_refusal)
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

    @router.action(HomeAction.REVIEW_REJECT, refused=_show_refusal)
    @router.action(HomeAction.REVIEW_EDIT, refused=_show_refusal)
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
