"""Personal data on Microsoft Teams as Adaptive Cards 1.5: what Fika stores about a person
(`my-data`), the forget-me and the admins' forget confirmations and their outcomes — the Teams
twin of `bot.privacy.views`.

The sentences are the Slack views' msgids wherever the meaning is the same (byte-identical, so
one translation serves both); where a Slack sentence speaks of Slack (member IDs, "messages
already in Slack", the App Home) Teams has its own sentence. A translation's Slack mrkdwn
becomes Teams markdown (`teams_md`): `*bold*` → `**bold**`, a command to type
(`` `/fika forget-me` ``) → the word alone in bold (`**glöm-mig**`): on Teams the words are
typed on their own in the personal chat, or after @Fika in a channel. Everything put into a
sentence (names, library names, dates) goes through `plain` first, so it cannot become markup.

The data as data: a bot can send a file to a person's chat only through Teams' file-consent
flow (`supportsFiles` in the manifest, a FileConsentCard the person accepts, an upload to their
OneDrive) — a second app permission and a OneDrive copy of the data outside Fika's control.
So `my-data` carries the same facts as JSON in a multi-line text field of the card itself
(`export_elements`): a text field can be selected and copied on every Teams client, where a
TextBlock cannot always be; nothing leaves the chat, and the card stays well under Teams'
28 KB (the JSON is cut at `EXPORT_MAX` characters, far above what one person's summary takes).

Pure: no SDK, no aiohttp, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.coffee.commands import FORGET, FORGET_ME
from bot.coffee.participants import LEFT, PAUSED
from bot.people.former import FORMER_MEMBER, is_former
from bot.platform.commands import Subcommand
from bot.platform.dates import local
from bot.platform.i18n import N_, Translator
from bot.privacy.store import PersonalData
from bot.privacy.views import CANCELLED, FORGET_YOURSELF, NOT_YOURS, OTHER_TOO_OLD, TOO_OLD
from bot.teams.cards.answers import SOME_CHANNEL
from bot.teams.cards.coffee import card, execute, heading, text_block
from bot.teams.cards.text import plain
from bot.tips.models import TipStatus

Card = dict[str, Any]

#: The confirmations' buttons (Action.Execute verbs; data {"confirmation": "<user id>:<epoch>"},
#: `bot.privacy.views.confirmation_value`). Cancel serves both confirmations.
FORGET_CONFIRM = "privacy.forget_confirm"
FORGET_CANCEL = "privacy.forget_cancel"
FORGET_OTHER_CONFIRM = "privacy.forget_other_confirm"  # an admin forgets someone else

#: The JSON in `my-data`'s card is cut at this many characters (one person's summary takes a
#: few hundred; a card may take about 28 000 bytes in all).
EXPORT_MAX = 12_000
NAME_MAX = 200

# Teams' own sentences, where Slack's speak of Slack.
TEAMS_FORGET_USAGE = N_(
    "Whose data? Type `{command} @person` with the person mentioned, or the person's "
    "Microsoft Entra object ID instead of the mention (e.g. `{command} "
    "00000000-0000-0000-0000-000000000000`; in the Entra admin center: Users → the person → "
    "Object ID). Nothing was deleted."
)
TEAMS_FORGOTTEN = N_(
    "Done: Fika has forgotten you. The tips you sent stay, shown as written by “a former "
    "member”. Messages Fika already sent in Teams (introductions, digests) stay in Teams; Fika "
    "no longer keeps any reference to them."
)
TEAMS_FORGOTTEN_OTHER = N_(
    "Done: the data of {person} was deleted from Fika. Their tips stay, shown as written by "
    "“a former member”. Nothing was sent to them. Messages Fika already sent in Teams "
    "(introductions, digests) stay in Teams; Fika no longer keeps any reference to them."
)
TEAMS_FORGOTTEN_HOME = N_(
    "Fika has forgotten you. If you use Fika again (a command or a button), it starts afresh."
)
TEAMS_NAME = N_("*Name (copied from Teams):* {name}")
TEAMS_LOCALE = N_("from Teams ({locale})")
TEAMS_MY_DATA_NOTE = N_("`/fika forget-me` deletes your data.")
EXPORT_LABEL = N_("Everything Fika stores about you, as JSON (to copy):")

_SLACK_BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])")
_COMMAND = re.compile(r"`(?:/fika |/tips )?([^`\n]+)`")


def teams_md(template: str) -> str:
    """A translated Slack sentence (before its placeholders are filled) in Teams markdown."""
    return _COMMAND.sub(r"**\1**", _SLACK_BOLD.sub(r"**\1**", template))


def md(t: Translator, msgid: str, **params: str) -> str:
    """`msgid` translated, as Teams markdown, `params` put in as plain text (callers pass what
    is already plain, or a sentence of ours)."""
    template = teams_md(t(msgid))
    return template.format(**params) if params else template


def word(t: Translator, sub: Subcommand) -> str:
    """A subcommand's word in the reader's language, as typed on Teams (`glöm-mig`)."""
    return sub.word_for(t.locale)


def _cut(text: str, limit: int = NAME_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def name_shown(t: Translator, name: str | None) -> str:
    """A person's name in a sentence: plain, cut; "a former member" when there is none."""
    return plain(_cut(name)) if name else t(FORMER_MEMBER)


