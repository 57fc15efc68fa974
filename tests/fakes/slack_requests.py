"""Correctly signed Slack requests to the app's ``POST /slack/events`` endpoint.

Bodies carry every field real Slack sends (modelled on the bolt-python and java-slack-sdk
payload samples in ``/work/shared/slack-data/payloads``), so handlers see realistic input.
Use :class:`SlackSender` over HTTP, or the pure builders (``slash_command_form``,
``block_actions_payload``, ``form_body``, ``interactive_body``, ``signed_headers``…) with
``slack_bolt.request.async_request.AsyncBoltRequest`` directly.

Signature: ``X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))``
plus ``X-Slack-Request-Timestamp``; Bolt rejects timestamps older than 5 minutes, so the
timestamp is the wall clock unless given.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import aiohttp

if TYPE_CHECKING:
    from tests.fakes.slack_api import FakeSlack

JSON = dict[str, Any]

DEFAULT_TEAM_ID = "T0FIKA"
DEFAULT_TEAM_DOMAIN = "fika-test"
DEFAULT_APP_ID = "AFIKA"
DEFAULT_BOT_USER_ID = "UFIKABOT"
# Legacy verification token; Bolt ignores it but real payloads carry one.
DEFAULT_VERIFICATION_TOKEN = "fika-verification-token"
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM = "application/x-www-form-urlencoded"
JSON_CONTENT = "application/json"
EPOCH = 1_700_000_000

_counter = itertools.count(1)


def _next() -> int:
    return next(_counter)


def _short_hash(*parts: str, length: int = 10) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
    return digest[:length]


def new_trigger_id() -> str:
    """A unique trigger id shaped like Slack's (``digits.digits.hex``)."""
    n = _next()
    return f"{EPOCH + n}.{n:09d}.{_short_hash('sender-trigger', str(n), length=32)}"


def new_action_ts() -> str:
    n = _next()
    return f"{EPOCH + n}.{n:06d}"


# ---------------------------------------------------------------------- signing


def sign(signing_secret: str, timestamp: str | int, body: bytes | str) -> str:
    """The ``X-Slack-Signature`` value for ``body`` sent at ``timestamp``."""
    # Byte-level like Slack and slack_sdk's SignatureVerifier, so non-UTF-8 bodies sign too.
    raw = body if isinstance(body, bytes) else body.encode()
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


_sign = sign  # SlackSender.raw() has a ``sign`` flag that shadows the function


def signed_headers(
    signing_secret: str,
    body: bytes | str,
    *,
    content_type: str = FORM,
    timestamp: str | int | None = None,
) -> dict[str, str]:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return {
        "Content-Type": content_type,
        "User-Agent": SLACK_USER_AGENT,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(signing_secret, ts, body),
    }


def form_body(fields: Mapping[str, str]) -> bytes:
    return urlencode(fields).encode()


def interactive_body(payload: Mapping[str, Any]) -> bytes:
    """Interactivity payloads arrive as the form field ``payload=<url-encoded JSON>``."""
    return form_body({"payload": json.dumps(payload, separators=(",", ":"))})


# ---------------------------------------------------------------------- payload builders


def _team(team_id: str, team_domain: str) -> JSON:
    return {"id": team_id, "domain": team_domain}


def _user(user_id: str, user_name: str, team_id: str) -> JSON:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def default_user_name(user_id: str) -> str:
    return f"user.{user_id.lower()}"


MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


@functools.lru_cache(maxsize=8)
def _slash_commands(manifest: Path, _version: tuple[int, int]) -> tuple[dict[str, Any], ...]:
    import yaml  # dev dependency; read at use so the module imports without it

    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    return tuple(data["features"]["slash_commands"])


def manifest_escapes(command: str, manifest: Path = MANIFEST) -> bool:
    """The command's ``should_escape`` in the app's manifest, as the Slack app is set up.

    The parsed manifest is kept while the file is unchanged (same modification time and size):
    parsing the YAML for every command sent was a tenth of the property tests' CPU."""
    stat = manifest.stat()
    for entry in _slash_commands(manifest, (stat.st_mtime_ns, stat.st_size)):
        if entry["command"] == command:
            return bool(entry.get("should_escape", False))
    raise KeyError(command)


