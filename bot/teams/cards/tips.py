"""Adaptive Cards 1.5 for good-practice tips on Teams: the tip form (a dialog), the review card,
the digest, notices to authors, lists (search, latest, mine, the review queue) and refusals.

Pure: the stored `Tip`s, the use cases' results, a `Translator` and names in; JSON-ready dicts
out. The sentences are the Slack views' (`bot.tips.views`), byte-identical msgids, shown the
Teams way by `say` / `say_n`: Slack's `*bold*` becomes `**bold**` and a command typed as
`/tips …` on Slack is written `tips …` (on Teams it is a word sent to Fika, not a slash
command). Whatever a person wrote (titles, descriptions, library names, reasons, names, queries)
goes through `plain`, so Teams shows it as text and never as markup; the translated sentence is
rewritten before the person's text is put into it, never after.

The review card differs by role: the card posted in the review channel is the read-only one
(everyone sees the tip and its state), with a `refresh` naming the curators, whose Teams clients
ask for their own version (verb `tips.card`) and get the one with the buttons. Every button is
checked again on the server (handlers/teams_tips.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from datetime import time as dt_time
from typing import Any
from zoneinfo import ZoneInfo

from bot.people.former import FORMER_MEMBER, is_former
from bot.platform.i18n import LANGUAGE_NAMES, N_, Translator
from bot.teams.cards.text import plain as escape_markup
from bot.tips.effects import Digest
from bot.tips.models import Tip, TipSource, TipStatus
from bot.tips.results import TipForm, TipList
from bot.tips.search import SearchResult
from bot.tips.store import (
    CATEGORIES,
    CATEGORY_BY_KEY,
    DESCRIPTION_MAX,
    LIBRARY_NAME_MAX,
    LINK_MAX,
    NOTE_MAX,
    OTHER_LIBRARY,
    STATUS_LABELS,
    TIP_LANGUAGES,
    TITLE_MAX,
    FieldError,
    Page,
)

Card = dict[str, Any]
Element = dict[str, Any]

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
#: Teams refuses a bot message over ~28 KB; a card is kept well under that (with the activity
#: around it), and the digest is split into several cards to stay so.
CARD_LIMIT = 28 * 1024
CARD_BUDGET = 24 * 1024
#: Teams refreshes a card automatically for at most 60 of the users it names.
REFRESH_USERS_MAX = 60
SNIPPET = 280
STATIC_CHOICES_MAX = 100

# Verbs of the Action.Execute buttons (handlers/teams_tips.py answers them).
VERB_APPROVE = "tips.approve"  # data {"tip_id": id}
VERB_REJECT = "tips.reject"  # data {"tip_id": id}; the reason input "reason"
VERB_EDIT = "tips.edit"  # data {"tip_id": id}; inputs "title", "description", "category"
VERB_CARD = "tips.card"  # the refresh: the card as the viewer's role sees it
VERB_PAGE = "tips.page"  # data {"k": kind, "q": query, "o": offset}
VERB_REVIEW_PAGE = "tips.review_page"  # data {"o": offset}
#: data["dialog"] of the tip form (task/fetch from the "Share a tip" button, task/submit,
#: composeExtension/submitAction): a bot opens a dialog only from an Action.Submit.
DIALOG_TIP = "tips.form"

# The tip form's input ids = the fields `bot.tips.service.share` takes.
FIELDS = ("title", "description", "category", "library", "library_other", "link", "language")

CATEGORY_EMOJI = {
    "participation": "🙌",
    "diversity": "💬",
    "resource_smart": "♻️",
    "digital_inclusion": "💻",
    "talent": "⭐",
    "went_well": "🎉",
    "other": "💡",
}
STATUS_EMOJI = {
    TipStatus.PENDING.value: "⏳",
    TipStatus.APPROVED.value: "✅",
    TipStatus.REJECTED.value: "❌",
}

# New sentences for Teams (no Slack view says them).
FROM_TEAMS_MESSAGE = N_("From a Teams message — edit the text as you like.")
A_TEAMS_MESSAGE = N_("a Teams message")
EXPORT_AS_TEXT = N_(
    "Teams lets me send no files here, so the export follows as text: copy it into a file "
    "named {filename} and open that in a spreadsheet (semicolon-separated)."
)
EXPORT_DONE = N_("Done: the export is in our personal chat.")
EXPORT_NOT_PERSONAL = N_(
    "I can send the export only in our personal chat, and Teams doesn't let me write to you "
    "there yet: open Fika in Teams (Apps → Fika → Add), then ask again."
)
FORM_CLOSED = N_("Thank you! Your tip was sent to the AKE team for review.")
# The same sentences as bot.tips.views (msgids byte-identical).
NO_SUCH_TIP = N_("I can't find that tip any more.")
FORM_UNREADABLE = N_(
    "This form could not be read, so the tip was not sent. Copy your text, close the form "
    "and open it again with /tips."
)


# ---------------------------------------------------------------------------- text


def plain(text: str | None) -> str:
    """A person's text as Teams shows it in a TextBlock: as written, never as markup."""
    return escape_markup(text or "")


