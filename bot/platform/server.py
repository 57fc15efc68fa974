"""HTTP front door: POST /slack/events (signature checked first) and GET /healthz."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.platform.acks import answered_empty
from bot.platform.bodies import MAX_BODY_BYTES, sanitized
from bot.platform.db.engine import ping
from bot.platform.deps import Deps
from bot.platform.worker_pool import WorkerPool

log = logging.getLogger(__name__)

# Slack's headers: seconds since the epoch (ASCII digits; "²" or 5,000 digits are not numbers to
# int()), and "v0=" with a hex SHA-256 (hmac.compare_digest refuses non-ASCII text).
_TIMESTAMP = re.compile(r"[0-9]{1,15}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")

# Interactivity payloads that always name the person, and those that always carry a trigger_id.
_WITH_USER = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
    }
)
_WITH_TRIGGER = frozenset({"block_actions", "shortcut", "message_action"})
# Objects that, when present, are JSON objects (or null) in every payload Slack sends.
_OBJECTS = ("team", "channel", "container", "enterprise", "message", "view")
_SLACK_ID = re.compile(r"[A-Za-z0-9]{0,32}")
_EVENT_ID = re.compile(r"[A-Za-z0-9]{0,64}")


def _obj(value: object) -> bool:
    return value is None or isinstance(value, dict)


def _inputs_well_formed(item: dict[str, Any]) -> bool:
    """An action or a state entry: Slack's types for the fields handlers read."""
    options = item.get("selected_options")
    return (
        isinstance(item.get("value"), str | None)
        and isinstance(item.get("selected_date"), str | None)
        and _obj(item.get("selected_option"))
        and (options is None or (isinstance(options, list) and all(map(_is_dict, options))))
    )


def _is_dict(value: object) -> bool:
    return isinstance(value, dict)


def _view_well_formed(view: object) -> bool:
    if not isinstance(view, dict) or not isinstance(view.get("callback_id", ""), str):
        return False
    blocks = view.get("blocks", [])
    if not isinstance(blocks, list) or not all(map(_is_dict, blocks)):
        return False
    if not isinstance(view.get("private_metadata"), str | None):
        return False
    state = view.get("state", {})
    values = state.get("values", {}) if isinstance(state, dict) else None
    return isinstance(values, dict) and all(
        isinstance(block, dict)
        and all(isinstance(entry, dict) and _inputs_well_formed(entry) for entry in block.values())
        for block in values.values()
    )


def _ids_fit(body: dict[str, Any]) -> bool:
    """Slack's ids (team, user, channel, event) are short runs of letters and digits: they fit
    our columns, and a mention built from one (`<@U…>`) can carry nothing else."""
    ids: list[object] = [body.get("team_id"), body.get("user_id"), body.get("channel_id")]
    for key in ("user", "team", "channel", "event"):
        part = body.get(key)
        if isinstance(part, dict):
            ids += [part.get("id"), part.get("team_id"), part.get("user"), part.get("channel")]
            ids += [part.get("team")]
    event_id = body.get("event_id")
    return all(not isinstance(v, str) or _SLACK_ID.fullmatch(v) for v in ids) and (
        not isinstance(event_id, str) or _EVENT_ID.fullmatch(event_id) is not None
    )


def well_formed(body: dict[str, Any]) -> bool:
    """Whether a signed body has the shape of what Slack sends, which handlers rely on.

    Only the structure is checked (objects are objects, ids are strings, a click names its
    action); values inside are the handlers' to judge.
    """
    if not body or not _ids_fit(body):
        return False
    # Bolt's own middleware reads these whatever the type: an event is an object, the
    # authorizations a list of objects.
    if "event" in body and not isinstance(body["event"], dict):
        return False
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(map(_is_dict, authorizations))
    ):
        return False
    kind = body.get("type")
    if kind is None:
        return True  # a slash command (form fields are strings) or an SSL check
    if not isinstance(kind, str) or not all(_obj(body.get(key)) for key in _OBJECTS):
        return False
    user = body.get("user")
    if kind in _WITH_USER and not (isinstance(user, dict) and isinstance(user.get("id"), str)):
        return False
    if kind in _WITH_TRIGGER and not isinstance(body.get("trigger_id"), str):
        return False
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return False
        if not all(
            isinstance(a, dict) and isinstance(a.get("action_id"), str) and _inputs_well_formed(a)
            for a in actions
        ):
            return False
    has_view = kind in {"view_submission", "view_closed"} or body.get("view") is not None
    if has_view and not _view_well_formed(body.get("view")):
        return False
    if kind == "block_suggestion" and not (
        isinstance(body.get("action_id"), str) and isinstance(body.get("value", ""), str)
    ):
        return False
    if kind in {"shortcut", "message_action"} and not isinstance(body.get("callback_id"), str):
        return False
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return False
    return True


