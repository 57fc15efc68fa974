"""Bad input gets a clear answer in the person's language, never a crash: unknown words show
help, malformed arguments (dates, weekdays, times, numbers, ranges, huge numbers, unicode) get
a message saying what is expected, and forms refuse empty or over-long fields in the form."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.platform.i18n import translator
from bot.tips.ids import TipBlock, TipView
from handlers.router import GENERIC_ERROR
from tests import coffee_support as coffee
from tests.conftest import FakeClock, RunningApp
from tests.security_support import (
    changed_tables,
    coffee_and_tips_world,
    errors_logged,
    snapshot,
)
from tests.tips_support import text_of

AINO = coffee.PEOPLE[1].user_id  # fi-FI
BO = coffee.PEOPLE[2].user_id  # sv-SE
HUGE = "9" * 4400  # longer than Python turns into an int by default
# Not one of these is a valid argument to any command (Arabic-Indic digits are numbers: ٣ is 3).
ODD = ["", "abc", "-1", "٣٣٣٣", "9" * 30, HUGE, "x" * 3000, "☕🙂", "\u202e\u200b", "'\";--"]


@pytest.fixture
async def world(running_app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    return await coffee_and_tips_world(running_app, clock)


async def _answers(
    app: RunningApp, caplog: pytest.LogCaptureFixture, command: str, cases: list[tuple[str, str]]
) -> None:
    """Each (user, text) is answered in the user's language, not with "something went wrong",
    nothing crashes and nothing is stored."""
    before = await snapshot(app)
    for user, text in cases:
        since = len(app.fake.responses)
        resp = await app.sender.command(command, text, user_id=user, channel_id=coffee.CHANNEL)
        assert resp.status == 200, (text[:40], resp.status)
        await app.settle()
        answer = text_of(await app.answer(resp)) + "\n".join(
            text_of(r["body"]) for r in app.fake.responses[since:]
        )
        locale = "fi" if user == AINO else "sv"
        assert answer.strip(), (command, text[:40])
        assert translator(locale)(GENERIC_ERROR) not in answer, (command, text[:40])
        assert translator("en")(GENERIC_ERROR) not in answer, (command, text[:40])
    assert errors_logged(caplog) == []
    assert changed_tables(before, await snapshot(app)) == []


async def test_unknown_subcommands_show_help_in_the_readers_language(
    running_app: RunningApp, world: dict[str, Any]
) -> None:
    app = running_app
    for user, locale in ((AINO, "fi"), (BO, "sv")):
        for word in ("blah", "²", "☕", "x" * 500, "<!channel>"):
            resp = await app.sender.command("/fika", word, user_id=user)
            answer = text_of(await app.answer(resp))
            unknown = translator(locale)(
                "I don't know the command “{word}”. Here is what I understand:", word="@@"
            ).split("@@")[0]
            assert unknown and unknown in answer, (locale, word)
            assert translator(locale)("Show this list of commands.") in answer


async def test_malformed_fika_arguments_get_a_localized_message(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    pause = [
        "2026-13-45",
        "31.2.2027",
        "2020-01-01",
        "53 weeks",
        "9999-12-31",
        "0",
        "²",
        "٩٩ veckor",
        "2 fortnights",
        *ODD,
    ]
    cases = [(u, f"pause {t}") for u in (AINO, BO) for t in pause]
    await _answers(app, caplog, "/fika", cases)

    admin = coffee.ADMIN
    schedule = [
        "blursday 10:00",
        "monday 24:00",
        "monday 09:60",
        "monday",
        "10:00",
        "monday 9 every 0 weeks",
        "monday 9 every 9 weeks",
        f"monday 9 every {HUGE} weeks",
        "måndag 9 var 999999999999999999999:e vecka",
        *ODD,
    ]
    size = ["0", "1", "7", "2.5", "²", "two", *ODD]
    stats = [
        "2026-13-45..x",
        "2026-02-30..2026-03-01",
        "2026-12-01..2026-01-01",
        "1999",
        "99999",
        "2026..2027",
        *[t for t in ODD if t],
    ]
    cases = [(admin, f"schedule {t}") for t in schedule]
    cases += [(admin, f"size {t}") for t in size]
    cases += [(admin, f"stats {t}") for t in stats]
    cases += [(admin, "libraries remove"), (admin, f"libraries remove {HUGE}")]
    await _answers(app, caplog, "/fika", cases)


async def test_malformed_tips_arguments_get_a_localized_message(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    admin = coffee.ADMIN  # also a reviewer
    export = ["2026-13-45..x", "2026-02-30", "2026-12-01..2026-01-01", "9999", "abc", "1..2..3"]
    digest = ["blursday", "25:00", "fredag 99:99", "pe klo 24", *ODD[1:]]
    # Search syntax of FTS5 and tsquery, SQL wildcards and quotes: plain words to us.
    search = ["*", '"', "NEAR(a b)", "AND OR NOT", "(", ":*", "&|!", "%_", "'", "\\", *ODD[1:]]
    cases = [(admin, f"export {t}") for t in export]
    cases += [(admin, f"setup digest {t}") for t in digest]
    cases += [(u, f"search {t}") for u in (AINO, BO) for t in search]
    await _answers(app, caplog, "/tips", cases)


def _input(block: str, action: str, value: Any, kind: str = "plain_text_input") -> dict[str, Any]:
    key = {"plain_text_input": "value", "datepicker": "selected_date"}.get(kind, "selected_option")
    return {block: {action: {"type": kind, key: value}}}


async def test_forms_refuse_empty_and_over_long_fields_in_the_form(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    admin = coffee.ADMIN
    tip_id = world["tip_id"]
    tip_meta = f'{{"id": {tip_id}}}'
    long = "x" * 5000
    # (user, callback_id, private_metadata, values, block that must show a message)
    cases: list[tuple[str, str, str, dict[str, Any], str]] = [
        (AINO, CoffeeView.PROFILE, "", {}, CoffeeBlock.PROFILE_LANGUAGES),
        (
            AINO,
            CoffeeView.PROFILE,
            "",
            _input(CoffeeBlock.PROFILE_LIBRARY_TYPED, Coffee.PROFILE_LIBRARY_TYPED, long),
            CoffeeBlock.PROFILE_LIBRARY_TYPED,
        ),
        (AINO, CoffeeView.PAUSE, "", {}, CoffeeBlock.PAUSE_UNTIL),
        (
            AINO,
            CoffeeView.PAUSE,
            "",
            _input(CoffeeBlock.PAUSE_UNTIL, Coffee.PAUSE_UNTIL, "2026-13-45", "datepicker"),
            CoffeeBlock.PAUSE_UNTIL,
        ),
        (admin, CoffeeView.LIBRARY_ADD, "", {}, CoffeeBlock.LIBRARY_NAME_SV),
        (
            admin,
            CoffeeView.LIBRARY_ADD,
            "",
            _input(CoffeeBlock.LIBRARY_NAME_SV, Coffee.LIBRARY_NAME_SV, long),
            CoffeeBlock.LIBRARY_NAME_SV,
        ),
        (admin, CoffeeView.LIBRARY_LOAD, "", {}, CoffeeBlock.LIBRARY_CSV),
        (
            admin,
            CoffeeView.LIBRARY_LOAD,
            "",
            _input(CoffeeBlock.LIBRARY_CSV, Coffee.LIBRARY_CSV, "\n".join(["a,b,c,d"] * 3000)),
            CoffeeBlock.LIBRARY_CSV,
        ),
        (AINO, TipView.SUBMIT, "", {}, TipBlock.TITLE),
        (
            AINO,
            TipView.SUBMIT,
            "not json",
            _input(TipBlock.TITLE, TipBlock.VALUE, long),
            TipBlock.TITLE,
        ),
        (admin, TipView.REJECT, tip_meta, {}, TipBlock.REASON),
        (admin, TipView.REJECT, tip_meta, _input(TipBlock.REASON, TipBlock.VALUE, long), "r"),
        (admin, TipView.EDIT, tip_meta, {}, TipBlock.TITLE),
        (admin, TipView.EDIT, tip_meta, _input(TipBlock.TITLE, TipBlock.VALUE, "  \n "), "t"),
    ]
    before = await snapshot(app)
    for user, callback_id, metadata, values, block in cases:
        view = {"callback_id": callback_id, "private_metadata": metadata}
        resp = await app.sender.view_submission(user, view, values)
        assert resp.status == 200
        body = resp.json
        assert body is not None and body["response_action"] == "errors", (callback_id, values)
        errors = body["errors"]
        expected = {"r": TipBlock.REASON, "t": TipBlock.TITLE}.get(block, block)
        assert errors.get(expected), (callback_id, errors)
        generic = translator("fi" if user == AINO else "en")(GENERIC_ERROR)
        assert generic not in str(errors)
    await app.settle()
    assert errors_logged(caplog) == []
    assert changed_tables(before, await snapshot(app)) == []
