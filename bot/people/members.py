"""Members: who people are, their language and library, as stored by Fika."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.models import Member
from bot.platform.db.models import Workspace
from bot.platform.db.upsert import insert_missing, read_back
from bot.platform.i18n import resolve_locale


async def get_member(session: AsyncSession, team_id: str, user_id: str) -> Member | None:
    return await session.scalar(
        select(Member).where(Member.team_id == team_id, Member.user_id == user_id)
    )


async def get_or_create_member(session: AsyncSession, team_id: str, user_id: str) -> Member:
    member = await get_member(session, team_id, user_id)
    if member is not None:
        return member
    # Two requests of someone new can run at once (a click and an event): one inserts, the
    # other finds the row.
    await insert_missing(
        session, Member, {"team_id": team_id, "user_id": user_id}, key=("team_id", "user_id")
    )
    found = await session.scalar(
        read_back(select(Member).where(Member.team_id == team_id, Member.user_id == user_id))
    )
    if found is None:
        raise LookupError(f"member {user_id} vanished")
    return found


async def ensure_workspace(session: AsyncSession, team_id: str) -> Workspace:
    workspace = await session.get(Workspace, team_id)
    if workspace is None:
        await insert_missing(session, Workspace, {"team_id": team_id}, key=("team_id",))
        workspace = await session.get(Workspace, team_id, populate_existing=True)
        if workspace is None:
            raise LookupError(f"workspace {team_id} vanished")
    return workspace


def apply_slack_profile(member: Member, user: dict[str, Any], now: datetime) -> None:
    """Copy what Fika keeps from a users.info `user` object onto the member."""
    profile = user.get("profile") or {}
    member.display_name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or member.display_name
    )
    if user.get("locale"):
        member.slack_locale = user["locale"]
    member.tz = user.get("tz") or member.tz
    member.is_bot = bool(user.get("is_bot")) or user.get("id") == "USLACKBOT"
    member.deleted = bool(user.get("deleted"))
    member.is_workspace_admin = bool(
        user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
    )
    member.slack_checked_at = now


def member_locale(member: Member | None, default: str) -> str:
    if member is None:
        return default
    return resolve_locale(member.locale_pref, member.slack_locale, default)


async def workspace_locale(session: AsyncSession, team_id: str, default: str) -> str:
    """The language for messages everyone in a channel reads."""
    workspace = await session.get(Workspace, team_id)
    return resolve_locale(workspace.default_locale if workspace else None, None, default)
