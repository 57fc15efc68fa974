"""Adaptive Cards as Teams takes them: Microsoft's 1.5 schema plus the rules Teams states
(version ≤ 1.5, Action.Execute carries a verb, ~28 KB per message), and message activities."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.teams.validation import (
    ADAPTIVE_CARD,
    DEFAULT_SCHEMA_DIR,
    MAX_MESSAGE_BYTES,
    activity_problems,
    card_problems,
    compact_size,
)

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def _card() -> dict[str, Any]:
    """A card using most of what Fika's cards use."""
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "$schema": SCHEMA,
        "refresh": {
            "action": {"type": "Action.Execute", "verb": "home.refresh", "data": {}},
            "userIds": ["29:1abc"],
        },
        "body": [
            {
                "type": "TextBlock",
                "text": "Fika",
                "size": "Large",
                "weight": "Bolder",
                "wrap": True,
            },
            {
                "type": "ColumnSet",
                "columns": [
                    {
                        "type": "Column",
                        "width": "auto",
                        "items": [{"type": "TextBlock", "text": "a"}],
                    },
                    {"type": "Column", "width": "stretch", "items": []},
                ],
            },
            {"type": "FactSet", "facts": [{"title": "Group", "value": "3 people"}]},
            {
                "type": "Input.Text",
                "id": "tip",
                "label": "Tip",
                "isMultiline": True,
                "isRequired": True,
                "errorMessage": "Write the tip",
                "maxLength": 3000,
            },
            {
                "type": "Input.ChoiceSet",
                "id": "size",
                "choices": [{"title": "2", "value": "2"}, {"title": "3", "value": "3"}],
                "value": "3",
            },
            {"type": "Input.Toggle", "id": "paused", "title": "Paused", "value": "false"},
            {
                "type": "ActionSet",
                "actions": [
                    {
                        "type": "Action.Execute",
                        "verb": "coffee.join",
                        "title": "Join",
                        "data": {"g": 1},
                    }
                ],
            },
        ],
        "actions": [
            {"type": "Action.Execute", "verb": "tips.submit", "title": "Send", "style": "positive"},
            {
                "type": "Action.OpenUrl",
                "title": "Open",
                "url": "https://teams.microsoft.com/l/chat/0/0",
            },
        ],
    }


