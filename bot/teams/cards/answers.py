"""What a person or an admin is told on Teams after the coffee-break use cases, as Adaptive
Cards 1.5: the same sentences (the same msgids) as on Slack, in Teams' markdown.

The Slack views' sentences are written in Slack's mrkdwn (`*bold*`, `` `/fika join` ``,
`<#C123>` for a channel). `TeamsTranslator` is a `Translator` that turns them into what a
Teams card shows, so the Slack views' own functions (`bot.coffee.views.answers`,
`bot.coffee.views.admin`) render Teams answers too, with every rule of theirs (already in a
program, one channel or several):

* a translated sentence's `*bold*` becomes `**bold**`, and `` `/fika join` `` (a command to
  type) the bold word `**join**` — on Teams the command words are typed on their own
  (personal chat) or after @Fika (a team channel); `` `/tips export` `` becomes
  `**tips export**`;
* a channel or person the views link (`<#id>`, `<@id>`) is shown by its name, from the names
  the handler passes in; everything put into a sentence (names, dates, what someone wrote) is
  made plain text (`plain`): it cannot become markup.

Pure: data and a translator in, JSON-ready dicts out; nothing is sent here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.coffee.admin_results import (
    NotAProgram,
    Pairing,
    PlanChanged,
    Started,
    StatsExport,
    Stopped,
)
from bot.coffee.enrolment import Joined, Left, Resumed
from bot.coffee.participants import LEFT, PAUSED
from bot.coffee.stats import CoffeeStats
from bot.coffee.views import admin as admin_views
from bot.coffee.views import answers as slack_answers
from bot.coffee.views.messages import schedule_phrase, size_phrase, when
from bot.coffee.views.stats import figure_lines, period_label
from bot.people.former import person
from bot.people.models import Library
from bot.platform.commands import unescape_entities
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
from bot.privacy.store import PersonalData
from bot.teams.cards.text import plain
from bot.tips.models import TipStatus

Card = dict[str, Any]
Element = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"

#: Shown for a channel or person the handler had no name for.
SOME_CHANNEL = N_("a Teams channel")
SOME_PERSON = N_("a colleague")

# ---------------------------------------------------------------------------- the translator


class Markdown(str):
    """Text already in Teams' markdown (a translated sentence): put into another sentence as
    it is, not made plain again."""

    __slots__ = ()


_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"(?<![\w*\\])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_FIKA = re.compile(r"^/fika(?:\s+|$)")
_LINK = re.compile(r"<([#@])([^<>|\s]+)(?:\|[^<>]*)?>")
_LINE_START = re.compile(r"(?:^|\n)[ \t]*\{(\w+)\}")
_TOKEN = "\x00{}\x00"  # noqa: S105 (a placeholder, not a password)


def command_text(code: str) -> str:
    """What a Slack sentence's code says to type on Teams: `/fika join` is `join` (the `/fika`
    words are typed on their own), `/tips export` is `tips export` (the tips' are typed after
    `tips`, handlers/teams_tips.py)."""
    code = code.strip()
    if code.startswith("/tips"):
        return code[1:]
    return _FIKA.sub("", code).strip() or "Fika"


def teams_markdown(template: str) -> str:
    """A Slack mrkdwn sentence (its placeholders kept) in Teams' markdown."""
    codes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        codes.append(command_text(match.group(1)))
        return _TOKEN.format(len(codes) - 1)

    text = _CODE.sub(keep, template)
    text = _BOLD.sub(lambda m: f"**{m.group(1)}**", text)
    for i, code in enumerate(codes):
        text = text.replace(_TOKEN.format(i), f"**{code}**")
    return text


