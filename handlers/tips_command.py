"""`/tips …`: good-practice tips commands.

`/tips` and `/tips <text>` open the tip form; `search`, `latest`, `mine` list tips (paged);
`review`, `export` are for reviewers; `setup review|digest` for admins.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.kwargs_injection.async_args import AsyncArgs

from bot.people.permissions import NOT_AN_ADMIN as NOT_AN_ADMIN  # the refusal, for tests
from bot.platform.commands import fold
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import Translator
from bot.platform.slack_text import escape
from bot.platform.slack_values import object_or_empty, to_offset
from bot.tips import digest as tip_digest
from bot.tips import export as tip_export
from bot.tips import service
from bot.tips.commands import OFF_WORDS, SETUP_DIGEST, SETUP_REVIEW, TIPS
from bot.tips.delivery import SlackTipEffects
from bot.tips.ids import TipAction
from bot.tips.models import TipSource
from bot.tips.slack_side import SlackTipChannels, send_file
from bot.tips.views import (
    LIST_PAGE_SIZE,
    SETUP_SCHEDULE_UNCLEAR,
    SETUP_WHICH,
    digest_setup_text,
    digest_stopped,
    export_comment,
    export_empty,
    export_sent,
    export_title,
    review_setup_text,
    tip_list_message,
    tips_settings_text,
)
from handlers.payload import actor
from handlers.router import Route, action, command
from handlers.slash import CommandRequest, SubcommandHandler, dispatch, show_help
from handlers.tip_modal import open_tip_modal
from handlers.tip_review import review_list

log = logging.getLogger(__name__)


async def _help(req: CommandRequest) -> None:
    await show_help(req, TIPS, unknown_word=None)


async def _open_form(req: CommandRequest, text: str) -> None:
    await req.ack()
    await open_tip_modal(
        req.client,
        req.deps,
        req.t,
        team_id=req.team_id,
        user_id=req.user_id,
        trigger_id=req.trigger_id,
        text=text,
        source=TipSource.COMMAND,
    )


async def _new(req: CommandRequest) -> None:
    await _open_form(req, req.text)


async def _form_with_whole_text(req: CommandRequest) -> None:
    """`/tips` or `/tips <text that is not a command>`: the form, prefilled with the text."""
    await _open_form(req, str(req.body.get("text") or ""))


# ---------------------------------------------------------------------------- lists


async def _list(
    deps: Deps, t: Translator, team_id: str, user_id: str, kind: str, query: str, offset: int
) -> tuple[str, list[dict[str, Any]]]:
    listed = await service.list_tips(deps, team_id, user_id, kind, query, offset, LIST_PAGE_SIZE)
    return tip_list_message(t, listed, deps.settings.tz)


async def _search(req: CommandRequest) -> None:
    await req.reply(*await _list(req.deps, req.t, req.team_id, req.user_id, "search", req.text, 0))


async def _latest(req: CommandRequest) -> None:
    await req.reply(*await _list(req.deps, req.t, req.team_id, req.user_id, "latest", "", 0))


async def _mine(req: CommandRequest) -> None:
    await req.reply(*await _list(req.deps, req.t, req.team_id, req.user_id, "mine", "", 0))


# ---------------------------------------------------------------------------- reviewers
# `review`, `export` and `setup` are checked by `dispatch` (bot/people/permissions.py) before they
# run.


async def _review(req: CommandRequest) -> None:
    text, blocks = await review_list(req.deps, req.t, req.team_id, req.user_id, 0)
    await req.reply(text, blocks)


async def _export(req: CommandRequest) -> None:
    period = tip_export.parse_period(req.text)
    await req.ack()
    t = req.t
    exported = await service.export(req.deps, req.team_id, period)
    if not exported.tips:
        await req.reply(export_empty(t))
        return
    headers, rows = tip_export.export_table(exported.tips, exported.names, t, req.deps.settings.tz)
    await send_file(
        req.client,
        req.user_id,
        content=tip_export.to_csv(headers, rows),
        filename=f"fika-tips-{period.slug()}.csv",
        title=export_title(t, period.slug()),
        comment=export_comment(t, len(exported.tips)),
    )
    await req.reply(export_sent(t))


# ---------------------------------------------------------------------------- setup


async def _show_settings(req: CommandRequest) -> None:
    setup = await service.tip_setup(req.deps, req.team_id, req.user_id)
    await req.reply(tips_settings_text(req.t, setup))


async def _setup_review(req: CommandRequest) -> None:
    await req.ack()
    deps = req.deps
    done = await service.setup_review(
        deps,
        SlackTipEffects(deps),
        SlackTipChannels(deps),
        req.team_id,
        req.user_id,
        req.channel_id,
        in_direct_message=req.in_direct_message,
    )
    await req.reply(review_setup_text(req.t, done))


async def _setup_digest(req: CommandRequest, rest: list[str]) -> None:
    await req.ack()
    deps, t = req.deps, req.t
    if rest and fold(rest[0]) in OFF_WORDS:
        await service.stop_digest(deps, req.team_id, req.user_id)
        await req.reply(digest_stopped(t))
        return
    try:
        asked = tip_digest.parse_schedule(rest)
    except ValueError as exc:
        raise UserFacingError(SETUP_SCHEDULE_UNCLEAR, word=escape(str(exc)[:40])) from None
    done = await service.setup_digest(
        deps,
        SlackTipChannels(deps),
        req.team_id,
        req.user_id,
        req.channel_id,
        asked,
        in_direct_message=req.in_direct_message,
    )
    await req.reply(digest_setup_text(t, done, deps.settings.tz))


async def _setup(req: CommandRequest) -> None:
    words = req.text.split()
    what = fold(words[0]) if words else ""
    if not what:
        await _show_settings(req)
    elif what in SETUP_REVIEW:
        await _setup_review(req)
    elif what in SETUP_DIGEST:
        await _setup_digest(req, words[1:])
    else:
        raise UserFacingError(SETUP_WHICH)


HANDLERS: dict[str, SubcommandHandler] = {
    "help": _help,
    "new": _new,
    "search": _search,
    "latest": _latest,
    "mine": _mine,
    "review": _review,
    "export": _export,
    "setup": _setup,
}


async def tips(args: AsyncArgs) -> None:
    await dispatch(
        TIPS,
        HANDLERS,
        args,
        on_empty=_form_with_whole_text,
        on_unknown=_form_with_whole_text,
    )


async def list_page(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: AsyncRespond,
    deps: Deps,
    t: Translator,
) -> None:
    value = object_or_empty(action.get("value"))
    offset = to_offset(value.get("o")) or 0
    query = str(value.get("q") or "")[:300]
    team_id, user_id = actor(body)
    text, blocks = await _list(deps, t, team_id, user_id, str(value.get("k")), query, offset)
    await respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")


ROUTES: list[Route] = [
    command("/tips", tips),
    action(TipAction.LIST_PAGE, list_page),
    action(TipAction.LIST_PAGE_BACK, list_page),
]
