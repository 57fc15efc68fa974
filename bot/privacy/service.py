"""The personal-data use cases, once for every surface: what Fika stores about a person
(`/fika my-data`), forgetting them on their own request (`/fika forget-me` and its button) or on
an admin's (`/fika forget @person`), a person's account changed in Slack (`user_change`) and an
uninstalled app (`app_uninstalled`, `tokens_revoked`).

Each function takes plain ids and returns a small result for `bot.privacy.views` to render;
asking to confirm and confirming are two calls, the confirmation carrying who and when
(`Confirmation`). What only the chat surface can do afterwards (redraw review cards, clear the
person's Home, forget per-process state) goes through `PrivacyEffects`; Slack's side of it is
`bot.privacy.slack_side.SlackPrivacyEffects`. Nothing here knows Slack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.enrolment import programs_of
from bot.people.former import new_placeholder
from bot.people.permissions import require
from bot.platform.deps import Deps
from bot.privacy import store as privacy
from bot.privacy.ids import PrivacyAction
from bot.privacy.results import AccountChanged, Asked, Confirmation, Forgot, Problem
from bot.privacy.store import PersonalData, Uninstalled

log = logging.getLogger(__name__)

# A confirmation older than this must be asked again (a little ahead is a clock's drift).
CONFIRM_FOR = timedelta(hours=1)
CLOCK_DRIFT = timedelta(minutes=5)

# A Slack user id: as a mention (`<@U123|name>`, `<@U123>` when the command escapes its text)
# or as typed (`U0123ABC`, the member ID copied from a profile).
_USER_ID = r"[UW][A-Z0-9]{2,31}"
_PERSON = re.compile(rf"<@({_USER_ID})(?:\|[^<>]*)?>|@?({_USER_ID})")


def person_argument(text: str) -> str | None:
    """The Slack user id in `/fika forget`'s argument, or None (anything else, more than one
    person, or a plain `@name` that Slack sent unescaped)."""
    found = _PERSON.fullmatch(text.strip())
    if found is None:
        return None
    return found.group(1) or found.group(2)


def is_user_id(text: str) -> bool:
    """Whether `text` is exactly a Slack user id (not a mention, not a placeholder)."""
    return bool(text) and person_argument(text) == text


class PrivacyEffects(Protocol):
    """What the chat surface does after a person was forgotten or the app removed. None of it
    may fail the use case (the data is gone already)."""

    async def cards_changed(self, team_id: str, tip_ids: Collection[int]) -> None:
        """Redraw these tips' review cards (they named the person)."""

    async def home_cleared(self, team_id: str, user_id: str) -> None:
        """Show the forgotten person a Home with nothing about them (in the language read
        before: theirs is gone)."""

    def app_removed(self, team_id: str) -> None:
        """Forget what this process keeps about the workspace being installed."""


@runtime_checkable
class ForgetsReferences(Protocol):
    """Effects of a surface that keeps its own rows about people (e.g. the conversation
    references a surface needs to reach someone): `_forget` calls this inside the forgetting
    transaction, so those rows go with the person or not at all. Optional: effects without it
    (Slack's) keep nothing of their own."""

    async def forget_references(
        self, session: AsyncSession, team_id: str, user_id: str
    ) -> Mapping[str, int]:
        """Delete the surface's rows about the person; how many, by table (for the log)."""
        ...


# ---------------------------------------------------------------------------- what is stored


async def my_data(deps: Deps, team_id: str, user_id: str) -> PersonalData:
    """Everything Fika stores about the person, as `/fika my-data` shows it."""
    async with deps.db() as session:
        return await privacy.personal_data(session, team_id, user_id)


# ---------------------------------------------------------------------------- forgetting


def _fresh(deps: Deps, issued: datetime | None) -> bool:
    now = deps.now()
    return issued is not None and now - CONFIRM_FOR <= issued <= now + CLOCK_DRIFT


def _issued_now(deps: Deps) -> datetime:
    """Now, to the second: what a button value can carry."""
    return deps.now().replace(microsecond=0)


def ask_forget_me(deps: Deps, user_id: str) -> Asked:
    """`/fika forget-me`: the confirmation to click (nothing is deleted yet)."""
    return Asked(Confirmation(user_id, _issued_now(deps)))


def ask_forget(deps: Deps, admin_id: str, argument: str) -> Asked:
    """An admin's `/fika forget <person>` (the permission table was checked before it runs):
    the confirmation naming the person, or why not (no one person named; oneself)."""
    return ask_forget_person(deps, admin_id, person_argument(argument))


def ask_forget_person(deps: Deps, admin_id: str, subject: str | None) -> Asked:
    """`ask_forget` for a surface that found the person itself (e.g. from a message's mention
    entity): `subject` is their user id, None when the command named no one person."""
    if subject is None:
        return Asked(problem=Problem.NO_PERSON)
    if subject == admin_id:
        return Asked(problem=Problem.YOURSELF)
    return Asked(Confirmation(subject, _issued_now(deps)))


