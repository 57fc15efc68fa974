"""One line per log event, with Slack tokens and secrets scrubbed from every line."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

_TOKEN_RE = re.compile(r"\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+")


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
        line = super().format(record)
        return self.redact(line).replace("\r", "\\r").replace("\n", " ⏎ ")


class _JobStillRunning(logging.Filter):
    """A tick that finds the previous one still at work (a long, paced round) is expected: it is
    not worth a WARNING every minute. Other scheduler warnings pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def setup_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Library chatter that would log request bodies at DEBUG stays at WARNING.
    for noisy in ("slack_sdk", "slack_bolt", "aiohttp.access", "apscheduler", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, _JobStillRunning) for f in scheduler_log.filters):
        scheduler_log.addFilter(_JobStillRunning())
