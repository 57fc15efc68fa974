"""What the admins' coffee-break commands answer and post: the results of
`bot.coffee.admin_service` (programs) and `bot.people.service` (the list of libraries),
rendered for a translator. Data and `t` in, text or blocks out; nothing is sent here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.coffee.admin_results import NotAProgram, Pairing, PlanChanged, Started, Stopped
from bot.coffee.views.messages import (
    program_started_blocks,
    program_started_text,
    program_stopped_text,
    schedule_changed_blocks,
    schedule_phrase,
    section,
    size_phrase,
    when,
)
from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import channel_link, escape

if TYPE_CHECKING:  # a type only: views read no database
    from bot.people.libraries import CsvProblem

Block = dict[str, Any]

# ------------------------------------------------------------------------------ refusals

NOT_A_PROGRAM = N_(
    "This channel is not a coffee-break program. Type the command in a program's channel, or "
    "make this one a program with `/fika start`."
)

INVITE_ME = N_(
    "I can't see this channel yet. Invite me first with `/invite @Fika`, then type "
    "`/fika start` again."
)

START_IN_CHANNEL = N_(
    "Type `/fika start` in the channel that should become the coffee-break program."
)

ARCHIVED = N_("This channel is archived.")

WHICH_LIBRARY = N_("Which library? e.g. `/fika libraries remove Kronoby bibliotek`.")


def not_a_program(t: Translator, result: NotAProgram) -> str:
    """Where the command was typed runs no program; the running ones are named."""
    if not result.others:
        return t(NOT_A_PROGRAM)
    return t(
        "{refusal} Programs: {channels}",
        refusal=t(NOT_A_PROGRAM),
        channels=", ".join(channel_link(c) for c in result.others),
    )


# ------------------------------------------------------------------------------ answers


def started_reply(t: Translator, started: Started) -> str:
    """The admin's answer to `/fika start`."""
    program = started.program
    params = {
        "channel": channel_link(program.channel_id),
        "schedule": schedule_phrase(t, program),
        "size": size_phrase(t, program.group_size),
        "when": when(t, started.next_round.at, program.tz),
    }
    if started.already_running:
        return t(
            "{channel} is already a coffee-break program: {schedule}, {size}. Next round: {when}.",
            **params,
        )
    return t(
        "Done! {channel} is a coffee-break program: {schedule}, {size}. First round: {when}. "
        "Change it with `/fika schedule` and `/fika size`.",
        **params,
    )


def stopped_reply(t: Translator, result: Stopped | NotAProgram) -> str:
    if isinstance(result, NotAProgram):
        return not_a_program(t, result)
    return t(
        "The coffee breaks in {channel} have stopped. Nothing is deleted; `/fika start` "
        "there turns them on again.",
        channel=channel_link(result.program.channel_id),
    )


def plan_reply(t: Translator, result: PlanChanged | NotAProgram) -> str:
    """The admin's answer to `/fika schedule` and `/fika size`."""
    if isinstance(result, NotAProgram):
        return not_a_program(t, result)
    program = result.program
    return t(
        "New plan for {channel}: {schedule}, {size}. Next round: {when}.",
        channel=channel_link(program.channel_id),
        schedule=schedule_phrase(t, program),
        size=size_phrase(t, program.group_size),
        when=when(t, result.next_round.at, program.tz),
    )


def pairing_reply(t: Translator, result: Pairing | NotAProgram) -> str:
    """The admin's answer to `/fika pair-now`."""
    if isinstance(result, NotAProgram):
        return not_a_program(t, result)
    at = when(t, result.next_round.at, result.program.tz)
    if not result.started:
        return t(
            "This period's round has already been made (or is going out right now). "
            "The next one is on {when}.",
            when=at,
        )
    return t(
        "Pairing starts now – follow the progress in this channel. This replaces the "
        "round of this period; the next scheduled one is on {when}.",
        when=at,
    )


def figures_file_coming(t: Translator) -> str:
    """`/fika stats csv`: said at once, before the figures are counted."""
    return t("I'm preparing the file; it comes to our direct messages.")


def figures_file_comment(t: Translator) -> str:
    return t("Here are the coffee-break figures as a CSV file.")


# ------------------------------------------------------------------------------ the channel


def started_post(t: Translator, started: Started) -> tuple[str, list[Block]]:
    """Posted in the program's channel (workspace language) when it starts."""
    blocks = program_started_blocks(t, started.program, started.next_round)
    return program_started_text(t), blocks


def stopped_post(t: Translator, stopped: Stopped) -> tuple[str, list[Block]]:
    text = program_stopped_text(t)
    return text, [section(text)]


def plan_post(t: Translator, changed: PlanChanged) -> tuple[str, list[Block]]:
    blocks = schedule_changed_blocks(t, changed.program, changed.next_round)
    text = blocks[0]["text"]["text"]
    return str(text), blocks


# ------------------------------------------------------------------------------ libraries


def library_removed_reply(t: Translator, asked: str, name: str | None) -> str:
    """`/fika libraries remove <name>`: taken off the list, or no such library on it."""
    if name is None:
        return t("There is no library called “{name}” on the list.", name=escape(asked[:200]))
    return t(
        "{name} is no longer on the list. People who chose it keep it in their profile.",
        name=escape(name),
    )


def library_added_text(t: Translator, name: str, new: bool) -> str:
    if new:
        return t("{name} is now on the list of libraries.", name=escape(name))
    return t("{name} was already known; its details are updated.", name=escape(name))


def libraries_loaded_text(t: Translator, added: int, updated: int) -> str:
    return t(
        "Libraries loaded. New: {added}. Updated: {updated}.",
        added=t.number(added),
        updated=t.number(updated),
    )


def _problem(t: Translator, problem: CsvProblem) -> str:
    """A CSV problem in the reader's language; names from the CSV escaped."""
    params = {k: escape(v) if isinstance(v, str) else v for k, v in problem.params.items()}
    return t(problem.message, **params)


def csv_refused(t: Translator, problems: Sequence[CsvProblem]) -> str:
    """Why nothing was loaded from a CSV (the form's field error, at most 2000 characters)."""
    if not problems:
        return t("There are no libraries in the text.")
    shown = [
        t("line {line}: {problem}", line=p.line, problem=_problem(t, p))
        if p.line
        else _problem(t, p)
        for p in problems[:5]
    ]
    return t("Nothing was loaded. Please fix: {problems}", problems="; ".join(shown))[:2000]
