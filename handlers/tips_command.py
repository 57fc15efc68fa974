"""`/tips …`: good-practice tips commands.

`/tips` and `/tips <text>` open the tip form; `search`, `latest`, `mine` list tips (paged);
`review`, `export` are for reviewers; `setup review|digest` for admins.
"""

from __future__ import annotations

import logging
from datetime import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.errors import SlackApiError

from bot.home.help import help_blocks, help_text, roles_in
from bot.people.directory import workspace_translator
from bot.people.permissions import NOT_AN_ADMIN as NOT_AN_ADMIN  # the refusal, for tests
from bot.people.permissions import roles_of
from bot.platform import outbox
from bot.platform.commands import fold
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import channel_link, escape
from bot.platform.slack_values import object_or_empty, to_offset
from bot.tips import digest as tip_digest
from bot.tips import export as tip_export
from bot.tips.commands import OFF_WORDS, SETUP_DIGEST, SETUP_REVIEW, TIPS
from bot.tips.delivery import post_missing_cards
from bot.tips.ids import TipAction
from bot.tips.models import TipSource
from bot.tips.reviewers import channel_members, forget
from bot.tips.search import search_tips
from bot.tips.store import (
    get_settings,
    latest_page,
    mine_page,
    set_digest,
    set_review_channel,
)
from bot.tips.views import (
    LIST_PAGE_SIZE,
    latest_blocks,
    mine_blocks,
    search_blocks,
    settings_text,
)
from handlers.payload import actor
from handlers.router import Router
from handlers.slash import CommandRequest, SubcommandHandler, dispatch
from handlers.tip_modal import open_tip_modal
from handlers.tip_review import review_list

log = logging.getLogger(__name__)

# Posted in the channel, read by everyone: in the workspace's language.
REVIEW_ANNOUNCEMENT = N_(
    "New good-practice tips will appear here for review. Approve, reject or edit them from "
    "their cards; `/tips review` lists the ones waiting."
)
DIGEST_ANNOUNCEMENT = N_(
    "Approved good-practice tips will be shared here {when}. Share your own with `/tips`!"
)


async def _help(req: CommandRequest) -> None:
    roles = await roles_of(req.deps, req.team_id, req.user_id, roles_in(TIPS))
    await req.reply(help_text(req.t, TIPS), help_blocks(req.t, TIPS, roles))


async def _open_form(req: CommandRequest, text: str) -> None:
    await req.ack()
    await open_tip_modal(
        req.client,
        req.deps,
        req.t,
        team_id=req.team_id,
        user_id=req.user_id,
        trigger_id=req.trigger_id,
        text=text,
        source=TipSource.COMMAND,
    )


async def _new(req: CommandRequest) -> None:
    await _open_form(req, req.text)


async def _form_with_whole_text(req: CommandRequest) -> None:
    """`/tips` or `/tips <text that is not a command>`: the form, prefilled with the text."""
    await _open_form(req, str(req.body.get("text") or ""))


# ---------------------------------------------------------------------------- lists


async def _list_blocks(
    deps: Deps, t: Translator, team_id: str, user_id: str, kind: str, query: str, offset: int
) -> tuple[str, list[dict[str, Any]]]:
    tz = deps.settings.tz
    async with deps.db() as session:
        if kind == "search":
            result = await search_tips(session, team_id, query, offset=offset, limit=LIST_PAGE_SIZE)
            return t("Tips search"), search_blocks(t, result, query, tz)
        if kind == "mine":
            page = await mine_page(session, team_id, user_id, offset, LIST_PAGE_SIZE)
            return t("Your tips"), mine_blocks(t, page, tz)
        page = await latest_page(session, team_id, offset, LIST_PAGE_SIZE)
        return t("Latest tips"), latest_blocks(t, page, tz)


async def _search(req: CommandRequest) -> None:
    text, blocks = await _list_blocks(
        req.deps, req.t, req.team_id, req.user_id, "search", req.text, 0
    )
    await req.reply(text, blocks)


async def _latest(req: CommandRequest) -> None:
    text, blocks = await _list_blocks(req.deps, req.t, req.team_id, req.user_id, "latest", "", 0)
    await req.reply(text, blocks)


