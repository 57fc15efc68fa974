"""Keeps members in step with Slack (users.info), so languages and roles are known."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.people.members import (
    apply_slack_profile,
    get_member,
    get_or_create_member,
    member_locale,
    workspace_locale,
)
from bot.people.models import Member
from bot.platform import trigger
from bot.platform.chat import ChatError
from bot.platform.deps import Deps
from bot.platform.i18n import Translator, translator

log = logging.getLogger(__name__)

# Slack locale, name and admin flags change rarely; re-read them at most this often.
REFRESH_AFTER = timedelta(hours=12)


async def ensure_member(deps: Deps, team_id: str, user_id: str, force: bool = False) -> Member:
    """The stored member, refreshed from users.info when new or stale.

    A Slack failure is logged and the stored data (or the defaults) used: a person still gets an
    answer when users.info is rate limited.
    """
    now = deps.now()
    async with deps.db.begin() as session:
        member = await get_or_create_member(session, team_id, user_id)
        fresh = (
            member.slack_checked_at is not None and now - member.slack_checked_at < REFRESH_AFTER
        )
        if fresh and not force:
            return member
    try:
        # Bounded while a form waits to open (a trigger lives 3 s): then the stored data or
        # the defaults serve this request, and the next one asks Slack again.
        user = await trigger.bounded(deps.chat.person(user_id))
    except ChatError as e:
        log.warning("users.info failed for %s: %s", user_id, e.code)
        return member
    except trigger.BudgetSpent:
        log.warning("users.info for %s did not answer before a form had to open", user_id)
        return member
    async with deps.db.begin() as session:
        member = await get_or_create_member(session, team_id, user_id)
        apply_slack_profile(member, user, now)
    return member


async def translator_for(deps: Deps, team_id: str, user_id: str) -> Translator:
    member = await ensure_member(deps, team_id, user_id)
    return translator(member_locale(member, deps.settings.default_locale))


async def workspace_translator(deps: Deps, team_id: str) -> Translator:
    """For what a whole channel reads: the workspace's language (else DEFAULT_LOCALE)."""
    async with deps.db() as session:
        return translator(await workspace_locale(session, team_id, deps.settings.default_locale))


async def is_admin(deps: Deps, team_id: str, user_id: str, *, fresh: bool = True) -> bool:
    """ADMIN_USER_IDS, or a workspace admin/owner per users.info.

    Every admin action asks `fresh` (users.info read again); `fresh=False` uses what was last
    read, for what is only shown (the Home's admin figures)."""
    if user_id in deps.settings.admin_user_ids:
        return True
    if fresh:
        member: Member | None = await ensure_member(deps, team_id, user_id, force=True)
    else:
        async with deps.db() as session:
            member = await get_member(session, team_id, user_id)
    return bool(member and member.is_workspace_admin and not member.deleted)
