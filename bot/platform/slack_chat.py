"""The Slack adapter of the chat port (`bot.platform.chat.Chat`): Web API calls in their place
in Slack's rate limits (`deps.pacer`), Slack's errors as `ChatError`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform.chat import MAX_MEMBERS, ChatError
from bot.platform.pacing import Pacer

_PAGE = 200


class SlackChatError(ChatError, SlackApiError):
    """A Slack refusal as the port's `ChatError`; still a `SlackApiError` for Slack-side code."""

    def __init__(self, exc: SlackApiError) -> None:
        SlackApiError.__init__(self, str(exc), exc.response)  # type: ignore[no-untyped-call]
        self.args = (str(exc.response.get("error") or "unknown"),)


@dataclass(frozen=True)
class SlackChat:
    client: AsyncWebClient
    pacer: Pacer

    async def group_members(self, conversation_id: str) -> list[str]:
        ids: list[str] = []
        cursor: str | None = None
        try:
            while len(ids) < MAX_MEMBERS:
                args: dict[str, Any] = {"channel": conversation_id, "limit": _PAGE}
                if cursor:
                    args["cursor"] = cursor
                async with self.pacer.slot("conversations.members"):
                    resp = await self.client.conversations_members(**args)
                ids.extend(str(m) for m in resp.get("members") or [])
                cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as exc:
            raise SlackChatError(exc) from exc
        return ids

    async def person(self, user_id: str) -> dict[str, Any]:
        try:
            # Tier 4 (bot/platform/pacing.py): a round that refreshes hundreds of people does
            # not bounce off 429s.
            async with self.pacer.slot("users.info"):
                resp = await self.client.users_info(user=user_id, include_locale=True)
        except SlackApiError as exc:
            raise SlackChatError(exc) from exc
        return dict(resp["user"])

    async def people(self, team_id: str | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        cursor: str | None = None
        read = 0
        while read < MAX_MEMBERS:
            args: dict[str, Any] = {"limit": _PAGE, "include_locale": True}
            if cursor:
                args["cursor"] = cursor
            try:
                async with self.pacer.slot("users.list"):
                    resp = await self.client.users_list(**args)
            except SlackApiError as exc:
                raise SlackChatError(exc) from exc
            page = [dict(u) for u in resp.get("members") or []]
            read += len(page)
            yield page
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        try:
            await self.client.views_publish(user_id=user_id, view=view)
        except SlackApiError as exc:
            raise SlackChatError(exc) from exc
