"""Which Slack requests are acknowledged before any work is done on them.

Pure: the Bolt middleware (bot/platform/bolt_app.py) and the serving process's hand-off to worker
processes (bot/platform/worker_pool.py) decide by the same rule.
"""

from __future__ import annotations

from typing import Any

_ACK_AT_ONCE = frozenset({"block_actions", "shortcut", "message_action", "view_closed"})


def acknowledged_at_once(body: dict[str, Any]) -> bool:
    """Whether Slack is acknowledged (empty) before any listener runs: slash commands, clicks,
    shortcuts and closed modals, whose answers go by response_url, views.* or chat.*. (Events
    Bolt acknowledges by itself; a view submission or an options request carries its answer in
    the acknowledgement, so its listener acknowledges.)"""
    return "command" in body or body.get("type") in _ACK_AT_ONCE


def answered_empty(body: dict[str, Any]) -> bool:
    """Whether the acknowledgement is an empty 200 whatever the work finds: the requests above
    and Events API deliveries (not url_verification, whose answer is the challenge). These can
    be acknowledged by the serving process and worked on elsewhere."""
    return acknowledged_at_once(body) or body.get("type") == "event_callback"
