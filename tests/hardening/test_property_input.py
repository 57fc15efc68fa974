"""Property tests (Hypothesis): thousands of generated slash-command texts and modal values, sent
as signed requests to the real app over HTTP. For every one of them:

* the app never answers 5xx and never logs an error (no handler crashed);
* the answer arrives within 3 seconds (Slack's limit; measured per request, the bound is Slack's
  own and not tighter);
* rejected input changes no row in the database (every table, by `tests.db_snapshot`).

"Rejected" is defined without looking at the app's answer where possible:

* a slash command changes nothing unless it is one of `MAY_CHANGE` (join, leave, resume, pause,
  the admins' schedule/size/libraries remove, the privacy commands), typed by someone the
  permission table lets use it, with arguments its own parser (the domain function the handler
  calls) accepts. Everything else — help for unknown words, the tip form for free text, lists,
  searches, refusals, malformed arguments — must leave every row as it was;
* a modal submission is rejected when the app answers `response_action: errors`; then nothing
  may have changed.

The texts: any Unicode (no lone surrogates: Slack sends UTF-8), right-to-left and zero-width
marks, NUL, strings up to 10,000 characters, mrkdwn, Slack markup and SQL/full-text
metacharacters, each subcommand word in English, Swedish and Finnish (and its other spellings)
followed by such text, and such text alone. Examples are derandomized (the same every run) and
not stored, so CI is reproducible.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.coffee.commands import FIKA
from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.participants import parse_pause
from bot.coffee.programs import parse_group_size
from bot.coffee.schedule import local_today, parse_schedule
from bot.people.permissions import Role, role_needed
from bot.platform.commands import CommandSet
from bot.tips.commands import TIPS
from bot.tips.ids import TipBlock, TipView
from tests.coffee_support import ADMIN, CHANNEL, PEOPLE
from tests.conftest import FakeClock, RunningApp
from tests.db_snapshot import Fingerprint, changed, fingerprint
from tests.security_support import coffee_and_tips_world

T = TypeVar("T")

AINO = PEOPLE[1].user_id  # fi-FI, member
BO = PEOPLE[2].user_id  # sv-SE, member
USERS = (AINO, BO, ADMIN)  # ADMIN is an admin and a reviewer
SLACK_LIMIT = 3.0  # seconds

# 2,000 examples per run (about 35 s of CPU); FIKA_PROPERTY_SCALE=10 for a deeper local search.
SCALE = float(os.environ.get("FIKA_PROPERTY_SCALE", "1"))
SLASH_EXAMPLES = max(1, int(1400 * SCALE))
FORM_EXAMPLES = max(1, int(600 * SCALE))

# Subcommands that may store something when allowed and well-formed.
MAY_CHANGE = {
    "/fika join",
    "/fika leave",
    "/fika resume",
    "/fika pause",
    "/fika schedule",
    "/fika size",
    "/fika libraries",  # `remove <name>` (admins)
    "/fika forget-me",
    "/fika my-data",
}
# Admin words that act on the whole program or workspace whatever follows them (stop the
# program, run a round, move the review channel): typed by a member only, where they are refused.
ADMIN_ONLY_AS_MEMBER = {"start", "stop", "pair-now", "setup"}

SPECIAL = [
    "\x00",
    "\u202e",  # right-to-left override
    "\u202d",
    "\u2066",
    "\u200b",  # zero-width space
    "\u200c",
    "\u200d",
    "\ufeff",
    "\u0301",  # a lone combining accent
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0EVIL>",
    "<#C0EVIL|x>",
    "<!subteam^S0EVIL>",
    "<http://evil.example|klick>",
    "&lt;@U0AMP&gt;",
    "&amp;",
    "*b*",
    "_i_",
    "~s~",
    "`x`",
    "```",
    "> quote",
    "'; DROP TABLE tips;--",
    '" OR 1=1 --',
    "%",
    "_",
    "\\",
    "NEAR(a b)",
    "AND OR NOT",
    ":*",
    "&|!",
    "(",
    '"',
    "\n",
    "\t",
    "\r\n",
    "²",
    "٣",
    "𝟙",
    "🙂",
    "☕",
    "ﷺ",
    "ß",
    "İ",
    "2026-13-45",
    "31.2.2027",
    "9" * 30,
    "9" * 5000,
    "-1",
    "0",
    "3",
    "2 weeks",
    "monday 10:00",
    "2026",
    "2026-01-01..2026-12-31",
]

any_text = st.text(st.characters(codec="utf-8"), max_size=30)
fragment = st.one_of(any_text, st.sampled_from(SPECIAL), st.integers(-(10**6), 10**30).map(str))
junk = st.one_of(
    st.lists(fragment, max_size=5).map(" ".join),
    st.lists(fragment, max_size=5).map("".join),
    # Long texts, up to 10,000 characters.
    st.tuples(
        st.sampled_from(["x", "å ", "\u200b", "🙂", "<!here>", "'", "\x00"]), st.integers(1, 10_000)
    ).map(lambda p: (p[0] * p[1])[:10_000]),
)


def _words(commands: CommandSet) -> list[tuple[str, str]]:
    """(subcommand name, a word meaning it) for every spelling help shows or accepts."""
    found = []
    for sub in commands.subcommands:
        for word in sorted({sub.name, *sub.aliases.values(), *sub.extra_aliases}):
            found.append((sub.name, word))
    return found


WORDS = {"/fika": _words(FIKA), "/tips": _words(TIPS)}
SETS = {"/fika": FIKA, "/tips": TIPS}


def _settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


class _Bridge:
    """Runs the app's coroutines from Hypothesis' (synchronous) examples, which run in a worker
    thread while the test's event loop serves the app."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __call__(self, coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)  # type: ignore[arg-type]


