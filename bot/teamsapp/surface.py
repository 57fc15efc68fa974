"""The Teams surface of one process: the Teams SDK's App on Fika's aiohttp server.

`/api/messages` sits next to `/slack/events` (bot/platform/server.py). The SDK checks every
request's JWT — signed by a key of the Bot Framework's OpenID metadata, issuer, audience (the
bot's id), expiry and the `serviceurl` claim against the body's serviceUrl — before any of
Fika's code sees the activity; a request that fails gets 401. What passes goes to the
composition root's `dispatch` (handlers/teams_router.py), which answers invokes with a body.
The adapter below refuses what is not an activity at all (not JSON, not an object, too deep,
too large, not the SDK's activity shape) with 400 before the SDK parses it, so no body can
make the door answer 500.
"""

from __future__ import annotations

import contextvars
import copy
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps import App
from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler
from pydantic import ValidationError

from bot.platform.bodies import MAX_BODY_BYTES, sanitized
from bot.platform.config import TeamsSettings
from bot.platform.deps import Deps
from bot.platform.i18n import Translator, resolve_locale, translator
from bot.teams.ids import MESSAGING_PATH
from bot.teamsapp import store
from bot.teamsapp.invoke import card_activity
from bot.teamsapp.models import TeamsPerson
from bot.teamsapp.sender import TeamsSender
from bot.teamsapp.token import BotToken
from bot.teamsapp.turn import Turn

log = logging.getLogger(__name__)

Dispatch = Callable[["TeamsSurface", dict[str, Any]], Awaitable[Any]]

#: The request's activity as Teams sent it (JSON keys as on the wire), for the handlers: the
#: SDK's models would rename and drop fields they do not know.
_RAW: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "teams_raw_activity", default=None
)


class AiohttpAdapter:
    """The SDK's HttpServerAdapter over Fika's own aiohttp application."""

    def __init__(self, web_app: web.Application) -> None:
        self.web_app = web_app

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        async def route(request: web.Request) -> web.Response:
            if (request.content_length or 0) > MAX_BODY_BYTES:
                return web.json_response({"error": "request body too large"}, status=413)
            try:
                raw = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return web.json_response({"error": "request body too large"}, status=413)
            try:
                body = json.loads(raw)
            except (UnicodeDecodeError, ValueError, RecursionError):
                return web.json_response({"error": "body is not JSON"}, status=400)
            if not isinstance(body, dict) or not sanitized(body):
                return web.json_response({"error": "not an activity"}, status=400)
            raw_activity = copy.deepcopy(body)  # for Fika's handlers: the SDK may change its own
            _readable_by_the_sdk(body)
            if not _activity_shape(body):
                return web.json_response({"error": "not an activity"}, status=400)
            headers = {k.lower(): v for k, v in request.headers.items()}
            token = _RAW.set(raw_activity)
            try:
                answer = await handler(HttpRequest(body=body, headers=headers))
            finally:
                _RAW.reset(token)
            status = int(answer.get("status") or 200)
            payload = answer.get("body")
            if payload is None:
                return web.Response(status=status)
            return web.json_response(payload, status=status)

        self.web_app.router.add_route(method, path, route)

    def serve_static(self, path: str, directory: str) -> None:
        """Fika serves no tabs or pages."""

    async def start(self, port: int) -> None:
        raise NotImplementedError("Fika's own aiohttp server serves /api/messages")

    async def stop(self) -> None:
        """Stopped with Fika's server."""


def _readable_by_the_sdk(body: dict[str, Any]) -> None:
    """microsoft-teams-api 2.1.1 takes only "manual" as an Action.Execute's `trigger`, but Teams
    sends "automatic" when it refreshes a card by itself (Adaptive Cards' Universal Actions:
    `refresh`); the SDK would answer that with a 500. Its copy says "manual"; Fika's handlers
    read the activity as Teams sent it (`_RAW`)."""
    value = body.get("value")
    automatic = isinstance(value, dict) and value.get("trigger") == "automatic"
    if body.get("name") == "adaptiveCard/action" and automatic:
        body["value"]["trigger"] = "manual"


def _activity_shape(body: dict[str, Any]) -> bool:
    """Whether the SDK can read the body as an activity: its own two validations (the core
    fields, then the activity's type and invoke name), which it would otherwise fail with a
    500 after the signature check."""
    from microsoft_teams.api.activities import ActivityTypeAdapter
    from microsoft_teams.apps.events import CoreActivity

    if not isinstance(body.get("type"), str):
        return False
    try:
        core = CoreActivity.model_validate(body)
        ActivityTypeAdapter.validate_python(core.model_dump(by_alias=True, exclude_none=True))
    except (ValidationError, ValueError, TypeError):
        return False
    return True


