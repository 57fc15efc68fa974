"""One line per log event, with Slack tokens and secrets scrubbed from every line, and nothing a
person wrote in any line (docs/privacy.md, "What the logs contain").

Fika's own loggers (`bot`, `handlers`, `jobs`) log ids, counts and Slack's error codes, never
text. Libraries do not know what is personal: at DEBUG the database drivers log each statement
with its parameters and SQLAlchemy the rows it read, slack_sdk every request and response body,
Bolt the body of a request nobody handled. So a record from any other logger reaches the output
only at WARNING or above, whatever level that logger was set to, and then without the parts that
carry values (a database error's DETAIL line and statement parameters, Bolt's request bodies).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

_TOKEN_RE = re.compile(r"\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+")
# A PostgreSQL error's DETAIL line repeats the values ("Key (name)=(Malax) already exists.");
# SQLAlchemy's "[parameters: …]" lists them (the engine hides them, this is the second lock).
_DB_VALUES_RE = re.compile(r"(DETAIL|\[parameters):[^\n]*")

OUR_LOGGERS = ("bot", "handlers", "jobs", "__main__")
# Library code that would log request bodies or statements at DEBUG stays at WARNING (cheaper
# than formatting and then dropping them).
LIBRARY_LOGGERS = (
    "slack_sdk",
    "slack_bolt",
    "aiohttp",
    "apscheduler",
    "sqlalchemy",
    "aiosqlite",
    "psycopg",
    "asyncio",
)
# Bolt's warnings that include the request's body (or parts of it, like a search's text).
_BOLT_WITH_BODY = ("Unhandled request", "without providing a response for the request")


class RedactingFormatter(logging.Formatter):
    """Formats records on one line and removes tokens/secrets, tracebacks included."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        text = _TOKEN_RE.sub(lambda m: m.group(1) + "-***", text)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def format(self, record: logging.LogRecord) -> str:
        line = _DB_VALUES_RE.sub(_values_hidden, super().format(record))
        return self.redact(line).replace("\r", "\\r").replace("\n", " ⏎ ")


def _values_hidden(match: re.Match[str]) -> str:
    kind = match.group(1)
    return kind + ": (values not logged)" + ("]" if kind.startswith("[") else "")


def _ours(name: str) -> bool:
    return any(name == ours or name.startswith(ours + ".") for ours in OUR_LOGGERS)


class NoLibraryChatter(logging.Filter):
    """On the output handler: library records below WARNING are dropped, whatever the library
    logger's level; Bolt's warnings that quote a request body keep only their first words."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _ours(record.name):
            return True
        if record.levelno < logging.WARNING:
            return False
        msg = record.msg
        if isinstance(msg, str) and any(marker in msg for marker in _BOLT_WITH_BODY):
            record.msg = "Unhandled or unanswered Slack request (body not logged)"
            record.args = None
        return True


class _JobStillRunning(logging.Filter):
    """A tick that finds the previous one still at work (a long, paced round) is expected: it is
    not worth a WARNING every minute. Other scheduler warnings pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def setup_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    handler.addFilter(NoLibraryChatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in LIBRARY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, _JobStillRunning) for f in scheduler_log.filters):
        scheduler_log.addFilter(_JobStillRunning())