async def forget_me(
    deps: Deps,
    effects: PrivacyEffects,
    team_id: str,
    user_id: str,
    subject: str,
    issued: datetime | None,
) -> Forgot:
    """The forget-me button, clicked by `user_id`: whose data goes is the clicker's (from the
    surface's signed payload); the button's `subject` only confirms, and one naming someone
    else is refused, not reinterpreted. An expired confirmation deletes nothing. Twice: the
    second finds nothing stored (`changed` False)."""
    if not user_id or not team_id or subject != user_id:
        log.warning("a forget-me confirmation refused: %s clicked another's", user_id or "?")
        return Forgot(subject, Problem.NOT_YOURS)
    if not _fresh(deps, issued):
        return Forgot(subject, Problem.TOO_OLD)
    return await _forget(deps, effects, team_id, user_id, by_admin=None)


async def forget_other(
    deps: Deps,
    effects: PrivacyEffects,
    team_id: str,
    admin_id: str,
    subject: str,
    issued: datetime | None,
    *,
    is_person: Callable[[str], bool] = is_user_id,
) -> Forgot:
    """An admin's confirmation of forgetting `subject` (an erasure request, e.g. a colleague
    who has left): checked to be fresh and to name a user (`is_person`: the surface's form of
    a user id, Slack's by default), the admin's right read afresh (`NotAuthorized` otherwise).
    Nothing is sent to the person."""
    if not team_id or not is_person(subject) or not _fresh(deps, issued):
        return Forgot(subject, Problem.OTHER_TOO_OLD)
    if subject == admin_id:
        return Forgot(subject, Problem.YOURSELF)
    await require(deps, team_id, admin_id, PrivacyAction.FORGET_OTHER_CONFIRM)
    return await _forget(deps, effects, team_id, subject, by_admin=admin_id)


async def _forget(
    deps: Deps, effects: PrivacyEffects, team_id: str, user_id: str, *, by_admin: str | None
) -> Forgot:
    """Forget the person in one transaction (with the surface's own rows about them, when its
    effects keep any: `ForgetsReferences`); then have the surface redraw what it still shows
    of them (review cards, their own Home unless an admin asked).

    The log names the acting admin, never the person: only what kinds of rows changed."""
    programs = await programs_of(deps, team_id, user_id)
    async with deps.db.begin() as session:
        done = await privacy.forget_person(session, team_id, user_id, new_placeholder())
        if isinstance(effects, ForgetsReferences):
            done.counts.update(await effects.forget_references(session, team_id, user_id))
    counts = ", ".join(f"{table} {n}" for table, n in sorted(done.counts.items()) if n) or "nothing"
    if by_admin is None:
        log.info("a person asked to be forgotten in %s: %s", team_id, counts)
    else:
        log.info(
            "admin %s had a person forgotten in %s (erasure request): %s", by_admin, team_id, counts
        )
    if done.review_cards:
        await effects.cards_changed(team_id, done.review_cards)
    if by_admin is None:
        await effects.home_cleared(team_id, user_id)
    return Forgot(
        user_id,
        channels=tuple(p.channel_id for p in programs),
        changed=sum(done.counts.values()) > 0,
    )


# ---------------------------------------------------------------------------- Slack's events


async def account_changed(deps: Deps, team_id: str, profile: Mapping[str, Any]) -> AccountChanged:
    """The surface's new profile of a person (`user_change`): their stored copy (deactivated,
    name, language) follows at once; someone Fika never stored stays unstored."""
    async with deps.db.begin() as session:
        changed = await privacy.apply_user_change(session, team_id, dict(profile), deps.now())
    if changed is None:
        return AccountChanged(known=False)
    member, deleted_changed = changed
    if not deleted_changed:
        return AccountChanged(known=True)
    log.info(
        "%s was %s in Slack: %s",
        member.user_id,
        "deactivated" if member.deleted else "reactivated",
        "left out of coffee rounds" if member.deleted else "may be paired again",
    )
    return AccountChanged(known=True, deactivated=bool(member.deleted))


async def uninstalled(
    deps: Deps, effects: PrivacyEffects, team_id: str, why: str
) -> Uninstalled | None:
    """The app was removed from the workspace (or its bot token revoked): scheduled work stops,
    queued calls and profile copies go (`bot.privacy.store.mark_uninstalled`). None without a
    workspace."""
    if not team_id:
        return None
    async with deps.db.begin() as session:
        done = await privacy.mark_uninstalled(session, team_id, deps.now())
    effects.app_removed(team_id)
    log.warning(
        "%s for workspace %s: scheduled work stopped (%d program(s)), %d queued Slack call(s) "
        "dropped, Slack profile copies of %d member(s) cleared; no tokens are stored. Set the "
        "new SLACK_BOT_TOKEN after reinstalling and type /fika start in each program channel.",
        why,
        team_id,
        done.programs_stopped,
        done.calls_dropped,
        done.profiles_cleared,
    )
    return done


async def tokens_revoked(
    deps: Deps, effects: PrivacyEffects, team_id: str, *, user_tokens: int, bot_tokens: int
) -> Uninstalled | None:
    """Tokens were revoked. Fika keeps no user tokens (only the bot token, from the
    environment): nothing to delete for them; a revoked bot token is an uninstall."""
    log.info(
        "tokens revoked in %s: %d user token(s) (none stored), %d bot token(s)",
        team_id,
        user_tokens,
        bot_tokens,
    )
    if not bot_tokens:
        return None
    return await uninstalled(deps, effects, team_id, "bot token revoked")
