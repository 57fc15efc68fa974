"""HTTP front door: POST /slack/events (signature checked first) and GET /healthz."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.db.engine import ping
from bot.deps import Deps

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


def make_web_app(bolt: AsyncApp | None, deps: Deps) -> web.Application:
    """`bolt=None` serves only /healthz (Socket Mode still wants a probe for the orchestrator)."""
    verifier = SignatureVerifier(deps.settings.slack_signing_secret.get())

    async def slack_events(request: web.Request) -> web.Response:
        assert bolt is not None
        body = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not signature:
            return web.Response(status=401, text="missing signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return web.Response(status=400, text="body is not UTF-8")
        # Verify before parsing: a forged or malformed body never reaches Bolt's parsers.
        if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
            return web.Response(status=401, text="invalid signature")
        try:
            bolt_request = AsyncBoltRequest(
                body=text,
                query=request.query_string,
                headers={k.lower(): [v] for k, v in request.headers.items()},
            )
        except Exception as exc:  # any parse failure of a signed body is the sender's fault
            log.info("malformed Slack request rejected: %s", type(exc).__name__)
            return web.Response(status=400, text="malformed request")
        if not isinstance(bolt_request.body, dict) or not bolt_request.body:
            return web.Response(status=400, text="malformed request")
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

    async def healthz(_request: web.Request) -> web.Response:
        if await ping(deps.engine):
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "database unreachable"}, status=503)

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_get("/healthz", healthz)
    if bolt is not None:
        web_app.router.add_post("/slack/events", slack_events)
    return web_app
