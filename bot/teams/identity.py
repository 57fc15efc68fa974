"""How Teams' ids map onto the 32-character ids of Fika's tables.

The tables were made for Slack's short ids (T…, U…, C…). On Teams:

- a tenant (the organisation) plays the workspace: `team_id` is its GUID as 32 hex digits;
- a person is their Microsoft Entra object id as 32 hex digits (stable across chats, unlike
  the Bot Framework's "29:…" id, which is per bot and long);
- a channel is the first 32 hex digits of the SHA-256 of its conversation id ("19:…@thread…",
  too long for the columns); `bot/teamsapp/models.TeamsChannel` keeps the way back.

Slack's ids start with an upper-case letter and Teams' local ids are lower-case hex, so
`is_teams` can tell which surface a stored id belongs to.
"""

from __future__ import annotations

import hashlib
import re

from bot.platform.chat import on_teams

_GUID = re.compile(r"[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}")


class NotAGuid(ValueError):
    """An id that should be a GUID (a tenant or an Entra object id) is not one."""


def _guid_hex(value: str) -> str:
    if not _GUID.fullmatch(value or ""):
        raise NotAGuid(value[:64] if isinstance(value, str) else repr(value))
    return value.replace("-", "").lower()


def local_tenant(tenant_id: str) -> str:
    """The tenant's `team_id` in Fika's tables."""
    return _guid_hex(tenant_id)


def local_user(aad_object_id: str) -> str:
    """A person's `user_id` in Fika's tables, from their Entra object id."""
    return _guid_hex(aad_object_id)


def guid(local: str) -> str:
    """A local id back as a GUID with dashes (Entra object ids, tenant ids)."""
    v = local.lower()
    return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:32]}"


def local_channel(conversation_id: str) -> str:
    """A Teams channel's `channel_id` in Fika's tables, from its conversation id. The thread
    part only ("19:…@thread.tacv2"): a conversation id may carry ";messageid=…" of a reply."""
    thread = conversation_id.split(";", 1)[0]
    return hashlib.sha256(thread.encode()).hexdigest()[:32]


def is_teams(team_id: str) -> bool:
    """Whether a stored `team_id` is a Teams tenant (else it is a Slack workspace)."""
    return on_teams(team_id)
