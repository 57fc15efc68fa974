"""Reviewing tips: Approve / Reject (with a reason) / Edit from a review card or `/tips review`.

The use cases are `bot.tips.service`'s (the Home's review list calls the same ones): every click
and every submission is authorized there, on the server, so a payload from someone who is not a
reviewer changes nothing and gets a polite refusal; a double click decides once. Here: read the
payload, call the service, render its result with `bot.tips.views`, send it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.home.slack_side import redraw_review_list
from bot.people.permissions import NOT_A_REVIEWER as NOT_A_REVIEWER  # the refusal, for tests
from bot.platform import trigger
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.platform.slack_values import to_id, to_offset
from bot.tips import service
from bot.tips.delivery import SlackTipEffects
from bot.tips.ids import TipAction, TipBlock, TipView
from bot.tips.results import Outcome, Reviewed
from bot.tips.slack_side import replace_message
from bot.tips.views import (
    REVIEW_PAGE_SIZE,
    decode_metadata,
    edit_modal,
    field_errors,
    parse_review_value,
    reject_closed_modal,
    reject_modal,
    review_list_blocks,
    review_list_title,
    review_problem,
)
from handlers.payload import actor
from handlers.router import Route, action, view

log = logging.getLogger(__name__)


async def review_list(
    deps: Deps, t: Translator, team_id: str, user_id: str, offset: int
) -> tuple[str, list[dict[str, Any]]]:
    """The `/tips review` list (a page) as `user_id`, a reviewer, sees it."""
    page = await service.review_queue(deps, team_id, user_id, offset, REVIEW_PAGE_SIZE)
    return review_list_title(t), review_list_blocks(t, page, deps.settings.tz)


async def _refresh_list(
    deps: Deps,
    t: Translator,
    team_id: str,
    user_id: str,
    response_url: str | None,
    offset: int | None,
) -> None:
    """Redraw the `/tips review` list the click came from (an ephemeral message)."""
    if not response_url or offset is None:
        return
    text, blocks = await review_list(deps, t, team_id, user_id, offset)
    await replace_message(response_url, text, blocks)  # never fails: the list is a convenience


def _list_url(meta: dict[str, Any]) -> str | None:
    """The review list's response_url that a modal's metadata carries."""
    url = meta.get("u")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def _ephemeral_url(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    return str(body.get("response_url") or "") or None if container.get("is_ephemeral") else None


def _input(view: dict[str, Any], block: str) -> str | None:
    """A submitted form's value in `block` (a text input or a select)."""
    values = (view.get("state") or {}).get("values") or {}
    entry = (values.get(block) or {}).get(TipBlock.VALUE) or {}
    if entry.get("selected_option"):
        return str(entry["selected_option"].get("value") or "")
    value = entry.get("value")
    return None if value is None else str(value)


async def _answer_form(
    ack: AsyncAck, t: Translator, reviewed: Reviewed, blocks: Mapping[str, str], first: str
) -> bool:
    """A review form's answer when it did not go through (shown on the form); True then."""
    if reviewed.outcome == Outcome.INVALID:
        await ack(response_action="errors", errors=field_errors(t, reviewed.errors, blocks))
    elif reviewed.outcome == Outcome.ALREADY_DECIDED and reviewed.tip is not None:
        await ack(response_action="update", view=reject_closed_modal(t, reviewed.tip))
    elif not reviewed.done:
        await ack(response_action="errors", errors={first: review_problem(t, reviewed)})
    return not reviewed.done


def _clicked(body: dict[str, Any], action: dict[str, Any]) -> tuple[str, str, int, int | None]:
    """(team, clicker, tip, review list offset) of a review button."""
    team_id, user_id = actor(body)
    tip_id, offset = parse_review_value(action.get("value"))
    return team_id, user_id, tip_id, offset


async def _say_why(respond: AsyncRespond, t: Translator, reviewed: Reviewed) -> None:
    """Why a click did nothing, to the clicker only."""
    text = review_problem(t, reviewed)
    await respond(text=text, response_type="ephemeral", replace_original=False)


async def approve(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    t: Translator,
) -> None:
    team_id, user_id, tip_id, offset = _clicked(body, action)
    reviewed = await service.approve(deps, SlackTipEffects(deps), team_id, user_id, tip_id)
    if not reviewed.done:
        await _say_why(respond, t, reviewed)
    if reviewed.tip is not None:  # approved now or before: the list shows it gone
        await _refresh_list(deps, t, team_id, user_id, _ephemeral_url(body), offset)


async def reject_or_edit(
    body: dict[str, Any],
    action: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    deps: Deps,
    t: Translator,
) -> None:
    """The reason form (Reject) or the edit form, for the tip the card's button names."""
    team_id, user_id, tip_id, offset = _clicked(body, action)
    if action.get("action_id") == TipAction.REJECT:
        reviewed, form = await service.to_reject(deps, team_id, user_id, tip_id), reject_modal
    else:
        reviewed, form = await service.to_edit(deps, team_id, user_id, tip_id), edit_modal
    if reviewed.tip is None or not reviewed.done:
        await _say_why(respond, t, reviewed)
        return
    meta = {"id": reviewed.tip.id, "o": offset, "u": _ephemeral_url(body)}
    await trigger.open_from(client, t, body, form(t, reviewed.tip, meta))


async def reject_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    meta = decode_metadata(view.get("private_metadata"))
    tip_id = to_id(meta.get("id")) or 0
    reason = _input(view, TipBlock.REASON)
    effects = SlackTipEffects(deps)
    reviewed = await service.reject(deps, effects, team_id, user_id, tip_id, reason)
    blocks = {"reason": TipBlock.REASON}
    if await _answer_form(ack, t, reviewed, blocks, TipBlock.REASON):
        return
    await ack()
    await _refresh_list(deps, t, team_id, user_id, _list_url(meta), to_offset(meta.get("o")))
    await redraw_review_list(deps, t, team_id, user_id, view, meta)


async def edit_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    meta = decode_metadata(view.get("private_metadata"))
    tip_id = to_id(meta.get("id")) or 0
    reviewed = await service.edit(
        deps,
        SlackTipEffects(deps),
        team_id,
        user_id,
        tip_id,
        title=_input(view, TipBlock.TITLE),
        description=_input(view, TipBlock.DESCRIPTION),
        category=_input(view, TipBlock.CATEGORY),
    )
    blocks = {
        "title": TipBlock.TITLE,
        "description": TipBlock.DESCRIPTION,
        "category": TipBlock.CATEGORY,
    }
    if await _answer_form(ack, t, reviewed, blocks, TipBlock.TITLE):
        return
    await ack()
    if reviewed.changed:
        await _refresh_list(deps, t, team_id, user_id, _list_url(meta), to_offset(meta.get("o")))
    await redraw_review_list(deps, t, team_id, user_id, view, meta)


async def review_page(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    t: Translator,
) -> None:
    team_id, user_id = actor(body)  # a reviewer: the router checked before this runs
    offset = to_offset(action.get("value")) or 0
    text, blocks = await review_list(deps, t, team_id, user_id, offset)
    await respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")


ROUTES: list[Route] = [
    action(TipAction.APPROVE, approve),
    action(TipAction.REJECT, reject_or_edit),
    action(TipAction.EDIT, reject_or_edit),
    view(TipView.REJECT, reject_submitted),
    view(TipView.EDIT, edit_submitted),
    action(TipAction.REVIEW_PAGE, review_page),
    action(TipAction.REVIEW_PAGE_BACK, review_page),
]
