"""The Slack side of personal data: forgetting a person (with what only Slack knows), the
events that must not create profiles, and whether a workspace still has the app installed."""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee.enrolment import programs_of
from bot.people.former import new_placeholder
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


@dataclass(frozen=True)
class ForgetResult:
    channels: list[str]  # program channels the person is still in
    changed: bool = True  # whether anything was stored about them


async def forget(
    deps: Deps, t: Translator, team_id: str, user_id: str, *, by_admin: str | None = None
) -> ForgetResult:
    """Forget the person in one transaction; then refresh what Slack still shows of them that
    Fika drew (review cards, their Home tab). `t` was taken before: their language is gone.

    `by_admin`: an admin's erasure request for someone else (`/fika forget`), usually a
    colleague who has left. The log names the acting admin, never the person; their Home tab is
    left alone (nothing is sent to them: it is redrawn afresh whenever they open it)."""
    programs = await programs_of(deps, team_id, user_id)
    placeholder = new_placeholder()
    async with deps.db.begin() as session:
        done = await privacy.forget_person(session, team_id, user_id, placeholder)
    # No ids or names of the person in the log: only what kinds of rows changed.
    counts = ", ".join(f"{table} {n}" for table, n in sorted(done.counts.items()) if n) or "nothing"
    if by_admin is None:
        log.info("a person asked to be forgotten in %s: %s", team_id, counts)
    else:
        log.info(
            "admin %s had a person forgotten in %s (erasure request): %s", by_admin, team_id, counts
        )
    for tip_id in done.review_cards:
        try:
            await refresh_card(deps, team_id, tip_id)
        except Exception:
            log.warning("review card of tip %s not refreshed after forgetting", tip_id)
    if by_admin is None:
        try:
            await deps.chat.publish_home(user_id, forgotten_home(t))
        except ChatError as exc:
            log.info("Home not cleared after forgetting: %s", exc.code)
    return ForgetResult(
        channels=[p.channel_id for p in programs], changed=sum(done.counts.values()) > 0
    )