class _State:
    """The database's fingerprint between examples: taken after an example that must have
    changed nothing, it is the next one's "before" (after any other example, or one that
    failed halfway, the next one takes a fresh one)."""

    def __init__(self, app: RunningApp) -> None:
        self.app = app
        self.known: Fingerprint | None = None

    def before(self, run: _Bridge) -> Fingerprint:
        known, self.known = self.known, None  # until after(): an example may fail halfway
        return known if known is not None else run(fingerprint(self.app.deps.engine))

    def after(self, run: _Bridge) -> Fingerprint:
        self.known = run(fingerprint(self.app.deps.engine))
        return self.known


async def _in_worker(fn: Callable[[], None]) -> None:
    await asyncio.get_running_loop().run_in_executor(None, fn)


class _Errors(logging.Handler):
    """ERROR records (a handler crashed), collected as they are logged."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.found.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def logged_errors() -> Iterator[list[str]]:
    handler = _Errors()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.found
    finally:
        logging.getLogger().removeHandler(handler)


async def _world(app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    world = await coffee_and_tips_world(app, clock)
    for user in USERS:  # everyone known (users.info read once), so asking again stores nothing
        await app.sender.command("/fika", "help", user_id=user, channel_id=CHANNEL)
    await app.settle()
    return world


def _allowed(user: str, action: str) -> bool:
    role = role_needed(action)
    return role == Role.MEMBER or user == ADMIN


def _may_change(app: RunningApp, command: str, text: str, user: str) -> bool:
    """Whether this command, typed by this user, may legitimately store something."""
    commands = SETS[command]
    sub, _word, rest = commands.parse(text)
    if sub is None:
        return False  # help, or the tip form for free text
    action = commands.action(sub)
    if action not in MAY_CHANGE or not _allowed(user, action):
        return False
    today = local_today(app.deps.now(), app.deps.settings.timezone)
    parsers: dict[str, Callable[[], object]] = {
        "pause": lambda: parse_pause(rest, today),
        "schedule": lambda: parse_schedule(rest),
        "size": lambda: parse_group_size(rest),
    }
    if sub.name in parsers:
        try:
            parsers[sub.name]()
        except Exception:
            return False  # the handler refuses it too
    return True


@st.composite
def slash_commands(draw: st.DrawFn) -> tuple[str, str, str]:
    command = draw(st.sampled_from(sorted(WORDS)))
    user = draw(st.sampled_from(USERS))
    words = [
        (name, word)
        for name, word in WORDS[command]
        if not (user == ADMIN and name in ADMIN_ONLY_AS_MEMBER)
    ]
    rest = draw(junk)
    if draw(st.integers(0, 4)) == 0:
        text = rest  # free text (a tip for /tips, an unknown word for /fika)
    else:
        _name, word = draw(st.sampled_from(words))
        text = f"{word} {rest}" if rest else word
    return command, user, text


@pytest.mark.slow
async def test_generated_slash_commands_never_fail_and_rejected_ones_store_nothing(
    running_app: RunningApp, clock: FakeClock, logged_errors: list[str]
) -> None:
    app = running_app
    await _world(app, clock)
    run = _Bridge(asyncio.get_running_loop())
    seen = {"examples": 0, "unchanged": 0}
    state = _State(app)

    @_settings(SLASH_EXAMPLES)
    @given(case=slash_commands())
    def prop(case: tuple[str, str, str]) -> None:
        command, user, text = case
        before = state.before(run)
        errors = len(logged_errors)
        started = time.monotonic()
        resp = run(app.sender.command(command, text, user_id=user, channel_id=CHANNEL))
        elapsed = time.monotonic() - started
        run(app.settle())
        assert resp.status < 500, resp.status
        assert elapsed < SLACK_LIMIT, elapsed
        assert logged_errors[errors:] == []
        seen["examples"] += 1
        if not _may_change(app, command, text, user):
            seen["unchanged"] += 1
            assert changed(before, state.after(run)) == []

    await _in_worker(prop)
    assert seen["examples"] >= SLASH_EXAMPLES
    assert seen["unchanged"] >= SLASH_EXAMPLES // 2  # most input must store nothing


# ---------------------------------------------------------------------------- modals


def _plain(block: str, action: str, value: str | None) -> dict[str, Any]:
    return {block: {action: {"type": "plain_text_input", "value": value}}}


def _select(block: str, action: str, value: str | None) -> dict[str, Any]:
    option = (
        None if value is None else {"text": {"type": "plain_text", "text": "x"}, "value": value}
    )
    return {block: {action: {"type": "static_select", "selected_option": option}}}


maybe_junk = st.one_of(st.none(), junk)
choice = st.one_of(
    st.none(),
    st.sampled_from(["sv", "fi", "en", "other", "participation", "1", "0", "-1", "x"]),
    junk,
)
dates = st.one_of(
    st.none(),
    junk,
    st.dates().map(lambda d: d.isoformat()),
    st.integers(-30, 400).map(lambda n: f"@{n}"),  # days from today, filled in below
)


@st.composite
def tip_form(draw: st.DrawFn) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for block in (TipBlock.TITLE, TipBlock.DESCRIPTION, TipBlock.LIBRARY_OTHER, TipBlock.LINK):
        values |= _plain(block, TipBlock.VALUE, draw(maybe_junk))
    for block in (TipBlock.CATEGORY, TipBlock.LANGUAGE, TipBlock.LIBRARY):
        values |= _select(block, TipBlock.VALUE, draw(choice))
    return values


@st.composite
def profile_form(draw: st.DrawFn) -> dict[str, Any]:
    languages = draw(st.lists(choice.filter(lambda v: v is not None), max_size=4))
    values = _plain(
        CoffeeBlock.PROFILE_LIBRARY_TYPED, Coffee.PROFILE_LIBRARY_TYPED, draw(maybe_junk)
    )
    values |= _select(CoffeeBlock.PROFILE_LIBRARY, Coffee.PROFILE_LIBRARY, draw(choice))
    values |= _select(CoffeeBlock.PROFILE_LOCALE, Coffee.PROFILE_LOCALE, draw(choice))
    values[CoffeeBlock.PROFILE_LANGUAGES] = {
        Coffee.PROFILE_LANGUAGES: {
            "type": "checkboxes",
            "selected_options": [
                {"text": {"type": "plain_text", "text": "x"}, "value": v} for v in languages
            ],
        }
    }
    return values


@st.composite
def forms(draw: st.DrawFn) -> tuple[str, str, str, dict[str, Any]]:
    """(user, callback_id, private_metadata, state values)."""
    kind = draw(st.sampled_from(["tip", "profile", "pause", "reject", "edit"]))
    user = draw(st.sampled_from(USERS))
    meta = draw(st.one_of(st.just(""), junk, st.integers(-5, 10**20).map(str)))
    if kind == "tip":
        return user, TipView.SUBMIT, meta, draw(tip_form())
    if kind == "profile":
        return user, CoffeeView.PROFILE, "", draw(profile_form())
    if kind == "pause":
        date = draw(dates)
        values = {
            CoffeeBlock.PAUSE_UNTIL: {
                Coffee.PAUSE_UNTIL: {"type": "datepicker", "selected_date": date}
            }
        }
        return user, CoffeeView.PAUSE, draw(st.sampled_from(["@program", meta])), values
    tip_meta = draw(st.sampled_from(["@tip", meta, json.dumps({"id": meta})]))
    if kind == "reject":
        return (
            user,
            TipView.REJECT,
            tip_meta,
            _plain(TipBlock.REASON, TipBlock.VALUE, draw(maybe_junk)),
        )
    values = draw(tip_form())
    return user, TipView.EDIT, tip_meta, values


def _fill(value: Any, today: Any, ids: dict[str, str]) -> Any:
    """Placeholders: "@<n>" a date n days from today, "@program"/"@tip" the world's ids."""
    if isinstance(value, dict):
        return {k: _fill(v, today, ids) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] in ids:
            return ids[value[1:]]
        if value[1:].lstrip("-").isdigit():
            return (today + timedelta(days=int(value[1:]))).isoformat()
    return value