def cut(text: str | None, limit: int) -> str:
    """At most `limit` characters of `text` (an ellipsis when cut)."""
    text = text or ""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


_SLASH_COMMAND = re.compile(r"(?<![\w/])/(tips|fika)\b")
_SLACK_BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")


def teams_wording(text: str) -> str:
    """A translated Slack sentence the Teams way: `*bold*` → `**bold**`, `/tips x` → `tips x`.
    Only for our own sentences: a person's text must never pass through here."""
    return _SLACK_BOLD.sub(r"**\1**", _SLASH_COMMAND.sub(r"\1", text))


def _fill(template: str, params: Mapping[str, object]) -> str:
    # Placeholders stand for the values while the sentence is rewritten, so nothing a person
    # wrote is ever read as markup.
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(params)}
    text = teams_wording(template.format(**marks))
    for name, mark in marks.items():
        text = text.replace(mark, str(params[name]))
    return text


def say(t: Translator, msgid: str, **params: object) -> str:
    """t(msgid, **params), worded for Teams; `params` must already be `plain` where a person
    wrote them."""
    return _fill(t(msgid), params) if params else teams_wording(t(msgid))


def say_n(t: Translator, singular: str, plural: str, n: int, **params: object) -> str:
    marks = {name: f"\x00p{i}\x00" for i, name in enumerate(params)}
    text = teams_wording(t.ngettext(singular, plural, n, **marks))
    for name, mark in marks.items():
        text = text.replace(mark, str(params[name]))
    return text


def person_name(t: Translator, names: Mapping[str, str], user_id: str | None) -> str:
    """Who someone is, as text: their name, "a former member", or "—" when unknown."""
    if not user_id:
        return "—"
    if is_former(user_id):
        return t(FORMER_MEMBER)
    name = names.get(user_id)
    return plain(cut(name, 200)) if name else "—"


def when(t: Translator, value: datetime | None, tz: ZoneInfo) -> str:
    """A moment in the reader's language: '7.12.2026 9.00' (as the Slack cards show it)."""
    return t.datetime(value, tz) if value is not None else ""


def category_text(t: Translator, key: str) -> str:
    category = CATEGORY_BY_KEY.get(key, CATEGORY_BY_KEY["other"])
    return f"{CATEGORY_EMOJI.get(category.key, '')} {t(category.label)}".strip()


# ---------------------------------------------------------------------------- card parts


def card(
    body: Sequence[Element],
    actions: Sequence[Element] = (),
    *,
    refresh: Element | None = None,
) -> Card:
    out: Card = {
        "type": "AdaptiveCard",
        "version": VERSION,
        "$schema": SCHEMA,
        "body": list(body),
    }
    if actions:
        out["actions"] = list(actions)
    if refresh is not None:
        out["refresh"] = refresh
    return out


