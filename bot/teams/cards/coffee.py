"""Coffee breaks on Microsoft Teams as Adaptive Cards 1.5: plain data and a translator in, a
(notification text, card) pair out — the Teams twin of `bot.coffee.views.messages`.

A bot cannot create a group chat in Teams, so a group's introduction is one card per member, in
that member's own language, in their 1:1 chat with Fika: it names the group, their libraries and
the host, offers a conversation starter and a "start the group chat" button (a deep link that
opens a chat with the group's people). The follow-up ("did you meet?") is a card in the same 1:1
chat whose buttons are `Action.Execute` verbs; answering replaces every member's card with the
answered one.

The sentences are the Slack views' msgids wherever the meaning is the same (byte-identical, so
one translation serves both); Slack's `*bold*` in a translation becomes Teams' `**bold**`
(`_md`). What people wrote themselves (names, library names) goes through `plain`
(bot/teams/cards/text.py), so Teams shows it as text and not as markup.

Pure: no SDK, no aiohttp, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from bot.coffee.models import CoffeeProgram
from bot.coffee.round_store import MET, RoundSummary
from bot.coffee.schedule import Slot
from bot.coffee.starters import starter_texts
from bot.coffee.views.messages import (
    NOT_THIS_TIME,
    SHARE_A_TIP,
    YES_WE_MET,
    group_parts,
    schedule_phrase,
    size_phrase,
    when,
)
from bot.coffee.views.round_failures import LISTED_MAX
from bot.people.former import FORMER_MEMBER
from bot.platform.i18n import N_, Translator
from bot.teams.cards.answers import PAUSE_DIALOG, PROFILE_DIALOG, dialog_button
from bot.teams.cards.home import PROGRAM_ID
from bot.teams.cards.text import plain

Card = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"

#: The follow-up's answers (Action.Execute verbs; data {"group_id": …}).
MET_VERB = "coffee.met"
NOT_MET_VERB = "coffee.not_met"
#: The welcome card's Leave (Action.Execute; data {"program_id": …}).
LEAVE_VERB = "coffee.leave"
#: The answered follow-up's "Share a tip from our chat": a dialog (data {"group_id": …}) that
#: opens the tip form (bot/teams/cards/tips.py DIALOG_TIP), as Slack's button opens its modal.
TIP_DIALOG = "coffee.tip"

#: The deep link Teams opens a new chat with (users: UPNs or emails, comma-separated).
CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0"
#: Teams cuts a chat's topic at this length; ours stays well below it.
TOPIC_MAX = 80
#: A name or a library name is shown up to this length (the tables allow 200).
NAME_MAX = 200
#: The failure report lists groups up to this many bytes (Teams takes cards up to 28 KB).
LINES_BUDGET = 16_000

# Teams' error codes (and our own "not_installed") for an introduction that failed, in words.
NOT_INSTALLED = "not_installed"
REASONS = {
    "ConversationNotFound": N_("the conversation no longer exists"),
    "BotNotInConversationRoster": N_("someone in the group has not installed Fika in Teams"),
    "ForbiddenOperationException": N_("someone in the group has not installed Fika in Teams"),
    "ConversationBlockedByUser": N_("someone in the group has blocked the chat with Fika"),
}

# New sentences of the Teams side (see the report: sv/fi/en for the catalogs).
A_COLLEAGUE = N_("a colleague")
START_GROUP_CHAT = N_("Start the group chat")
START_CHAT_WITH = N_("Start a chat with {person}")


# ------------------------------------------------------------------------------ text helpers


def _plain(text: str) -> str:
    """User-written text shown as text in a TextBlock, on one line (a name's line break would
    start a list or a heading): `bot.teams.cards.text.plain` of the folded text."""
    return plain(" ".join(str(text).split()))


_SLACK_BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])")


def _md(t: Translator, msgid: str, **params: str) -> str:
    """A translated sentence with Slack's `*bold*` as Teams' `**bold**`; the params (already
    plain) are put in after, so what people wrote is never read as markup. Callers mark the
    msgid with `N_` where they write it, so `make i18n` finds it."""
    template = _SLACK_BOLD.sub(r"**\1**", t(msgid))
    return template.format(**params) if params else template


def _cut(text: str, limit: int = NAME_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _raw(text: str) -> str:
    """User-written text for a notification's plain text: one line, cut, not escaped."""
    return _cut(" ".join(str(text).split()))


