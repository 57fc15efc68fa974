"""The Slack side of personal data: what follows forgetting a person (`SlackPrivacyEffects`), the
events that must not create profiles, and whether a workspace still has the app installed."""

from __future__ import annotations

import logging
import weakref
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.platform.chat import ChatError
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from bot.privacy import store as privacy
from bot.privacy.views import forgotten_home
from bot.tips.delivery import refresh_card

log = logging.getLogger(__name__)

# Events about a person or the installation that are not the person using Fika: they must not
# look the person up (users.info) or store a profile for them.
PASSIVE_EVENTS = frozenset({"user_change", "app_uninstalled", "tokens_revoked"})


def is_passive(body: dict[str, Any]) -> bool:
    event = body.get("event") if body.get("type") == "event_callback" else None
    return isinstance(event, dict) and event.get("type") in PASSIVE_EVENTS


# Workspaces this process recently found not marked uninstalled (team → when), so a request
# costs a lookup at most every CHECK_INSTALLED_EVERY (another replica may have marked it).
CHECK_INSTALLED_EVERY = timedelta(minutes=10)
_installed: weakref.WeakKeyDictionary[AsyncWebClient, dict[str, datetime]] = (
    weakref.WeakKeyDictionary()
)


async def note_request(deps: Deps, team_id: str) -> None:
    """Slack sent this workspace a request: if it was marked uninstalled, the app is back and
    scheduled work resumes. Never fails its caller."""
    known = _installed.setdefault(deps.client, {})
    now = deps.now()
    checked = known.get(team_id)
    if not team_id or (checked is not None and now - checked < CHECK_INSTALLED_EVERY):
        return
    try:
        async with deps.db.begin() as session:
            if await privacy.mark_installed(session, team_id):
                log.info("workspace %s uses the app again: scheduled work resumes", team_id)
    except Exception:
        log.exception("could not check whether workspace %s is installed", team_id)
        return
    known[team_id] = now


def forget_installed(deps: Deps, team_id: str) -> None:
    _installed.setdefault(deps.client, {}).pop(team_id, None)


class SlackPrivacyEffects:
    """Slack's side of the personal-data use cases (`bot.privacy.service.PrivacyEffects`).

    `t` is the forgotten person's language, read before forgetting (it is gone after)."""

    def __init__(self, deps: Deps, t: Translator) -> None:
        self.deps = deps
        self.t = t

    async def cards_changed(self, team_id: str, tip_ids: Collection[int]) -> None:
        for tip_id in tip_ids:
            try:
                await refresh_card(self.deps, team_id, tip_id)
            except Exception:
                log.warning("review card of tip %s not refreshed after forgetting", tip_id)

    async def home_cleared(self, team_id: str, user_id: str) -> None:
        try:
            await self.deps.chat.publish_home(user_id, forgotten_home(self.t))
        except ChatError as exc:
            log.info("Home not cleared after forgetting: %s", exc.code)

    def app_removed(self, team_id: str) -> None:
        forget_installed(self.deps, team_id)
