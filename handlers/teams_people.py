"""Everyone's and the admins' `/fika` on Microsoft Teams: the same words (any language's, and
the aliases), typed in the personal chat with Fika or after @Fika in a team channel.

Thin, as the Slack handlers: each command, home-card button and dialog calls the use case of
`bot.coffee.service` / `bot.coffee.admin_service` / `bot.privacy.service` once, with the ids
of the turn, and renders the result with `bot.teams.cards`. Who may do what is checked on the
server first (`bot.people.permissions`, as `handlers.slash.dispatch` does), and again by the
use case. Words Fika does not know, and `help`, get the help card.

What is the person's own (status, my data, the figures' table) goes to their personal chat
when it was asked for in a channel: Teams has no messages only one person sees. After anything
that changes what the home card shows, the card is redrawn in place (`teams_home.update_home`).
A program's channel is the team channel an admin command is typed in
(`bot.teams.identity.local_channel`, `Turn.channel_id`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.coffee import admin_service, rounds, service
from bot.coffee.admin_results import PlanChanged, Started, StatsExport, Stopped
from bot.coffee.admin_service import ChannelFacts
from bot.coffee.commands import (
    FIKA,
    JOIN,
    LEAVE,
    PAIR_NOW,
    PAUSE,
    PROFILE,
    RESUME,
    SCHEDULE,
    SIZE,
    START,
    STATS,
    STATUS,
    STOP,
)
from bot.coffee.participants import MAX_PAUSE_WEEKS, PAUSE_USAGE
from bot.coffee.schedule import local_today
from bot.coffee.stats import parse_stats_args
from bot.coffee.views import answers as slack_answers
from bot.home.help import roles_in
from bot.people.directory import workspace_translator
from bot.people.permissions import require, roles_of
from bot.platform.commands import HELP, Subcommand, fold
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_
from bot.teams.cards import answers as cards
from bot.teams.cards.answers import Card, TeamsTranslator
from bot.teams.cards.help import help_card
from bot.teams.cards.home import JOIN as HOME_JOIN
from bot.teams.cards.home import LEAVE as HOME_LEAVE
from bot.teams.cards.home import PAGE as HOME_PAGE
from bot.teams.cards.home import REFRESH as HOME_REFRESH
from bot.teams.cards.home import RESUME as HOME_RESUME
from bot.teams.cards.home import home_offset, program_named
from bot.teamsapp import outbox, store
from bot.teamsapp.invoke import card_activity, dialog, dialog_message
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn
from bot.tips.commands import TIPS
from handlers.teams_home import card_translator, channel_names, render_home, update_home

log = logging.getLogger(__name__)

Handler = Callable[[TeamsSurface, Turn, list[str]], Awaitable[None]]

SENT_TO_CHAT = N_("I sent you the answer in our personal chat.")
INSTALL_FIRST = N_(
    "I can only send this to you in a personal chat: open Fika from the apps in Teams "
    "(Apps → Fika → Add), then ask me again."
)
PAUSE_SUGGESTED = timedelta(weeks=2)


# ---------------------------------------------------------------------------- answering


async def _t(surface: TeamsSurface, turn: Turn) -> TeamsTranslator:
    return await card_translator(surface, turn.team_id, turn.user_id)


async def _reply(surface: TeamsSurface, turn: Turn, card: Card) -> None:
    await surface.reply_card(turn, card, summary=cards.summary(card))


async def _private(surface: TeamsSurface, turn: Turn, card: Card) -> None:
    """The person's own answer: in the personal chat (typed there, or sent there from a
    channel, which is told so)."""
    if turn.personal or turn.user_id is None:
        await _reply(surface, turn, card)
        return
    sent = await surface.to_person(
        turn.team_id, turn.user_id, card_activity(card, cards.summary(card))
    )
    t = await _t(surface, turn)
    await _reply(surface, turn, cards.notice_card(t(SENT_TO_CHAT if sent else INSTALL_FIRST)))


def _command(sub: Subcommand, handler: Handler, *, changes_home: bool = False) -> Handler:
    """A subcommand's handler: the permission table first (as Slack's dispatch), a refusal
    answered in the reader's language, and the home card redrawn after a change."""

    async def run(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
        if turn.user_id is None:
            return
        try:
            await require(surface.deps, turn.team_id, turn.user_id, FIKA.action(sub))
            await handler(surface, turn, args)
        except UserFacingError as exc:
            await _reply(surface, turn, cards.refused_card(await _t(surface, turn), exc))
            return
        if changes_home:
            await update_home(surface, turn.team_id, turn.user_id)

    return run


def _where(turn: Turn) -> service.TypedIn:
    return service.TypedIn(turn.channel_id or "")


# ---------------------------------------------------------------------------- everyone


async def _join(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    joined = await service.join(surface.deps, turn.team_id, turn.user_id, _where(turn))
    await _reply(surface, turn, cards.joined_card(await _t(surface, turn), joined))


async def _leave(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    left = await service.leave(surface.deps, turn.team_id, turn.user_id)
    await _reply(surface, turn, cards.left_card(await _t(surface, turn), left))


async def _pause(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    """`pause 2 weeks` / `pause 2027-01-15`; `pause` alone offers the date dialog."""
    assert turn.user_id is not None
    t = await _t(surface, turn)
    if not args:
        await _reply(surface, turn, cards.pause_prompt_card(t, UserFacingError(PAUSE_USAGE)))
        return
    until = await service.pause(surface.deps, turn.team_id, turn.user_id, " ".join(args))
    await _reply(surface, turn, cards.paused_card(t, until))


async def _resume(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    resumed = await service.resume(surface.deps, turn.team_id, turn.user_id)
    await _reply(surface, turn, cards.resumed_card(await _t(surface, turn), resumed))


async def _status(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    found = await service.status(surface.deps, turn.team_id, turn.user_id)
    partners = [p.user_id for s in found.standings for p in s.partners]
    t = await card_translator(surface, turn.team_id, turn.user_id, partners)
    card = cards.status_card(
        t,
        found.standings,
        found.library,
        found.languages,
        found.message_locale,
        found.program_channels,
    )
    await _private(surface, turn, card)


async def _profile(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    """A bot cannot open a dialog by itself: the answer's button opens the profile form."""
    await _reply(surface, turn, cards.profile_prompt_card(await _t(surface, turn)))


def _served(surface: TeamsSurface) -> set[str] | None:
    """The subcommands Teams answers (the router's words), for help to list only those."""
    words = getattr(surface.dispatch, "commands", None)
    if not isinstance(words, dict):
        return None
    subs = [*FIKA.subcommands, *TIPS.subcommands]
    return {sub.name for sub in subs if fold(sub.name) in words or sub.name in words}


async def show_help(surface: TeamsSurface, turn: Turn, unknown_word: str | None = None) -> None:
    if turn.user_id is None:
        return
    deps = surface.deps
    roles = await roles_of(deps, turn.team_id, turn.user_id, roles_in(FIKA) | roles_in(TIPS))
    t = await _t(surface, turn)
    card = help_card(
        t, [(FIKA, roles), (TIPS, roles)], unknown_word=unknown_word, only=_served(surface)
    )
    await _reply(surface, turn, card)


async def _help(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    await show_help(surface, turn)


async def unknown(surface: TeamsSurface, turn: Turn, words: list[str]) -> None:
    """A message that is no command Fika knows (or only "@Fika"): the help card."""
    await show_help(surface, turn, unknown_word=words[0] if words else None)


# ---------------------------------------------------------------------------- admins


@dataclass(frozen=True)
class TeamsPrograms:
    """`bot.coffee.admin_service.ProgramChannels` on Teams: a program's channel is a team
    channel Fika is in (it was typed in, so the bot is there); posts go into it through
    Teams' outbox (bot/teamsapp/outbox.py), in the tenant's language."""

    surface: TeamsSurface
    team_id: str

    async def channel(self, channel_id: str) -> ChannelFacts | None:
        async with self.surface.deps.db() as session:
            row = await store.channel(session, self.team_id, channel_id)
        if row is None:
            return None
        return ChannelFacts(member=row.installed)

    async def join(self, channel_id: str) -> None:
        """Fika is in every channel of a team it was added to."""

    async def _post(self, channel_id: str, card: Card) -> None:
        async with self.surface.deps.db() as session:
            row = await store.channel(session, self.team_id, channel_id)
        if row is None:
            log.warning("no Teams channel %s to post in", channel_id)
            return
        # Through Teams' outbox: a post the connector cannot take now is retried, not lost.
        await outbox.deliver(
            self.surface,
            self.team_id,
            row.conversation_id,
            row.service_url,
            card_activity(card, cards.summary(card)),
        )

    async def _channel_t(self) -> TeamsTranslator:
        t = await workspace_translator(self.surface.deps, self.team_id)
        return cards.teams_translator(t, await channel_names(self.surface, self.team_id))

    async def program_started(self, team_id: str, started: Started) -> None:
        card = cards.started_post_card(await self._channel_t(), started)
        await self._post(started.program.channel_id, card)

    async def program_stopped(self, team_id: str, stopped: Stopped) -> None:
        card = cards.stopped_post_card(await self._channel_t(), stopped)
        await self._post(stopped.program.channel_id, card)

    async def plan_changed(self, team_id: str, changed: PlanChanged) -> None:
        card = cards.plan_post_card(await self._channel_t(), changed)
        await self._post(changed.program.channel_id, card)

    def begin_round(self, program_id: int, started_by: str) -> None:
        deps = self.surface.deps
        deps.tasks.spawn(
            rounds.pair_now(deps, program_id, started_by), name=f"pair-now-{program_id}"
        )

    async def channel_name(self, channel_id: str) -> str | None:
        return (await channel_names(self.surface, self.team_id)).get(channel_id)

    async def send_figures(self, team_id: str, user_id: str, export: StatsExport) -> None:
        """The figures, round by round, in the person's personal chat (a table card: a bot
        sends files in Teams only through the file-consent flow)."""
        t = await card_translator(self.surface, team_id, user_id)
        card = cards.figures_table_card(t, export)
        await self.surface.to_person(team_id, user_id, card_activity(card, cards.summary(card)))


def _programs(surface: TeamsSurface, turn: Turn) -> TeamsPrograms:
    return TeamsPrograms(surface, turn.team_id)


async def _start(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    started = await admin_service.start(
        surface.deps,
        _programs(surface, turn),
        turn.team_id,
        turn.user_id,
        turn.channel_id or "",
        in_direct_message=turn.channel_id is None,
    )
    await _reply(surface, turn, cards.started_card(await _t(surface, turn), started))


async def _stop(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    stopped = await admin_service.stop(
        surface.deps, _programs(surface, turn), turn.team_id, turn.user_id, turn.channel_id or ""
    )
    await _reply(surface, turn, cards.stopped_card(await _t(surface, turn), stopped))


async def _schedule(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    changed = await admin_service.set_program_schedule(
        surface.deps,
        _programs(surface, turn),
        turn.team_id,
        turn.user_id,
        turn.channel_id or "",
        " ".join(args),
    )
    await _reply(surface, turn, cards.plan_card(await _t(surface, turn), changed))


async def _size(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    changed = await admin_service.set_program_size(
        surface.deps,
        _programs(surface, turn),
        turn.team_id,
        turn.user_id,
        turn.channel_id or "",
        " ".join(args),
    )
    await _reply(surface, turn, cards.plan_card(await _t(surface, turn), changed))


async def _pair_now(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    pairing = await admin_service.pair_now(
        surface.deps, _programs(surface, turn), turn.team_id, turn.user_id, turn.channel_id or ""
    )
    await _reply(surface, turn, cards.pairing_card(await _t(surface, turn), pairing))


async def _stats(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    assert turn.user_id is not None
    deps = surface.deps
    ask = parse_stats_args(" ".join(args), local_today(deps.now(), deps.settings.timezone))
    t = await _t(surface, turn)
    if ask.csv:
        await _reply(surface, turn, cards.figures_coming_card(t))
    figures = await admin_service.figures(
        deps, _programs(surface, turn), turn.team_id, turn.user_id, ask
    )
    if not figures.file_sent:
        await _reply(surface, turn, cards.figures_card(t, figures.stats))


# ---------------------------------------------------------------------------- the tables


def _words(sub: Subcommand) -> set[str]:
    """Every way to type a subcommand's word, as the router looks it up (lower case) and
    folded (no accents): "gå-med", "ga-med", "gamed", "gå_med", "join"…"""
    typed = {sub.name, *sub.aliases.values(), *sub.extra_aliases}
    return {w.lower() for w in typed} | {fold(w) for w in typed}


_SUBCOMMANDS: list[tuple[Subcommand, Handler, bool]] = [
    (HELP, _help, False),
    (JOIN, _join, True),
    (LEAVE, _leave, True),
    (PAUSE, _pause, True),
    (RESUME, _resume, True),
    (STATUS, _status, False),
    (PROFILE, _profile, False),
    (START, _start, True),
    (STOP, _stop, True),
    (SCHEDULE, _schedule, True),
    (SIZE, _size, True),
    (PAIR_NOW, _pair_now, False),
    (STATS, _stats, False),
]

COMMANDS: dict[str, Handler] = {
    word: _command(sub, handler, changes_home=changes)
    for sub, handler, changes in _SUBCOMMANDS
    for word in sorted(_words(sub))
}
FALLBACK = unknown


# ---------------------------------------------------------------------------- home buttons


Verb = Callable[[TeamsSurface, Turn, dict[str, Any]], Awaitable[Any]]


def _home_verb(use_case: Callable[..., Awaitable[Any]], notice: Callable[..., str]) -> Verb:
    """A home card button: the use case for the clicker and the program the button names,
    then the card drawn again with what it did (or why not) at the top."""

    async def run(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
        if turn.user_id is None or turn.teams_user_id is None:
            return None
        which = service.Named(program_named(data))
        try:
            result: Any = await use_case(surface, turn, which)
        except UserFacingError as exc:
            result = exc

        def shown(t: TeamsTranslator) -> str:
            if isinstance(result, UserFacingError):
                return slack_answers.refusal_text(t, result)
            return notice(t, result)

        return await render_home(
            surface,
            turn.team_id,
            turn.user_id,
            turn.teams_user_id,
            offset=home_offset(data),
            notice=shown,
        )

    return run


async def _home_join(surface: TeamsSurface, turn: Turn, which: service.Named) -> Any:
    assert turn.user_id is not None
    return await service.join(surface.deps, turn.team_id, turn.user_id, which)


async def _home_leave(surface: TeamsSurface, turn: Turn, which: service.Named) -> Any:
    assert turn.user_id is not None
    return await service.leave(surface.deps, turn.team_id, turn.user_id, which)


async def _home_resume(surface: TeamsSurface, turn: Turn, which: service.Named) -> Any:
    assert turn.user_id is not None
    return await service.resume(surface.deps, turn.team_id, turn.user_id, which)


async def _refresh(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """Teams asks for the card as this person sees it (the card's refresh), or a page of it."""
    if turn.user_id is None or turn.teams_user_id is None:
        return None
    return await render_home(
        surface, turn.team_id, turn.user_id, turn.teams_user_id, offset=home_offset(data)
    )


VERBS: dict[str, Verb] = {
    HOME_JOIN: _home_verb(_home_join, slack_answers.joined_notice),
    HOME_LEAVE: _home_verb(_home_leave, slack_answers.left_notice),
    HOME_RESUME: _home_verb(_home_resume, slack_answers.resumed_notice),
    HOME_REFRESH: _refresh,
    HOME_PAGE: _refresh,
}


# ---------------------------------------------------------------------------- dialogs


async def _profile_fetch(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    if turn.user_id is None:
        return None
    form = await service.profile_form(surface.deps, turn.team_id, turn.user_id)
    t = await _t(surface, turn)
    card = cards.profile_dialog(t, form.libraries, form.library, form.languages, form.locale_pref)
    return dialog(cards.profile_title(t), card)


async def _profile_submit(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """Checked and stored by the service; refused fields come back with their errors, what
    was typed kept; saved: the home card says so, in the new language."""
    if turn.user_id is None:
        return None
    values = cards.profile_values(data)
    saved = await service.save_profile(surface.deps, turn.team_id, turn.user_id, **values)
    if isinstance(saved, service.ProfileProblems):
        t = await _t(surface, turn)
        form = await service.profile_form(surface.deps, turn.team_id, turn.user_id)
        errors = {f: slack_answers.refusal_text(t, p) for f, p in saved.problems.items()}
        card = cards.profile_dialog(
            t,
            form.libraries,
            form.library,
            values["languages"],
            values["message_locale"],
            typed=values["typed_library"],
            errors=errors,
        )
        return dialog(cards.profile_title(t), card)
    t = await _t(surface, turn)  # the new language
    saved_card = cards.profile_saved_card(t, saved.library_name, saved.languages, saved.locale)
    text = "\n".join(b["text"] for b in saved_card["body"])
    await update_home(surface, turn.team_id, turn.user_id, notice=text)
    return None


async def _pause_fetch(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    """The date dialog, for the program a home card's button names (if the person takes part
    in it), or for every program (`pause` typed alone)."""
    if turn.user_id is None:
        return None
    deps = surface.deps
    t = await _t(surface, turn)
    program_id = program_named(data)
    if program_id is not None:
        try:
            await service.taking_part(deps, turn.team_id, turn.user_id, service.Named(program_id))
        except UserFacingError as exc:
            return dialog_message(slack_answers.refusal_text(t, exc))
    today = local_today(deps.now(), deps.settings.timezone)
    card = cards.pause_dialog(
        t,
        program_id,
        today + PAUSE_SUGGESTED,
        today + timedelta(days=1),
        today + timedelta(weeks=MAX_PAUSE_WEEKS),
    )
    return dialog(cards.pause_title(t), card)


async def _pause_submit(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    if turn.user_id is None:
        return None
    deps = surface.deps
    t = await _t(surface, turn)
    picked = data.get(cards.UNTIL)
    program_id = program_named(data)
    try:
        until = service.break_until(deps, picked if isinstance(picked, str) else None)
    except UserFacingError as exc:
        today = local_today(deps.now(), deps.settings.timezone)
        card = cards.pause_dialog(
            t,
            program_id,
            today + PAUSE_SUGGESTED,
            today + timedelta(days=1),
            today + timedelta(weeks=MAX_PAUSE_WEEKS),
            error=slack_answers.refusal_text(t, exc),
        )
        return dialog(cards.pause_title(t), card)
    paused = await service.pause_until(deps, turn.team_id, turn.user_id, until, program_id)
    text = slack_answers.pause_form_notice(t, until if paused else None)
    await update_home(surface, turn.team_id, turn.user_id, notice=text)
    return dialog_message(text)


DIALOGS: dict[str, tuple[Verb, Verb]] = {
    cards.PROFILE_DIALOG: (_profile_fetch, _profile_submit),
    cards.PAUSE_DIALOG: (_pause_fetch, _pause_submit),
}