def card_size(value: Card) -> int:
    """The card's size as Teams counts it: UTF-8 bytes of its JSON."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def text_block(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def heading(text: str) -> Element:
    return text_block(text, size="medium", weight="bolder")


def small(text: str) -> Element:
    return text_block(text, size="small", isSubtle=True, spacing="small")


def warning(text: str) -> Element:
    return text_block(text, color="attention", weight="bolder")


def execute(title: str, verb: str, data: Mapping[str, Any], **more: Any) -> Element:
    return {
        "type": "Action.Execute",
        "title": cut(title, 75),
        "verb": verb,
        "data": dict(data),
        **more,
    }


def _facts(facts: Sequence[tuple[str, str]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts if v]}


def link_markdown(url: str | None, label: str | None = None) -> str:
    """A validated http(s) link as Teams markdown; the label escaped, the address kept whole
    (a `)` in it is percent-encoded so it cannot end the link)."""
    if not url:
        return ""
    address = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{plain(cut(label or url, 200))}]({address})"


def source_text(t: Translator, tip: Tip) -> str:
    if tip.source_kind == TipSource.SHORTCUT.value:
        if tip.source_ref and tip.source_ref.startswith(("https://", "http://")):
            return link_markdown(tip.source_ref, t(A_TEAMS_MESSAGE))
        return t(A_TEAMS_MESSAGE)
    if tip.source_kind == TipSource.COFFEE.value:
        return t("a coffee break")
    if tip.source_kind == TipSource.HOME.value:
        return t("the Home tab")
    return say(t, "the /tips command")


# ---------------------------------------------------------------------------- the tip form


def form_errors(
    t: Translator, errors: Mapping[str, FieldError], *, library_select: bool
) -> dict[str, str]:
    """The use case's field errors as sentences by input id (a library error is shown under
    the typed name when the form has no list)."""
    shown: dict[str, str] = {}
    for name, error in errors.items():
        field = name if name in FIELDS else "title"
        if field == "library" and not library_select:
            field = "library_other"
        message = say(t, error.message, **error.params)
        shown[field] = f"{shown[field]} {message}" if field in shown else message
    return shown


def _text_input(
    input_id: str,
    label: str,
    value: str | None,
    max_length: int,
    *,
    required: bool,
    error: str,
    multiline: bool = False,
    placeholder: str | None = None,
    style: str | None = None,
) -> Element:
    element: Element = {
        "type": "Input.Text",
        "id": input_id,
        "label": label,
        "maxLength": max_length,
        "isRequired": required,
        "errorMessage": error,
    }
    if multiline:
        element["isMultiline"] = True
    if value:
        element["value"] = value[:max_length]
    if placeholder:
        element["placeholder"] = placeholder
    if style:
        element["style"] = style
    return element


def _choices(
    input_id: str,
    label: str,
    choices: Sequence[tuple[str, str]],
    value: str | None,
    *,
    required: bool,
    error: str,
    placeholder: str | None = None,
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "style": "compact",
        "isRequired": required,
        "errorMessage": error,
        "choices": [{"title": cut(title, 150), "value": v} for title, v in choices],
    }
    if value and any(v == value for _title, v in choices):
        element["value"] = value
    if placeholder:
        element["placeholder"] = placeholder
    return element


def tip_form_card(
    t: Translator,
    form: TipForm,
    *,
    values: Mapping[str, str | None] | None = None,
    errors: Mapping[str, str] | None = None,
    dialog: str = DIALOG_TIP,
) -> Card:
    """The tip form (a dialog): prefilled as `bot.tips.service.tip_form` prepared it, or, sent
    back with `errors` (sentences by input id), with what the person had typed (`values`).

    The inputs' ids are the use case's field names; the submit's data carries the dialog's
    name and where the tip came from (`s`: source, `r`: its reference, e.g. the message link)."""
    typed = form.typed_library
    initial: dict[str, str | None] = {
        "title": form.title,
        "description": form.description,
        "category": None,
        "library": str(form.library_id) if form.library_id is not None else None,
        "library_other": typed.display_name(t.locale) if typed is not None else None,
        "link": form.link,
        "language": t.locale if t.locale in TIP_LANGUAGES else "sv",
    }
    if values is not None:
        initial.update({k: v for k, v in values.items() if k in FIELDS})
    errors = errors or {}
    body: list[Element] = []
    if form.source == TipSource.SHORTCUT.value:
        body.append(small(t(FROM_TEAMS_MESSAGE)))
    elif form.source == TipSource.COFFEE.value:
        body.append(small(t("From your coffee break — what did you learn from each other?")))
    else:
        body.append(
            small(
                t(
                    "Tip the AKE team about a talent, a good practice or something "
                    "your library did well. They read every tip before it is shared."
                )
            )
        )

    def add(element: Element) -> None:
        body.append(element)
        problem = errors.get(element["id"])
        if problem:
            body.append(text_block(problem, color="attention", size="small", spacing="none"))

    add(
        _text_input(
            "title",
            t("Title"),
            initial["title"],
            TITLE_MAX,
            required=True,
            error=t("Please give the tip a title."),
            placeholder=t("In a few words: what is it?"),
        )
    )
    add(
        _text_input(
            "description",
            t("Description"),
            initial["description"],
            DESCRIPTION_MAX,
            required=True,
            error=t("Please describe the tip."),
            multiline=True,
            placeholder=t("What did you do, how did it go, what could others reuse?"),
        )
    )
    add(
        _choices(
            "category",
            t("Category"),
            [(category_text(t, c.key), c.key) for c in CATEGORIES],
            initial["category"],
            required=True,
            error=t("Please choose a category."),
            placeholder=t("Choose a category"),
        )
    )
    libraries = form.libraries[: STATIC_CHOICES_MAX - 1]
    if libraries:
        choices = [(lib.display_name(t.locale), str(lib.id)) for lib in libraries]
        choices.append((t("Other — type the name below"), OTHER_LIBRARY))
        library = _choices(
            "library",
            t("Library"),
            choices,
            initial["library"],
            required=False,
            error=t("Please choose a library from the list."),
            placeholder=t("Choose your library"),
        )
        add(library)
    add(
        _text_input(
            "library_other",
            t("Library, if not in the list") if libraries else t("Library"),
            initial["library_other"],
            LIBRARY_NAME_MAX,
            required=not libraries,
            error=t("Choose your library from the list, or type its name here."),
        )
    )
    add(
        _text_input(
            "link",
            t("Link"),
            initial["link"],
            LINK_MAX,
            required=False,
            error=t("The link must be a web address starting with http:// or https://."),
            placeholder="https://",
            style="url",
        )
    )
    body.append(small(t("A web page with more about the tip (optional).")))
    add(
        _choices(
            "language",
            t("Language of the tip"),
            [(LANGUAGE_NAMES.get(code, code), code) for code in TIP_LANGUAGES],
            initial["language"],
            required=True,
            error=t("Please choose the language of the tip."),
        )
    )
    for name in errors:
        if name not in {e.get("id") for e in body}:  # a problem with no input of its own
            body.insert(1, warning(errors[name]))
    data: dict[str, Any] = {"dialog": dialog, "s": form.source}
    if form.source_ref:
        data["r"] = form.source_ref
    submit = {"type": "Action.Submit", "title": t("Send"), "style": "positive", "data": data}
    return card(body, [submit])


def form_unreadable_errors(t: Translator) -> dict[str, str]:
    """The form's answer when its own data (where the tip came from) could not be read."""
    return {"description": say(t, FORM_UNREADABLE)}


