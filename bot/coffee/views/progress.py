"""The program channel's progress note of a round, where no round came of it.

Data and a translator in, text out (the rest of the note's wording: `bot.coffee.views.messages`).
"""

from __future__ import annotations

from bot.platform.i18n import Translator


def members_unreadable_text(t: Translator, error: str) -> str:
    """The channel's members could not be read (`error`: the surface's code)."""
    return t(
        "I could not read who is in this channel ({error}), so there was no round.",
        error=error,
    )
