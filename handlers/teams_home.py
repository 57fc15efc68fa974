"""The home card in a person's personal chat with Fika (Teams has no App Home), and the
greeting in a team's channel when Fika is added there.

`send_home` posts the card on install and keeps its activity id (TeamsPerson.home_activity_id);
`update_home` redraws that activity after a change made elsewhere (a command, a dialog) and
never fails its caller, like Slack's `refresh_home`. `render_home` is the card for one person
now — their language, their role (read on the server at every render: the card's refresh and
every click come here) — from the same data as the Slack Home (`bot.home.store.gather_home`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable

from sqlalchemy import func, select

from bot.coffee.commands import FIKA
from bot.coffee.models import CoffeeParticipant
from bot.coffee.participants import ACTIVE, PAUSED
from bot.coffee.programs import active_programs, next_round
from bot.coffee.schedule import local_today
from bot.home.store import HomePages, gather_home, year_figures
from bot.people.channels import channel_members
from bot.people.directory import is_admin
from bot.people.models import Member
from bot.people.permissions import Role
from bot.teams.cards.answers import Card, TeamsTranslator, summary, teams_translator
from bot.teams.cards.help import help_card
from bot.teams.cards.home import ProgramStatus, home_card
from bot.teams.cards.home_tips import tips_part
from bot.teamsapp import outbox, store
from bot.teamsapp.invoke import card_activity
from bot.teamsapp.models import TeamsChannel, TeamsPerson
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn
from bot.tips.reviewers import is_reviewer

log = logging.getLogger(__name__)

# A notice at the top of the card: text, or text made with the card's (new) translator.
Notice = str | Callable[[TeamsTranslator], str] | None


# ---------------------------------------------------------------------------- names


async def channel_names(surface: TeamsSurface, team_id: str) -> dict[str, str]:
    """The tenant's known channels by local id: "Team › Channel" as people see them."""
    async with surface.deps.db() as session:
        rows = await session.scalars(select(TeamsChannel).where(TeamsChannel.team_id == team_id))
        return {row.channel_id: _channel_name(row) for row in rows}


def _channel_name(row: TeamsChannel) -> str:
    channel = row.channel_name or "General"
    return f"{row.team_name} › {channel}" if row.team_name else channel


async def people_names(
    surface: TeamsSurface, team_id: str, user_ids: Iterable[str]
) -> dict[str, str]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return {}
    async with surface.deps.db() as session:
        members = await session.scalars(
            select(Member).where(Member.team_id == team_id, Member.user_id.in_(wanted))
        )
        names = {m.user_id: m.display_name for m in members if m.display_name}
        people = await session.scalars(
            select(TeamsPerson).where(
                TeamsPerson.team_id == team_id, TeamsPerson.user_id.in_(wanted)
            )
        )
        names.update({p.user_id: p.name for p in people if p.name})
    return names


async def card_translator(
    surface: TeamsSurface, team_id: str, user_id: str | None, people: Iterable[str] = ()
) -> TeamsTranslator:
    """The person's translator for cards, knowing the tenant's channels and these people."""
    t = await surface.translator(team_id, user_id)
    return teams_translator(
        t,
        await channel_names(surface, team_id),
        await people_names(surface, team_id, [*people, *([user_id] if user_id else [])]),
    )


# ---------------------------------------------------------------------------- membership


async def in_channels(
    surface: TeamsSurface, team_id: str, user_id: str, channel_ids: Iterable[str]
) -> dict[str, bool]:
    """Per program channel: is the person in its team (the chat port's roster, cached a
    minute; a channel it cannot read counts as not)."""
    return {
        channel_id: user_id in await channel_members(surface.deps, team_id, channel_id)
        for channel_id in channel_ids
    }


# ---------------------------------------------------------------------------- the card


async def program_statuses(surface: TeamsSurface, team_id: str) -> list[ProgramStatus]:
    """Every running program with its next round and how many take part or pause."""
    deps = surface.deps
    now = deps.now()
    statuses: list[ProgramStatus] = []
    async with deps.db() as session:
        for program in await active_programs(session, team_id):
            today = local_today(now, program.tz)
            counts = dict(
                (
                    await session.execute(
                        select(CoffeeParticipant.status, func.count())
                        .where(CoffeeParticipant.program_id == program.id)
                        .where(
                            (CoffeeParticipant.status != PAUSED)
                            | (CoffeeParticipant.paused_until > today)
                        )
                        .group_by(CoffeeParticipant.status)
                    )
                ).all()
            )
            expired = await session.scalar(
                select(func.count())
                .select_from(CoffeeParticipant)
                .where(
                    CoffeeParticipant.program_id == program.id,
                    CoffeeParticipant.status == PAUSED,
                    CoffeeParticipant.paused_until <= today,
                )
            )
            nxt = await next_round(session, program, now)
            statuses.append(
                ProgramStatus(
                    program,
                    nxt.at,
                    active=int(counts.get(ACTIVE, 0)) + int(expired or 0),
                    paused=int(counts.get(PAUSED, 0)),
                )
            )
    return statuses