async def _mine(req: CommandRequest) -> None:
    text, blocks = await _list_blocks(req.deps, req.t, req.team_id, req.user_id, "mine", "", 0)
    await req.reply(text, blocks)


# ---------------------------------------------------------------------------- reviewers
# `review`, `export` and `setup` are checked by `dispatch` (bot/people/permissions.py) before they
# run.


async def _review(req: CommandRequest) -> None:
    text, blocks = await review_list(req.deps, req.t, req.team_id, 0)
    await req.reply(text, blocks)


async def _export(req: CommandRequest) -> None:
    period = tip_export.parse_period(req.text)
    await req.ack()
    deps, t = req.deps, req.t
    tz = deps.settings.tz
    async with deps.db() as session:
        tips = await tip_export.tips_in_period(session, req.team_id, period, tz)
        people = {tip.author_id for tip in tips} | {
            tip.decided_by for tip in tips if tip.decided_by
        }
        names = await tip_export.names_of(session, req.team_id, people)
    if not tips:
        await req.reply(t("There are no tips in that period, so there is nothing to export."))
        return
    headers, rows = tip_export.export_table(tips, names, t, tz)
    content = tip_export.to_csv(headers, rows)
    opened = await req.client.conversations_open(users=req.user_id)
    dm = str(opened["channel"]["id"])
    await req.client.files_upload_v2(
        channel=dm,
        content=content,
        filename=f"fika-tips-{period.slug()}.csv",
        title=t("Fika tips ({period})", period=period.slug()),
        initial_comment=t.ngettext(
            "Here is the export: {n} tip, with status, category, library, author, dates and "
            "decision notes.",
            "Here is the export: {n} tips, with status, category, library, author, dates and "
            "decision notes.",
            len(tips),
        ),
    )
    await req.reply(t("Done: the CSV file is in your direct messages with me."))


# ---------------------------------------------------------------------------- setup


async def _usable_channel(req: CommandRequest) -> str:
    """The channel the command was typed in, with the bot in it; else a helpful refusal."""
    channel = req.channel_id
    invite = N_(
        "I can't see this channel. In a private channel, invite me first "
        "(`/invite @Fika`), then type the command again."
    )
    if (
        not channel
        or channel.startswith("D")
        or (channel == req.channel_id and req.in_direct_message)
    ):
        raise UserFacingError(N_("Type this command in the channel you want to use, not here."))
    try:
        info = (await req.client.conversations_info(channel=channel))["channel"]
    except SlackApiError as exc:
        if exc.response.get("error") == "channel_not_found":
            raise UserFacingError(invite) from exc
        raise
    if info.get("is_im") or info.get("is_mpim"):
        raise UserFacingError(N_("Type this command in the channel you want to use, not here."))
    if info.get("is_archived"):
        raise UserFacingError(N_("This channel is archived."))
    if not info.get("is_member"):
        if info.get("is_private"):
            raise UserFacingError(invite)
        await req.client.conversations_join(channel=channel)
    return channel


def _slot_text(t: Translator, weekday: int, hour: int, minute: int) -> str:
    return t(
        "every {weekday} at {time}", weekday=t.weekday(weekday), time=t.time(time(hour, minute))
    )


async def _announce(req: CommandRequest, channel: str, text: str) -> None:
    """Posted in the channel for everyone there; kept and retried if Slack fails now."""
    await outbox.call(req.deps, req.team_id, "chat.postMessage", channel=channel, text=text)


