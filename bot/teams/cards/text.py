"""User-written text inside Adaptive Card TextBlocks, shown as written.

A TextBlock's `text` is read as markdown (Teams renders a subset: **bold**, _italic_,
~~strike~~, `code`, # headings, [links](…), - and 1. lists, > quotes), and a bot message's
`<at>…</at>` is a mention tag. `plain(s)` escapes all of that with backslashes (CommonMark's
escapes, which the Adaptive Cards renderers honour), so a person's "**free** [cake](x)" is
shown as those characters, not as bold text and a link.
"""

from __future__ import annotations

import re

#: Characters that are markup anywhere in a line (the backslash first: it escapes the rest).
_MARKUP = re.compile(r"([\\*_~`#\[\]()<>])")
#: A line that would start a list, a heading underline or a quote after the escapes above:
#: "- x", "+ x", "=== ", "1. x", "1) x".
_LIST = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def plain(s: str) -> str:
    """`s` escaped for a TextBlock: shown literally, line breaks kept (\\r\\n and \\r → \\n)."""
    text = s.replace("\r\n", "\n").replace("\r", "\n")
    text = _MARKUP.sub(r"\\\1", text)
    text = _LIST.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\\2", text)
