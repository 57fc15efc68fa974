"""Slack's Socket Mode for :class:`~tests.fakes.slack_api.FakeSlack`, over a real WebSocket.

What real Slack does, and so does this fake:

1. The app calls ``apps.connections.open`` with its app-level token (``xapp-…``) as
   ``Authorization: Bearer``. Answer: ``{"ok": true, "url": "wss://…/link/?ticket=…&app_id=…"}``
   (here ``ws://127.0.0.1:PORT/link/?ticket=…&app_id=…``). Without a token: ``not_authed``;
   a token Slack knows but of another kind (the bot's ``xoxb-``): ``not_allowed_token_type``;
   anything else: ``invalid_auth``. ``FakeSlack.fail_next("apps.connections.open", …)`` works.
2. The app opens the WebSocket; the fake sends ``{"type": "hello", "num_connections": n,
   "debug_info": {…}, "connection_info": {"app_id": …}}``. Up to 10 connections at once; an
   11th is told ``{"type": "disconnect", "reason": "too_many_websockets"}`` and closed. The
   fake's own strict choice (Slack does not document it): a ticket opens one connection; a
   used or unknown ticket gets HTTP 401 before the upgrade.
3. Slack pushes envelopes ``{"envelope_id", "payload", "type", "accepts_response_payload"}``
   (``events_api`` also carries ``retry_attempt`` / ``retry_reason``) to one open connection,
   the newest; the app acknowledges with ``{"envelope_id": …, "payload": {…}?}``. Slack waits
   3 seconds for that; :meth:`FakeSocketMode.send_envelope` raises ``TimeoutError`` after
   ``ack_timeout`` (3 s unless given) and returns the ack's payload (``{}`` when it has none).
4. Ping/pong both ways: the fake answers the app's pings and :meth:`FakeSocketMode.ping` checks
   the app answers the fake's. :meth:`FakeSocketMode.disconnect` sends
   ``{"type": "disconnect", "reason": …}`` (slack_sdk then reconnects through a new
   ``apps.connections.open``); every close, by the app or the fake, is recorded on its
   :class:`Connection`.

Usage::

    async with FakeSocketMode(fake, app_token="xapp-1-A0FIKA-1-abc") as sm:
        ...  # start the app with SLACK_APP_TOKEN and SLACK_API_URL=fake.api_url
        await sm.wait_connected()
        payload = await sm.send_slash_command(slash_command_form("/fika", "help", ...))

Deterministic: tickets and envelope ids come from counters; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.slack_api import Call, FakeSlack, SlackError

JSON = dict[str, Any]

DEFAULT_APP_TOKEN = "xapp-1-A0FIKA-1-abc"
#: How long Slack waits for an envelope's acknowledgement before it gives up.
SLACK_ACK_TIMEOUT = 3.0
#: Slack allows this many open Socket Mode connections per app.
MAX_CONNECTIONS = 10
#: Interactive payload types whose acknowledgement may carry a response (response_action,
#: options); Slack sets ``accepts_response_payload`` for them.
_RESPONSE_PAYLOAD_INTERACTIVE = ("view_submission", "block_suggestion")


def _uuid(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


@dataclass
class Ack:
    """The app's answer to one envelope."""

    envelope_id: str
    type: str
    payload: JSON | None
    accepts_response_payload: bool
    seconds: float
    connection_id: int


@dataclass
class Connection:
    """One WebSocket the app opened."""

    id: int
    ticket: str
    ws: web.WebSocketResponse
    hello: JSON | None = None
    closed: bool = False
    #: "app" when the app closed the socket, "slack" when the fake did.
    closed_by: str | None = None
    close_code: int | None = None
    #: Pings the app sent (slack_sdk pings right after connecting and then periodically).
    pings_from_app: int = 0
    #: Text frames the app sent, parsed when JSON (acknowledgements included).
    received: list[Any] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.hello is not None and not self.closed and not self.ws.closed