# ---------------------------------------------------------------------------- short answers


def note_card(text: str) -> Card:
    return card([text_block(text)])


def problem_text(t: Translator, problem: str) -> str:
    """Why nothing was deleted (`bot.privacy.results.Problem`), in Teams' words."""
    if problem == "not_yours":
        return md(t, NOT_YOURS)
    if problem == "too_old":
        return md(t, TOO_OLD)
    if problem == "no_person":
        return md(t, TEAMS_FORGET_USAGE, command=word(t, FORGET))
    if problem == "yourself":
        return md(t, FORGET_YOURSELF, command=word(t, FORGET_ME))
    return md(t, OTHER_TOO_OLD, command=word(t, FORGET))


def cancelled_card(t: Translator) -> Card:
    return note_card(md(t, CANCELLED))


# ---------------------------------------------------------------------------- confirmations


def forget_confirmation_card(t: Translator, value: str) -> Card:
    """`forget-me`: what goes, and the buttons (the card is the question Slack's confirm
    dialog asks: an Adaptive Card has no dialog on a button)."""
    text = md(
        t,
        "*Forget me?* This deletes your Fika profile (your library, the languages you chat in, "
        "your message language), your place in the coffee-break programs and your breaks. In "
        "the coffee-break history and in tips you become “a former member”: the tips you sent "
        "stay, without your name. This cannot be undone.",
    )
    data = {"confirmation": value}
    return card(
        [text_block(text)],
        [
            execute(t("Delete my data"), FORGET_CONFIRM, data, "destructive"),
            execute(t("Cancel"), FORGET_CANCEL, data),
        ],
    )


def forget_other_confirmation_card(t: Translator, name: str | None, value: str) -> Card:
    """An admin's confirmation before forgetting someone else, naming them (their name as
    Teams gave it, plain)."""
    text = md(
        t,
        "*Delete everything Fika stores about {person}?* Do this on an erasure request handled "
        "by the library organisation, e.g. for a colleague who has left. It deletes their Fika "
        "profile (library, languages, message language), their place in the coffee-break "
        "programs and their breaks. In the coffee-break history and in tips they become “a "
        "former member”: their tips stay, without their name. Nothing is sent to them. This "
        "cannot be undone.",
        person=name_shown(t, name),
    )
    data = {"confirmation": value}
    return card(
        [text_block(text)],
        [
            execute(t("Delete their data"), FORGET_OTHER_CONFIRM, data, "destructive"),
            execute(t("Cancel"), FORGET_CANCEL, data),
        ],
    )


