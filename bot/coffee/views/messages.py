"""Messages of coffee breaks: announcements, welcome, intros, follow-ups, progress, status.

Data and translators in, blocks out. A message to a group is rendered once per language of
its members, one section each, with that language's translator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.coffee.ids import Coffee, CoffeeBlock
from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.round_store import MET, RoundSummary
from bot.coffee.schedule import Slot
from bot.coffee.starters import starter_texts
from bot.people.former import person as shown_person
from bot.people.models import Library
from bot.platform.dates import local
from bot.platform.i18n import N_, Translator, translator
from bot.platform.slack_text import channel_link, escape, mention, truncate, truncate_mrkdwn

if TYPE_CHECKING:  # bot.coffee.standing imports this module (IntroPerson)
    from bot.coffee.standing import Standing

Block = dict[str, Any]

LOCALE_ORDER = ("sv", "fi", "en")
SECTION_MAX = 3000
BUTTON_MAX = 75

YES_WE_MET = N_("Yes, we met")
NOT_THIS_TIME = N_("Not this time")
SHARE_A_TIP = N_("Share a tip from our chat")


# ------------------------------------------------------------------------------ helpers


def section(text: str, block_id: str | None = None) -> Block:
    block: Block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate_mrkdwn(text, SECTION_MAX)},
    }
    if block_id:
        block["block_id"] = block_id
    return block


def context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate_mrkdwn(text, SECTION_MAX)}],
    }


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, 150)}}


def button(
    text: str,
    action_id: str,
    value: str,
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, BUTTON_MAX)},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def ordered_locales(locales: Iterable[str]) -> list[str]:
    wanted = set(locales)
    return [code for code in LOCALE_ORDER if code in wanted] or ["sv"]


def _chunks(lines: Sequence[str], limit: int = 2900) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


def schedule_phrase(t: Translator, program: CoffeeProgram) -> str:
    """'every week on Monday at 09:00' / 'every 2 weeks on …' in the reader's language."""
    return t.ngettext(
        "every week on {weekday} at {time}",
        "every {n} weeks on {weekday} at {time}",
        program.interval_weeks,
        weekday=t.weekday(program.weekday),
        time=t.time(time(program.hour, program.minute)),
    )


def size_phrase(t: Translator, size: int) -> str:
    if size == 2:
        return t("in pairs")
    return t("in groups of {size}", size=t.number(size))


def when(t: Translator, at: datetime, tz: str) -> str:
    """'Monday 7 December at 09:00' in the program's time zone."""
    shown = local(at, ZoneInfo(tz))
    return t("{day} at {time}", day=t.day(shown.date()), time=t.time(shown))


# ------------------------------------------------------------------------------ programs


def program_started_blocks(t: Translator, program: CoffeeProgram, first: Slot) -> list[Block]:
    """Posted in the channel (workspace language) when a program starts."""
    return [
        header(t("☕ Fika – distance coffee breaks")),
        section(
            t(
                "This channel is now a coffee-break program! I'll pair the people here {size} "
                "with colleagues from other libraries for a short remote coffee break.",
                size=size_phrase(t, program.group_size),
            )
        ),
        section(
            t("*When:* {schedule} ({tz})", schedule=schedule_phrase(t, program), tz=program.tz)
            + "\n"
            + t("*First round:* {when}", when=when(t, first.at, program.tz))
        ),
        section(
            t(
                "Being in this channel means taking part. Tell me your library and the "
                "languages you chat in with `/fika profile`. Take a break with "
                "`/fika pause 2 weeks`, or stop with `/fika leave` – or simply leave the channel."
            )
        ),
        context(
            t(
                "Fika stores who was paired with whom and whether you met, for the statistics "
                "of the AKE team."
            )
        ),
    ]


def program_started_text(t: Translator) -> str:
    return t("☕ This channel is now a coffee-break program!")


def schedule_changed_blocks(t: Translator, program: CoffeeProgram, nxt: Slot) -> list[Block]:
    """Posted in the channel when an admin changes the schedule or the group size."""
    return [
        section(
            t(
                "☕ New coffee-break plan: {schedule}, {size}. Next round: {when}.",
                schedule=schedule_phrase(t, program),
                size=size_phrase(t, program.group_size),
                when=when(t, nxt.at, program.tz),
            )
        )
    ]


def program_stopped_text(t: Translator) -> str:
    return t(
        "☕ The coffee breaks in this channel have stopped: no more rounds until an admin types "
        "`/fika start` here again."
    )


# ------------------------------------------------------------------------------ welcome


