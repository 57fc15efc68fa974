"""The "share a tip" modal: opened by `/tips`, the message shortcut, a coffee break's follow-up
or a Home tab button (`open_tip_modal`), and its submission.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import trigger
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.platform.slack_values import Unreadable, decode_object
from bot.tips import service
from bot.tips.delivery import SlackTipEffects
from bot.tips.ids import TipAction, TipBlock, TipView
from bot.tips.models import TipSource
from bot.tips.results import TipForm
from bot.tips.views import FORM_UNREADABLE, field_errors, library_options, tip_form_modal
from handlers.payload import actor
from handlers.router import Route, action, options, view

log = logging.getLogger(__name__)

# Where each validated field's error is shown in the modal.
FIELD_BLOCKS = {
    "title": TipBlock.TITLE,
    "description": TipBlock.DESCRIPTION,
    "category": TipBlock.CATEGORY,
    "library": TipBlock.LIBRARY,
    "library_other": TipBlock.LIBRARY_OTHER,
    "link": TipBlock.LINK,
    "language": TipBlock.LANGUAGE,
}


async def open_tip_modal(
    client: AsyncWebClient,
    deps: Deps,
    t: Translator,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    text: str = "",
    link: str | None = None,
    source: TipSource | str = TipSource.COMMAND,
    source_ref: str | None = None,
) -> dict[str, Any] | None:
    """Open the tip form for `user_id`, prefilled from `text` (first sentence as the title);
    the opened view, or None when it could not open (the person was told).

    `source` is recorded with the tip (command, shortcut, coffee, home); `source_ref` is the
    message's permalink or the coffee group's id. Call within 3 s of the click (trigger_id).
    """
    form = await service.tip_form(
        deps, team_id, user_id, text=text, link=link, source=source, source_ref=source_ref
    )
    return await open_form(client, t, trigger_id, user_id, form)


async def open_form(
    client: AsyncWebClient, t: Translator, trigger_id: str, user_id: str, form: TipForm
) -> dict[str, Any] | None:
    """Open a prepared tip form (`bot.tips.service.tip_form`); None when it could not open."""
    return await trigger.open_modal(client, t, trigger_id, tip_form_modal(t, form), user_id=user_id)


def _value(values: dict[str, Any], block: str) -> str | None:
    entry = (values.get(block) or {}).get(TipBlock.VALUE) or {}
    if entry.get("selected_option"):
        return str(entry["selected_option"].get("value") or "")
    value = entry.get("value")
    return None if value is None else str(value)


async def library_suggestions(
    ack: AsyncAck, body: dict[str, Any], payload: dict[str, Any], deps: Deps, t: Translator
) -> None:
    """Matches for the tip form's library select when the list is too long for one menu."""
    if payload.get("block_id") != TipBlock.LIBRARY:
        await ack(options=[])
        return
    team_id, _ = actor(body)
    matches = await service.library_matches(deps, team_id, str(payload.get("value") or ""))
    await ack(options=library_options(t, matches))


async def submit(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    team_id = team_id or str(view.get("team_id") or "")
    values = (view.get("state") or {}).get("values") or {}
    shown_blocks = {str(b.get("block_id")) for b in view.get("blocks") or []}
    blocks = {k: v for k, v in FIELD_BLOCKS.items() if v in shown_blocks}
    if TipBlock.LIBRARY not in shown_blocks:
        blocks["library"] = TipBlock.LIBRARY_OTHER
    meta = decode_object(view.get("private_metadata"))
    if isinstance(meta, Unreadable):  # not what we wrote
        log.info("tip form with unreadable metadata (%s)", meta.reason)
    readable = {} if isinstance(meta, Unreadable) else meta
    source_ref = readable.get("r")
    shared = await service.share(
        deps,
        SlackTipEffects(deps),
        team_id,
        user_id,
        {name: _value(values, block) for name, block in FIELD_BLOCKS.items()},
        source=None if isinstance(meta, Unreadable) else str(meta.get("s") or TipSource.COMMAND),
        source_ref=str(source_ref) if source_ref else None,
    )
    if shared.errors:
        await ack(response_action="errors", errors=field_errors(t, shared.errors, blocks))
    elif shared.unreadable:  # keep the form open with the text in it, and say so
        description = blocks.get("description", TipBlock.DESCRIPTION)
        await ack(response_action="errors", errors={description: t(FORM_UNREADABLE)})
    else:
        await ack()


async def share_button(
    body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    trigger_id = str(body.get("trigger_id") or "")
    await open_tip_modal(
        client,
        deps,
        t,
        team_id=team_id,
        user_id=user_id,
        trigger_id=trigger_id,
        source=TipSource.HOME,
    )


ROUTES: list[Route] = [
    options(TipBlock.VALUE, library_suggestions),
    view(TipView.SUBMIT, submit),
    action(TipAction.SHARE, share_button),
]
