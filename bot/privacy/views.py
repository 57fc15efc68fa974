"""What `/fika my-data` shows and `/fika forget-me` / `/fika forget @person` ask and answer
(every sentence of `bot.privacy.service`'s results, and the confirmation buttons' values)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.coffee.commands import FIKA, FORGET, FORGET_ME
from bot.coffee.participants import LEFT, PAUSED
from bot.coffee.views.messages import button, context, header, section
from bot.people.former import person
from bot.platform.commands import Subcommand
from bot.platform.dates import local
from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import channel_link, escape, escape_within, mention
from bot.privacy.ids import PrivacyAction
from bot.privacy.results import Confirmation, Problem
from bot.privacy.store import PersonalData
from bot.tips.models import TipStatus

Block = dict[str, Any]


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text}


# ---------------------------------------------------------------------------- confirmations

NOT_YOURS = N_("Only the person themselves can confirm deleting their data. Nothing was deleted.")
TOO_OLD = N_("This confirmation is too old. Type `/fika forget-me` again. Nothing was deleted.")
FORGET_USAGE = N_(
    "Whose data? Type `{command} @person`, or the person's Slack member ID instead of the "
    "mention (e.g. `{command} U0123ABC`; in their profile: ⋮ → Copy member ID). Nothing was "
    "deleted."
)
FORGET_YOURSELF = N_("To delete your own data, type `{command}`. Nothing was deleted.")
OTHER_TOO_OLD = N_(
    "This confirmation is too old or no longer valid. Type `{command}` again. Nothing was deleted."
)
CANCELLED = N_("Good – nothing was deleted.")


def confirmation_value(confirmation: Confirmation) -> str:
    """A confirmation button's value: "<user id>:<epoch seconds>"."""
    return f"{confirmation.subject}:{int(confirmation.issued.timestamp())}"


def parse_confirmation(value: object) -> tuple[str, datetime | None]:
    """(subject, issued) from a confirmation button's value; issued None when unreadable."""
    subject, _, issued = str(value or "").partition(":")
    if not issued.isdigit() or len(issued) > 12:
        return subject, None
    return subject, datetime.fromtimestamp(int(issued), UTC)


def _command(t: Translator, sub: Subcommand) -> str:
    """The subcommand as the reader types it, e.g. `/fika glöm`."""
    return f"{FIKA.command} {sub.word_for(t.locale)}"


def problem_text(t: Translator, problem: Problem) -> str:
    """Why nothing was deleted."""
    if problem == Problem.NOT_YOURS:
        return t(NOT_YOURS)
    if problem == Problem.TOO_OLD:
        return t(TOO_OLD)
    if problem == Problem.NO_PERSON:
        return t(FORGET_USAGE, command=_command(t, FORGET))
    if problem == Problem.YOURSELF:
        return t(FORGET_YOURSELF, command=_command(t, FORGET_ME))
    return t(OTHER_TOO_OLD, command=_command(t, FORGET))


def cancelled_text(t: Translator) -> str:
    return t(CANCELLED)


def forget_confirmation(t: Translator, value: str) -> tuple[str, list[Block]]:
    text = t(
        "*Forget me?* This deletes your Fika profile (your library, the languages you chat in, "
        "your message language), your place in the coffee-break programs and your breaks. In "
        "the coffee-break history and in tips you become “a former member”: the tips you sent "
        "stay, without your name. This cannot be undone."
    )
    dialog = {
        "title": _plain(t("Delete your data?")[:100]),
        "text": _plain(t("Everything Fika knows about you is deleted now. This cannot be undone.")),
        "confirm": _plain(t("Delete")[:30]),
        "deny": _plain(t("Keep my data")[:30]),
        "style": "danger",
    }
    blocks = [
        section(text),
        {
            "type": "actions",
            "elements": [
                button(t("Delete my data"), PrivacyAction.FORGET_CONFIRM, value, "danger", dialog),
                button(t("Cancel"), PrivacyAction.FORGET_CANCEL, value),
            ],
        },
    ]
    return t("Forget me?"), blocks


def forget_other_confirmation(t: Translator, user_id: str, value: str) -> tuple[str, list[Block]]:
    """An admin's confirmation before forgetting someone else; `user_id` was validated as a
    Slack user id (it is mentioned, never user text)."""
    text = t(
        "*Delete everything Fika stores about {person}?* Do this on an erasure request handled "
        "by the library organisation, e.g. for a colleague who has left. It deletes their Fika "
        "profile (library, languages, message language), their place in the coffee-break "
        "programs and their breaks. In the coffee-break history and in tips they become “a "
        "former member”: their tips stay, without their name. Nothing is sent to them. This "
        "cannot be undone.",
        person=mention(user_id),
    )
    dialog = {
        "title": _plain(t("Delete their data?")[:100]),
        "text": _plain(
            t(
                "Everything Fika stores about the person with member ID {id} is deleted now. "
                "This cannot be undone.",
                id=user_id,
            )[:300]
        ),
        "confirm": _plain(t("Delete")[:30]),
        "deny": _plain(t("Cancel")[:30]),
        "style": "danger",
    }
    blocks = [
        section(text),
        {
            "type": "actions",
            "elements": [
                button(
                    t("Delete their data"),
                    PrivacyAction.FORGET_OTHER_CONFIRM,
                    value,
                    "danger",
                    dialog,
                ),
                button(t("Cancel"), PrivacyAction.FORGET_CANCEL, value),
            ],
        },
    ]
    return t("Delete their data?"), blocks


