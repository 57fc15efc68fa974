"""Reading the parts of Slack interaction payloads every handler needs."""

from __future__ import annotations

from typing import Any


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def actor(body: dict[str, Any]) -> tuple[str, str]:
    """(team_id, user_id) of whoever clicked or submitted; empty strings when absent."""
    user, team = _dict(body.get("user")), _dict(body.get("team"))
    return str(team.get("id") or user.get("team_id") or ""), str(user.get("id") or "")