@pytest.mark.slow
async def test_generated_modal_values_never_fail_and_rejected_ones_store_nothing(
    running_app: RunningApp, clock: FakeClock, logged_errors: list[str]
) -> None:
    app = running_app
    world = await _world(app, clock)
    ids = {"program": str(world["program_id"]), "tip": json.dumps({"id": world["tip_id"]})}
    today = local_today(app.deps.now(), app.deps.settings.timezone)
    run = _Bridge(asyncio.get_running_loop())
    seen = {"examples": 0, "rejected": 0}
    state = _State(app)

    @_settings(FORM_EXAMPLES)
    @given(case=forms())
    def prop(case: tuple[str, str, str, dict[str, Any]]) -> None:
        user, callback_id, meta, values = case
        meta, values = _fill(meta, today, ids), _fill(values, today, ids)
        before = state.before(run)
        errors = len(logged_errors)
        view = {"callback_id": callback_id, "private_metadata": meta}
        started = time.monotonic()
        resp = run(app.sender.view_submission(user, view, values))
        elapsed = time.monotonic() - started
        run(app.settle())
        assert resp.status < 500, resp.status
        assert elapsed < SLACK_LIMIT, elapsed
        assert logged_errors[errors:] == []
        seen["examples"] += 1
        answer = resp.json if isinstance(resp.json, dict) else {}
        if answer.get("response_action") == "errors":
            seen["rejected"] += 1
            assert changed(before, state.after(run)) == []

    await _in_worker(prop)
    assert seen["examples"] >= FORM_EXAMPLES
    assert seen["rejected"] >= FORM_EXAMPLES // 4
