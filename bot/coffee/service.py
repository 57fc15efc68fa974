"""Coffee-break use cases of everyone, for any chat surface: plain ids in, small frozen results
out (refusals raised as UserFacingError). No Slack library and no Slack client here; handlers
render the results (bot.coffee.views, the person's answers in bot.coffee.views.answers) and
send them.

Each use case exists once: `/fika join|leave|pause|resume` and the Home's buttons call the same
function; which program a request means is `Named` (a button's program id) or `TypedIn` (the
channel a command was typed in). Also here: the welcome DM's Leave, the profile and pause forms,
and joining or leaving a program's channel.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.coffee.channel import is_channel_member
from bot.coffee.enrolment import (
    Joined,
    Left,
    Resumed,
    join_program,
    leave_programs,
    own_program,
    programs_of,
    resume_programs,
)
from bot.coffee.models import CoffeeProgram
from bot.coffee.participants import (
    check_pause_date,
    is_human,
    parse_pause,
    participations,
    set_active,
    set_left,
    set_paused,
)
from bot.coffee.programs import active_programs, program_in_channel
from bot.coffee.schedule import local_today
from bot.coffee.standing import OUT, Standing, standing_in
from bot.coffee.views.answers import NOT_IN_A_PROGRAM  # also the pause form's answer
from bot.coffee.views.modals import AUTO_LOCALE, CHAT_LANGUAGES
from bot.people.directory import ensure_member
from bot.people.libraries import curated_libraries, library_for_typed_name, search
from bot.people.members import get_or_create_member, member_locale
from bot.people.models import Library
from bot.platform.config import SUPPORTED_LOCALES
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_
from bot.platform.slack_text import channel_link

log = logging.getLogger(__name__)

PROGRAM_ENDED = N_("This coffee-break program has ended.")
NO_PROGRAMS = N_("There are no coffee-break programs yet.")
PICK_A_LATER_DATE = N_("Pick a date after today.")
WHICH_PROGRAM = N_("Which one? Type `/fika join` in the program's channel: {channels}")


@dataclass(frozen=True)
class Named:
    """The program a button or a form names: its id as read from the click (None: unreadable)."""

    program_id: int | None


@dataclass(frozen=True)
class TypedIn:
    """Where a command was typed: that channel's program, else the only program there is."""

    channel_id: str


@dataclass(frozen=True)
class Status:
    """`/fika status`: the programs the person stands in, and their profile."""

    standings: list[Standing]
    library: Library | None
    languages: list[str]
    message_locale: str
    program_channels: list[str]  # every running program's channel


async def status(deps: Deps, team_id: str, user_id: str) -> Status:
    now = deps.now()
    member = await ensure_member(deps, team_id, user_id)
    async with deps.db() as session:
        rows = {p.id: part for p, part in await participations(session, team_id, user_id)}
        programs = await active_programs(session, team_id)
    in_channel = {
        p.id: await is_channel_member(deps, p.channel_id, user_id)
        for p in programs
        if p.id not in rows
    }
    standings: list[Standing] = []
    async with deps.db() as session:
        for program in programs:
            standing = await standing_in(
                session,
                program,
                rows.get(program.id),
                user_id,
                now,
                in_channel.get(program.id, False),
            )
            if standing.state != OUT:
                standings.append(standing)
        library = (
            await session.get(Library, member.library_id) if member.library_id is not None else None
        )
    return Status(
        standings=standings,
        library=library,
        languages=list(member.languages),
        message_locale=member_locale(member, deps.settings.default_locale),
        program_channels=[p.channel_id for p in programs],
    )


async def pause(deps: Deps, team_id: str, user_id: str, text: str) -> date:
    """Pause the person in every program they are in until the day `text` names; that day."""
    until = parse_pause(text, local_today(deps.now(), deps.settings.timezone))
    if not await pause_until(deps, team_id, user_id, until):
        raise UserFacingError(NOT_IN_A_PROGRAM)
    return until


def break_until(deps: Deps, picked: str | None) -> date:
    """The day the pause form's date picker names, checked (after today, within the limit)."""
    today = local_today(deps.now(), deps.settings.timezone)
    try:
        until = date.fromisoformat(picked or "")
    except ValueError:
        raise UserFacingError(PICK_A_LATER_DATE) from None
    return check_pause_date(until, today)


async def pause_until(
    deps: Deps, team_id: str, user_id: str, until: date, program_id: int | None = None
) -> bool:
    """Pause the person until `until` (a checked day) in every program they take part in, or
    only in `program_id` when it is theirs (the welcome message's program); False when the break
    applies to no program."""
    if program_id is None:
        programs = await programs_of(deps, team_id, user_id)
    else:
        program = await own_program(deps, team_id, user_id, program_id)
        programs = [program] if program is not None else []
    async with deps.db.begin() as session:
        for program in programs:
            await set_paused(session, program, user_id, until, deps.now())
    return bool(programs)


