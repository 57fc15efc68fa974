"""The home card: Teams' App Home, in the person's chat with Fika.

One card per person, sent on install and updated in place after anything that changes what it
shows. What it shows depends on who looks (an admin sees the programs' status too), so it
carries a `refresh` for that person alone: Teams asks the bot for the card (verb
`home.refresh`) whenever it is shown, and the role is decided on the server each time, as on
every click. The buttons are the `/fika` commands' use cases (`bot.coffee.service`): join,
leave (confirmed in a card that opens below), end a break (`Action.Execute` verbs `home.*`);
a break's day and the profile are dialogs (`task/fetch`).

Pure: the same `bot.home.store.HomeData` as the Slack Home, a Teams translator (names of the
channels and people it links) in; a JSON-ready card out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.coffee.models import CoffeeProgram
from bot.coffee.participants import ACTIVE, LEFT, PAUSED
from bot.coffee.views.messages import when
from bot.home.store import PROGRAMS_PER_PAGE, HomeData, ProgramCard
from bot.people.former import person
from bot.platform.i18n import N_
from bot.platform.slack_text import mention
from bot.teams.cards.answers import (
    PAUSE_DIALOG,
    PROFILE_DIALOG,
    Card,
    Element,
    Markdown,
    TeamsTranslator,
    action_set,
    card,
    dialog_button,
    execute,
    heading,
    lines,
    note,
    profile_lines,
    program_heading,
    text_block,
)

# The home card's verbs (handlers.teams_people.VERBS).
JOIN = "home.join"
LEAVE = "home.leave"
RESUME = "home.resume"
REFRESH = "home.refresh"
PAGE = "home.page"

#: The program a button names (data["program_id"]) and the programs' page shown (data["p"]).
PROGRAM_ID = "program_id"
OFFSET = "p"

GREETING = N_(
    "Hi {person}! Here are your coffee breaks. The buttons do the same as the commands you "
    "type to me – `/fika help` lists them."
)
TAKING_PART = N_("Taking part: {active}, on a break: {paused}")


@dataclass(frozen=True)
class ProgramStatus:
    """A running program as an admin's home card shows it."""

    program: CoffeeProgram
    next_at: datetime | None
    active: int  # people taking part (stored as such)
    paused: int  # people on a break


def _data(program_id: int, offset: int) -> dict[str, Any]:
    return {PROGRAM_ID: program_id, OFFSET: offset}


def _leave(t: TeamsTranslator, program_id: int, offset: int) -> Element:
    """Leave, confirmed: a card opens below with the question and the real button."""
    return {
        "type": "Action.ShowCard",
        "title": t("Leave"),
        "card": {
            "type": "AdaptiveCard",
            "body": [
                text_block(t("Leave?"), weight="Bolder"),
                text_block(t("You won't be paired in this channel any more.")),
            ],
            "actions": [execute(t("Leave"), LEAVE, _data(program_id, offset), style="destructive")],
        },
    }


def _program(t: TeamsTranslator, standing: ProgramCard, offset: int) -> list[Element]:
    program = standing.program
    shown = [text_block(program_heading(t, program))]
    if standing.state == PAUSED and standing.paused_until is not None:
        shown.append(
            text_block(
                t(
                    "You are taking a break until {day}; after that you are paired again.",
                    day=t.day(standing.paused_until),
                )
            )
        )
    elif standing.state == ACTIVE:
        shown.append(text_block(t("You take part.")))
    elif standing.state == LEFT:
        shown.append(text_block(t("You have left this program.")))
    else:
        shown.append(text_block(t("You are not taking part yet.")))
    if standing.state in (ACTIVE, PAUSED) and not standing.in_channel:
        shown.append(
            text_block(
                t(
                    "Join {channel} as well – the rounds pair the people in that channel.",
                    channel=f"<#{program.channel_id}>",
                )
            )
        )
    if standing.next_at is not None:
        shown.append(
            text_block(t("*Next round:* {when}", when=when(t, standing.next_at, program.tz)))
        )
    if standing.partners and standing.group_day is not None:
        people = []
        for partner in standing.partners:
            library = partner.library(t.locale)
            name = t.inserted(person(t, partner.user_id))
            people.append(f"{name} ({t.inserted(library)})" if library else name)
        shown.append(
            text_block(
                t(
                    "*Your latest coffee group* ({day}): {people}",
                    day=t.day(standing.group_day),
                    people=Markdown(t.list(people)),
                )
            )
        )
    data = _data(program.id, offset)
    pause = dialog_button(t("Take a break"), PAUSE_DIALOG, {PROGRAM_ID: program.id})
    buttons: list[Element]
    if standing.state == ACTIVE:
        buttons = [pause, _leave(t, program.id, offset)]
    elif standing.state == PAUSED:
        buttons = [
            execute(t("End my break"), RESUME, data, style="positive"),
            pause,
            _leave(t, program.id, offset),
        ]
    else:
        buttons = [execute(t("Join"), JOIN, data, style="positive")]
    return [
        {"type": "Container", "separator": True, "spacing": "Medium", "items": shown},
        action_set(buttons),
    ]


