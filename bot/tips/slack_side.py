"""Slack's side of the tips commands and forms: the ports of `bot.tips.service` for setup
(`SlackTipChannels`) and for a shared message (`SlackMessageLinks`), the export file sent to the
person, and a form filled in after it opened."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.people.directory import workspace_translator
from bot.platform import outbox
from bot.platform.deps import Deps
from bot.tips.results import ChannelState
from bot.tips.views import digest_announcement, review_announcement

log = logging.getLogger(__name__)


class SlackTipChannels:
    """`bot.tips.service.TipChannels` over the Web API."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def channel(self, team_id: str, channel_id: str) -> ChannelState | None:
        try:
            info = (await self.deps.client.conversations_info(channel=channel_id))["channel"]
        except SlackApiError as exc:
            if exc.response.get("error") == "channel_not_found":
                return None
            raise
        return ChannelState(
            direct=bool(info.get("is_im") or info.get("is_mpim")),
            archived=bool(info.get("is_archived")),
            private=bool(info.get("is_private")),
            bot_is_member=bool(info.get("is_member")),
        )

    async def join(self, team_id: str, channel_id: str) -> None:
        await self.deps.client.conversations_join(channel=channel_id)

    async def review_announced(self, team_id: str, channel_id: str) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._post(team_id, channel_id, review_announcement(t))

    async def digest_announced(
        self, team_id: str, channel_id: str, slot: tuple[int, int, int]
    ) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._post(team_id, channel_id, digest_announcement(t, slot))

    async def _post(self, team_id: str, channel_id: str, text: str) -> None:
        """Posted for everyone there; kept and retried if Slack fails now."""
        await outbox.call(self.deps, team_id, "chat.postMessage", channel=channel_id, text=text)


class SlackMessageLinks:
    """`bot.tips.service.MessageLinks` over the Web API."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def permalink(self, channel_id: str, message_ts: str) -> str | None:
        try:
            resp = await self.client.chat_getPermalink(channel=channel_id, message_ts=message_ts)
        except SlackApiError as exc:
            log.info("no permalink for a shared message: %s", exc.response.get("error"))
            return None
        return str(resp.get("permalink") or "") or None


async def send_file(
    client: AsyncWebClient,
    user_id: str,
    *,
    content: bytes,
    filename: str,
    title: str,
    comment: str,
) -> None:
    """A file in the person's direct messages with the bot (the tips export)."""
    opened = await client.conversations_open(users=user_id)
    await client.files_upload_v2(
        channel=str(opened["channel"]["id"]),
        content=content,
        filename=filename,
        title=title,
        initial_comment=comment,
    )


async def refill_form(client: AsyncWebClient, opened: dict[str, Any], view: dict[str, Any]) -> None:
    """Replace an open form by a filled-in one, unless the person changed, sent or closed it
    meanwhile (theirs stands)."""
    try:
        await client.views_update(view_id=opened["id"], hash=opened.get("hash"), view=view)
    except SlackApiError as exc:
        log.info("the shared message's form was not filled in: %s", exc.response.get("error"))


async def replace_message(response_url: str, text: str, blocks: list[dict[str, Any]]) -> None:
    """Redraw the ephemeral message a click came from (by its response_url); a failure is
    logged, never raised (what the click did is stored already)."""
    try:
        await AsyncWebhookClient(response_url).send(
            text=text, blocks=blocks, replace_original=True, response_type="ephemeral"
        )
    except Exception:
        log.warning("could not refresh a review list", exc_info=True)
