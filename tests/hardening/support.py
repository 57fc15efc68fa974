"""Helpers for the hardening tests: N identical requests at once, and what people were told."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util.concurrency import await_, in_greenlet

from bot.platform.catalogs import placeholders
from bot.platform.i18n import translator
from handlers.router import GENERIC_ERROR
from tests.coffee_support import all_text
from tests.conftest import RunningApp
from tests.fakes.slack_requests import AppResponse

#: How many identical requests a concurrency test fires at once.
N = 20


async def at_once(n: int, send: Callable[[], Awaitable[AppResponse]]) -> list[AppResponse]:
    """`send()` n times concurrently; every request must be acknowledged (HTTP 200)."""
    responses = await asyncio.gather(*(send() for _ in range(n)))
    assert [r.status for r in responses] == [200] * n, [r.text for r in responses]
    return list(responses)


async def answers(app: RunningApp, responses: list[AppResponse]) -> list[str]:
    """The text each request was answered with (by its response_url), after the work settled."""
    await app.settle()
    found = []
    for resp in responses:
        assert resp.response_url, "a command always has a response_url"
        posted = app.fake.responses_for(resp.response_url)
        assert posted, f"no answer to {resp.payload}"
        found.append("\n".join(all_text(p["body"]) for p in posted))
    return found


def everything_said(app: RunningApp) -> str:
    """Every text the bot sent anywhere: messages, ephemerals, response_urls, views, Homes."""
    fake = app.fake
    parts = [all_text(r["body"]) for r in fake.responses]
    parts += [all_text(e) for e in fake.ephemerals]
    for conversation in fake.conversations:
        parts += [all_text(m) for m in fake.messages(conversation)]
    parts += [all_text(c.args.get("view")) for c in fake.calls_to("views.publish")]
    parts += [all_text(c.args.get("view")) for c in fake.calls_to("views.open")]
    return "\n".join(parts)


def generic_errors(app: RunningApp) -> int:
    """How many times anyone was told "something went wrong", in any language."""
    said = everything_said(app)
    return sum(said.count(translator(locale)(GENERIC_ERROR)[:40]) for locale in ("sv", "fi", "en"))


def count(texts: list[str], fragment: str) -> int:
    return sum(fragment in text for text in texts)


def fragment(locale: str, msgid: str) -> str:
    """The longest literal piece of `msgid` in `locale` (its placeholders left out)."""
    t = translator(locale)
    marker = "\x00"
    names = placeholders(msgid)
    full = t(msgid, **{k: marker for k in names}) if names else t(msgid)
    return max(full.split(marker), key=len)


class StatementBarrier:
    """Holds every statement of `engine` that starts with `prefix` (e.g. ``INSERT INTO
    libraries``) until `parties` of them have arrived, so that concurrent requests all reach
    that point before any goes on: the race is met every run, not by luck. A request that
    never arrives lets the others go after `patience` seconds (a safety net, not a timing)."""

    def __init__(
        self, engine: AsyncEngine, prefix: str, parties: int, patience: float = 10.0
    ) -> None:
        self._sync = engine.sync_engine
        self.prefix = prefix.upper()
        self.parties = parties
        self.patience = patience
        self.arrived = 0
        self._all_here = asyncio.Event()
        event.listen(self._sync, "before_cursor_execute", self._statement)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self._all_here.is_set() or not statement.lstrip().upper().startswith(self.prefix):
            return
        if not in_greenlet():
            return
        self.arrived += 1
        if self.arrived >= self.parties:
            self._all_here.set()
            return
        with contextlib.suppress(TimeoutError):
            await_(asyncio.wait_for(self._all_here.wait(), self.patience))

    def remove(self) -> None:
        event.remove(self._sync, "before_cursor_execute", self._statement)
