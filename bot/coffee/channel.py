"""A program channel as Slack sees it: its members, and who of them takes part."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.coffee.models import CoffeeProgram
from bot.coffee.participants import SLACKBOT, filter_pool, participants_by_user
from bot.coffee.round_store import PoolPerson
from bot.coffee.schedule import local_today
from bot.people.directory import ensure_member
from bot.people.members import apply_slack_profile, get_or_create_member, member_locale
from bot.people.models import Member
from bot.platform.chat import ChatError
from bot.platform.deps import Deps

log = logging.getLogger(__name__)

# Before a round, people's Slack data (deactivated? bot?) is re-read when older than this.
POOL_FRESHNESS = timedelta(hours=1)
# With more stale people than this, one users.list sweep is cheaper than users.info each.
USERS_LIST_THRESHOLD = 100
_IN_CHUNK = 500


async def channel_member_ids(deps: Deps, channel_id: str) -> list[str]:
    """Every member of the channel (all pages)."""
    return await deps.chat.group_members(channel_id)


async def is_channel_member(deps: Deps, channel_id: str, user_id: str) -> bool:
    try:
        return user_id in await channel_member_ids(deps, channel_id)
    except ChatError as e:
        log.warning("members of %s not read: %s", channel_id, e.code)
        return False


async def load_members(deps: Deps, team_id: str, user_ids: list[str]) -> dict[str, Member]:
    members: dict[str, Member] = {}
    async with deps.db() as session:
        for i in range(0, len(user_ids), _IN_CHUNK):
            chunk = user_ids[i : i + _IN_CHUNK]
            rows = await session.scalars(
                select(Member).where(Member.team_id == team_id, Member.user_id.in_(chunk))
            )
            members.update({m.user_id: m for m in rows})
    return members


async def refresh_members(
    deps: Deps, team_id: str, user_ids: list[str], max_age: timedelta = POOL_FRESHNESS
) -> dict[str, Member]:
    """The members, with Slack data no older than `max_age` (re-read where needed)."""
    now = deps.now()
    known = await load_members(deps, team_id, user_ids)
    stale = [u for u in user_ids if _stale(known.get(u), now, max_age)]
    if len(stale) > USERS_LIST_THRESHOLD:
        await _sweep_users_list(deps, team_id, set(stale), set(known))
    else:
        for user_id in stale:
            if user_id in known:
                await ensure_member(deps, team_id, user_id, force=True)
            else:
                await _store_if_active(deps, team_id, user_id)
    return await load_members(deps, team_id, user_ids)


async def _store_if_active(deps: Deps, team_id: str, user_id: str) -> None:
    """A channel member Fika has not stored: keep their Slack data unless the account is
    deactivated (a deactivated person is never paired, and someone forgotten on request stays
    forgotten while Slack still lists them in the channel)."""
    try:
        user = await deps.chat.person(user_id)
    except ChatError as e:
        log.warning("users.info failed for %s: %s", user_id, e.code)
        await ensure_member(deps, team_id, user_id)
        return
    if user.get("deleted"):
        return
    async with deps.db.begin() as session:
        member = await get_or_create_member(session, team_id, user_id)
        apply_slack_profile(member, user, deps.now())


def _stale(member: Member | None, now: datetime, max_age: timedelta) -> bool:
    return (
        member is None or member.slack_checked_at is None or now - member.slack_checked_at > max_age
    )


async def _sweep_users_list(deps: Deps, team_id: str, wanted: set[str], known: set[str]) -> None:
    """One sweep over the workspace's people (users.list on Slack) instead of one look-up
    each; what was read before a failure is kept, the rest stays as stored."""
    now = deps.now()
    try:
        async for page in deps.chat.people(team_id):
            users = [
                u
                for u in page
                if u.get("id") in wanted and (u.get("id") in known or not u.get("deleted"))
            ]
            if users:
                async with deps.db.begin() as session:
                    for user in users:
                        member = await get_or_create_member(session, team_id, user["id"])
                        apply_slack_profile(member, user, now)
    except ChatError as e:
        log.warning("users.list failed: %s; using stored data", e.code)


async def gather_pool(deps: Deps, program: CoffeeProgram) -> list[PoolPerson]:
    """The program's pool now: the channel's people minus bots, deactivated, left and paused."""
    channel_ids = await channel_member_ids(deps, program.channel_id)
    candidates = [u for u in dict.fromkeys(channel_ids) if u != SLACKBOT]
    members = await refresh_members(deps, program.team_id, candidates)
    async with deps.db() as session:
        participants = await participants_by_user(session, program.id)
    today = local_today(deps.now(), program.tz)
    pool_ids = filter_pool(candidates, members, participants, today)
    default = deps.settings.default_locale
    pool: list[PoolPerson] = []
    for user_id in pool_ids:
        member = members[user_id]
        locale = member_locale(member, default)
        library = member.library
        pool.append(
            PoolPerson(
                user_id=user_id,
                library_id=library.id if library else None,
                library_name=library.name_sv if library else None,
                library_name_fi=library.name_fi if library else None,
                # Not told yet: unknown, which the pairing treats as able to talk to anyone.
                languages=frozenset(member.languages),
                locale=locale,
            )
        )
    return pool