def welcome_blocks(t: Translator, program: CoffeeProgram, nxt: Slot | None) -> list[Block]:
    """The DM to someone who joined a program channel (their language)."""
    plan = t("*When:* {schedule}", schedule=schedule_phrase(t, program))
    if nxt is not None:
        plan += "\n" + t("*Next round:* {when}", when=when(t, nxt.at, program.tz))
    value = str(program.id)
    return [
        section(
            t(
                "☕ *Welcome to the coffee breaks in {channel}!*",
                channel=channel_link(program.channel_id),
            )
        ),
        section(
            t(
                "I pair the people in the channel {size} with colleagues from other libraries. "
                "You get a group message with your partners, their libraries and something to "
                "talk about; one of you is asked to propose a time. Fifteen minutes on a video "
                "call is plenty.",
                size=size_phrase(t, program.group_size),
            )
        ),
        section(plan),
        section(
            t(
                "*What Fika stores:* your name and language from Slack, the library and chat "
                "languages you give, who you were paired with and whether you met. The "
                "AKE team uses the figures for statistics; nothing else is shared."
            )
            + " "
            + t("`/fika my-data` shows what is stored, `/fika forget-me` deletes it.")
        ),
        section(
            t(
                "Tell me your library and languages so I can find you good partners. You can "
                "take a break or leave whenever you like."
            )
        ),
        {
            "type": "actions",
            "block_id": CoffeeBlock.WELCOME_ACTIONS,
            "elements": [
                button(t("Set my profile"), Coffee.WELCOME_PROFILE, value, style="primary"),
                button(t("Take a break"), Coffee.WELCOME_PAUSE, value),
                button(
                    t("Leave"),
                    Coffee.WELCOME_LEAVE,
                    value,
                    style="danger",
                    confirm={
                        "title": {"type": "plain_text", "text": truncate(t("Leave?"), 100)},
                        "text": {
                            "type": "plain_text",
                            "text": truncate(
                                t("You won't be paired in this channel any more."), 300
                            ),
                        },
                        "confirm": {"type": "plain_text", "text": truncate(t("Leave"), 30)},
                        "deny": {"type": "plain_text", "text": truncate(t("Stay"), 30)},
                    },
                ),
            ],
        },
    ]


def welcome_text(t: Translator, program: CoffeeProgram) -> str:
    return t(
        "☕ Welcome to the coffee breaks in {channel}!", channel=channel_link(program.channel_id)
    )


# ------------------------------------------------------------------------------ intros


@dataclass(frozen=True)
class IntroPerson:
    user_id: str
    library_sv: str | None
    library_fi: str | None

    def library(self, locale: str) -> str | None:
        if locale == "fi" and self.library_fi:
            return self.library_fi
        return self.library_sv


def intro_people(group: CoffeeGroup) -> list[IntroPerson]:
    return [IntroPerson(m.user_id, m.library_name, m.library_name_fi) for m in group.members]


def group_locales(group: CoffeeGroup) -> list[str]:
    return ordered_locales(m.locale for m in group.members)


def intro_section(
    t: Translator, people: list[IntroPerson], proposer: str | None, starter_key: str | None
) -> str:
    lines = [t("☕ *Time for fika!* This round you meet:")]
    for person in people:
        library = person.library(t.locale)
        where = escape(library) if library else t("library not set yet")
        lines.append(f"• {mention(person.user_id)} – {where}")
    if proposer:
        lines.append("")
        lines.append(
            t(
                "{person}, could you propose a time that suits everyone? "
                "Fifteen minutes on a video call is plenty.",
                person=mention(proposer),
            )
        )
    starter = starter_texts(starter_key)
    if starter is not None:
        theme, question = starter
        lines.append("")
        lines.append(
            t(
                "*Something to talk about* ({theme}): {question}",
                theme=t(theme),
                question=t(question),
            )
        )
    return "\n".join(lines)


def intro_blocks(group: CoffeeGroup) -> tuple[str, list[Block]]:
    """(notification text, blocks): one section per language of the group's members."""
    people = intro_people(group)
    locales = group_locales(group)
    blocks: list[Block] = []
    for i, locale in enumerate(locales):
        if i:
            blocks.append({"type": "divider"})
        blocks.append(
            section(
                intro_section(translator(locale), people, group.proposer_user_id, group.starter_key)
            )
        )
    t = translator(locales[0])
    text = t(
        "☕ Time for fika! This round you meet: {people}",
        people=t.list(mention(p.user_id) for p in people),
    )
    return text, blocks


def alone_blocks(t: Translator, channel_id: str) -> tuple[str, list[Block]]:
    text = t(
        "☕ Not enough people for a coffee group in {channel} this time – you were the only one "
        "taking part. I'll try again next round!",
        channel=channel_link(channel_id),
    )
    return text, [section(text)]


# ------------------------------------------------------------------------------ rounds


def progress_text(t: Translator, sent: int, total: int) -> str:
    return t.ngettext(
        "☕ Coffee round under way: {sent} of {n} group introduced…",
        "☕ Coffee round under way: {sent} of {n} groups introduced…",
        total,
        sent=t.number(sent),
    )


