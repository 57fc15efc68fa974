"""Finding 10 of issue 14: at LOG_LEVEL=DEBUG the database driver logged every statement with
its parameters (tip texts, names, reasons), lines that outlive `/fika forget-me`.

A busy scenario runs with the logging `python -m bot` sets up at DEBUG, and every library logger
(sqlalchemy, the drivers, slack_bolt, slack_sdk, aiohttp, apscheduler, asyncio) turned up to
DEBUG as well: whatever any of them emits reaches the captured output unless Fika's logging
itself stops it. Every line is then searched for every string a person wrote: tip titles,
descriptions, libraries, links, a rejection reason, an edit, a profile's library, search words,
display and real names, a mention's text, a command's free text.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.platform.logging_setup import RedactingFormatter, setup_logging
from bot.tips.ids import TipAction, TipBlock
from tests import coffee_support as coffee
from tests import tips_support as tips
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, RunningApp
from tests.fakes.slack_requests import app_mention_event
from tests.hardening.door_support import Tally

LIBRARY_LOGGERS = (
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.engine.Engine",
    "sqlalchemy.pool",
    "aiosqlite",
    "psycopg",
    "slack_bolt",
    "slack_sdk",
    "aiohttp",
    "aiohttp.access",
    "aiohttp.server",
    "aiohttp.client",
    "apscheduler",
    "asyncio",
)

# What people write in this scenario; each is unique, so any line that has it leaked it.
WRITTEN = {
    "title": "Lukupiiri-qx7title",
    "description": "Kerroimme satuja qx7description kirjastossa",
    "library_other": "Pikkukylan qx7library",
    "link": "https://example.org/qx7link",
    "reason": "Liian samanlainen qx7reason",
    "edit": "Korjattu qx7edit otsikko",
    "profile_library": "Malax qx7profile bibliotek",
    "search": "qx7search",
    "command_text": "Jaan vinkin qx7command",
    "mention": "hej qx7mention",
    "display_name": "Qx7Display",
    "real_name": "Qx7 Realname",
}


class _Everything(logging.Handler):
    """Every record any logger emitted, before Fika's output handler filtered it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.name} {record.getMessage()}")
        except Exception:  # a library's odd arguments: not this test's concern
            self.lines.append(record.name)


@pytest.fixture
def raw_records() -> Iterator[list[str]]:
    handler = _Everything()
    logging.getLogger().addHandler(handler)
    try:
        yield handler.lines
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    names = ("", *LIBRARY_LOGGERS, "apscheduler.scheduler")
    saved = (root.handlers[:], {n: logging.getLogger(n).level for n in names})
    setup_logging("DEBUG", secrets=[BOT_TOKEN, SIGNING_SECRET])
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


def _text(value: str | None) -> dict[str, Any]:
    return {TipBlock.VALUE: {"type": "plain_text_input", "value": value}}


