"""Making user-written text safe to post: nothing in it can ping, link or break formatting."""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str | None) -> str:
    """Escape for mrkdwn/plain text: `<!channel>`, `<@U1>`, `<http://x|y>` become inert text."""
    return (text or "").translate(_ESCAPES)


def escape_within(text: str | None, limit: int) -> str:
    """Escaped text that is at most `limit` characters long once escaped (cut before escaping,
    so an entity is never cut in half)."""
    raw = text or ""
    escaped = escape(raw)
    while len(escaped) > limit:
        raw = truncate(raw, max(1, len(raw) - (len(escaped) - limit) - 1))
        escaped = escape(raw)
    return escaped


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut to `limit` characters (Block Kit limits count characters), marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))] + ellipsis


def truncate_mrkdwn(text: str, limit: int, ellipsis: str = "…") -> str:
    """`truncate` for mrkdwn: never ends inside a `<…>` mention, channel or link, nor inside an
    `&amp;`-style entity, which Slack would otherwise show broken (or as raw syntax)."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ellipsis))]
    opening = cut.rfind("<")
    if opening > cut.rfind(">"):
        cut = cut[:opening]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ellipsis


def escaped_label(name: str, suffix: str | None, limit: int) -> str:
    """Escaped "name (suffix)" within `limit` characters: the name is shortened, never the
    suffix (a library's municipality tells two "Huvudbiblioteket" apart)."""
    if not suffix:
        return escape_within(name, limit)
    tail = escape(f" ({suffix})")
    if len(tail) > limit // 2:
        return escape_within(f"{name} ({suffix})", limit)
    return escape_within(name, limit - len(tail)) + tail


def mention(user_id: str) -> str:
    """A mention of a user we chose to mention (never built from user input)."""
    return f"<@{user_id}>"


def channel_link(channel_id: str) -> str:
    return f"<#{channel_id}>"
