"""Registers listeners so every one of them is tracked, authorized, errors become localized
answers, and handlers receive `deps` and `t` (the reader's translator) by argument name.

`Router.routes` is the table of what is registered (kind, Slack id, listener). A button or a
shortcut is authorized here from the permission table (`bot.people.permissions`) before its
listener runs, on every click; a refusal is the table's localized sentence (or shown where the
route's `refused=` puts it). Subcommands are authorized the same way by
`handlers.slash.dispatch`; forms and menus answer a refusal in their acknowledgement (field
errors, fewer options), so they ask `can()` themselves.

Slack is acknowledged before anything waits on the database or on Slack: commands, clicks,
shortcuts and closed modals are acknowledged (empty) before the listener runs (by
`bot.platform.bolt_app`'s middleware, else here), and Bolt acknowledges events by itself; only then
is `t` resolved (`handlers.context.prepare_context`). A view submission or an options request
carries its answer in the acknowledgement, so it gets `t` first and acknowledges itself.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.kwargs_injection.async_args import AsyncArgs

from bot.people.permissions import Role, can, require, role_needed
from bot.platform import trigger
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, translator
from bot.platform.notify import tell
from handlers.context import prepare_context
from handlers.payload import actor

log = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[Any]]
#: Shows a refusal where the surface wants it (`refused=` of `Router.action`): called with
#: deps, client, t, body and the refused id instead of the default ephemeral answer.
Refused = Callable[[Deps, Any, Any, dict[str, Any], str], Awaitable[None]]

# Kinds of listener acknowledged (empty) before they run, if the middleware has not already
# (`bot.platform.acks.acknowledged_at_once`); the answer comes by respond(), views.* or chat.*.
_ACK_FIRST = frozenset({"command", "action", "shortcut", "view_closed"})

GENERIC_ERROR = N_(
    "Sorry, something went wrong on our side. Please try again in a moment; "
    "if it keeps happening, tell the AKE team."
)


# Kinds authorized from the permission table before the listener runs.
_AUTHORIZED_HERE = frozenset({"action", "shortcut"})


@dataclass(frozen=True)
class Route:
    """One row of a handlers module's `ROUTES` table."""

    kind: str  # command, action, view, view_closed, shortcut, event, options
    id: Any  # what Slack sends back: the command, action_id, callback_id or event type
    listener: Listener
    refused: Refused | None = None  # where a refused click is shown (actions only)


def command(name: str, listener: Listener) -> Route:
    return Route("command", name, listener)


def action(id_: Any, listener: Listener, *, refused: Refused | None = None) -> Route:
    return Route("action", id_, listener, refused)


def view(id_: Any, listener: Listener) -> Route:
    return Route("view", id_, listener)


def view_closed(id_: Any, listener: Listener) -> Route:
    return Route("view_closed", id_, listener)


def shortcut(id_: Any, listener: Listener) -> Route:
    return Route("shortcut", id_, listener)


def event(event_type: Any, listener: Listener) -> Route:
    return Route("event", event_type, listener)


def options(id_: Any, listener: Listener) -> Route:
    return Route("options", id_, listener)


