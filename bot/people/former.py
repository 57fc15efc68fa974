"""People who asked Fika to forget them (`/fika forget-me`).

Their Slack id is replaced everywhere in the history by a placeholder such as
`former-3f9c1a7b2e4d`: random, not derived from the id (so it cannot be turned back), the same
across one person's rows (so figures still count them once) and never a Slack id (those are
upper-case letters and digits). Wherever a person is shown, a placeholder reads "a former member".
"""

from __future__ import annotations

import secrets

from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import mention

FORMER_PREFIX = "former-"
FORMER_MEMBER = N_("a former member")


def new_placeholder() -> str:
    return FORMER_PREFIX + secrets.token_hex(6)


def is_former(user_id: str | None) -> bool:
    return bool(user_id) and str(user_id).startswith(FORMER_PREFIX)


def person(t: Translator, user_id: str) -> str:
    """A mention of a stored person, or "a former member" for one who was forgotten."""
    return t(FORMER_MEMBER) if is_former(user_id) else mention(user_id)
