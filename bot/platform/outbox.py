"""Slack calls that must not be lost: tried now, and if Slack fails, recorded and retried later.

The Web API client already retries 429s and 5xx a few times; what still fails lands in
`pending_calls`, which `jobs.retry_calls` works through with a growing back-off.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.platform import pending
from bot.platform.db.models import PendingCall
from bot.platform.deps import Deps
from bot.platform.pending import MAX_ATTEMPTS, MAX_BACKOFF, backoff

__all__ = ["MAX_ATTEMPTS", "MAX_BACKOFF", "PERMANENT_ERRORS", "backoff", "call", "retry_due"]

log = logging.getLogger(__name__)

# Errors that retrying the same call cannot fix: recorded for the operator, not retried.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "invalid_arguments",
        "msg_too_long",
        "no_text",
        "cannot_dm_bot",
        "user_disabled",
        "account_inactive",
        "message_not_found",
        "cant_update_message",
        "method_not_supported_for_channel_type",
        "too_many_users",
        "restricted_action",
        "unknown_method",
    }
)


def _describe(exc: BaseException) -> tuple[str, bool]:
    """(error text, permanent?)"""
    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error") or "unknown_error")
        return error, error in PERMANENT_ERRORS
    return type(exc).__name__, False


async def _send(deps: Deps, method: str, args: dict[str, Any]) -> Any:
    """One call; a post refused with `not_in_channel` in a public channel (the bot was removed
    from the digest or review channel) joins it again and posts once more."""
    try:
        return await deps.client.api_call(method, json=args)
    except SlackApiError as exc:
        channel = str(args.get("channel") or "")
        if not (
            method == "chat.postMessage"
            and exc.response.get("error") == "not_in_channel"
            and channel.startswith("C")
        ):
            raise
        log.info("rejoining %s to post there", channel)
        await deps.client.conversations_join(channel=channel)
        return await deps.client.api_call(method, json=args)


async def call(deps: Deps, team_id: str, method: str, **args: Any) -> dict[str, Any] | None:
    """Call `method` now; on failure record it for retry and return None."""
    try:
        resp = await _send(deps, method, args)
        return dict(resp.data) if isinstance(resp.data, dict) else {}
    except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
        error, permanent = _describe(exc)
        log.warning(
            "slack call %s failed (%s); %s",
            method,
            error,
            "recorded" if permanent else "queued for retry",
        )
        await pending.record(deps, team_id, method, args, error, permanent)
        return None


def _failure(exc: BaseException) -> tuple[str, bool] | None:
    if isinstance(exc, SlackApiError | aiohttp.ClientError | TimeoutError | OSError):
        return _describe(exc)
    return None


async def retry_due(deps: Deps, limit: int = 50) -> int:
    """Retry the Slack calls that are due; returns how many succeeded. (Teams' calls,
    "teams.send" …, are retried by bot/teamsapp/outbox.py.)"""

    async def send(_team_id: str, method: str, args: dict[str, Any]) -> Any:
        return await _send(deps, method, args)

    which = PendingCall.method.not_like("teams.%")
    return await pending.retry_due(deps, which, send, _failure, limit)