def gathering_text(t: Translator) -> str:
    return t("☕ Coffee round starting: finding out who takes part…")


def already_claimed_text(t: Translator) -> str:
    return t("This period's coffee round has already been made, so I did not pair anyone again.")


def group_parts(t: Translator, summary: RoundSummary) -> list[str]:
    """A round's groups by size, in words (also Teams' summary card)."""
    parts: list[str] = []
    for size in sorted(summary.sizes):
        count = summary.sizes[size]
        if size == 2:
            parts.append(t.ngettext("{n} pair", "{n} pairs", count))
        elif size == 3:
            parts.append(t.ngettext("{n} trio", "{n} trios", count))
        else:
            parts.append(
                t.ngettext(
                    "{n} group of {size}", "{n} groups of {size}", count, size=t.number(size)
                )
            )
    return parts


def summary_text(t: Translator, summary: RoundSummary) -> str:
    """The channel note after a round (workspace language)."""
    if summary.people == 0:
        if summary.alone:
            return t(
                "☕ Not enough people for a coffee round this time: only one person took part."
            )
        return t("☕ Nobody was taking part this time, so there was no coffee round.")
    lines = [
        t.ngettext(
            "☕ This round {n} person was paired for coffee.",
            "☕ This round {n} people were paired for coffee.",
            summary.people,
        ),
        t("Groups: {groups}.", groups=t.list(group_parts(t, summary))),
    ]
    if summary.failed:
        lines.append(
            t.ngettext(
                "{n} group could not be reached on Slack.",
                "{n} groups could not be reached on Slack.",
                summary.failed,
            )
        )
    lines.append(t("Have a nice fika!"))
    return "\n".join(lines)


# ------------------------------------------------------------------------------ follow-ups


def _joined_label(msgid: str, locales: list[str]) -> str:
    labels = list(dict.fromkeys(translator(code)(msgid) for code in locales))
    return " / ".join(labels)


def followup_blocks(group: CoffeeGroup, round_day: date) -> tuple[str, list[Block]]:
    """'Did you meet?' in every language of the group; after an answer, who answered."""
    locales = group_locales(group)
    blocks: list[Block] = []
    value = str(group.id)
    for i, locale in enumerate(locales):
        t = translator(locale)
        if i:
            blocks.append({"type": "divider"})
        lines = [
            t(
                "☕ *Did you meet?* I paired you for a coffee break on {day}. "
                "One answer for the group is enough.",
                day=t.day(round_day),
            )
        ]
        if group.outcome is not None and group.answered_by:
            answer = t(YES_WE_MET) if group.outcome == MET else t(NOT_THIS_TIME)
            lines.append(
                t(
                    "✅ {person} answered for the group: *{answer}*",
                    person=shown_person(t, group.answered_by),
                    answer=answer,
                )
            )
        if group.tip_wish_by:
            lines.append(
                t(
                    "💡 {person} would like to share a tip from your chat.",
                    person=shown_person(t, group.tip_wish_by),
                )
            )
        blocks.append(section("\n".join(lines)))
    elements: list[Block] = []
    if group.outcome is None:
        elements.append(
            button(_joined_label(YES_WE_MET, locales), Coffee.FOLLOWUP_MET, value, "primary")
        )
        elements.append(
            button(_joined_label(NOT_THIS_TIME, locales), Coffee.FOLLOWUP_NOT_MET, value)
        )
    elements.append(button(_joined_label(SHARE_A_TIP, locales), Coffee.FOLLOWUP_SHARE_TIP, value))
    blocks.append(
        {"type": "actions", "block_id": CoffeeBlock.FOLLOWUP_ACTIONS, "elements": elements}
    )
    t = translator(locales[0])
    return t("☕ Did you meet? One answer for the group is enough."), blocks


# ------------------------------------------------------------------------------ status


