"""The action_id strings of personal data (forget me, what Fika stores).

Slack echoes these strings back, so they are part of the app's interface: never reuse one for a
different meaning, and keep them ≤ 255 characters.
"""

from __future__ import annotations

from enum import StrEnum


class PrivacyAction(StrEnum):
    """The buttons of `/fika forget-me`'s and `/fika forget @person`'s confirmations (value:
    "<user id>:<epoch seconds>"; the cancel button serves both)."""

    FORGET_CONFIRM = "privacy_forget_confirm"
    FORGET_CANCEL = "privacy_forget_cancel"
    FORGET_OTHER_CONFIRM = "privacy_forget_other_confirm"  # an admin forgets someone else