class FakeSocketMode:
    """Socket Mode for a :class:`FakeSlack`; see the module docstring.

    Inspect ``connections`` (every WebSocket, in order), ``envelopes`` (what was pushed),
    ``acks`` (answers in time) and ``unexpected`` (frames that were not a valid answer to a
    pending envelope: late or duplicate acks, non-JSON text, unknown ids).
    """

    def __init__(
        self,
        fake: FakeSlack,
        app_token: str = DEFAULT_APP_TOKEN,
        *,
        ack_timeout: float = SLACK_ACK_TIMEOUT,
    ) -> None:
        self.fake = fake
        #: App-level tokens accepted by apps.connections.open.
        self.app_tokens: set[str] = {app_token}
        self.ack_timeout = ack_timeout
        self.connections: list[Connection] = []
        self.envelopes: list[JSON] = []
        self.acks: list[Ack] = []
        self.unexpected: list[Any] = []
        self._tickets: dict[str, bool] = {}  # ticket -> already used
        self._pending: dict[str, tuple[asyncio.Future[JSON], Connection]] = {}
        self._pongs: dict[bytes, asyncio.Future[None]] = {}
        self._counter = 0
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._changed: asyncio.Condition | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeSocketMode:
        self._changed = asyncio.Condition()
        self.fake.add_method("apps.connections.open", self._connections_open)
        app = web.Application()
        app.router.add_get("/link/", self._handle_link)
        # Handlers still running at cleanup (a WebSocket the app never closed) get 1 s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        """Close every open connection (code 1001, like a server going away), then stop."""
        for conn in self.connections:
            if not conn.closed and not conn.ws.closed:
                conn.closed_by = conn.closed_by or "slack"
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.ws.close(code=1001, message=b"going away"), 2)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSocketMode:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def ws_base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeSocketMode is not started")
        return f"ws://127.0.0.1:{self._port}/link/"

    @property
    def open_connections(self) -> list[Connection]:
        return [c for c in self.connections if c.is_open]

    # ------------------------------------------------------------------ waiting

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _wait_until(self, predicate: Callable[[], bool], within: float, what: str) -> None:
        if self._changed is None:
            raise RuntimeError("FakeSocketMode is not started")
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), within)
            except TimeoutError:
                raise TimeoutError(f"{what} within {within} s") from None

    async def wait_connected(self, within: float = 10.0, *, count: int = 1) -> Connection:
        """Wait until ``count`` connections were opened (hello sent); the newest open one."""
        await self._wait_until(
            lambda: (
                len([c for c in self.connections if c.hello is not None]) >= count
                and bool(self.open_connections)
            ),
            within,
            f"the app did not open Socket Mode connection #{count}",
        )
        return self.open_connections[-1]

    async def wait_closed(self, connection: Connection, within: float = 10.0) -> None:
        await self._wait_until(
            lambda: connection.closed, within, f"connection #{connection.id} did not close"
        )

    # ------------------------------------------------------------------ apps.connections.open

    def _connections_open(self, call: Call) -> JSON:
        token = call.token
        if token is None:
            raise SlackError("not_authed")
        if token not in self.app_tokens:
            # Tokens Slack knows, of the wrong kind, are refused differently from unknown ones.
            raise SlackError(
                "not_allowed_token_type" if token in self.fake.tokens else "invalid_auth"
            )
        self._counter += 1
        ticket = _uuid("ticket", str(self._counter))
        self._tickets[ticket] = False
        return {"ok": True, "url": f"{self.ws_base_url}?ticket={ticket}&app_id={self.fake.app_id}"}

    # ------------------------------------------------------------------ the WebSocket

    def _hello(self) -> JSON:
        return {
            "type": "hello",
            "num_connections": len(self.open_connections) + 1,
            "debug_info": {
                "host": "applink-fake-0",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.fake.app_id},
        }

    async def _handle_link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if self._tickets.get(ticket, True):
            return web.Response(status=401, text="invalid_ticket")
        self._tickets[ticket] = True
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        conn = Connection(id=len(self.connections) + 1, ticket=ticket, ws=ws)
        self.connections.append(conn)
        if len(self.open_connections) >= MAX_CONNECTIONS:
            await ws.send_json({"type": "disconnect", "reason": "too_many_websockets"})
            conn.closed_by = "slack"
            await ws.close()
        else:
            hello = self._hello()
            await ws.send_json(hello)
            conn.hello = hello
            await self._notify()
            try:
                await self._read(conn)
            finally:
                self._drop(conn)
        conn.closed = True
        conn.closed_by = conn.closed_by or "app"
        conn.close_code = ws.close_code
        await self._notify()
        return ws

    async def _read(self, conn: Connection) -> None:
        async for msg in conn.ws:
            if msg.type == WSMsgType.PING:
                conn.pings_from_app += 1
                await conn.ws.pong(msg.data)
            elif msg.type == WSMsgType.PONG:
                waiter = self._pongs.pop(bytes(msg.data), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(None)
            elif msg.type == WSMsgType.TEXT:
                self._on_text(conn, str(msg.data))
            elif msg.type == WSMsgType.BINARY:
                conn.received.append(msg.data)
                self.unexpected.append(msg.data)

    def _on_text(self, conn: Connection, text: str) -> None:
        try:
            message: Any = json.loads(text)
        except ValueError:
            message = text
        conn.received.append(message)
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        pending = self._pending.get(envelope_id) if isinstance(envelope_id, str) else None
        payload = message.get("payload") if isinstance(message, dict) else None
        if pending is None or pending[0].done() or not isinstance(payload, dict | None):
            self.unexpected.append(message)
            return
        pending[0].set_result(message)

    def _drop(self, conn: Connection) -> None:
        """The connection is gone: envelopes waiting on it will never be acknowledged."""
        for future, target in self._pending.values():
            if target is conn and not future.done():
                future.set_exception(ConnectionError(f"connection #{conn.id} closed"))

    # ------------------------------------------------------------------ pushing envelopes

    def _target(self, connection: Connection | None) -> Connection:
        if connection is not None:
            if not connection.is_open:
                raise ConnectionError(f"connection #{connection.id} is not open")
            return connection
        open_now = self.open_connections
        if not open_now:
            raise ConnectionError("no open Socket Mode connection; is the app connected?")
        return open_now[-1]

    async def send_envelope(
        self,
        envelope_type: str,
        payload: Mapping[str, Any],
        *,
        accepts_response_payload: bool,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        ack_timeout: float | None = None,
        connection: Connection | None = None,
    ) -> JSON:
        """Push one envelope and wait for its acknowledgement; the ack's payload (or ``{}``).

        Raises ``TimeoutError`` when the app does not acknowledge in time and
        ``ConnectionError`` when no connection is open or it closes before the ack.
        """
        conn = self._target(connection)
        self._counter += 1
        envelope_id = _uuid("envelope", str(self._counter))
        envelope: JSON = {
            "envelope_id": envelope_id,
            "payload": json.loads(json.dumps(dict(payload))),
            "type": envelope_type,
            "accepts_response_payload": accepts_response_payload,
        }
        if retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason or ""
        future: asyncio.Future[JSON] = asyncio.get_running_loop().create_future()
        self._pending[envelope_id] = (future, conn)
        wait = self.ack_timeout if ack_timeout is None else ack_timeout
        started = time.monotonic()
        try:
            await conn.ws.send_json(envelope)
            self.envelopes.append(envelope)
            try:
                answer = await asyncio.wait_for(future, wait)
            except TimeoutError:
                raise TimeoutError(
                    f"the app did not acknowledge {envelope_type} envelope {envelope_id} "
                    f"within {wait} s"
                ) from None
        finally:
            del self._pending[envelope_id]
        ack = Ack(
            envelope_id=envelope_id,
            type=envelope_type,
            payload=answer.get("payload"),
            accepts_response_payload=accepts_response_payload,
            seconds=time.monotonic() - started,
            connection_id=conn.id,
        )
        self.acks.append(ack)
        return dict(ack.payload or {})

    async def send_slash_command(
        self, form_fields: Mapping[str, str], *, ack_timeout: float | None = None
    ) -> JSON:
        """A slash command; ``form_fields`` as from ``slack_requests.slash_command_form``."""
        return await self.send_envelope(
            "slash_commands", form_fields, accepts_response_payload=True, ack_timeout=ack_timeout
        )

    async def send_interactive(
        self,
        payload: Mapping[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        ack_timeout: float | None = None,
    ) -> JSON:
        """An interactivity payload (block_actions, view_submission, shortcut, …) as a dict."""
        if accepts_response_payload is None:
            accepts_response_payload = payload.get("type") in _RESPONSE_PAYLOAD_INTERACTIVE
        return await self.send_envelope(
            "interactive",
            payload,
            accepts_response_payload=accepts_response_payload,
            ack_timeout=ack_timeout,
        )

    async def send_event(
        self,
        body: Mapping[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        ack_timeout: float | None = None,
    ) -> JSON:
        """An Events API ``event_callback`` body (``slack_requests.event_envelope``)."""
        return await self.send_envelope(
            "events_api",
            body,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            ack_timeout=ack_timeout,
        )

    # ------------------------------------------------------------------ ping & disconnect

    async def ping(self, connection: Connection | None = None, within: float = 5.0) -> None:
        """Ping the app and wait for its pong (``TimeoutError`` if none comes)."""
        conn = self._target(connection)
        self._counter += 1
        data = f"fake-slack-ping:{self._counter}".encode()
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pongs[data] = waiter
        try:
            await conn.ws.ping(data)
            await asyncio.wait_for(waiter, within)
        except TimeoutError:
            raise TimeoutError(f"no pong on connection #{conn.id} within {within} s") from None
        finally:
            self._pongs.pop(data, None)

    async def disconnect(
        self,
        reason: str = "refresh_requested",
        connection: Connection | None = None,
        *,
        close: bool = True,
    ) -> Connection:
        """Send ``{"type": "disconnect", "reason": reason}``; then close the socket unless
        ``close=False`` (Slack's ``"warning"`` comes a few seconds before the real close)."""
        conn = self._target(connection)
        await conn.ws.send_json(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake-0"}}
        )
        if close:
            conn.closed_by = "slack"
            await conn.ws.close()
        return conn
