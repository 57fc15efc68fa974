"""The answers Teams expects to invokes (card clicks, dialogs, the message extension), and the
message activity that carries a card. Plain dicts, as the Bot Connector's JSON."""

from __future__ import annotations

from typing import Any

CARD = "application/vnd.microsoft.card.adaptive"
Card = dict[str, Any]


def card_activity(card: Card, summary: str = "") -> dict[str, Any]:
    """A message activity carrying one Adaptive Card (`summary`: what a notification shows)."""
    activity: dict[str, Any] = {
        "type": "message",
        "attachments": [{"contentType": CARD, "content": card}],
    }
    if summary:
        activity["summary"] = summary
    return activity


def text_activity(text: str) -> dict[str, Any]:
    return {"type": "message", "text": text, "textFormat": "plain"}


def card_answer(card: Card) -> dict[str, Any]:
    """An Action.Execute's answer: this card replaces the one clicked (for the clicker, or for
    everyone when the card has no per-user refresh)."""
    return {"statusCode": 200, "type": CARD, "value": card}


def message_answer(text: str) -> dict[str, Any]:
    """An Action.Execute's answer that leaves the card as it is and shows a short note."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


def dialog(title: str, card: Card, *, width: str = "medium") -> dict[str, Any]:
    """Open (or show again, e.g. with field errors) a dialog with `card`."""
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": title,
                "width": width,
                "height": "medium",
                "card": {"contentType": CARD, "content": card},
            },
        }
    }


def dialog_message(text: str) -> dict[str, Any]:
    """Close a dialog showing a short message."""
    return {"task": {"type": "message", "value": text}}