async def test_no_user_written_text_in_any_log_line_at_debug(
    running_app: RunningApp, debug_log: io.StringIO, raw_records: list[str]
) -> None:
    app = running_app
    fake = app.fake
    coffee.add_people(fake)
    tips.workspace(app)
    fake.add_user(
        "UNAMED",
        name="named",
        real_name=WRITTEN["real_name"],
        display_name=WRITTEN["display_name"],
        locale="sv-SE",
    )
    await tips.setup_review(app)

    # A tip typed after /tips, then sent through the form.
    resp = await app.sender.command("/tips", WRITTEN["command_text"], user_id="UNAMED")
    await app.settle()
    assert resp.status == 200
    view = app.fake.views[-1]
    values = tips.tip_values(
        title=WRITTEN["title"],
        description=WRITTEN["description"],
        library_other=WRITTEN["library_other"],
        link=WRITTEN["link"],
    )
    resp = await app.sender.view_submission("UNAMED", view, values)
    await app.settle()
    assert resp.status == 200 and not resp.text, resp.text
    [tip] = await tips.tips_in_db(app.deps)
    assert tip.title == WRITTEN["title"]

    # A reviewer edits it, another tip is rejected with a reason.
    await app.sender.block_action("UREV1", TipAction.EDIT, message=tips.card_of(app, tip.id))
    await app.settle()
    edit_view = app.fake.views[-1]
    edit_values = {
        **{str(k): v for k, v in tips.tip_values(title=WRITTEN["edit"]).items()},
    }
    await app.sender.view_submission("UREV1", edit_view, edit_values)
    await app.settle()
    second = await tips.add_tip(app.deps, title="Toinen", status=tips.TipStatus.PENDING)
    from bot.tips.delivery import post_card

    assert await post_card(app.deps, "T0FIKA", second)
    await app.sender.block_action("UREV2", TipAction.REJECT, message=tips.card_of(app, second))
    await app.settle()
    reason_view = app.fake.views[-1]
    await app.sender.view_submission(
        "UREV2", reason_view, {str(TipBlock.REASON): _text(WRITTEN["reason"])}
    )
    await app.settle()

    # A search, a profile with a typed library, a mention, a failing Slack call carrying text.
    await app.sender.command("/tips", f"search {WRITTEN['search']}", user_id="UNAMED")
    await app.sender.command("/fika", "profile", user_id="U01AINO")
    await app.settle()
    profile = app.fake.views[-1]
    assert profile["callback_id"] == CoffeeView.PROFILE
    profile_values = {
        CoffeeBlock.PROFILE_LIBRARY: {
            Coffee.PROFILE_LIBRARY: {"type": "static_select", "selected_option": None}
        },
        CoffeeBlock.PROFILE_LIBRARY_TYPED: {
            Coffee.PROFILE_LIBRARY_TYPED: {
                "type": "plain_text_input",
                "value": WRITTEN["profile_library"],
            }
        },
        CoffeeBlock.PROFILE_LANGUAGES: {
            Coffee.PROFILE_LANGUAGES: {"type": "checkboxes", "selected_options": [{"value": "fi"}]}
        },
        CoffeeBlock.PROFILE_LOCALE: {
            Coffee.PROFILE_LOCALE: {"type": "static_select", "selected_option": {"value": "auto"}}
        },
    }
    resp = await app.sender.view_submission("U01AINO", profile, profile_values)
    await app.settle()
    assert resp.status == 200 and not resp.text, resp.text
    await app.sender.event(app_mention_event("UNAMED", coffee.CHANNEL, WRITTEN["mention"]))
    fake.fail_next("chat.postMessage", error="fatal_error")
    await app.sender.command("/tips", WRITTEN["command_text"] + " 2", user_id="UNAMED")
    await app.settle()

    # Sanity: the scenario reached the database and Slack, and the log is being written.
    stored = str(
        [(t.title, t.description, t.decision_note) for t in await tips.tips_in_db(app.deps)]
    )
    assert WRITTEN["edit"] in stored and WRITTEN["reason"] in stored
    output = debug_log.getvalue()
    assert "DEBUG" in output or "INFO" in output

    leaked = {
        what: [line[:300] for line in output.splitlines() if text.lower() in line.lower()]
        for what, text in WRITTEN.items()
    }
    assert {what: lines for what, lines in leaked.items() if lines} == {}
    # The libraries did emit the texts (so the scenario reached them); none got through.
    emitted = [line for line in raw_records if any(t in line for t in WRITTEN.values())]
    assert len(emitted) >= 10, len(emitted)
    tally = Tally("log_records")  # records emitted; every line written is searched
    tally.inputs = len(raw_records)
    tally.extra = {
        "lines written": len(output.splitlines()),
        "records with user text": len(emitted),
    }
    tally.write()


def test_database_error_details_are_not_logged() -> None:
    """PostgreSQL's DETAIL line of a unique violation repeats the values ("Key (name)=(…)");
    a traceback of such an error keeps the error, not the values."""
    formatter = RedactingFormatter()
    try:
        raise RuntimeError(
            'duplicate key value violates unique constraint "uq_libraries_team_id"\n'
            "DETAIL:  Key (team_id, key)=(T0FIKA, malax qx7detail) already exists.\n"
            "[SQL: INSERT INTO libraries (team_id, name) VALUES (%(team_id)s, %(name)s)]\n"
            "[parameters: {'team_id': 'T0FIKA', 'name': 'Malax qx7param'}]"
        )
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = formatter.format(record)
    assert "qx7detail" not in line and "qx7param" not in line
    assert "duplicate key value violates unique constraint" in line


async def test_database_errors_do_not_carry_the_statements_values() -> None:
    from sqlalchemy import text

    from bot.platform.db.engine import make_engine

    engine = make_engine("sqlite+aiosqlite:///:memory:")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT no_such_column WHERE :x = 1"), {"x": "qx7bound"})
    except Exception as exc:
        assert "qx7bound" not in str(exc)
        assert "hidden" in str(exc)
    else:
        raise AssertionError("the statement should have failed")
    finally:
        await engine.dispose()