def forgotten_card(t: Translator, channels: Sequence[str | None]) -> Card:
    """Forget-me done (`channels`: the names of the program channels they are still in; None
    for one Fika has no name of)."""
    body = [text_block(md(t, TEAMS_FORGOTTEN))]
    if channels:
        names = ", ".join(plain(_cut(c)) if c else t(SOME_CHANNEL) for c in channels)
        body.append(
            text_block(
                md(
                    t,
                    "You are still in {channels}. As long as you stay there, the next round pairs "
                    "you again as a new participant: leave the channel to stop that – leaving "
                    "channels is yours to do.",
                    channels=names,
                )
            )
        )
    return card(body)


def forgotten_other_card(t: Translator, name: str | None, changed: bool) -> Card:
    person = name_shown(t, name)
    if not changed:
        text = md(t, "Fika had nothing stored about {person}. Nothing was changed.", person=person)
    else:
        text = md(t, TEAMS_FORGOTTEN_OTHER, person=person)
    return note_card(text)


def forgotten_home_card(t: Translator) -> Card:
    """The home card in the personal chat right after forgetting: nothing about them."""
    return card([heading("Fika"), text_block(md(t, TEAMS_FORGOTTEN_HOME))])


# ---------------------------------------------------------------------------- my data


@dataclass(frozen=True)
class TeamsFacts:
    """What the Teams surface keeps to reach the person (`bot.teamsapp.models.TeamsPerson`)
    and the names the card shows for the ids of `PersonalData` (channels, partners)."""

    teams_user_id: str | None = None
    conversation_id: str | None = None
    name: str | None = None
    upn: str | None = None
    locale: str | None = None
    installed: bool = False
    updated_at: datetime | None = None
    deliveries: int = 0  # once-only messages recorded for them (teams_deliveries)
    channels: Mapping[str, str] = field(default_factory=dict)  # channel id → name
    people: Mapping[str, str] = field(default_factory=dict)  # user id → name


def _state(t: Translator, status: str, paused_until: Any) -> str:
    if status == LEFT:
        return t("you left")
    if status == PAUSED and paused_until is not None:
        return t("on a break until {day}", day=t.day(paused_until))
    return t("taking part")


def _channel(t: Translator, facts: TeamsFacts, channel_id: str) -> str:
    name = facts.channels.get(channel_id)
    return plain(_cut(name)) if name else t(SOME_CHANNEL)


def _partner(t: Translator, facts: TeamsFacts, user_id: str) -> str:
    if is_former(user_id):
        return t(FORMER_MEMBER)
    return name_shown(t, facts.people.get(user_id))


