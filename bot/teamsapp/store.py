"""Reading and writing the Teams surface's references (bot/teamsapp/models.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.members import get_or_create_member
from bot.teamsapp.models import TeamsChannel, TeamsDelivery, TeamsPerson
from bot.teamsapp.turn import Turn


async def remember_person(
    session: AsyncSession, turn: Turn, now: datetime, *, installed: bool | None = None
) -> TeamsPerson | None:
    """Keep what this activity says about its sender: their "29:" id, the service URL, name
    and locale; in a personal chat also the conversation (the reference proactive messages
    need). Their member row gets the name and Teams' locale, as Slack's users.info gives."""
    if turn.user_id is None or turn.teams_user_id is None:
        return None
    person = await session.get(TeamsPerson, (turn.team_id, turn.user_id))
    if person is None:
        person = TeamsPerson(
            team_id=turn.team_id,
            user_id=turn.user_id,
            teams_user_id=turn.teams_user_id,
            service_url=turn.service_url,
            installed=False,
        )
        session.add(person)
    person.teams_user_id = turn.teams_user_id
    person.service_url = turn.service_url
    person.name = turn.name or person.name
    person.locale = turn.locale or person.locale
    if turn.personal:
        person.conversation_id = turn.conversation_id
        # Any activity from the personal chat means the app is there for them.
        person.installed = True if installed is None else installed
    elif installed is not None:
        person.installed = installed
    person.updated_at = now
    member = await get_or_create_member(session, turn.team_id, turn.user_id)
    member.display_name = turn.name or member.display_name
    if turn.locale:
        member.slack_locale = turn.locale
    member.slack_checked_at = now
    return person


async def remember_member(
    session: AsyncSession,
    team_id: str,
    user_id: str,
    teams_user_id: str,
    service_url: str,
    name: str | None,
    upn: str | None,
    now: datetime,
) -> TeamsPerson:
    """A person seen in a channel's member list (not necessarily with the app installed)."""
    person = await session.get(TeamsPerson, (team_id, user_id))
    if person is None:
        person = TeamsPerson(
            team_id=team_id,
            user_id=user_id,
            teams_user_id=teams_user_id,
            service_url=service_url,
            installed=False,
        )
        session.add(person)
    person.teams_user_id = teams_user_id
    person.name = name or person.name
    person.upn = upn or person.upn
    person.updated_at = now
    member = await get_or_create_member(session, team_id, user_id)
    member.display_name = name or member.display_name
    return person


async def remember_channel(session: AsyncSession, turn: Turn, now: datetime) -> TeamsChannel | None:
    """Keep the channel an activity came from (where a program's or the tips' messages go)."""
    conversation = turn.channel_conversation_id
    if turn.channel_id is None or conversation is None:
        return None
    channel = await session.get(TeamsChannel, (turn.team_id, turn.channel_id))
    if channel is None:
        channel = TeamsChannel(
            team_id=turn.team_id,
            channel_id=turn.channel_id,
            conversation_id=conversation,
            service_url=turn.service_url,
        )
        session.add(channel)
    channel.conversation_id = conversation
    channel.service_url = turn.service_url
    channel.team_aad_group_id = turn.team_aad_group_id or channel.team_aad_group_id
    channel.team_name = turn.team_name or channel.team_name
    channel.channel_name = turn.channel_name or channel.channel_name
    channel.installed = True
    channel.updated_at = now
    return channel


async def person(session: AsyncSession, team_id: str, user_id: str) -> TeamsPerson | None:
    return await session.get(TeamsPerson, (team_id, user_id))


async def person_by_user(session: AsyncSession, user_id: str) -> TeamsPerson | None:
    """By the Entra object id alone (unique across tenants)."""
    found = await session.scalars(select(TeamsPerson).where(TeamsPerson.user_id == user_id))
    return found.first()


async def channel(session: AsyncSession, team_id: str, channel_id: str) -> TeamsChannel | None:
    return await session.get(TeamsChannel, (team_id, channel_id))


async def channel_by_id(session: AsyncSession, channel_id: str) -> TeamsChannel | None:
    found = await session.scalars(select(TeamsChannel).where(TeamsChannel.channel_id == channel_id))
    return found.first()


async def delivery(session: AsyncSession, team_id: str, key: str) -> TeamsDelivery | None:
    found = await session.scalars(
        select(TeamsDelivery).where(TeamsDelivery.team_id == team_id, TeamsDelivery.key == key)
    )
    return found.first()


async def start_delivery(
    session: AsyncSession, team_id: str, key: str, conversation_id: str, now: datetime
) -> TeamsDelivery | None:
    """Record a once-only message as being sent, before it is; None when `key` was already
    recorded (sent, failed, or an attempt that may have landed): it is not sent again."""
    if await delivery(session, team_id, key) is not None:
        return None
    row = TeamsDelivery(
        team_id=team_id, key=key, conversation_id=conversation_id, state="sending", attempted_at=now
    )
    session.add(row)
    await session.flush()
    return row


#: A delivery record is kept at least this long whatever the history's retention: a round, its
#: retries and its follow-up are long over by then, so nothing can be sent twice for want of it.
KEEP_DELIVERIES_AT_LEAST = timedelta(days=60)


async def purge_deliveries(session: AsyncSession, now: datetime, retention_days: int) -> int:
    """Delete the records of once-only messages as old as the coffee history Fika deletes
    (`retention_days`; 0 keeps them), but never younger than `KEEP_DELIVERIES_AT_LEAST`."""
    if retention_days <= 0:
        return 0
    before = now - max(timedelta(days=retention_days), KEEP_DELIVERIES_AT_LEAST)
    result = await session.execute(delete(TeamsDelivery).where(TeamsDelivery.attempted_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
