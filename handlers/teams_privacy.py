"""Personal data on Microsoft Teams: `my-data`, `forget-me` and its buttons, an admin's
`forget @person` (an erasure request for someone else, e.g. a colleague who has left), and the
app removed from a person's personal scope. The same use cases as Slack's
(handlers/privacy.py): `bot.privacy.service` once per request, its result rendered with
`bot.teams.cards.privacy`, Teams' side of what follows in `TeamsPrivacyEffects`.

* Words: the /fika vocabulary's own (`bot.coffee.commands`: FORGET_ME, FORGET, and MY_DATA
  when no other Teams module answers it — `handle` serves all three for a module that owns
  the words), typed in the personal chat or after @Fika in a channel. Teams has no message only
  one person sees, so what is the person's own (their data, a confirmation) goes to their
  personal chat; a channel is told it went there.
* The person in `forget @person` is the one mention of the message that is not Fika (Teams
  sends `entities: [{"type": "mention", "mentioned": {"id": "29:…", "name": …}}]`): their
  local id from the mention's `aadObjectId` when Teams gives it, else from the stored
  `TeamsPerson` with that "29:" id. A departed colleague cannot be mentioned any more: their
  Entra object id (a GUID) may be typed instead.
* Who may: the permission table (`bot.people.permissions`) before a command runs; the admin's
  right again at every click of "Delete their data" (`service.forget_other` reads it afresh;
  on Teams the admins are TEAMS_ADMIN_USER_IDS and ADMIN_USER_IDS). A confirmation's data only
  says whom it confirms: a forget-me click for someone else is refused by the service.
* A click's answer replaces the card (`card_answer`): the outcome instead of the question; a
  refusal leaves the card as it is and shows a short note.
* Uninstall (installationUpdate remove, personal scope): the router has marked the
  `TeamsPerson` not installed; here the dead references (the personal chat's id, the home
  card's id) are cleared. Pairing is left alone: Slack leaves out only *deactivated* accounts
  (`bot.coffee.participants.is_human`), and a person removing the app is not one — Slack has
  no per-person uninstall. The coffee adapter already treats them as unreachable (their group's
  introduction is not sent, and the admins' report names who has not installed Fika).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from bot.coffee.commands import FIKA, FORGET, FORGET_ME, MY_DATA
from bot.people.members import get_member
from bot.people.models import Member
from bot.people.permissions import require
from bot.platform.commands import Subcommand, fold
from bot.platform.errors import UserFacingError
from bot.platform.i18n import Translator
from bot.privacy import service
from bot.privacy.results import Asked, Problem
from bot.privacy.views import confirmation_value, parse_confirmation
from bot.teams.cards import privacy as cards
from bot.teams.identity import NotAGuid, guid, local_user
from bot.teamsapp import store
from bot.teamsapp.invoke import card_activity, message_answer
from bot.teamsapp.models import TeamsChannel, TeamsDelivery, TeamsPerson
from bot.teamsapp.privacy_effects import TeamsPrivacyEffects
from bot.teamsapp.surface import _RAW, TeamsSurface
from bot.teamsapp.turn import Turn
from handlers.teams_people import INSTALL_FIRST, SENT_TO_CHAT  # the same sentences

log = logging.getLogger(__name__)

Handler = Callable[[TeamsSurface, Turn, list[str]], Awaitable[None]]

#: A Teams local user id: an Entra object id as 32 lower-case hex digits.
_LOCAL_USER = re.compile(r"[0-9a-f]{32}")


def is_teams_user(user_id: str) -> bool:
    """Whether `user_id` is a Teams person's local id (not a Slack id, not a placeholder)."""
    return bool(_LOCAL_USER.fullmatch(user_id or ""))


# ---------------------------------------------------------------------------- answering


async def _t(surface: TeamsSurface, turn: Turn) -> Translator:
    return await surface.translator(turn.team_id, turn.user_id)