# ---------------------------------------------------------------------------- review card


def decision_text(t: Translator, tip: Tip, tz: ZoneInfo, names: Mapping[str, str]) -> str:
    at = when(t, tip.decided_at, tz)
    who = person_name(t, names, tip.decided_by)
    if tip.status == TipStatus.APPROVED.value:
        return "✅ " + t("Approved by {who} on {when}", who=who, when=at)
    if tip.status == TipStatus.REJECTED.value:
        return "❌ " + t("Not approved by {who} on {when}", who=who, when=at)
    return "⏳ " + t("Waiting for review")


def _tip_body(t: Translator, tip: Tip, tz: ZoneInfo, names: Mapping[str, str]) -> list[Element]:
    pending = tip.status == TipStatus.PENDING.value
    title = (
        say(t, "*New tip for review* (#{id})", id=tip.id)
        if pending
        else say(t, "*Tip* (#{id})", id=tip.id)
    )
    facts = [
        (t("Category"), category_text(t, tip.category)),
        (t("Library"), plain(cut(tip.library_name, 300)) or "—"),
        (t("Sent by"), person_name(t, names, tip.author_id)),
        (t("Language"), t.language_name(tip.language)),
        (t("Link"), link_markdown(tip.link)),
        (t("Sent from"), source_text(t, tip)),
    ]
    body = [
        text_block("💡 " + title, weight="bolder"),
        heading(plain(cut(tip.title, 400))),
        text_block(plain(cut(tip.description, DESCRIPTION_MAX))),
        _facts(facts),
        small(t("Sent {when}", when=when(t, tip.created_at, tz))),
    ]
    decided = tip.status in (TipStatus.APPROVED.value, TipStatus.REJECTED.value)
    body.append(
        text_block(
            decision_text(t, tip, tz, names),
            weight="bolder",
            color=(
                "good"
                if tip.status == TipStatus.APPROVED.value
                else "attention"
                if decided
                else "default"
            ),
        )
    )
    if tip.status == TipStatus.REJECTED.value and tip.decision_note:
        body.append(
            text_block(t("Reason: {reason}", reason=plain(cut(tip.decision_note, NOTE_MAX))))
        )
    return body


def review_refresh(tip: Tip, curator_ids: Sequence[str]) -> Element | None:
    """The refresh that gives each curator their version of a pending tip's card (None for a
    decided tip: everyone sees the same)."""
    if tip.status != TipStatus.PENDING.value:
        return None
    return {
        "action": {"type": "Action.Execute", "verb": VERB_CARD, "data": {"tip_id": tip.id}},
        "userIds": list(dict.fromkeys(curator_ids))[:REFRESH_USERS_MAX],
    }