async def _setup(req: CommandRequest) -> None:
    words = req.text.split()
    what = fold(words[0]) if words else ""
    deps, t = req.deps, req.t
    now = deps.now()
    if not what:
        async with deps.db() as session:
            settings = await get_settings(session, req.team_id)
        when = (
            _slot_text(t, settings.digest_weekday, settings.digest_hour, settings.digest_minute)
            if settings and settings.digest_channel
            else None
        )
        await req.reply(
            settings_text(
                t,
                review_channel=settings.review_channel if settings else None,
                digest_channel=settings.digest_channel if settings else None,
                digest_when=when,
            )
        )
        return
    if what in SETUP_REVIEW:
        await req.ack()
        channel = await _usable_channel(req)
        async with deps.db.begin() as session:
            change = await set_review_channel(
                session, req.team_id, channel, by=req.user_id, now=now
            )
        forget(deps, req.team_id, channel)
        members = await channel_members(deps, req.team_id, channel)
        people = max(0, len(members) - 1)  # the bot itself is a member now
        await req.reply(
            t.ngettext(
                "Done: tips now come to {channel} for review. Its {n} member and the admins "
                "can approve, reject and edit them.",
                "Done: tips now come to {channel} for review. Its {n} members and the admins "
                "can approve, reject and edit them.",
                people,
                channel=channel_link(channel),
            )
        )
        if change.changed:  # the same command twice (or 20× at once) announces once
            wt = await workspace_translator(deps, req.team_id)
            await _announce(req, channel, ":bulb: " + wt(REVIEW_ANNOUNCEMENT))
        deps.tasks.spawn(post_missing_cards(deps, req.team_id), name="tip-cards-after-setup")
        return
    if what in SETUP_DIGEST:
        rest = words[1:]
        await req.ack()
        if rest and fold(rest[0]) in OFF_WORDS:
            async with deps.db.begin() as session:
                await set_digest(session, req.team_id, None, by=req.user_id, now=now)
            await req.reply(
                t(
                    "The weekly digest is stopped. Turn it on again with `/tips setup digest` "
                    "in a channel."
                )
            )
            return
        try:
            weekday, hour, minute = tip_digest.parse_schedule(rest)
        except ValueError as exc:
            raise UserFacingError(
                N_("I don't understand “{word}”. Give a day and a time, e.g. `friday 10:00`."),
                word=escape(str(exc)[:40]),
            ) from None
        channel = await _usable_channel(req)
        async with deps.db.begin() as session:
            change = await set_digest(
                session,
                req.team_id,
                channel,
                by=req.user_id,
                now=now,
                weekday=weekday,
                hour=hour,
                minute=minute,
            )
            settings = change.settings
            slot = (settings.digest_weekday, settings.digest_hour, settings.digest_minute)
        next_at = tip_digest.next_slot(now, deps.settings.tz, *slot)
        await req.reply(
            t(
                "Done: the weekly digest of approved tips will be posted in {channel} {when}. "
                "The next one: {next}.",
                channel=channel_link(channel),
                when=_slot_text(t, *slot),
                next=t.day_time(next_at, deps.settings.tz),
            )
        )
        if change.changed:
            wt = await workspace_translator(deps, req.team_id)
            await _announce(
                req,
                channel,
                ":books: " + wt(DIGEST_ANNOUNCEMENT, when=_slot_text(wt, *slot)),
            )
        return
    raise UserFacingError(
        N_("Write `/tips setup review` or `/tips setup digest` in the channel you want.")
    )


HANDLERS: dict[str, SubcommandHandler] = {
    "help": _help,
    "new": _new,
    "search": _search,
    "latest": _latest,
    "mine": _mine,
    "review": _review,
    "export": _export,
    "setup": _setup,
}


def register(router: Router) -> None:
    @router.command("/tips")
    async def tips(args: AsyncArgs) -> None:
        await dispatch(
            TIPS,
            HANDLERS,
            args,
            on_empty=_form_with_whole_text,
            on_unknown=_form_with_whole_text,
        )

    @router.action(TipAction.LIST_PAGE)
    @router.action(TipAction.LIST_PAGE_BACK)
    async def list_page(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
        deps: Deps,
        t: Translator,
    ) -> None:
        await ack()
        value = object_or_empty(action.get("value"))
        kind = str(value.get("k")) if value.get("k") in {"search", "latest", "mine"} else "latest"
        offset = to_offset(value.get("o")) or 0
        query = str(value.get("q") or "")[:300]
        team_id, user_id = actor(body)
        text, blocks = await _list_blocks(deps, t, team_id, user_id, kind, query, offset)
        await respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")
