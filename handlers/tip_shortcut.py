"""The message shortcut "Tips · Vinkki · Tip": the tip form, prefilled with the message."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.people.directory import ensure_member
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.tips.ids import Shortcut
from bot.tips.models import TipSource
from bot.tips.store import member_names, mentioned_user_ids, plain_from_slack
from handlers.payload import actor
from handlers.router import Router
from handlers.tip_modal import open_tip_modal, tip_form

log = logging.getLogger(__name__)

# A message may mention many people; look up a few (the trigger id lives only 3 seconds).
MAX_MENTIONS_LOOKED_UP = 5


def register(router: Router) -> None:
    @router.shortcut(Shortcut.SHARE_AS_TIP)
    async def share_as_tip(
        body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
    ) -> None:
        team_id, user_id = actor(body)
        message = body.get("message") or {}
        channel_id = str((body.get("channel") or {}).get("id") or "")
        message_ts = str(body.get("message_ts") or message.get("ts") or "")
        raw_text = str(message.get("text") or "")
        mentioned = mentioned_user_ids(raw_text)[:MAX_MENTIONS_LOOKED_UP]
        async with deps.db() as session:
            names = await member_names(session, team_id, mentioned)
        form = {
            "team_id": team_id,
            "user_id": user_id,
            "source": TipSource.SHORTCUT,
            "source_ref": f"{channel_id}/{message_ts}",
        }
        # Open first, with what the database knows: the trigger lives 3 s, and users.info or
        # chat.getPermalink may wait on a rate limit. The names and the link are filled in after.
        opened = await open_tip_modal(
            client,
            deps,
            t,
            trigger_id=str(body.get("trigger_id") or ""),
            text=plain_from_slack(raw_text, names),
            **form,
        )
        if not opened:
            return
        unknown = [u for u in dict.fromkeys(mentioned) if u not in names]
        if unknown:  # users.info for people Fika hasn't met yet (cached afterwards)
            members = await asyncio.gather(*(ensure_member(deps, team_id, u) for u in unknown))
            names.update({m.user_id: m.display_name for m in members if m.display_name})
        permalink: str | None = None
        if channel_id and message_ts:
            try:
                resp = await client.chat_getPermalink(channel=channel_id, message_ts=message_ts)
                permalink = str(resp.get("permalink") or "") or None
            except SlackApiError as exc:
                log.info("no permalink for a shared message: %s", exc.response.get("error"))
        if permalink is None and not unknown:
            return
        filled = await tip_form(
            deps,
            t,
            text=plain_from_slack(raw_text, names),
            link=permalink,
            **{**form, "source_ref": permalink or form["source_ref"]},
        )
        try:
            await client.views_update(view_id=opened["id"], hash=opened.get("hash"), view=filled)
        except SlackApiError as exc:  # closed, sent or changed meanwhile: theirs stands
            log.info("the shared message's form was not filled in: %s", exc.response.get("error"))