async def render_home(
    surface: TeamsSurface,
    team_id: str,
    user_id: str,
    teams_user_id: str,
    *,
    offset: int = 0,
    notice: Notice = None,
) -> Card:
    """The person's home card as it is now, in their language as stored now."""
    deps = surface.deps
    admin = await is_admin(deps, team_id, user_id)
    reviewer = await is_reviewer(deps, team_id, user_id)
    figures = None
    if admin or reviewer:
        async with deps.db() as session:
            year = local_today(deps.now(), deps.settings.timezone).year
            figures = await year_figures(session, team_id, year, deps.settings.timezone)
    async with deps.db() as session:
        programs = await active_programs(session, team_id)
    in_channel = await in_channels(surface, team_id, user_id, [p.channel_id for p in programs])
    async with deps.db() as session:
        data = await gather_home(
            session,
            team_id,
            user_id,
            now=deps.now(),
            pages=HomePages(programs=offset),
            in_channel=in_channel,
            default_locale=deps.settings.default_locale,
            reviewer=reviewer,
            admin=admin,
            figures=figures,
        )
    partners = [p.user_id for card in data.programs for p in card.partners]
    authors = [tip.author_id for tip in data.latest.tips]
    t = await card_translator(surface, team_id, user_id, [*partners, *authors])
    text = notice(t) if callable(notice) else notice
    statuses = await program_statuses(surface, team_id) if admin else []
    # The tips part (a curator's count waiting with its Review button among them), so the
    # AKE team's part below does not say the count again.
    return home_card(
        t,
        dataclasses.replace(data, pending=None),
        teams_user_id=teams_user_id,
        programs=statuses,
        notice=text,
        more=tips_part(t, data),
    )


async def send_home(surface: TeamsSurface, turn: Turn) -> None:
    """Post the home card into the personal chat the turn came from and remember it, to
    update it in place later."""
    if turn.user_id is None or turn.teams_user_id is None:
        return
    card = await render_home(surface, turn.team_id, turn.user_id, turn.teams_user_id)
    activity_id = await surface.reply_card(turn, card, summary=summary(card))
    async with surface.deps.db.begin() as session:
        person = await store.person(session, turn.team_id, turn.user_id)
        if person is not None:
            person.home_activity_id = activity_id


async def update_home(
    surface: TeamsSurface,
    team_id: str,
    user_id: str,
    *,
    offset: int = 0,
    notice: Notice = None,
) -> None:
    """Redraw the person's home card in place (or post it, when there is none yet) after a
    change made elsewhere; a failure is logged, never raised."""
    try:
        person = await surface.person(team_id, user_id)
        if person is None or not person.installed or not person.conversation_id:
            return
        card = await render_home(
            surface, team_id, user_id, person.teams_user_id, offset=offset, notice=notice
        )
        activity = card_activity(card, summary(card))
        if person.home_activity_id:
            # Replaced in place, so safe to repeat: Teams' outbox retries it if need be.
            await outbox.deliver(
                surface,
                team_id,
                person.conversation_id,
                person.service_url,
                activity,
                activity_id=person.home_activity_id,
            )
            return
        activity_id = await surface.sender.send(
            team_id, person.conversation_id, person.service_url, activity
        )
        async with surface.deps.db.begin() as session:
            stored = await store.person(session, team_id, user_id)
            if stored is not None:
                stored.home_activity_id = activity_id
    except Exception:
        log.exception("home card of %s not updated", user_id)


async def greet_channel(surface: TeamsSurface, turn: Turn) -> None:
    """Fika added to a team: the channel learns what Fika does and how to start (the help of
    `/fika`, with the admins' words labelled), in the tenant's language."""
    t = teams_translator(await surface.translator(turn.team_id, None))
    card = help_card(t, [(FIKA, set(Role))])
    await surface.reply_card(turn, card, summary=summary(card))
