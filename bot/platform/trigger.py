"""The time budget of a trigger: what runs between a click (or command) and `views.open`.

Slack's `trigger_id` expires 3 seconds after the click. Anything the bot asks Slack before
opening the form (`users.info` for a newcomer's language, an admin check) must therefore not
wait on Slack longer than the trigger lives: not on a slow answer, and not on a rate limit's
`Retry-After`. `handlers.router` notes when a request that carries a trigger arrived (`waiting`);
lookups made while it waits are cut off at its deadline (`bounded`), the clients' retries do not
sleep past it (`bot.platform.slack_client`), and `views.open` is not retried past the trigger's
life. Opening the form ends the budget (`open_modal`), so what follows retries as usual.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platform.i18n import N_, Translator
from bot.platform.notify import tell

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds of the 3 s a trigger lives that lookups before `views.open` may take.
BUDGET = 2.0
#: By then `views.open` itself must have been sent (retries included); Slack's clock and the
#: way back take the rest.
OPEN_BY = 2.7

# When the request with a trigger arrived (None: no trigger waiting, or it was used).
_received: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "trigger_received", default=None
)
# The deadline of the call running now under a budget: the clients' retries respect it.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "trigger_deadline", default=None
)

FORM_DID_NOT_OPEN = N_(
    "Sorry, Slack did not let me open the form in time. Please try again in a moment."
)


class BudgetSpent(Exception):
    """A call before `views.open` would have outlived the trigger."""


def may_wait(seconds: float) -> bool:
    """Whether a retry may sleep `seconds` now: always, unless a budgeted call is running and
    the sleep would outlast its deadline."""
    deadline = _deadline.get()
    return deadline is None or time.monotonic() + seconds < deadline


@contextmanager
def waiting(received: float | None = None) -> Iterator[None]:
    """Run a request's listener knowing a trigger is waiting (received now, by default)."""
    token = _received.set(time.monotonic() if received is None else received)
    try:
        yield
    finally:
        _received.reset(token)


def used() -> None:
    """The trigger was used (or lost): calls from here on may wait as usual."""
    _received.set(None)


def without_budget() -> contextvars.Context:
    """A context for background work started while a trigger waits (tasks copy the context)."""
    context = contextvars.copy_context()
    context.run(_received.set, None)
    context.run(_deadline.set, None)
    return context


async def bounded(call: Awaitable[T]) -> T:
    """`call` (a Slack lookup), cut off so that `views.open` still fits in the trigger's life.

    Raises `BudgetSpent` when it could not finish in time; with no trigger waiting, no limit."""
    received = _received.get()
    if received is None:
        return await call
    deadline = received + BUDGET
    allowed = deadline - time.monotonic()
    if allowed <= 0:
        if asyncio.iscoroutine(call):
            call.close()
        raise BudgetSpent
    token = _deadline.set(deadline)
    try:
        return await asyncio.wait_for(call, allowed)
    except TimeoutError:
        raise BudgetSpent from None
    finally:
        _deadline.reset(token)


async def open_modal(
    client: AsyncWebClient,
    t: Translator,
    trigger_id: str,
    view: dict[str, Any],
    *,
    user_id: str,
    channel_id: str | None = None,
    push: bool = False,
) -> dict[str, Any] | None:
    """`views.open` (or `views.push`) at once; the opened view, or None after telling the
    person that the form could not open (an expired trigger is not retried: a new click is)."""
    received = _received.get()
    token = _deadline.set(None if received is None else received + OPEN_BY)
    try:
        method = client.views_push if push else client.views_open
        resp = await method(trigger_id=trigger_id, view=view)
        return dict(resp.get("view") or {})
    except SlackApiError as exc:
        log.warning("the form did not open: %s", exc.response.get("error"))
    except (TimeoutError, ClientError) as exc:
        log.warning("the form did not open: %s", type(exc).__name__)
    finally:
        _deadline.reset(token)
        used()
    await tell(client, t(FORM_DID_NOT_OPEN), user_id=user_id, channel_id=channel_id)
    return None


async def open_from(
    client: AsyncWebClient,
    t: Translator,
    body: dict[str, Any],
    view: dict[str, Any],
    *,
    push: bool = False,
) -> dict[str, Any] | None:
    """`open_modal` with the trigger, person and channel of an interaction or command body."""
    user = body.get("user")
    user_id = str((user.get("id") if isinstance(user, dict) else None) or body.get("user_id") or "")
    channel = body.get("channel")
    channel_id = (channel.get("id") if isinstance(channel, dict) else None) or body.get(
        "channel_id"
    )
    return await open_modal(
        client,
        t,
        str(body.get("trigger_id") or ""),
        view,
        user_id=user_id,
        channel_id=str(channel_id) if channel_id else None,
        push=push,
    )