@dataclass
class TeamsSurface:
    deps: Deps
    settings: TeamsSettings
    sender: TeamsSender
    app: App
    dispatch: Dispatch | None = None
    failures: list[str] = field(default_factory=list)  # handler errors, for logs and tests

    @property
    def chat(self) -> Any:
        """The chat port on Teams (bot/teamsapp/chat.py)."""
        from bot.teamsapp.chat import TeamsChat

        return TeamsChat(self)

    def tip_messages(self) -> Any:
        """The tips' port on Teams (bot/teamsapp/tip_messages.py), for `bot.tips.surface`."""
        from bot.teamsapp.tip_messages import TeamsTipMessages

        return TeamsTipMessages(self)

    def coffee_effects(self) -> Any:
        """The coffee port on Teams (bot/teamsapp/coffee_effects.py), for `bot.coffee.surface`."""
        from bot.teamsapp.coffee_effects import TeamsCoffeeEffects

        return TeamsCoffeeEffects(self)

    # ------------------------------------------------------------------ people and language
    async def person(self, team_id: str, user_id: str) -> TeamsPerson | None:
        async with self.deps.db() as session:
            return await store.person(session, team_id, user_id)

    async def translator(self, team_id: str, user_id: str | None) -> Translator:
        """The person's language: their choice in Fika, else Teams', else DEFAULT_LOCALE."""
        from bot.people.members import get_member

        default = self.deps.settings.default_locale
        if user_id is None:
            return translator(default)
        async with self.deps.db() as session:
            member = await get_member(session, team_id, user_id)
            person = await store.person(session, team_id, user_id)
        stored = member.locale_pref if member else None
        teams_locale = (person.locale if person else None) or (
            member.slack_locale if member else None
        )
        return translator(resolve_locale(stored, teams_locale, default))

    # ------------------------------------------------------------------ sending
    async def reply(self, turn: Turn, activity: dict[str, Any]) -> str:
        """Post into the conversation the activity came from (a channel's thread, a chat)."""
        return await self.sender.send(
            turn.team_id, turn.conversation_id, turn.service_url, activity
        )

    async def reply_card(self, turn: Turn, card: dict[str, Any], summary: str = "") -> str:
        return await self.reply(turn, card_activity(card, summary))

    async def to_person(self, team_id: str, user_id: str, activity: dict[str, Any]) -> str | None:
        """Into the person's personal chat with the bot; None when the app is not installed
        for them (Teams lets a bot message only where it was installed)."""
        found = await self.person(team_id, user_id)
        if found is None or not found.installed or not found.conversation_id:
            return None
        return await self.sender.send(team_id, found.conversation_id, found.service_url, activity)


def cloud_of(settings: TeamsSettings) -> Any:
    """Microsoft's public cloud, with the OpenID metadata, issuer and login URLs of the
    settings (the tests point them at their fake)."""
    return with_overrides(
        PUBLIC,
        openid_metadata_url=settings.openid_url,
        token_issuer=settings.token_issuer,
        login_endpoint=settings.login_url,
    )


def build_surface(deps: Deps, web_app: web.Application, dispatch: Dispatch) -> TeamsSurface:
    """The Teams surface on `web_app` (call before the server starts; then `await
    surface.app.initialize()`)."""
    settings = deps.settings.teams
    if settings is None:
        raise ValueError("the Teams surface needs TEAMS_* settings")
    token = BotToken(settings)

    async def bot_token(_scope: Any, _tenant: str | None = None) -> str:
        return await token.get()

    app = App(
        client_id=settings.bot_id,
        token=bot_token,
        http_server_adapter=AiohttpAdapter(web_app),
        messaging_endpoint=MESSAGING_PATH,
        cloud=cloud_of(settings),
    )
    surface = TeamsSurface(
        deps=deps,
        settings=settings,
        sender=TeamsSender(token, rate_scale=settings.rate_scale),
        app=app,
        dispatch=dispatch,
    )

    async def on_activity(ctx: Any) -> Any:
        activity = _RAW.get()
        if activity is None:  # not from /api/messages (the SDK's own plumbing)
            activity = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
        return await dispatch(surface, activity)

    app.on_activity(on_activity)
    return surface