@dataclass(frozen=True)
class CardPerson:
    """One person as the coffee cards show them: their name (None: forgotten or unknown), the
    library in Swedish and Finnish, and their UPN for the chat deep link."""

    user_id: str
    name: str | None
    library_sv: str | None = None
    library_fi: str | None = None
    upn: str | None = None
    former: bool = False

    def library(self, locale: str) -> str | None:
        if locale == "fi" and self.library_fi:
            return self.library_fi
        return self.library_sv


def shown_name(t: Translator, person: CardPerson) -> str:
    """The person's name as plain card text ("a former member" for one who was forgotten)."""
    if person.former:
        return t(FORMER_MEMBER)
    if not person.name:
        return t(A_COLLEAGUE)
    return _plain(_cut(person.name))


def _names(t: Translator, people: Sequence[CardPerson]) -> str:
    return t.list(shown_name(t, p) for p in people)


def _summary_names(t: Translator, people: Sequence[CardPerson]) -> str:
    """Names for a notification's plain text (nothing is rendered there, so no escaping)."""
    return t.list(
        t(FORMER_MEMBER) if p.former else (_raw(p.name) if p.name else t(A_COLLEAGUE))
        for p in people
    )


# ------------------------------------------------------------------------------ card parts


def card(body: list[Card], actions: list[Card] | None = None) -> Card:
    result: Card = {"type": "AdaptiveCard", "version": VERSION, "$schema": SCHEMA, "body": body}
    if actions:
        result["actions"] = actions
    return result


def text_block(text: str, **style: Any) -> Card:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def heading(text: str) -> Card:
    return text_block(text, weight="Bolder", size="Medium")


def execute(title: str, verb: str, data: dict[str, Any], style: str | None = None) -> Card:
    action: Card = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    if style:
        action["style"] = style
    return action


def open_url(title: str, url: str) -> Card:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


# ------------------------------------------------------------------------------ intros


def chat_link(upns: Sequence[str], topic: str | None) -> str:
    """Teams' deep link to a new chat with these people (the one who clicks is added by
    Teams); `topic` names a group chat (Teams ignores it for two people)."""
    users = ",".join(quote(u, safe="@.") for u in upns)
    link = f"{CHAT_LINK}?users={users}"
    if topic:
        link += "&topicName=" + quote(topic, safe="")
    return link


def chat_topic(people: Sequence[CardPerson]) -> str:
    """The group chat's name, the same for everyone (not in a reader's language)."""
    names = ", ".join(" ".join((p.name or "").split()) for p in people if p.name and not p.former)
    return _cut("☕ Fika" + (f": {names}" if names else ""), TOPIC_MAX)


def intro_card(
    t: Translator,
    people: Sequence[CardPerson],
    reader_id: str,
    host_id: str | None,
    starter_key: str | None,
) -> tuple[str, Card]:
    """The introduction to one member of a group (`reader_id`), in their language: the group's
    people and libraries, who hosts, something to talk about, and the chat button."""
    lines = []
    for person in people:
        library = person.library(t.locale)
        where = _plain(_cut(library)) if library else t("library not set yet")
        lines.append(f"- **{shown_name(t, person)}** – {where}")
    body = [
        heading(_md(t, N_("☕ *Time for fika!* This round you meet:"))),
        text_block("\n".join(lines)),
    ]
    host = next((p for p in people if p.user_id == host_id), None)
    if host is not None:
        body.append(
            text_block(
                t(
                    "{person}, could you propose a time that suits everyone? "
                    "Fifteen minutes on a video call is plenty.",
                    person=shown_name(t, host),
                )
            )
        )
    starter = starter_texts(starter_key)
    if starter is not None:
        theme, question = starter
        body.append(
            text_block(
                _md(
                    t,
                    N_("*Something to talk about* ({theme}): {question}"),
                    theme=t(theme),
                    question=t(question),
                )
            )
        )
    others = [p for p in people if p.user_id != reader_id]
    upns = [p.upn for p in others if p.upn and not p.former]
    actions: list[Card] = []
    if upns:
        if len(others) == 1:
            title = t(START_CHAT_WITH, person=shown_name(t, others[0]))
            link = chat_link(upns, None)
        else:
            title = t(START_GROUP_CHAT)
            link = chat_link(upns, chat_topic(people))
        actions.append(open_url(_cut(title, 60), link))
    summary = t(
        "☕ Time for fika! This round you meet: {people}",
        people=_summary_names(t, others or people),
    )
    return summary, card(body, actions)