class Router:
    def __init__(self, app: AsyncApp, deps: Deps) -> None:
        self.app = app
        self.deps = deps
        self.routes: list[Route] = []

    def add(self, routes: Iterable[Route]) -> None:
        """Register a handlers module's `ROUTES` table."""
        for route in routes:
            decorator = getattr(self.app, route.kind)
            self._on(route.kind, route.id, decorator(route.id), route.refused)(route.listener)

    def _on(
        self,
        kind: str,
        id_: Any,
        bolt_decorator: Callable[..., Any],
        refused: Refused | None = None,
    ) -> Callable[[Listener], Listener]:
        authorize = str(id_) if kind in _AUTHORIZED_HERE and isinstance(id_, str) else None

        def register(fn: Listener) -> Listener:
            self.routes.append(Route(kind, id_, fn))
            wrapped = self._wrap(
                fn, ack_first=kind in _ACK_FIRST, authorize=authorize, refused=refused
            )
            bolt_decorator(wrapped)
            return fn

        return register

    def _wrap(
        self,
        fn: Listener,
        *,
        ack_first: bool,
        authorize: str | None,
        refused: Refused | None,
    ) -> Listener:
        wanted = inspect.getfullargspec(fn).args
        deps = self.deps

        @functools.wraps(fn)
        async def listener(args: AsyncArgs) -> None:
            context = args.context
            trigger_id = (args.body or {}).get("trigger_id")
            async with deps.tasks.track():
                # A form opened for this request must open within the trigger's 3 s.
                with trigger.waiting() if trigger_id else contextlib.nullcontext():
                    await self._run(
                        fn,
                        wanted,
                        args,
                        context,
                        ack_first=ack_first,
                        authorize=authorize,
                        refused=refused,
                    )

        # Bolt reads the listener's argument names through __wrapped__; we want `args` only.
        del listener.__wrapped__
        return listener

    async def _run(
        self,
        fn: Listener,
        wanted: list[str],
        args: AsyncArgs,
        context: Any,
        *,
        ack_first: bool,
        authorize: str | None,
        refused: Refused | None,
    ) -> None:
        deps = self.deps
        try:
            if ack_first and args.ack.response is None:
                await args.ack()
            if not await prepare_context(deps, context, args.body or {}):
                return  # a redelivered event
            if authorize is not None and role_needed(authorize) > Role.MEMBER:
                team_id, user_id = actor(args.body or {})
                if refused is not None and not await can(deps, team_id, user_id, authorize):
                    log.warning("%s refused: %s", authorize, user_id)
                    await refused(deps, args.client, context["t"], args.body or {}, authorize)
                    return
                await require(deps, team_id, user_id, authorize)  # NotAuthorized: answered below
            kwargs: dict[str, Any] = {}
            for name in wanted:
                if name == "args":
                    kwargs[name] = args
                elif name == "respond":
                    kwargs[name] = respond_for(args)
                elif name in context:
                    kwargs[name] = context[name]
                else:
                    kwargs[name] = getattr(args, name)
            await fn(**kwargs)
        except UserFacingError as exc:
            t = context.get("t") or translator(deps.settings.default_locale)
            await _answer(args, t(exc.message, **exc.params))
        except Exception:
            log.exception("handler %s failed", fn.__name__)
            t = context.get("t") or translator(deps.settings.default_locale)
            await _answer(args, t(GENERIC_ERROR))


def respond_for(args: AsyncArgs) -> Any:
    """Bolt's `respond` when Slack gave a response_url, else one that answers anyway."""
    body = args.body or {}
    if args.respond is not None and (body.get("response_url") or body.get("response_urls")):
        return args.respond
    return _RespondAnywhere(args)


class _RespondAnywhere:
    """`respond` without a response_url (a click in a Home tab or a modal, a slash command
    Slack sent without one): an ephemeral message where the person is, else a direct message;
    never raises when neither can be delivered. Replacing the original is not possible there,
    so the answer always comes as a new message."""

    def __init__(self, args: AsyncArgs) -> None:
        self._args = args

    async def __call__(
        self, text: str = "", blocks: list[dict[str, Any]] | None = None, **_options: Any
    ) -> None:
        user_id, channel_id = self._args.context.user_id, self._args.context.channel_id
        if user_id:
            await tell(self._args.client, text, blocks, user_id=user_id, channel_id=channel_id)


async def _answer(args: AsyncArgs, text: str) -> None:
    """Tell the person, by whatever channel this kind of request allows."""
    ack = args.ack
    if ack is not None and ack.response is None:
        await ack()
    try:
        await respond_for(args)(text=text, response_type="ephemeral", replace_original=False)
    except Exception:
        log.warning("could not tell the user about an error", exc_info=True)
