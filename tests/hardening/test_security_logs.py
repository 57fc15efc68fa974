"""Tokens and secrets never reach the logs, also at LOG_LEVEL=DEBUG: the real app is driven
through commands, clicks, rounds, Slack failures, a crash and forged requests with the logging
`python -m bot` sets up, and everything written is searched for them."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from bot.platform.config import SettingsError, load_settings
from bot.platform.logging_setup import setup_logging
from bot.tips.delivery import notify_author
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, FakeClock, RunningApp
from tests.security_support import coffee_and_tips_world

APP_TOKEN = "xapp-1-A0FIKA-1234567890-0123456789abcdef"
LIBRARY_LOGGERS = ("slack_sdk", "slack_bolt", "aiohttp.access", "apscheduler", "sqlalchemy")


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The logging of `python -m bot` at LOG_LEVEL=DEBUG, written to a string."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in LIBRARY_LOGGERS})
    setup_logging("DEBUG", secrets=[BOT_TOKEN, SIGNING_SECRET, APP_TOKEN])
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:], level, levels = saved
        root.setLevel(level)
        for name, value in levels.items():
            logging.getLogger(name).setLevel(value)


def _secrets_in(text: str) -> list[str]:
    parts = [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, "test-token", "0123456789abcdef"]
    return [p for p in parts if p in text]


async def test_no_token_or_secret_in_debug_logs(
    running_app: RunningApp, clock: FakeClock, debug_log: io.StringIO
) -> None:
    app = running_app
    fake = app.fake
    world = await coffee_and_tips_world(app, clock)  # commands, clicks, a round, follow-ups

    # Slack failing: a notice queued for retry, users.info refused, a form that cannot open
    # (the handler fails and the person is told).
    fake.fail_next("chat.postMessage", error="fatal_error")
    await notify_author(app.deps, "T0FIKA", world["tip_id"])
    fake.fail_next("users.info", error="fatal_error")
    fake.add_user("U0LATE", name="late")
    await app.sender.command("/fika", "help", user_id="U0LATE")
    fake.fail_next("views.open", error="invalid_auth")
    await app.sender.command("/fika", "profile", user_id="U01AINO")
    await app.settle()
    # Forged and stale requests.
    await app.sender.raw(b"command=%2Ffika&text=help", signature="v0=" + "0" * 64)
    await app.sender.raw(b"command=%2Ffika&text=help", timestamp=1)
    # What a library would say at DEBUG, and our own code naming a token by mistake.
    logging.getLogger("slack_sdk.web.async_base_client").debug(
        "Sending a request - headers: {'Authorization': 'Bearer %s'}", BOT_TOKEN
    )
    logging.getLogger("slack_bolt.App").debug("signing secret %s", SIGNING_SECRET)
    logging.getLogger("bot.test").warning("calling with %s and %s", BOT_TOKEN, APP_TOKEN)
    logging.getLogger("bot.test").debug("debug lines are written")
    try:
        raise RuntimeError(f"token {BOT_TOKEN} in a traceback")
    except RuntimeError:
        logging.getLogger("bot.test").exception("failed")

    output = debug_log.getvalue()
    assert " DEBUG bot.test debug lines are written" in output  # the level really is DEBUG
    assert " WARNING bot.platform.outbox " in output and " WARNING bot.platform.trigger " in output
    assert _secrets_in(output) == []
    assert "xoxb-***" in output  # named, but redacted


def test_settings_never_show_secrets_and_name_them_for_the_logs() -> None:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "DATABASE_URL": "postgresql+psycopg://fika:pa55word@db:5432/fika",
        "LOG_LEVEL": "debug",
    }
    settings = load_settings(env)
    assert settings.log_level == "DEBUG"
    shown = repr(settings) + str(settings)
    assert _secrets_in(shown) == [] and "pa55word" not in shown
    # What `python -m bot` hands to the log formatter to scrub.
    assert set(settings.secret_values()) == {BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, "pa55word"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOG_LEVEL", "verbose"),
        ("DATABASE_URL", "postgresql://fika:pa55word@db:port/fika"),
    ],
)
def test_a_bad_log_level_or_database_address_is_a_clear_settings_problem(
    name: str, value: str
) -> None:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, name: value}
    with pytest.raises(SettingsError) as exc:
        load_settings(env)
    [problem] = exc.value.problems
    assert name in problem and "pa55word" not in problem


# Any Slack token (bot, user, app-level, refresh) not redacted to "xoxb-***" / "xapp-***".
_ANY_TOKEN = re.compile(r"\b(?:xox[a-z]|xapp|xoxe)-(?!\*\*\*)[A-Za-z0-9.-]")


async def test_tokens_typed_or_echoed_by_slack_never_reach_debug_logs(
    running_app: RunningApp, clock: FakeClock, debug_log: io.StringIO
) -> None:
    """Tokens that are not ours to know (typed by a person, echoed in a Slack error), our own
    secrets inside request bodies, and every kind of refused request, at DEBUG."""
    app = running_app
    fake = app.fake
    await coffee_and_tips_world(app, clock)
    typed = "xoxp-1-TYPED-2-abc xoxe.xoxp-1-REFRESH xapp-1-A0-TYPED-3 xoxb-9-TYPED"
    for command, text in (
        ("/tips", f"search {typed} {SIGNING_SECRET}"),
        ("/fika", f"{typed} {BOT_TOKEN}"),
        ("/fika", f"pause {APP_TOKEN}"),
        ("/tips", f"export {typed}"),
    ):
        await app.sender.command(command, text, user_id="UADMIN", channel_id="CFIKA")
    # Slack answering with an error that names a token: the handler fails and logs it.
    fake.stub(
        "conversations.info",
        {"ok": False, "error": "not_authed", "detail": f"token xoxp-1-ECHO-2 and {BOT_TOKEN}"},
    )
    await app.sender.command("/fika", "start", user_id="UADMIN", channel_id="CNEWPROGRAM")
    await app.settle()
    # Refused at the door: forged, stale, odd headers, not UTF-8, too large, malformed.
    body = f"command=%2Ffika&text={BOT_TOKEN}+{APP_TOKEN}".encode()
    await app.sender.raw(body, signature="v0=" + "0" * 64)
    await app.sender.raw(body, timestamp=1)
    await app.sender.raw(body, timestamp="²")
    await app.sender.raw(body, signature=f"v0={SIGNING_SECRET}")
    await app.sender.raw(body, sign=False, headers={"Authorization": f"Bearer {BOT_TOKEN}"})
    await app.sender.raw(b"\xff" + BOT_TOKEN.encode())
    await app.sender.raw(b"payload=" + APP_TOKEN.encode())
    await app.sender.raw(b"text=" + BOT_TOKEN.encode() * 80_000)

    output = debug_log.getvalue()
    assert " ERROR handlers.router " in output  # the Slack error was logged, with its detail
    assert "token xoxp-*** and xoxb-***" in output
    assert _ANY_TOKEN.findall(output) == []
    assert _secrets_in(output) == []
    assert "TYPED" not in output and "ECHO" not in output.replace("xoxp-***", "")
