"""`/fika libraries`: the list (paged), and for admins adding, loading a CSV, removing."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.views.messages import libraries_blocks
from bot.coffee.views.modals import library_add_modal, library_load_modal
from bot.people.libraries import (
    CsvProblem,
    add_library,
    curated_libraries,
    load_libraries,
    parse_library_csv,
    remove_library,
    typed_libraries,
)
from bot.people.permissions import ADMINS_ONLY as ADMINS_ONLY  # the refusal, for tests
from bot.people.permissions import SEE_TYPED_LIBRARIES, can, refusal, require, slash
from bot.platform import outbox, trigger
from bot.platform.commands import fold
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import escape
from bot.platform.slack_values import to_offset
from handlers.payload import actor
from handlers.router import Router
from handlers.slash import CommandRequest

_ADD_WORDS = {"add", "lagg-till", "laggtill", "lisaa"}
_LOAD_WORDS = {"load", "csv", "ladda", "tuo", "import"}
_REMOVE_WORDS = {"remove", "delete", "ta-bort", "tabort", "poista"}


async def _list_blocks(
    deps: Deps, t: Translator, team_id: str, admin: bool, page: int
) -> list[dict[str, Any]]:
    async with deps.db() as session:
        libraries = await curated_libraries(session, team_id)
        typed = await typed_libraries(session, team_id) if admin else []
    return libraries_blocks(t, libraries, page, admin, typed)


async def libraries_command(req: CommandRequest) -> None:
    words = req.text.split(maxsplit=1)
    first = fold(words[0]) if words else ""
    rest = words[1] if len(words) > 1 else ""
    if first in _ADD_WORDS or first in _LOAD_WORDS:
        word = "add" if first in _ADD_WORDS else "load"
        await require(req.deps, req.team_id, req.user_id, slash("/fika", "libraries", word))
        view = library_add_modal(req.t) if first in _ADD_WORDS else library_load_modal(req.t)
        await trigger.open_from(req.client, req.t, req.body, view)
        await req.ack()
        return
    if first in _REMOVE_WORDS:
        await require(req.deps, req.team_id, req.user_id, slash("/fika", "libraries", "remove"))
        if not rest.strip():
            raise UserFacingError(
                N_("Which library? e.g. `/fika libraries remove Kronoby bibliotek`.")
            )
        async with req.deps.db.begin() as session:
            removed = await remove_library(session, req.team_id, rest)
            name = removed.name_sv if removed else None
        if name is None:
            raise UserFacingError(
                N_("There is no library called “{name}” on the list."), name=escape(rest[:200])
            )
        await req.reply(
            req.t(
                "{name} is no longer on the list. People who chose it keep it in their profile.",
                name=escape(name),
            )
        )
        return
    page = to_offset(first) or 1
    admin = await can(req.deps, req.team_id, req.user_id, SEE_TYPED_LIBRARIES)
    blocks = await _list_blocks(req.deps, req.t, req.team_id, admin, page)
    await req.reply(req.t("Libraries"), blocks)


def _problem(t: Translator, problem: CsvProblem) -> str:
    """A CSV problem in the reader's language; names from the CSV escaped."""
    params = {k: escape(v) if isinstance(v, str) else v for k, v in problem.params.items()}
    return t(problem.message, **params)


def _value(view: dict[str, Any], block_id: str, action_id: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    return str(((values.get(block_id) or {}).get(action_id) or {}).get("value") or "")


def register(router: Router) -> None:
    @router.action(Coffee.LIBRARIES_PAGE)
    @router.action(Coffee.LIBRARIES_PAGE_BACK)
    async def page(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        deps: Deps,
        t: Translator,
    ) -> None:
        team_id, user_id = actor(body)
        number = to_offset(action.get("value")) or 1
        admin = await can(deps, team_id, user_id, SEE_TYPED_LIBRARIES)
        blocks = await _list_blocks(deps, t, team_id, admin, number)
        await respond(text=t("Libraries"), blocks=blocks, replace_original=True)

    @router.action(Coffee.LIBRARIES_ADD)
    async def add_clicked(body: dict[str, Any], client: AsyncWebClient, t: Translator) -> None:
        await trigger.open_from(client, t, body, library_add_modal(t))

    @router.action(Coffee.LIBRARIES_LOAD)
    async def load_clicked(body: dict[str, Any], client: AsyncWebClient, t: Translator) -> None:
        await trigger.open_from(client, t, body, library_load_modal(t))

    @router.view(CoffeeView.LIBRARY_ADD)
    async def add_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        team_id, user_id = actor(body)
        if not await can(deps, team_id, user_id, CoffeeView.LIBRARY_ADD):
            refused = t(refusal(CoffeeView.LIBRARY_ADD))
            await ack(response_action="errors", errors={CoffeeBlock.LIBRARY_NAME_SV: refused})
            return
        name_sv = _value(view, CoffeeBlock.LIBRARY_NAME_SV, Coffee.LIBRARY_NAME_SV)
        try:
            async with deps.db.begin() as session:
                library, new = await add_library(
                    session,
                    team_id,
                    name_sv,
                    _value(view, CoffeeBlock.LIBRARY_NAME_FI, Coffee.LIBRARY_NAME_FI),
                    _value(view, CoffeeBlock.LIBRARY_MUNICIPALITY, Coffee.LIBRARY_MUNICIPALITY),
                )
                name = library.name_sv
        except UserFacingError as exc:
            await ack(
                response_action="errors",
                errors={CoffeeBlock.LIBRARY_NAME_SV: t(exc.message, **exc.params)},
            )
            return
        await ack()
        text = (
            t("{name} is now on the list of libraries.", name=escape(name))
            if new
            else t("{name} was already known; its details are updated.", name=escape(name))
        )
        await outbox.call(deps, team_id, "chat.postMessage", channel=user_id, text=text)

    @router.view(CoffeeView.LIBRARY_LOAD)
    async def load_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        team_id, user_id = actor(body)
        if not await can(deps, team_id, user_id, CoffeeView.LIBRARY_LOAD):
            refused = t(refusal(CoffeeView.LIBRARY_LOAD))
            await ack(response_action="errors", errors={CoffeeBlock.LIBRARY_CSV: refused})
            return
        rows, problems = parse_library_csv(
            _value(view, CoffeeBlock.LIBRARY_CSV, Coffee.LIBRARY_CSV)
        )
        if problems or not rows:
            if problems:
                shown = [
                    t("line {line}: {problem}", line=p.line, problem=_problem(t, p))
                    if p.line
                    else _problem(t, p)
                    for p in problems[:5]
                ]
                message = t("Nothing was loaded. Please fix: {problems}", problems="; ".join(shown))
            else:
                message = t("There are no libraries in the text.")
            await ack(response_action="errors", errors={CoffeeBlock.LIBRARY_CSV: message[:2000]})
            return
        await ack()
        async with deps.db.begin() as session:
            added, updated = await load_libraries(session, team_id, rows)
        text = t(
            "Libraries loaded. New: {added}. Updated: {updated}.",
            added=t.number(added),
            updated=t.number(updated),
        )
        await outbox.call(deps, team_id, "chat.postMessage", channel=user_id, text=text)