def alone_card(t: Translator, channel_name: str) -> tuple[str, Card]:
    """For a group of one: nobody else took part this time."""

    def text(channel: str) -> str:
        return t(
            "☕ Not enough people for a coffee group in {channel} this time – you were the only "
            "one taking part. I'll try again next round!",
            channel=channel,
        )

    return text(_raw(channel_name)), card([text_block(text(_plain(_cut(channel_name))))])


# ------------------------------------------------------------------------------ follow-ups


def followup_card(
    t: Translator,
    group_id: int,
    round_day: date,
    *,
    outcome: str | None = None,
    answered_by: CardPerson | None = None,
    tip_wish_by: CardPerson | None = None,
    notice: str | None = None,
) -> tuple[str, Card]:
    """ "Did you meet?" with the two answers; once the group has answered (`outcome`), who
    answered what (the card that replaces each member's follow-up), and after "we met" the
    button that shares a tip from their chat.
    `notice`: a line for the one who just answered (`answer_notice`)."""
    body = [
        text_block(
            _md(
                t,
                N_(
                    "☕ *Did you meet?* I paired you for a coffee break on {day}. "
                    "One answer for the group is enough."
                ),
                day=t.day(round_day),
            )
        )
    ]
    if outcome is not None and answered_by is not None:
        answer = t(YES_WE_MET) if outcome == MET else t(NOT_THIS_TIME)
        body.append(
            text_block(
                _md(
                    t,
                    N_("✅ {person} answered for the group: *{answer}*"),
                    person=shown_name(t, answered_by),
                    answer=answer,
                )
            )
        )
    if tip_wish_by is not None:
        body.append(
            text_block(
                t(
                    "💡 {person} would like to share a tip from your chat.",
                    person=shown_name(t, tip_wish_by),
                )
            )
        )
    if notice:
        body.append(text_block(notice, weight="Bolder"))
    actions = []
    data = {"group_id": group_id}
    if outcome is None:
        actions = [
            execute(t(YES_WE_MET), MET_VERB, data, style="positive"),
            execute(t(NOT_THIS_TIME), NOT_MET_VERB, data),
        ]
    elif outcome == MET:
        # After "we met": what they learnt can become a tip (the tip form, in a dialog).
        actions = [dialog_button(_cut(t(SHARE_A_TIP), 60), TIP_DIALOG, data)]
    return t("☕ Did you meet? One answer for the group is enough."), card(body, actions)


def answer_notice(
    t: Translator, won: bool, clicked: str, outcome: str | None, answered_by: CardPerson | None
) -> str:
    """What the one who clicked is told: thanks for their answer (`won`: theirs counts), or
    who answered for the group before them (`outcome` by `answered_by`)."""
    if won:
        if clicked == MET:
            return t("Thanks! Lovely that you met. ☕")
        return t("Thanks for telling me. Maybe next time!")
    answer = t(YES_WE_MET) if outcome == MET else t(NOT_THIS_TIME)
    return t(
        "{person} already answered for your group: {answer}. Thanks anyway!",
        person=shown_name(t, answered_by) if answered_by else t(A_COLLEAGUE),
        answer=answer,
    )


