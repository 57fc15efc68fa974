"""Telling one person something where no response_url is at hand."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


async def tell(
    client: AsyncWebClient,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    *,
    user_id: str,
    channel_id: str | None = None,
) -> None:
    """An ephemeral message where the person is, else a direct message; never raises when
    neither can be delivered (an unknown person, a DM Slack refuses)."""
    if channel_id:
        try:
            await client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=text, blocks=blocks
            )
            return
        except SlackApiError as exc:
            log.info("no ephemeral answer in %s: %s", channel_id, exc.response.get("error"))
    try:
        await client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("no answer delivered to %s: %s", user_id, exc.response.get("error"))