class TeamsTranslator(Translator):
    """A translator whose sentences are Teams markdown (see the module's docstring);
    `channels` and `people` name the local channel and user ids the views link."""

    def __init__(
        self,
        locale: str,
        channels: Mapping[str, str] | None = None,
        people: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(locale)
        self.channels: Mapping[str, str] = dict(channels or {})
        self.people: Mapping[str, str] = dict(people or {})

    def __repr__(self) -> str:
        return f"TeamsTranslator({self.locale!r})"

    def __call__(self, message: str, **params: object) -> str:
        template = super().__call__(message, **_kept(params))
        return self._fill(template, params)

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        template = super().ngettext(singular, plural, n, **_kept(params))
        return self._fill(template, params)

    def _fill(self, template: str, params: Mapping[str, object]) -> Markdown:
        text = teams_markdown(template)
        if params:
            starts = set(_LINE_START.findall(text))
            text = text.format(
                **{k: self.inserted(v, line_start=k in starts) for k, v in params.items()}
            )
        return Markdown(text)

    def inserted(self, value: object, *, line_start: bool = True) -> str:
        """A value put into a sentence: a sentence as it is; anything else as plain text, with
        the channels and people the Slack views link shown by name. Inside a line
        (`line_start` False) "9.00" or "- 2" cannot start a list: they are not escaped."""
        if isinstance(value, Markdown):
            return value
        text = unescape_entities(str(value))  # the Slack views escape for Slack
        parts: list[str] = []
        end = 0
        for match in _LINK.finditer(text):
            parts.append(text[end : match.start()])
            parts.append(self.name_of(match.group(1), match.group(2)))
            end = match.end()
        parts.append(text[end:])
        shown = [_within(part) for part in parts]
        if line_start and shown:
            shown[0] = plain(parts[0])
        return "".join(shown)

    def name_of(self, kind: str, local_id: str) -> str:
        if kind == "#":
            return self.channels.get(local_id) or super().__call__(SOME_CHANNEL)
        return self.people.get(local_id) or super().__call__(SOME_PERSON)


def _within(text: str) -> str:
    """`plain` for text that does not start a line (its own line breaks still do)."""
    return plain("x" + text)[1:]


def _kept(params: Mapping[str, object]) -> dict[str, object]:
    """Placeholders that format as themselves: the translated template, placeholders kept."""
    return {key: "{" + key + "}" for key in params}


def teams_translator(
    t: Translator,
    channels: Mapping[str, str] | None = None,
    people: Mapping[str, str] | None = None,
) -> TeamsTranslator:
    """The Teams translator for `t`'s language (a `TeamsTranslator` given is given new names)."""
    if isinstance(t, TeamsTranslator):
        return TeamsTranslator(
            t.locale, {**t.channels, **(channels or {})}, {**t.people, **(people or {})}
        )
    return TeamsTranslator(t.locale, channels, people)


# ---------------------------------------------------------------------------- card parts


def card(
    body: Sequence[Element],
    actions: Sequence[Element] = (),
    *,
    refresh: Element | None = None,
) -> Card:
    """An Adaptive Card 1.5 as Teams takes it (full width in a chat)."""
    shown: Card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": list(body),
    }
    if actions:
        shown["actions"] = list(actions)
    if refresh is not None:
        shown["refresh"] = refresh
    shown["msteams"] = {"width": "Full"}
    return shown


def text_block(text: str, **options: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **options}


def heading(text: str) -> Element:
    return text_block(text, weight="Bolder", size="Medium", style="heading")


def note(text: str) -> Element:
    return text_block(text, isSubtle=True, size="Small")


def lines(text: str, **options: Any) -> list[Element]:
    """One TextBlock per line (Teams does not show a single newline as a line break)."""
    return [text_block(line, **options) for line in text.split("\n") if line.strip()]


def execute(
    title: str, verb: str, data: Mapping[str, Any] | None = None, style: str | None = None
) -> Element:
    """A button the bot answers (an `adaptiveCard/action` invoke): `verb` and `data`."""
    action: Element = {"type": "Action.Execute", "title": title, "verb": verb}
    if data:
        action["data"] = dict(data)
    if style:
        action["style"] = style
    return action