def signed(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    """Slack's v0 signature over the raw bytes (so a body that is not UTF-8 is judged too),
    sent within the last five minutes."""
    if abs(time.time() - int(timestamp)) > 5 * 60:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _too_large() -> web.Response:
    """400 for an over-long body, like every other body Slack would never send (the issue's
    contract: malformed bodies get 400 or 401). The connection is closed rather than the rest
    of the body read."""
    response = web.Response(status=400, text="request body too large")
    response.force_close()
    return response


def is_ssl_check(body: bytes) -> bool:
    """Slack's certificate check of a slash command URL: a form with `ssl_check=1`."""
    if len(body) > 1024 or b"ssl_check" not in body:
        return False
    try:
        fields = parse_qs(body.decode("ascii"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return False
    return fields.get("ssl_check") == ["1"]


def make_web_app(
    bolt: AsyncApp | None,
    deps: Deps,
    *,
    connected: Callable[[], bool] | None = None,
    workers: WorkerPool | None = None,
) -> web.Application:
    """`bolt=None` serves only the probes (Socket Mode still wants them for the orchestrator).

    With `workers`, a checked request whose acknowledgement is empty is acknowledged here and
    worked on in a worker process (bot/platform/worker_pool.py); the rest, and everything when no
    worker runs, goes to `bolt` in this process.

    /healthz is liveness: 200 while the process works and the database answers, also while
    Socket Mode is still connecting to Slack (`connected` says whether it has). /readyz is
    readiness: 503 "connecting" until then, so an orchestrator waits instead of killing a pod
    that is only waiting for Slack. Over HTTP both mean the same.
    """
    secret = deps.settings.slack_signing_secret.get().encode()

    async def slack_events(request: web.Request) -> web.Response:
        assert bolt is not None
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        # Slack's payloads are a few kB: a body over MAX_BODY_BYTES is refused unread when it
        # says its length, else as soon as reading passes the limit (aiohttp's client_max_size).
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return _too_large()
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _too_large()
        if is_ssl_check(body):
            # Slack checks the certificate of a slash command's URL with `ssl_check=1` and
            # wants a 200; nothing is done, so it needs no signature (as in Bolt).
            return web.Response(status=200)
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            return web.Response(status=401, text="missing signature")
        # Verify before parsing: a forged or malformed body never reaches Bolt's parsers.
        if not signed(secret, timestamp, body, signature):
            return web.Response(status=401, text="invalid signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return web.Response(status=400, text="body is not UTF-8")
        try:
            headers: dict[str, str | Sequence[str]] = {
                k.lower(): [v] for k, v in request.headers.items()
            }
            bolt_request = AsyncBoltRequest(body=text, query=request.query_string, headers=headers)
        except Exception as exc:  # any parse failure of a signed body is the sender's fault
            log.info("malformed Slack request rejected: %s", type(exc).__name__)
            return web.Response(status=400, text="malformed request")
        # Depth first: nothing below (well_formed, Bolt, a listener) meets a body nested deeper
        # than Slack's own.
        if not isinstance(bolt_request.body, dict) or not sanitized(bolt_request.body):
            return web.Response(status=400, text="malformed request")
        if not well_formed(bolt_request.body):
            return web.Response(status=400, text="malformed request")
        if (
            workers is not None
            and answered_empty(bolt_request.body)
            and await workers.submit(text, headers, query=request.query_string)
        ):
            return web.Response(status=200)
        try:
            bolt_response = await bolt.async_dispatch(bolt_request)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.info("unexpected Slack payload rejected: %s", type(exc).__name__)
            return web.Response(status=400, text="malformed request")
        response = web.Response(status=bolt_response.status, body=bolt_response.body)
        for name, values in bolt_response.headers.items():
            if name.lower() == "content-length":
                continue
            for value in values:
                response.headers[name] = value
        return response

    def slack() -> dict[str, str]:
        if connected is None:
            return {}
        return {"slack": "connected" if connected() else "connecting"}

    async def healthz(_request: web.Request) -> web.Response:
        if await ping(deps.engine):
            return web.json_response({"status": "ok", **slack()})
        return web.json_response({"status": "database unreachable", **slack()}, status=503)

    async def readyz(_request: web.Request) -> web.Response:
        if not await ping(deps.engine):
            return web.json_response({"status": "database unreachable", **slack()}, status=503)
        if connected is not None and not connected():
            return web.json_response({"status": "connecting", **slack()}, status=503)
        return web.json_response({"status": "ok", **slack()})

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/readyz", readyz)
    if bolt is not None:
        web_app.router.add_post("/slack/events", slack_events)
    return web_app
