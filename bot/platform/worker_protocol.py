"""What the serving process and a worker process (bot/platform/worker_pool.py,
bot/platform/worker.py) say over the worker's pipes: settings on the first line, then one JSON
request a line. Kept apart so the serving side does not import the app a worker builds."""

from __future__ import annotations

import base64
import pickle

from bot.platform.config import Settings

#: A request line holds a body of at most 1 MB (bot.platform.server.MAX_BODY_BYTES), JSON-escaped.
LINE_LIMIT = 16 * 1024 * 1024


def encode_settings(settings: Settings) -> bytes:
    """The first line a worker reads (its parent's settings, secrets included, over a pipe)."""
    return base64.b64encode(pickle.dumps(settings)) + b"\n"


def decode_settings(line: bytes) -> Settings:
    settings = pickle.loads(base64.b64decode(line))  # noqa: S301 - written by our parent
    if not isinstance(settings, Settings):
        raise TypeError("the first line is not Fika's settings")
    return settings