async def _named(deps: Deps, team_id: str, which: Named) -> CoffeeProgram:
    """The running program of this workspace that a button names; refused as ended otherwise."""
    async with deps.db() as session:
        program = await session.get(CoffeeProgram, which.program_id) if which.program_id else None
    if program is None or program.team_id != team_id or not program.active:
        raise UserFacingError(PROGRAM_ENDED)
    return program


async def _typed_in(deps: Deps, team_id: str, where: TypedIn) -> CoffeeProgram:
    """This channel's running program, or the only one; else a refusal naming the channels."""
    async with deps.db() as session:
        here = await program_in_channel(session, team_id, where.channel_id)
        if here is not None and here.active:
            return here
        programs = await active_programs(session, team_id)
    if len(programs) == 1:
        return programs[0]
    if not programs:
        raise UserFacingError(NO_PROGRAMS)
    channels = ", ".join(channel_link(p.channel_id) for p in programs)
    raise UserFacingError(WHICH_PROGRAM, channels=channels)


async def _taking_part(
    deps: Deps, team_id: str, user_id: str, which: Named | None
) -> list[CoffeeProgram]:
    """The programs a Leave applies to: the named one, or all the person takes part in (having
    left or not being in any is refused, as for pausing)."""
    named = await _named(deps, team_id, which) if which is not None else None
    mine = await programs_of(deps, team_id, user_id)
    if named is not None:
        mine = [p for p in mine if p.id == named.id]
    if not mine:
        raise UserFacingError(NOT_IN_A_PROGRAM)
    return mine


async def taking_part(deps: Deps, team_id: str, user_id: str, which: Named) -> CoffeeProgram:
    """The program a Pause button names, if the person takes part in it (as `/fika pause`
    requires); refused otherwise. The pause form then pauses there (`pause_until`)."""
    [program] = await _taking_part(deps, team_id, user_id, which)
    return program


async def join(deps: Deps, team_id: str, user_id: str, where: Named | TypedIn) -> Joined:
    """`/fika join` (the program of the channel it is typed in, or the only one) and the Home's
    Join (the program its button names)."""
    if isinstance(where, Named):
        program = await _named(deps, team_id, where)
    else:
        program = await _typed_in(deps, team_id, where)
    return await join_program(deps, user_id, program)


async def leave(deps: Deps, team_id: str, user_id: str, which: Named | None = None) -> Left:
    """`/fika leave` (every program the person is in) and the Home's Leave (the named one)."""
    return await leave_programs(deps, user_id, await _taking_part(deps, team_id, user_id, which))


async def leave_from_welcome(
    deps: Deps, team_id: str, user_id: str, program_id: int | None
) -> Left:
    """The welcome DM's Leave: its program, if the person has a standing in it (having left
    already too: the answer is the same); someone else's or an ended program is refused."""
    program = await own_program(deps, team_id, user_id, program_id)
    if program is None:
        raise UserFacingError(PROGRAM_ENDED)
    return await leave_programs(deps, user_id, [program])


async def resume(deps: Deps, team_id: str, user_id: str, which: Named | None = None) -> Resumed:
    """`/fika resume` (every break) and the Home's Resume (the named program's break). No
    break to end is no error: the result is empty."""
    program_id = (await _named(deps, team_id, which)).id if which is not None else None
    return await resume_programs(deps, team_id, user_id, program_id)


# ---------------------------------------------------------------------------- profile

LIBRARY_NAME_MAX = 200

# The profile form's fields, as `ProfileProblems` names them.
LIBRARY = "library"
LIBRARY_TYPED = "library_typed"
LANGUAGES = "languages"
MESSAGE_LOCALE = "message_locale"


PICK_A_LANGUAGE = N_("Pick a language from the list.")


@dataclass(frozen=True)
class ProfileForm:
    """What the profile form shows: the curated libraries and the person's profile as stored."""

    libraries: list[Library]
    library: Library | None
    languages: list[str]
    locale_pref: str | None


async def profile_form(deps: Deps, team_id: str, user_id: str) -> ProfileForm:
    async with deps.db() as session:
        libraries = await curated_libraries(session, team_id)
        member = await get_or_create_member(session, team_id, user_id)
        return ProfileForm(libraries, member.library, list(member.languages), member.locale_pref)


