"""One incoming Teams activity as plain data: who, where, what (`Turn.of`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.platform.i18n import normalize_locale
from bot.teams.identity import NotAGuid, local_channel, local_tenant, local_user

_MENTION = re.compile(r"<at[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{0,200}>")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def command_text(text: str | None) -> str:
    """The words of a command: a channel message starts with the bot's <at>mention</at>, and
    Teams may wrap text in HTML; both go, and whitespace is collapsed."""
    if not text:
        return ""
    plain = _TAGS.sub(" ", _MENTION.sub(" ", text)).replace("&nbsp;", " ")
    return " ".join(plain.split())


@dataclass(frozen=True)
class Turn:
    team_id: str  # the tenant, as Fika's tables know it
    tenant_id: str  # the tenant's GUID, as Teams wants it back
    user_id: str | None  # the person (Entra object id as 32 hex); None for system activities
    teams_user_id: str | None  # "29:…"
    name: str | None
    locale: str | None  # sv, fi or en when Teams' locale is one of them
    conversation_id: str
    conversation_type: str  # "personal", "channel" or "groupChat"
    channel_id: str | None  # a team channel, as Fika's tables know it
    team_aad_group_id: str | None
    team_name: str | None
    channel_name: str | None
    team_conversation_id: str | None  # the team's id ("19:…", its General channel)
    service_url: str
    text: str
    value: dict[str, Any]
    reply_to_id: str | None
    activity_id: str | None

    @property
    def personal(self) -> bool:
        return self.conversation_type == "personal"

    @classmethod
    def of(cls, activity: dict[str, Any]) -> Turn | None:
        """None for an activity Fika cannot place: no tenant, or no service URL."""
        conversation = _dict(activity.get("conversation"))
        channel_data = _dict(activity.get("channelData"))
        sender = _dict(activity.get("from"))
        tenant = _str(_dict(channel_data.get("tenant")).get("id")) or _str(
            conversation.get("tenantId")
        )
        service_url = _str(activity.get("serviceUrl"))
        conversation_id = _str(conversation.get("id"))
        if not tenant or not service_url or not conversation_id:
            return None
        try:
            team_id = local_tenant(tenant)
        except NotAGuid:
            return None
        try:
            user_id = local_user(sender["aadObjectId"]) if sender.get("aadObjectId") else None
        except NotAGuid:
            user_id = None
        kind = _str(conversation.get("conversationType")) or "personal"
        team = _dict(channel_data.get("team"))
        channel = _dict(channel_data.get("channel"))
        channel_conversation = _str(channel.get("id")) or (
            conversation_id if kind == "channel" else None
        )
        value = activity.get("value")
        return cls(
            team_id=team_id,
            tenant_id=tenant,
            user_id=user_id,
            teams_user_id=_str(sender.get("id")),
            name=_str(sender.get("name")),
            locale=normalize_locale(_str(activity.get("locale"))),
            conversation_id=conversation_id,
            conversation_type=kind,
            channel_id=local_channel(channel_conversation) if channel_conversation else None,
            team_aad_group_id=_str(team.get("aadGroupId")),
            team_name=_str(team.get("name")),
            channel_name=_str(channel.get("name")),
            team_conversation_id=_str(team.get("id")),
            service_url=service_url,
            text=command_text(_str(activity.get("text"))),
            value=value if isinstance(value, dict) else {},
            reply_to_id=_str(activity.get("replyToId")),
            activity_id=_str(activity.get("id")),
        )

    @property
    def channel_conversation_id(self) -> str | None:
        """The channel's own conversation id (without a reply's ";messageid=…")."""
        if self.conversation_type != "channel":
            return None
        return self.conversation_id.split(";", 1)[0]
