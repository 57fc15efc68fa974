"""Good-practice tips on Teams: the `tips …` commands, the review card's buttons, the tip form
(a dialog) and the "Share as good practice" message action.

The use cases are `bot.tips.service`'s, the same as Slack's, with the Teams side
(`bot.teamsapp.tip_messages`): every click is authorized there on the server, afresh — the
clicker must be a curator (a member of the review channel) or an admin at the time of the
click, whatever card they clicked on; a refusal is shown on the card, nothing changes. Here:
read the activity, call the service, render its result with `bot.teams.cards.tips`.

Tables for handlers/teams_router.py: COMMANDS (`tips` and the words Teams suggests from the
manifest: `new`, `search`, `setup` in each language), VERBS (`tips.*`), DIALOGS (the tip form)
and MESSAGE_EXTENSIONS (`share_as_good_practice`).
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from bot.people.channels import channel_members
from bot.people.permissions import can, require
from bot.platform.commands import HELP, Subcommand, fold
from bot.platform.errors import NotAuthorized, UserFacingError
from bot.platform.i18n import Translator
from bot.platform.slack_values import to_id, to_offset
from bot.teams.cards import tips as cards
from bot.teams.ids import SHARE_AS_GOOD_PRACTICE
from bot.teamsapp import store
from bot.teamsapp.invoke import card_activity, dialog, dialog_message, text_activity
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.tip_messages import (
    TeamsTipChannels,
    TeamsTipEffects,
    curator_teams_ids,
    names,
    tip_names,
)
from bot.teamsapp.turn import Turn
from bot.tips import digest as tip_digest
from bot.tips import export as tip_export
from bot.tips import service
from bot.tips.commands import NEW, OFF_WORDS, SEARCH, SETUP, SETUP_DIGEST, SETUP_REVIEW, TIPS
from bot.tips.ids import TipAction
from bot.tips.models import Tip, TipSource
from bot.tips.results import Outcome, Reviewed
from bot.tips.store import get_tip

log = logging.getLogger(__name__)

LIST_PAGE_SIZE = 8
REVIEW_PAGE_SIZE = 10


async def _t(surface: TeamsSurface, turn: Turn) -> Translator:
    return await surface.translator(turn.team_id, turn.user_id)


async def _say(surface: TeamsSurface, turn: Turn, text: str) -> None:
    await surface.reply_card(turn, cards.text_card(text), summary=text[:100])


# ---------------------------------------------------------------------------- commands


async def tips_command(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
    """`tips <word> …`; `tips` alone or with text that is no command word: the tip form."""
    if turn.user_id is None:
        return
    t = await _t(surface, turn)
    sub = TIPS.find(args[0]) if args else None
    if sub is None:
        await surface.reply_card(turn, cards.share_card(t, " ".join(args)), t("Share a tip"))
        return
    deps = surface.deps
    try:
        await require(deps, turn.team_id, turn.user_id, TIPS.action(sub))
        await _SUBCOMMANDS[sub.name](surface, turn, t, args[1:])
    except UserFacingError as exc:  # NotAuthorized too: a polite refusal, nothing changed
        await _say(surface, turn, cards.say(t, exc.message, **exc.params))


def _word(sub: Subcommand) -> Any:
    """A word Teams suggests (from the manifest's command list) standing for `tips <word>`."""

    async def handler(surface: TeamsSurface, turn: Turn, args: list[str]) -> None:
        await tips_command(surface, turn, [sub.name, *args])

    return handler


async def _new(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    await surface.reply_card(turn, cards.share_card(t, " ".join(args)), t("Share a tip"))


async def _help(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    deps = surface.deps
    entries = []
    for sub in TIPS.subcommands:
        if sub is HELP or await can(deps, turn.team_id, turn.user_id or "", TIPS.action(sub)):
            args_text = t(sub.args) if sub.args else ""
            entries.append((sub.word_for(t.locale), args_text, cards.say(t, sub.summary)))
    await surface.reply_card(turn, cards.help_card(t, entries), "tips")


async def _list(
    surface: TeamsSurface, turn: Turn, t: Translator, kind: str, query: str, offset: int
) -> dict[str, Any]:
    deps = surface.deps
    listed = await service.list_tips(
        deps, turn.team_id, turn.user_id or "", kind, query, offset, LIST_PAGE_SIZE
    )
    found = listed.found.tips
    async with deps.db() as session:
        shown = await names(session, turn.team_id, [tip.author_id for tip in found])
    return cards.tip_list_card(t, listed, deps.settings.tz, shown)


async def _search(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    card = await _list(surface, turn, t, "search", " ".join(args), 0)
    await surface.reply_card(turn, card, t("Tips search"))


async def _latest(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    await surface.reply_card(turn, await _list(surface, turn, t, "latest", "", 0), t("Latest tips"))


async def _mine(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    await surface.reply_card(turn, await _list(surface, turn, t, "mine", "", 0), t("Your tips"))


async def _review_list(
    surface: TeamsSurface, turn: Turn, t: Translator, offset: int, notice: str | None = None
) -> dict[str, Any]:
    deps = surface.deps
    page = await service.review_queue(
        deps, turn.team_id, turn.user_id or "", offset, REVIEW_PAGE_SIZE
    )
    async with deps.db() as session:
        shown = await names(session, turn.team_id, [tip.author_id for tip in page.tips])
    return cards.review_list_card(t, page, deps.settings.tz, shown, notice=notice)


async def _review(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    card = await _review_list(surface, turn, t, 0)
    await surface.reply_card(turn, card, t("Tips waiting for review"))


async def _export(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    """The CSV in the personal chat, as text (see `cards.export_chunks`): Teams lets a bot send
    a file only after a consent card (`supportsFiles`), and never in a channel."""
    deps = surface.deps
    period = tip_export.parse_period(" ".join(args))
    exported = await service.export(deps, turn.team_id, period)
    if not exported.tips:
        await _say(surface, turn, cards.export_empty(t))
        return
    headers, rows = tip_export.export_table(exported.tips, exported.names, t, deps.settings.tz)
    text = tip_export.to_csv(headers, rows).decode("utf-8").lstrip("\ufeff")
    filename = f"fika-tips-{period.slug()}.csv"
    activities = [
        card_activity(cards.export_intro_card(t, len(exported.tips), filename), filename),
        *(text_activity(chunk) for chunk in cards.export_chunks(text)),
    ]
    user_id = turn.user_id or ""
    if turn.personal:
        for activity in activities:
            await surface.reply(turn, activity)
        return
    for activity in activities:
        if await surface.to_person(turn.team_id, user_id, activity) is None:
            # Not installed for them personally: Teams lets the bot write to them nowhere else.
            await _say(surface, turn, t(cards.EXPORT_NOT_PERSONAL))
            return
    await _say(surface, turn, t(cards.EXPORT_DONE))


async def _channel_name(surface: TeamsSurface, team_id: str, channel_id: str | None) -> str | None:
    if not channel_id:
        return None
    async with surface.deps.db() as session:
        channel = await store.channel(session, team_id, channel_id)
    if channel is None:
        return None
    return channel.channel_name or channel.team_name or None


async def _setup(surface: TeamsSurface, turn: Turn, t: Translator, args: list[str]) -> None:
    what = fold(args[0]) if args else ""
    deps = surface.deps
    user_id = turn.user_id or ""
    in_channel = turn.conversation_type == "channel" and turn.channel_id is not None
    here = turn.channel_id or ""
    shown_here = turn.channel_name or turn.team_name or "—"
    if not what:
        setup = await service.tip_setup(deps, turn.team_id, user_id)
        slot = setup.digest_slot
        card = cards.settings_card(
            t,
            review_channel=await _channel_name(surface, turn.team_id, setup.review_channel),
            digest_channel=await _channel_name(surface, turn.team_id, setup.digest_channel),
            digest_when=cards.slot_text(t, *slot) if slot is not None else None,
        )
        await surface.reply_card(turn, card, t("Tips settings"))
    elif what in SETUP_REVIEW:
        done = await service.setup_review(
            deps,
            TeamsTipEffects(surface),
            TeamsTipChannels(surface, turn),
            turn.team_id,
            user_id,
            here,
            in_direct_message=not in_channel,
        )
        if done.problem is not None:
            await _say(surface, turn, t(cards.SETUP_HERE))
        else:
            # Teams' roster lists people only (Slack's also the bot, which the use case counts
            # out): the curators are every member read (cached a minute: no second call).
            people = len(await channel_members(deps, turn.team_id, here))
            await _say(surface, turn, cards.review_channel_set(t, shown_here, people))
    elif what in SETUP_DIGEST:
        rest = args[1:]
        if rest and fold(rest[0]) in OFF_WORDS:
            await service.stop_digest(deps, turn.team_id, user_id)
            await _say(surface, turn, cards.digest_stopped(t))
            return
        try:
            asked = tip_digest.parse_schedule(rest)
        except ValueError as exc:
            word = cards.plain(str(exc)[:40])
            raise UserFacingError(cards.SETUP_SCHEDULE_UNCLEAR, word=word) from None
        set_ = await service.setup_digest(
            deps,
            TeamsTipChannels(surface, turn),
            turn.team_id,
            user_id,
            here,
            asked,
            in_direct_message=not in_channel,
        )
        if set_.problem is not None or set_.next_at is None:
            await _say(surface, turn, t(cards.SETUP_HERE))
            return
        next_at = t.day_time(set_.next_at, deps.settings.tz)
        await _say(surface, turn, cards.digest_set(t, shown_here, set_.slot, next_at))
    else:
        raise UserFacingError(cards.SETUP_WHICH)


_SUBCOMMANDS = {
    "help": _help,
    "new": _new,
    "search": _search,
    "latest": _latest,
    "mine": _mine,
    "review": _review,
    "export": _export,
    "setup": _setup,
}

COMMANDS: dict[str, Any] = {"tips": tips_command}
# The words Teams suggests (bot/teams/manifest.py lists tips' new and search in the personal
# chat, setup in a team), in every language, as the router sees a first word (lower case).
for _sub in (NEW, SEARCH, SETUP):
    for _word_text in {_sub.name, *_sub.aliases.values()}:
        COMMANDS.setdefault(_word_text.lower(), _word(_sub))


# ---------------------------------------------------------------------------- the review card


def _tip_id(data: dict[str, Any]) -> int:
    return to_id(data.get("tip_id")) or 0


async def _tip(surface: TeamsSurface, team_id: str, tip_id: int) -> Tip | None:
    async with surface.deps.db() as session:
        return await get_tip(session, team_id, tip_id)


async def _card_for(
    surface: TeamsSurface, turn: Turn, t: Translator, tip: Tip, notice: str | None = None
) -> dict[str, Any]:
    """The tip's card as this viewer may see it: with the buttons for a curator now."""
    deps = surface.deps
    curator = await can(deps, turn.team_id, turn.user_id or "", TipAction.APPROVE)
    curators = await curator_teams_ids(surface, turn.team_id)
    shown = await tip_names(deps, tip)
    return cards.review_card(
        t, tip, deps.settings.tz, shown, curator=curator, curator_ids=curators, notice=notice
    )


async def card_refresh(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """`tips.card`: Teams asks for each viewer's card (the refresh); the role is read now."""
    t = await _t(surface, turn)
    tip = await _tip(surface, turn.team_id, _tip_id(data))
    if tip is None:
        return cards.refusal_card(t, t(cards.NO_SUCH_TIP))
    return await _card_for(surface, turn, t, tip)


async def _answer(
    surface: TeamsSurface, turn: Turn, t: Translator, data: dict[str, Any], reviewed: Reviewed
) -> dict[str, Any]:
    """The card that replaces the clicked one: the tip as it stands, with why nothing happened
    when nothing did (refused, decided before, a reason missing); the review list when the
    click came from it."""
    notice: str | None = None
    if reviewed.outcome == Outcome.REFUSED:
        notice = t(reviewed.refusal)
    elif reviewed.outcome == Outcome.INVALID:
        notice = " ".join(t(e.message, **e.params) for e in reviewed.errors.values())
    elif reviewed.outcome == Outcome.ALREADY_DECIDED and reviewed.tip is not None:
        async with surface.deps.db() as session:
            shown = await names(session, turn.team_id, [reviewed.tip.decided_by])
        notice = cards.already_decided(t, reviewed.tip, shown)
    if data.get("list") and reviewed.outcome != Outcome.REFUSED:
        offset = to_offset(data.get("o")) or 0
        try:
            return await _review_list(surface, turn, t, offset, notice)
        except NotAuthorized as exc:
            return cards.refusal_card(t, t(exc.message))
    tip = reviewed.tip or await _tip(surface, turn.team_id, _tip_id(data))
    if tip is None:
        return cards.refusal_card(t, t(cards.NO_SUCH_TIP))
    return await _card_for(surface, turn, t, tip, notice)


async def approve(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    t = await _t(surface, turn)
    reviewed = await service.approve(
        surface.deps,
        TeamsTipEffects(surface),
        turn.team_id,
        turn.user_id or "",
        _tip_id(data),
    )
    return await _answer(surface, turn, t, data, reviewed)


async def reject(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    t = await _t(surface, turn)
    reason = data.get("reason")
    reviewed = await service.reject(
        surface.deps,
        TeamsTipEffects(surface),
        turn.team_id,
        turn.user_id or "",
        _tip_id(data),
        reason if isinstance(reason, str) else None,
    )
    return await _answer(surface, turn, t, data, reviewed)


def _text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) else None


async def edit(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    t = await _t(surface, turn)
    reviewed = await service.edit(
        surface.deps,
        TeamsTipEffects(surface),
        turn.team_id,
        turn.user_id or "",
        _tip_id(data),
        title=_text(data, "title"),
        description=_text(data, "description"),
        category=_text(data, "category"),
    )
    return await _answer(surface, turn, t, data, reviewed)


async def list_page(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    t = await _t(surface, turn)
    offset = to_offset(data.get("o")) or 0
    query = (_text(data, "q") or "")[:300]
    return await _list(surface, turn, t, str(data.get("k") or ""), query, offset)


async def review_page(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    t = await _t(surface, turn)
    try:
        return await _review_list(surface, turn, t, to_offset(data.get("o")) or 0)
    except NotAuthorized as exc:
        return cards.refusal_card(t, t(exc.message))


VERBS: dict[str, Any] = {
    cards.VERB_CARD: card_refresh,
    cards.VERB_APPROVE: approve,
    cards.VERB_REJECT: reject,
    cards.VERB_EDIT: edit,
    cards.VERB_PAGE: list_page,
    cards.VERB_REVIEW_PAGE: review_page,
}


# ---------------------------------------------------------------------------- the tip form


def _source(data: dict[str, Any]) -> str | None:
    """Where the form says the tip comes from; None when it is not what Fika wrote."""
    value = data.get("s", TipSource.COMMAND.value)
    return value if isinstance(value, str) and value in {s.value for s in TipSource} else None


def _reference(data: dict[str, Any]) -> str | None:
    ref = data.get("r")
    return ref[:1000] if isinstance(ref, str) and ref else None


async def _form(
    surface: TeamsSurface,
    turn: Turn,
    t: Translator,
    *,
    text: str = "",
    link: str | None = None,
    source: str = TipSource.COMMAND.value,
    source_ref: str | None = None,
    values: dict[str, str | None] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    form = await service.tip_form(
        surface.deps,
        turn.team_id,
        turn.user_id or "",
        text=text,
        link=link,
        source=source,
        source_ref=source_ref,
    )
    card = cards.tip_form_card(t, form, values=values, errors=errors)
    return dialog(t("Share a tip"), card, width="large")


async def open_form(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    """task/fetch of the "Share a tip" button: the form, prefilled with the text it carries."""
    t = await _t(surface, turn)
    text = _text(data, "text") or ""
    return await _form(surface, turn, t, text=text, source=_source(data) or "command")


async def submit_form(
    surface: TeamsSurface, turn: Turn, data: dict[str, Any]
) -> dict[str, Any] | None:
    """task/submit (and the message action's submitAction): the same validation as Slack's
    modal; the form again with the errors under their inputs, or closed with thanks (the
    author is thanked in the personal chat too, and the card goes to the curators)."""
    t = await _t(surface, turn)
    fields = {name: _text(data, name) for name in cards.FIELDS}
    source, source_ref = _source(data), _reference(data)
    shared = await service.share(
        surface.deps,
        TeamsTipEffects(surface),
        turn.team_id,
        turn.user_id or "",
        fields,
        source=source,
        source_ref=source_ref,
    )
    if shared.tip_id is not None:
        return dialog_message(t(cards.FORM_CLOSED))
    form = await service.tip_form(
        surface.deps,
        turn.team_id,
        turn.user_id or "",
        source=source or TipSource.COMMAND.value,
        source_ref=source_ref,
    )
    errors = (
        cards.form_unreadable_errors(t)
        if shared.unreadable
        else cards.form_errors(t, shared.errors, library_select=bool(form.libraries))
    )
    card = cards.tip_form_card(t, form, values=fields, errors=errors)
    return dialog(t("Share a tip"), card, width="large")


DIALOGS: dict[str, Any] = {cards.DIALOG_TIP: (open_form, submit_form)}


# ---------------------------------------------------------------------------- the message action

_BREAKS = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)
_MENTION = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{0,500}>")


def message_text(payload: dict[str, Any]) -> str:
    """The shared message's text as a person reads it: HTML gone, mentions as the names."""
    raw = payload.get("body")
    body: dict[str, Any] = raw if isinstance(raw, dict) else {}
    content = body.get("content")
    if not isinstance(content, str):
        return ""
    if str(body.get("contentType") or "html").lower() == "html":
        content = _BREAKS.sub("\n", content)
        content = _MENTION.sub(r"\1", content)
        content = _TAGS.sub("", content)
        content = html.unescape(content)
    lines = [" ".join(line.split()) for line in content.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def message_link(payload: dict[str, Any]) -> str | None:
    link = payload.get("linkToMessage")
    if isinstance(link, str) and link.startswith("https://") and len(link) <= 1000:
        return link
    return None


async def share_message(surface: TeamsSurface, turn: Turn, value: dict[str, Any]) -> dict[str, Any]:
    """composeExtension/fetchTask of "Share as good practice": the tip form with the message's
    text (first sentence as the title) and its link."""
    t = await _t(surface, turn)
    payload = value.get("messagePayload") if isinstance(value.get("messagePayload"), dict) else {}
    link = message_link(payload or {})
    return await _form(
        surface,
        turn,
        t,
        text=message_text(payload or {}),
        link=link,
        source=TipSource.SHORTCUT.value,
        source_ref=link,
    )


async def share_message_submitted(
    surface: TeamsSurface, turn: Turn, value: dict[str, Any]
) -> dict[str, Any] | None:
    """composeExtension/submitAction: saved as the form's submit is; on success nothing is
    answered (the dialog closes: Teams shows a message action's answer only as another
    dialog or a card for the compose box), the author is thanked in the personal chat."""
    data = value.get("data") if isinstance(value.get("data"), dict) else {}
    answer = await submit_form(surface, turn, data or {})
    if answer is not None and answer.get("task", {}).get("type") == "message":
        return None
    return answer


MESSAGE_EXTENSIONS: dict[str, Any] = {
    SHARE_AS_GOOD_PRACTICE: (share_message, share_message_submitted),
}