_MENTION = re.compile(r"(?<![\w<])([@#])([\w.\-]+)")


def typed_command_text(
    text: str, *, escape: bool, users: Mapping[str, str], channels: Mapping[str, str]
) -> str:
    """The ``text`` Slack sends for what a person typed after a slash command.

    With ``should_escape`` on, Slack escapes ``&``, ``<`` and ``>`` and sends a typed
    ``@name`` or ``#channel`` that it knows as ``<@U123|name>`` / ``<#C123|name>``; with it
    off, the text comes as typed (a mention is then plain ``@name``). ``users`` and
    ``channels`` map names to ids."""
    if not escape:
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def link(m: re.Match[str]) -> str:
        sigil, name = m.group(1), m.group(2)
        known = users.get(name) if sigil == "@" else channels.get(name)
        return f"<{sigil}{known}|{name}>" if known else m.group(0)

    return _MENTION.sub(link, text)


def slash_command_form(
    command: str,
    text: str = "",
    *,
    user_id: str,
    channel_id: str,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    channel_name: str = "general",
    user_name: str | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    is_enterprise_install: bool = False,
) -> dict[str, str]:
    """Form fields of a slash command, in the order Slack sends them."""
    return {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or default_user_name(user_id),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "true" if is_enterprise_install else "false",
        "response_url": response_url
        or f"https://hooks.slack.com/commands/{team_id}/{_next()}/{_short_hash('r', command)}",
        "trigger_id": trigger_id or new_trigger_id(),
    }


def complete_view(
    view: Mapping[str, Any],
    *,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    state_values: Mapping[str, Any] | None = None,
) -> JSON:
    """``view`` with every field Slack includes in payloads (given fields win)."""
    view_id = str(view.get("id") or f"V0SEND{_next():05d}")
    full: JSON = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": f"{EPOCH}.{_short_hash('hash', view_id, length=8)}",
        "title": {"type": "plain_text", "text": "Fika", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": api_app_id,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": "BFIKA",
    }
    full.update(json.loads(json.dumps(dict(view))))
    if state_values is not None:
        full["state"] = {"values": json.loads(json.dumps(dict(state_values)))}
    full.setdefault("state", {"values": {}})
    return full


