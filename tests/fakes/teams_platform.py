"""An offline Microsoft Teams for the tests: the Bot Framework's OpenID keys, the token endpoint
the bot's client credentials go to, and the Bot Connector REST API v3 — each enforcing the
rules Microsoft publishes (sources below), never what Fika happens to send.

``FakeTeams`` serves on 127.0.0.1 (a free port) from its own THREAD and event loop: the Teams
SDK fetches the OpenID keys with a blocking ``urllib`` call (``jwt.PyJWKClient``), which would
freeze a server living in the test's loop. Use it as a context manager (``with FakeTeams() as
fake:``) or through the ``fake_teams`` fixture (tests/teams/conftest.py).

What it serves (``fake.base`` is ``http://127.0.0.1:<port>``):

- ``GET /v1/.well-known/openidconfiguration`` and ``GET /v1/.well-known/keys`` — the metadata
  and JWKS of an RSA key the fake made (``kid`` set, ``"endorsements": ["msteams"]``). The SDK
  derives the keys' URL from the metadata URL (``/openidconfiguration`` → ``/keys``,
  microsoft_teams/apps/auth/token_validator.py ``TokenValidator.for_service``): point the app's
  ``openid_metadata_url`` at ``fake.openid_url``.
- ``POST /{tenant}/oauth2/v2.0/token`` — client credentials for the bot's outbound calls
  (``fake.login_endpoint`` is the base to use instead of https://login.microsoftonline.com).
- the Bot Connector under ``fake.service_url`` (``{base}/teams/``): create a 1:1 conversation
  (or a channel thread), send, reply, update, members (all, paged, one), a team's details and
  channels.

Rules, each from Microsoft's documentation:

- Every connector call carries ``Authorization: Bearer <token from the token endpoint>``, not
  expired; else 401 "Authorization has been denied for this request." ("Authentication with
  the Bot Connector API", learn.microsoft.com/azure/bot-service/rest-api/
  bot-framework-rest-connector-authentication). The token request needs
  ``grant_type=client_credentials``, the app's ``client_id``/``client_secret`` and
  ``scope=https://api.botframework.com/.default``; a wrong secret is 401 ``invalid_client``.
- Error bodies and codes as in "Status codes from bot conversational APIs" (Teams docs,
  bots/build-conversational-capability / conversation-messages): 400 ``BadArgument`` (an
  invalid activity; the problems are kept in ``fake.rejected``), 400 ``BadSyntax`` for a
  body that is not JSON or a create-conversation request Teams cannot read ("Incorrect
  conversation creation parameters", "Could not parse tenant id", as the connector answers),
  403 ``BotNotInConversationRoster`` (the app is not, or no longer, installed there), 403
  ``ConversationBlockedByUser``, 403 ``ForbiddenOperationException`` ("Bot isn't installed in
  user's personal scope": a proactive 1:1 to someone who has not installed the app and shares
  no team with it — "For a user to receive proactive messages, install the app for the user
  or make the user a part of a team in which the app is installed", "Send proactive
  messages"; by aadObjectId only a personal install counts), 404 ``ConversationNotFound``, 404
  ``ActivityNotFoundInConversation`` (update of an unknown message), 413 ``MessageSizeTooBig``,
  429 ``Throttled`` with ``Retry-After`` (seconds).
- Outgoing activities must pass ``bot.teams.validation.activity_problems`` (Adaptive Cards 1.5
  schema, version ≤ 1.5, Action.Execute verbs, and the 28 KB budget of the contract; Teams'
  published limit grew from 28 KB to 40 KB to "approximately 100 KB", UTF-16 — "Format your bot
  messages"; a message over budget is refused with 413 as Teams refuses one over its limit).
- Rate limits, "Optimize your bot with rate limiting in Teams" (bots/how-to/rate-limit), per
  bot per thread: send 7/1 s, 8/2 s, 60/30 s, 1800/3600 s; create conversation the same; get
  members and get conversations 14/1 s, 16/2 s, 120/30 s, 3600/3600 s; and "the global limit
  per app per tenant is 50 requests per second". Over a limit: 429 with Retry-After, and the
  call does not count. ``fake.rate_limits = False`` turns them off; ``clock=`` takes another
  clock (seconds, monotonic) for tests that step time.

Everything is recorded: ``fake.calls`` (method, path, query, headers without the token, json,
status, response), ``fake.activities(conversation_id)`` (the bot's messages, as updated),
``fake.cards(conversation_id)``, ``fake.updates``, ``fake.rejected``, ``fake.conversations``.
Planted faults: ``fake.fail_next(method, path_regex, status=…, retry_after=…, times=…)``,
``reset=True`` for a dropped connection, ``after=True`` for "done, then 500".

Scaffolding: ``add_user``, ``add_team``, ``install``/``uninstall``/``block``,
``personal_conversation``; builders of inbound activities shaped as Teams sends them (the
examples in "Conversation events in your Teams bot", "Universal Actions for Adaptive Cards",
"Dialogs", "Message extensions"; fields as the SDK's models in microsoft_teams/api/activities
read them); ``authorization(...)`` signs one as the Bot Connector does; ``post_activity``
delivers it to the app's /api/messages.

Deterministic: ids come from counters; only the rate limits read a clock.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import re
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import jwt
from aiohttp import ClientSession, web
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.teams.validation import (
    ADAPTIVE_CARD,
    MAX_MESSAGE_BYTES,
    activity_problems,
    card_problems,
    compact_size,
)

JSON = dict[str, Any]

ISSUER = "https://api.botframework.com"
BOT_SCOPE = "https://api.botframework.com/.default"
MULTI_TENANT = "botframework.com"
DEFAULT_APP_ID = "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d"
DEFAULT_APP_SECRET = "fake-teams-client-secret"
DEFAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
DEFAULT_KID = "fake-teams-key-1"
TOKEN_LIFETIME = 3599
DENIED = {"message": "Authorization has been denied for this request."}
#: (seconds, operations) per bot per thread, from "Optimize your bot with rate limiting".
SEND_LIMITS = ((1, 7), (2, 8), (30, 60), (3600, 1800))
CREATE_LIMITS = SEND_LIMITS
READ_LIMITS = ((1, 14), (2, 16), (30, 120), (3600, 3600))
#: "The global limit per app per tenant is 50 Requests Per Second (RPS)."
GLOBAL_LIMITS = ((1, 50),)
PAGE_SIZE = 200
MAX_PAGE_SIZE = 500
_ACTIVITY_EPOCH_MS = 1_767_000_000_000


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class User:
    tenant_id: str
    id: str  # "29:…", the bot-specific Teams user id
    aad_object_id: str
    name: str
    upn: str
    locale: str

    def account(self) -> JSON:
        """As `from` of an inbound activity."""
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}

    def member(self) -> JSON:
        """As the connector lists a member (TeamsChannelAccount)."""
        given, _, surname = self.name.partition(" ")
        return {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": given,
            "surname": surname or None,
            "email": self.upn,
            "userPrincipalName": self.upn,
            "tenantId": self.tenant_id,
            "userRole": "user",
        }


@dataclass(frozen=True)
class Channel:
    id: str  # "19:…@thread.tacv2"
    name: str
    team_id: str


@dataclass
class Team:
    tenant_id: str
    id: str  # the General channel's id, as in Teams
    name: str
    aad_group_id: str
    channels: list[Channel]
    members: list[User]
    installed: bool = False

    @property
    def general(self) -> Channel:
        return self.channels[0]

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"no channel {name!r} in team {self.name!r}")


@dataclass
class Conversation:
    id: str
    tenant_id: str
    kind: str  # "personal" | "channel"
    user: User | None = None  # personal
    team: Team | None = None  # channel
    channel: Channel | None = None
    created: bool = False  # personal: opened (by POST /v3/conversations or by the user)
    activities: dict[str, JSON] = field(default_factory=dict)

    @property
    def members(self) -> list[User]:
        if self.user is not None:
            return [self.user]
        return list(self.team.members) if self.team else []


@dataclass(frozen=True)
class Call:
    """One request the fake answered (the Authorization value is not kept)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    status: int
    response: Any
    injected: bool = False


