"""Every action_id, callback_id and block_id, shared by views and handlers.

Slack echoes these strings back, so they are part of the app's interface: never reuse one for a
different meaning, and keep them ≤ 255 characters.
"""

from __future__ import annotations

from enum import StrEnum


class Shortcut(StrEnum):
    # Also in manifest.yml (shortcuts → callback_id).
    SHARE_AS_TIP = "share_as_good_practice"