def _reject_card(t: Translator, tip: Tip, data: Mapping[str, Any]) -> Element:
    reason = _text_input(
        "reason",
        t("Reason, sent to the author"),
        None,
        NOTE_MAX,
        required=True,
        error=t("Please write a short reason for the author."),
        multiline=True,
        placeholder=t("A kind word: why not, and what would make it work?"),
    )
    return {
        "type": "AdaptiveCard",
        "body": [reason],
        "actions": [execute(t("Send"), VERB_REJECT, data, style="destructive")],
    }


def _edit_card(t: Translator, tip: Tip, data: Mapping[str, Any]) -> Element:
    return {
        "type": "AdaptiveCard",
        "body": [
            small(t("Fix typos or the category. The change is recorded with your name.")),
            _text_input(
                "title",
                t("Title"),
                tip.title,
                TITLE_MAX,
                required=True,
                error=t("Please give the tip a title."),
            ),
            _text_input(
                "description",
                t("Description"),
                tip.description,
                DESCRIPTION_MAX,
                required=True,
                error=t("Please describe the tip."),
                multiline=True,
            ),
            _choices(
                "category",
                t("Category"),
                [(category_text(t, c.key), c.key) for c in CATEGORIES],
                tip.category,
                required=True,
                error=t("Please choose a category."),
            ),
        ],
        "actions": [execute(t("Save"), VERB_EDIT, data)],
    }


def review_actions(t: Translator, tip: Tip, data: Mapping[str, Any]) -> list[Element]:
    """A curator's buttons: Approve and Reject (with its reason) while pending; Edit always."""
    actions: list[Element] = []
    if tip.status == TipStatus.PENDING.value:
        actions.append(execute(t("Approve"), VERB_APPROVE, data, style="positive"))
        actions.append(
            {"type": "Action.ShowCard", "title": t("Reject"), "card": _reject_card(t, tip, data)}
        )
    actions.append(
        {"type": "Action.ShowCard", "title": t("Edit"), "card": _edit_card(t, tip, data)}
    )
    return actions


def review_card(
    t: Translator,
    tip: Tip,
    tz: ZoneInfo,
    names: Mapping[str, str],
    *,
    curator: bool,
    curator_ids: Sequence[str] = (),
    notice: str | None = None,
) -> Card:
    """The tip's card in the review channel: the read-only one (`curator` False: what is
    posted, what everyone else sees), or a curator's, with the buttons. `curator_ids` are the
    Teams user ids ("29:…") whose clients refresh a pending card into theirs; `notice` (e.g.
    why a click did nothing) is shown at the top."""
    body = _tip_body(t, tip, tz, names)
    if notice:
        body.insert(0, warning(notice))
    actions = review_actions(t, tip, {"tip_id": tip.id}) if curator else []
    return card(body, actions, refresh=review_refresh(tip, curator_ids))


def review_card_summary(t: Translator, tip: Tip) -> str:
    """The card's text in notifications and the activity feed."""
    return t("New tip for review: {title}", title=cut(tip.title, 300))


def refusal_card(t: Translator, message: str) -> Card:
    """Why a click did nothing, when there is no tip to show with it."""
    return card([warning(message)])


def already_decided(t: Translator, tip: Tip, names: Mapping[str, str]) -> str:
    who = person_name(t, names, tip.decided_by)
    if tip.status == TipStatus.APPROVED.value:
        return t("This tip was already approved by {who}.", who=who)
    return t("This tip was already rejected by {who}.", who=who)


# ---------------------------------------------------------------------------- notices


def thanks_card(t: Translator, tip: Tip) -> Card:
    return card(
        [
            text_block(
                "💡 "
                + say(
                    t,
                    "Thank you for your tip “{title}”! The AKE team will read it, and I'll let "
                    "you know when it has been reviewed. `/tips mine` shows your tips.",
                    title=plain(cut(tip.title, 300)),
                )
            )
        ]
    )


def decision_card(t: Translator, tip: Tip) -> Card:
    title = plain(cut(tip.title, 300))
    if tip.status == TipStatus.APPROVED.value:
        text = "✅ " + say(
            t,
            "Your tip “{title}” was approved — thank you for sharing! Others can now find it "
            "with `/tips search`, and it will be in the next weekly digest.",
            title=title,
        )
        return card([text_block(text)])
    body = [
        text_block("❌ " + say(t, "Your tip “{title}” was not approved this time.", title=title))
    ]
    if tip.decision_note:
        body.append(
            text_block(
                t("The AKE team's reason: {reason}", reason=plain(cut(tip.decision_note, NOTE_MAX)))
            )
        )
    body.append(
        text_block(t("Thank you for sharing all the same — you are welcome to send a new tip."))
    )
    return card(body)


