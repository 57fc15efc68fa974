"""The App Home tab and the review list it opens: data and a translator in, a view out.

A Home view holds at most 100 blocks: every list on it is a page (programs, own tips, latest
tips) with "Show more" / "Previous" buttons, and the offsets live in the view's
private_metadata. Everything a person wrote is escaped.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.coffee.participants import ACTIVE, LEFT, PAUSED
from bot.coffee.views.messages import (
    button,
    context,
    header,
    schedule_phrase,
    section,
    size_phrase,
    when,
)
from bot.coffee.views.modals import CHAT_LANGUAGES
from bot.home.ids import HomeAction, HomeBlock, HomeView
from bot.home.store import (
    AUTO_LOCALE,
    LATEST,
    MINE,
    PROGRAMS,
    PROGRAMS_PER_PAGE,
    HomeData,
    HomePages,
    ProgramCard,
    page_value,
)
from bot.people.former import person
from bot.platform.i18n import LANGUAGE_NAMES, N_, Translator
from bot.platform.slack_text import channel_link, escape, mention, truncate
from bot.platform.slack_values import object_or_empty, to_offset
from bot.tips.ids import TipAction
from bot.tips.models import Tip
from bot.tips.store import STATUS_LABELS, Page
from bot.tips.views import STATUS_EMOJI, category_name, esc, review_list_blocks

Block = dict[str, Any]
View = dict[str, Any]

VIEW_MAX_BLOCKS = 100
TITLE_MAX = 24

# The review list is the `/tips review` list; in the modal its buttons come to the Home's
# handlers (a modal has no response_url to answer through).
_REVIEW_IDS = {
    TipAction.APPROVE.value: HomeAction.REVIEW_APPROVE.value,
    TipAction.REJECT.value: HomeAction.REVIEW_REJECT.value,
    TipAction.EDIT.value: HomeAction.REVIEW_EDIT.value,
    TipAction.REVIEW_PAGE.value: HomeAction.REVIEW_PAGE.value,
    TipAction.REVIEW_PAGE_BACK.value: HomeAction.REVIEW_PAGE_BACK.value,
}


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": truncate(text, limit)}


def conversation_url(workspace_url: str, conversation_id: str) -> str:
    """A link that opens a conversation (here: a coffee group's DM) in the reader's Slack.

    `<#G…>` renders an unreadable name (or "private channel") for a group DM, `slack://` links
    only work where the desktop app is installed, and `app_redirect?channel=` is documented for
    channels, not group DMs; the workspace's `/archives/<id>` address (what "Copy link" gives)
    opens the conversation for its members in the web, desktop and mobile clients.
    """
    return f"{workspace_url.rstrip('/')}/archives/{quote(conversation_id, safe='')}"


def _leave_confirm(t: Translator) -> Block:
    return {
        "title": _plain(t("Leave?"), 100),
        "text": _plain(t("You won't be paired in this channel any more."), 300),
        "confirm": _plain(t("Leave"), 30),
        "deny": _plain(t("Stay"), 30),
    }


def _nav(t: Translator, which: str, offset: int, limit: int, shown: int, total: int) -> list[Block]:
    """A "Showing 6–10 of 150" line and Previous / Show more, when there is more than a page."""
    if total <= limit:
        return []
    blocks: list[Block] = [
        context(
            t(
                "Showing {first}–{last} of {total}",
                first=t.number(offset + 1),
                last=t.number(offset + shown),
                total=t.number(total),
            )
        )
    ]
    elements: list[Block] = []
    if offset > 0:
        elements.append(
            button(t("← Previous"), HomeAction.PAGE_BACK, page_value(which, max(0, offset - limit)))
        )
    if offset + shown < total:
        elements.append(button(t("Show more"), HomeAction.PAGE, page_value(which, offset + limit)))
    if elements:
        blocks.append(
            {"type": "actions", "block_id": f"{HomeBlock.NAV}{which}", "elements": elements}
        )
    return blocks


# ---------------------------------------------------------------------------- coffee


def _program_blocks(
    t: Translator, data: HomeData, card: ProgramCard, workspace_url: str | None
) -> list[Block]:
    program = card.program
    channel = channel_link(program.channel_id)
    lines = [f"*{channel}* – {schedule_phrase(t, program)}, {size_phrase(t, program.group_size)}"]
    if card.state == PAUSED and card.paused_until is not None:
        lines.append(
            t(
                "You are taking a break until {day}; after that you are paired again.",
                day=t.day(card.paused_until),
            )
        )
    elif card.state == ACTIVE:
        lines.append(t("You take part."))
    elif card.state == LEFT:
        lines.append(t("You have left this program."))
    else:
        lines.append(t("You are not taking part yet."))
    if card.state in (ACTIVE, PAUSED) and not card.in_channel:
        lines.append(
            t(
                "Join {channel} as well – the rounds pair the people in that channel.",
                channel=channel,
            )
        )
    if card.next_at is not None:
        lines.append(t("*Next round:* {when}", when=when(t, card.next_at, program.tz)))
    if card.partners and card.group_day is not None:
        people = []
        for partner in card.partners:
            library = partner.library(t.locale)
            people.append(
                f"{person(t, partner.user_id)} ({escape(library)})"
                if library
                else person(t, partner.user_id)
            )
        line = t(
            "*Your latest coffee group* ({day}): {people}",
            day=t.day(card.group_day),
            people=t.list(people),
        )
        if card.conversation_id and workspace_url:
            url = conversation_url(workspace_url, card.conversation_id)
            label = escape(t("Open your group chat"))
            line += f"\n<{url}|{label}>"
        lines.append(line)
    value = str(program.id)
    elements: list[Block]
    if card.state == ACTIVE:
        elements = [
            button(t("Take a break"), HomeAction.PAUSE, value),
            button(t("Leave"), HomeAction.LEAVE, value, style="danger", confirm=_leave_confirm(t)),
        ]
    elif card.state == PAUSED:
        elements = [
            button(t("End my break"), HomeAction.RESUME, value, style="primary"),
            button(t("Take a break"), HomeAction.PAUSE, value),
            button(t("Leave"), HomeAction.LEAVE, value, style="danger", confirm=_leave_confirm(t)),
        ]
    else:
        elements = [button(t("Join"), HomeAction.JOIN, value, style="primary")]
    return [
        section("\n".join(lines)),
        {"type": "actions", "block_id": f"{HomeBlock.PROGRAM}{program.id}", "elements": elements},
    ]


def _coffee_blocks(t: Translator, data: HomeData, workspace_url: str | None) -> list[Block]:
    blocks: list[Block] = [header(t("☕ Coffee breaks"))]
    if not data.programs:
        blocks.append(
            section(
                t(
                    "There are no coffee-break programs yet. An admin starts one with "
                    "`/fika start` in a channel."
                )
            )
        )
        return blocks
    for card in data.programs:
        blocks.extend(_program_blocks(t, data, card, workspace_url))
    blocks.extend(
        _nav(
            t,
            PROGRAMS,
            data.pages.programs,
            PROGRAMS_PER_PAGE,
            len(data.programs),
            data.programs_total,
        )
    )
    return blocks


# ---------------------------------------------------------------------------- profile


def _language_option(t: Translator, code: str) -> Block:
    label = t("Same as my Slack language") if code == AUTO_LOCALE else LANGUAGE_NAMES[code]
    return {"text": _plain(label, 75), "value": code}


def _profile_blocks(t: Translator, data: HomeData) -> list[Block]:
    profile = data.profile
    library = profile.library(t.locale)
    languages = t.language_names(profile.chat_languages)
    lines = [
        t(
            "*Your library:* {library}",
            library=escape(library) if library else t("not set yet"),
        ),
        t(
            "*You chat in:* {languages}",
            languages=t.list(languages) if languages else t("not set yet"),
        ),
        t(
            "*Messages to you in:* {language}",
            language=t.language_name(profile.locale),
        ),
    ]
    profile_section = section("\n".join(lines))
    profile_section["accessory"] = button(t("Edit profile"), HomeAction.PROFILE, "profile")
    options = [_language_option(t, code) for code in (AUTO_LOCALE, *CHAT_LANGUAGES)]
    current = profile.locale_pref if profile.locale_pref in CHAT_LANGUAGES else AUTO_LOCALE
    select: Block = {
        "type": "static_select",
        "action_id": HomeAction.LANGUAGE,
        "placeholder": _plain(t("Language of my messages from Fika"), 150),
        "options": options,
        "initial_option": next(o for o in options if o["value"] == current),
    }
    return [
        header(t("👤 Your profile")),
        profile_section,
        {"type": "actions", "block_id": HomeBlock.PROFILE_ACTIONS, "elements": [select]},
        context(t("Your library and languages help me pair you with colleagues you can talk to.")),
    ]


# ---------------------------------------------------------------------------- tips


def _own_tip_line(t: Translator, tip: Tip) -> str:
    status = t(STATUS_LABELS.get(tip.status, tip.status))
    return (
        f"{STATUS_EMOJI.get(tip.status, '')} *{esc(tip.title, 300)}* – {status}"
        f" · _{category_name(t, tip.category)}_"
    )


def _latest_tip_line(t: Translator, tip: Tip) -> str:
    facts = [category_name(t, tip.category)]
    if tip.library_name:
        facts.append(esc(tip.library_name, 200))
    return f"• *{esc(tip.title, 300)}* – _{' · '.join(facts)}_ · {person(t, tip.author_id)}"


def _tip_list(
    t: Translator, heading: str, page: Page, which: str, empty: str, line: Any
) -> list[Block]:
    if not page.tips:
        return [section(f"{heading}\n{empty}")]
    lines = [heading, *(line(t, tip) for tip in page.tips)]
    return [
        section("\n".join(lines)),
        *_nav(t, which, page.offset, page.limit, len(page.tips), page.total),
    ]


def _tips_blocks(t: Translator, data: HomeData) -> list[Block]:
    share = section(
        t("Something worked well in your library? Share it – the AKE team reads every tip.")
    )
    share["accessory"] = button(t("Share a tip"), TipAction.SHARE, "home", style="primary")
    return [
        header(t("💡 Good-practice tips")),
        share,
        *_tip_list(
            t,
            ":memo: " + t("*Your tips*"),
            data.mine,
            MINE,
            t("You haven't shared any tips yet."),
            _own_tip_line,
        ),
        *_tip_list(
            t,
            ":sparkles: " + t("*Latest approved tips*"),
            data.latest,
            LATEST,
            t("No tips have been approved yet."),
            _latest_tip_line,
        ),
        context(escape(t("Search all approved tips with `/tips search <words>`."))),
    ]


# ---------------------------------------------------------------------------- the team


def _team_blocks(t: Translator, data: HomeData) -> list[Block]:
    if not (data.reviewer or data.admin):
        return []
    blocks: list[Block] = [{"type": "divider"}, header(t("🛠 For the AKE team"))]
    if data.reviewer and data.pending is not None:
        if data.pending:
            queue = section(
                ":inbox_tray: "
                + t.ngettext(
                    "*{n} tip is waiting for review*",
                    "*{n} tips are waiting for review*",
                    data.pending,
                )
            )
            queue["accessory"] = button(t("Review"), HomeAction.REVIEW, "0", style="primary")
            blocks.append(queue)
        else:
            blocks.append(section(":tada: " + t("No tips are waiting for review.")))
    figures = data.figures
    if figures is not None:
        rows = [
            (t("Rounds"), figures.rounds),
            (t("People who took part"), figures.people),
            (t("Groups across libraries"), figures.cross_library),
            (t("Tips approved"), figures.tips_approved),
        ]
        lines = [t("*This year's figures ({year})*", year=str(figures.year))]
        lines += [f"{label}: *{t.number(value)}*" for label, value in rows]
        blocks.append(section("\n".join(lines)))
        blocks.append(
            context(t("More with `/fika stats` (admins) and `/tips export` (reviewers)."))
        )
    return blocks


# ---------------------------------------------------------------------------- the Home


def home_view(
    t: Translator, data: HomeData, *, workspace_url: str | None, notice: str | None = None
) -> View:
    blocks: list[Block] = [
        section(
            t(
                "Hi {person}! Here are your coffee breaks and good-practice tips. "
                "The buttons do the same as the `/fika` and `/tips` commands.",
                person=mention(data.user_id),
            )
        )
    ]
    if notice:
        blocks.append(section(notice, block_id=HomeBlock.NOTICE))
    blocks.append({"type": "divider"})
    blocks += _coffee_blocks(t, data, workspace_url)
    blocks += _profile_blocks(t, data)
    blocks += _tips_blocks(t, data)
    blocks += _team_blocks(t, data)
    return {
        "type": "home",
        "callback_id": HomeView.HOME,
        "private_metadata": data.pages.encode(),
        "blocks": blocks[:VIEW_MAX_BLOCKS],
    }


def home_pages(view: object) -> HomePages:
    """The offsets of the Home a click came from (anything odd reads as the first pages)."""
    return HomePages.decode(view.get("private_metadata") if isinstance(view, dict) else None)


# ---------------------------------------------------------------------------- review list


def review_modal(
    t: Translator, page: Page, tz: ZoneInfo, owner: str, notice: str | None = None
) -> View:
    """`/tips review` as a modal: the pending tips, oldest first, with Approve / Reject / Edit.

    Its metadata names the offset and the reviewer it was opened for (`review_list_state`).
    """
    blocks: list[Block] = []
    if notice:
        blocks.append(section(notice))
    for block in review_list_blocks(t, page, tz):
        if block.get("type") == "actions":
            block = {
                **block,
                "elements": [
                    {**e, "action_id": _REVIEW_IDS.get(str(e.get("action_id")), e["action_id"])}
                    for e in block["elements"]
                ],
            }
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": HomeView.REVIEW,
        "title": _plain(t("Tips to review"), TITLE_MAX),
        "close": _plain(t("Close"), TITLE_MAX),
        "private_metadata": json.dumps({"o": page.offset, "u": owner}),
        "blocks": blocks[:VIEW_MAX_BLOCKS],
    }


def review_list_state(view: object) -> tuple[int, str | None]:
    """(offset, the reviewer it was opened for) of a review list modal; (0, None) if odd."""
    data = object_or_empty(view.get("private_metadata") if isinstance(view, dict) else None)
    owner = data.get("u")
    return to_offset(data.get("o")) or 0, owner if isinstance(owner, str) else None


def message_view(t: Translator, title: str, text: str) -> View:
    """A modal that only says something (e.g. a refusal, in place of the review list)."""
    return {
        "type": "modal",
        "callback_id": HomeView.REVIEW,
        "title": _plain(title, TITLE_MAX),
        "close": _plain(t("Close"), TITLE_MAX),
        "blocks": [section(text)],
    }


def review_refused_view(t: Translator, text: str) -> View:
    """The review list modal replaced by a refusal (its title kept)."""
    return message_view(t, t("Tips to review"), text)


LANGUAGE_SET = N_("Done! Fika now writes to you in {language}.")


def language_set_notice(t: Translator, locale: str) -> str:
    """After the Home's language select: said in the new language (`t` is the redrawn Home's)."""
    return "✅ " + t(LANGUAGE_SET, language=t.language_name(locale))