def forgotten_other_text(t: Translator, user_id: str, changed: bool) -> str:
    if not changed:
        return t(
            "Fika had nothing stored about {person}. Nothing was changed.",
            person=mention(user_id),
        )
    return t(
        "Done: the data of {person} was deleted from Fika. Their tips stay, shown as written by "
        "“a former member”. Nothing was sent to them. Messages already in Slack (introductions, "
        "digests) are Slack's to keep or delete.",
        person=mention(user_id),
    )


def forgotten_text(t: Translator, channels: Sequence[str]) -> str:
    text = t(
        "Done: Fika has forgotten you. The tips you sent stay, shown as written by “a former "
        "member”. Messages already in Slack (introductions, digests) are Slack's to keep or "
        "delete."
    )
    if channels:
        text += "\n" + t(
            "You are still in {channels}. As long as you stay there, the next round pairs you "
            "again as a new participant: leave the channel to stop that – leaving channels is "
            "yours to do.",
            channels=", ".join(channel_link(c) for c in channels),
        )
    return text


def forgotten_home(t: Translator) -> Block:
    """The Home tab right after forgetting: nothing about the person is left to show."""
    return {
        "type": "home",
        "blocks": [
            section(
                t(
                    "Fika has forgotten you. If you use Fika again (a command, a button, this "
                    "tab), it starts afresh."
                )
            )
        ],
    }


def _state(t: Translator, status: str, paused_until: Any) -> str:
    if status == LEFT:
        return t("you left")
    if status == PAUSED and paused_until is not None:
        return t("on a break until {day}", day=t.day(paused_until))
    return t("taking part")


def my_data_blocks(
    t: Translator, data: PersonalData, tz: ZoneInfo, retention_days: int
) -> tuple[str, list[Block]]:
    title = t("What Fika stores about you")
    member = data.member
    none = "—"
    lines: list[str] = []
    if member is not None:
        if data.library is not None:
            library = escape_within(data.library.display_name(t.locale), 300)
        else:
            library = none
        languages = t.language_names(member.languages)
        choice = t.language_name(member.locale_pref) if member.locale_pref else ""
        lines += [
            t(
                "*Name (copied from Slack):* {name}",
                name=escape_within(member.display_name, 200) or none,
            ),
            t("*Library:* {library}", library=library),
            t(
                "*Languages you chat in:* {languages}",
                languages=t.list(languages) if languages else none,
            ),
            t(
                "*Message language:* {language}",
                language=choice
                or t("from Slack ({locale})", locale=escape(member.slack_locale or none)),
            ),
        ]
    if data.programs:
        lines.append(
            t(
                "*Coffee-break programs:* {programs}",
                programs=t.list(
                    f"{channel_link(channel)} ({_state(t, row.status, row.paused_until)})"
                    for channel, row in data.programs
                ),
            )
        )
    lines.append(t("*Rounds you were paired in:* {n}", n=t.number(data.rounds)))
    lines.append(t("*Groups that answered “we met”:* {n}", n=t.number(data.groups_met)))
    blocks: list[Block] = [header(title), section("\n".join(lines))]
    if data.recent:
        recent = [t("*Your latest coffee groups:*")]
        for group in data.recent:
            people = (
                t.list(person(t, u) for u in group.partners) if group.partners else t("just you")
            )
            recent.append(
                "• "
                + t(
                    "{day} in {channel}: {people}",
                    day=t.day(local(group.day, tz).date()),
                    channel=channel_link(group.channel_id),
                    people=people,
                )
            )
        blocks.append(section("\n".join(recent)))
    tips = data.tips_by_status
    tip_lines = [
        t(
            "*Tips you sent:* {approved} approved, {pending} waiting for review, "
            "{rejected} not approved",
            approved=t.number(tips.get(TipStatus.APPROVED.value, 0)),
            pending=t.number(tips.get(TipStatus.PENDING.value, 0)),
            rejected=t.number(tips.get(TipStatus.REJECTED.value, 0)),
        )
    ]
    if data.tips_decided:
        tip_lines.append(t("*Review decisions you made:* {n}", n=t.number(data.tips_decided)))
    blocks.append(section("\n".join(tip_lines)))
    if retention_days > 0:
        kept = t("Coffee-break history is kept for {days} days.", days=t.number(retention_days))
    else:
        kept = t("Coffee-break history is kept until it is deleted.")
    blocks.append(
        context(
            kept
            + " "
            + t(
                "`/fika forget-me` deletes your data; the App Home shows your programs and "
                "tips too."
            )
        )
    )
    return title, blocks
