"""The one way the bot builds Slack Web API clients: base URL from settings, retries on.

Every client (the bot's own, Bolt's per-request copies, which copy `retry_handlers`, and the
Socket Mode client, which uses the app's client) retries:

* rate limits (HTTP 429), after the `Retry-After` Slack sends;
* server errors (HTTP 500/503) and connection errors, with a growing back-off.

Retrying a 5xx or a dropped connection is safe for reads, but not for a post: Slack may have
stored the message before failing to answer. `once_client` gives the same client without
those retries (it still retries 429s, which Slack refuses before doing anything, and
connections that could not be opened at all); the intro and follow-up code handles the
ambiguous failures itself, by looking for its marked message before posting again
(`bot.coffee.delivery`).
"""

from __future__ import annotations

import asyncio
import random
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientConnectorError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform import trigger
from bot.platform.config import Settings

Sleep = Callable[[float], Awaitable[Any]]

RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 2


def retry_after(response: HttpResponse | None) -> float:
    """Seconds Slack asks us to wait (its `Retry-After`), 1 when it does not say."""
    if response is None:
        return 1.0
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) else values
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return 1.0
    return 1.0


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """429: wait what `Retry-After` says (plus a little jitter so replicas do not collide)."""

    def __init__(self, max_retry_count: int = RATE_LIMIT_RETRIES, sleep: Sleep = asyncio.sleep):
        super().__init__(max_retry_count)
        self.sleep = sleep

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        # Before a views.open, never sleep past the trigger's life (bot.platform.trigger).
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        ) and trigger.may_wait(retry_after(response))

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate limited without a response")
        state.next_attempt_requested = True
        await self.sleep(retry_after(response) + random.random() * 0.25)
        state.increment_current_attempt()


class _BackoffMixin(AsyncRetryHandler):
    sleep: Sleep

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        wait = self.interval_calculator.calculate_sleep_duration(state.current_attempt)
        return await super().can_retry_async(
            state=state, request=request, response=response, error=error
        ) and trigger.may_wait(wait)

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        await self.sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


class ServerErrorRetry(_BackoffMixin, AsyncServerErrorRetryHandler):
    """500/503: try again after a back-off (0.5 s, 1 s, …)."""

    def __init__(self, max_retry_count: int = SERVER_ERROR_RETRIES, sleep: Sleep = asyncio.sleep):
        AsyncServerErrorRetryHandler.__init__(self, max_retry_count)
        self.sleep = sleep


class ConnectionRetry(_BackoffMixin, AsyncConnectionErrorRetryHandler):
    """Connection reset, refused or dropped: try again after a back-off."""

    def __init__(
        self,
        max_retry_count: int = CONNECTION_RETRIES,
        sleep: Sleep = asyncio.sleep,
        *,
        only_unsent: bool = False,
    ):
        # only_unsent: just the errors where the request surely never reached Slack (the
        # connection could not be opened), for calls that must not run twice.
        AsyncConnectionErrorRetryHandler.__init__(self, max_retry_count)
        if only_unsent:
            self.error_types_to_do_retries = [ClientConnectorError]
        self.sleep = sleep


def retry_handlers(sleep: Sleep = asyncio.sleep) -> list[AsyncRetryHandler]:
    return [
        ConnectionRetry(sleep=sleep),
        RateLimitRetry(sleep=sleep),
        ServerErrorRetry(sleep=sleep),
    ]


def once_handlers(sleep: Sleep = asyncio.sleep) -> list[AsyncRetryHandler]:
    """Retries that never send a request twice when Slack may have acted on it."""
    return [ConnectionRetry(sleep=sleep, only_unsent=True), RateLimitRetry(sleep=sleep)]


def make_client(settings: Settings, sleep: Sleep = asyncio.sleep) -> AsyncWebClient:
    return AsyncWebClient(
        token=settings.slack_bot_token.get(),
        base_url=settings.slack_api_url,
        timeout=20,
        retry_handlers=retry_handlers(sleep),
    )


_once: weakref.WeakKeyDictionary[AsyncWebClient, AsyncWebClient] = weakref.WeakKeyDictionary()


def _sleep_of(client: AsyncWebClient) -> Sleep:
    for handler in client.retry_handlers or []:
        sleep = getattr(handler, "sleep", None)
        if sleep is not None:
            return sleep  # type: ignore[no-any-return]
    return asyncio.sleep


def once_client(client: AsyncWebClient) -> AsyncWebClient:
    """`client` for posts that must not be repeated blindly: no retry after a 5xx or a
    connection that broke after the request went out (see the module docstring)."""
    found = _once.get(client)
    if found is None:
        found = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            session=client.session,
            headers=dict(client.headers),
            logger=client.logger,
            retry_handlers=once_handlers(_sleep_of(client)),
        )
        _once[client] = found
    return found