def my_data_card(
    t: Translator,
    data: PersonalData,
    facts: TeamsFacts,
    tz: ZoneInfo,
    retention_days: int,
    user_id: str,
) -> Card:
    """`my-data`: the Slack answer's facts and sentences (`bot.privacy.views.my_data_blocks`),
    then the same facts as JSON to copy (`export_elements`)."""
    none = "—"
    body: list[Card] = [heading(t("What Fika stores about you"))]
    member = data.member
    lines: list[str] = []
    if member is not None:
        library = (
            plain(_cut(data.library.display_name(t.locale))) if data.library is not None else none
        )
        languages = t.language_names(member.languages)
        choice = t.language_name(member.locale_pref) if member.locale_pref else ""
        lines += [
            md(t, TEAMS_NAME, name=plain(_cut(member.display_name or "")) or none),
            md(t, "*Library:* {library}", library=library),
            md(
                t,
                "*Languages you chat in:* {languages}",
                languages=t.list(languages) if languages else none,
            ),
            md(
                t,
                "*Message language:* {language}",
                language=choice
                or t(TEAMS_LOCALE, locale=plain(member.slack_locale or facts.locale or none)),
            ),
        ]
    if data.programs:
        lines.append(
            md(
                t,
                "*Coffee-break programs:* {programs}",
                programs=t.list(
                    f"{_channel(t, facts, channel)} ({_state(t, row.status, row.paused_until)})"
                    for channel, row in data.programs
                ),
            )
        )
    lines.append(md(t, "*Rounds you were paired in:* {n}", n=t.number(data.rounds)))
    lines.append(md(t, "*Groups that answered “we met”:* {n}", n=t.number(data.groups_met)))
    body += [text_block(line, spacing="Small") for line in lines]
    if data.recent:
        body.append(text_block(md(t, "*Your latest coffee groups:*"), separator=True))
        for group in data.recent:
            people = (
                t.list(_partner(t, facts, u) for u in group.partners)
                if group.partners
                else t("just you")
            )
            body.append(
                text_block(
                    "- "
                    + md(
                        t,
                        "{day} in {channel}: {people}",
                        day=t.day(local(group.day, tz).date()),
                        channel=_channel(t, facts, group.channel_id),
                        people=people,
                    ),
                    spacing="Small",
                )
            )
    tips = data.tips_by_status
    body.append(
        text_block(
            md(
                t,
                "*Tips you sent:* {approved} approved, {pending} waiting for review, "
                "{rejected} not approved",
                approved=t.number(tips.get(TipStatus.APPROVED.value, 0)),
                pending=t.number(tips.get(TipStatus.PENDING.value, 0)),
                rejected=t.number(tips.get(TipStatus.REJECTED.value, 0)),
            ),
            separator=True,
        )
    )
    if data.tips_decided:
        body.append(
            text_block(md(t, "*Review decisions you made:* {n}", n=t.number(data.tips_decided)))
        )
    if retention_days > 0:
        kept = t("Coffee-break history is kept for {days} days.", days=t.number(retention_days))
    else:
        kept = t("Coffee-break history is kept until it is deleted.")
    body.append(
        text_block(
            kept + " " + md(t, TEAMS_MY_DATA_NOTE), isSubtle=True, size="Small", separator=True
        )
    )
    body += export_elements(t, export_json(data, facts, tz, user_id))
    return card(body)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(data: PersonalData, facts: TeamsFacts, tz: ZoneInfo, user_id: str) -> dict[str, Any]:
    """The facts of `my_data_card` as data: ids as Fika stores them, names as shown, dates ISO;
    other people only by name (their ids are theirs)."""
    member = data.member
    profile: dict[str, Any] | None = None
    if member is not None:
        profile = {
            "name": member.display_name,
            "library": data.library.display_name("sv") if data.library is not None else None,
            "chat_languages": list(member.languages),
            "message_language": member.locale_pref,
            "teams_language": member.slack_locale,
            "first_seen": _iso(member.created_at),
        }
    return {
        "user_id": user_id,
        "profile": profile,
        "programs": [
            {
                "channel": facts.channels.get(channel),
                "status": row.status,
                "paused_until": _iso(row.paused_until),
            }
            for channel, row in data.programs
        ],
        "rounds_paired": data.rounds,
        "groups_met": data.groups_met,
        "latest_groups": [
            {
                "day": local(group.day, tz).date().isoformat(),
                "channel": facts.channels.get(group.channel_id),
                "partners": [None if is_former(u) else facts.people.get(u) for u in group.partners],
            }
            for group in data.recent
        ],
        "tips_sent": dict(sorted(data.tips_by_status.items())),
        "review_decisions": data.tips_decided,
        "teams": {
            "teams_user_id": facts.teams_user_id,
            "personal_chat_id": facts.conversation_id,
            "name": facts.name,
            "user_principal_name": facts.upn,
            "locale": facts.locale,
            "app_installed": facts.installed,
            "updated_at": _iso(facts.updated_at),
            "once_only_messages_recorded": facts.deliveries,
        },
    }


def export_json(data: PersonalData, facts: TeamsFacts, tz: ZoneInfo, user_id: str) -> str:
    text = json.dumps(export(data, facts, tz, user_id), ensure_ascii=False, indent=2)
    return text if len(text) <= EXPORT_MAX else text[: EXPORT_MAX - 1] + "…"


def export_elements(t: Translator, text: str) -> list[Card]:
    """The data as JSON in a multi-line text field (selectable and copyable everywhere)."""
    return [
        {
            "type": "Input.Text",
            "id": "my_data_json",
            "label": t(EXPORT_LABEL),
            "isMultiline": True,
            "value": text,
            "separator": True,
        }
    ]
