"""A fake Slack Web API that speaks real HTTP, for tests.

``FakeSlack`` runs an aiohttp server on 127.0.0.1 inside the test's event loop. Point
slack_sdk at it with ``AsyncWebClient(token=..., base_url=fake.api_url)`` and the code under
test goes through slack_sdk's real request/response/retry machinery.

The fake is deliberately as strict as real Slack where Fika could get things wrong:
required arguments (from Slack's OpenAPI spec plus corrections, see
``gen_required_args.py``), Block Kit limits (``block_kit.py``), membership rules for
posting, view hashes, expired triggers. What it does not model it says so: methods
without a handler answer ``fake_not_implemented`` (use :meth:`FakeSlack.stub`), not a
silent ``ok``.

Deterministic: ids, ``ts`` values, hashes and trigger ids come from counters or from
hashing their inputs; nothing sleeps (but a late-landing fault, ``faults.py``, waits for the
client to give up).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

from tests.fakes.block_kit import (
    MESSAGE_TEXT_MAX,
    check_message_blocks,
    check_view,
    mrkdwn_problems,
)

if TYPE_CHECKING:
    from tests.fakes.faults import Faults
    from tests.fakes.rate_limits import RateLimits

JSON = dict[str, Any]

REQUIRED_ARGS_FILE = Path(__file__).with_name("slack_required_args.json")

#: Fields slack_sdk sends as JSON-encoded strings inside form/query bodies.
JSON_STRING_FIELDS = ("blocks", "attachments", "view", "files", "metadata")

#: Reference instant for everything time-like (2023-11-14T22:13:20Z); keeps output stable.
EPOCH = 1_700_000_000

_MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update")


@dataclass
class Call:
    """One request to ``/api/<method>`` as the fake saw it (token not included in ``args``)."""

    method: str
    args: JSON
    token: str | None
    failed_with: str | None = None
    injected: bool = False
    http_status: int = 200
    http_method: str = "POST"
    content_type: str = ""
    response: JSON | None = None


@dataclass
class Conversation:
    """A channel, private channel, DM (``im``) or group DM (``mpim``)."""

    id: str
    name: str
    kind: str  # "public" | "private" | "im" | "mpim"
    members: list[str] = field(default_factory=list)
    is_archived: bool = False
    user: str | None = None  # the other party of an im
    topic: str = ""
    purpose: str = ""
    opened: bool = False  # conversations.open was answered for it at least once

    @property
    def is_channel_like(self) -> bool:
        return self.kind in ("public", "private")


@dataclass
class UploadedFile:
    """A file that went through getUploadURLExternal -> upload URL -> completeUploadExternal."""

    id: str
    filename: str
    length: int
    title: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    content: bytes | None = None
    channel_id: str | None = None
    channels: list[str] = field(default_factory=list)
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False


@dataclass
class _Failure:
    error: str
    times: int
    status: int
    retry_after: int | None


@dataclass
class _ResponseUrl:
    channel_id: str | None
    message_ts: str | None
    user_id: str | None
    uses: int = 0


class SlackError(Exception):
    """Raised inside handlers; becomes ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra

    def body(self) -> JSON:
        return {"ok": False, "error": self.error, **self.extra}


class NoAnswer(Exception):
    """Raised by a fault (``faults.py``, late landing): the fake sends no answer at all. Once
    the client has given up (closed the connection: its timeout, or the process died),
    ``after_give_up()`` runs, e.g. to store the message late."""

    def __init__(self, after_give_up: Callable[[], None]) -> None:
        super().__init__("no answer")
        self.after_give_up = after_give_up


async def _client_gone(request: web.Request, poll: float = 0.01) -> None:
    """Return once the client has closed the request's connection."""
    # aiohttp tells a handler of a hang-up by no event, only by the transport closing.
    while request.transport is not None and not request.transport.is_closing():  # noqa: ASYNC110
        await asyncio.sleep(poll)


def _invalid_arguments(*messages: str) -> SlackError:
    return SlackError(
        "invalid_arguments",
        response_metadata={"messages": [f"[ERROR] {m}" for m in messages]},
    )


