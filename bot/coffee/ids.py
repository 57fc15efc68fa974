"""The action_id, callback_id and block_id strings of coffee breaks.

Slack echoes these strings back, so they are part of the app's interface: never reuse one for a
different meaning, and keep them ≤ 255 characters.
"""

from __future__ import annotations

from enum import StrEnum


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