# ------------------------------------------------------------------------------ the channel


def note_card(text: str) -> Card:
    """A one-sentence card (the round's progress note, and what becomes of it)."""
    return card([text_block(text)])


def gathering_card(t: Translator) -> tuple[str, Card]:
    text = t("☕ Coffee round starting: finding out who takes part…")
    return text, note_card(text)


def progress_card(t: Translator, sent: int, total: int) -> tuple[str, Card]:
    text = t.ngettext(
        "☕ Coffee round under way: {sent} of {n} group introduced…",
        "☕ Coffee round under way: {sent} of {n} groups introduced…",
        total,
        sent=t.number(sent),
    )
    return text, note_card(text)


def not_run_card(t: Translator, error: str | None) -> tuple[str, Card]:
    """No round: the channel's members could not be read (`error`), or (None) this period's
    round was made already."""
    if error is None:
        text = t(
            "This period's coffee round has already been made, so I did not pair anyone again."
        )
    else:
        text = t(
            "I could not read who is in this channel ({error}), so there was no round.",
            error=_plain(error),
        )
    return text, note_card(text)


def summary_card(t: Translator, summary: RoundSummary) -> tuple[str, Card]:
    """The program channel's note after a round (the workspace's language)."""
    if summary.people == 0:
        if summary.alone:
            text = t(
                "☕ Not enough people for a coffee round this time: only one person took part."
            )
        else:
            text = t("☕ Nobody was taking part this time, so there was no coffee round.")
        return text, note_card(text)
    head = t.ngettext(
        "☕ This round {n} person was paired for coffee.",
        "☕ This round {n} people were paired for coffee.",
        summary.people,
    )
    lines = [t("Groups: {groups}.", groups=t.list(group_parts(t, summary)))]
    if summary.failed:
        lines.append(
            t.ngettext(
                "{n} group could not be reached on Teams.",
                "{n} groups could not be reached on Teams.",
                summary.failed,
            )
        )
    lines.append(t("Have a nice fika!"))
    return head, card([heading(head), *(text_block(line) for line in lines)])


# ------------------------------------------------------------------------------ admins


@dataclass(frozen=True)
class FailedIntro:
    """A group whose introduction failed for good: its people, the error, and (for
    "not_installed") which of them have not installed Fika."""

    people: Sequence[CardPerson]
    error: str
    not_installed: Sequence[CardPerson] = ()
    #: These people could not be reached and were taken out of their group, whose others got
    #: the introduction (`people` are only them).
    left_out: bool = False


def reason(t: Translator, failed: FailedIntro) -> str:
    if failed.error == NOT_INSTALLED:
        if not failed.not_installed:
            return t(REASONS["BotNotInConversationRoster"])
        # The names first: babel reads a call whose arguments mention `t` as a singular.
        names = _names(t, failed.not_installed)
        return t.ngettext(
            "{people} has not installed Fika in Teams",
            "{people} have not installed Fika in Teams",
            len(failed.not_installed),
            people=names,
        )
    known = REASONS.get(failed.error)
    if known is not None:
        return t(known)
    return t("Teams refused it ({error})", error=_plain(_cut(failed.error, 64)))


def _failure_line(t: Translator, failed: FailedIntro) -> str:
    """One line of the admins' report: a group and why its introduction failed; for people
    left out of their group (`left_out`), only they are named, and "not installed" says who."""
    if failed.left_out and failed.people and failed.error == NOT_INSTALLED:
        return f"- {reason(t, failed)}"
    return f"- {_names(t, failed.people) or '—'}: {reason(t, failed)}"


