"""The action_id, callback_id and block_id strings of tips (and the message shortcut).

Slack echoes these strings back, so they are part of the app's interface: never reuse one for a
different meaning, and keep them ≤ 255 characters.
"""

from __future__ import annotations

from enum import StrEnum


class Shortcut(StrEnum):
    # Also in manifest.yml (shortcuts → callback_id).
    SHARE_AS_TIP = "share_as_good_practice"


class TipAction(StrEnum):
    """Buttons of tips: review cards and lists, result pages, "share a tip"."""

    APPROVE = "tip_approve"  # value: "<tip id>" or "<tip id>:<review list offset>"
    REJECT = "tip_reject"
    EDIT = "tip_edit"
    REVIEW_PAGE = "tip_review_page"  # value: offset
    LIST_PAGE = "tip_list_page"  # value: JSON {"k": kind, "q": query, "o": offset}
    # "Previous" of a paged list: Slack refuses two equal action_ids in one block.
    REVIEW_PAGE_BACK = "tip_review_page_back"
    LIST_PAGE_BACK = "tip_list_page_back"
    SHARE = "tip_share"  # opens the tip modal (e.g. from the Home tab)


class TipView(StrEnum):
    """callback_ids of the tip modals."""

    SUBMIT = "tip_submit"
    REJECT = "tip_reject_reason"
    EDIT = "tip_edit_modal"


class TipBlock(StrEnum):
    """block_ids of the tip modals' inputs (each input's action_id is TipBlock.VALUE)."""

    TITLE = "tip_title"
    DESCRIPTION = "tip_description"
    CATEGORY = "tip_category"
    LIBRARY = "tip_library"
    LIBRARY_OTHER = "tip_library_other"
    LINK = "tip_link"
    LANGUAGE = "tip_language"
    REASON = "tip_reason"
    VALUE = "value"
