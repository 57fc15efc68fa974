"""Who may do what: one table for every slash subcommand, button, form and menu of the app.

Each entry names the least role an action needs — `MEMBER` (anyone in the workspace),
`REVIEWER` (the review channel's members; admins are reviewers too) or `ADMIN`
(`ADMIN_USER_IDS` or a workspace admin/owner) — and, for privileged actions, the polite refusal.
Every check on the server goes through `can` / `require`, click by click (rights are read afresh:
a role taken away in Slack counts at the next click). Help shows each subcommand to whoever may
use it, labelled with its audience from the same table.

Keys are the ids Slack sends back: a subcommand as `"/fika start"` (`slash("/fika", "start")`),
a second word as `"/fika libraries add"`, buttons by action_id, forms by callback_id, menus by
the action_id of their options request. `tests/people/test_permissions.py` checks that every
registered listener and every subcommand is in the table, and walks every privileged one as a plain
member.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from types import MappingProxyType

from bot.coffee.ids import Coffee, CoffeeView
from bot.home.ids import HomeAction
from bot.people.directory import is_admin
from bot.platform.deps import Deps
from bot.platform.errors import NotAuthorized
from bot.platform.i18n import N_
from bot.privacy.ids import PrivacyAction
from bot.tips.ids import Shortcut, TipAction, TipBlock, TipView
from bot.tips.reviewers import is_reviewer

log = logging.getLogger(__name__)


class Role(IntEnum):
    MEMBER = 0
    REVIEWER = 1
    ADMIN = 2  # an admin is also a reviewer


# Refusals: the person is told politely that nothing was changed.
ADMINS_ONLY = N_(
    "Sorry, only Fika admins can do that. Ask the AKE team if you think you should be one."
)
NOT_AN_ADMIN = N_("Sorry, only admins can change the tips settings.")
NOT_A_REVIEWER = N_(
    "Sorry, only the AKE team (the members of the review channel) can review tips. "
    "Nothing was changed."
)

# Who may use a subcommand, as help labels it.
AUDIENCE = {Role.REVIEWER: N_("(reviewers)"), Role.ADMIN: N_("(admins)")}


@dataclass(frozen=True)
class Rule:
    role: Role
    refusal: str = ""  # an N_() msgid; privileged actions only


MEMBER = Rule(Role.MEMBER)
REVIEWER = Rule(Role.REVIEWER, NOT_A_REVIEWER)
ADMIN = Rule(Role.ADMIN, ADMINS_ONLY)
TIPS_ADMIN = Rule(Role.ADMIN, NOT_AN_ADMIN)


def slash(command: str, *words: str) -> str:
    """The table key of a subcommand: `slash("/fika", "libraries", "add")`."""
    return " ".join((command, *words))


# Not a listener: what the libraries list shows admins (the names people typed, the add/load
# buttons).
SEE_TYPED_LIBRARIES = "libraries:typed"

PERMISSIONS: Mapping[str, Rule] = MappingProxyType(
    {
        # ------------------------------------------------------------ /fika
        "/fika help": MEMBER,
        "/fika join": MEMBER,
        "/fika leave": MEMBER,
        "/fika pause": MEMBER,
        "/fika resume": MEMBER,
        "/fika status": MEMBER,
        "/fika profile": MEMBER,
        "/fika libraries": MEMBER,  # the list; its second words below
        "/fika my-data": MEMBER,
        "/fika forget-me": MEMBER,
        "/fika libraries add": ADMIN,
        "/fika libraries load": ADMIN,
        "/fika libraries remove": ADMIN,
        "/fika start": ADMIN,
        "/fika stop": ADMIN,
        "/fika schedule": ADMIN,
        "/fika size": ADMIN,
        "/fika pair-now": ADMIN,
        "/fika stats": ADMIN,
        "/fika forget": ADMIN,  # an erasure request for someone else (a departed colleague)
        SEE_TYPED_LIBRARIES: ADMIN,
        # ------------------------------------------------------------ /tips
        "/tips help": MEMBER,
        "/tips new": MEMBER,  # also `/tips` alone and `/tips <free text>`
        "/tips search": MEMBER,
        "/tips latest": MEMBER,
        "/tips mine": MEMBER,
        "/tips review": REVIEWER,
        "/tips export": REVIEWER,
        "/tips setup": TIPS_ADMIN,
        # ------------------------------------------------------------ coffee buttons and forms
        Coffee.WELCOME_PROFILE: MEMBER,
        Coffee.WELCOME_PAUSE: MEMBER,
        Coffee.WELCOME_LEAVE: MEMBER,  # only one's own participation
        Coffee.FOLLOWUP_MET: MEMBER,  # only the group's people (checked by the handler)
        Coffee.FOLLOWUP_NOT_MET: MEMBER,
        Coffee.FOLLOWUP_SHARE_TIP: MEMBER,
        Coffee.LIBRARIES_PAGE: MEMBER,
        Coffee.LIBRARIES_PAGE_BACK: MEMBER,
        Coffee.LIBRARIES_ADD: ADMIN,
        Coffee.LIBRARIES_LOAD: ADMIN,
        Coffee.PROFILE_LIBRARY: MEMBER,  # the profile form's library menu (options)
        CoffeeView.PROFILE: MEMBER,  # only one's own profile
        CoffeeView.PAUSE: MEMBER,
        CoffeeView.LIBRARY_ADD: ADMIN,
        CoffeeView.LIBRARY_LOAD: ADMIN,
        # ------------------------------------------------------------ tips buttons and forms
        TipAction.APPROVE: REVIEWER,
        TipAction.REJECT: REVIEWER,
        TipAction.EDIT: REVIEWER,
        TipAction.REVIEW_PAGE: REVIEWER,
        TipAction.REVIEW_PAGE_BACK: REVIEWER,
        TipAction.LIST_PAGE: MEMBER,
        TipAction.LIST_PAGE_BACK: MEMBER,
        TipAction.SHARE: MEMBER,
        TipBlock.VALUE: MEMBER,  # the tip form's library menu (options)
        TipView.SUBMIT: MEMBER,
        TipView.REJECT: REVIEWER,
        TipView.EDIT: REVIEWER,
        Shortcut.SHARE_AS_TIP: MEMBER,
        # ------------------------------------------------------------ App Home
        HomeAction.JOIN: MEMBER,
        HomeAction.PAUSE: MEMBER,
        HomeAction.RESUME: MEMBER,
        HomeAction.LEAVE: MEMBER,
        HomeAction.PROFILE: MEMBER,
        HomeAction.LANGUAGE: MEMBER,
        HomeAction.PAGE: MEMBER,
        HomeAction.PAGE_BACK: MEMBER,
        HomeAction.REVIEW: REVIEWER,
        HomeAction.REVIEW_PAGE: REVIEWER,
        HomeAction.REVIEW_PAGE_BACK: REVIEWER,
        HomeAction.REVIEW_APPROVE: REVIEWER,
        HomeAction.REVIEW_REJECT: REVIEWER,
        HomeAction.REVIEW_EDIT: REVIEWER,
        # ------------------------------------------------------------ privacy
        PrivacyAction.FORGET_CONFIRM: MEMBER,
        PrivacyAction.FORGET_CANCEL: MEMBER,  # answers only; both confirmations use it
        PrivacyAction.FORGET_OTHER_CONFIRM: ADMIN,  # checked again at the click
    }
)

# Nobody may do what the table does not name (a listener added without an entry).
_UNKNOWN = Rule(Role.ADMIN, ADMINS_ONLY)


def rule(action: str) -> Rule:
    found = PERMISSIONS.get(str(action))
    if found is None:
        log.error("no permission rule for %r: refused", action)
        return _UNKNOWN
    return found


def role_needed(action: str) -> Role:
    return rule(action).role


def refusal(action: str) -> str:
    """The msgid a person refused `action` is shown."""
    return rule(action).refusal or ADMINS_ONLY


async def has_role(deps: Deps, team_id: str, user_id: str, role: Role) -> bool:
    """Read afresh: the review channel's members (cached a minute), then users.info."""
    if role <= Role.MEMBER:
        return True
    if role == Role.REVIEWER and await is_reviewer(deps, team_id, user_id):
        return True
    return await is_admin(deps, team_id, user_id)


async def roles_of(
    deps: Deps, team_id: str, user_id: str, asked: Iterable[Role] = tuple(Role)
) -> frozenset[Role]:
    """Which of the `asked` roles the person has (only those are looked up)."""
    asked = set(asked)
    have = {Role.MEMBER}
    reviewer = Role.REVIEWER in asked and await is_reviewer(deps, team_id, user_id)
    if reviewer:
        have.add(Role.REVIEWER)
    if (Role.ADMIN in asked or (Role.REVIEWER in asked and not reviewer)) and await is_admin(
        deps, team_id, user_id
    ):
        have |= {Role.ADMIN, Role.REVIEWER}
    return frozenset(have)


async def can(deps: Deps, team_id: str, user_id: str, action: str) -> bool:
    return await has_role(deps, team_id, user_id, role_needed(action))


async def require(deps: Deps, team_id: str, user_id: str, action: str) -> None:
    """Raise the action's localized `NotAuthorized` unless the person may do it."""
    if not await can(deps, team_id, user_id, action):
        log.warning("%s refused: %s is not %s", action, user_id, role_needed(action).name.lower())
        raise NotAuthorized(refusal(action))