def find_element(
    blocks: list[Any], action_id: str, block_id: str | None = None
) -> tuple[str | None, JSON | None]:
    """(block_id, element) of the interactive element with ``action_id`` in ``blocks``."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        if block_id is not None and block.get("block_id") != block_id:
            continue
        candidates: list[Any] = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return block.get("block_id"), element
    return None, None


_SELECTED_KEYS = {
    "selected_option": "static_select",
    "selected_options": "multi_static_select",
    "selected_date": "datepicker",
    "selected_time": "timepicker",
    "selected_user": "users_select",
    "selected_users": "multi_users_select",
    "selected_conversation": "conversations_select",
    "selected_channel": "channels_select",
}


def _option_for(element: JSON | None, value: str) -> JSON:
    for option in (element or {}).get("options") or []:
        if isinstance(option, dict) and option.get("value") == value:
            return dict(option)
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


def action_payload(
    action_id: str,
    *,
    block_id: str,
    element: JSON | None = None,
    action_type: str | None = None,
    value: str | None = None,
    text: str | None = None,
    action_ts: str | None = None,
    **selected: Any,
) -> JSON:
    """One entry of ``actions`` in a block_actions payload.

    The type comes from ``action_type``, else the matching ``element`` found in the
    message/view, else the ``selected_*`` argument given, else ``button``.
    """
    selected = {k: v for k, v in selected.items() if v is not None}
    unknown = set(selected) - set(_SELECTED_KEYS)
    if unknown:
        raise TypeError(f"unknown selection arguments: {sorted(unknown)}")
    kind = action_type or (element or {}).get("type")
    if kind is None:
        kind = next((_SELECTED_KEYS[k] for k in selected), "button")
    action: JSON = {"action_id": action_id, "block_id": block_id, "type": kind}
    if kind == "button":
        label = (element or {}).get("text") or {
            "type": "plain_text",
            "text": text or "Button",
            "emoji": True,
        }
        action["text"] = label
        button_value = value if value is not None else (element or {}).get("value")
        if button_value is not None:
            action["value"] = button_value
        if element is not None and element.get("style"):
            action["style"] = element["style"]
    elif kind in ("static_select", "external_select", "overflow", "radio_buttons"):
        option = selected.get("selected_option")
        if option is None and value is not None:
            option = _option_for(element, value)
        if isinstance(option, str):
            option = _option_for(element, option)
        action["selected_option"] = option
    elif kind in ("multi_static_select", "multi_external_select", "checkboxes"):
        options = selected.get("selected_options") or []
        action["selected_options"] = [
            _option_for(element, o) if isinstance(o, str) else o for o in options
        ]
    else:
        for key in _SELECTED_KEYS:
            if key in selected:
                action[key] = selected[key]
    if element is not None and "placeholder" in element and kind != "button":
        action["placeholder"] = element["placeholder"]
    action["action_ts"] = action_ts or new_action_ts()
    return action


def block_actions_payload(
    *,
    user_id: str,
    actions: list[JSON],
    trigger_id: str,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    user_name: str | None = None,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    channel_id: str | None = None,
    channel_name: str | None = None,
    message: JSON | None = None,
    message_ts: str | None = None,
    is_ephemeral: bool = False,
    view: JSON | None = None,
    state_values: Mapping[str, Any] | None = None,
    response_url: str | None = None,
) -> JSON:
    """A block_actions payload: view container when ``view`` is given, else message."""
    payload: JSON = {
        "type": "block_actions",
        "user": _user(user_id, user_name or default_user_name(user_id), team_id),
        "api_app_id": api_app_id,
        "token": token,
    }
    if view is not None:
        full_view = complete_view(
            view, team_id=team_id, api_app_id=api_app_id, state_values=state_values
        )
        payload["container"] = {"type": "view", "view_id": full_view["id"]}
        payload["trigger_id"] = trigger_id
        payload["team"] = _team(team_id, team_domain)
        payload["enterprise"] = None
        payload["is_enterprise_install"] = False
        payload["view"] = full_view
    else:
        ts = message_ts or (message or {}).get("ts") or new_action_ts()
        payload["container"] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": is_ephemeral,
        }
        if message is not None and message.get("thread_ts"):
            payload["container"]["thread_ts"] = message["thread_ts"]
        payload["trigger_id"] = trigger_id
        payload["team"] = _team(team_id, team_domain)
        payload["enterprise"] = None
        payload["is_enterprise_install"] = False
        payload["channel"] = {"id": channel_id, "name": channel_name or "general"}
        if message is not None and not is_ephemeral:
            payload["message"] = message
        payload["state"] = {"values": dict(state_values or {})}
        payload["response_url"] = response_url or (
            f"https://hooks.slack.com/actions/{team_id}/{_next()}/{_short_hash('a', ts)}"
        )
    payload["actions"] = actions
    return payload


def view_submission_payload(
    *,
    user_id: str,
    view: Mapping[str, Any],
    values: Mapping[str, Any],
    trigger_id: str,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    user_name: str | None = None,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
    response_urls: list[JSON] | None = None,
) -> JSON:
    return {
        "type": "view_submission",
        "team": _team(team_id, team_domain),
        "user": _user(user_id, user_name or default_user_name(user_id), team_id),
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id,
        "view": complete_view(view, team_id=team_id, api_app_id=api_app_id, state_values=values),
        "response_urls": response_urls or [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed_payload(
    *,
    user_id: str,
    view: Mapping[str, Any],
    is_cleared: bool = False,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    user_name: str | None = None,
    api_app_id: str = DEFAULT_APP_ID,
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> JSON:
    return {
        "type": "view_closed",
        "team": _team(team_id, team_domain),
        "user": _user(user_id, user_name or default_user_name(user_id), team_id),
        "api_app_id": api_app_id,
        "token": token,
        "view": complete_view(view, team_id=team_id, api_app_id=api_app_id),
        "is_cleared": is_cleared,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_shortcut_payload(
    *,
    user_id: str,
    callback_id: str,
    message: JSON,
    channel_id: str,
    trigger_id: str,
    response_url: str,
    channel_name: str = "general",
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    user_name: str | None = None,
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> JSON:
    return {
        "type": "message_action",
        "token": token,
        "action_ts": new_action_ts(),
        "team": _team(team_id, team_domain),
        "user": {
            "id": user_id,
            "name": user_name or default_user_name(user_id),
            "team_id": team_id,
        },
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "message_ts": message.get("ts"),
        "message": message,
        "response_url": response_url,
    }


def global_shortcut_payload(
    *,
    user_id: str,
    callback_id: str,
    trigger_id: str,
    team_id: str = DEFAULT_TEAM_ID,
    team_domain: str = DEFAULT_TEAM_DOMAIN,
    user_name: str | None = None,
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> JSON:
    name = user_name or default_user_name(user_id)
    return {
        "type": "shortcut",
        "token": token,
        "action_ts": new_action_ts(),
        "team": _team(team_id, team_domain),
        "user": {"id": user_id, "username": name, "team_id": team_id},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }


def event_envelope(
    event: Mapping[str, Any],
    *,
    team_id: str = DEFAULT_TEAM_ID,
    api_app_id: str = DEFAULT_APP_ID,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> JSON:
    """The ``event_callback`` envelope of the Events API."""
    body = dict(event)
    if event_time is None:
        event_ts = body.get("event_ts") or body.get("ts")
        event_time = int(float(event_ts)) if event_ts else EPOCH + _next()
    n = _next()
    return {
        "token": token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": body,
        "type": "event_callback",
        "event_id": event_id or f"Ev0FIKA{n:05d}",
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{_short_hash('ctx', str(n), length=40)}",
    }


def app_home_opened_event(
    user_id: str, *, tab: str = "home", channel: str = "D0FIKAHOME", view: JSON | None = None
) -> JSON:
    event: JSON = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel,
        "tab": tab,
        "event_ts": new_action_ts(),
    }
    if view is not None:
        event["view"] = view
    return event


def message_event(
    user_id: str,
    channel_id: str,
    text: str,
    *,
    channel_type: str = "im",
    ts: str | None = None,
    thread_ts: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
) -> JSON:
    ts = ts or new_action_ts()
    event: JSON = {
        "client_msg_id": f"{_short_hash('msg', ts, length=8)}-0000-4000-8000-000000000000",
        "type": "message",
        "text": text,
        "user": user_id,
        "ts": ts,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": _short_hash("blk", ts, length=4),
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "team": team_id,
        "channel": channel_id,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def app_mention_event(
    user_id: str,
    channel_id: str,
    text: str,
    *,
    bot_user_id: str = DEFAULT_BOT_USER_ID,
    ts: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
) -> JSON:
    event = message_event(user_id, channel_id, f"<@{bot_user_id}> {text}", ts=ts, team_id=team_id)
    event["type"] = "app_mention"
    event.pop("channel_type")
    return event


def member_joined_channel_event(
    user_id: str,
    channel_id: str,
    *,
    channel_type: str = "C",
    inviter: str | None = None,
    team_id: str = DEFAULT_TEAM_ID,
) -> JSON:
    event: JSON = {
        "type": "member_joined_channel",
        "user": user_id,
        "channel": channel_id,
        "channel_type": channel_type,
        "team": team_id,
        "event_ts": new_action_ts(),
    }
    if inviter:
        event["inviter"] = inviter
    return event


# ---------------------------------------------------------------------- HTTP sender


@dataclass
class AppResponse:
    """What the app answered (plus the ids the sender generated for the request)."""

    status: int
    text: str
    json: Any | None
    headers: dict[str, str]
    request_body: bytes
    response_url: str | None = None
    trigger_id: str | None = None
    payload: JSON | None = None


class SlackSender:
    """Sends signed requests to the app like Slack does.

    With ``fake`` given, response URLs come from ``fake.new_response_url()`` (so
    ``respond()`` lands in ``fake.responses``), trigger ids from ``fake.issue_trigger()``,
    user/channel names from the fake's workspace, and stored messages can be looked up.
    """

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        team_id: str = DEFAULT_TEAM_ID,
        fake: FakeSlack | None = None,
        *,
        team_domain: str = DEFAULT_TEAM_DOMAIN,
        api_app_id: str = DEFAULT_APP_ID,
        verification_token: str = DEFAULT_VERIFICATION_TOKEN,
        bot_user_id: str | None = None,
        clock: Callable[[], float] = time.time,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.fake = fake
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.verification_token = verification_token
        self.bot_user_id = bot_user_id or (fake.bot_user_id if fake else DEFAULT_BOT_USER_ID)
        self.clock = clock
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> SlackSender:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    # ------------------------------------------------------------------ helpers

    def _user_name(self, user_id: str) -> str:
        if self.fake is not None and user_id in self.fake.users:
            return str(self.fake.users[user_id]["name"])
        return default_user_name(user_id)

    def _channel_name(self, channel_id: str) -> str:
        if self.fake is not None and channel_id in self.fake.conversations:
            conv = self.fake.conversations[channel_id]
            return "directmessage" if conv.kind == "im" else conv.name
        if channel_id.startswith("D"):
            return "directmessage"
        return "general"

    def _trigger(self, user_id: str, trigger_id: str | None) -> str:
        if trigger_id is not None:
            return trigger_id
        if self.fake is not None:
            return self.fake.issue_trigger(user_id)
        return new_trigger_id()

    def _response_url(
        self, channel_id: str | None, message_ts: str | None, user_id: str
    ) -> str | None:
        if self.fake is None:
            return None
        return self.fake.new_response_url(
            channel_id=channel_id, message_ts=message_ts, user_id=user_id
        )

    def _locate_message(self, ts: str) -> str | None:
        if self.fake is None:
            return None
        for channel_id in self.fake.conversations:
            if any(m.get("ts") == ts for m in self.fake.messages(channel_id)):
                return channel_id
        return None

    # ------------------------------------------------------------------ sending

    async def raw(
        self,
        body: bytes,
        content_type: str = FORM,
        *,
        sign: bool = True,
        timestamp: str | int | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AppResponse:
        """POST ``body`` as is: for forged (``signature=``), stale (``timestamp=``) or
        unsigned (``sign=False``) requests and malformed bodies."""
        ts = str(timestamp if timestamp is not None else int(self.clock()))
        sent: dict[str, str] = {"Content-Type": content_type, "User-Agent": SLACK_USER_AGENT}
        if sign:
            sent["X-Slack-Request-Timestamp"] = ts
            sent["X-Slack-Signature"] = signature or _sign(self.signing_secret, ts, body)
        elif signature is not None:
            sent["X-Slack-Request-Timestamp"] = ts
            sent["X-Slack-Signature"] = signature
        sent.update(headers or {})
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(self.app_url, data=body, headers=sent) as res:
            text = await res.text()
            try:
                parsed: Any | None = json.loads(text) if text else None
            except ValueError:
                parsed = None
            return AppResponse(
                status=res.status,
                text=text,
                json=parsed,
                headers=dict(res.headers),
                request_body=body,
            )

    async def _send_interactive(self, payload: JSON, **ids: Any) -> AppResponse:
        result = await self.raw(interactive_body(payload))
        result.payload = payload
        result.response_url = ids.get("response_url")
        result.trigger_id = ids.get("trigger_id")
        return result

    async def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str,
        channel_id: str | None = None,
        user_name: str | None = None,
        channel_name: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> AppResponse:
        """Run a slash command. Without ``channel_id`` it is typed in the bot's DM with the
        user (with a fake: ``fake.open_dm(user_id)``, so the bot can post there)."""
        if channel_id is None:
            channel_id = self.fake.open_dm(user_id) if self.fake else f"D{user_id[1:]}"
        trigger = self._trigger(user_id, trigger_id)
        url = response_url or self._response_url(channel_id, None, user_id)
        if self.fake is not None:  # as Slack sends it, per the manifest's should_escape
            text = typed_command_text(
                text,
                escape=manifest_escapes(command),
                users={str(u["name"]): uid for uid, u in self.fake.users.items()},
                channels={c.name: cid for cid, c in self.fake.conversations.items() if c.name},
            )
        fields = slash_command_form(
            command,
            text,
            user_id=user_id,
            channel_id=channel_id,
            team_id=self.team_id,
            team_domain=self.team_domain,
            channel_name=channel_name or self._channel_name(channel_id),
            user_name=user_name or self._user_name(user_id),
            response_url=url,
            trigger_id=trigger,
            api_app_id=self.api_app_id,
            token=self.verification_token,
        )
        result = await self.raw(form_body(fields))
        result.payload = dict(fields)
        result.response_url = fields["response_url"]
        result.trigger_id = trigger
        return result

    async def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        *,
        block_id: str | None = None,
        action_type: str | None = None,
        text: str | None = None,
        view: JSON | None = None,
        message: JSON | None = None,
        message_ts: str | None = None,
        container: JSON | None = None,
        channel_id: str | None = None,
        is_ephemeral: bool = False,
        trigger_id: str | None = None,
        response_url: str | None = None,
        state_values: Mapping[str, Any] | None = None,
        selected_option: JSON | str | None = None,
        selected_options: list[JSON | str] | None = None,
        selected_date: str | None = None,
        selected_time: str | None = None,
        selected_user: str | None = None,
        selected_users: list[str] | None = None,
        selected_conversation: str | None = None,
        selected_channel: str | None = None,
    ) -> AppResponse:
        """Click/select ``action_id`` in a ``view`` (modal/home) or a message.

        Message: pass ``message`` (e.g. ``fake.messages(ch)[-1]``) and/or ``message_ts``;
        ``channel_id`` is looked up in the fake when omitted. ``is_ephemeral=True`` mimics a
        click in an ephemeral message (no ``message`` in the payload). The element (type,
        button text/value, options) is taken from the message/view blocks when found.
        ``container`` overrides the generated ``container`` object.
        """
        if view is None and message is None and message_ts and self.fake is not None:
            if channel_id is None:
                channel_id = self._locate_message(message_ts)
            if channel_id is not None:
                message = next(
                    (m for m in self.fake.messages(channel_id) if m.get("ts") == message_ts), None
                )
        if view is None and message is not None and channel_id is None:
            channel_id = self._locate_message(str(message.get("ts")))
        blocks = (view or message or {}).get("blocks") or []
        found_block_id, element = find_element(blocks, action_id, block_id)
        resolved_block_id = block_id or found_block_id or _short_hash("block", action_id, length=5)
        action = action_payload(
            action_id,
            block_id=resolved_block_id,
            element=element,
            action_type=action_type,
            value=value,
            text=text,
            selected_option=selected_option,
            selected_options=selected_options,
            selected_date=selected_date,
            selected_time=selected_time,
            selected_user=selected_user,
            selected_users=selected_users,
            selected_conversation=selected_conversation,
            selected_channel=selected_channel,
        )
        trigger = self._trigger(user_id, trigger_id)
        url: str | None = None
        if view is None:
            ts = message_ts or (message or {}).get("ts")
            url = response_url or self._response_url(channel_id, ts, user_id)
        payload = block_actions_payload(
            user_id=user_id,
            actions=[action],
            trigger_id=trigger,
            team_id=self.team_id,
            team_domain=self.team_domain,
            user_name=self._user_name(user_id),
            api_app_id=self.api_app_id,
            token=self.verification_token,
            channel_id=channel_id,
            channel_name=self._channel_name(channel_id) if channel_id else None,
            message=message,
            message_ts=message_ts,
            is_ephemeral=is_ephemeral,
            view=view,
            state_values=state_values,
            response_url=url,
        )
        if container is not None:
            payload["container"] = container
        return await self._send_interactive(
            payload, trigger_id=trigger, response_url=payload.get("response_url")
        )

    async def view_submission(
        self,
        user_id: str,
        view: Mapping[str, Any],
        values: Mapping[str, Any],
        *,
        trigger_id: str | None = None,
        response_urls: list[JSON] | None = None,
    ) -> AppResponse:
        """Submit a modal; ``values`` is ``view.state.values``
        (``{block_id: {action_id: {"type": ..., "value": ...}}}``)."""
        trigger = self._trigger(user_id, trigger_id)
        payload = view_submission_payload(
            user_id=user_id,
            view=view,
            values=values,
            trigger_id=trigger,
            team_id=self.team_id,
            team_domain=self.team_domain,
            user_name=self._user_name(user_id),
            api_app_id=self.api_app_id,
            token=self.verification_token,
            response_urls=response_urls,
        )
        return await self._send_interactive(payload, trigger_id=trigger)

    async def view_closed(
        self, user_id: str, view: Mapping[str, Any], *, is_cleared: bool = False
    ) -> AppResponse:
        payload = view_closed_payload(
            user_id=user_id,
            view=view,
            is_cleared=is_cleared,
            team_id=self.team_id,
            team_domain=self.team_domain,
            user_name=self._user_name(user_id),
            api_app_id=self.api_app_id,
            token=self.verification_token,
        )
        return await self._send_interactive(payload)

    async def message_shortcut(
        self,
        user_id: str,
        callback_id: str,
        message: JSON,
        channel_id: str,
        *,
        trigger_id: str | None = None,
        response_url: str | None = None,
    ) -> AppResponse:
        trigger = self._trigger(user_id, trigger_id)
        url = response_url or self._response_url(channel_id, message.get("ts"), user_id)
        payload = message_shortcut_payload(
            user_id=user_id,
            callback_id=callback_id,
            message=message,
            channel_id=channel_id,
            trigger_id=trigger,
            response_url=url or f"https://hooks.slack.com/app/{self.team_id}/{_next()}/x",
            channel_name=self._channel_name(channel_id),
            team_id=self.team_id,
            team_domain=self.team_domain,
            user_name=self._user_name(user_id),
            token=self.verification_token,
        )
        return await self._send_interactive(
            payload, trigger_id=trigger, response_url=payload["response_url"]
        )

    async def global_shortcut(
        self, user_id: str, callback_id: str, *, trigger_id: str | None = None
    ) -> AppResponse:
        trigger = self._trigger(user_id, trigger_id)
        payload = global_shortcut_payload(
            user_id=user_id,
            callback_id=callback_id,
            trigger_id=trigger,
            team_id=self.team_id,
            team_domain=self.team_domain,
            user_name=self._user_name(user_id),
            token=self.verification_token,
        )
        return await self._send_interactive(payload, trigger_id=trigger)

    async def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        event_time: int | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> AppResponse:
        """Deliver an Events API event; ``retry_num`` marks it as Slack's n-th redelivery."""
        envelope = event_envelope(
            event,
            team_id=self.team_id,
            api_app_id=self.api_app_id,
            bot_user_id=self.bot_user_id,
            event_id=event_id,
            event_time=event_time,
            token=self.verification_token,
        )
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        body = json.dumps(envelope, separators=(",", ":")).encode()
        result = await self.raw(body, JSON_CONTENT, headers=headers)
        result.payload = envelope
        return result

    async def url_verification(self, challenge: str = "fika-challenge") -> AppResponse:
        body = json.dumps(
            {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        ).encode()
        return await self.raw(body, JSON_CONTENT)
