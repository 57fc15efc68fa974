"""Reviewing tips: Approve / Reject (with a reason) / Edit from a review card or `/tips review`.

Every click and every submission is authorized here, on the server: a payload from someone who
is not a reviewer changes nothing and gets a polite refusal. Deciding is a conditional UPDATE,
so a double click (or two reviewers at once) decides once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.home.slack_side import after_review_submission
from bot.people.former import person
from bot.people.permissions import NOT_A_REVIEWER as NOT_A_REVIEWER  # the refusal, for tests
from bot.people.permissions import can, refusal, require
from bot.platform import trigger
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
from bot.platform.slack_values import to_id, to_offset
from bot.tips.delivery import notify_author, refresh_card
from bot.tips.ids import TipAction, TipBlock, TipView
from bot.tips.models import Tip, TipStatus
from bot.tips.store import (
    decide,
    edit_tip,
    get_tip,
    pending_page,
    validate_edit,
    validate_note,
)
from bot.tips.views import (
    REVIEW_PAGE_SIZE,
    decode_metadata,
    edit_modal,
    message_modal,
    reject_modal,
    review_list_blocks,
)
from handlers.payload import actor
from handlers.router import Router
from handlers.tip_modal import field_errors

log = logging.getLogger(__name__)

NO_SUCH_TIP = N_("I can't find that tip any more.")


def parse_value(value: object) -> tuple[int, int | None]:
    """A review button's value: "<tip id>" (card) or "<tip id>:<list offset>" (review list)."""
    tip_part, _, offset_part = str(value or "").partition(":")
    tip_id = to_id(tip_part)
    if tip_id is None:
        raise UserFacingError(NO_SUCH_TIP)
    return tip_id, to_offset(offset_part)


async def review_list(
    deps: Deps, t: Translator, team_id: str, offset: int
) -> tuple[str, list[dict[str, Any]]]:
    async with deps.db() as session:
        page = await pending_page(session, team_id, offset, REVIEW_PAGE_SIZE)
    return t("Tips waiting for review"), review_list_blocks(t, page, deps.settings.tz)


def already_decided(t: Translator, tip: Tip) -> str:
    who = person(t, tip.decided_by) if tip.decided_by else "—"
    if tip.status == TipStatus.APPROVED.value:
        return t("This tip was already approved by {who}.", who=who)
    return t("This tip was already rejected by {who}.", who=who)


async def _refresh_list(
    deps: Deps, t: Translator, team_id: str, response_url: str | None, offset: int | None
) -> None:
    """Redraw the `/tips review` list the click came from (an ephemeral message)."""
    if not response_url or offset is None:
        return
    text, blocks = await review_list(deps, t, team_id, offset)
    try:
        await AsyncWebhookClient(response_url).send(
            text=text, blocks=blocks, replace_original=True, response_type="ephemeral"
        )
    except Exception:  # the list is a convenience; the decision is already stored
        log.warning("could not refresh a review list", exc_info=True)


