"""Personal data: `/fika my-data`, `/fika forget-me` and its buttons, an admin's
`/fika forget @person` (an erasure request for someone else, e.g. a colleague who has left),
deactivated accounts (`user_change`) and an uninstalled app (`app_uninstalled`,
`tokens_revoked`)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.coffee.commands import FIKA, FORGET, FORGET_ME
from bot.platform.commands import Subcommand
from bot.platform.deps import Deps
from bot.platform.errors import NotAuthorized, UserFacingError
from bot.platform.i18n import N_, Translator
from bot.privacy import slack_side as slack_privacy
from bot.privacy import store as privacy
from bot.privacy.ids import PrivacyAction
from bot.privacy.views import (
    forget_confirmation,
    forget_other_confirmation,
    forgotten_other_text,
    forgotten_text,
    my_data_blocks,
)
from handlers.payload import actor
from handlers.router import Router
from handlers.slash import CommandRequest

log = logging.getLogger(__name__)

# A confirmation older than this must be asked again.
CONFIRM_FOR = timedelta(hours=1)

NOT_YOURS = N_("Only the person themselves can confirm deleting their data. Nothing was deleted.")
TOO_OLD = N_("This confirmation is too old. Type `/fika forget-me` again. Nothing was deleted.")
FORGET_USAGE = N_(
    "Whose data? Type `{command} @person`, or the person's Slack member ID instead of the "
    "mention (e.g. `{command} U0123ABC`; in their profile: ⋮ → Copy member ID). Nothing was "
    "deleted."
)
FORGET_YOURSELF = N_("To delete your own data, type `{command}`. Nothing was deleted.")
OTHER_TOO_OLD = N_(
    "This confirmation is too old or no longer valid. Type `{command}` again. Nothing was deleted."
)

# A Slack user id: as a mention (`<@U123|name>`, `<@U123>` when the command escapes its text)
# or as typed (`U0123ABC`, the member ID copied from a profile).
_USER_ID = r"[UW][A-Z0-9]{2,31}"
_PERSON = re.compile(rf"<@({_USER_ID})(?:\|[^<>]*)?>|@?({_USER_ID})")


# ---------------------------------------------------------------------------- commands


async def my_data_command(req: CommandRequest) -> None:
    await req.ack()
    async with req.deps.db() as session:
        data = await privacy.personal_data(session, req.team_id, req.user_id)
    text, blocks = my_data_blocks(
        req.t, data, req.deps.settings.tz, req.deps.settings.history_retention_days
    )
    await req.reply(text, blocks)


async def forget_me_command(req: CommandRequest) -> None:
    issued = int(req.deps.now().timestamp())
    text, blocks = forget_confirmation(req.t, f"{req.user_id}:{issued}")
    await req.reply(text, blocks)


def _command(t: Translator, sub: Subcommand) -> str:
    """The subcommand as the reader types it, e.g. `/fika glöm`."""
    return f"{FIKA.command} {sub.word_for(t.locale)}"


def person_argument(text: str) -> str | None:
    """The Slack user id in `/fika forget`'s argument, or None (anything else, more than one
    person, or a plain `@name` that Slack sent unescaped)."""
    found = _PERSON.fullmatch(text.strip())
    if found is None:
        return None
    return found.group(1) or found.group(2)


async def forget_command(req: CommandRequest) -> None:
    """An admin's `/fika forget @person` (checked by `dispatch`): ask to confirm first."""
    subject = person_argument(req.text)
    if subject is None:
        raise UserFacingError(FORGET_USAGE, command=_command(req.t, FORGET))
    if subject == req.user_id:
        raise UserFacingError(FORGET_YOURSELF, command=_command(req.t, FORGET_ME))
    issued = int(req.deps.now().timestamp())
    text, blocks = forget_other_confirmation(req.t, subject, f"{subject}:{issued}")
    await req.reply(text, blocks)


def _confirmation(value: object) -> tuple[str, datetime | None]:
    """(subject, issued) from a button value "<user id>:<epoch seconds>"."""
    subject, _, issued = str(value or "").partition(":")
    if not issued.isdigit() or len(issued) > 12:
        return subject, None
    return subject, datetime.fromtimestamp(int(issued), UTC)