def failure_card(
    t: Translator, channel_name: str, failed: Sequence[FailedIntro]
) -> tuple[str, Card]:
    """The 1:1 card to an admin about one round's introductions that could not be delivered,
    naming the people and why (mostly: who has not installed Fika in Teams)."""

    def head(channel: str) -> str:
        return t.ngettext(
            "☕ The coffee round in {channel} is done, but {n} introduction could not be "
            "delivered:",
            "☕ The coffee round in {channel} is done, but {n} introductions could not be "
            "delivered:",
            len(failed),
            channel=channel,
        )

    lines: list[str] = []
    size = 0
    for group in failed[:LISTED_MAX]:
        line = _failure_line(t, group)
        size += len(line.encode()) + 1
        if lines and size > LINES_BUDGET:
            break
        lines.append(line)
    rest = len(failed) - len(lines)
    if rest > 0:
        lines.append(t.ngettext("… and {n} more group.", "… and {n} more groups.", rest))
    body = [
        text_block(head(_plain(_cut(channel_name))), weight="Bolder"),
        text_block("\n".join(lines)),
    ]
    if any(g.error == NOT_INSTALLED for g in failed):
        body.append(
            text_block(
                t(
                    "Fika can only message people who have added the Fika app in Teams. Ask "
                    "them to add it; they are paired again in the next round."
                )
            )
        )
    body.append(text_block(t("Everyone else got their introduction.")))
    return head(_raw(channel_name)), card(body)


# ------------------------------------------------------------------------------ welcome


def _leave(t: Translator, program_id: int) -> Card:
    """Leave, confirmed as Slack's button is: a card opens below with the question and the
    real button (the same as the home card's)."""
    return {
        "type": "Action.ShowCard",
        "title": t("Leave"),
        "card": {
            "type": "AdaptiveCard",
            "body": [
                text_block(t("Leave?"), weight="Bolder"),
                text_block(t("You won't be paired in this channel any more.")),
            ],
            "actions": [
                execute(t("Leave"), LEAVE_VERB, {PROGRAM_ID: program_id}, style="destructive")
            ],
        },
    }


def welcome_card(
    t: Translator,
    program: CoffeeProgram,
    channel_name: str,
    next_round: Slot | None,
    *,
    notice: str | None = None,
    left: bool = False,
) -> tuple[str, Card]:
    """The card to someone who joined a program channel, in their language, with the Slack
    welcome's buttons: the profile and a break (dialogs) and Leave (confirmed). `notice`: what
    a click did (Teams markdown, already translated); `left`: they left the program, so only
    the profile's button stays."""
    channel = _plain(_cut(channel_name))
    plan = [_md(t, N_("*When:* {schedule}"), schedule=schedule_phrase(t, program))]
    if next_round is not None:
        plan.append(
            _md(t, N_("*Next round:* {when}"), when=when(t, next_round.at, program.tz)),
        )
    body = [
        heading(_md(t, N_("☕ *Welcome to the coffee breaks in {channel}!*"), channel=channel)),
        text_block(
            t(
                "I pair the people in the channel {size} with colleagues from other libraries. "
                "You get a card here in our chat with your partners, their libraries and "
                "something to talk about; one of you is asked to start the group chat and "
                "propose a time. Fifteen minutes on a video call is plenty.",
                size=size_phrase(t, program.group_size),
            )
        ),
        text_block("\n\n".join(plan)),
        text_block(
            _md(
                t,
                N_(
                    "*What Fika stores:* your name and language from Teams, the library and chat "
                    "languages you give, who you were paired with and whether you met. The AKE "
                    "team uses the figures for statistics; nothing else is shared."
                ),
            )
        ),
        text_block(
            t(
                "Tell me your library and languages so I can find you good partners. You can "
                "take a break or leave whenever you like."
            )
        ),
    ]
    if notice:
        body.append(text_block(notice, weight="Bolder"))
    profile = dialog_button(t("Set my profile"), PROFILE_DIALOG)
    profile["style"] = "positive"
    actions = [profile]
    if not left:
        actions += [
            dialog_button(t("Take a break"), PAUSE_DIALOG, {PROGRAM_ID: program.id}),
            _leave(t, program.id),
        ]
    summary = t("☕ Welcome to the coffee breaks in {channel}!", channel=_raw(channel_name))
    return summary, card(body, actions)