def _flag(value: Any) -> bool:
    """Slack's boolean parsing: JSON true, or "true"/"1" in forms and query strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    return isinstance(value, str) and value.strip().lower() in ("true", "1")


def _missing(args: JSON, name: str) -> bool:
    value = args.get(name)
    return value is None or value == "" or value == []


def _short_hash(*parts: str, length: int = 10) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
    return digest[:length].upper()


def _encode_cursor(prefix: str, key: str) -> str:
    return base64.b64encode(f"{prefix}:{key}".encode()).decode()


def _decode_cursor(prefix: str, cursor: str) -> str:
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SlackError("invalid_cursor") from exc
    head, sep, key = decoded.partition(":")
    if not sep or head != prefix:
        raise SlackError("invalid_cursor")
    return key


def _tz_fields(tz: str | None) -> JSON:
    if not tz:
        return {"tz": None, "tz_label": None, "tz_offset": 0}
    try:
        when = datetime.fromtimestamp(EPOCH, ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return {"tz": tz, "tz_label": tz, "tz_offset": 0}
    offset = when.utcoffset()
    return {
        "tz": tz,
        "tz_label": when.tzname() or tz,
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }


def _field_bytes(value: web.FileField | bytes | bytearray) -> bytes:
    return bytes(value) if isinstance(value, bytes | bytearray) else value.file.read()


def load_required_args(path: Path = REQUIRED_ARGS_FILE) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): [str(a) for a in v] for k, v in data.items()}


class FakeSlack:
    """Fake Slack Web API server. See the module docstring for the ground rules.

    Inspect what the code under test did through ``calls``, :meth:`messages`,
    :meth:`dm_messages`, ``ephemerals``, ``views``, ``home_views``, ``uploaded_files`` and
    ``responses``; shape the workspace with :meth:`add_user`, :meth:`add_channel`,
    :meth:`add_message`; break things with :meth:`fail_next` and :meth:`expire_trigger`.
    """

    bot_id = "BFIKA"
    app_id = "AFIKA"
    team_name = "Fika Test"
    team_domain = "fika-test"
    bot_name = "fika"
    #: Real response_urls accept 5 posts within 30 minutes.
    response_url_max_uses = 5

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",  # noqa: S107 - a test double's fixed token
        team_id: str = "T0FIKA",
        bot_user_id: str = "UFIKABOT",
        *,
        strict_triggers: bool = False,
        trigger_ttl: float = 3.0,
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        #: Tokens accepted by the API (add e.g. a user token if a test needs one).
        self.tokens: set[str] = {bot_token}
        #: With strict_triggers, views.open/push only accept trigger ids from issue_trigger().
        self.strict_triggers = strict_triggers
        #: "trigger_id … expires in 3 seconds" (Slack: Handling user interaction): views.open
        #: or views.push with an issued trigger older than this answers expired_trigger_id.
        self.trigger_ttl = trigger_ttl
        self._trigger_times: dict[str, float] = {}

        self.calls: list[Call] = []
        self.users: dict[str, JSON] = {}
        self.conversations: dict[str, Conversation] = {}
        self.ephemerals: list[JSON] = []
        self.deleted_messages: list[JSON] = []
        #: Modals opened or pushed, in order; views.update edits them in place.
        self.views: list[JSON] = []
        #: Last published App Home view per user.
        self.home_views: dict[str, JSON] = {}
        #: Files whose upload was completed, in completion order.
        self.uploaded_files: list[UploadedFile] = []
        self.pending_uploads: dict[str, UploadedFile] = {}
        #: Posts to response URLs: {"url", "body", "status", "error"}.
        self.responses: list[JSON] = []

        self._messages: dict[str, list[JSON]] = {}
        self._required = load_required_args()
        self._failures: dict[str, list[_Failure]] = {}
        self._stubs: dict[str, JSON | Callable[[Call], JSON]] = {}
        self._self_authenticating: dict[str, Callable[[Call], JSON]] = {}
        self._expired_triggers: set[str] = set()
        #: mrkdwn Slack accepts but shows wrong (a bare `<word>`, a cut `&amp;`); the
        #: fake_slack fixture fails a test that leaves any here.
        self.mangled: list[str] = []
        self._issued_triggers: dict[str, str | None] = {}
        self._view_owner: dict[str, str | None] = {}
        self._modal_stacks: dict[str, list[str]] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._counter = 0
        self._ts_counter = 0
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        #: Seeded fault injection (``tests/fakes/faults.py``); None: no faults.
        self.faults: Faults | None = None
        #: Slack's rate limits enforced (``tests/fakes/rate_limits.py``); None: no limits.
        self.rate_limits: RateLimits | None = None
        self._handlers: dict[str, Callable[[JSON], JSON]] = {
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "bots.info": self._bots_info,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.join": self._conversations_join,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

        self.add_user(
            bot_user_id, name=self.bot_name, real_name="Fika", is_bot=True, tz="America/Los_Angeles"
        )
        # Slackbot is *not* is_bot in real users.list output; filter it by id.
        self.add_user("USLACKBOT", name="slackbot", real_name="Slackbot", tz="America/Los_Angeles")

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_post("/response/{rid}", self._handle_response_url)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """Pass as ``base_url`` to slack_sdk clients; it joins ``{base_url}{method}``."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------ test-facing helpers

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def reset_calls(self) -> None:
        self.calls.clear()

    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        real_name: str | None = None,
        locale: str = "en-US",
        tz: str | None = "Europe/Helsinki",
        is_bot: bool = False,
        deleted: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        *,
        display_name: str | None = None,
        email: str | None = None,
        is_restricted: bool = False,
    ) -> JSON:
        """Add (or replace) a workspace member; returns the full record (with ``locale``)."""
        name = name or f"user.{user_id.lower()}"
        real_name = real_name if real_name is not None else name.replace(".", " ").title()
        display_name = display_name if display_name is not None else name
        first, _, last = real_name.partition(" ")
        profile: JSON = {
            "title": "",
            "phone": "",
            "skype": "",
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display_name,
            "display_name_normalized": display_name,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_emoji_display_info": [],
            "status_expiration": 0,
            "avatar_hash": "g" + _short_hash(user_id, length=11).lower(),
            "first_name": first,
            "last_name": last,
            "image_24": f"https://avatars.example.invalid/{user_id}_24.png",
            "image_48": f"https://avatars.example.invalid/{user_id}_48.png",
            "image_72": f"https://avatars.example.invalid/{user_id}_72.png",
            "team": self.team_id,
        }
        if is_bot:
            profile["bot_id"] = self.bot_id if user_id == self.bot_user_id else "B" + user_id[1:]
            profile["api_app_id"] = self.app_id if user_id == self.bot_user_id else ""
            profile["always_active"] = True
        elif email is not None:
            profile["email"] = email
        record: JSON = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "color": "9f69e7",
            "real_name": real_name,
            **_tz_fields(tz),
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": is_restricted,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": EPOCH,
            "is_email_confirmed": not is_bot,
            "who_can_share_contact_card": "EVERYONE",
            "locale": locale,
        }
        self.users[user_id] = record
        return record

    def add_channel(
        self,
        channel_id: str,
        name: str,
        is_private: bool = False,
        members: list[str] | None = None,
        bot_is_member: bool = False,
        *,
        is_archived: bool = False,
        topic: str = "",
        purpose: str = "",
    ) -> Conversation:
        """Add a channel. Member ids not yet known are registered as users (they exist)."""
        member_list = list(dict.fromkeys(members or []))
        if bot_is_member and self.bot_user_id not in member_list:
            member_list.append(self.bot_user_id)
        for member in member_list:
            if member not in self.users:
                self.add_user(member)
        conv = Conversation(
            id=channel_id,
            name=name,
            kind="private" if is_private else "public",
            members=member_list,
            is_archived=is_archived,
            topic=topic,
            purpose=purpose,
        )
        self.conversations[channel_id] = conv
        self._messages.setdefault(channel_id, [])
        return conv

    def channel(self, channel_id: str) -> Conversation:
        return self.conversations[channel_id]

    def open_dm(self, user_id: str) -> str:
        """The bot's DM id with ``user_id`` (created if needed), like conversations.open."""
        return self._ensure_dm(user_id).id

    def add_message(
        self,
        channel_id: str,
        text: str = "",
        *,
        user: str,
        ts: str | None = None,
        thread_ts: str | None = None,
        blocks: list[JSON] | None = None,
    ) -> JSON:
        """Seed a message written by someone (e.g. a human) for history/shortcut tests."""
        msg: JSON = {"type": "message", "user": user, "text": text, "ts": ts or self._next_ts()}
        msg["team"] = self.team_id
        if blocks is not None:
            msg["blocks"] = blocks
        if thread_ts:
            msg["thread_ts"] = thread_ts
        self._store_message(channel_id, msg)
        return msg

    def messages(self, channel_id: str) -> list[JSON]:
        """Current messages in a conversation (oldest first, thread replies included).

        A user id (``U…``) means the bot's DM with that user. Blocks are stored as sent
        (real Slack would also fill in missing ``block_id``s).
        """
        if channel_id not in self.conversations and channel_id in self.users:
            return self.dm_messages(channel_id)
        return list(self._messages.get(channel_id, []))

    def dm_messages(self, user_id: str) -> list[JSON]:
        dm_id = self._dm_id(user_id)
        return list(self._messages.get(dm_id, [])) if dm_id in self.conversations else []

    def get_view(self, view_id: str) -> JSON:
        for view in [*self.views, *self.home_views.values()]:
            if view["id"] == view_id:
                return view
        raise KeyError(view_id)

    def issue_trigger(self, user_id: str | None = None) -> str:
        """A fresh trigger id as Slack would put in an interaction payload."""
        n = self._next()
        trigger = f"{EPOCH + n}.{n:09d}.{_short_hash('trigger', str(n), length=32).lower()}"
        self._issued_triggers[trigger] = user_id
        self._trigger_times[trigger] = time.monotonic()
        return trigger

    def expire_trigger(self, trigger_id: str) -> None:
        """Make views.open/push with this trigger answer ``expired_trigger_id``."""
        self._expired_triggers.add(trigger_id)

    def new_response_url(
        self,
        *,
        channel_id: str | None = None,
        message_ts: str | None = None,
        user_id: str | None = None,
    ) -> str:
        """A fresh response_url. With channel_id/message_ts, ``replace_original`` /
        ``delete_original`` / ``response_type=in_channel`` posts change stored messages."""
        rid = f"R{self._next():06d}"
        self._response_urls[rid] = _ResponseUrl(channel_id, message_ts, user_id)
        return f"{self.base_url}/response/{rid}"

    def responses_for(self, url: str) -> list[JSON]:
        return [r for r in self.responses if r["url"] == url]

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        times: int = 1,
        status: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``ratelimited`` defaults to HTTP 429 with ``Retry-After`` (default 1 s); ``status=500``
        gives ``{"ok": false, "error": "internal_error"}``; other errors come with HTTP 200
        like real Slack. ``method`` may also be ``"upload"`` or ``"response_url"``.
        """
        if status is None:
            status = 429 if error == "ratelimited" else 200
        if status >= 500 and error == "ratelimited":
            error = "internal_error"
        if status == 429 and retry_after is None:
            retry_after = 1
        self._failures.setdefault(method, []).append(_Failure(error, times, status, retry_after))

    def stub(self, method: str, response: JSON | Callable[[Call], JSON]) -> None:
        """Answer ``method`` with a fixed body (or ``response(call)``) after auth checks."""
        self._stubs[method] = response

    def add_method(self, method: str, handler: Callable[[Call], JSON]) -> None:
        """Extension point: serve ``method`` with ``handler(call)``, which authenticates
        ``call.token`` itself (raise :class:`SlackError` to refuse).

        For methods that take another kind of token than the bot's, such as
        ``apps.connections.open`` with an app-level ``xapp-`` token (``socket_mode.py``).
        :meth:`fail_next` still applies to them.
        """
        self._self_authenticating[method] = handler

    # ------------------------------------------------------------------ counters & storage

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _next_ts(self) -> str:
        self._ts_counter += 1
        micros = EPOCH * 1_000_000 + 100 * self._ts_counter
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_hash(self) -> str:
        n = self._next()
        return f"{EPOCH + n}.{_short_hash('hash', str(n), length=8)}"

    def _dm_id(self, user_id: str) -> str:
        return "D" + _short_hash("im", user_id)

    def _ensure_dm(self, user_id: str) -> Conversation:
        dm_id = self._dm_id(user_id)
        conv = self.conversations.get(dm_id)
        if conv is None:
            conv = Conversation(
                id=dm_id, name=dm_id, kind="im", members=[self.bot_user_id, user_id], user=user_id
            )
            self.conversations[dm_id] = conv
            self._messages.setdefault(dm_id, [])
        return conv

    def _store_message(self, channel_id: str, msg: JSON) -> None:
        messages = self._messages.setdefault(channel_id, [])
        messages.append(msg)
        thread_ts = msg.get("thread_ts")
        if thread_ts and thread_ts != msg["ts"]:
            parent = self._find_message(channel_id, thread_ts)
            if parent is not None:
                parent.setdefault("thread_ts", thread_ts)
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                users = parent.setdefault("reply_users", [])
                if msg.get("user") not in users:
                    users.append(msg.get("user"))
                parent["reply_users_count"] = len(users)
                parent["latest_reply"] = msg["ts"]

    def _find_message(self, channel_id: str, ts: str) -> JSON | None:
        for msg in self._messages.get(channel_id, []):
            if msg.get("ts") == ts:
                return msg
        return None

    # ------------------------------------------------------------------ HTTP plumbing

    async def _read_args(self, request: web.Request) -> tuple[JSON, str | None]:
        args: JSON = dict(request.query)
        content_type = request.content_type
        if request.can_read_body:
            if content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError as exc:
                    raise SlackError("invalid_json") from exc
                if not isinstance(body, dict):
                    raise SlackError("invalid_json")
                args.update(body)
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    args[key] = value if isinstance(value, str) else _field_bytes(value)
            else:
                await request.read()
        for key in JSON_STRING_FIELDS:
            raw = args.get(key)
            if isinstance(raw, str) and raw:
                # Unparsable JSON stays a string; validation then rejects it like Slack does.
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(raw)
        header = request.headers.get("Authorization", "")
        header_token = header[7:].strip() if header.lower().startswith("bearer ") else None
        return args, header_token or None

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        call = Call(
            method=method,
            args={},
            token=None,
            http_method=request.method,
            content_type=request.content_type,
        )
        self.calls.append(call)
        headers: dict[str, str] = {}
        try:
            args, header_token = await self._read_args(request)
            form_token = args.pop("token", None)
            call.args = args
            call.token = header_token or (form_token if isinstance(form_token, str) else None)
            serve = self._dispatch if self.faults is None else self.faults.wrap(self._dispatch)
            body = serve(call, headers)
            status = call.http_status
        except SlackError as exc:
            body, status = exc.body(), exc.status
        except NoAnswer as silent:
            await _client_gone(request)
            silent.after_give_up()
            call.http_status = 0
            if call.response is None:
                call.failed_with = "no_answer"
            return web.Response(status=504)  # nobody is listening any more
        call.http_status = status
        call.response = body
        if not body.get("ok"):
            call.failed_with = str(body.get("error"))
        return web.json_response(body, status=status, headers=headers)

    def _take_failure(self, key: str) -> _Failure | None:
        queue = self._failures.get(key)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _dispatch(self, call: Call, headers: dict[str, str]) -> JSON:
        method, args = call.method, call.args
        own_auth = self._self_authenticating.get(method)
        known = method in self._handlers or method in self._required or method in self._stubs
        if not known and own_auth is None:
            raise SlackError("unknown_method")
        failure = self._take_failure(method)
        if failure is not None:
            call.injected = True
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
            raise SlackError(failure.error, status=failure.status)
        if self.rate_limits is not None:
            self.rate_limits.admit(call, headers)
        if own_auth is not None:
            return own_auth(call)
        if call.token is None:
            raise SlackError("not_authed")
        if call.token not in self.tokens:
            raise SlackError("invalid_auth")
        if method in _MESSAGE_METHODS:
            if _missing(args, "channel"):
                raise SlackError("channel_not_found")
            if all(_missing(args, k) for k in ("text", "blocks", "attachments")):
                raise SlackError("no_text")
        missing = [a for a in self._required.get(method, []) if _missing(args, a)]
        if missing:
            raise _invalid_arguments(*(f"missing required field: {a}" for a in missing))
        stub = self._stubs.get(method)
        if stub is not None:
            return copy.deepcopy(stub(call) if callable(stub) else stub)
        handler = self._handlers.get(method)
        if handler is None:
            raise SlackError(
                "fake_not_implemented",
                response_metadata={"messages": [f"FakeSlack has no handler for {method}; stub it"]},
            )
        return handler(args)

    # ------------------------------------------------------------------ shared validation

    def _check_message_content(self, args: JSON) -> None:
        text = args.get("text")
        if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
            raise SlackError("msg_too_long")
        if isinstance(text, str) and args.get("mrkdwn") is not False:
            self.mangled.extend(f"{p} [json-pointer:/text]" for p in mrkdwn_problems(text))
        if "blocks" in args and args["blocks"] is not None:
            blocks = args["blocks"]
            if isinstance(blocks, str):
                raise SlackError("invalid_blocks_format")
            errors, mangled = check_message_blocks(blocks)
            self.mangled.extend(mangled)
            if errors:
                raise SlackError(
                    "invalid_blocks",
                    errors=errors,
                    response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
                )
        if "attachments" in args and not isinstance(args["attachments"], list):
            raise SlackError("invalid_attachments")

    def _resolve_conversation(
        self, channel: Any, *, allow_user: bool, need_member: bool
    ) -> Conversation:
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        conv: Conversation | None
        if channel.startswith("#"):
            conv = next((c for c in self.conversations.values() if c.name == channel[1:]), None)
        else:
            conv = self.conversations.get(channel)
        if conv is None and allow_user and channel[:1] in ("U", "W") and channel in self.users:
            conv = self._ensure_dm(channel)
        if conv is None:
            raise SlackError("channel_not_found")
        if need_member and conv.is_channel_like and self.bot_user_id not in conv.members:
            raise SlackError("not_in_channel")
        return conv

    def _visible_conversation(self, channel: Any) -> Conversation:
        """Lookup for read methods: private channels the bot is not in are invisible."""
        conv = self._resolve_conversation(channel, allow_user=False, need_member=False)
        if conv.kind == "private" and self.bot_user_id not in conv.members:
            raise SlackError("channel_not_found")
        return conv

    def _page(
        self,
        items: list[Any],
        args: JSON,
        *,
        prefix: str,
        key: Callable[[Any], str],
        default_limit: int,
    ) -> tuple[list[Any], str]:
        raw_limit = args.get("limit")
        try:
            limit = int(raw_limit) if raw_limit not in (None, "") else 0
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_limit") from exc
        if limit <= 0:
            limit = default_limit if default_limit > 0 else max(len(items), 1)
        start = 0
        cursor = args.get("cursor")
        if cursor:
            wanted = _decode_cursor(prefix, str(cursor))
            keys = [key(item) for item in items]
            if wanted not in keys:
                raise SlackError("invalid_cursor")
            start = keys.index(wanted)
        end = start + limit
        page = items[start:end]
        next_cursor = _encode_cursor(prefix, key(items[end])) if end < len(items) else ""
        return page, next_cursor

    # ------------------------------------------------------------------ auth / team

    def _auth_test(self, args: JSON) -> JSON:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _team_info(self, args: JSON) -> JSON:
        return {
            "ok": True,
            "team": {
                "id": self.team_id,
                "name": self.team_name,
                "url": f"https://{self.team_domain}.slack.com/",
                "domain": self.team_domain,
                "email_domain": "",
                "icon": {"image_default": True},
                "avatar_base_url": "https://ca.slack-edge.com/",
                "is_verified": False,
            },
        }

    def _bots_info(self, args: JSON) -> JSON:
        if args.get("bot") not in (None, "", self.bot_id):
            raise SlackError("bot_not_found")
        return {
            "ok": True,
            "bot": {
                "id": self.bot_id,
                "deleted": False,
                "name": self.bot_name,
                "updated": EPOCH,
                "app_id": self.app_id,
                "user_id": self.bot_user_id,
                "icons": {},
            },
        }

    # ------------------------------------------------------------------ users

    def _public_user(self, user_id: str, include_locale: bool) -> JSON:
        user = copy.deepcopy(self.users[user_id])
        if not include_locale:
            user.pop("locale", None)
        return user

    def _users_info(self, args: JSON) -> JSON:
        user_id = args["user"]
        if user_id not in self.users:
            raise SlackError("user_not_found")
        return {"ok": True, "user": self._public_user(user_id, _flag(args.get("include_locale")))}

    def _users_list(self, args: JSON) -> JSON:
        ids = list(self.users)
        page, next_cursor = self._page(ids, args, prefix="user", key=str, default_limit=0)
        include_locale = _flag(args.get("include_locale"))
        return {
            "ok": True,
            "members": [self._public_user(u, include_locale) for u in page],
            "cache_ts": EPOCH,
            "response_metadata": {"next_cursor": next_cursor},
        }

    # ------------------------------------------------------------------ conversations

    def _conversation_object(self, conv: Conversation, *, num_members: bool = False) -> JSON:
        if conv.kind == "im":
            user = self.users.get(conv.user or "", {})
            return {
                "id": conv.id,
                "created": EPOCH,
                "is_archived": False,
                "is_im": True,
                "is_org_shared": False,
                "context_team_id": self.team_id,
                "updated": EPOCH * 1000,
                "user": conv.user,
                "is_user_deleted": bool(user.get("deleted")),
                "priority": 0,
            }
        obj: JSON = {
            "id": conv.id,
            "name": conv.name,
            "is_channel": conv.kind != "mpim",
            "is_group": False,
            "is_im": False,
            "is_mpim": conv.kind == "mpim",
            "is_private": conv.kind in ("private", "mpim"),
            "created": EPOCH,
            "is_archived": conv.is_archived,
            "is_general": False,
            "unlinked": 0,
            "name_normalized": conv.name,
            "is_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "pending_shared": [],
            "context_team_id": self.team_id,
            "updated": EPOCH * 1000,
            "parent_conversation": None,
            "creator": conv.members[0] if conv.members else "",
            "is_ext_shared": False,
            "shared_team_ids": [self.team_id],
            "pending_connected_team_ids": [],
            "is_member": self.bot_user_id in conv.members,
            "topic": {"value": conv.topic, "creator": "", "last_set": 0},
            "purpose": {"value": conv.purpose, "creator": "", "last_set": 0},
            "previous_names": [],
        }
        if num_members:
            obj["num_members"] = len(conv.members)
        return obj

    def _conversations_info(self, args: JSON) -> JSON:
        conv = self._visible_conversation(args["channel"])
        obj = self._conversation_object(conv, num_members=_flag(args.get("include_num_members")))
        return {"ok": True, "channel": obj}

    def _conversations_members(self, args: JSON) -> JSON:
        conv = self._visible_conversation(args["channel"])
        page, next_cursor = self._page(
            conv.members, args, prefix="user", key=str, default_limit=100
        )
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_join(self, args: JSON) -> JSON:
        conv = self._resolve_conversation(args["channel"], allow_user=False, need_member=False)
        if conv.kind != "public":
            if conv.kind == "private" and self.bot_user_id not in conv.members:
                raise SlackError("channel_not_found")
            raise SlackError("method_not_supported_for_channel_type")
        if conv.is_archived:
            raise SlackError("is_archived")
        if self.bot_user_id in conv.members:
            return {
                "ok": True,
                "channel": self._conversation_object(conv),
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        conv.members.append(self.bot_user_id)
        return {"ok": True, "channel": self._conversation_object(conv)}

    def _conversations_open(self, args: JSON) -> JSON:
        if not _missing(args, "channel"):
            conv = self.conversations.get(str(args["channel"]))
            if conv is None or conv.kind not in ("im", "mpim"):
                raise SlackError("channel_not_found")
            return self._opened(conv, args)
        raw = args.get("users")
        if _missing(args, "users"):
            raise SlackError("users_list_not_supplied")
        users = raw if isinstance(raw, list) else str(raw).split(",")
        users = [u.strip() for u in users if u.strip() and u.strip() != self.bot_user_id]
        users = list(dict.fromkeys(users))
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 8:
            raise SlackError("too_many_users")
        for user_id in users:
            user = self.users.get(user_id)
            if user is None:
                raise SlackError("user_not_found")
            if user["deleted"]:
                raise SlackError("user_disabled")
            if len(users) == 1 and user["is_bot"]:
                raise SlackError("cannot_dm_bot")
        if len(users) == 1:
            return self._opened(self._ensure_dm(users[0]), args)
        members = sorted([self.bot_user_id, *users])
        mpim_id = "G" + _short_hash("mpim", *members)
        conv = self.conversations.get(mpim_id)
        if conv is None:
            name = "mpdm-" + "--".join(self.users[m]["name"] for m in members) + "-1"
            conv = Conversation(id=mpim_id, name=name, kind="mpim", members=members)
            self.conversations[mpim_id] = conv
            self._messages.setdefault(mpim_id, [])
        return self._opened(conv, args)

    def _opened(self, conv: Conversation, args: JSON) -> JSON:
        result: JSON = {"ok": True}
        if conv.opened:
            result.update({"no_op": True, "already_open": True})
        conv.opened = True
        full = _flag(args.get("return_im"))
        result["channel"] = self._conversation_object(conv) if full else {"id": conv.id}
        return result

    def _conversations_history(self, args: JSON) -> JSON:
        conv = self._visible_conversation(args["channel"])
        if conv.is_channel_like and self.bot_user_id not in conv.members:
            raise SlackError("not_in_channel")
        oldest, latest = args.get("oldest"), args.get("latest")
        inclusive = _flag(args.get("inclusive"))

        def in_range(ts: str) -> bool:
            value = float(ts)
            if oldest and (value < float(oldest) or (value == float(oldest) and not inclusive)):
                return False
            return not (
                latest and (value > float(latest) or (value == float(latest) and not inclusive))
            )

        top_level = [
            copy.deepcopy(m)
            for m in reversed(self._messages.get(conv.id, []))
            if (m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast")
            and in_range(m["ts"])
        ]
        page, next_cursor = self._page(
            top_level, args, prefix="next_ts", key=lambda m: m["ts"], default_limit=100
        )
        return {
            "ok": True,
            "messages": page,
            "has_more": bool(next_cursor),
            "pin_count": 0,
            "channel_actions_ts": None,
            "channel_actions_count": 0,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_replies(self, args: JSON) -> JSON:
        conv = self._visible_conversation(args["channel"])
        ts = str(args["ts"])
        parent = self._find_message(conv.id, ts)
        if parent is None:
            raise SlackError("thread_not_found")
        thread = [
            copy.deepcopy(m)
            for m in self._messages.get(conv.id, [])
            if m["ts"] == ts or m.get("thread_ts") == ts
        ]
        page, next_cursor = self._page(
            thread, args, prefix="next_ts", key=lambda m: m["ts"], default_limit=1000
        )
        return {
            "ok": True,
            "messages": page,
            "has_more": bool(next_cursor),
            "response_metadata": {"next_cursor": next_cursor},
        }

    # ------------------------------------------------------------------ chat

    def _bot_message(self, args: JSON, ts: str) -> JSON:
        msg: JSON = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": args.get("text") or "",
            "ts": ts,
            "team": self.team_id,
            "bot_profile": {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": self.bot_name,
                "deleted": False,
                "team_id": self.team_id,
                "updated": EPOCH,
                "icons": {},
            },
        }
        for key in ("blocks", "attachments", "metadata", "username", "icon_emoji", "icon_url"):
            if not _missing(args, key):
                msg[key] = copy.deepcopy(args[key])
        if not _missing(args, "thread_ts"):
            msg["thread_ts"] = str(args["thread_ts"])
            if _flag(args.get("reply_broadcast")):
                msg["subtype"] = "thread_broadcast"
        return msg

    def _chat_post_message(self, args: JSON) -> JSON:
        conv = self._resolve_conversation(args["channel"], allow_user=True, need_member=True)
        if conv.is_archived:
            raise SlackError("is_archived")
        self._check_message_content(args)
        msg = self._bot_message(args, self._next_ts())
        self._store_message(conv.id, msg)
        return {"ok": True, "channel": conv.id, "ts": msg["ts"], "message": copy.deepcopy(msg)}

    def _chat_post_ephemeral(self, args: JSON) -> JSON:
        conv = self._resolve_conversation(args["channel"], allow_user=True, need_member=True)
        user_id = str(args["user"])
        if user_id not in self.users:
            raise SlackError("user_not_found")
        if user_id not in conv.members:
            raise SlackError("user_not_in_channel")
        self._check_message_content(args)
        ts = self._next_ts()
        self.ephemerals.append(
            {
                "channel": conv.id,
                "user": user_id,
                "text": args.get("text"),
                "blocks": copy.deepcopy(args.get("blocks")),
                "attachments": copy.deepcopy(args.get("attachments")),
                "thread_ts": args.get("thread_ts"),
                "message_ts": ts,
            }
        )
        return {"ok": True, "message_ts": ts}

    def _chat_update(self, args: JSON) -> JSON:
        conv = self._resolve_conversation(args["channel"], allow_user=False, need_member=False)
        msg = self._find_message(conv.id, str(args["ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        if msg.get("user") != self.bot_user_id:
            raise SlackError("cant_update_message")
        self._check_message_content(args)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args and args[key] is not None:
                if args[key] in ([], "") and key != "text":
                    msg.pop(key, None)
                else:
                    msg[key] = copy.deepcopy(args[key])
        msg["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": conv.id,
            "ts": msg["ts"],
            "text": msg.get("text", ""),
            "message": copy.deepcopy(msg),
        }

    def _chat_delete(self, args: JSON) -> JSON:
        conv = self._resolve_conversation(args["channel"], allow_user=False, need_member=False)
        msg = self._find_message(conv.id, str(args["ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        if msg.get("user") != self.bot_user_id:
            raise SlackError("cant_delete_message")
        self._messages[conv.id].remove(msg)
        self.deleted_messages.append({**msg, "channel": conv.id})
        return {"ok": True, "channel": conv.id, "ts": msg["ts"]}

    def _chat_get_permalink(self, args: JSON) -> JSON:
        conv = self._resolve_conversation(args["channel"], allow_user=False, need_member=False)
        ts = str(args["message_ts"])
        msg = self._find_message(conv.id, ts)
        if msg is None:
            raise SlackError("message_not_found")
        link = f"https://{self.team_domain}.slack.com/archives/{conv.id}/p{ts.replace('.', '')}"
        thread_ts = msg.get("thread_ts")
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={conv.id}"
        return {"ok": True, "channel": conv.id, "permalink": link}

    # ------------------------------------------------------------------ views

    def _check_view(self, view: Any) -> JSON:
        if isinstance(view, str):
            raise _invalid_arguments("invalid json [json-pointer:/view]")
        errors, mangled = check_view(view)
        if errors:
            raise _invalid_arguments(*errors)
        self.mangled.extend(mangled)
        assert isinstance(view, dict)
        return view

    def _check_trigger(self, trigger_id: str) -> str | None:
        if trigger_id in self._expired_triggers:
            raise SlackError("expired_trigger_id")
        issued = self._trigger_times.get(trigger_id)
        if issued is not None and time.monotonic() - issued > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        if self.strict_triggers and trigger_id not in self._issued_triggers:
            raise SlackError("invalid_trigger_id")
        return self._issued_triggers.get(trigger_id)

    def _check_external_id(self, view: JSON, own_id: str | None = None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for other in [*self.views, *self.home_views.values()]:
            if other.get("external_id") == external_id and other["id"] != own_id:
                raise SlackError("duplicate_external_id")

    def _new_view(
        self,
        spec: JSON,
        *,
        view_id: str | None = None,
        previous: str | None = None,
        root: str | None = None,
    ) -> JSON:
        view_id = view_id or f"V0FIKA{self._next():05d}"
        view: JSON = {
            "id": view_id,
            "team_id": self.team_id,
            "type": spec["type"],
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": self._next_hash(),
            "title": None,
            "clear_on_close": False,
            "notify_on_close": False,
            "close": None,
            "submit": None,
            "previous_view_id": previous,
            "root_view_id": root or view_id,
            "app_id": self.app_id,
            "external_id": "",
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        view.update(copy.deepcopy(spec))
        return view

    def _views_open(self, args: JSON) -> JSON:
        user_id = self._check_trigger(str(args["trigger_id"]))
        spec = self._check_view(args["view"])
        if spec["type"] != "modal":
            raise _invalid_arguments("must be a valid enum value [json-pointer:/view/type]")
        self._check_external_id(spec)
        view = self._new_view(spec)
        self.views.append(view)
        self._view_owner[view["id"]] = user_id
        if user_id is not None:
            self._modal_stacks[user_id] = [view["id"]]
        return {"ok": True, "view": copy.deepcopy(view)}

    def _views_push(self, args: JSON) -> JSON:
        user_id = self._check_trigger(str(args["trigger_id"]))
        spec = self._check_view(args["view"])
        if spec["type"] != "modal":
            raise _invalid_arguments("must be a valid enum value [json-pointer:/view/type]")
        self._check_external_id(spec)
        stack = self._modal_stacks.get(user_id, []) if user_id is not None else []
        if len(stack) >= 3:
            raise SlackError("push_limit_reached")
        previous = stack[-1] if stack else None
        view = self._new_view(spec, previous=previous, root=stack[0] if stack else None)
        self.views.append(view)
        self._view_owner[view["id"]] = user_id
        if user_id is not None:
            self._modal_stacks[user_id] = [*stack, view["id"]]
        return {"ok": True, "view": copy.deepcopy(view)}

    def _views_update(self, args: JSON) -> JSON:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if not view_id and not external_id:
            raise _invalid_arguments("missing required field: view_id or external_id")
        current = next(
            (
                v
                for v in [*self.views, *self.home_views.values()]
                if (view_id and v["id"] == view_id)
                or (not view_id and external_id and v.get("external_id") == external_id)
            ),
            None,
        )
        if current is None:
            raise SlackError("not_found")
        if not _missing(args, "hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        spec = self._check_view(args["view"])
        self._check_external_id(spec, own_id=current["id"])
        updated = self._new_view(
            spec,
            view_id=current["id"],
            previous=current.get("previous_view_id"),
            root=current.get("root_view_id"),
        )
        updated["state"] = current.get("state", {"values": {}})
        current.clear()
        current.update(updated)
        return {"ok": True, "view": copy.deepcopy(current)}

    def _views_publish(self, args: JSON) -> JSON:
        user_id = str(args["user_id"])
        if user_id not in self.users:
            raise SlackError("user_not_found")
        spec = self._check_view(args["view"])
        if spec["type"] != "home":
            raise _invalid_arguments("must be a valid enum value [json-pointer:/view/type]")
        current = self.home_views.get(user_id)
        if current is not None and not _missing(args, "hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view_id = current["id"] if current is not None else None
        self._check_external_id(spec, own_id=view_id)
        view = self._new_view(spec, view_id=view_id)
        self.home_views[user_id] = view
        return {"ok": True, "view": copy.deepcopy(view)}

    # ------------------------------------------------------------------ files

    def _files_get_upload_url(self, args: JSON) -> JSON:
        try:
            length = int(args["length"])
        except (TypeError, ValueError) as exc:
            raise _invalid_arguments("must be an integer [json-pointer:/length]") from exc
        if length <= 0:
            raise _invalid_arguments("must be greater than 0 [json-pointer:/length]")
        file_id = f"F0FIKA{self._next():05d}"
        self.pending_uploads[file_id] = UploadedFile(
            id=file_id,
            filename=str(args["filename"]),
            length=length,
            alt_txt=args.get("alt_txt"),
            snippet_type=args.get("snippet_type"),
        )
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: JSON) -> JSON:
        files = args["files"]
        if not isinstance(files, list) or not all(
            isinstance(f, dict) and f.get("id") for f in files
        ):
            raise _invalid_arguments("must provide an array of {id, title} [json-pointer:/files]")
        pending: list[tuple[UploadedFile, JSON]] = []
        for entry in files:
            upload = self.pending_uploads.get(str(entry["id"]))
            if upload is None or upload.content is None:
                raise SlackError("file_not_found")
            pending.append((upload, entry))
        targets: list[Conversation] = []
        channel_ids: list[str] = []
        if not _missing(args, "channel_id"):
            channel_ids.append(str(args["channel_id"]))
        if not _missing(args, "channels"):
            channel_ids.extend(c.strip() for c in str(args["channels"]).split(",") if c.strip())
        for channel_id in channel_ids:
            targets.append(
                self._resolve_conversation(channel_id, allow_user=False, need_member=True)
            )
        thread_ts = args.get("thread_ts") or None
        result_files: list[JSON] = []
        for upload, entry in pending:
            upload.title = entry.get("title") or upload.filename
            upload.channel_id = args.get("channel_id") or None
            upload.channels = [c.id for c in targets]
            upload.initial_comment = args.get("initial_comment") or None
            upload.thread_ts = thread_ts
            upload.completed = True
            del self.pending_uploads[upload.id]
            self.uploaded_files.append(upload)
            result_files.append(self._file_object(upload))
        for conv in targets:
            # Real Slack shares the files with a bot message carrying the initial comment.
            msg = self._bot_message({"text": args.get("initial_comment") or ""}, self._next_ts())
            msg.update({"files": copy.deepcopy(result_files), "upload": True})
            if thread_ts:
                msg["thread_ts"] = thread_ts
            self._store_message(conv.id, msg)
        return {"ok": True, "files": result_files}

    def _file_object(self, upload: UploadedFile) -> JSON:
        return {
            "id": upload.id,
            "created": EPOCH,
            "timestamp": EPOCH,
            "name": upload.filename,
            "title": upload.title,
            "mimetype": "text/plain" if upload.snippet_type else "application/octet-stream",
            "filetype": upload.snippet_type or "binary",
            "user": self.bot_user_id,
            "size": len(upload.content or b""),
            "is_external": False,
            "url_private": f"{self.base_url}/files/{upload.id}/{upload.filename}",
            "permalink": f"https://{self.team_domain}.slack.com/files/{self.bot_user_id}/{upload.id}",
            "channels": [c for c in upload.channels if c.startswith("C")],
            "groups": [c for c in upload.channels if c.startswith("G")],
            "ims": [c for c in upload.channels if c.startswith("D")],
        }

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """The upload URL. slack_sdk's files_upload_v2 POSTs the raw bytes
        (application/octet-stream); multipart with a file part is accepted too."""
        failure = self._take_failure("upload")
        if failure is not None:
            return web.Response(
                status=failure.status, text=failure.error, content_type="text/plain"
            )
        upload = self.pending_uploads.get(request.match_info["file_id"])
        if upload is None:
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        if request.content_type == "multipart/form-data":
            form = await request.post()
            parts = [form.get("file"), *form.values()]
            part = next((v for v in parts if v is not None and not isinstance(v, str)), None)
            if part is None:
                return web.Response(status=400, text="no_file_data", content_type="text/plain")
            data = _field_bytes(part)
        else:
            data = await request.read()
        upload.content = data
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    # ------------------------------------------------------------------ response_url

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        url = f"{self.base_url}/response/{request.match_info['rid']}"
        raw = await request.read()
        try:
            if request.content_type == "application/x-www-form-urlencoded":
                form = await request.post()
                body: Any = json.loads(str(form.get("payload", "")))
            else:
                body = json.loads(raw.decode() or "null")
        except ValueError:
            body = raw.decode(errors="replace")
        record: JSON = {"url": url, "body": body, "status": 200, "error": None}
        self.responses.append(record)

        def answer(status: int, error: str | None, **extra: Any) -> web.Response:
            record["status"], record["error"] = status, error
            if error is None:
                return web.json_response({"ok": True}, status=status)
            return web.json_response({"ok": False, "error": error, **extra}, status=status)

        failure = self._take_failure("response_url")
        if failure is not None:
            return answer(failure.status, failure.error)
        target = self._response_urls.get(request.match_info["rid"])
        if target is None:
            return answer(404, "expired_url")
        target.uses += 1
        if target.uses > self.response_url_max_uses:
            return answer(404, "used_url")
        if not isinstance(body, dict):
            return answer(400, "invalid_payload")
        try:
            if not (_flag(body.get("delete_original"))):
                if all(_missing(body, k) for k in ("text", "blocks", "attachments")):
                    raise SlackError("no_text")
                self._check_message_content(body)
        except SlackError as exc:
            return answer(400, exc.error, **exc.extra)
        self._apply_response(target, body)
        return answer(200, None)

    def _apply_response(self, target: _ResponseUrl, body: JSON) -> None:
        channel_id = target.channel_id
        if channel_id is None or channel_id not in self.conversations:
            return
        original = self._find_message(channel_id, target.message_ts) if target.message_ts else None
        if _flag(body.get("delete_original")):
            if original is not None:
                self._messages[channel_id].remove(original)
                self.deleted_messages.append({**original, "channel": channel_id})
        elif _flag(body.get("replace_original")):
            if original is not None:
                for key in ("text", "blocks", "attachments"):
                    if key in body:
                        original[key] = copy.deepcopy(body[key])
        elif body.get("response_type") == "in_channel":
            msg = self._bot_message(body, self._next_ts())
            self._store_message(channel_id, msg)