def notice_summary(t: Translator, tip: Tip) -> str:
    return cut(tip.title, 200)


# ---------------------------------------------------------------------------- digest


def _digest_tip(t: Translator, tip: Tip, names: Mapping[str, str]) -> Element:
    title = plain(cut(tip.title, 300))
    if tip.library_name:
        title += " — " + plain(cut(tip.library_name, 200))
    items: list[Element] = [
        text_block(title, weight="bolder"),
        text_block(plain(cut(tip.description, 500)), spacing="small"),
    ]
    if tip.link:
        items.append(text_block(link_markdown(tip.link), spacing="small"))
    items.append(small(t("Shared by {author}", author=person_name(t, names, tip.author_id))))
    return {"type": "Container", "items": items, "spacing": "medium"}


def digest_cards(t: Translator, digest: Digest, budget: int = CARD_BUDGET) -> list[Card]:
    """The weekly digest as one card, or as several when one would be too big for Teams: each
    under `budget` bytes, the tips in order, a category's heading repeated on the card where its
    tips continue. Authors are named, not mentioned (a weekly post pings nobody)."""
    count = sum(len(tips) for _key, tips in digest.groups)
    title = t("Good practice of the week")
    intro = say_n(
        t,
        "{n} new tip approved since the last digest. Search them all with `/tips search`.",
        "{n} new tips approved since the last digest. Search them all with `/tips search`.",
        count,
    )
    cards: list[Card] = []
    body: list[Element] = [
        text_block("📚 " + title, size="large", weight="bolder"),
        text_block(intro),
    ]

    def flush() -> None:
        nonlocal body
        cards.append(card(body))
        body = [text_block("📚 " + title, weight="bolder")]

    for key, tips in digest.groups:
        section = text_block(category_text(t, key), size="medium", weight="bolder", separator=True)
        body.append(section)
        fresh = True  # the heading is the last thing on the card
        for tip in tips:
            item = _digest_tip(t, tip, digest.names)
            if card_size(card([*body, item])) > budget and (len(body) > 2 or not fresh):
                if fresh:
                    body.pop()
                flush()
                body.append(section)
            body.append(item)
            fresh = False
    cards.append(card(body))
    return cards


def digest_summary(t: Translator) -> str:
    return t("Good practice of the week")


# ---------------------------------------------------------------------------- lists


def _list_item(
    t: Translator, tip: Tip, tz: ZoneInfo, names: Mapping[str, str], *, show_status: bool
) -> Element:
    head = plain(cut(tip.title, 300))
    if show_status:
        head = f"{STATUS_EMOJI.get(tip.status, '')} {head}"
    facts = [category_text(t, tip.category)]
    if tip.library_name:
        facts.append(plain(cut(tip.library_name, 200)))
    facts.append(t.language_name(tip.language))
    items: list[Element] = [
        text_block(head, weight="bolder"),
        small(" · ".join(facts)),
        text_block(plain(cut(tip.description, SNIPPET)), spacing="small"),
    ]
    if tip.link:
        items.append(text_block(link_markdown(tip.link), spacing="small"))
    if show_status:
        status = t(STATUS_LABELS.get(tip.status, tip.status))
        line = t("{status} · sent {when}", status=status, when=when(t, tip.created_at, tz))
        items.append(small(line))
        if tip.status == TipStatus.REJECTED.value and tip.decision_note:
            items.append(small(t("Reason: {reason}", reason=plain(cut(tip.decision_note, 1000)))))
    else:
        line = t(
            "Shared by {author} · approved {when}",
            author=person_name(t, names, tip.author_id),
            when=when(t, tip.decided_at, tz),
        )
        items.append(small(line))
    return {"type": "Container", "items": items, "separator": True, "spacing": "medium"}


def _pager(
    t: Translator, verb: str, data: Mapping[str, Any], offset: int, limit: int, has_next: bool
) -> list[Element]:
    actions = []
    if offset > 0:
        actions.append(execute(t("← Previous"), verb, {**data, "o": max(0, offset - limit)}))
    if has_next:
        actions.append(execute(t("Next →"), verb, {**data, "o": offset + limit}))
    return actions


def _showing(t: Translator, offset: int, shown: int, total: int) -> Element:
    return small(
        t(
            "Showing {first}–{last} of {total}",
            first=t.number(offset + 1),
            last=t.number(offset + shown),
            total=t.number(total),
        )
    )


