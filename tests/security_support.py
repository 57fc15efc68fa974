"""Helpers for the security and robustness tests: a world with a coffee program (paired, asked
"did you meet?") and tips under review, a snapshot of every stored row, crafted payloads."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, text

from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.migrations.all_models import metadata
from bot.tips.delivery import post_card
from jobs import followups as followups_job
from tests import coffee_support, tips_support
from tests.conftest import FakeClock, RunningApp

# Tables whose rows a refused or malformed request may touch without changing anything: the
# event ids Slack delivered.
VOLATILE_TABLES = frozenset({"processed_events"})


async def coffee_and_tips_world(app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    """A program in CFIKA that has paired once and asked its groups; tips with a review channel
    and one pending tip with its card. Returns ids the tests need."""
    await coffee_support.workspace(app)
    await coffee_support.start_program(app)
    resp = await app.sender.command(
        "/fika", "pair-now", user_id=coffee_support.ADMIN, channel_id=coffee_support.CHANNEL
    )
    assert resp.status == 200
    await app.settle()
    clock.advance(timedelta(days=4))
    assert await followups_job.run(app.deps) > 0
    tips_support.workspace(app)
    await tips_support.setup_review(app)
    tip_id = await tips_support.add_tip(
        app.deps, title="Väntar på granskning", status=tips_support.TipStatus.PENDING
    )
    assert await post_card(app.deps, "T0FIKA", tip_id)
    async with app.deps.db() as session:
        program = (await session.scalars(select(CoffeeProgram))).one()
        groups = list(await session.scalars(select(CoffeeGroup).order_by(CoffeeGroup.id)))
    await app.settle()
    return {"program_id": program.id, "groups": groups, "tip_id": tip_id}


# Of members, what people chose (a row with none of it is only what users.info said, which any
# request may refresh).
MEMBER_CHOICES = "user_id, library_id, chat_languages, locale_pref"


async def snapshot(app: RunningApp) -> dict[str, list[tuple[str, ...]]]:
    """Every stored row of every table (but VOLATILE_TABLES), as sorted text tuples."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    async with app.deps.db() as session:
        for table in metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            query = f"SELECT * FROM {table.name}"  # noqa: S608 - our table names
            if table.name == "members":
                query = (
                    f"SELECT team_id, {MEMBER_CHOICES} FROM members "  # noqa: S608
                    "WHERE library_id IS NOT NULL OR chat_languages IS NOT NULL "
                    "OR locale_pref IS NOT NULL"
                )
            result = await session.execute(text(query))
            rows[table.name] = sorted(tuple(str(v) for v in row) for row in result)
    return rows


def changed_tables(
    before: dict[str, list[tuple[str, ...]]], after: dict[str, list[tuple[str, ...]]]
) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """ERROR (and worse) records, with their exception type: a crash somewhere in our code."""
    found = []
    for record in caplog.records:
        if record.levelno >= logging.ERROR:
            exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
            found.append(f"{record.name}: {record.getMessage()} {exc}".strip())
    return found


async def send_payload(app: RunningApp, payload: Any) -> int:
    """POST an interactivity payload (any JSON, even a malformed one), correctly signed."""
    body = urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()
    return (await app.sender.raw(body)).status


# ---------------------------------------------------------------------------- escaping

# What a person might type to ping people or smuggle a link, plus markdown that breaks layouts,
# right-to-left override and zero-width characters. 135 characters: fits every single-line field.
EVIL = (
    "<!channel> <!here> <!everyone> <@U0EVIL> <!subteam^S0EVIL> <#C0EVIL> "
    "<http://evil.example|klick> &lt;@U0AMP&gt; `x` *b* _i_ ~s~ ☕ \u202eRTL\u200b"
)
# Markup from EVIL that must never reach Slack as it was typed. The last one checks `&`: typed
# as text, "&lt;" must arrive as "&amp;lt;".
MARKERS = (
    "<!channel",
    "<!here",
    "<!everyone",
    "<@U0EVIL",
    "<!subteam",
    "<#C0EVIL",
    "<http://evil",
    "&lt;@U0AMP",
)
# Keys Slack does not render: what a modal input starts with is the person's own text to edit;
# values, ids and metadata are machine-read.
NOT_RENDERED = frozenset(
    {"initial_value", "value", "private_metadata", "metadata", "action_id", "block_id"}
)


def _strings(obj: Any, path: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(obj, str):
        found.append((path, obj))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            if key not in NOT_RENDERED:
                found += _strings(value, f"{path}.{key}")
    elif isinstance(obj, list | tuple):
        for i, value in enumerate(obj):
            found += _strings(value, f"{path}[{i}]")
    return found


def leaks(app: RunningApp, acks: list[Any]) -> list[str]:
    """Typed markup found in anything the bot sent: every Web API call (texts, blocks, views,
    files' titles), every response_url post and every acknowledgement body."""
    sent: list[tuple[str, Any]] = [(c.method, c.args) for c in app.fake.calls]
    sent += [("response_url", r["body"]) for r in app.fake.responses]
    sent += [("ack", a) for a in acks if a]
    found = []
    for where, payload in sent:
        for path, text_ in _strings(payload):
            for marker in MARKERS:
                if marker in text_:
                    found.append(f"{where}{path}: {marker} in {text_[:160]!r}")
    return found


def where_leaked(found: list[str]) -> str:
    """`leaks()` findings, one example per place (list indexes folded), for a short report."""
    examples: dict[str, str] = {}
    for finding in found:
        examples.setdefault(re.sub(r"\[\d+\]", "[]", finding.split(":", 1)[0]), finding)
    return "\n".join(examples[place] for place in sorted(examples))


def refused_by_slack(app: RunningApp) -> list[tuple[str, str]]:
    """Calls the fake Slack refused (Block Kit limits, missing text…); users.info for people
    who do not exist (ids typed in messages) is expected."""
    return [
        (c.method, str(c.failed_with))
        for c in app.fake.calls
        if c.failed_with and not (c.method == "users.info" and c.failed_with == "user_not_found")
    ]
