"""The message shortcut "Tips · Vinkki · Tip": the tip form, prefilled with the message."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.tips import service
from bot.tips.ids import Shortcut
from bot.tips.slack_side import SlackMessageLinks, refill_form
from bot.tips.views import tip_form_modal
from handlers.payload import actor
from handlers.router import Route, shortcut
from handlers.tip_modal import open_form


async def share_as_tip(
    body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    message = body.get("message") or {}
    channel_id = str((body.get("channel") or {}).get("id") or "")
    message_ts = str(body.get("message_ts") or message.get("ts") or "")
    text = str(message.get("text") or "")
    # Open first, with what the database knows: the trigger lives 3 s, and users.info or
    # chat.getPermalink may wait on a rate limit. The names and the link are filled in after.
    form = await service.message_tip_form(deps, team_id, user_id, text, channel_id, message_ts)
    opened = await open_form(client, t, str(body.get("trigger_id") or ""), user_id, form)
    if not opened:
        return
    links = SlackMessageLinks(client)
    filled = await service.completed_message_tip_form(
        deps, links, team_id, user_id, text, channel_id, message_ts
    )
    if filled is not None:
        await refill_form(client, opened, tip_form_modal(t, filled))


ROUTES: list[Route] = [shortcut(Shortcut.SHARE_AS_TIP, share_as_tip)]
