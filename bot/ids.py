"""Every action_id, callback_id and block_id, shared by views and handlers.

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


class Coffee(StrEnum):
    """Buttons, selects and modals of coffee breaks (issue 3)."""

    # Welcome DM (value: program id).
    WELCOME_PROFILE = "coffee_welcome_profile"
    WELCOME_PAUSE = "coffee_welcome_pause"
    WELCOME_LEAVE = "coffee_welcome_leave"
    # Follow-up "Did you meet?" (value: group id).
    FOLLOWUP_MET = "coffee_followup_met"
    FOLLOWUP_NOT_MET = "coffee_followup_not_met"
    FOLLOWUP_SHARE_TIP = "coffee_followup_share_tip"
    # /fika libraries (value: page number).
    LIBRARIES_PAGE = "coffee_libraries_page"
    LIBRARIES_PAGE_BACK = "coffee_libraries_page_back"
    LIBRARIES_ADD = "coffee_libraries_add"
    LIBRARIES_LOAD = "coffee_libraries_load"
    # Elements inside modals.
    PROFILE_LIBRARY = "coffee_profile_library"
    PROFILE_LIBRARY_TYPED = "coffee_profile_library_typed"
    PROFILE_LANGUAGES = "coffee_profile_languages"
    PROFILE_LOCALE = "coffee_profile_locale"
    PAUSE_UNTIL = "coffee_pause_until"
    LIBRARY_NAME_SV = "coffee_library_name_sv"
    LIBRARY_NAME_FI = "coffee_library_name_fi"
    LIBRARY_MUNICIPALITY = "coffee_library_municipality"
    LIBRARY_CSV = "coffee_library_csv"


class CoffeeView(StrEnum):
    PROFILE = "coffee_profile_modal"
    PAUSE = "coffee_pause_modal"
    LIBRARY_ADD = "coffee_library_add_modal"
    LIBRARY_LOAD = "coffee_library_load_modal"


class CoffeeBlock(StrEnum):
    PROFILE_LIBRARY = "coffee_profile_library"
    PROFILE_LIBRARY_TYPED = "coffee_profile_library_typed"
    PROFILE_LANGUAGES = "coffee_profile_languages"
    PROFILE_LOCALE = "coffee_profile_locale"
    PAUSE_UNTIL = "coffee_pause_until"
    LIBRARY_NAME_SV = "coffee_library_name_sv"
    LIBRARY_NAME_FI = "coffee_library_name_fi"
    LIBRARY_MUNICIPALITY = "coffee_library_municipality"
    LIBRARY_CSV = "coffee_library_csv"
    FOLLOWUP_ACTIONS = "coffee_followup_actions"
    WELCOME_ACTIONS = "coffee_welcome_actions"
    LIBRARIES_ACTIONS = "coffee_libraries_actions"


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


class PrivacyAction(StrEnum):
    """The buttons of `/fika forget-me`'s and `/fika forget @person`'s confirmations (value:
    "<user id>:<epoch seconds>"; the cancel button serves both)."""

    FORGET_CONFIRM = "privacy_forget_confirm"
    FORGET_CANCEL = "privacy_forget_cancel"
    FORGET_OTHER_CONFIRM = "privacy_forget_other_confirm"  # an admin forgets someone else
