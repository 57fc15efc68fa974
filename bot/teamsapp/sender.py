"""Every call Fika makes to the Bot Connector, paced inside Teams' limits and retried.

Through the Teams SDK's connector client (`microsoft_teams.api.ApiClient`), one per service
URL. Teams' published limits for a bot: 7 messages a second in one conversation, and per
tenant — Fika keeps itself to 20 a second (bot/platform/pacing.py waits before each call). A
429 is waited out (its Retry-After, else a doubling back-off) and tried again, as are 5xx
answers and dropped connections; after `ATTEMPTS` tries, or at once for a refusal that no
retry can fix, `TeamsSendError` says why (`code` is Teams' error code, `transient` whether a
later pass may succeed). Tokens never reach a log: errors carry only status and code.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import httpx
from microsoft_teams.api import Account, ApiClient
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.clients.conversation.params import CreateConversationParams
from microsoft_teams.common import ClientOptions

from bot.platform.pacing import MethodLimit, Pacer, Window, scaled
from bot.teamsapp.token import BotToken, TokenError

log = logging.getLogger(__name__)

#: Teams' published limits for a bot's messages to one conversation (per bot and conversation:
#: 7 in 1 s, 8 in 2 s, 60 in 30 s, 1800 in an hour), and Fika's own ceiling per tenant (20/s,
#: below Teams' per-app limit). Every window must have room before a message goes.
CONVERSATION_WINDOWS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
TENANT_PER_SECOND = 20
#: Each window a tenth longer than Teams': requests that leave in step may arrive closer.
HEADROOM = 1.1
TEAMS_LIMITS = {
    **{
        f"teams.conversation.{seconds:g}s": MethodLimit(
            per_channel=Window(calls, seconds * HEADROOM)
        )
        for calls, seconds in CONVERSATION_WINDOWS
    },
    "teams.tenant": MethodLimit(per_channel=Window(TENANT_PER_SECOND, HEADROOM)),
}
ATTEMPTS = 5
PAGE_SIZE = 200
MAX_MEMBERS = 20_000
MAX_RETRY_AFTER = 60.0

T = TypeVar("T")


class TeamsSendError(Exception):
    """Teams did not take the call. `code`: its error code (or the HTTP status, or the kind of
    outage); `status`: the HTTP status (0: no answer); `transient`: a later try may work."""

    def __init__(self, code: str, status: int, transient: bool, maybe_sent: bool = False) -> None:
        super().__init__(f"{code} (HTTP {status})")
        self.code = code
        self.status = status
        self.transient = transient
        # The request went out and no answer came back: the message may be there.
        self.maybe_sent = maybe_sent


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"http_{response.status_code}"
    error: Any = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str):
        return str(error["code"])[:64]
    return f"http_{response.status_code}"


def _retry_after(response: httpx.Response, attempt: int) -> float:
    raw = response.headers.get("Retry-After", "")
    try:
        seconds = float(raw)
    except ValueError:
        return min(MAX_RETRY_AFTER, 0.5 * 2.0**attempt)
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


class TeamsSender:
    def __init__(
        self,
        token: BotToken,
        *,
        rate_scale: float = 1.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._token = token
        self._clients: dict[str, ApiClient] = {}
        self.pacer = Pacer(scaled(TEAMS_LIMITS, rate_scale))
        self._sleep = sleep
        self._scale = rate_scale
        self.retried = 0  # for tests and logs: tries repeated after a 429/5xx

    @contextlib.asynccontextmanager
    async def _paced(self, team_id: str, conversation_id: str) -> AsyncIterator[None]:
        """A place in the tenant's window and in each of the conversation's."""
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(self.pacer.slot("teams.tenant", team_id))
            for _calls, seconds in CONVERSATION_WINDOWS:
                method = f"teams.conversation.{seconds:g}s"
                await stack.enter_async_context(self.pacer.slot(method, conversation_id))
            yield

    def client(self, service_url: str) -> ApiClient:
        key = service_url.rstrip("/")
        if key not in self._clients:
            self._clients[key] = ApiClient(key, ClientOptions(token=self._token.get))
        return self._clients[key]

    async def _call(
        self, what: str, call: Callable[[], Awaitable[T]], *, repeatable: bool = True
    ) -> T:
        """`repeatable=False` (a new message): a failure after the request went out — no
        answer, a dropped connection — is not tried again here, since the message may have
        landed; the caller's books decide (bot/teamsapp/coffee_effects.py)."""
        for attempt in range(ATTEMPTS):
            try:
                return await call()
            except TokenError as exc:
                raise TeamsSendError("token_unavailable", 0, transient=True) from exc
            except httpx.HTTPStatusError as exc:
                response = exc.response
                status = response.status_code
                code = _code(response)
                if status == 401 and attempt == 0:
                    self._token.forget()  # an expired or revoked token: get a new one once
                    continue
                if status == 429 or status >= 500:
                    if attempt + 1 < ATTEMPTS:
                        # A 429's Retry-After is Teams' own word and waited in full.
                        if status == 429:
                            wait = _retry_after(response, attempt)
                        else:
                            wait = 0.5 * 2**attempt / self._scale
                        log.info("Teams %s: HTTP %s, trying again in %.2f s", what, status, wait)
                        self.retried += 1
                        await self._sleep(wait)
                        continue
                    raise TeamsSendError(code, status, transient=True) from None
                raise TeamsSendError(code, status, transient=False) from None
            except (httpx.TransportError, TimeoutError) as exc:
                sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                if sent and not repeatable:
                    raise TeamsSendError("no_answer", 0, transient=True, maybe_sent=True) from None
                if attempt + 1 < ATTEMPTS:
                    self.retried += 1
                    await self._sleep(0.5 * 2**attempt / self._scale)
                    continue
                raise TeamsSendError(type(exc).__name__, 0, transient=True) from None
        raise TeamsSendError("unauthorized", 401, transient=False)

    async def send(
        self, team_id: str, conversation_id: str, service_url: str, activity: dict[str, Any]
    ) -> str:
        """Post a message activity; its activity id."""
        params = MessageActivityInput.model_validate(activity)
        conversations = self.client(service_url).conversations
        async with self._paced(team_id, conversation_id):
            sent = await self._call(
                "send",
                lambda: conversations.create_activity(conversation_id, params),
                repeatable=False,
            )
        return str(sent.id)

    async def update(
        self,
        team_id: str,
        conversation_id: str,
        service_url: str,
        activity_id: str,
        activity: dict[str, Any],
    ) -> None:
        """Replace a message the bot sent (a card updated in place)."""
        params = MessageActivityInput.model_validate(activity)
        conversations = self.client(service_url).conversations
        async with self._paced(team_id, conversation_id):
            await self._call(
                "update",
                lambda: conversations.update_activity(conversation_id, activity_id, params),
            )

    async def open_personal(
        self, team_id: str, service_url: str, teams_user_id: str, tenant_id: str
    ) -> str:
        """The 1:1 conversation with a person (Teams answers with the existing one): only
        possible when the app is installed for them."""
        params = CreateConversationParams(
            members=[Account(id=teams_user_id)],
            tenant_id=tenant_id,
        )
        client = self.client(service_url)
        async with self.pacer.slot("teams.tenant", team_id):
            created = await self._call("open", lambda: client.conversations.create(params))
        return str(created.id)

    async def members(
        self, team_id: str, service_url: str, conversation_id: str
    ) -> list[dict[str, Any]]:
        """Everyone in a channel's team or a chat, as the connector lists them, every page
        (Teams' paged roster: the unpaged one is deprecated for large teams)."""
        conversations = self.client(service_url).conversations
        members: list[dict[str, Any]] = []
        token: str | None = None

        async def page_after(after: str | None) -> Any:
            return await conversations.get_paged_members(conversation_id, PAGE_SIZE, after)

        while True:
            async with self.pacer.slot("teams.tenant", team_id):
                page = await self._call("members", functools.partial(page_after, token))
            members += [m.model_dump(by_alias=True, exclude_none=True) for m in page.members]
            token = page.continuation_token
            if not token or len(members) >= MAX_MEMBERS:
                return members