def _nav(t: TeamsTranslator, offset: int, shown: int, total: int) -> list[Element]:
    """ "Showing 5–8 of 9" and Previous / Show more, when the programs fill more than a page."""
    if total <= PROGRAMS_PER_PAGE:
        return []
    parts: list[Element] = [
        note(
            t(
                "Showing {first}–{last} of {total}",
                first=t.number(offset + 1),
                last=t.number(offset + shown),
                total=t.number(total),
            )
        )
    ]
    buttons: list[Element] = []
    if offset > 0:
        back = max(0, offset - PROGRAMS_PER_PAGE)
        buttons.append(execute(t("← Previous"), PAGE, {OFFSET: back}))
    if offset + shown < total:
        buttons.append(execute(t("Show more"), PAGE, {OFFSET: offset + PROGRAMS_PER_PAGE}))
    if buttons:
        parts.append(action_set(buttons))
    return parts


def _coffee(t: TeamsTranslator, data: HomeData) -> list[Element]:
    parts: list[Element] = [heading(t("☕ Coffee breaks"))]
    if not data.programs:
        parts.append(
            text_block(
                t(
                    "There are no coffee-break programs yet. An admin starts one with "
                    "`/fika start` in a channel."
                )
            )
        )
        return parts
    offset = data.pages.programs
    for standing in data.programs:
        parts += _program(t, standing, offset)
    parts += _nav(t, offset, len(data.programs), data.programs_total)
    return parts


def _profile(t: TeamsTranslator, data: HomeData) -> list[Element]:
    profile = data.profile
    return [
        heading(t("👤 Your profile")),
        *(
            text_block(line)
            for line in profile_lines(
                t, profile.library(t.locale), profile.chat_languages, profile.locale
            )
        ),
        action_set([dialog_button(t("Edit profile"), PROFILE_DIALOG)]),
        note(t("Your library and languages help me pair you with colleagues you can talk to.")),
    ]


def _team(t: TeamsTranslator, data: HomeData, programs: Sequence[ProgramStatus]) -> list[Element]:
    """The AKE team's part: the programs' status (admins), tips waiting (reviewers), the
    year's figures."""
    if not (data.admin or data.reviewer):
        return []
    parts: list[Element] = [
        {"type": "TextBlock", "text": " ", "separator": True, "spacing": "Large"},
        heading(t("🛠 For the AKE team")),
    ]
    if data.admin:
        for status in programs:
            program = status.program
            items = [
                text_block(program_heading(t, program)),
                text_block(
                    t(
                        TAKING_PART,
                        active=t.number(status.active),
                        paused=t.number(status.paused),
                    ),
                    spacing="None",
                ),
            ]
            if status.next_at is not None:
                items.append(
                    text_block(
                        t("*Next round:* {when}", when=when(t, status.next_at, program.tz)),
                        spacing="None",
                    )
                )
            parts.append({"type": "Container", "items": items})
    if data.reviewer and data.pending is not None:
        if data.pending:
            parts.append(
                text_block(
                    t.ngettext(
                        "*{n} tip is waiting for review*",
                        "*{n} tips are waiting for review*",
                        data.pending,
                    )
                )
            )
        else:
            parts.append(text_block(t("No tips are waiting for review.")))
    figures = data.figures
    if figures is not None:
        parts.append(text_block(t("*This year's figures ({year})*", year=str(figures.year))))
        parts.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": label, "value": t.number(value)}
                    for label, value in (
                        (t("Rounds"), figures.rounds),
                        (t("People who took part"), figures.people),
                        (t("Groups across libraries"), figures.cross_library),
                        (t("Tips approved"), figures.tips_approved),
                    )
                ],
            }
        )
        parts.append(note(t("More with `/fika stats` (admins) and `/tips export` (reviewers).")))
    return parts


def home_card(
    t: TeamsTranslator,
    data: HomeData,
    *,
    teams_user_id: str,
    programs: Sequence[ProgramStatus] = (),
    notice: str | None = None,
    more: Sequence[Element] = (),
) -> Card:
    """The person's home card in their language. `programs`: every running program's status
    (shown to admins only); `notice`: what the last click or command did, at the top;
    `more`: other features' parts, after the profile."""
    body: list[Element] = [
        text_block(t(GREETING, person=mention(data.user_id))),
    ]
    if notice:
        body.append({"type": "Container", "style": "emphasis", "items": lines(notice)})
    body += _coffee(t, data)
    body += _profile(t, data)
    body += list(more)
    body += _team(t, data, programs)
    refresh = {
        "action": {
            "type": "Action.Execute",
            "verb": REFRESH,
            "data": {OFFSET: data.pages.programs},
        },
        "userIds": [teams_user_id],
    }
    return card(body, refresh=refresh)


def home_offset(data: Mapping[str, Any] | None) -> int:
    """The programs' page a click or refresh came from (anything odd: the first)."""
    value = (data or {}).get(OFFSET)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10_000:
        return value
    return 0


def program_named(data: Mapping[str, Any] | None) -> int | None:
    """The program id a button names (None: unreadable)."""
    value = (data or {}).get(PROGRAM_ID)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 < value < 2**31:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value) or None
    return None
