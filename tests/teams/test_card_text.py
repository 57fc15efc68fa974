"""`plain(s)`: user text in a TextBlock is shown as written, never as markdown or a mention."""

from __future__ import annotations

import re

import pytest

from bot.teams.cards.text import plain

MARKUP = set("\\*_~`#[]()<>")


def _unescape(text: str) -> str:
    """CommonMark's reading of backslash escapes (what a renderer shows)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _unescaped_markup(text: str) -> list[str]:
    """Markup characters that are not preceded by an escaping backslash."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] in MARKUP:
            found.append(text[i])
        i += 1
    return found


@pytest.mark.parametrize(
    "text",
    [
        "**free** cake",
        "_italic_ and snake_case",
        "~~gone~~",
        "`code` and ```block```",
        "# Heading\n## Two",
        "[cake](https://evil.example) ![img](x.png)",
        "<at>Ann</at> look",
        "> quoted",
        "a\\*b and a trailing \\",
    ],
)
def test_markup_is_escaped_and_reads_back_as_written(text: str) -> None:
    escaped = plain(text)
    assert escaped != text
    assert _unescaped_markup(escaped) == []
    assert _unescape(escaped) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- milk", "\\- milk"),
        ("+ milk", "\\+ milk"),
        ("  - nested", "  \\- nested"),
        ("1. first\n2. second", "1\\. first\n2\\. second"),
        ("10) tenth", "10\\) tenth"),
        ("===", "\\==="),
        ("a - b, 1. c", "a - b, 1. c"),  # not at a line's start: not a list
    ],
)
def test_list_markers_at_a_line_start_are_escaped(text: str, expected: str) -> None:
    assert plain(text) == expected


def test_mention_tags_cannot_survive() -> None:
    escaped = plain("hi <at>Ann</at>")
    assert "<at>" not in escaped and "</at>" not in escaped
    assert escaped == "hi \\<at\\>Ann\\</at\\>"


def test_carriage_returns_are_normalised() -> None:
    assert plain("a\r\nb\rc\nd") == "a\nb\nc\nd"


def test_ordinary_text_is_unchanged() -> None:
    text = "Fika på torsdag kl. 14.30 — välkommen! Tervetuloa kahville."
    assert plain(text) == text
    assert plain("Hej Åsa, 3 personer") == "Hej Åsa, 3 personer"