def test_the_vendored_schema_is_microsofts_draft_06_file() -> None:
    schema = json.loads((DEFAULT_SCHEMA_DIR / "adaptive-card-1.5.json").read_text("utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-06/schema#"
    assert schema["id"] == SCHEMA
    assert {"Action.Execute", "Table", "Input.Text", "Refresh"} <= set(schema["definitions"])
    assert (DEFAULT_SCHEMA_DIR / "LICENSE-adaptivecards").read_text().startswith("MIT License")


def test_a_valid_card_passes() -> None:
    assert card_problems(_card()) == []


def test_the_teams_only_msteams_property_is_accepted_at_the_root_only() -> None:
    card = _card()
    card["msteams"] = {
        "width": "Full",
        "entities": [
            {"type": "mention", "text": "<at>Ann</at>", "mentioned": {"id": "29:1", "name": "Ann"}}
        ],
    }
    assert card_problems(card) == []
    assert "msteams" in card  # the caller's card is not changed
    card["body"][0]["msteams"] = {"width": "Full"}
    assert card_problems(card) == [
        "body[0]: Additional properties are not allowed ('msteams' was unexpected)"
    ]


def test_an_unknown_element_type_is_named() -> None:
    card = _card()
    card["body"][1]["columns"][0]["items"].append({"type": "Carousel", "pages": []})
    problems = card_problems(card)
    assert len(problems) == 1
    assert problems[0].startswith("body[1].columns[0].items[1].type: unknown type 'Carousel'")


def test_an_unknown_action_type_is_refused() -> None:
    card = _card()
    card["actions"].append({"type": "Action.Http", "title": "x"})
    assert [p.split(":")[0] for p in card_problems(card)] == ["actions[2].type"]


def test_open_url_without_url_is_refused() -> None:
    card = _card()
    del card["actions"][1]["url"]
    assert card_problems(card) == ["actions[1]: 'url' is a required property"]


def test_a_wrong_property_inside_a_known_element_is_reported_at_its_path() -> None:
    card = _card()
    card["body"][3]["maxLength"] = "3000"
    card["body"][0]["colour"] = "accent"
    assert card_problems(card) == [
        "body[0]: Additional properties are not allowed ('colour' was unexpected)",
        "body[3].maxLength: '3000' is not of type 'number'",
    ]


def test_a_30_kb_card_is_refused_and_28_kb_passes() -> None:
    card = _card()
    card["body"].append({"type": "TextBlock", "text": "ä" * 15_000, "wrap": True})  # 2 bytes each
    size = compact_size(card)
    assert size > 30_000
    assert card_problems(card) == [
        f"(the card): {size} bytes of JSON; Teams takes at most 28672 "
        "(its message size limit is about 28 KB)."
    ]
    card["body"][-1]["text"] = "ä" * ((15_000 * 2 - (size - MAX_MESSAGE_BYTES)) // 2)
    assert compact_size(card) <= MAX_MESSAGE_BYTES
    assert card_problems(card) == []


def test_execute_without_a_verb_is_refused_also_in_refresh_and_action_sets() -> None:
    card = _card()
    del card["actions"][0]["verb"]
    card["refresh"]["action"] = {"verb": " "}  # the refresh action needs no "type"
    del card["body"][6]["actions"][0]["verb"]
    assert sorted(card_problems(card)) == [
        "actions[0]: Action.Execute without a verb (the bot receives the verb).",
        "body[6].actions[0]: Action.Execute without a verb (the bot receives the verb).",
        "refresh.action: Action.Execute without a verb (the bot receives the verb).",
    ]


@pytest.mark.parametrize("version", ["1.6", "2.0", "1.10"])
def test_versions_newer_than_1_5_are_refused(version: str) -> None:
    card = _card()
    card["version"] = version
    assert card_problems(card) == [f"version: {version} is newer than Teams renders (at most 1.5)."]


@pytest.mark.parametrize("version", ["1.0", "1.4", "1.5"])
def test_versions_up_to_1_5_pass(version: str) -> None:
    card = _card()
    card["version"] = version
    assert card_problems(card) == []


def test_the_top_card_needs_its_version_and_type() -> None:
    card = _card()
    del card["version"]
    card["type"] = "HeroCard"
    problems = card_problems(card)
    assert "version: missing; the top-level card must say its version ('1.5')." in problems
    assert "type: must be 'AdaptiveCard' at the root." in problems


def _activity(card: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": "message",
        "summary": "Fika",
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": card or _card()}],
    }
    return {**activity, **fields}


def test_a_card_message_and_a_text_message_pass() -> None:
    assert activity_problems(_activity()) == []
    assert activity_problems({"type": "message", "text": "Hej!"}) == []


def test_an_activity_needs_type_message_and_something_to_show() -> None:
    assert activity_problems({"type": "message", "text": "  "}) == [
        "(the activity): neither text nor attachments: nothing to show."
    ]
    assert activity_problems({"type": "typing", "text": "x"}) == [
        "type: 'typing'; a message activity has type 'message'."
    ]


def test_an_invalid_card_in_an_attachment_is_refused_with_its_path() -> None:
    card = _card()
    del card["actions"][1]["url"]
    card["version"] = "1.6"
    assert activity_problems(_activity(card)) == [
        "attachments[0].content.actions[1]: 'url' is a required property",
        "attachments[0].content.version: 1.6 is newer than Teams renders (at most 1.5).",
    ]
    assert activity_problems(
        {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD}]}
    ) == ["attachments[0].content: the Adaptive Card is missing."]


def test_the_whole_activity_counts_against_28_kb() -> None:
    card = _card()
    card["body"].append({"type": "TextBlock", "text": "x" * 20_000})
    assert card_problems(card) == []
    activity = _activity(card, text="y" * 9_000)
    problems = activity_problems(activity)
    assert len(problems) == 1
    assert problems[0].startswith(f"(the activity): {compact_size(activity)} bytes of JSON")


def test_validation_leaves_the_card_alone() -> None:
    card = _card()
    card["msteams"] = {"width": "Full"}
    before = copy.deepcopy(card)
    card_problems(card)
    activity_problems(_activity(card))
    assert card == before