async def _reply(surface: TeamsSurface, turn: Turn, card: cards.Card, summary: str = "") -> None:
    await surface.reply_card(turn, card, summary=summary)


async def _private(surface: TeamsSurface, turn: Turn, card: cards.Card, summary: str) -> None:
    """Into the person's personal chat (typed there, or sent there from a channel, which is
    told so)."""
    if turn.personal or turn.user_id is None:
        await _reply(surface, turn, card, summary)
        return
    sent = await surface.to_person(turn.team_id, turn.user_id, card_activity(card, summary))
    t = await _t(surface, turn)
    await _reply(surface, turn, cards.note_card(t(SENT_TO_CHAT if sent else INSTALL_FIRST)))


def _command(sub: Subcommand, handler: Handler) -> Handler:
    """The permission table first (as Slack's dispatch); a refusal in the reader's words."""

    async def run(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
        if turn.user_id is None:
            return
        try:
            await require(surface.deps, turn.team_id, turn.user_id, FIKA.action(sub))
            await handler(surface, turn, args)
        except UserFacingError as exc:
            t = await _t(surface, turn)
            await _reply(surface, turn, cards.note_card(t(exc.message, **exc.params)))

    return run


# ---------------------------------------------------------------------------- my data


async def _names(
    surface: TeamsSurface, team_id: str, channel_ids: set[str], user_ids: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Channel and people names for the ids of a person's data (what Teams last gave)."""
    channels: dict[str, str] = {}
    people: dict[str, str] = {}
    async with surface.deps.db() as session:
        if channel_ids:
            rows = await session.scalars(
                select(TeamsChannel).where(
                    TeamsChannel.team_id == team_id, TeamsChannel.channel_id.in_(channel_ids)
                )
            )
            for row in rows:
                name = row.channel_name or row.team_name
                if name:
                    channels[row.channel_id] = name
        if user_ids:
            members = await session.scalars(
                select(Member).where(Member.team_id == team_id, Member.user_id.in_(user_ids))
            )
            people.update({m.user_id: m.display_name for m in members if m.display_name})
            found = await session.scalars(
                select(TeamsPerson).where(
                    TeamsPerson.team_id == team_id, TeamsPerson.user_id.in_(user_ids)
                )
            )
            for person in found:
                if person.name:
                    people.setdefault(person.user_id, person.name)
    return channels, people


async def my_data(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    """`my-data` (a command handler, after the permission check): what Fika stores about the
    person, as a card with the data as JSON, in their personal chat."""
    assert turn.user_id is not None
    deps = surface.deps
    data = await service.my_data(deps, turn.team_id, turn.user_id)
    async with deps.db() as session:
        person = await store.person(session, turn.team_id, turn.user_id)
        about: list[ColumnElement[bool]] = [TeamsDelivery.key.like(f"%:{turn.user_id}")]
        if person is not None and person.conversation_id:
            about.append(TeamsDelivery.conversation_id == person.conversation_id)
        deliveries = await session.scalar(
            select(func.count())
            .select_from(TeamsDelivery)
            .where(TeamsDelivery.team_id == turn.team_id, or_(*about))
        )
    channel_ids = {c for c, _ in data.programs} | {g.channel_id for g in data.recent}
    user_ids = {u for g in data.recent for u in g.partners}
    channels, people = await _names(surface, turn.team_id, channel_ids, user_ids)
    facts = cards.TeamsFacts(
        teams_user_id=person.teams_user_id if person else None,
        conversation_id=person.conversation_id if person else None,
        name=person.name if person else None,
        upn=person.upn if person else None,
        locale=person.locale if person else None,
        installed=bool(person and person.installed),
        updated_at=person.updated_at if person else None,
        deliveries=int(deliveries or 0),
        channels=channels,
        people=people,
    )
    t = await _t(surface, turn)
    settings = deps.settings
    card = cards.my_data_card(
        t, data, facts, settings.tz, settings.history_retention_days, turn.user_id
    )
    await _private(surface, turn, card, t("What Fika stores about you"))


# ---------------------------------------------------------------------------- forgetting


async def forget_me(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    """`forget-me`: the confirmation, in the personal chat (nothing is deleted yet)."""
    assert turn.user_id is not None
    asked = service.ask_forget_me(surface.deps, turn.user_id)
    assert asked.confirmation is not None
    t = await _t(surface, turn)
    card = cards.forget_confirmation_card(t, confirmation_value(asked.confirmation))
    await _private(surface, turn, card, t("Forget me?"))


def _mentioned(activity: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The people a message mentions, each once, without the bot itself."""
    if not isinstance(activity, dict):
        return []
    recipient = activity.get("recipient")
    bot_id = recipient.get("id") if isinstance(recipient, dict) else None
    entities = activity.get("entities")
    found: dict[str, dict[str, Any]] = {}
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        mentioned = entity.get("mentioned")
        if not isinstance(mentioned, dict) or not isinstance(mentioned.get("id"), str):
            continue
        teams_id = mentioned["id"]
        if teams_id == bot_id or teams_id.startswith("28:"):
            continue  # the bot (channel messages start with @Fika)
        found.setdefault(teams_id, mentioned)
    return list(found.values())


async def _subject(surface: TeamsSurface, turn: Turn, args: list[str]) -> tuple[str | None, str]:
    """(the named person's local id or None, their name as shown; "" when no one person was
    named). A mention Fika cannot place is a person it never stored: (None, their name)."""
    mentions = _mentioned(_RAW.get())
    if len(mentions) > 1:
        return None, ""
    if mentions:
        mentioned = mentions[0]
        name = str(mentioned.get("name") or "")
        aad = mentioned.get("aadObjectId")
        if isinstance(aad, str):
            try:
                return local_user(aad), name
            except NotAGuid:
                pass
        async with surface.deps.db() as session:
            person = await session.scalar(
                select(TeamsPerson).where(
                    TeamsPerson.team_id == turn.team_id,
                    TeamsPerson.teams_user_id == mentioned["id"],
                )
            )
        return (person.user_id if person else None), (
            name or (person.name if person else None) or ""
        )
    if len(args) == 1:
        try:
            return local_user(args[0]), ""
        except NotAGuid:
            return None, ""
    return None, ""


async def _name_of(surface: TeamsSurface, team_id: str, user_id: str) -> str:
    """The name Fika stores for the person (read before forgetting), else their GUID."""
    async with surface.deps.db() as session:
        person = await store.person(session, team_id, user_id)
        member = await get_member(session, team_id, user_id)
    if person is not None and person.name:
        return person.name
    if member is not None and member.display_name:
        return member.display_name
    return guid(user_id)


async def forget(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    """An admin's `forget @person` (the permission table was checked): the confirmation
    naming the person, in the admin's personal chat; or why not."""
    assert turn.user_id is not None
    t = await _t(surface, turn)
    subject, name = await _subject(surface, turn, args)
    if subject is None and name:  # mentioned, never stored: there is nothing to delete
        card = cards.forgotten_other_card(t, name, changed=False)
        await _private(surface, turn, card, t("Delete their data?"))
        return
    asked: Asked = service.ask_forget_person(surface.deps, turn.user_id, subject)
    if asked.confirmation is None:
        problem = asked.problem or Problem.NO_PERSON
        await _private(surface, turn, cards.note_card(cards.problem_text(t, problem)), "Fika")
        return
    shown = name or await _name_of(surface, turn.team_id, asked.confirmation.subject)
    value = confirmation_value(asked.confirmation)
    card = cards.forget_other_confirmation_card(t, shown, value)
    await _private(surface, turn, card, t("Delete their data?"))


# ---------------------------------------------------------------------------- buttons


def _confirmation(data: dict[str, Any]) -> tuple[str, Any]:
    value = data.get("confirmation")
    return parse_confirmation(value if isinstance(value, str) else "")


async def confirm(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """ "Delete my data": the clicker's data, if the confirmation is theirs and fresh."""
    t = await _t(surface, turn)  # read now: their language is forgotten too
    if turn.user_id is None:
        return message_answer(cards.problem_text(t, Problem.NOT_YOURS))
    subject, issued = _confirmation(data)
    effects = TeamsPrivacyEffects(surface, t)
    forgot = await service.forget_me(
        surface.deps, effects, turn.team_id, turn.user_id, subject, issued
    )
    if forgot.problem is not None:  # the confirmation stays; nothing was deleted
        return message_answer(cards.problem_text(t, forgot.problem))
    names, _ = await _names(surface, turn.team_id, set(forgot.channels), set())
    return cards.forgotten_card(t, [names.get(c) for c in forgot.channels])


async def confirm_other(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """ "Delete their data": the admin's right read afresh by the service; the card's data only
    names whom the admin confirmed, it grants nothing."""
    t = await _t(surface, turn)
    if turn.user_id is None:
        return message_answer(cards.problem_text(t, Problem.OTHER_TOO_OLD))
    subject, issued = _confirmation(data)
    name = await _name_of(surface, turn.team_id, subject) if is_teams_user(subject) else ""
    effects = TeamsPrivacyEffects(surface, t)
    try:
        forgot = await service.forget_other(
            surface.deps,
            effects,
            turn.team_id,
            turn.user_id,
            subject,
            issued,
            is_person=is_teams_user,
        )
    except UserFacingError as exc:
        return message_answer(t(exc.message, **exc.params))
    if forgot.problem is not None:
        return message_answer(cards.problem_text(t, forgot.problem))
    return cards.forgotten_other_card(t, name, forgot.changed)


async def cancel(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    return cards.cancelled_card(await _t(surface, turn))


# ---------------------------------------------------------------------------- uninstall


async def uninstalled(surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> None:
    """Removed from the person's personal scope: the references that led to them are dead."""
    if not turn.personal or turn.user_id is None:
        return
    async with surface.deps.db.begin() as session:
        person = await store.person(session, turn.team_id, turn.user_id)
        if person is None:
            return
        person.installed = False
        person.conversation_id = None
        person.home_activity_id = None
    log.info("Fika removed from a personal scope in %s: the person cannot be reached", turn.team_id)


# ---------------------------------------------------------------------------- the tables


def _words(sub: Subcommand) -> set[str]:
    """Every way to type a subcommand's word, as the router looks it up (lower case) and
    folded (no accents): "glöm-mig", "glom-mig", "glommig", "forget-me"…"""
    typed = {sub.name, *sub.aliases.values(), *sub.extra_aliases}
    return {w.lower() for w in typed} | {fold(w) for w in typed}


_HANDLERS: dict[str, Handler] = {
    MY_DATA.name: _command(MY_DATA, my_data),
    FORGET_ME.name: _command(FORGET_ME, forget_me),
    FORGET.name: _command(FORGET, forget),
}


async def handle(surface: TeamsSurface, turn: Turn, args: list[str]) -> bool:
    """For a module that owns the /fika words: `args` are the message's words (the first is
    the subcommand). True when it was a privacy subcommand, answered here."""
    if not args:
        return False
    sub = FIKA.find(args[0])
    handler = _HANDLERS.get(sub.name) if sub is not None else None
    if handler is None:
        return False
    await handler(surface, turn, args[1:])
    return True


#: The privacy subcommands' words: my-data, forget-me and an admin's forget.
COMMANDS: dict[str, Handler] = {
    word: _HANDLERS[sub.name]
    for sub in (MY_DATA, FORGET_ME, FORGET)
    for word in sorted(_words(sub))
}
VERBS = {
    cards.FORGET_CONFIRM: confirm,
    cards.FORGET_OTHER_CONFIRM: confirm_other,
    cards.FORGET_CANCEL: cancel,
}
EVENTS = {"uninstall": uninstalled}
