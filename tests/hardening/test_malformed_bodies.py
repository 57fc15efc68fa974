"""Malformed requests are answered at the door with a 4xx and never reach Bolt, a listener or the
database: bad JSON, a bad `payload=`, invalid UTF-8, timestamps and signatures that are not what
Slack sends, and bodies over 1 MB (refused before they are read to the end, whether they say
their length or come chunked).

Statuses: 401 when the request is not provably from Slack (missing, odd or wrong signature
headers, also when the body is garbage), 400 when a correctly signed body cannot be read or is
too large (over 1 MB; the body is not even read to decide it). Never a 5xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from slack_bolt.async_app import AsyncApp

from bot.platform.bodies import MAX_BODY_BYTES
from tests.conftest import SIGNING_SECRET, FakeClock, RunningApp
from tests.db_snapshot import changed, fingerprint
from tests.fakes.slack_requests import form_body, sign, slash_command_form
from tests.security_support import coffee_and_tips_world

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every request that reached Bolt (a spy on AsyncApp.async_dispatch)."""
    seen: list[Any] = []
    original = AsyncApp.async_dispatch

    async def spy(self: AsyncApp, req: Any) -> Any:
        seen.append(req)
        return await original(self, req)

    monkeypatch.setattr(AsyncApp, "async_dispatch", spy)
    yield seen


def _help_body() -> bytes:
    return form_body(slash_command_form("/fika", "help", user_id="U01AINO", channel_id="CFIKA"))


async def _raw_http(app: RunningApp, head: bytes, body_parts: list[bytes]) -> tuple[int, float]:
    """Send a request by hand on a socket (headers, then the body parts we choose, without
    finishing it) and read the status line. Returns (status, seconds until the answer)."""
    url = urlparse(app.url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    started = time.monotonic()
    try:
        writer.write(head)
        for part in body_parts:
            writer.write(part)
            try:
                await writer.drain()
            except ConnectionError:
                break  # the server already answered and closed
        line = await asyncio.wait_for(reader.readline(), timeout=10)
        return int(line.split()[1]), time.monotonic() - started
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def _head(extra: str, body_for_signature: bytes = b"") -> bytes:
    ts = str(int(time.time()))
    return (
        "POST /slack/events HTTP/1.1\r\n"
        "Host: localhost\r\n"
        f"Content-Type: {FORM}\r\n"
        f"X-Slack-Request-Timestamp: {ts}\r\n"
        f"X-Slack-Signature: {sign(SIGNING_SECRET, ts, body_for_signature)}\r\n"
        f"{extra}\r\n"
    ).encode()


async def test_malformed_bodies_are_4xx_and_reach_neither_bolt_nor_the_database(
    running_app: RunningApp, clock: FakeClock, dispatched: list[Any]
) -> None:
    app = running_app
    await coffee_and_tips_world(app, clock)
    await app.settle()
    dispatched.clear()
    calls = len(app.fake.calls)
    before = await fingerprint(app.deps.engine)
    help_body = _help_body()
    now = str(int(time.time()))

    signed_bad: list[tuple[bytes, str]] = [
        (b"payload=%7B", FORM),  # not JSON
        (b"payload=%7Bnot-json", FORM),
        (b"payload=", FORM),
        (b'payload="just a string"', FORM),
        (b"payload=5", FORM),
        (b"payload=%5B1%2C2%5D", FORM),  # a JSON list
        (b"payload=%FF%FE", FORM),  # percent-encoded bytes that are not UTF-8
        (b"{", "application/json"),
        (b"[1,2]", "application/json"),
        (b'"x"', "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe\x00garbage", FORM),  # invalid UTF-8
        (b"command=%2Ffika&text=\xc3\x28", FORM),  # a broken two-byte sequence
        (b"payload=" + "\ud800".encode("utf-8", "surrogatepass"), FORM),  # an encoded surrogate
        (json.dumps({"type": "event_callback", "event": 5}).encode(), "application/json"),
    ]
    for body, content_type in signed_bad:
        resp = await app.sender.raw(body, content_type)
        assert resp.status == 400, (body[:40], resp.status)

    # Not provably from Slack: 401, whatever the body.
    for timestamp in ("abc", "²", "١٢", "9" * 5000, "1.5", "-1", " 1", "1e9", "0x10", "", "𝟙𝟚"):
        body = help_body
        resp = await app.sender.raw(
            body, timestamp=timestamp, signature=sign(SIGNING_SECRET, timestamp, body)
        )
        assert resp.status == 401, (timestamp[:10], resp.status)
    for signature in ("", "v0=", "v0=" + "é" * 64, "v1=" + "0" * 64, "v0=" + "0" * 65, "x"):
        resp = await app.sender.raw(help_body, signature=signature or None, sign=bool(signature))
        assert resp.status == 401, (signature[:10], resp.status)
    forged = "v0=" + "0" * 64
    for body in (help_body, b"\xff\xfe", b"{", b"x" * 1000):
        resp = await app.sender.raw(body, signature=forged)
        assert resp.status == 401
    resp = await app.sender.raw(help_body, timestamp=int(now) - 600)  # stale
    assert resp.status == 401

    # Over 1 MB, saying so: refused unread, even when the body never comes.
    status, seconds = await _raw_http(
        app, _head(f"Content-Length: {100 * MAX_BODY_BYTES}\r\n"), [b"command=%2Ffika"]
    )
    assert status == 400 and seconds < 3
    # Over 1 MB, signed, with its true length.
    big = b"text=" + b"x" * MAX_BODY_BYTES
    resp = await app.sender.raw(big)
    assert resp.status == 400
    # Over 1 MB, chunked (no Content-Length): refused once reading passes the limit, though the
    # sender never finishes.
    chunk = b"x" * 65536
    chunks = [f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"] * (MAX_BODY_BYTES // 65536 + 2)
    status, seconds = await _raw_http(app, _head("Transfer-Encoding: chunked\r\n"), chunks)
    assert status == 400 and seconds < 3

    await app.settle()
    assert dispatched == []  # Bolt never saw one of them
    assert app.fake.calls[calls:] == []  # nor did any listener or middleware (users.info)
    assert changed(before, await fingerprint(app.deps.engine)) == []

    # The spy does see a good request, and a body of exactly 1 MB is still read.
    resp = await app.sender.raw(help_body)
    assert resp.status == 200 and len(dispatched) == 1
    exactly = b"a=" + b"x" * (MAX_BODY_BYTES - 2)
    resp = await app.sender.raw(exactly)
    assert resp.status < 500 and len(dispatched) == 2  # read and handed to Bolt


async def test_nul_characters_are_dropped_at_the_door(
    running_app: RunningApp, clock: FakeClock
) -> None:
    """Slack's text never has NUL and PostgreSQL cannot store it: a signed body carrying one
    (typed as %00 or \\u0000) is handled as if it were not there, on every database."""
    from sqlalchemy import select

    from bot.tips.ids import TipView
    from bot.tips.models import Tip
    from tests.tips_support import tip_values

    app = running_app
    await coffee_and_tips_world(app, clock)
    resp = await app.sender.view_submission(
        "U01AINO",
        {"callback_id": TipView.SUBMIT},
        tip_values(title="Läs\x00cirkel", description="Nu\x00l"),
    )
    assert resp.status == 200 and resp.json is None  # accepted
    await app.settle()
    async with app.deps.db() as session:
        tip = (await session.scalars(select(Tip).where(Tip.title == "Läscirkel"))).one()
    assert tip.description == "Nul"
    resp = await app.sender.command("/tips", "search \x00läs\x00", user_id="U01AINO")
    assert resp.status == 200