@dataclass(frozen=True)
class Rejected:
    """An outgoing activity the connector refused, and why."""

    method: str
    path: str
    conversation_id: str
    status: int
    code: str
    problems: list[str]
    activity: Any


@dataclass(frozen=True)
class Update:
    conversation_id: str
    activity_id: str
    before: JSON
    after: JSON


@dataclass
class _Fault:
    method: str
    path: re.Pattern[str]
    status: int
    retry_after: int | None
    times: int
    code: str | None
    reset: bool
    after: bool


class _Refusal(Exception):
    def __init__(
        self, status: int, body: Any, headers: dict[str, str] | None = None, *, code: str = ""
    ):
        super().__init__(f"{status} {body}")
        self.status, self.body, self.headers, self.code = status, body, headers or {}, code


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> _Refusal:
    return _Refusal(status, {"error": {"code": code, "message": message}}, headers, code=code)


@cache
def _keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    """The key the JWKS publishes and one it does not (made once per process: slow-ish)."""
    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


def _guid(kind: int, n: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


# --------------------------------------------------------------------------- the fake


class FakeTeams:
    def __init__(
        self,
        *,
        app_id: str = DEFAULT_APP_ID,
        app_secret: str = DEFAULT_APP_SECRET,
        app_tenant: str = DEFAULT_TENANT,
        bot_name: str = "Fika",
        clock: Callable[[], float] = time.monotonic,
        rate_limits: bool = True,
    ) -> None:
        self.app_id, self.app_secret, self.app_tenant = app_id, app_secret, app_tenant
        self.bot_name = bot_name
        self.bot_id = f"28:{app_id}"
        self.clock = clock
        self.rate_limits = rate_limits
        self.kid = DEFAULT_KID
        self._key, self._other_key = _keys()
        self._lock = threading.RLock()
        self._counter = 0
        self.users: dict[str, User] = {}  # by "29:" id
        self.teams: dict[str, Team] = {}
        self.conversations: dict[str, Conversation] = {}
        self.installed: set[str] = set()  # users ("29:" ids) with the app in personal scope
        self.blocked: set[str] = set()
        self.uninstalled: set[str] = set()  # users who removed the app (personal scope)
        self.calls: list[Call] = []
        self.rejected: list[Rejected] = []
        self.updates: list[Update] = []
        self.tokens_issued: list[str] = []
        self._tokens: dict[str, float] = {}  # access token → expiry (time.time())
        self._faults: list[_Fault] = []
        self._windows: dict[tuple[str, str], deque[float]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeTeams:
        failed: list[BaseException] = []
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                app = web.Application(client_max_size=4 * 1024 * 1024)
                app.router.add_route("*", "/{tail:.*}", self._handle)
                runner = web.AppRunner(app, access_log=None)
                loop.run_until_complete(runner.setup())
                site = web.TCPSite(runner, "127.0.0.1", 0)
                loop.run_until_complete(site.start())
                self._runner = runner
                self.port = int(runner.addresses[0][1])
            except BaseException as exc:  # surfaced by start()
                failed.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-teams", daemon=True)
        self._thread.start()
        if not ready.wait(20):
            raise RuntimeError("the fake Teams did not start within 20 s")
        if failed:
            raise failed[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(20)
        self._thread = None

    def __enter__(self) -> FakeTeams:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service_url(self) -> str:
        return f"{self.base}/teams/"

    @property
    def openid_url(self) -> str:
        return f"{self.base}/v1/.well-known/openidconfiguration"

    @property
    def keys_url(self) -> str:
        return f"{self.base}/v1/.well-known/keys"

    @property
    def login_endpoint(self) -> str:
        """Where `{login_endpoint}/{tenant}/oauth2/v2.0/token` is served."""
        return self.base

    def token_url(self, tenant: str | None = None) -> str:
        return f"{self.base}/{tenant or self.app_tenant}/oauth2/v2.0/token"

    # ------------------------------------------------------------------ scaffolding

    def _next(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def add_user(
        self,
        tenant: str = DEFAULT_TENANT,
        name: str = "Ann Andersson",
        upn: str | None = None,
        locale: str = "sv-SE",
    ) -> User:
        """A person of `tenant` with a Teams id ("29:…"), an Entra object id (a GUID) and the
        1:1 chat the bot would have with them (see `personal_conversation`)."""
        n = self._next()
        user = User(
            tenant_id=tenant,
            id=f"29:1fake-user-{n:04d}",
            aad_object_id=_guid(0xAAD, n),
            name=name,
            upn=upn or f"user{n}@{tenant[:8]}.example",
            locale=locale,
        )
        with self._lock:
            self.users[user.id] = user
            conversation_id = f"a:1fake-chat-{n:04d}"
            self.conversations[conversation_id] = Conversation(
                conversation_id, tenant, "personal", user=user
            )
        return user

    def add_team(
        self,
        tenant: str = DEFAULT_TENANT,
        name: str = "Biblioteket",
        channels: list[str] | tuple[str, ...] = ("General",),
        members: list[User] | tuple[User, ...] = (),
        *,
        installed: bool = True,
    ) -> Team:
        """A team with its channels (the first is General; its id is the team's id, as in
        Teams) and members; the app installed in it unless `installed=False`."""
        n = self._next()
        team_id = f"19:fake-team-{n:04d}@thread.tacv2"
        made: list[Channel] = []
        for index, channel_name in enumerate(channels or ("General",)):
            channel_id = team_id if index == 0 else f"19:fake-channel-{n:04d}-{index}@thread.tacv2"
            made.append(Channel(channel_id, channel_name, team_id))
        team = Team(tenant, team_id, name, _guid(0x6E0, n), made, list(members), installed)
        with self._lock:
            self.teams[team_id] = team
            for channel in made:
                self.conversations[channel.id] = Conversation(
                    channel.id, tenant, "channel", team=team, channel=channel
                )
        return team

    def add_member(self, team: Team, user: User) -> None:
        with self._lock:
            if user not in team.members:
                team.members.append(user)

    def remove_member(self, team: Team, user: User) -> None:
        with self._lock:
            if user in team.members:
                team.members.remove(user)

    def personal_conversation(self, user: User) -> str:
        """The id of the bot's 1:1 chat with `user` (what POST /v3/conversations answers)."""
        with self._lock:
            for conversation in self.conversations.values():
                if conversation.user == user:
                    return conversation.id
        raise KeyError(user.id)

    def install(self, user: User) -> None:
        """The user adds the app in personal scope."""
        with self._lock:
            self.installed.add(user.id)
            self.uninstalled.discard(user.id)
            self.blocked.discard(user.id)
            self.conversations[self.personal_conversation(user)].created = True

    def uninstall(self, user: User) -> None:
        """The user removes the app: the bot's sends to their chat are refused (403), and
        they cannot write to it (building a message from them raises)."""
        with self._lock:
            self.installed.discard(user.id)
            self.uninstalled.add(user.id)

    def block(self, user: User) -> None:
        """The user blocks the bot's 1:1 chat (sends answer 403 ConversationBlockedByUser)."""
        with self._lock:
            self.blocked.add(user.id)

    def install_team(self, team: Team, installed: bool = True) -> None:
        with self._lock:
            team.installed = installed

    def channel_of(self, conversation_id: str) -> Channel | None:
        conversation = self._conversation(conversation_id)
        return conversation.channel if conversation else None

    # ------------------------------------------------------------------ records

    def activities(self, conversation_id: str) -> list[JSON]:
        """The bot's messages in a conversation (a channel: with its threads), as updated."""
        with self._lock:
            base = conversation_id.split(";", 1)[0]
            found: list[JSON] = []
            conversation = self.conversations.get(base)
            if conversation is None:
                return []
            for activity in conversation.activities.values():
                thread = activity["conversation"]["id"]
                if conversation_id == base or thread == conversation_id:
                    found.append(copy.deepcopy(activity))
            return found

    def activity(self, conversation_id: str, activity_id: str) -> JSON:
        with self._lock:
            conversation = self._conversation(conversation_id)
            if conversation is None or activity_id not in conversation.activities:
                raise KeyError(f"{conversation_id} has no activity {activity_id}")
            return copy.deepcopy(conversation.activities[activity_id])

    def cards(self, conversation_id: str) -> list[JSON]:
        """The Adaptive Cards (attachment contents) of the bot's messages, in order."""
        return [
            attachment["content"]
            for activity in self.activities(conversation_id)
            for attachment in activity.get("attachments") or []
            if attachment.get("contentType") == ADAPTIVE_CARD
        ]

    def calls_to(self, method: str, path_regex: str) -> list[Call]:
        pattern = re.compile(path_regex)
        with self._lock:
            return [c for c in self.calls if c.method == method and pattern.search(c.path)]

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()
            self.rejected.clear()
            self.updates.clear()

    def expire_tokens(self) -> None:
        """Every access token issued so far is expired from now on (the next call is 401)."""
        with self._lock:
            for token in self._tokens:
                self._tokens[token] = 0.0

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 503,
        retry_after: int | None = None,
        times: int = 1,
        *,
        code: str | None = None,
        reset: bool = False,
        after: bool = False,
    ) -> None:
        """The next `times` connector (or token) calls `method` + path matching `path_regex`
        fail: HTTP `status` (429 gets Retry-After, default 1 s, and code Throttled), or
        `reset=True` a dropped connection. `after=True`: the call takes effect first (the
        message is stored) and still fails — Teams "sometimes" does, and a blind retry
        duplicates."""
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = _Fault(
            method.upper(), re.compile(path_regex), status, retry_after, times, code, reset, after
        )
        with self._lock:
            self._faults.append(fault)

    # ------------------------------------------------------------------ signing (inbound)

    def authorization(
        self,
        activity: JSON,
        *,
        app_id: str | None = None,
        audience: str | None = None,
        issuer: str = ISSUER,
        service_url: str | None = None,
        expires_in: int = 3600,
        key: str = "good",
        kid: str | None = None,
        not_before: int = 0,
    ) -> str:
        """`Authorization` header value for an inbound activity, as the Bot Connector signs
        one: RS256, claims aud (the app id), iss, serviceurl (the activity's), nbf, exp, iat.
        `key="other"` signs with a key the JWKS does not publish (kid unchanged)."""
        now = int(time.time())
        claims = {
            "serviceurl": service_url if service_url is not None else activity.get("serviceUrl"),
            "nbf": now + not_before - 5,
            "exp": now + expires_in,
            "iss": issuer,
            "aud": audience or app_id or self.app_id,
            "iat": now - 5,
        }
        signer = self._key if key == "good" else self._other_key
        token = jwt.encode(claims, signer, algorithm="RS256", headers={"kid": kid or self.kid})
        return f"Bearer {token}"

    def jwks(self) -> JSON:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {
            "keys": [
                {
                    **public,
                    "use": "sig",
                    "kid": self.kid,
                    "x5t": self.kid,
                    "endorsements": ["msteams"],
                }
            ]
        }

    async def post_activity(
        self, app_url: str, activity: JSON, *, strict: bool = True, **authorization: Any
    ) -> tuple[int, Any]:
        """POST `activity`, signed (see `authorization`), to the app's /api/messages;
        (status, json body or None). `strict`: an invoke's answer must be one Teams takes
        (see `invoke_response_problems`), else AssertionError."""
        url = _messages_url(app_url)
        headers = {"Authorization": self.authorization(activity, **authorization)}
        async with (
            ClientSession() as session,
            session.post(url, json=activity, headers=headers) as response,
        ):
            text = await response.text()
            status = response.status
        body = json.loads(text) if text.strip() else None
        if strict:
            problems = invoke_response_problems(activity, status, body)
            assert not problems, f"Teams would not take the app's answer: {problems}"
        return status, body

    def post_activity_sync(
        self, app_url: str, activity: JSON, *, strict: bool = True, **authorization: Any
    ) -> tuple[int, Any]:
        """`post_activity` for a test with no event loop (the app served elsewhere)."""
        url = _messages_url(app_url)
        request = urllib.request.Request(  # noqa: S310 (our own http URL)
            url,
            data=json.dumps(activity).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": self.authorization(activity, **authorization),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
        body = json.loads(text) if text.strip() else None
        if strict:
            problems = invoke_response_problems(activity, status, body)
            assert not problems, f"Teams would not take the app's answer: {problems}"
        return status, body

    # ------------------------------------------------------------------ inbound builders

    def bot_account(self) -> JSON:
        return {"id": self.bot_id, "name": self.bot_name}

    def _resolve(self, user: User, conversation: Any) -> tuple[Conversation, str]:
        """(conversation, the id the activity carries) for personal / a Channel / a Team /
        an id (a channel thread: "19:…;messageid=…")."""
        if conversation is None or conversation == "personal":
            found = self.conversations[self.personal_conversation(user)]
            return found, found.id
        if isinstance(conversation, Team):
            conversation = conversation.general
        if isinstance(conversation, Channel):
            return self.conversations[conversation.id], conversation.id
        if isinstance(conversation, str):
            found_by_id = self._conversation(conversation)
            if found_by_id is None:
                raise KeyError(f"no conversation {conversation!r}")
            return found_by_id, conversation
        raise TypeError(f"conversation={conversation!r}")

    def _timestamps(self) -> tuple[str, str]:
        now = datetime.now(UTC)
        local = now.astimezone(tz=None)
        return (
            now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            local.isoformat(timespec="milliseconds"),
        )

    def _inbound(
        self,
        kind: str,
        user: User,
        conversation: Any = None,
        *,
        activity_id: str | None = None,
        installing: bool = True,
    ) -> JSON:
        found, conversation_id = self._resolve(user, conversation)
        if found.kind == "personal" and installing:
            # Only someone with the app installed can use the bot's 1:1 chat ("Uninstall
            # behavior for personal app with bot": after removal, messages get 403).
            if user.id in self.uninstalled:
                raise RuntimeError(f"{user.name} removed the app: Teams delivers nothing of theirs")
            self.install(user)
        n = self._next()
        activity_id = activity_id or f"f:fake-{n:06d}"
        timestamp, local = self._timestamps()
        account: JSON = {"tenantId": found.tenant_id, "id": conversation_id}
        channel_data: JSON = {"tenant": {"id": found.tenant_id}}
        if found.kind == "personal":
            account = {"conversationType": "personal", **account}
        else:
            assert found.team is not None and found.channel is not None
            account = {"isGroup": True, "conversationType": "channel", **account}
            team: JSON = {"id": found.team.id, "name": found.team.name}
            team["aadGroupId"] = found.team.aad_group_id
            channel: JSON = {"id": found.channel.id}
            if found.channel.id != found.team.id:
                channel["name"] = found.channel.name
            channel_data = {
                "teamsChannelId": found.channel.id,
                "teamsTeamId": found.team.id,
                "channel": channel,
                "team": team,
                "tenant": {"id": found.tenant_id},
            }
        return {
            "type": kind,
            "id": activity_id,
            "timestamp": timestamp,
            "localTimestamp": local,
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": user.account(),
            "conversation": account,
            "recipient": self.bot_account(),
            "locale": user.locale,
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": user.locale,
                    "platform": "Web",
                    "timezone": "Europe/Stockholm",
                }
            ],
            "channelData": channel_data,
        }

    def message(
        self,
        user: User,
        text: str,
        conversation: Any = None,
        *,
        mention: bool | None = None,
        reply_to_id: str | None = None,
    ) -> JSON:
        """A message from `user`. In a channel the bot only hears messages that @mention it:
        the text starts "<at>Fika</at> " with its mention entity (`mention=False` leaves it
        out). A channel message with no `reply_to_id` starts a thread, whose conversation id
        is "<channel>;messageid=<its id>". In the 1:1 chat: the app is installed for `user`
        (nobody else can write there); RuntimeError if they removed it."""
        n = self._next()
        message_id = str(_ACTIVITY_EPOCH_MS + n)
        found, conversation_id = self._resolve(user, conversation)
        if found.kind == "channel" and ";messageid=" not in conversation_id:
            thread = reply_to_id or message_id
            conversation_id = f"{conversation_id};messageid={thread}"
        activity = self._inbound("message", user, conversation_id, activity_id=message_id)
        if mention is None:
            mention = found.kind == "channel"
        if mention:
            tag = f"<at>{self.bot_name}</at>"
            text = f"{tag} {text}"
            activity["entities"].append(
                {"type": "mention", "mentioned": self.bot_account(), "text": tag}
            )
        activity.update({"textFormat": "plain", "text": text})
        activity["attachments"] = [
            {"contentType": "text/html", "content": f"<div><div>{_html(text)}</div></div>"}
        ]
        if reply_to_id:
            activity["replyToId"] = reply_to_id
        return activity

    def install_activity(self, user: User, team: Team | None = None) -> JSON:
        """installationUpdate "add" from `user`: in personal scope (marks `install(user)`), or
        in `team` (marks the team installed; the conversation is its General channel)."""
        if team is None:
            self.install(user)
            activity = self._inbound("installationUpdate", user)
            activity["channelData"]["source"] = {"name": "message"}
        else:
            self.install_team(team)
            activity = self._inbound("installationUpdate", user, team.general)
            activity["channelData"]["settings"] = {"selectedChannel": {"id": team.general.id}}
            activity["channelData"]["source"] = {"name": "message"}
        activity["action"] = "add"
        return activity

    def uninstall_activity(self, user: User, team: Team | None = None) -> JSON:
        if team is None:
            self.uninstall(user)
            activity = self._inbound("installationUpdate", user, installing=False)
        else:
            self.install_team(team, installed=False)
            activity = self._inbound("installationUpdate", user, team.general)
        activity["action"] = "remove"
        return activity

    def bot_added_activity(self, user: User, team: Team | None = None) -> JSON:
        """conversationUpdate membersAdded [the bot] — sent with the installationUpdate when
        the app is added to a team (eventType teamMemberAdded) or to a 1:1 chat."""
        if team is None:
            activity = self._inbound("conversationUpdate", user)
            activity["membersAdded"] = [{"id": self.bot_id}, user.account()]
        else:
            activity = self._inbound("conversationUpdate", user, team.general)
            activity["membersAdded"] = [{"id": self.bot_id}]
            activity["channelData"]["eventType"] = "teamMemberAdded"
            activity["channelData"]["settings"] = {"selectedChannel": {"id": team.general.id}}
        return activity

    def members_added_activity(self, by: User, team: Team, added: list[User]) -> JSON:
        """conversationUpdate: people joined a team where the app is installed."""
        for person in added:
            self.add_member(team, person)
        activity = self._inbound("conversationUpdate", by, team.general)
        activity["membersAdded"] = [{"id": p.id, "aadObjectId": p.aad_object_id} for p in added]
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

    def invoke_execute(
        self,
        user: User,
        verb: str,
        data: JSON | None = None,
        conversation: Any = None,
        reply_to_id: str | None = None,
        *,
        action_id: str | None = None,
        trigger: str = "manual",
    ) -> JSON:
        """An Action.Execute press: invoke "adaptiveCard/action", value {action: {type, verb,
        data}, trigger}. `data` is what Teams sends: the action's data merged with the card's
        inputs (see `press` for that taken from a card the bot sent)."""
        activity = self._inbound("invoke", user, conversation)
        action: JSON = {"type": "Action.Execute", "verb": verb, "data": dict(data or {})}
        if action_id:
            action["id"] = action_id
        activity.update(
            {"name": "adaptiveCard/action", "value": {"action": action, "trigger": trigger}}
        )
        if reply_to_id:
            activity["replyToId"] = reply_to_id
        return activity

    def press(
        self,
        user: User,
        conversation_id: str,
        activity_id: str,
        verb: str,
        inputs: JSON | None = None,
    ) -> JSON:
        """The invoke Teams sends when `user` presses the Action.Execute with `verb` on the
        card the bot posted as `activity_id` (as updated): its data merged with `inputs`,
        which must name inputs of that card. KeyError if the card has no such button."""
        card = self._card_of(conversation_id, activity_id)
        actions = [a for a in _walk_actions(card) if a.get("verb") == verb]
        if not actions:
            verbs = sorted({str(a.get("verb")) for a in _walk_actions(card)})
            raise KeyError(f"the card has no Action.Execute with verb {verb!r} (it has {verbs})")
        ids = _input_ids(card)
        unknown = sorted(set(inputs or {}) - ids)
        if unknown:
            raise KeyError(f"the card has no inputs {unknown} (it has {sorted(ids)})")
        action = actions[0]
        data = action.get("data")
        merged = {**(data if isinstance(data, dict) else {}), **(inputs or {})}
        thread = self.activity(conversation_id, activity_id)["conversation"]["id"]
        return self.invoke_execute(
            user, verb, merged, thread, activity_id, action_id=action.get("id")
        )

    def refresh(self, user: User, conversation_id: str, activity_id: str) -> JSON:
        """The automatic refresh invoke Teams sends when `user` opens a card whose
        `refresh.userIds` lists them (trigger "automatic"). KeyError if it would not."""
        card = self._card_of(conversation_id, activity_id)
        refresh = card.get("refresh")
        if not isinstance(refresh, dict) or not isinstance(refresh.get("action"), dict):
            raise KeyError("the card has no refresh action")
        if user.id not in (refresh.get("userIds") or []):
            raise KeyError(f"{user.id} is not in the card's refresh.userIds")
        action = refresh["action"]
        thread = self.activity(conversation_id, activity_id)["conversation"]["id"]
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        return self.invoke_execute(
            user, str(action.get("verb")), data, thread, activity_id, trigger="automatic"
        )

    def invoke_task_fetch(
        self,
        user: User,
        data: JSON | None = None,
        conversation: Any = None,
        reply_to_id: str | None = None,
    ) -> JSON:
        """Open a dialog: invoke "task/fetch", value {data, context}."""
        return self._task("task/fetch", user, data, conversation, reply_to_id)

    def invoke_task_submit(
        self,
        user: User,
        data: JSON | None = None,
        conversation: Any = None,
        reply_to_id: str | None = None,
    ) -> JSON:
        """Submit a dialog's card: invoke "task/submit", value {data (action data + inputs),
        context}."""
        return self._task("task/submit", user, data, conversation, reply_to_id)

    def _task(
        self, name: str, user: User, data: JSON | None, conversation: Any, reply_to_id: str | None
    ) -> JSON:
        activity = self._inbound("invoke", user, conversation)
        activity.update(
            {"name": name, "value": {"data": dict(data or {}), "context": {"theme": "default"}}}
        )
        if reply_to_id:
            activity["replyToId"] = reply_to_id
        return activity

    def message_payload(self, author: User, text: str, conversation: Any = None) -> JSON:
        """A message as a message extension's `messagePayload` carries it."""
        n = self._next()
        message_id = str(_ACTIVITY_EPOCH_MS + n)
        _found, conversation_id = self._resolve(author, conversation)
        stamp, _ = self._timestamps()
        return {
            "id": message_id,
            "replyToId": None,
            "createdDateTime": stamp,
            "lastModifiedDateTime": None,
            "deleted": False,
            "subject": None,
            "summary": None,
            "importance": "normal",
            "locale": "en-us",
            "linkToMessage": (
                f"https://teams.microsoft.com/l/message/{conversation_id.split(';')[0]}/{message_id}"
            ),
            "from": {
                "user": {
                    "id": author.aad_object_id,
                    "displayName": author.name,
                    "userIdentityType": "aadUser",
                },
                "application": None,
                "device": None,
                "conversation": None,
            },
            "body": {"contentType": "html", "content": f"<p>{_html(text)}</p>"},
            "attachmentLayout": None,
            "attachments": [],
            "mentions": [],
            "reactions": [],
        }

    def invoke_message_extension_fetch(
        self,
        user: User,
        command_id: str,
        message: JSON | str,
        conversation: Any = None,
        *,
        author: User | None = None,
    ) -> JSON:
        """A message action opened on a message: invoke "composeExtension/fetchTask" with
        commandId, commandContext "message" and the message as messagePayload."""
        return self._extension(
            "composeExtension/fetchTask", user, command_id, message, conversation, author, None
        )

    def invoke_message_extension_submit(
        self,
        user: User,
        command_id: str,
        data: JSON | None,
        message: JSON | str,
        conversation: Any = None,
        *,
        author: User | None = None,
    ) -> JSON:
        """The message action's dialog submitted: "composeExtension/submitAction" with data."""
        return self._extension(
            "composeExtension/submitAction", user, command_id, message, conversation, author, data
        )

    def _extension(
        self,
        name: str,
        user: User,
        command_id: str,
        message: JSON | str,
        conversation: Any,
        author: User | None,
        data: JSON | None,
    ) -> JSON:
        payload = (
            self.message_payload(author or user, message, conversation)
            if isinstance(message, str)
            else message
        )
        activity = self._inbound("invoke", user, conversation)
        value: JSON = {
            "commandId": command_id,
            "commandContext": "message",
            "context": {"theme": "default"},
            "messagePayload": payload,
        }
        if data is not None:
            value["data"] = data
        activity.update({"name": name, "value": value})
        return activity

    # ------------------------------------------------------------------ HTTP: dispatch

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        path = re.sub(r"/{2,}", "/", request.path)
        method = request.method.upper()
        query = dict(request.query)
        headers = {
            k: ("<redacted>" if k.lower() == "authorization" else v)
            for k, v in request.headers.items()
        }
        parsed: Any = None
        body_ok = True
        form: dict[str, str] = {}
        if raw:
            if "application/x-www-form-urlencoded" in (request.content_type or ""):
                form = {k: str(v) for k, v in (await request.post()).items()}
                parsed = {k: ("<redacted>" if k == "client_secret" else v) for k, v in form.items()}
            else:
                try:
                    parsed = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    body_ok = False
                    parsed = raw.decode("utf-8", "replace")
        injected = False
        fault: _Fault | None = None
        with self._lock:
            for candidate in self._faults:
                if candidate.method == method and candidate.path.search(path):
                    fault = candidate
                    candidate.times -= 1
                    if candidate.times <= 0:
                        self._faults.remove(candidate)
                    break
        status: int
        body: Any
        extra: dict[str, str] = {}
        try:
            if fault is not None and not fault.after:
                injected = True
                self._inject(fault, request)
            with self._lock:
                status, body = self._route(
                    method, path, query, request.headers, parsed, body_ok, form
                )
            if fault is not None and fault.after:
                injected = True
                self._inject(fault, request)
        except _Refusal as refusal:
            status, body, extra = refusal.status, refusal.body, refusal.headers
        except ConnectionResetError:
            with self._lock:
                self.calls.append(Call(method, path, query, headers, parsed, 0, None, True))
            return web.Response(status=500)  # the transport is gone: nothing is sent
        with self._lock:
            self.calls.append(Call(method, path, query, headers, parsed, status, body, injected))
        if body is None:
            return web.Response(status=status, headers=extra)
        return web.json_response(body, status=status, headers=extra)

    def _inject(self, fault: _Fault, request: web.Request) -> None:
        if fault.reset:
            if request.transport is not None:
                request.transport.abort()
            raise ConnectionResetError
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        code = fault.code or {
            429: "Throttled",
            412: "PreconditionFailed",
            500: "ServiceError",
            502: "ServiceError",
        }.get(fault.status, "ServiceUnavailable" if fault.status == 503 else "ServiceError")
        messages = {429: "Too many requests.", 412: "Precondition failed, please try again."}
        raise _error(fault.status, code, messages.get(fault.status, "Planted fault."), headers)

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: Any,
        body: Any,
        body_ok: bool,
        form: dict[str, str],
    ) -> tuple[int, Any]:
        if method == "GET" and path == "/v1/.well-known/openidconfiguration":
            return 200, {
                "issuer": ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": self.keys_url,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        if method == "GET" and path == "/v1/.well-known/keys":
            return 200, self.jwks()
        token_path = re.fullmatch(r"/([^/]+)/oauth2/v2\.0/token", path)
        if token_path:
            if method != "POST":
                raise _error(405, "MethodNotAllowed", "Use POST.")
            return self._token(token_path.group(1), form)
        if path.startswith("/teams/v3/"):
            return self._connector(
                method, path.removeprefix("/teams"), query, headers, body, body_ok
            )
        raise _error(404, "NotFound", f"No route {method} {path}.")

    # ------------------------------------------------------------------ token endpoint

    def _token(self, tenant: str, form: dict[str, str]) -> tuple[int, Any]:
        def oauth_error(status: int, error: str, description: str) -> _Refusal:
            return _Refusal(status, {"error": error, "error_description": description}, code=error)

        if tenant not in (self.app_tenant, MULTI_TENANT):
            raise oauth_error(400, "invalid_request", f"AADSTS90002: Tenant '{tenant}' not found.")
        if form.get("grant_type") != "client_credentials":
            raise oauth_error(
                400,
                "unsupported_grant_type",
                "AADSTS70003: The app requested an unsupported grant type.",
            )
        if form.get("client_id") != self.app_id:
            raise oauth_error(
                400,
                "unauthorized_client",
                f"AADSTS700016: Application with identifier '{form.get('client_id')}' "
                "was not found.",
            )
        if form.get("client_secret") != self.app_secret:
            raise oauth_error(
                401, "invalid_client", "AADSTS7000215: Invalid client secret provided."
            )
        if form.get("scope") != BOT_SCOPE:
            raise oauth_error(
                400,
                "invalid_scope",
                f"AADSTS70011: The provided scope '{form.get('scope')}' is not valid.",
            )
        now = int(time.time())
        claims = {
            "aud": ISSUER,
            "iss": f"https://login.microsoftonline.com/{self.app_tenant}/v2.0",
            "appid": self.app_id,
            "tid": self.app_tenant,
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME,
            "jti": f"fake-token-{self._next()}",
        }
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
        self._tokens[token] = time.time() + TOKEN_LIFETIME
        self.tokens_issued.append(token)
        return 200, {
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
            "ext_expires_in": TOKEN_LIFETIME,
            "access_token": token,
        }

    # ------------------------------------------------------------------ connector

    def _conversation(self, conversation_id: str) -> Conversation | None:
        return self.conversations.get(conversation_id.split(";", 1)[0])

    def _card_of(self, conversation_id: str, activity_id: str) -> JSON:
        activity = self.activity(conversation_id, activity_id)
        for attachment in activity.get("attachments") or []:
            if attachment.get("contentType") == ADAPTIVE_CARD:
                content: JSON = attachment["content"]
                return content
        raise KeyError(f"activity {activity_id} carries no Adaptive Card")

    def _authorized(self, headers: Any) -> None:
        value = headers.get("Authorization", "")
        token = value.removeprefix("Bearer ") if value.startswith("Bearer ") else None
        expiry = self._tokens.get(token or "")
        if expiry is None or expiry <= time.time():
            raise _Refusal(401, DENIED, code="Unauthorized")

    def _limit(self, scenario: str, key: str, limits: tuple[tuple[int, int], ...]) -> None:
        """429 Throttled if one more operation would exceed a window; else count it."""
        if not self.rate_limits:
            return
        now = self.clock()
        window = self._windows.setdefault((scenario, key), deque())
        longest = max(seconds for seconds, _ in limits)
        while window and window[0] <= now - longest:
            window.popleft()
        wait = 0.0
        for seconds, allowed in limits:
            recent = [t for t in window if t > now - seconds]
            if len(recent) >= allowed:
                wait = max(wait, recent[len(recent) - allowed] + seconds - now)
        if wait > 0:
            raise _error(
                429,
                "Throttled",
                "Too many requests.",
                {"Retry-After": str(max(1, math.ceil(wait)))},
            )
        window.append(now)

    def _limits(self, tenant: str, scenario: str, key: str) -> None:
        table = {"send": SEND_LIMITS, "create": CREATE_LIMITS}.get(scenario, READ_LIMITS)
        if not self.rate_limits:
            return
        # Check both before counting either: a refused call does not count.
        saved = {
            k: deque(v)
            for k, v in self._windows.items()
            if k in (("global", tenant), (scenario, key))
        }
        try:
            self._limit("global", tenant, GLOBAL_LIMITS)
            self._limit(scenario, key, table)
        except _Refusal:
            for k in (("global", tenant), (scenario, key)):
                if k in saved:
                    self._windows[k] = saved[k]
                else:
                    self._windows.pop(k, None)
            raise

    def _connector(
        self, method: str, path: str, query: dict[str, str], headers: Any, body: Any, body_ok: bool
    ) -> tuple[int, Any]:
        self._authorized(headers)
        if method in ("POST", "PUT") and (not body_ok or not isinstance(body, dict)):
            raise _error(400, "BadSyntax", "The request body is not a JSON object.")

        if method == "POST" and path == "/v3/conversations":
            return self._create_conversation(body)
        team = re.fullmatch(r"/v3/teams/([^/]+)(/conversations)?", path)
        if team and method == "GET":
            return self._team(team.group(1), bool(team.group(2)))
        match = re.fullmatch(r"/v3/conversations/([^/]+)(/.*)?", path)
        if not match:
            raise _error(404, "NotFound", f"No route {method} {path}.")
        conversation_id, rest = match.group(1), match.group(2) or ""
        conversation = self._conversation(conversation_id)
        if conversation is None:
            raise _error(404, "ConversationNotFound", "Conversation not found.")

        if rest == "/activities" and method == "POST":
            return self._send(conversation, conversation_id, body, None, path)
        reply = re.fullmatch(r"/activities/([^/]+)", rest)
        if reply and method == "POST":
            return self._send(conversation, conversation_id, body, reply.group(1), path)
        if reply and method == "PUT":
            return self._update(conversation, conversation_id, reply.group(1), body, path)
        if method == "GET" and rest.lower() in ("/members", "/pagedmembers"):
            return self._members(conversation, rest.lower() == "/pagedmembers", query)
        one = re.fullmatch(r"/members/([^/]+)", rest)
        if one and method == "GET":
            return self._member(conversation, one.group(1))
        raise _error(404, "NotFound", f"No route {method} {path}.")

    def _roster_check(self, conversation: Conversation) -> None:
        """May the bot write to / read `conversation`?"""
        if conversation.kind == "personal":
            user = conversation.user
            assert user is not None
            if user.id in self.blocked:
                raise _error(
                    403, "ConversationBlockedByUser", "User blocked the conversation with the bot."
                )
            if not conversation.created:
                raise _error(404, "ConversationNotFound", "Conversation not found.")
            if not self._may_reach(user, by_aad=False):
                raise _error(
                    403,
                    "BotNotInConversationRoster",
                    "The bot isn't part of the conversation roster.",
                )
        elif conversation.team is None or not conversation.team.installed:
            raise _error(
                403, "BotNotInConversationRoster", "The bot isn't part of the conversation roster."
            )

    def _may_reach(self, user: User, *, by_aad: bool) -> bool:
        if user.id in self.installed:
            return True
        if by_aad:  # "Proactive messaging using aadObjectId is supported only in personal scope."
            return False
        return any(team.installed and user in team.members for team in self.teams.values())

    def _create_conversation(self, body: JSON) -> tuple[int, Any]:
        tenant = body.get("tenantId") or ((body.get("channelData") or {}).get("tenant") or {}).get(
            "id"
        )
        if not isinstance(tenant, str) or not tenant:
            raise _error(400, "BadSyntax", "Could not parse tenant id")
        bot = body.get("bot")
        if isinstance(bot, dict) and bot.get("id") not in (None, self.bot_id, self.app_id):
            raise _error(400, "BadSyntax", "Incorrect conversation creation parameters")
        if body.get("isGroup"):
            return self._create_thread(tenant, body)
        members = body.get("members")
        if not isinstance(members, list) or len(members) != 1 or not isinstance(members[0], dict):
            raise _error(400, "BadSyntax", "Incorrect conversation creation parameters")
        member_id = members[0].get("id") or members[0].get("aadObjectId")
        by_aad = not str(member_id).startswith("29:")
        user = next((u for u in self.users.values() if member_id in (u.id, u.aad_object_id)), None)
        if user is None or user.tenant_id != tenant:
            raise _error(404, "ConversationNotFound", "Conversation not found.")
        self._limits(tenant, "create", user.id)
        if not self._may_reach(user, by_aad=by_aad):
            raise _error(
                403, "ForbiddenOperationException", "Bot isn't installed in user's personal scope"
            )
        if user.id in self.blocked:
            raise _error(
                403, "ConversationBlockedByUser", "User blocked the conversation with the bot."
            )
        conversation = self.conversations[self.personal_conversation(user)]
        conversation.created = True
        result: JSON = {"id": conversation.id}
        if isinstance(body.get("activity"), dict):
            _, sent = self._store(
                conversation, conversation.id, body["activity"], None, "/v3/conversations"
            )
            result["activityId"] = sent["id"]
        return 201, result

    def _create_thread(self, tenant: str, body: JSON) -> tuple[int, Any]:
        """A new thread in a channel: isGroup, channelData.channel.id, an activity."""
        channel_id = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        activity = body.get("activity")
        if not isinstance(channel_id, str) or not isinstance(activity, dict):
            raise _error(400, "BadSyntax", "Incorrect conversation creation parameters")
        conversation = self._conversation(channel_id)
        if (
            conversation is None
            or conversation.kind != "channel"
            or conversation.tenant_id != tenant
        ):
            raise _error(404, "ConversationNotFound", "Conversation not found.")
        self._limits(tenant, "create", channel_id)
        self._roster_check(conversation)
        thread_root = str(_ACTIVITY_EPOCH_MS + self._next())
        thread = f"{channel_id};messageid={thread_root}"
        _, sent = self._store(
            conversation, thread, activity, None, "/v3/conversations", activity_id=thread_root
        )
        return 201, {"id": thread, "activityId": sent["id"]}

    def _validate(self, method: str, path: str, conversation_id: str, activity: JSON) -> None:
        problems = activity_problems(activity)
        if not problems:
            return
        too_big = compact_size(activity) > MAX_MESSAGE_BYTES
        status, code = (413, "MessageSizeTooBig") if too_big else (400, "BadArgument")
        self.rejected.append(
            Rejected(method, path, conversation_id, status, code, problems, copy.deepcopy(activity))
        )
        message = "Message size too large." if too_big else "; ".join(problems)[:2000]
        raise _error(status, code, message)

    def _store(
        self,
        conversation: Conversation,
        thread_id: str,
        activity: JSON,
        reply_to: str | None,
        path: str,
        *,
        activity_id: str | None = None,
    ) -> tuple[int, JSON]:
        self._validate("POST", path, thread_id, activity)
        sent = copy.deepcopy(activity)
        sent["id"] = activity_id or str(_ACTIVITY_EPOCH_MS + self._next())
        sent["conversation"] = {"id": thread_id}
        sent["from"] = self.bot_account()
        sent["timestamp"] = self._timestamps()[0]
        if reply_to:
            sent["replyToId"] = reply_to
        conversation.activities[sent["id"]] = sent
        return 201, sent

    def _send(
        self,
        conversation: Conversation,
        conversation_id: str,
        body: JSON,
        reply_to: str | None,
        path: str,
    ) -> tuple[int, Any]:
        self._limits(conversation.tenant_id, "send", conversation.id)
        self._roster_check(conversation)
        thread = conversation_id
        channel_root = conversation.kind == "channel" and ";messageid=" not in conversation_id
        if channel_root and reply_to:  # a reply in a channel goes to its message's thread
            thread = f"{conversation.id};messageid={reply_to}"
        status, sent = self._store(conversation, thread, body, reply_to, path)
        return status, {"id": sent["id"]}

    def _update(
        self,
        conversation: Conversation,
        conversation_id: str,
        activity_id: str,
        body: JSON,
        path: str,
    ) -> tuple[int, Any]:
        self._limits(conversation.tenant_id, "send", conversation.id)
        self._roster_check(conversation)
        before = conversation.activities.get(activity_id)
        if before is None:
            raise _error(404, "ActivityNotFoundInConversation", "Conversation not found.")
        self._validate("PUT", path, conversation_id, body)
        after = copy.deepcopy(body)
        for kept in ("id", "conversation", "from", "timestamp", "replyToId"):
            if kept in before:
                after[kept] = before[kept]
        conversation.activities[activity_id] = after
        self.updates.append(
            Update(conversation.id, activity_id, copy.deepcopy(before), copy.deepcopy(after))
        )
        return 200, {"id": activity_id}

    def _members(
        self, conversation: Conversation, paged: bool, query: dict[str, str]
    ) -> tuple[int, Any]:
        self._limits(conversation.tenant_id, "members", conversation.id)
        self._roster_check(conversation)
        members = [u.member() for u in conversation.members]
        if not paged:
            return 200, members
        try:
            size = int(query.get("pageSize") or PAGE_SIZE)
            start = int(query.get("continuationToken", "page-0").removeprefix("page-"))
        except ValueError:
            raise _error(400, "BadArgument", "Invalid pageSize or continuationToken.") from None
        size = max(1, min(size, MAX_PAGE_SIZE))
        page: JSON = {"members": members[start : start + size]}
        if start + size < len(members):
            page["continuationToken"] = f"page-{start + size}"
        return 200, page

    def _member(self, conversation: Conversation, member_id: str) -> tuple[int, Any]:
        self._limits(conversation.tenant_id, "members", conversation.id)
        self._roster_check(conversation)
        for user in conversation.members:
            if member_id in (user.id, user.aad_object_id):
                return 200, user.member()
        raise _error(
            404,
            "MemberNotFoundInConversation",
            "The member could not be found in the conversation.",
        )

    def _team(self, team_id: str, channels: bool) -> tuple[int, Any]:
        team = self.teams.get(team_id)
        if team is None:
            raise _error(404, "ConversationNotFound", "Conversation not found.")
        self._limits(team.tenant_id, "conversations", team.id)
        if not team.installed:
            raise _error(
                403, "BotNotInConversationRoster", "The bot isn't part of the conversation roster."
            )
        if channels:
            return 200, {
                "conversations": [
                    # The General channel has no name of its own in Teams: null.
                    {"id": c.id, "name": None if c.id == team.id else c.name}
                    for c in team.channels
                ]
            }
        return 200, {
            "id": team.id,
            "name": team.name,
            "aadGroupId": team.aad_group_id,
            "channelCount": len(team.channels),
            "memberCount": len(team.members),
            "type": "standard",
        }


# --------------------------------------------------------------------------- helpers


def _messages_url(app_url: str) -> str:
    base = app_url.rstrip("/")
    return base if base.endswith("/api/messages") else base + "/api/messages"


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("&lt;at&gt;", "<at>")
        .replace("&lt;/at&gt;", "</at>")
    )


def _walk(node: Any) -> Iterator[JSON]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _walk_actions(card: JSON) -> list[JSON]:
    """The card's pressable Action.Execute buttons (not its refresh action)."""
    body = {k: v for k, v in card.items() if k != "refresh"}
    return [n for n in _walk(body) if n.get("type") == "Action.Execute"]


def _input_ids(card: JSON) -> set[str]:
    return {
        str(n["id"])
        for n in _walk(card)
        if str(n.get("type", "")).startswith("Input.") and isinstance(n.get("id"), str)
    }


def _attachment_card_problems(attachment: Any, where: str) -> list[str]:
    if not isinstance(attachment, dict):
        return [f"{where}: not an attachment object."]
    if attachment.get("contentType") != ADAPTIVE_CARD:
        return [f"{where}.contentType: {attachment.get('contentType')!r}, not an Adaptive Card."]
    content = attachment.get("content")
    if not isinstance(content, dict):
        return [f"{where}.content: the card is missing."]
    return [f"{where}.content.{p}" for p in card_problems(content)]


def _task_problems(body: Any) -> list[str]:
    """A dialog answer: {"task": {"type": "continue", "value": {title, card, …}}} or
    {"task": {"type": "message", "value": "…"}} ("Use dialogs with bots")."""
    task = body.get("task") if isinstance(body, dict) else None
    if not isinstance(task, dict):
        return ["the answer has no 'task' object."]
    if task.get("type") == "message":
        return [] if isinstance(task.get("value"), str) else ["task.value: a message needs text."]
    if task.get("type") != "continue":
        return [f"task.type: {task.get('type')!r}; Teams takes 'continue' or 'message'."]
    value = task.get("value")
    if not isinstance(value, dict):
        return ["task.value: missing."]
    if "card" not in value and "url" not in value:
        return ["task.value: neither a card nor a url."]
    return _attachment_card_problems(value["card"], "task.value.card") if "card" in value else []


def invoke_response_problems(activity: JSON, status: int, body: Any) -> list[str]:
    """What Teams would not take in the app's HTTP answer to `activity`: a message or event
    gets any 2xx; an invoke needs 200 and the body its name calls for ("Universal Actions for
    Adaptive Cards" response formats, "Use dialogs with bots", "Respond to a message action")."""
    if activity.get("type") != "invoke":
        return (
            [] if 200 <= status < 300 else [f"HTTP {status} to a {activity.get('type')} activity."]
        )
    name = activity.get("name")
    if status != 200:
        return [f"HTTP {status} to the invoke {name}; Teams shows an error unless it is 200."]
    if name == "adaptiveCard/action":
        if not isinstance(body, dict):
            return ["adaptiveCard/action: no body (Teams wants {statusCode, type, value})."]
        kind = body.get("type")
        if body.get("statusCode") != 200 and kind != "application/vnd.microsoft.error":
            return [f"statusCode: {body.get('statusCode')!r}."]
        if kind == ADAPTIVE_CARD:
            value = body.get("value")
            if not isinstance(value, dict):
                return ["value: the card is missing."]
            return [f"value.{p}" for p in card_problems(value)]
        if kind == "application/vnd.microsoft.activity.message":
            return [] if isinstance(body.get("value"), str) else ["value: a message needs text."]
        if kind == "application/vnd.microsoft.error":
            return []
        return [f"type: {kind!r} is not an adaptiveCard/action response type."]
    if name in ("task/fetch", "task/submit"):
        if name == "task/submit" and body in (None, {}):
            return []  # closes the dialog
        return _task_problems(body)
    if name == "composeExtension/fetchTask":
        return _task_problems(body)
    if name == "composeExtension/submitAction":
        if body in (None, {}):
            return []
        if isinstance(body, dict) and "task" in body:
            return _task_problems(body)
        extension = body.get("composeExtension") if isinstance(body, dict) else None
        if not isinstance(extension, dict):
            return ["the answer has neither 'composeExtension' nor 'task'."]
        problems = []
        for index, attachment in enumerate(extension.get("attachments") or []):
            if isinstance(attachment, dict) and attachment.get("contentType") == ADAPTIVE_CARD:
                problems += _attachment_card_problems(
                    attachment, f"composeExtension.attachments[{index}]"
                )
        return problems
    return []


def expired(seconds: int = 600) -> dict[str, int]:
    """`authorization` arguments for a token that expired `seconds` ago (beyond the 5 min
    clock skew the SDK allows)."""
    return {"expires_in": -seconds}


__all__ = [
    "BOT_SCOPE",
    "DEFAULT_APP_ID",
    "DEFAULT_APP_SECRET",
    "DEFAULT_TENANT",
    "ISSUER",
    "Call",
    "Channel",
    "Conversation",
    "FakeTeams",
    "Rejected",
    "Team",
    "Update",
    "User",
    "expired",
    "invoke_response_problems",
]