async def library_choices(deps: Deps, team_id: str, query: str) -> list[Library]:
    """The curated libraries matching what the person typed in the form's library search."""
    async with deps.db() as session:
        return search(await curated_libraries(session, team_id), query)


def _known_locale(choice: str) -> bool:
    return choice == AUTO_LOCALE or choice in SUPPORTED_LOCALES


@dataclass(frozen=True)
class ProfileSaved:
    """The stored profile: the library's name in the person's (new) message language."""

    library_name: str | None
    languages: list[str]
    locale: str


@dataclass(frozen=True)
class ProfileProblems:
    """Nothing was stored: what is wrong, per field (a refusal each, translated when shown)."""

    problems: Mapping[str, UserFacingError]


async def save_profile(
    deps: Deps,
    team_id: str,
    user_id: str,
    *,
    library_id: str | None,
    typed_library: str,
    languages: list[str],
    message_locale: str,
) -> ProfileSaved | ProfileProblems:
    """The profile form: a library from the list (its option value) or typed, the chat
    languages and the message language (`AUTO_LOCALE`: Slack's). Checked, then stored, in one
    transaction: a library removed from the list meanwhile is refused."""
    typed = " ".join(typed_library.split())
    chosen = [code for code in CHAT_LANGUAGES if code in languages]
    problems: dict[str, UserFacingError] = {}
    if library_id and typed:
        problems[LIBRARY_TYPED] = UserFacingError(
            N_("Pick your library from the list or type its name – not both.")
        )
    elif len(typed) > LIBRARY_NAME_MAX:
        problems[LIBRARY_TYPED] = UserFacingError(
            N_("A library name can be at most {max} characters."), max=LIBRARY_NAME_MAX
        )
    if not chosen:
        problems[LANGUAGES] = UserFacingError(N_("Pick at least one language."))
    if not _known_locale(message_locale):
        problems[MESSAGE_LOCALE] = UserFacingError(PICK_A_LANGUAGE)
    if problems:
        return ProfileProblems(problems)
    async with deps.db.begin() as session:
        library: Library | None = None
        if library_id:
            curated = {str(lib.id): lib for lib in await curated_libraries(session, team_id)}
            library = curated.get(library_id)
            if library is None:
                return ProfileProblems(
                    {
                        LIBRARY: UserFacingError(
                            N_(
                                "That library is no longer on the list. "
                                "Pick another or type its name."
                            )
                        )
                    }
                )
        elif typed:
            try:
                library = await library_for_typed_name(session, team_id, typed)
            except UserFacingError as exc:  # a name of nothing but markup, say
                return ProfileProblems({LIBRARY_TYPED: exc})
        member = await get_or_create_member(session, team_id, user_id)
        member.library_id = library.id if library is not None else None
        member.chat_languages = ",".join(chosen)
        member.locale_pref = None if message_locale == AUTO_LOCALE else message_locale
        locale = member_locale(member, deps.settings.default_locale)
        library_name = library.display_name(locale) if library is not None else None
    return ProfileSaved(library_name, chosen, locale)


async def set_message_language(deps: Deps, team_id: str, user_id: str, choice: str) -> str:
    """The Home's language select (`AUTO_LOCALE`: Slack's); the language Fika now writes in.
    The profile form stores the same field."""
    if not _known_locale(choice):
        raise UserFacingError(PICK_A_LANGUAGE)
    async with deps.db.begin() as session:
        member = await get_or_create_member(session, team_id, user_id)
        member.locale_pref = None if choice == AUTO_LOCALE else choice
        return member_locale(member, deps.settings.default_locale)


# ---------------------------------------------------------------------------- channel events


async def joined_channel(
    deps: Deps, team_id: str, user_id: str, channel_id: str
) -> CoffeeProgram | None:
    """Joining a running program's channel is opting in: the program to welcome the person to
    (None: not a program channel, or a bot)."""
    async with deps.db() as session:
        program = await program_in_channel(session, team_id, channel_id)
    if program is None or not program.active or not user_id:
        return None
    member = await ensure_member(deps, team_id, user_id)
    if not is_human(member):
        return None
    async with deps.db.begin() as session:
        _, before = await set_active(session, program, user_id, deps.now())
    log.info("%s joined program %s (was %s)", user_id, program.id, before or "new")
    return program


async def left_channel(deps: Deps, team_id: str, user_id: str, channel_id: str) -> bool:
    """Leaving a program's channel is leaving the program; False when it is no program's."""
    async with deps.db.begin() as session:
        program = await program_in_channel(session, team_id, channel_id)
        if program is None or not user_id:
            return False
        await set_left(session, program, user_id, deps.now())
    log.info("%s left program %s", user_id, program.id)
    return True
