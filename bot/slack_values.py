"""Reading what Slack echoes back to us: button values and modals' private_metadata.

They are ours when Slack sends them, but a handler treats them as input all the same: a number
that is not one, or one too large for a database column, reads as "none".
"""

from __future__ import annotations

MAX_ID = 2**31 - 1  # ids are INTEGER columns (PostgreSQL int4)
MAX_OFFSET = 100_000  # list offsets and page numbers


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    return None


def to_id(value: object) -> int | None:
    """A stored row's id: "42" or 42 → 42; anything else (text, "²", -1, 10**30) → None."""
    number = _whole_number(value)
    return number if number is not None and 0 < number <= MAX_ID else None


def to_offset(value: object) -> int | None:
    """A list offset or page number, capped at MAX_OFFSET; None when it is not a number."""
    number = _whole_number(value)
    return None if number is None or number < 0 else min(number, MAX_OFFSET)
