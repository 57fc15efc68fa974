from __future__ import annotations

import logging

import pytest

from bot.platform.logging_setup import RedactingFormatter, setup_logging


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError("token xoxb-999-secret in traceback")
        except RuntimeError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_tokens_and_secret_are_scrubbed_and_lines_stay_single() -> None:
    fmt = RedactingFormatter(secrets=["my-signing-secret"])
    line = fmt.format(
        _record(
            "calling with %s and %s and %s",
            "xoxb-123-456-abcdef",
            "xapp-1-A0-xyz",
            "my-signing-secret",
        )
    )
    assert "abcdef" not in line and "xyz" not in line and "my-signing-secret" not in line
    assert "xoxb-***" in line
    assert "\n" not in line


def test_tracebacks_are_one_line_and_scrubbed() -> None:
    line = RedactingFormatter().format(_record("boom", exc=True))
    assert "\n" not in line
    assert "RuntimeError" in line
    assert "999-secret" not in line


def test_a_tick_skipped_while_a_round_runs_is_not_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging("INFO")
        scheduler = logging.getLogger("apscheduler.scheduler")
        scheduler.warning(
            'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
            "coffee_rounds",
            1,
        )
        scheduler.warning("Run time of job %s was missed by %s", "coffee_rounds", "0:02:00")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    err = capsys.readouterr().err
    assert "maximum number of running instances" not in err
    assert "was missed by" in err  # other scheduler warnings still show
