"""Block Kit for good-practice tips: the modals, the review card, lists, notices and the digest.

Everything a person wrote (titles, descriptions, library names, links, reasons, queries) is
escaped with `bot.platform.slack_text.escape` before it goes into mrkdwn, and kept within Slack's
limits. Modal inputs' `initial_value`s are the only place raw text goes: they are edited, not
rendered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.people.former import person
from bot.people.models import Library
from bot.platform.dates import local
from bot.platform.i18n import LANGUAGE_NAMES, N_, Translator
from bot.platform.slack_text import (
    channel_link,
    escape,
    escape_within,
    truncate,
    truncate_mrkdwn,
)
from bot.platform.slack_values import object_or_empty, to_id, to_offset
from bot.tips.ids import TipAction, TipBlock, TipView
from bot.tips.models import Tip, TipSource, TipStatus
from bot.tips.results import (
    ChannelProblem,
    DigestSet,
    Outcome,
    ReviewChannelSet,
    Reviewed,
    TipForm,
    TipList,
    TipSetup,
)
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
    category_label_key,
)

Block = dict[str, Any]
View = dict[str, Any]

MESSAGE_BLOCK_LIMIT = 50
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
LIST_PAGE_SIZE = 8
REVIEW_PAGE_SIZE = 10
SNIPPET = 280

STATUS_EMOJI = {
    TipStatus.PENDING.value: ":hourglass_flowing_sand:",
    TipStatus.APPROVED.value: ":white_check_mark:",
    TipStatus.REJECTED.value: ":x:",
}


# ---------------------------------------------------------------------------- helpers


def esc(text: str | None, limit: int) -> str:
    """Escaped text that is at most `limit` characters long once escaped."""
    return escape_within(text, limit)


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text, "emoji": True}


def _mrkdwn_section(text: str) -> Block:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate_mrkdwn(text, SECTION_LIMIT)},
    }


def _context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate_mrkdwn(text, SECTION_LIMIT)}],
    }


def _button(
    text: str, action_id: str, value: str, style: str | None = None, url: str | None = None
) -> Block:
    button: Block = {
        "type": "button",
        "text": _plain(truncate(text, 75)),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    if url:
        button["url"] = url
    return button


def _option(text: str, value: str) -> Block:
    return {"text": _plain(truncate(text, 75)), "value": value}


def _user_option(text: str, value: str) -> Block:
    """An option whose label someone typed (a library's name)."""
    return {"text": _plain(esc(text, 75)), "value": value}


def category_name(t: Translator, key: str) -> str:
    return t(category_label_key(key))


def category_with_emoji(t: Translator, key: str) -> str:
    category = CATEGORY_BY_KEY.get(key, CATEGORY_BY_KEY["other"])
    return f"{category.emoji} {t(category.label)}"


def language_name(code: str) -> str:
    """A language's own name, for the tip form's picker."""
    return LANGUAGE_NAMES.get(code, code)


def link_mrkdwn(url: str | None, label: str | None = None) -> str:
    """A link whose address was validated as http(s); both parts escaped."""
    if not url:
        return ""
    shown = esc(label, 200) if label else esc(url, 300)
    return f"<{escape(url)}|{shown}>"


def _day_time(t: Translator, value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return ""
    shown = local(value, tz)
    return f"{t.date(shown.date(), 'medium')} {t.time(shown)}"


def source_text(t: Translator, tip: Tip) -> str:
    if tip.source_kind == TipSource.SHORTCUT.value and tip.source_ref:
        if tip.source_ref.startswith(("https://", "http://")):
            return link_mrkdwn(tip.source_ref, t("a Slack message"))
        return t("a Slack message")
    if tip.source_kind == TipSource.COFFEE.value:
        return t("a coffee break")
    if tip.source_kind == TipSource.HOME.value:
        return t("the Home tab")
    return t("the /tips command")


# ---------------------------------------------------------------------------- the tip modal


def _input(
    block_id: str,
    label: str,
    element: Block,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block


def _text_input(
    initial: str | None,
    max_length: int,
    *,
    multiline: bool = False,
    placeholder: str | None = None,
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": TipBlock.VALUE,
        "max_length": max_length,
        "multiline": multiline,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = _plain(truncate(placeholder, 150))
    return element


def category_select(t: Translator, selected: str | None) -> Block:
    options = [_option(category_with_emoji(t, c.key), c.key) for c in CATEGORIES]
    element: Block = {
        "type": "static_select",
        "action_id": TipBlock.VALUE,
        "placeholder": _plain(t("Choose a category")),
        "options": options,
    }
    if selected in CATEGORY_BY_KEY:
        element["initial_option"] = next(o for o in options if o["value"] == selected)
    return element


def library_select(
    t: Translator, libraries: Sequence[Library], selected: int | None
) -> Block | None:
    """The curated libraries and "Other"; a searchable select when they don't fit in one list."""
    if not libraries:
        return None
    element: Block = {
        "type": "static_select",
        "action_id": TipBlock.VALUE,
        "placeholder": _plain(t("Choose your library")),
    }
    if len(libraries) < STATIC_SELECT_MAX:  # every library and "Other" fit in one menu
        element["options"] = library_options(t, libraries)
    else:
        # Slack asks the app for matches as the person types (handlers/tip_modal.py).
        element["type"] = "external_select"
        element["min_query_length"] = 1
    if selected is not None:
        chosen = next((lib for lib in libraries if lib.id == selected), None)
        if chosen is not None:
            element["initial_option"] = _user_option(chosen.display_name(t.locale), str(chosen.id))
    return element


STATIC_SELECT_MAX = 100  # options Slack allows in a static select


def library_options(t: Translator, libraries: Sequence[Library]) -> list[Block]:
    """One option per library plus "Other" (type the name), at most what a select holds."""
    options = [_user_option(lib.display_name(t.locale), str(lib.id)) for lib in libraries]
    return [
        *options[: STATIC_SELECT_MAX - 1],
        _option(t("Other — type the name below"), OTHER_LIBRARY),
    ]


def language_select(selected: str) -> Block:
    options = [_option(language_name(code), code) for code in TIP_LANGUAGES]
    return {
        "type": "static_select",
        "action_id": TipBlock.VALUE,
        "options": options,
        "initial_option": next((o for o in options if o["value"] == selected), options[0]),
    }


def tip_modal(
    t: Translator,
    *,
    title: str = "",
    description: str = "",
    category: str | None = None,
    libraries: Sequence[Library] = (),
    library_id: int | None = None,
    library_other: str | None = None,
    link: str | None = None,
    language: str = "sv",
    source: str = TipSource.COMMAND.value,
    metadata: Mapping[str, Any] | None = None,
) -> View:
    blocks: list[Block] = []
    if source == TipSource.SHORTCUT.value:
        blocks.append(_context(t("From a Slack message — edit the text as you like.")))
    elif source == TipSource.COFFEE.value:
        blocks.append(_context(t("From your coffee break — what did you learn from each other?")))
    else:
        blocks.append(
            _context(
                t(
                    "Tip the AKE team about a talent, a good practice or something "
                    "your library did well. They read every tip before it is shared."
                )
            )
        )
    blocks.append(
        _input(
            TipBlock.TITLE,
            t("Title"),
            _text_input(title, TITLE_MAX, placeholder=t("In a few words: what is it?")),
        )
    )
    blocks.append(
        _input(
            TipBlock.DESCRIPTION,
            t("Description"),
            _text_input(
                description,
                DESCRIPTION_MAX,
                multiline=True,
                placeholder=t("What did you do, how did it go, what could others reuse?"),
            ),
        )
    )
    blocks.append(_input(TipBlock.CATEGORY, t("Category"), category_select(t, category)))
    select = library_select(t, libraries, library_id)
    if select is not None:
        blocks.append(_input(TipBlock.LIBRARY, t("Library"), select, optional=True))
        other_label = t("Library, if not in the list")
    else:
        other_label = t("Library")
    blocks.append(
        _input(
            TipBlock.LIBRARY_OTHER,
            other_label,
            _text_input(library_other, LIBRARY_NAME_MAX),
            optional=select is not None,
        )
    )
    blocks.append(
        _input(
            TipBlock.LINK,
            t("Link"),
            _text_input(link, LINK_MAX, placeholder="https://"),
            optional=True,
            hint=t("A web page with more about the tip (optional)."),
        )
    )
    blocks.append(
        _input(
            TipBlock.LANGUAGE,
            t("Language of the tip"),
            language_select(language if language in TIP_LANGUAGES else "sv"),
        )
    )
    return {
        "type": "modal",
        "callback_id": TipView.SUBMIT,
        "title": _plain(truncate(t("Share a tip"), 24)),
        "submit": _plain(truncate(t("Send"), 24)),
        "close": _plain(truncate(t("Cancel"), 24)),
        "private_metadata": encode_metadata(metadata or {}),
        "blocks": blocks,
    }


def tip_form_modal(t: Translator, form: TipForm) -> View:
    """The tip form as `bot.tips.service.tip_form` prepared it, in the reader's language."""
    typed = form.typed_library
    return tip_modal(
        t,
        title=form.title,
        description=form.description,
        libraries=form.libraries,
        library_id=form.library_id,
        library_other=typed.display_name(t.locale) if typed is not None else None,
        link=form.link,
        language=t.locale,
        source=form.source,
        metadata={"s": form.source, "r": form.source_ref},
    )


def encode_metadata(data: Mapping[str, Any]) -> str:
    """private_metadata as compact JSON, never over Slack's 3000 characters."""
    kept = {k: v for k, v in data.items() if v not in (None, "")}
    text = json.dumps(kept, separators=(",", ":"), ensure_ascii=False)
    while len(text) > 3000 and kept:
        longest = max(kept, key=lambda k: len(str(kept[k])))
        kept.pop(longest)
        text = json.dumps(kept, separators=(",", ":"), ensure_ascii=False)
    return text


def decode_metadata(text: object) -> dict[str, Any]:
    """A form's metadata; anything we could not have written reads as none ({})."""
    return object_or_empty(text)


def edit_modal(t: Translator, tip: Tip, metadata: Mapping[str, Any]) -> View:
    return {
        "type": "modal",
        "callback_id": TipView.EDIT,
        "title": _plain(truncate(t("Edit tip"), 24)),
        "submit": _plain(truncate(t("Save"), 24)),
        "close": _plain(truncate(t("Cancel"), 24)),
        "private_metadata": encode_metadata(metadata),
        "blocks": [
            _context(t("Fix typos or the category. The change is recorded with your name.")),
            _input(TipBlock.TITLE, t("Title"), _text_input(tip.title, TITLE_MAX)),
            _input(
                TipBlock.DESCRIPTION,
                t("Description"),
                _text_input(tip.description, DESCRIPTION_MAX, multiline=True),
            ),
            _input(TipBlock.CATEGORY, t("Category"), category_select(t, tip.category)),
        ],
    }


def reject_modal(t: Translator, tip: Tip, metadata: Mapping[str, Any]) -> View:
    return {
        "type": "modal",
        "callback_id": TipView.REJECT,
        "title": _plain(truncate(t("Reject tip"), 24)),
        "submit": _plain(truncate(t("Send"), 24)),
        "close": _plain(truncate(t("Cancel"), 24)),
        "private_metadata": encode_metadata(metadata),
        "blocks": [
            _mrkdwn_section(f"*{esc(tip.title, 300)}*"),
            _input(
                TipBlock.REASON,
                t("Reason, sent to the author"),
                _text_input(
                    None,
                    NOTE_MAX,
                    multiline=True,
                    placeholder=t("A kind word: why not, and what would make it work?"),
                ),
            ),
        ],
    }


def message_modal(t: Translator, title: str, text: str) -> View:
    """A modal that only says something (e.g. why a form cannot open)."""
    return {
        "type": "modal",
        "title": _plain(truncate(title, 24)),
        "close": _plain(truncate(t("Close"), 24)),
        "blocks": [_mrkdwn_section(text)],
    }


# ---------------------------------------------------------------------------- review card


def _fact(label: str, value: str) -> str:
    return f"*{label}*\n{value}"


def _facts(t: Translator, tip: Tip, *, with_author: bool = True) -> list[Block]:
    # The labels stay outside f-strings: Babel does not extract t() calls inside them.
    fields = [
        _fact(t("Category"), category_with_emoji(t, tip.category)),
        _fact(t("Library"), esc(tip.library_name, 300) or "—"),
    ]
    if with_author:
        fields.append(_fact(t("Sent by"), person(t, tip.author_id)))
    fields.append(_fact(t("Language"), t.language_name(tip.language)))
    if tip.link:
        fields.append(_fact(t("Link"), link_mrkdwn(tip.link)))
    fields.append(_fact(t("Sent from"), source_text(t, tip)))
    return [
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": truncate_mrkdwn(f, FIELD_LIMIT)} for f in fields],
        }
    ]


def decision_line(t: Translator, tip: Tip, tz: ZoneInfo) -> str:
    when = _day_time(t, tip.decided_at, tz)
    who = person(t, tip.decided_by) if tip.decided_by else "—"
    if tip.status == TipStatus.APPROVED.value:
        return ":white_check_mark: " + t("Approved by {who} on {when}", who=who, when=when)
    if tip.status == TipStatus.REJECTED.value:
        line = ":x: " + t("Not approved by {who} on {when}", who=who, when=when)
        if tip.decision_note:
            line += "\n" + t("Reason: {reason}", reason=esc(tip.decision_note, 1500))
        return line
    return ":hourglass_flowing_sand: " + t("Waiting for review")


def review_buttons(t: Translator, tip: Tip, value: str, *, pending: bool) -> list[Block]:
    buttons = []
    if pending:
        buttons.append(_button(t("Approve"), TipAction.APPROVE, value, "primary"))
        buttons.append(_button(t("Reject"), TipAction.REJECT, value, "danger"))
    buttons.append(_button(t("Edit"), TipAction.EDIT, value))
    return buttons


def card_blocks(t: Translator, tip: Tip, tz: ZoneInfo) -> list[Block]:
    """The review card in the review channel: the tip, its facts, and the decision or buttons."""
    pending = tip.status == TipStatus.PENDING.value
    heading = (
        ":bulb: " + t("*New tip for review* (#{id})", id=tip.id)
        if pending
        else ":bulb: " + t("*Tip* (#{id})", id=tip.id)
    )
    blocks: list[Block] = [
        _mrkdwn_section(heading),
        _mrkdwn_section(f"*{esc(tip.title, 400)}*\n{esc(tip.description, 2500)}"),
        *_facts(t, tip),
        _context(t("Sent {when}", when=_day_time(t, tip.created_at, tz))),
    ]
    if not pending:
        blocks.append(_mrkdwn_section(decision_line(t, tip, tz)))
    blocks.append(
        {"type": "actions", "elements": review_buttons(t, tip, str(tip.id), pending=pending)}
    )
    return blocks


def card_text(t: Translator, tip: Tip) -> str:
    return t("New tip for review: {title}", title=esc(tip.title, 300))


# ---------------------------------------------------------------------------- notices


def thanks_text(t: Translator, tip: Tip) -> str:
    return t(
        "Thank you for your tip “{title}”! The AKE team will read it, and I'll let "
        "you know when it has been reviewed. `/tips mine` shows your tips.",
        title=esc(tip.title, 300),
    )


def decision_notice(t: Translator, tip: Tip) -> str:
    title = esc(tip.title, 300)
    if tip.status == TipStatus.APPROVED.value:
        return ":white_check_mark: " + t(
            "Your tip “{title}” was approved — thank you for sharing! Others can now find it "
            "with `/tips search`, and it will be in the next weekly digest.",
            title=title,
        )
    text = t(
        "Your tip “{title}” was not approved this time.",
        title=title,
    )
    if tip.decision_note:
        text += "\n" + t("The AKE team's reason: {reason}", reason=esc(tip.decision_note, 1500))
    text += "\n" + t("Thank you for sharing all the same — you are welcome to send a new tip.")
    return text


# ---------------------------------------------------------------------------- answers to a reviewer

NO_SUCH_TIP = N_("I can't find that tip any more.")
FORM_UNREADABLE = N_(
    "This form could not be read, so the tip was not sent. Copy your text, close the form "
    "and open it again with /tips."
)


def parse_review_value(value: object) -> tuple[int, int | None]:
    """A review button's value: "<tip id>" (card) or "<tip id>:<list offset>" (review list);
    an unreadable id is 0, a tip no workspace has."""
    tip_part, _, offset_part = str(value or "").partition(":")
    return to_id(tip_part) or 0, to_offset(offset_part)


def already_decided(t: Translator, tip: Tip) -> str:
    who = person(t, tip.decided_by) if tip.decided_by else "—"
    if tip.status == TipStatus.APPROVED.value:
        return t("This tip was already approved by {who}.", who=who)
    return t("This tip was already rejected by {who}.", who=who)


def review_problem(t: Translator, reviewed: Reviewed) -> str:
    """Why a reviewer's click did nothing: refused, no such tip, or decided before."""
    if reviewed.outcome == Outcome.REFUSED:
        return t(reviewed.refusal)
    if reviewed.outcome == Outcome.ALREADY_DECIDED and reviewed.tip is not None:
        return already_decided(t, reviewed.tip)
    return t(NO_SUCH_TIP)


def approved_notice(t: Translator, tip: Tip, tz: ZoneInfo) -> str:
    """Above the review list after an approval: the tip and its decision."""
    return f"*{esc(tip.title, 300)}*\n{decision_line(t, tip, tz)}"


def review_list_title(t: Translator) -> str:
    return t("Tips waiting for review")


def reject_closed_modal(t: Translator, tip: Tip) -> View:
    """The reason form, once someone else has decided the tip meanwhile."""
    return message_modal(t, t("Reject tip"), already_decided(t, tip))


def field_errors(
    t: Translator,
    errors: Mapping[str, FieldError],
    blocks: Mapping[str, str],
    fallback: str = TipBlock.TITLE,
) -> dict[str, str]:
    """A form's `errors` answer: each field's message under its input; a field the view lacks
    under `fallback` (Slack refuses an empty `errors`, and the submission must not pass)."""
    shown: dict[str, str] = {}
    for name, error in errors.items():
        block = blocks.get(name, fallback)
        message = t(error.message, **error.params)
        shown[block] = f"{shown[block]} {message}" if block in shown else message
    return shown


# ---------------------------------------------------------------------------- lists


def _tip_summary(t: Translator, tip: Tip, *, show_status: bool) -> str:
    head = f"*{esc(tip.title, 300)}*"
    if show_status:
        head = f"{STATUS_EMOJI.get(tip.status, '')} {head}"
    facts = [category_name(t, tip.category)]
    if tip.library_name:
        facts.append(esc(tip.library_name, 200))
    facts.append(t.language_name(tip.language))
    lines = [head, "_" + " · ".join(facts) + "_", esc(truncate(tip.description, SNIPPET), 1200)]
    if tip.link:
        lines.append(link_mrkdwn(tip.link))
    return "\n".join(lines)


def _tip_context(t: Translator, tip: Tip, tz: ZoneInfo, *, show_status: bool) -> str:
    if show_status:
        status = t(STATUS_LABELS.get(tip.status, tip.status))
        text = t("{status} · sent {when}", status=status, when=_day_time(t, tip.created_at, tz))
        if tip.status == TipStatus.REJECTED.value and tip.decision_note:
            text += "\n" + t("Reason: {reason}", reason=esc(tip.decision_note, 1000))
        return text
    return t(
        "Shared by {author} · approved {when}",
        author=person(t, tip.author_id),
        when=_day_time(t, tip.decided_at, tz),
    )


def _nav(
    t: Translator,
    action_id: str,
    back_action_id: str,
    value_for: Any,
    offset: int,
    limit: int,
    has_next: bool,
) -> Block | None:
    buttons = []
    if offset > 0:
        buttons.append(_button(t("← Previous"), back_action_id, value_for(max(0, offset - limit))))
    if has_next:
        buttons.append(_button(t("Next →"), action_id, value_for(offset + limit)))
    return {"type": "actions", "elements": buttons} if buttons else None


def list_value(kind: str, query: str, offset: int) -> str:
    return json.dumps({"k": kind, "q": query[:300], "o": offset}, ensure_ascii=False)


def tip_list_blocks(
    t: Translator,
    *,
    kind: str,
    heading: str,
    tips: Sequence[Tip],
    offset: int,
    limit: int,
    total: int,
    has_next: bool,
    query: str = "",
    tz: ZoneInfo,
    empty_text: str,
) -> list[Block]:
    """A page of tips (search results, latest, mine) with Previous/Next buttons."""
    show_status = kind == "mine"
    blocks: list[Block] = [_mrkdwn_section(heading)]
    if not tips:
        blocks.append(_mrkdwn_section(empty_text))
        return blocks
    for tip in tips:
        blocks.append(_mrkdwn_section(_tip_summary(t, tip, show_status=show_status)))
        blocks.append(_context(_tip_context(t, tip, tz, show_status=show_status)))
    first, last = offset + 1, offset + len(tips)
    blocks.append(
        _context(
            t(
                "Showing {first}–{last} of {total}",
                first=t.number(first),
                last=t.number(last),
                total=t.number(total),
            )
        )
    )
    nav = _nav(
        t,
        TipAction.LIST_PAGE,
        TipAction.LIST_PAGE_BACK,
        lambda o: list_value(kind, query, o),
        offset,
        limit,
        has_next,
    )
    if nav:
        blocks.append(nav)
    assert len(blocks) <= MESSAGE_BLOCK_LIMIT
    return blocks


def search_blocks(t: Translator, result: SearchResult, query: str, tz: ZoneInfo) -> list[Block]:
    shown = esc(truncate(query.strip(), 100), 400)
    if not result.terms:
        return [_mrkdwn_section(t("Type some words to search for, e.g. `/tips search reading`."))]
    heading = ":mag: " + t.ngettext(
        "{n} tip matches “{query}”", "{n} tips match “{query}”", result.total, query=shown
    )
    if not result.matched_all and result.total:
        heading += "\n" + t("No tip has all the words; these have some of them.")
    return tip_list_blocks(
        t,
        kind="search",
        heading=heading,
        tips=result.tips,
        offset=result.offset,
        limit=result.limit,
        total=result.total,
        has_next=result.has_next,
        query=" ".join(result.terms),  # the words searched, without any markup typed
        tz=tz,
        empty_text=t("No approved tips match “{query}”. Try shorter or other words.", query=shown),
    )


def latest_blocks(t: Translator, page: Page, tz: ZoneInfo) -> list[Block]:
    heading = ":sparkles: " + t("*Latest approved tips*")
    empty = t("No tips have been approved yet. Be the first: type `/tips`.")
    return _page_blocks(t, "latest", heading, page, tz, empty)


def mine_blocks(t: Translator, page: Page, tz: ZoneInfo) -> list[Block]:
    heading = ":memo: " + t("*Your tips*")
    empty = t("You haven't sent any tips yet. Type `/tips` to share one.")
    return _page_blocks(t, "mine", heading, page, tz, empty)


def _page_blocks(
    t: Translator, kind: str, heading: str, page: Page, tz: ZoneInfo, empty_text: str
) -> list[Block]:
    return tip_list_blocks(
        t,
        kind=kind,
        heading=heading,
        tips=page.tips,
        offset=page.offset,
        limit=page.limit,
        total=page.total,
        has_next=page.has_next,
        tz=tz,
        empty_text=empty_text,
    )


def review_list_blocks(t: Translator, page: Page, tz: ZoneInfo) -> list[Block]:
    """Pending tips, oldest first, each with Approve / Reject / Edit; paged."""
    if not page.tips:
        return [_mrkdwn_section(":tada: " + t("No tips are waiting for review."))]
    blocks: list[Block] = [
        _mrkdwn_section(
            ":inbox_tray: "
            + t.ngettext(
                "*{n} tip is waiting for review*", "*{n} tips are waiting for review*", page.total
            )
        )
    ]
    for tip in page.tips:
        text = "\n".join(
            [
                f"*{esc(tip.title, 300)}* (#{tip.id})",
                "_"
                + " · ".join([category_name(t, tip.category), esc(tip.library_name, 200) or "—"])
                + "_",
                esc(truncate(tip.description, SNIPPET), 1200),
            ]
        )
        blocks.append(_mrkdwn_section(text))
        blocks.append(
            _context(
                t(
                    "Sent by {author} {when}",
                    author=person(t, tip.author_id),
                    when=_day_time(t, tip.created_at, tz),
                )
            )
        )
        blocks.append(
            {
                "type": "actions",
                "elements": review_buttons(t, tip, f"{tip.id}:{page.offset}", pending=True),
            }
        )
    nav = _nav(
        t,
        TipAction.REVIEW_PAGE,
        TipAction.REVIEW_PAGE_BACK,
        str,
        page.offset,
        page.limit,
        page.has_next,
    )
    if nav:
        blocks.append(nav)
    assert len(blocks) <= MESSAGE_BLOCK_LIMIT
    return blocks


def tip_list_message(t: Translator, listed: TipList, tz: ZoneInfo) -> tuple[str, list[Block]]:
    """A `/tips search|latest|mine` page as (text, blocks)."""
    found = listed.found
    if isinstance(found, SearchResult):
        return t("Tips search"), search_blocks(t, found, listed.query, tz)
    if listed.kind == "mine":
        return t("Your tips"), mine_blocks(t, found, tz)
    return t("Latest tips"), latest_blocks(t, found, tz)


# ---------------------------------------------------------------------------- export


def export_empty(t: Translator) -> str:
    return t("There are no tips in that period, so there is nothing to export.")


def export_title(t: Translator, slug: str) -> str:
    return t("Fika tips ({period})", period=slug)


def export_comment(t: Translator, count: int) -> str:
    return t.ngettext(
        "Here is the export: {n} tip, with status, category, library, author, dates and "
        "decision notes.",
        "Here is the export: {n} tips, with status, category, library, author, dates and "
        "decision notes.",
        count,
    )


def export_sent(t: Translator) -> str:
    return t("Done: the CSV file is in your direct messages with me.")


# ---------------------------------------------------------------------------- digest


def digest_messages(
    t: Translator,
    groups: Sequence[tuple[str, Sequence[Tip]]],
    names: Mapping[str, str],
    max_blocks: int = 45,
) -> list[tuple[str, list[Block]]]:
    """The digest as one or more messages (text, blocks), grouped by category.

    Authors are named, not mentioned: a weekly post should not ping everyone in it.
    """
    count = sum(len(tips) for _key, tips in groups)
    title = t("Good practice of the week")
    intro = t.ngettext(
        "{n} new tip approved since the last digest. Search them all with `/tips search`.",
        "{n} new tips approved since the last digest. Search them all with `/tips search`.",
        count,
    )
    blocks: list[Block] = [
        {"type": "header", "text": _plain(":books: " + title)},
        _mrkdwn_section(intro),
    ]
    for key, tips in groups:
        blocks.append({"type": "divider"})
        blocks.append(_mrkdwn_section(f"*{category_with_emoji(t, key)}*"))
        for tip in tips:
            lines = [f"*{esc(tip.title, 300)}*"]
            if tip.library_name:
                lines[0] += f" — {esc(tip.library_name, 200)}"
            lines.append(esc(truncate(tip.description, 500), 2000))
            if tip.link:
                lines.append(link_mrkdwn(tip.link))
            author = names.get(tip.author_id)
            lines.append(
                "_"
                + t(
                    "Shared by {author}",
                    author=esc(author, 200) if author else person(t, tip.author_id),
                )
                + "_"
            )
            blocks.append(_mrkdwn_section("\n".join(lines)))
    messages: list[tuple[str, list[Block]]] = []
    for start in range(0, len(blocks), max_blocks):
        chunk = blocks[start : start + max_blocks]
        text = f"{title}: {intro}" if start == 0 else title
        messages.append((text, chunk))
    return messages


# ---------------------------------------------------------------------------- settings


def settings_text(
    t: Translator,
    *,
    review_channel: str | None,
    digest_channel: str | None,
    digest_when: str | None,
) -> str:
    review = f"<#{review_channel}>" if review_channel else t("not set")
    digest = f"<#{digest_channel}> ({digest_when})" if digest_channel and digest_when else t("off")
    return "\n".join(
        [
            "*" + t("Tips settings") + "*",
            t("Review channel: {channel}", channel=review),
            t("Weekly digest: {channel}", channel=digest),
            t(
                "Change them by typing `/tips setup review` or `/tips setup digest` in the "
                "channel you want."
            ),
        ]
    )


def tips_settings_text(t: Translator, setup: TipSetup) -> str:
    """`/tips setup` alone: the settings as they stand."""
    slot = setup.digest_slot
    return settings_text(
        t,
        review_channel=setup.review_channel,
        digest_channel=setup.digest_channel,
        digest_when=slot_text(t, *slot) if slot is not None else None,
    )


# Said when a channel cannot be used for `/tips setup`.
SETUP_HERE = N_("Type this command in the channel you want to use, not here.")
SETUP_INVITE = N_(
    "I can't see this channel. In a private channel, invite me first "
    "(`/invite @Fika`), then type the command again."
)
SETUP_ARCHIVED = N_("This channel is archived.")
SETUP_WHICH = N_("Write `/tips setup review` or `/tips setup digest` in the channel you want.")
SETUP_SCHEDULE_UNCLEAR = N_(
    "I don't understand “{word}”. Give a day and a time, e.g. `friday 10:00`."
)


def slot_text(t: Translator, weekday: int, hour: int, minute: int) -> str:
    return t(
        "every {weekday} at {time}", weekday=t.weekday(weekday), time=t.time(time(hour, minute))
    )


def review_channel_set(t: Translator, channel: str, people: int) -> str:
    return t.ngettext(
        "Done: tips now come to {channel} for review. Its {n} member and the admins "
        "can approve, reject and edit them.",
        "Done: tips now come to {channel} for review. Its {n} members and the admins "
        "can approve, reject and edit them.",
        people,
        channel=channel_link(channel),
    )


def review_announcement(t: Translator) -> str:
    """Posted in the new review channel, read by everyone there (the workspace's language)."""
    return ":bulb: " + t(
        "New good-practice tips will appear here for review. Approve, reject or edit them from "
        "their cards; `/tips review` lists the ones waiting."
    )


def digest_stopped(t: Translator) -> str:
    return t(
        "The weekly digest is stopped. Turn it on again with `/tips setup digest` in a channel."
    )


def digest_set(t: Translator, channel: str, slot: tuple[int, int, int], next_at: str) -> str:
    return t(
        "Done: the weekly digest of approved tips will be posted in {channel} {when}. "
        "The next one: {next}.",
        channel=channel_link(channel),
        when=slot_text(t, *slot),
        next=next_at,
    )


def digest_announcement(t: Translator, slot: tuple[int, int, int]) -> str:
    """Posted in the digest channel, read by everyone there (the workspace's language)."""
    return ":books: " + t(
        "Approved good-practice tips will be shared here {when}. Share your own with `/tips`!",
        when=slot_text(t, *slot),
    )


_CHANNEL_PROBLEMS = {
    ChannelProblem.NOT_HERE: SETUP_HERE,
    ChannelProblem.INVITE: SETUP_INVITE,
    ChannelProblem.ARCHIVED: SETUP_ARCHIVED,
}


def setup_problem(t: Translator, problem: ChannelProblem) -> str:
    """Why the channel the setup command was typed in cannot be used."""
    return t(_CHANNEL_PROBLEMS[problem])


def review_setup_text(t: Translator, done: ReviewChannelSet) -> str:
    """The answer to `/tips setup review`."""
    if done.problem is not None:
        return setup_problem(t, done.problem)
    return review_channel_set(t, done.channel_id, done.reviewers)


def digest_setup_text(t: Translator, done: DigestSet, tz: ZoneInfo) -> str:
    """The answer to `/tips setup digest [day time]`."""
    if done.problem is not None or done.next_at is None:
        return setup_problem(t, done.problem or ChannelProblem.NOT_HERE)
    return digest_set(t, done.channel_id, done.slot, t.day_time(done.next_at, tz))