def dialog_button(title: str, dialog: str, data: Mapping[str, Any] | None = None) -> Element:
    """A button that opens a dialog (`task/fetch`, answered by the router's DIALOGS[dialog])."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "task/fetch"}, "dialog": dialog, **(data or {})},
    }


def submit(title: str, dialog: str, data: Mapping[str, Any] | None = None) -> Element:
    """A dialog's Save (`task/submit` to DIALOGS[dialog], with the inputs' values)."""
    return {
        "type": "Action.Submit",
        "title": title,
        "style": "positive",
        "data": {"dialog": dialog, **(data or {})},
    }


def action_set(actions: Sequence[Element]) -> Element:
    return {"type": "ActionSet", "actions": list(actions)}


_MARKS = re.compile(r"\*\*|\\(?=[^\w\s])")


def summary(shown: Card) -> str:
    """The notification text of a card: its first line, without markdown (at most 200)."""
    for element in shown.get("body") or []:
        if element.get("type") == "TextBlock" and element.get("text"):
            text = _MARKS.sub("", str(element["text"])).strip()
            return text if len(text) <= 200 else text[:199] + "…"
    return "Fika"


def notice_card(text: str, title: str | None = None) -> Card:
    """A card that only says something: a title (optional) and the text, line by line."""
    return card(([heading(title)] if title else []) + lines(text))


# ---------------------------------------------------------------------------- people's answers


def refused_card(t: TeamsTranslator, error: UserFacingError) -> Card:
    """A refusal of a use case (also a `NotAuthorized`) in the reader's language."""
    return notice_card(slack_answers.refusal_text(t, error))


def joined_card(t: TeamsTranslator, joined: Joined) -> Card:
    return notice_card(slack_answers.joined_notice(t, joined))


def left_card(t: TeamsTranslator, left: Left) -> Card:
    return notice_card(slack_answers.left_notice(t, left))


def resumed_card(t: TeamsTranslator, resumed: Resumed) -> Card:
    return notice_card(slack_answers.resumed_notice(t, resumed))


def paused_card(t: TeamsTranslator, until: date | None) -> Card:
    """After `pause 2 weeks` or the pause dialog: the break, or that no program is theirs."""
    return notice_card(slack_answers.pause_form_notice(t, until))


# ---------------------------------------------------------------------------- dialogs

#: The dialogs (task modules) of this module, as the router's DIALOGS name them.
PROFILE_DIALOG = "profile"
PAUSE_DIALOG = "pause"

#: Field ids of the profile dialog, as `bot.coffee.service.save_profile`'s problems name them.
LIBRARY = "library"
LIBRARY_TYPED = "library_typed"
LANGUAGES = "languages"
MESSAGE_LOCALE = "message_locale"
UNTIL = "until"

#: Libraries listed in the dialog's choice list (a card stays under 28 KB); the others are typed.
LIBRARY_CHOICES_MAX = 150
LIBRARY_NAME_MAX = 200
AUTO_LOCALE = "auto"
CHAT_LANGUAGES = ("sv", "fi", "en")
SAME_AS_TEAMS = N_("Same as my Teams language")


def _error(text: str) -> Element:
    return text_block(text, color="Attention", spacing="None", size="Small")


def library_title(library: Library, locale: str) -> str:
    """A library as the choice list shows it: its name, and its municipality unless the name
    says it (two "Huvudbiblioteket" told apart)."""
    from bot.people.libraries import label_municipality

    name = library.display_name(locale)
    town = label_municipality(library, locale)
    return f"{name} ({town})" if town else name


