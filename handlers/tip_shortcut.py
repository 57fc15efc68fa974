"""The message shortcut "Tips · Vinkki · Tip": the tip form, prefilled with the message."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.db.tips_models import TipSource
from bot.deps import Deps
from bot.directory import ensure_member
from bot.domain.tips import member_names, mentioned_user_ids, plain_from_slack
from bot.i18n import Translator
from bot.ids import Shortcut
from handlers.payload import actor
from handlers.router import Router
from handlers.tip_modal import open_tip_modal

log = logging.getLogger(__name__)

# A message may mention many people; look up a few (the trigger id lives only 3 seconds).
MAX_MENTIONS_LOOKED_UP = 5


def register(router: Router) -> None:
    @router.shortcut(Shortcut.SHARE_AS_TIP)
    async def share_as_tip(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, deps: Deps, t: Translator
    ) -> None:
        await ack()
        team_id, user_id = actor(body)
        message = body.get("message") or {}
        channel_id = str((body.get("channel") or {}).get("id") or "")
        message_ts = str(body.get("message_ts") or message.get("ts") or "")
        raw_text = str(message.get("text") or "")
        mentioned = mentioned_user_ids(raw_text)[:MAX_MENTIONS_LOOKED_UP]
        async with deps.db() as session:
            names = await member_names(session, team_id, mentioned)
        unknown = [u for u in dict.fromkeys(mentioned) if u not in names]
        if unknown:  # users.info for people Fika hasn't met yet (cached afterwards)
            members = await asyncio.gather(*(ensure_member(deps, team_id, u) for u in unknown))
            names.update({m.user_id: m.display_name for m in members if m.display_name})
        text = plain_from_slack(raw_text, names)
        permalink: str | None = None
        if channel_id and message_ts:
            try:
                resp = await client.chat_getPermalink(channel=channel_id, message_ts=message_ts)
                permalink = str(resp.get("permalink") or "") or None
            except SlackApiError as exc:
                log.info("no permalink for a shared message: %s", exc.response.get("error"))
        await open_tip_modal(
            client,
            deps,
            t,
            team_id=team_id,
            user_id=user_id,
            trigger_id=str(body["trigger_id"]),
            text=text,
            link=permalink,
            source=TipSource.SHORTCUT,
            source_ref=permalink or f"{channel_id}/{message_ts}",
        )