# ---------------------------------------------------------------------------- listeners


def register(router: Router) -> None:
    @router.action(PrivacyAction.FORGET_CONFIRM)
    async def confirm(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        deps: Deps,
        t: Translator,
    ) -> None:
        team_id, user_id = actor(body)
        subject, issued = _confirmation(action.get("value"))
        # Whose data goes is the clicker's, from Slack's signed payload; the button only
        # confirms. A value naming someone else is refused, not reinterpreted.
        if not user_id or not team_id or subject != user_id:
            raise NotAuthorized(NOT_YOURS)
        now = deps.now()
        if issued is None or not now - CONFIRM_FOR <= issued <= now + timedelta(minutes=5):
            raise UserFacingError(TOO_OLD)
        result = await slack_privacy.forget(deps, t, team_id, user_id)
        await respond(
            text=forgotten_text(t, result.channels),
            response_type="ephemeral",
            replace_original=True,
        )

    @router.action(PrivacyAction.FORGET_OTHER_CONFIRM)
    async def confirm_other(
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        deps: Deps,
        t: Translator,
    ) -> None:
        team_id, user_id = actor(body)
        # The router has checked that the clicker is an admin now (read afresh, click by
        # click): the button's value only names whom the admin confirmed, it grants nothing.
        subject, issued = _confirmation(action.get("value"))
        now = deps.now()
        if (
            not team_id
            or person_argument(subject) != subject
            or issued is None
            or not now - CONFIRM_FOR <= issued <= now + timedelta(minutes=5)
        ):
            raise UserFacingError(OTHER_TOO_OLD, command=_command(t, FORGET))
        if subject == user_id:
            raise UserFacingError(FORGET_YOURSELF, command=_command(t, FORGET_ME))
        result = await slack_privacy.forget(deps, t, team_id, subject, by_admin=user_id)
        await respond(
            text=forgotten_other_text(t, subject, result.changed),
            response_type="ephemeral",
            replace_original=True,
        )

    @router.action(PrivacyAction.FORGET_CANCEL)
    async def cancel(respond: AsyncRespond, t: Translator) -> None:
        await respond(
            text=t("Good – nothing was deleted."),
            response_type="ephemeral",
            replace_original=True,
        )

    @router.event("user_change")
    async def user_change(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
        user = event.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return
        team_id = str(user.get("team_id") or body.get("team_id") or "")
        async with deps.db.begin() as session:
            changed = await privacy.apply_user_change(session, team_id, user, deps.now())
        if changed is None:
            return  # someone Fika never stored: nothing is stored now either
        member, deleted_changed = changed
        if deleted_changed:
            log.info(
                "%s was %s in Slack: %s",
                member.user_id,
                "deactivated" if member.deleted else "reactivated",
                "left out of coffee rounds" if member.deleted else "may be paired again",
            )

    @router.event("app_uninstalled")
    async def app_uninstalled(body: dict[str, Any], deps: Deps) -> None:
        await _uninstalled(deps, str(body.get("team_id") or ""), "app_uninstalled")

    @router.event("tokens_revoked")
    async def tokens_revoked(body: dict[str, Any], event: dict[str, Any], deps: Deps) -> None:
        team_id = str(body.get("team_id") or "")
        tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
        assert isinstance(tokens, dict)
        user_tokens = tokens.get("oauth") if isinstance(tokens.get("oauth"), list) else []
        bot_tokens = tokens.get("bot") if isinstance(tokens.get("bot"), list) else []
        # Fika keeps no user tokens (only the bot token, from the environment): nothing to
        # delete for them.
        log.info(
            "tokens revoked in %s: %d user token(s) (none stored), %d bot token(s)",
            team_id,
            len(user_tokens or []),
            len(bot_tokens or []),
        )
        if bot_tokens:
            await _uninstalled(deps, team_id, "bot token revoked")


async def _uninstalled(deps: Deps, team_id: str, why: str) -> None:
    if not team_id:
        return
    async with deps.db.begin() as session:
        done = await privacy.mark_uninstalled(session, team_id, deps.now())
    slack_privacy.forget_installed(deps, team_id)
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