def tip_list_card(t: Translator, listed: TipList, tz: ZoneInfo, names: Mapping[str, str]) -> Card:
    """A page of `tips search|latest|mine` with Previous / Next."""
    found = listed.found
    kind = listed.kind
    body: list[Element] = []
    if isinstance(found, SearchResult):
        shown = plain(cut(listed.query.strip(), 100))
        if not found.terms:
            return card(
                [text_block(say(t, "Type some words to search for, e.g. `/tips search reading`."))]
            )
        head = "🔍 " + t.ngettext(
            "{n} tip matches “{query}”", "{n} tips match “{query}”", found.total, query=shown
        )
        body.append(text_block(head, weight="bolder"))
        if not found.matched_all and found.total:
            body.append(small(t("No tip has all the words; these have some of them.")))
        empty = t("No approved tips match “{query}”. Try shorter or other words.", query=shown)
        data: dict[str, Any] = {"k": "search", "q": " ".join(found.terms)[:300]}
    elif kind == "mine":
        body.append(text_block("📝 " + say(t, "*Your tips*")))
        empty = say(t, "You haven't sent any tips yet. Type `/tips` to share one.")
        data = {"k": "mine", "q": ""}
    else:
        body.append(text_block("✨ " + say(t, "*Latest approved tips*")))
        empty = say(t, "No tips have been approved yet. Be the first: type `/tips`.")
        data = {"k": "latest", "q": ""}
    if not found.tips:
        body.append(text_block(empty))
        return card(body)
    for tip in found.tips:
        body.append(_list_item(t, tip, tz, names, show_status=kind == "mine"))
    body.append(_showing(t, found.offset, len(found.tips), found.total))
    actions = _pager(t, VERB_PAGE, data, found.offset, found.limit, found.has_next)
    return card(body, actions)


def tip_list_summary(t: Translator, listed: TipList) -> str:
    if isinstance(listed.found, SearchResult):
        return t("Tips search")
    return t("Your tips") if listed.kind == "mine" else t("Latest tips")


def review_list_card(
    t: Translator,
    page: Page,
    tz: ZoneInfo,
    names: Mapping[str, str],
    *,
    notice: str | None = None,
) -> Card:
    """`tips review`: the tips waiting, oldest first, each with a curator's buttons; paged."""
    body: list[Element] = [warning(notice)] if notice else []
    if not page.tips:
        body.append(text_block("🎉 " + t("No tips are waiting for review.")))
        return card(body)
    body.append(
        text_block(
            "📥 "
            + say_n(
                t,
                "*{n} tip is waiting for review*",
                "*{n} tips are waiting for review*",
                page.total,
            )
        )
    )
    for tip in page.tips:
        data = {"tip_id": tip.id, "o": page.offset, "list": 1}
        facts = " · ".join(
            [category_text(t, tip.category), plain(cut(tip.library_name, 200)) or "—"]
        )
        items: list[Element] = [
            text_block(f"{plain(cut(tip.title, 300))} (#{tip.id})", weight="bolder"),
            small(facts),
            text_block(plain(cut(tip.description, SNIPPET)), spacing="small"),
            small(
                t(
                    "Sent by {author} {when}",
                    author=person_name(t, names, tip.author_id),
                    when=when(t, tip.created_at, tz),
                )
            ),
            {"type": "ActionSet", "actions": review_actions(t, tip, data)},
        ]
        body.append({"type": "Container", "items": items, "separator": True, "spacing": "medium"})
    actions = _pager(t, VERB_REVIEW_PAGE, {}, page.offset, page.limit, page.has_next)
    return card(body, actions)


# ---------------------------------------------------------------------------- export


def export_chunks(csv_text: str, budget: int = 20 * 1024) -> list[str]:
    """The CSV as messages of at most `budget` UTF-8 bytes each, split between rows only (a
    row longer than that, which the tips' limits do not allow, goes alone)."""
    chunks: list[str] = []
    current = ""
    for row in _csv_rows(csv_text):
        if current and len((current + row).encode("utf-8")) > budget:
            chunks.append(current)
            current = ""
        current += row
    if current:
        chunks.append(current)
    return chunks


def _csv_rows(csv_text: str) -> list[str]:
    """The CSV's records with their line ends (a quoted cell may hold line breaks)."""
    rows: list[str] = []
    start, quoted = 0, False
    i = 0
    while i < len(csv_text):
        c = csv_text[i]
        if c == '"':
            quoted = not quoted
        elif c == "\n" and not quoted:
            rows.append(csv_text[start : i + 1])
            start = i + 1
        i += 1
    if start < len(csv_text):
        rows.append(csv_text[start:])
    return rows


