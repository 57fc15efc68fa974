"""Modals of coffee breaks: profile, pause, and the admins' library list."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.people.libraries import label_municipality
from bot.people.models import Library
from bot.platform.i18n import LANGUAGE_NAMES, Translator
from bot.platform.slack_text import escaped_label, truncate

Block = dict[str, Any]

STATIC_SELECT_MAX = 100
AUTO_LOCALE = "auto"
CHAT_LANGUAGES = ("sv", "fi", "en")


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": truncate(text, limit)}


def _modal(
    t: Translator, callback_id: str, title: str, blocks: list[Block], metadata: str = ""
) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title, 24),
        "submit": _plain(t("Save"), 24),
        "close": _plain(t("Cancel"), 24),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def library_option(library: Library, locale: str) -> Block:
    label = escaped_label(library.display_name(locale), label_municipality(library, locale), 75)
    return {
        "text": _plain(label, 75),
        "value": str(library.id),
    }


def profile_modal(
    t: Translator,
    libraries: list[Library],
    current_library: Library | None,
    chat_languages: list[str],
    locale_pref: str | None,
    metadata: str = "",
) -> Block:
    """Library (pick from the list or type), chat languages, message language.

    Up to 100 listed libraries fit a static select; with more, the select asks the app for
    matching options as the person types (external select).
    """
    blocks: list[Block] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": t(
                    "Tell me where you work and which languages you can chat in. I use them to "
                    "pair you with colleagues from other libraries who speak your language."
                ),
            },
        }
    ]
    curated_current = current_library if current_library and current_library.curated else None
    if libraries:
        element: Block = {
            "action_id": Coffee.PROFILE_LIBRARY,
            "placeholder": _plain(t("Pick your library"), 150),
        }
        if len(libraries) <= STATIC_SELECT_MAX:
            element["type"] = "static_select"
            element["options"] = [library_option(lib, t.locale) for lib in libraries]
        else:
            element["type"] = "external_select"
            element["min_query_length"] = 1
        if curated_current is not None:
            element["initial_option"] = library_option(curated_current, t.locale)
        blocks.append(
            {
                "type": "input",
                "block_id": CoffeeBlock.PROFILE_LIBRARY,
                "optional": True,
                "label": _plain(t("Your library"), 2000),
                "element": element,
            }
        )
    typed: Block = {
        "type": "plain_text_input",
        "action_id": Coffee.PROFILE_LIBRARY_TYPED,
        "max_length": 200,
        "placeholder": _plain(t("e.g. Kronoby bibliotek"), 150),
    }
    if current_library is not None and curated_current is None:
        typed["initial_value"] = current_library.name_sv
    blocks.append(
        {
            "type": "input",
            "block_id": CoffeeBlock.PROFILE_LIBRARY_TYPED,
            "optional": True,
            "label": _plain(
                t("Not on the list? Type its name") if libraries else t("Your library"), 2000
            ),
            "element": typed,
        }
    )
    language_options = [
        {"text": _plain(LANGUAGE_NAMES[code], 75), "value": code} for code in CHAT_LANGUAGES
    ]
    checkboxes: Block = {
        "type": "checkboxes",
        "action_id": Coffee.PROFILE_LANGUAGES,
        "options": language_options,
    }
    chosen = [o for o in language_options if o["value"] in chat_languages]
    if chosen:
        checkboxes["initial_options"] = chosen
    blocks.append(
        {
            "type": "input",
            "block_id": CoffeeBlock.PROFILE_LANGUAGES,
            "label": _plain(t("Languages you can chat in"), 2000),
            "element": checkboxes,
        }
    )
    locale_options = [
        {"text": _plain(t("Same as my Slack language"), 75), "value": AUTO_LOCALE}
    ] + [{"text": _plain(LANGUAGE_NAMES[code], 75), "value": code} for code in CHAT_LANGUAGES]
    current = locale_pref if locale_pref in CHAT_LANGUAGES else AUTO_LOCALE
    blocks.append(
        {
            "type": "input",
            "block_id": CoffeeBlock.PROFILE_LOCALE,
            "label": _plain(t("Language of my messages from Fika"), 2000),
            "element": {
                "type": "static_select",
                "action_id": Coffee.PROFILE_LOCALE,
                "options": locale_options,
                "initial_option": next(o for o in locale_options if o["value"] == current),
            },
        }
    )
    return _modal(t, CoffeeView.PROFILE, t("Your Fika profile"), blocks, metadata)


def pause_modal(t: Translator, program_id: int | None, suggested: date) -> Block:
    return _modal(
        t,
        CoffeeView.PAUSE,
        t("Take a break"),
        [
            {
                "type": "input",
                "block_id": CoffeeBlock.PAUSE_UNTIL,
                "label": _plain(t("Take a break until"), 2000),
                "hint": _plain(t("From this date on you are paired again."), 2000),
                "element": {
                    "type": "datepicker",
                    "action_id": Coffee.PAUSE_UNTIL,
                    "initial_date": suggested.isoformat(),
                },
            }
        ],
        metadata=str(program_id or ""),
    )


def _text_input(
    block_id: str,
    action_id: str,
    label: str,
    optional: bool,
    multiline: bool = False,
    max_length: int = 200,
) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": _plain(label, 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": action_id,
            "multiline": multiline,
            "max_length": max_length,
        },
    }


def library_add_modal(t: Translator) -> Block:
    return _modal(
        t,
        CoffeeView.LIBRARY_ADD,
        t("Add a library"),
        [
            _text_input(
                CoffeeBlock.LIBRARY_NAME_SV, Coffee.LIBRARY_NAME_SV, t("Name in Swedish"), False
            ),
            _text_input(
                CoffeeBlock.LIBRARY_NAME_FI, Coffee.LIBRARY_NAME_FI, t("Name in Finnish"), True
            ),
            _text_input(
                CoffeeBlock.LIBRARY_MUNICIPALITY,
                Coffee.LIBRARY_MUNICIPALITY,
                t("Municipality"),
                True,
            ),
        ],
    )


def library_load_modal(t: Translator) -> Block:
    block = _text_input(
        CoffeeBlock.LIBRARY_CSV,
        Coffee.LIBRARY_CSV,
        t("Libraries as CSV"),
        False,
        multiline=True,
        max_length=3000,
    )
    block["hint"] = _plain(
        t(
            "One library per line: name_sv,name_fi,municipality. A header line is fine; names "
            "already on the list are updated. For a long list, paste it in parts."
        ),
        2000,
    )
    return _modal(t, CoffeeView.LIBRARY_LOAD, t("Load libraries (CSV)"), [block])
