"""`/fika libraries`: the list (paged), and for admins adding, loading a CSV, removing.

The use cases are `bot.people.service`'s; the answers `bot.coffee.views.admin`'s."""

from __future__ import annotations

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.views.admin import csv_refused, library_removed_reply
from bot.coffee.views.messages import libraries_blocks
from bot.coffee.views.modals import library_add_modal, library_load_modal
from bot.people import service as people
from bot.people.permissions import ADMINS_ONLY as ADMINS_ONLY  # the refusal, for tests
from bot.people.permissions import require, slash
from bot.people.slack_libraries import SlackLibraryNotices
from bot.platform import trigger
from bot.platform.commands import fold
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import Translator
from bot.platform.slack_values import to_offset
from handlers.payload import actor
from handlers.router import Route, action, view
from handlers.slash import CommandRequest

_ADD_WORDS = {"add", "lagg-till", "laggtill", "lisaa"}
_LOAD_WORDS = {"load", "csv", "ladda", "tuo", "import"}
_REMOVE_WORDS = {"remove", "delete", "ta-bort", "tabort", "poista"}


async def _listing(
    deps: Deps, t: Translator, team_id: str, user_id: str, page: int
) -> list[dict[str, Any]]:
    found = await people.libraries(deps, team_id, user_id)
    return libraries_blocks(t, list(found.curated), page, found.admin, list(found.typed))


async def libraries_command(req: CommandRequest) -> None:
    words = req.text.split(maxsplit=1)
    first = fold(words[0]) if words else ""
    rest = words[1] if len(words) > 1 else ""
    if first in _ADD_WORDS or first in _LOAD_WORDS:
        word = "add" if first in _ADD_WORDS else "load"
        await require(req.deps, req.team_id, req.user_id, slash("/fika", "libraries", word))
        form = library_add_modal(req.t) if first in _ADD_WORDS else library_load_modal(req.t)
        await trigger.open_from(req.client, req.t, req.body, form)
        return
    if first in _REMOVE_WORDS:
        removed = await people.remove(req.deps, req.team_id, req.user_id, rest)
        await req.reply(library_removed_reply(req.t, removed.asked, removed.name))
        return
    blocks = await _listing(req.deps, req.t, req.team_id, req.user_id, to_offset(first) or 1)
    await req.reply(req.t("Libraries"), blocks)


def _value(form: dict[str, Any], block_id: str, action_id: str) -> str:
    values = (form.get("state") or {}).get("values") or {}
    return str(((values.get(block_id) or {}).get(action_id) or {}).get("value") or "")


async def page(
    body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond, deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    blocks = await _listing(deps, t, team_id, user_id, to_offset(action.get("value")) or 1)
    await respond(text=t("Libraries"), blocks=blocks, replace_original=True)


async def add_clicked(body: dict[str, Any], client: AsyncWebClient, t: Translator) -> None:
    await trigger.open_from(client, t, body, library_add_modal(t))


async def load_clicked(body: dict[str, Any], client: AsyncWebClient, t: Translator) -> None:
    await trigger.open_from(client, t, body, library_load_modal(t))


async def add_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    try:
        await people.add(
            deps,
            SlackLibraryNotices(deps),
            team_id,
            user_id,
            _value(view, CoffeeBlock.LIBRARY_NAME_SV, Coffee.LIBRARY_NAME_SV),
            _value(view, CoffeeBlock.LIBRARY_NAME_FI, Coffee.LIBRARY_NAME_FI),
            _value(view, CoffeeBlock.LIBRARY_MUNICIPALITY, Coffee.LIBRARY_MUNICIPALITY),
        )
    except UserFacingError as exc:  # a refusal or a bad name: shown at the name
        problem = t(exc.message, **exc.params)
        await ack(response_action="errors", errors={CoffeeBlock.LIBRARY_NAME_SV: problem})
        return
    await ack()


async def load_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    text = _value(view, CoffeeBlock.LIBRARY_CSV, Coffee.LIBRARY_CSV)
    try:
        checked = await people.load(deps, SlackLibraryNotices(deps), team_id, user_id, text)
    except UserFacingError as exc:  # a refusal
        problem = t(exc.message, **exc.params)
        await ack(response_action="errors", errors={CoffeeBlock.LIBRARY_CSV: problem})
        return
    if not checked.loading:
        problem = csv_refused(t, checked.problems)
        await ack(response_action="errors", errors={CoffeeBlock.LIBRARY_CSV: problem})
        return
    await ack()


ROUTES: list[Route] = [
    action(Coffee.LIBRARIES_PAGE, page),
    action(Coffee.LIBRARIES_PAGE_BACK, page),
    action(Coffee.LIBRARIES_ADD, add_clicked),
    action(Coffee.LIBRARIES_LOAD, load_clicked),
    view(CoffeeView.LIBRARY_ADD, add_submitted),
    view(CoffeeView.LIBRARY_LOAD, load_submitted),
]