def status_blocks(
    t: Translator,
    entries: Sequence[Standing],
    library: Library | None,
    chat_languages: list[str],
    message_locale: str,
    other_programs: list[str],
) -> list[Block]:
    blocks: list[Block] = []
    if not entries:
        if other_programs:
            channels = ", ".join(channel_link(c) for c in other_programs)
            blocks.append(
                section(
                    t(
                        "You are not in a coffee-break program yet. Join a program channel to "
                        "take part: {channels}",
                        channels=channels,
                    )
                )
            )
        else:
            blocks.append(
                section(
                    t(
                        "There are no coffee-break programs yet. An admin starts one with "
                        "`/fika start` in a channel."
                    )
                )
            )
    for entry in entries[:20]:
        program = entry.program
        lines = [
            f"*{channel_link(program.channel_id)}* – "
            + schedule_phrase(t, program)
            + ", "
            + size_phrase(t, program.group_size)
        ]
        if entry.state == "left":
            lines.append(t("You have left this program. `/fika join` brings you back."))
        elif entry.state == "paused" and entry.paused_until:
            lines.append(
                t(
                    "You are taking a break until {day}; after that you are paired again.",
                    day=t.day(entry.paused_until),
                )
            )
        else:
            lines.append(t("You take part."))
        if entry.next_at is not None and entry.state != "left":
            lines.append(t("*Next round:* {when}", when=when(t, entry.next_at, program.tz)))
        if entry.partners and entry.group_day is not None:
            lines.append(
                t(
                    "*Your latest coffee group* ({day}): {people}",
                    day=t.day(entry.group_day),
                    people=t.list(shown_person(t, p.user_id) for p in entry.partners),
                )
            )
        blocks.append(section("\n".join(lines)))
    profile = [
        t(
            "*Your library:* {library}",
            library=escape(library.display_name(t.locale)) if library else t("not set yet"),
        ),
        t(
            "*You chat in:* {languages}",
            languages=t.list(t.language_names(chat_languages))
            if chat_languages
            else t("not set yet"),
        ),
        t(
            "*Messages to you in:* {language}",
            language=t.language_name(message_locale),
        ),
    ]
    blocks.append(section("\n".join(profile)))
    blocks.append(context(t("Change these with `/fika profile`.")))
    return blocks


def profile_saved_text(
    t: Translator, library_name: str | None, languages: list[str], locale: str
) -> str:
    return "\n".join(
        [
            t("✅ Your Fika profile is saved."),
            t(
                "*Your library:* {library}",
                library=escape(library_name) if library_name else t("not set yet"),
            ),
            t("*You chat in:* {languages}", languages=t.list(t.language_names(languages))),
            t(
                "*Messages to you in:* {language}",
                language=t.language_name(locale),
            ),
        ]
    )


# ------------------------------------------------------------------------------ libraries

LIBRARIES_PAGE_SIZE = 30


def libraries_blocks(
    t: Translator,
    libraries: list[Library],
    page: int,
    admin: bool,
    typed: list[Library],
) -> list[Block]:
    pages = max(1, -(-len(libraries) // LIBRARIES_PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = libraries[(page - 1) * LIBRARIES_PAGE_SIZE : page * LIBRARIES_PAGE_SIZE]
    blocks: list[Block] = [header(t("Libraries"))]
    if not libraries:
        blocks.append(section(t("The list of libraries is empty so far.")))
    else:
        lines = []
        for lib in shown:
            names = [lib.name_sv] + (
                [lib.name_fi] if lib.name_fi and lib.name_fi != lib.name_sv else []
            )
            line = "• " + " / ".join(escape(n) for n in names)
            if lib.municipality:
                line += f" ({escape(lib.municipality)})"
            lines.append(line)
        blocks.extend(section(chunk) for chunk in _chunks(lines))
        blocks.append(
            context(
                t.ngettext(
                    "{n} library · page {page} of {pages}",
                    "{n} libraries · page {page} of {pages}",
                    len(libraries),
                    page=t.number(page),
                    pages=t.number(pages),
                )
            )
        )
    blocks.append(
        context(
            t("Pick yours with `/fika profile`; if it is missing, you can type its name there.")
        )
    )
    if admin:
        blocks.append(
            context(
                escape(  # the translation's `<name>` is text, not Slack syntax
                    t(
                        "Admins: `/fika libraries add`, `/fika libraries load` (CSV: "
                        "name_sv,name_fi,municipality), `/fika libraries remove <name>`."
                    )
                )
            )
        )
    if admin and typed:
        more = len(typed) - 40
        typed_text = t(
            "Typed by people, not on the list: {names}",
            names=", ".join(escape(lib.name_sv) for lib in typed[:40]),
        )
        if more > 0:
            typed_text += " " + t.ngettext("and {n} more", "and {n} more", more)
        blocks.append(context(typed_text))
    elements: list[Block] = []
    if page > 1:
        elements.append(button(t("Previous"), Coffee.LIBRARIES_PAGE_BACK, str(page - 1)))
    if page < pages:
        elements.append(button(t("Next"), Coffee.LIBRARIES_PAGE, str(page + 1)))
    if admin:
        elements.append(button(t("Add a library"), Coffee.LIBRARIES_ADD, "add"))
        elements.append(button(t("Load a CSV"), Coffee.LIBRARIES_LOAD, "load"))
    if elements:
        blocks.append(
            {"type": "actions", "block_id": CoffeeBlock.LIBRARIES_ACTIONS, "elements": elements}
        )
    return blocks


def pause_notice(t: Translator, until: date) -> str:
    """What a person is told after pausing (the command, the welcome DM's pause form)."""
    return t("Enjoy your break! You are paired again from {day} on.", day=t.day(until))