def _list_url(meta: dict[str, Any]) -> str | None:
    """The review list's response_url that a modal's metadata carries."""
    url = meta.get("u")
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def _ephemeral_url(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    return str(body.get("response_url") or "") or None if container.get("is_ephemeral") else None


async def _refused(
    ack: AsyncAck,
    deps: Deps,
    t: Translator,
    team_id: str,
    user_id: str,
    callback: TipView,
    block: str,
    tip_id: int,
) -> bool:
    """A review form submitted by someone the permission table refuses now: the refusal is
    shown on the form (a submission answers in its acknowledgement) and True returned."""
    if await can(deps, team_id, user_id, callback):
        return False
    log.warning("%s of tip %s refused: %s is not a reviewer", callback, tip_id, user_id)
    await ack(response_action="errors", errors={block: t(refusal(callback))})
    return True


def register(router: Router) -> None:
    @router.action(TipAction.APPROVE)
    async def approve(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        deps: Deps,
        t: Translator,
    ) -> None:
        await ack()
        team_id, user_id = actor(body)
        tip_id, offset = parse_value(action.get("value"))
        await require(deps, team_id, user_id, TipAction.APPROVE)
        async with deps.db.begin() as session:
            decision = await decide(
                session, team_id, tip_id, actor_id=user_id, approve=True, note=None, now=deps.now()
            )
        if decision is None:
            raise UserFacingError(NO_SUCH_TIP)
        await refresh_card(deps, team_id, tip_id)
        if decision.decided_now:
            await notify_author(deps, team_id, tip_id)
        else:
            await respond(
                text=already_decided(t, decision.tip),
                response_type="ephemeral",
                replace_original=False,
            )
        await _refresh_list(deps, t, team_id, _ephemeral_url(body), offset)

    @router.action(TipAction.REJECT)
    async def reject(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
        deps: Deps,
        t: Translator,
    ) -> None:
        await ack()
        team_id, user_id = actor(body)
        tip_id, offset = parse_value(action.get("value"))
        await require(deps, team_id, user_id, TipAction.REJECT)
        async with deps.db() as session:
            tip = await get_tip(session, team_id, tip_id)
        if tip is None:
            raise UserFacingError(NO_SUCH_TIP)
        if tip.status != TipStatus.PENDING.value:
            await respond(
                text=already_decided(t, tip), response_type="ephemeral", replace_original=False
            )
            return
        meta = {"id": tip_id, "o": offset, "u": _ephemeral_url(body)}
        await trigger.open_from(client, t, body, reject_modal(t, tip, meta))

    @router.view(TipView.REJECT)
    async def reject_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        team_id, user_id = actor(body)
        meta = decode_metadata(view.get("private_metadata"))
        tip_id = to_id(meta.get("id")) or 0
        if await _refused(ack, deps, t, team_id, user_id, TipView.REJECT, TipBlock.REASON, tip_id):
            return
        values = (view.get("state") or {}).get("values") or {}
        raw = ((values.get(TipBlock.REASON) or {}).get(TipBlock.VALUE) or {}).get("value")
        note, problem = validate_note(raw, required=True)
        if problem is not None:
            await ack(
                response_action="errors",
                errors={TipBlock.REASON: t(problem.message, **problem.params)},
            )
            return
        async with deps.db.begin() as session:
            decision = await decide(
                session, team_id, tip_id, actor_id=user_id, approve=False, note=note, now=deps.now()
            )
        if decision is None:
            await ack(response_action="errors", errors={TipBlock.REASON: t(NO_SUCH_TIP)})
            return
        if not decision.decided_now:
            await ack(
                response_action="update",
                view=message_modal(t, t("Reject tip"), already_decided(t, decision.tip)),
            )
            return
        await ack()
        await refresh_card(deps, team_id, tip_id)
        await notify_author(deps, team_id, tip_id)
        await _refresh_list(deps, t, team_id, _list_url(meta), to_offset(meta.get("o")))
        await after_review_submission(deps, t, team_id, user_id, view, meta, decision.tip.author_id)

    @router.action(TipAction.EDIT)
    async def edit(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        deps: Deps,
        t: Translator,
    ) -> None:
        await ack()
        team_id, user_id = actor(body)
        tip_id, offset = parse_value(action.get("value"))
        await require(deps, team_id, user_id, TipAction.EDIT)
        async with deps.db() as session:
            tip = await get_tip(session, team_id, tip_id)
        if tip is None:
            raise UserFacingError(NO_SUCH_TIP)
        meta = {"id": tip_id, "o": offset, "u": _ephemeral_url(body)}
        await trigger.open_from(client, t, body, edit_modal(t, tip, meta))

    @router.view(TipView.EDIT)
    async def edit_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        team_id, user_id = actor(body)
        meta = decode_metadata(view.get("private_metadata"))
        tip_id = to_id(meta.get("id")) or 0
        if await _refused(ack, deps, t, team_id, user_id, TipView.EDIT, TipBlock.TITLE, tip_id):
            return
        values = (view.get("state") or {}).get("values") or {}

        def value(block: str) -> str | None:
            entry = (values.get(block) or {}).get(TipBlock.VALUE) or {}
            if entry.get("selected_option"):
                return str(entry["selected_option"].get("value") or "")
            return entry.get("value")

        fields, errors = validate_edit(
            title=value(TipBlock.TITLE),
            description=value(TipBlock.DESCRIPTION),
            category=value(TipBlock.CATEGORY),
        )
        if errors:
            blocks = {
                "title": TipBlock.TITLE,
                "description": TipBlock.DESCRIPTION,
                "category": TipBlock.CATEGORY,
            }
            await ack(response_action="errors", errors=field_errors(t, errors, blocks))
            return
        assert fields is not None
        title, description, category = fields
        async with deps.db.begin() as session:
            edited = await edit_tip(
                session,
                team_id,
                tip_id,
                actor_id=user_id,
                title=title,
                description=description,
                category=category,
                now=deps.now(),
            )
        if edited is None:
            await ack(response_action="errors", errors={TipBlock.TITLE: t(NO_SUCH_TIP)})
            return
        await ack()
        _tip, changed = edited
        if changed:
            await refresh_card(deps, team_id, tip_id)
            await _refresh_list(deps, t, team_id, _list_url(meta), to_offset(meta.get("o")))
        await after_review_submission(deps, t, team_id, user_id, view, meta, _tip.author_id)

    @router.action(TipAction.REVIEW_PAGE)
    @router.action(TipAction.REVIEW_PAGE_BACK)
    async def review_page(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        deps: Deps,
        t: Translator,
    ) -> None:
        await ack()
        team_id, user_id = actor(body)
        await require(deps, team_id, user_id, TipAction.REVIEW_PAGE)
        offset = to_offset(action.get("value")) or 0
        text, blocks = await review_list(deps, t, team_id, offset)
        await respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")
