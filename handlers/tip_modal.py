"""The "share a tip" modal: opened by `/tips`, the message shortcut, a coffee break's follow-up
or a Home tab button (`open_tip_modal`), and its submission.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.home.slack_side import refresh_home
from bot.people.libraries import search as search_libraries
from bot.people.members import get_member
from bot.platform import trigger
from bot.platform.deps import Deps
from bot.platform.i18n import N_, Translator
from bot.platform.slack_values import Unreadable, decode_object
from bot.tips.delivery import post_card, thank_author
from bot.tips.ids import TipAction, TipBlock, TipView
from bot.tips.models import TipSource
from bot.tips.store import (
    FieldError,
    InvalidLibrary,
    create_tip,
    library_choices,
    prefill_from_text,
    validate_tip,
)
from bot.tips.views import library_options, tip_modal
from handlers.payload import actor
from handlers.router import Router

log = logging.getLogger(__name__)

FORM_UNREADABLE = N_(
    "This form could not be read, so the tip was not sent. Copy your text, close the form "
    "and open it again with /tips."
)

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
    view = await tip_form(
        deps,
        t,
        team_id=team_id,
        user_id=user_id,
        text=text,
        link=link,
        source=source,
        source_ref=source_ref,
    )
    return await trigger.open_modal(client, t, trigger_id, view, user_id=user_id)


async def tip_form(
    deps: Deps,
    t: Translator,
    *,
    team_id: str,
    user_id: str,
    text: str = "",
    link: str | None = None,
    source: TipSource | str = TipSource.COMMAND,
    source_ref: str | None = None,
) -> dict[str, Any]:
    """The tip form's view (database only, no Slack calls)."""
    async with deps.db() as session:
        member = await get_member(session, team_id, user_id)
        libraries = await library_choices(session, team_id)
    library_id = member.library_id if member else None
    library_other = None
    own = member.library if member is not None else None
    if own is not None and all(lib.id != own.id for lib in libraries):
        # The person typed their library themselves: offer it as free text.
        library_id = None
        library_other = own.display_name(t.locale)
    title, description = prefill_from_text(text)
    return tip_modal(
        t,
        title=title,
        description=description,
        libraries=libraries,
        library_id=library_id,
        library_other=library_other,
        link=link,
        language=t.locale,
        source=str(source),
        metadata={"s": str(source), "r": source_ref},
    )


def _value(values: dict[str, Any], block: str) -> str | None:
    entry = (values.get(block) or {}).get(TipBlock.VALUE) or {}
    if entry.get("selected_option"):
        return str(entry["selected_option"].get("value") or "")
    value = entry.get("value")
    return None if value is None else str(value)


def field_errors(
    t: Translator,
    errors: Mapping[str, FieldError],
    blocks: Mapping[str, str],
    fallback: str = TipBlock.TITLE,
) -> dict[str, str]:
    """Each field's message under its input; a field the view lacks under `fallback` (Slack
    refuses an empty `errors`, and the submission must not pass)."""
    shown: dict[str, str] = {}
    for name, error in errors.items():
        block = blocks.get(name, fallback)
        message = t(error.message, **error.params)
        shown[block] = f"{shown[block]} {message}" if block in shown else message
    return shown


def register(router: Router) -> None:
    @router.options(TipBlock.VALUE)
    async def library_suggestions(
        ack: AsyncAck, body: dict[str, Any], payload: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        """Matches for the tip form's library select when the list is too long for one menu."""
        if payload.get("block_id") != TipBlock.LIBRARY:
            await ack(options=[])
            return
        team_id, _ = actor(body)
        async with deps.db() as session:
            libraries = await library_choices(session, team_id)
        matches = search_libraries(libraries, str(payload.get("value") or ""))
        await ack(options=library_options(t, matches))

    @router.view(TipView.SUBMIT)
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
        draft, errors = validate_tip(
            title=_value(values, TipBlock.TITLE),
            description=_value(values, TipBlock.DESCRIPTION),
            category=_value(values, TipBlock.CATEGORY),
            library=_value(values, TipBlock.LIBRARY),
            library_other=_value(values, TipBlock.LIBRARY_OTHER),
            link=_value(values, TipBlock.LINK),
            language=_value(values, TipBlock.LANGUAGE),
        )
        if errors:
            await ack(response_action="errors", errors=field_errors(t, errors, blocks))
            return
        assert draft is not None
        meta = decode_object(view.get("private_metadata"))
        if isinstance(meta, Unreadable):
            # Not what we wrote: keep the form open with the text in it, and say so.
            log.info("tip form with unreadable metadata (%s)", meta.reason)
            await ack(
                response_action="errors",
                errors={blocks.get("description", TipBlock.DESCRIPTION): t(FORM_UNREADABLE)},
            )
            return
        source = str(meta.get("s") or TipSource.COMMAND.value)
        if source not in {s.value for s in TipSource}:
            source = TipSource.COMMAND.value
        source_ref = meta.get("r")
        try:
            async with deps.db.begin() as session:
                tip = await create_tip(
                    session,
                    team_id,
                    user_id,
                    draft,
                    source=source,
                    source_ref=str(source_ref) if source_ref else None,
                    now=deps.now(),
                )
                tip_id = tip.id
        except InvalidLibrary:
            message = N_("Please choose a library from the list.")
            await ack(
                response_action="errors",
                errors={blocks.get("library", TipBlock.LIBRARY_OTHER): t(message)},
            )
            return
        await ack()
        log.info("tip %s sent by %s (%s)", tip_id, user_id, source)
        await thank_author(deps, team_id, tip_id)
        await post_card(deps, team_id, tip_id)
        await refresh_home(deps, team_id, user_id)  # the tip shows there as waiting

    @router.action(TipAction.SHARE)
    async def share_button(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
    ) -> None:
        await ack()
        await open_tip_modal(
            client,
            deps,
            t,
            team_id=str((body.get("team") or {}).get("id") or body.get("user", {}).get("team_id")),
            user_id=str(body["user"]["id"]),
            trigger_id=str(body["trigger_id"]),
            source=TipSource.HOME,
        )