def profile_dialog(
    t: TeamsTranslator,
    libraries: Sequence[Library],
    current_library: Library | None,
    chat_languages: Sequence[str],
    locale_pref: str | None,
    *,
    typed: str | None = None,
    errors: Mapping[str, str] | None = None,
) -> Card:
    """The profile form: a library from the list or typed, the chat languages, the message
    language; the same fields and limits as the Slack modal (bot.coffee.views.modals).
    Shown again after a refused save with what was typed (`typed`) and each field's error."""
    errors = errors or {}
    body: list[Element] = [
        text_block(
            t(
                "Tell me where you work and which languages you can chat in. I use them to "
                "pair you with colleagues from other libraries who speak your language."
            )
        )
    ]
    curated = current_library if current_library and current_library.curated else None
    listed = list(libraries[:LIBRARY_CHOICES_MAX])
    if curated is not None and all(lib.id != curated.id for lib in listed):
        listed.append(curated)
    if listed:
        choice: Element = {
            "type": "Input.ChoiceSet",
            "id": LIBRARY,
            "label": t("Your library"),
            "placeholder": t("Pick your library"),
            "style": "compact",
            "choices": [
                {"title": library_title(lib, t.locale), "value": str(lib.id)} for lib in listed
            ],
        }
        if curated is not None:
            choice["value"] = str(curated.id)
        body.append(choice)
        if LIBRARY in errors:
            body.append(_error(errors[LIBRARY]))
    typed_value = typed
    if typed_value is None and current_library is not None and curated is None:
        typed_value = current_library.name_sv
    typed_input: Element = {
        "type": "Input.Text",
        "id": LIBRARY_TYPED,
        "label": t("Not on the list? Type its name") if listed else t("Your library"),
        "placeholder": t("e.g. Kronoby bibliotek"),
        "maxLength": LIBRARY_NAME_MAX,
    }
    if typed_value:
        typed_input["value"] = typed_value[:LIBRARY_NAME_MAX]
    body.append(typed_input)
    if LIBRARY_TYPED in errors:
        body.append(_error(errors[LIBRARY_TYPED]))
    chosen = [code for code in CHAT_LANGUAGES if code in chat_languages]
    languages: Element = {
        "type": "Input.ChoiceSet",
        "id": LANGUAGES,
        "label": t("Languages you can chat in"),
        "isMultiSelect": True,
        "style": "expanded",
        "isRequired": True,
        "errorMessage": t("Pick at least one language."),
        "choices": [{"title": t.language_name(code), "value": code} for code in CHAT_LANGUAGES],
    }
    if chosen:
        languages["value"] = ",".join(chosen)
    body.append(languages)
    if LANGUAGES in errors:
        body.append(_error(errors[LANGUAGES]))
    current = locale_pref if locale_pref in CHAT_LANGUAGES else AUTO_LOCALE
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": MESSAGE_LOCALE,
            "label": t("Language of my messages from Fika"),
            "style": "compact",
            "isRequired": True,
            "errorMessage": t("Pick a language from the list."),
            "value": current,
            "choices": [{"title": t(SAME_AS_TEAMS), "value": AUTO_LOCALE}]
            + [{"title": t.language_name(code), "value": code} for code in CHAT_LANGUAGES],
        }
    )
    if MESSAGE_LOCALE in errors:
        body.append(_error(errors[MESSAGE_LOCALE]))
    return card(body, [submit(t("Save"), PROFILE_DIALOG)])


def profile_title(t: Translator) -> str:
    return t("Your Fika profile")


