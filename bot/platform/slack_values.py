"""Reading what Slack echoes back to us: button values and modals' private_metadata.

They are ours when Slack sends them, but a handler treats them as input all the same: a number
that is not one, or one too large for a database column, reads as "none"; JSON is read only by
`decode_object`, which refuses what we never write (too long, nested too deep, not an object)
with a typed `Unreadable` instead of raising.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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


# Slack's own limits: private_metadata holds up to 3,000 characters, a button's value 2,000.
MAX_JSON_CHARS = 3000
# What we write is a flat object ({"o": 0, "u": "U1"}): a little room, and no more.
MAX_JSON_DEPTH = 4


@dataclass(frozen=True)
class Unreadable:
    """A value that is not JSON we could have written; `reason` is for logs (never the value)."""

    reason: str


def _nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text, counted without recursing
    (brackets inside strings do not count)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def decode_object(
    value: object, *, max_chars: int = MAX_JSON_CHARS, max_depth: int = MAX_JSON_DEPTH
) -> dict[str, Any] | Unreadable:
    """The JSON object in a button value or private_metadata; nothing (None, "") is {}.

    Never raises: text over `max_chars`, nested deeper than `max_depth` (json.loads would
    recurse, and deep enough raise RecursionError), not JSON or not an object is `Unreadable`.
    """
    if value is None or value == "":
        return {}
    if not isinstance(value, str):
        return Unreadable("not text")
    if len(value) > max_chars:
        return Unreadable("too long")
    if _nesting(value) > max_depth:
        return Unreadable("nested too deep")
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return Unreadable("not JSON")
    if not isinstance(data, dict):
        return Unreadable("not an object")
    return data


def object_or_empty(value: object) -> dict[str, Any]:
    """`decode_object`, with anything unreadable as {} (for values whose loss costs nothing:
    a list's page, an offset)."""
    data = decode_object(value)
    return {} if isinstance(data, Unreadable) else data
