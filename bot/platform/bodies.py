"""Checks of a request body that every surface's door makes before parsing it further (Slack's
/slack/events, Teams' /api/messages): how large, and how deep."""

from __future__ import annotations

from typing import Any

#: Slack's payloads and Teams' activities are a few kB.
MAX_BODY_BYTES = 1024 * 1024

MAX_BODY_DEPTH = 64  # Slack's deepest payloads (rich text in a view's blocks) nest ~12 levels


def sanitized(body: Any) -> bool:
    """Drops NUL characters from every string of a parsed body, keys included (in place), and
    says whether its nesting stays within MAX_BODY_DEPTH; False leaves the body half cleaned,
    to be refused.

    Iterative, with its own stack, so no depth of nesting can exhaust Python's (a recursive
    walk over arrays nested 600–900 deep raised RecursionError outside any handler: HTTP 500).
    Slack's text never carries NUL, PostgreSQL cannot store it in text, and it shows as
    nothing: a NUL in a signed body is dropped rather than let fail a handler deep down."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_BODY_DEPTH:
            return False
        if isinstance(node, dict):
            for key in list(node):
                value = node[key]
                if isinstance(key, str) and "\x00" in key:
                    del node[key]
                    key = key.replace("\x00", "")
                    node[key] = value
                if isinstance(value, str):
                    if "\x00" in value:
                        node[key] = value.replace("\x00", "")
                elif isinstance(value, dict | list):
                    stack.append((value, depth + 1))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, str):
                    if "\x00" in value:
                        node[index] = value.replace("\x00", "")
                elif isinstance(value, dict | list):
                    stack.append((value, depth + 1))
    return True