def export_intro_card(t: Translator, count: int, filename: str) -> Card:
    return card(
        [
            text_block(
                t.ngettext(
                    "Here is the export: {n} tip, with status, category, library, author, dates "
                    "and decision notes.",
                    "Here is the export: {n} tips, with status, category, library, author, dates "
                    "and decision notes.",
                    count,
                )
            ),
            small(t(EXPORT_AS_TEXT, filename=plain(filename))),
        ]
    )


def export_empty(t: Translator) -> str:
    return t("There are no tips in that period, so there is nothing to export.")


# ---------------------------------------------------------------------------- other answers


def text_card(text: str) -> Card:
    """A card that only says something (our own sentence, already worded for Teams)."""
    return card([text_block(text)])


def review_announcement(t: Translator) -> str:
    return "💡 " + say(
        t,
        "New good-practice tips will appear here for review. Approve, reject or edit them from "
        "their cards; `/tips review` lists the ones waiting.",
    )


def digest_announcement(t: Translator, when_text: str) -> str:
    return "📚 " + say(
        t,
        "Approved good-practice tips will be shared here {when}. Share your own with `/tips`!",
        when=when_text,
    )


# ---------------------------------------------------------------------------- commands

# The same sentences as bot.tips.views (msgids byte-identical).
SETUP_HERE = N_("Type this command in the channel you want to use, not here.")
SETUP_WHICH = N_("Write `/tips setup review` or `/tips setup digest` in the channel you want.")
SETUP_SCHEDULE_UNCLEAR = N_(
    "I don't understand “{word}”. Give a day and a time, e.g. `friday 10:00`."
)


def share_card(t: Translator, text: str = "", *, source: str = TipSource.COMMAND.value) -> Card:
    """`tips new` (or `tips` and some text): a bot cannot open a dialog by itself, so a card
    with the button that opens the tip form (prefilled with `text`)."""
    data: dict[str, Any] = {"msteams": {"type": "task/fetch"}, "dialog": DIALOG_TIP, "s": source}
    if text:
        data["text"] = cut(text, DESCRIPTION_MAX)
    intro = t(
        "Tip the AKE team about a talent, a good practice or something "
        "your library did well. They read every tip before it is shared."
    )
    button = {"type": "Action.Submit", "title": t("Share a tip"), "data": data}
    return card([text_block("💡 " + intro)], [button])


def help_card(t: Translator, entries: Sequence[tuple[str, str, str]]) -> Card:
    """The tips commands as the reader types them on Teams: (words, arguments, summary)."""
    facts = []
    for words, args, summary in entries:
        typed = f"tips {words}" + (f" {args}" if args else "")
        facts.append({"title": cut(typed, 200), "value": summary})
    return card([text_block("💡 **tips**", size="medium"), {"type": "FactSet", "facts": facts}])


def slot_text(t: Translator, weekday: int, hour: int, minute: int) -> str:
    """'every friday at 10.00' (the Slack views' sentence)."""
    return t(
        "every {weekday} at {time}",
        weekday=t.weekday(weekday),
        time=t.time(dt_time(hour, minute)),
    )


def settings_card(
    t: Translator,
    *,
    review_channel: str | None,
    digest_channel: str | None,
    digest_when: str | None,
) -> Card:
    """`tips setup` alone: the settings as they stand (channels by their names)."""
    review = plain(review_channel) if review_channel else t("not set")
    digest = (
        f"{plain(digest_channel)} ({digest_when})" if digest_channel and digest_when else t("off")
    )
    return card(
        [
            text_block(t("Tips settings"), weight="bolder"),
            text_block(t("Review channel: {channel}", channel=review)),
            text_block(t("Weekly digest: {channel}", channel=digest)),
            small(
                say(
                    t,
                    "Change them by typing `/tips setup review` or `/tips setup digest` in the "
                    "channel you want.",
                )
            ),
        ]
    )


def review_channel_set(t: Translator, channel: str, people: int) -> str:
    return say_n(
        t,
        "Done: tips now come to {channel} for review. Its {n} member and the admins "
        "can approve, reject and edit them.",
        "Done: tips now come to {channel} for review. Its {n} members and the admins "
        "can approve, reject and edit them.",
        people,
        channel=plain(channel),
    )


def digest_set(t: Translator, channel: str, slot: tuple[int, int, int], next_at: str) -> str:
    return say(
        t,
        "Done: the weekly digest of approved tips will be posted in {channel} {when}. "
        "The next one: {next}.",
        channel=plain(channel),
        when=slot_text(t, *slot),
        next=next_at,
    )


def digest_stopped(t: Translator) -> str:
    return say(
        t,
        "The weekly digest is stopped. Turn it on again with `/tips setup digest` in a channel.",
    )