def profile_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The profile dialog's submitted values as `bot.coffee.service.save_profile` takes them
    (whatever a crafted submission holds reads as empty)."""

    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    return {
        "library_id": text(LIBRARY).strip() or None,
        "typed_library": text(LIBRARY_TYPED),
        "languages": [code for code in text(LANGUAGES).split(",") if code.strip()],
        "message_locale": text(MESSAGE_LOCALE) or AUTO_LOCALE,
    }


def profile_saved_card(
    t: TeamsTranslator, library_name: str | None, languages: Sequence[str], locale: str
) -> Card:
    """After the profile dialog (said in the new message language, as on Slack)."""
    return card(
        [
            text_block(t("✅ Your Fika profile is saved."), weight="Bolder"),
            text_block(
                t(
                    "*Your library:* {library}",
                    library=library_name if library_name else t("not set yet"),
                )
            ),
            text_block(
                t("*You chat in:* {languages}", languages=t.list(t.language_names(languages)))
            ),
            text_block(t("*Messages to you in:* {language}", language=t.language_name(locale))),
        ]
    )


def pause_dialog(
    t: TeamsTranslator,
    program_id: int | None,
    suggested: date,
    earliest: date,
    latest: date,
    error: str | None = None,
) -> Card:
    """The pause-until date (Input.Date between tomorrow and the longest break), for one
    program (a home card's button) or every program (`program_id` None)."""
    body: list[Element] = [
        {
            "type": "Input.Date",
            "id": UNTIL,
            "label": t("Take a break until"),
            "value": suggested.isoformat(),
            "min": earliest.isoformat(),
            "max": latest.isoformat(),
            "isRequired": True,
            "errorMessage": t("Pick a date after today."),
        },
        note(t("From this date on you are paired again.")),
    ]
    if error:
        body.append(_error(error))
    data = {"program_id": program_id} if program_id is not None else {}
    return card(body, [submit(t("Save"), PAUSE_DIALOG, data)])


def pause_title(t: Translator) -> str:
    return t("Take a break")


def pause_prompt_card(t: TeamsTranslator, usage: UserFacingError) -> Card:
    """`pause` typed without a length: how to type one, and a button to pick the day."""
    return card(
        lines(slack_answers.refusal_text(t, usage)),
        [dialog_button(t("Take a break"), PAUSE_DIALOG)],
    )


def profile_prompt_card(t: TeamsTranslator) -> Card:
    """`profile` typed: a bot cannot open a dialog by itself, so a button opens it."""
    return card(
        [
            text_block(
                t(
                    "Tell me where you work and which languages you can chat in. I use them to "
                    "pair you with colleagues from other libraries who speak your language."
                )
            )
        ],
        [dialog_button(t("Edit profile"), PROFILE_DIALOG)],
    )


# ---------------------------------------------------------------------------- status


def program_heading(t: TeamsTranslator, program: Any) -> str:
    """ "**#fika** – every week on Monday at 09:00, in pairs"."""
    name = plain(t.name_of("#", program.channel_id))
    return f"**{name}** – {schedule_phrase(t, program)}, {size_phrase(t, program.group_size)}"


def profile_lines(
    t: TeamsTranslator, library: str | None, chat_languages: Sequence[str], locale: str
) -> list[str]:
    languages = t.language_names(chat_languages)
    return [
        t("*Your library:* {library}", library=library if library else t("not set yet")),
        t(
            "*You chat in:* {languages}",
            languages=t.list(languages) if languages else t("not set yet"),
        ),
        t("*Messages to you in:* {language}", language=t.language_name(locale)),
    ]


def status_card(
    t: TeamsTranslator,
    standings: Sequence[Any],
    library: Library | None,
    chat_languages: Sequence[str],
    message_locale: str,
    program_channels: Sequence[str],
) -> Card:
    """`status` (bot.coffee.service.Status): the programs the person stands in, their
    profile; the sentences of the Slack answer (bot.coffee.views.messages.status_blocks)."""
    body: list[Element] = [heading(t("Your coffee breaks"))]
    if not standings:
        if program_channels:
            body.append(
                text_block(
                    t(
                        "You are not in a coffee-break program yet. Join a program channel to "
                        "take part: {channels}",
                        channels=", ".join(f"<#{c}>" for c in program_channels),
                    )
                )
            )
        else:
            body.append(
                text_block(
                    t(
                        "There are no coffee-break programs yet. An admin starts one with "
                        "`/fika start` in a channel."
                    )
                )
            )
    for entry in list(standings)[:20]:
        program = entry.program
        part = [text_block(program_heading(t, program), separator=True)]
        if entry.state == LEFT:
            part.append(text_block(t("You have left this program. `/fika join` brings you back.")))
        elif entry.state == PAUSED and entry.paused_until:
            part.append(
                text_block(
                    t(
                        "You are taking a break until {day}; after that you are paired again.",
                        day=t.day(entry.paused_until),
                    )
                )
            )
        else:
            part.append(text_block(t("You take part.")))
        if entry.next_at is not None and entry.state != LEFT:
            part.append(
                text_block(t("*Next round:* {when}", when=when(t, entry.next_at, program.tz)))
            )
        if entry.partners and entry.group_day is not None:
            part.append(
                text_block(
                    t(
                        "*Your latest coffee group* ({day}): {people}",
                        day=t.day(entry.group_day),
                        people=t.list(person(t, p.user_id) for p in entry.partners),
                    )
                )
            )
        body += part
    shown_library = library.display_name(t.locale) if library is not None else None
    body += [
        text_block(line, separator=i == 0)
        for i, line in enumerate(profile_lines(t, shown_library, chat_languages, message_locale))
    ]
    body.append(note(t("Change these with `/fika profile`.")))
    return card(body, [dialog_button(t("Edit profile"), PROFILE_DIALOG)])


# ---------------------------------------------------------------------------- my data


def _state(t: TeamsTranslator, status: str, paused_until: Any) -> str:
    if status == LEFT:
        return t("you left")
    if status == PAUSED and paused_until is not None:
        return t("on a break until {day}", day=t.day(paused_until))
    return t("taking part")


def my_data_card(t: TeamsTranslator, data: PersonalData, tz: ZoneInfo, retention_days: int) -> Card:
    """`my-data`: what Fika stores about the person (the Slack answer's sentences,
    bot.privacy.views.my_data_blocks), in their personal chat."""
    from bot.platform.dates import local

    none = "—"
    body: list[Element] = [heading(t("What Fika stores about you"))]
    member = data.member
    if member is not None:
        library = data.library.display_name(t.locale) if data.library is not None else none
        languages = t.language_names(member.languages)
        choice = t.language_name(member.locale_pref) if member.locale_pref else ""
        body += [
            text_block(t("*Library:* {library}", library=library)),
            text_block(
                t(
                    "*Languages you chat in:* {languages}",
                    languages=t.list(languages) if languages else none,
                )
            ),
            text_block(
                t(
                    "*Message language:* {language}",
                    language=choice or t(SAME_AS_TEAMS),
                )
            ),
        ]
    if data.programs:
        body.append(
            text_block(
                t(
                    "*Coffee-break programs:* {programs}",
                    programs=t.list(
                        f"{t.name_of('#', channel)} ({_state(t, row.status, row.paused_until)})"
                        for channel, row in data.programs
                    ),
                )
            )
        )
    body.append(text_block(t("*Rounds you were paired in:* {n}", n=t.number(data.rounds))))
    body.append(text_block(t("*Groups that answered “we met”:* {n}", n=t.number(data.groups_met))))
    if data.recent:
        body.append(text_block(t("*Your latest coffee groups:*"), separator=True))
        for group in data.recent:
            people = (
                t.list(person(t, u) for u in group.partners) if group.partners else t("just you")
            )
            day = local(group.day, tz).date()
            body.append(
                text_block(
                    "- "
                    + t(
                        "{day} in {channel}: {people}",
                        day=t.day(day),
                        channel=f"<#{group.channel_id}>",
                        people=people,
                    )
                )
            )
    tips = data.tips_by_status
    body.append(
        text_block(
            t(
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
            text_block(t("*Review decisions you made:* {n}", n=t.number(data.tips_decided)))
        )
    if retention_days > 0:
        kept = t("Coffee-break history is kept for {days} days.", days=t.number(retention_days))
    else:
        kept = t("Coffee-break history is kept until it is deleted.")
    body.append(note(kept))
    return card(body)


# ---------------------------------------------------------------------------- admins


def started_card(t: TeamsTranslator, started: Started) -> Card:
    return notice_card(admin_views.started_reply(t, started))


def stopped_card(t: TeamsTranslator, result: Stopped | NotAProgram) -> Card:
    return notice_card(admin_views.stopped_reply(t, result))


def plan_card(t: TeamsTranslator, result: PlanChanged | NotAProgram) -> Card:
    return notice_card(admin_views.plan_reply(t, result))


def pairing_card(t: TeamsTranslator, result: Pairing | NotAProgram) -> Card:
    return notice_card(admin_views.pairing_reply(t, result))


def figures_coming_card(t: TeamsTranslator) -> Card:
    """`stats csv`: said at once; the file comes to the personal chat."""
    return notice_card(admin_views.figures_file_coming(t))


def figures_card(t: TeamsTranslator, stats: CoffeeStats) -> Card:
    """`stats`: the figures (bot.coffee.views.stats' labels) as a fact list."""
    body: list[Element] = [
        heading(t("Coffee breaks {period}", period=period_label(t, stats))),
        {
            "type": "FactSet",
            "facts": [{"title": label, "value": value} for label, value in figure_lines(t, stats)],
        },
    ]
    if stats.library_pairs:
        shown = "; ".join(f"{a} – {b}" for a, b in stats.library_pairs[:30])
        line = t("*Libraries that met:* {pairs}", pairs=shown)
        if len(stats.library_pairs) > 30:
            line += " " + t.ngettext("and {n} more", "and {n} more", len(stats.library_pairs) - 30)
        body.append(text_block(line))
    body.append(
        note(
            t(
                "A group counts as across libraries when everyone's library is known and no two "
                "come from the same one. `/fika stats csv` sends these figures as a file."
            )
        )
    )
    return card(body)


#: Rounds listed in the figures' table (a card stays under 28 KB).
TABLE_ROUNDS_MAX = 120


def figures_table_card(t: TeamsTranslator, export: StatsExport) -> Card:
    """`stats csv` on Teams: the figures and one line per round (the CSV file's columns), in
    the personal chat."""
    stats = export.stats
    shown = figures_card(t, stats)
    body = shown["body"]
    header = " · ".join([t("Date"), t("Channel"), t("People"), t("Groups"), t("Groups that met")])
    body.append(text_block(f"**{header}**", separator=True))
    for row in stats.per_round[:TABLE_ROUNDS_MAX]:
        channel = export.channel_names.get(row.channel_id) or t.name_of("#", row.channel_id)
        cells = [
            row.day.isoformat(),
            plain(channel),
            t.number(row.people),
            t.number(row.groups),
            t.number(row.met),
        ]
        body.append(text_block(" · ".join(cells), spacing="None"))
    if len(stats.per_round) > TABLE_ROUNDS_MAX:
        body.append(
            note(
                t.ngettext("and {n} more", "and {n} more", len(stats.per_round) - TABLE_ROUNDS_MAX)
            )
        )
    return shown


def figures_file_card(t: TeamsTranslator, url: str | None = None) -> Card:
    """The personal chat's message with the figures' CSV file."""
    return notice_card(admin_views.figures_file_comment(t))


def started_post_card(t: TeamsTranslator, started: Started) -> Card:
    """Posted in the program's channel when it starts (the Slack post's sentences)."""
    program = started.program
    return card(
        [
            heading(t("☕ Fika – distance coffee breaks")),
            text_block(
                t(
                    "This channel is now a coffee-break program! I'll pair the people here "
                    "{size} with colleagues from other libraries for a short remote coffee "
                    "break.",
                    size=size_phrase(t, program.group_size),
                )
            ),
            text_block(
                t("*When:* {schedule} ({tz})", schedule=schedule_phrase(t, program), tz=program.tz)
            ),
            text_block(t("*First round:* {when}", when=when(t, started.next_round.at, program.tz))),
            text_block(
                t(
                    "Being in this channel means taking part. Tell me your library and the "
                    "languages you chat in with `/fika profile`. Take a break with "
                    "`/fika pause 2 weeks`, or stop with `/fika leave` – or simply leave the "
                    "channel."
                )
            ),
            note(
                t(
                    "Fika stores who was paired with whom and whether you met, for the "
                    "statistics of the AKE team."
                )
            ),
        ]
    )


def stopped_post_card(t: TeamsTranslator, stopped: Stopped) -> Card:
    return card(
        [
            text_block(
                t(
                    "☕ The coffee breaks in this channel have stopped: no more rounds until an "
                    "admin types `/fika start` here again."
                )
            )
        ]
    )


def plan_post_card(t: TeamsTranslator, changed: PlanChanged) -> Card:
    program = changed.program
    return card(
        [
            text_block(
                t(
                    "☕ New coffee-break plan: {schedule}, {size}. Next round: {when}.",
                    schedule=schedule_phrase(t, program),
                    size=size_phrase(t, program.group_size),
                    when=when(t, changed.next_round.at, program.tz),
                )
            )
        ]
    )
