"""The action_id, callback_id and block_id strings of the App Home.

Slack echoes these strings back, so they are part of the app's interface: never reuse one for a
different meaning, and keep them ≤ 255 characters.
"""

from __future__ import annotations

from enum import StrEnum


class HomeAction(StrEnum):
    """Buttons and selects of the App Home tab and of the review list it opens (issue 5).

    Program buttons carry the program id as value; PAGE carries JSON {"k": list, "o": offset}
    (list: "p" programs, "m" own tips, "l" latest tips); the review list's buttons carry
    "<tip id>:<offset>" (REVIEW_PAGE: the offset). "Share a tip" is TipAction.SHARE.
    """

    JOIN = "home_join"
    PAUSE = "home_pause"
    RESUME = "home_resume"
    LEAVE = "home_leave"
    PROFILE = "home_profile"
    LANGUAGE = "home_language"
    PAGE = "home_page"
    PAGE_BACK = "home_page_back"
    REVIEW = "home_review"
    REVIEW_PAGE = "home_review_page"
    REVIEW_PAGE_BACK = "home_review_page_back"
    REVIEW_APPROVE = "home_review_approve"
    REVIEW_REJECT = "home_review_reject"
    REVIEW_EDIT = "home_review_edit"


class HomeView(StrEnum):
    """callback_ids: the Home tab itself and the review list modal it opens."""

    HOME = "home"
    REVIEW = "home_review_list"


class HomeBlock(StrEnum):
    """block_ids of the Home; PROGRAM and NAV are prefixes (+ program id / list letter)."""

    NOTICE = "home_notice"
    PROFILE_ACTIONS = "home_profile_actions"
    PROGRAM = "home_program_"
    NAV = "home_nav_"
