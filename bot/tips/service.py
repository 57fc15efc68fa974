"""The tips use cases, once for every surface: share a tip, and review one (approve, reject with
a reason, edit) from wherever the reviewer clicked (the review card, `/tips review`, the Home).

Each function takes plain ids, checks the permission table on the server at every call (a
click or a form proves nothing: rights are read afresh), runs one transaction with the rules of
`bot.tips.store`, has the surface carry out what follows (`TipEffects`: the review card, the
author's notice, the Homes) and returns a small result for `bot.tips.views` to render.

Nothing here builds a message or knows Slack: `bot.tips.delivery.SlackTipEffects` is Slack's
side of `TipEffects`. What the tips send (cards, notices, digests) is decided Slack-free in
`bot.tips.cards` / `bot.tips.digests` and sent through the `bot.tips.effects.TipMessages` port.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Coroutine, Mapping
from typing import Any, Protocol

from bot.people.channels import channel_members
from bot.people.directory import ensure_member
from bot.people.libraries import search as search_libraries
from bot.people.members import get_member
from bot.people.models import Library
from bot.people.permissions import can, refusal, require
from bot.platform.deps import Deps
from bot.tips import digest as tip_digest
from bot.tips import export as tip_export
from bot.tips.export import Period
from bot.tips.ids import TipAction, TipView
from bot.tips.models import Tip, TipSource, TipStatus
from bot.tips.results import (
    ChannelProblem,
    ChannelState,
    DigestSet,
    Outcome,
    ReviewChannelSet,
    Reviewed,
    Shared,
    TipForm,
    TipList,
    TipSetup,
    TipsExport,
)
from bot.tips.search import search_tips
from bot.tips.store import (
    NOT_A_LISTED_LIBRARY,
    InvalidLibrary,
    Page,
    SettingChange,
    create_tip,
    decide,
    edit_tip,
    get_settings,
    get_tip,
    latest_page,
    library_choices,
    member_names,
    mentioned_user_ids,
    mine_page,
    pending_page,
    plain_from_slack,
    prefill_from_text,
    set_digest,
    set_review_channel,
    validate_edit,
    validate_note,
    validate_tip,
)

log = logging.getLogger(__name__)


class TipEffects(Protocol):
    """What the chat surface does after a use case has stored its change. None of it may fail
    the use case: a message that cannot go now is retried or logged by the surface. The card
    and author effects are `bot.tips.cards` over the surface's `bot.tips.effects.TipMessages`."""

    async def tip_shared(self, team_id: str, tip_id: int) -> None:
        """Thank the author and post the tip's review card."""

    async def card_changed(self, team_id: str, tip_id: int) -> None:
        """Show the tip's current state on its review card."""

    async def author_told(self, team_id: str, tip_id: int) -> None:
        """Tell the author of the decision, with the reason when rejected."""

    async def homes_changed(self, team_id: str, user_ids: Collection[str]) -> None:
        """Redraw these people's Homes (their tips, the review queue)."""

    def figures_changed(self) -> None:
        """Forget cached figures ("tips approved this year")."""

    async def review_channel_set(self, team_id: str, channel_id: str) -> None:
        """The reviewers are that channel's members now; post the cards still missing there."""


async def _refused(
    deps: Deps, team_id: str, user_id: str, what: str, tip_id: int
) -> Reviewed | None:
    if await can(deps, team_id, user_id, what):
        return None
    log.warning("%s of tip %s refused: %s is not a reviewer", what, tip_id, user_id)
    return Reviewed(Outcome.REFUSED, refusal=refusal(what))


async def _follow_decision(effects: TipEffects, team_id: str, tip: Tip, actor_id: str) -> None:
    """What follows a decision: the card, the author, the figures, both Homes."""
    await effects.card_changed(team_id, tip.id)
    await effects.author_told(team_id, tip.id)
    effects.figures_changed()
    await effects.homes_changed(team_id, dict.fromkeys((actor_id, tip.author_id)))


def _then(deps: Deps, work: Coroutine[Any, Any, None], name: str) -> None:
    """Run what follows a stored change after the use case returns: a form's answer is in its
    acknowledgement, which must not wait on Slack (`deps.tasks` tracks it; nothing is lost)."""
    deps.tasks.spawn(work, name=name)


async def approve(
    deps: Deps, effects: TipEffects, team_id: str, user_id: str, tip_id: int
) -> Reviewed:
    """Approve a pending tip: one decision however many clicks or reviewers; the card shows
    it, the author is told. A second approval changes nothing and says who was first."""
    if (refused := await _refused(deps, team_id, user_id, TipAction.APPROVE, tip_id)) is not None:
        return refused
    return await _decide(deps, effects, team_id, user_id, tip_id, note=None)


async def _decide(
    deps: Deps, effects: TipEffects, team_id: str, user_id: str, tip_id: int, *, note: str | None
) -> Reviewed:
    """Approve (no `note`) or reject (with the reason) once: a conditional UPDATE decides who
    was first; what follows is done for that one only."""
    approving = note is None
    async with deps.db.begin() as session:
        decision = await decide(
            session, team_id, tip_id, actor_id=user_id, approve=approving, note=note, now=deps.now()
        )
    if decision is None:
        return Reviewed(Outcome.NO_SUCH_TIP)
    if not decision.decided_now:  # the card may be showing an older state
        _then(deps, effects.card_changed(team_id, tip_id), f"tip-card-{tip_id}")
        return Reviewed(Outcome.ALREADY_DECIDED, decision.tip)
    done = _follow_decision(effects, team_id, decision.tip, user_id)
    _then(deps, done, f"tip-{tip_id}-{'approved' if approving else 'rejected'}")
    return Reviewed(Outcome.DONE, decision.tip)


async def to_reject(deps: Deps, team_id: str, user_id: str, tip_id: int) -> Reviewed:
    """The Reject button: the tip whose reason form may open (a pending tip, for a reviewer)."""
    return await _to_review(deps, team_id, user_id, tip_id, TipAction.REJECT)


async def to_edit(deps: Deps, team_id: str, user_id: str, tip_id: int) -> Reviewed:
    """The Edit button: the tip whose edit form may open (any status, for a reviewer)."""
    return await _to_review(deps, team_id, user_id, tip_id, TipAction.EDIT)


async def _to_review(deps: Deps, team_id: str, user_id: str, tip_id: int, what: str) -> Reviewed:
    if (refused := await _refused(deps, team_id, user_id, what, tip_id)) is not None:
        return refused
    async with deps.db() as session:
        tip = await get_tip(session, team_id, tip_id)
    if tip is None:
        return Reviewed(Outcome.NO_SUCH_TIP)
    if what == TipAction.REJECT and tip.status != TipStatus.PENDING.value:
        return Reviewed(Outcome.ALREADY_DECIDED, tip)
    return Reviewed(Outcome.DONE, tip)


async def reject(
    deps: Deps, effects: TipEffects, team_id: str, user_id: str, tip_id: int, reason: str | None
) -> Reviewed:
    """Reject a pending tip with a reason for its author (required), once."""
    if (refused := await _refused(deps, team_id, user_id, TipView.REJECT, tip_id)) is not None:
        return refused
    note, problem = validate_note(reason, required=True)
    if note is None:
        return Reviewed(Outcome.INVALID, errors={"reason": problem} if problem else {})
    return await _decide(deps, effects, team_id, user_id, tip_id, note=note)


async def edit(
    deps: Deps,
    effects: TipEffects,
    team_id: str,
    user_id: str,
    tip_id: int,
    *,
    title: str | None,
    description: str | None,
    category: str | None,
) -> Reviewed:
    """A reviewer's correction of the title, description and category; recorded as an event
    and shown on the card when something changed."""
    if (refused := await _refused(deps, team_id, user_id, TipView.EDIT, tip_id)) is not None:
        return refused
    fields, errors = validate_edit(title=title, description=description, category=category)
    if fields is None:
        return Reviewed(Outcome.INVALID, errors=errors)
    title_v, description_v, category_v = fields
    async with deps.db.begin() as session:
        edited = await edit_tip(
            session,
            team_id,
            tip_id,
            actor_id=user_id,
            title=title_v,
            description=description_v,
            category=category_v,
            now=deps.now(),
        )
    if edited is None:
        return Reviewed(Outcome.NO_SUCH_TIP)
    tip, changed = edited
    _then(deps, _follow_edit(effects, team_id, tip, user_id, bool(changed)), f"tip-{tip_id}-edited")
    return Reviewed(Outcome.DONE, tip, changed=tuple(changed))


async def _follow_edit(
    effects: TipEffects, team_id: str, tip: Tip, actor_id: str, changed: bool
) -> None:
    if changed:
        await effects.card_changed(team_id, tip.id)
    await effects.homes_changed(team_id, dict.fromkeys((actor_id, tip.author_id)))


async def share(
    deps: Deps,
    effects: TipEffects,
    team_id: str,
    user_id: str,
    fields: Mapping[str, str | None],
    *,
    source: str | None,
    source_ref: str | None,
) -> Shared:
    """A tip from the form (`fields`: title, description, category, library, library_other,
    link, language): stored as pending, the author thanked, the card posted for review.

    `source` None: the form's record of where it came from was unreadable (not what we
    wrote); once the fields are fine, nothing is stored and the result says so."""
    draft, errors = validate_tip(
        title=fields.get("title"),
        description=fields.get("description"),
        category=fields.get("category"),
        library=fields.get("library"),
        library_other=fields.get("library_other"),
        link=fields.get("link"),
        language=fields.get("language"),
    )
    if draft is None:
        return Shared(None, errors)
    if source is None:
        return Shared(None, unreadable=True)
    if source not in {s.value for s in TipSource}:
        source = TipSource.COMMAND.value
    try:
        async with deps.db.begin() as session:
            tip = await create_tip(
                session,
                team_id,
                user_id,
                draft,
                source=source,
                source_ref=source_ref,
                now=deps.now(),
            )
            tip_id = tip.id
    except InvalidLibrary:
        return Shared(None, {"library": NOT_A_LISTED_LIBRARY})
    log.info("tip %s sent by %s (%s)", tip_id, user_id, source)
    _then(deps, _follow_share(effects, team_id, tip_id, user_id), f"tip-{tip_id}-shared")
    return Shared(tip_id)


async def _follow_share(effects: TipEffects, team_id: str, tip_id: int, author_id: str) -> None:
    await effects.tip_shared(team_id, tip_id)
    await effects.homes_changed(team_id, [author_id])  # the tip shows there as waiting


# ---------------------------------------------------------------------------- lists and export

LIST_KINDS = ("search", "latest", "mine")


async def list_tips(
    deps: Deps, team_id: str, user_id: str, kind: str, query: str, offset: int, limit: int
) -> TipList:
    """A page of approved tips matching `query` (search), the latest approved ones, or the
    person's own in every status (mine); an unknown kind lists the latest."""
    kind = kind if kind in LIST_KINDS else "latest"
    async with deps.db() as session:
        if kind == "search":
            found = await search_tips(session, team_id, query, offset=offset, limit=limit)
            return TipList(kind, query, found)
        if kind == "mine":
            return TipList(kind, "", await mine_page(session, team_id, user_id, offset, limit))
        return TipList(kind, "", await latest_page(session, team_id, offset, limit))


async def export(deps: Deps, team_id: str, period: Period) -> TipsExport:
    """Every tip of the period, with its author's and decider's names (reviewers only:
    `/tips export` is checked by the permission table before it runs)."""
    async with deps.db() as session:
        tips = await tip_export.tips_in_period(session, team_id, period, deps.settings.tz)
        people = {tip.author_id for tip in tips} | {
            tip.decided_by for tip in tips if tip.decided_by
        }
        names = await tip_export.names_of(session, team_id, people)
    return TipsExport(period, tips, names)


# ---------------------------------------------------------------------------- setup (admins)


async def use_review_channel(
    deps: Deps, effects: TipEffects, team_id: str, user_id: str, channel_id: str
) -> SettingChange:
    """Make `channel_id` the review channel (`/tips setup` is for admins, checked before)."""
    async with deps.db.begin() as session:
        change = await set_review_channel(session, team_id, channel_id, by=user_id, now=deps.now())
    await effects.review_channel_set(team_id, channel_id)
    return change


async def use_digest_channel(
    deps: Deps,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    slot: tuple[int | None, int | None, int | None] | None = None,
) -> SettingChange:
    """Post the weekly digest in `channel_id` (at `slot`: weekday, hour, minute; a part that
    is None stays as it was), or stop it (None)."""
    weekday, hour, minute = slot if slot is not None else (None, None, None)
    async with deps.db.begin() as session:
        return await set_digest(
            session,
            team_id,
            channel_id,
            by=user_id,
            now=deps.now(),
            weekday=weekday,
            hour=hour,
            minute=minute,
        )


# ---------------------------------------------------------------------------- the tip form


async def tip_form(
    deps: Deps,
    team_id: str,
    user_id: str,
    *,
    text: str = "",
    link: str | None = None,
    source: TipSource | str = TipSource.COMMAND,
    source_ref: str | None = None,
) -> TipForm:
    """What the tip form opens with for `user_id`: prefilled from `text` (the first sentence as
    the title), their library chosen (or, typed by themselves and not in the list, offered as
    free text). `source` is recorded with the tip (command, shortcut, coffee, home);
    `source_ref` is the message's permalink or the coffee group's id."""
    async with deps.db() as session:
        member = await get_member(session, team_id, user_id)
        libraries = await library_choices(session, team_id)
    library_id = member.library_id if member else None
    own = member.library if member is not None else None
    typed: Library | None = None
    if own is not None and all(lib.id != own.id for lib in libraries):
        library_id, typed = None, own  # the person typed their library themselves
    title, description = prefill_from_text(text)
    return TipForm(
        title=title,
        description=description,
        libraries=tuple(libraries),
        library_id=library_id,
        typed_library=typed,
        link=link,
        source=str(source),
        source_ref=source_ref,
    )


async def library_matches(deps: Deps, team_id: str, typed: str) -> list[Library]:
    """The workspace's libraries matching what someone types in the form's library menu."""
    async with deps.db() as session:
        libraries = await library_choices(session, team_id)
    return search_libraries(libraries, typed)


class MessageLinks(Protocol):
    """What the chat surface knows of a message shared as a tip."""

    async def permalink(self, channel_id: str, message_ts: str) -> str | None:
        """A link to the message, or None (the surface would not give one)."""


#: A message may mention many people; a few are looked up (the form opens within 3 s).
MAX_MENTIONS_LOOKED_UP = 5


async def message_tip_form(
    deps: Deps, team_id: str, user_id: str, text: str, channel_id: str, message_ts: str
) -> TipForm:
    """The tip form for a message shared by the shortcut (`text` as the surface sent it), with
    only what the database knows: the form must open before the trigger expires. The names
    and the link follow (`completed_message_tip_form`)."""
    mentioned = mentioned_user_ids(text)[:MAX_MENTIONS_LOOKED_UP]
    async with deps.db() as session:
        names = await member_names(session, team_id, mentioned)
    return await tip_form(
        deps,
        team_id,
        user_id,
        text=plain_from_slack(text, names),
        source=TipSource.SHORTCUT,
        source_ref=f"{channel_id}/{message_ts}",
    )


async def completed_message_tip_form(
    deps: Deps,
    links: MessageLinks,
    team_id: str,
    user_id: str,
    text: str,
    channel_id: str,
    message_ts: str,
) -> TipForm | None:
    """The shared message's form once the people it mentions that Fika had not met are looked
    up and its link is known; None when that adds nothing to the form already open."""
    mentioned = mentioned_user_ids(text)[:MAX_MENTIONS_LOOKED_UP]
    async with deps.db() as session:
        names = await member_names(session, team_id, mentioned)
    unknown = [u for u in dict.fromkeys(mentioned) if u not in names]
    if unknown:  # people Fika hasn't met yet (cached afterwards)
        members = await asyncio.gather(*(ensure_member(deps, team_id, u) for u in unknown))
        names.update({m.user_id: m.display_name for m in members if m.display_name})
    permalink = await links.permalink(channel_id, message_ts) if channel_id and message_ts else None
    if permalink is None and not unknown:
        return None
    return await tip_form(
        deps,
        team_id,
        user_id,
        text=plain_from_slack(text, names),
        link=permalink,
        source=TipSource.SHORTCUT,
        source_ref=permalink or f"{channel_id}/{message_ts}",
    )


# ---------------------------------------------------------------------------- the review queue


async def review_queue(deps: Deps, team_id: str, user_id: str, offset: int, limit: int) -> Page:
    """A page of the tips waiting for review, oldest first (reviewers only)."""
    await require(deps, team_id, user_id, "/tips review")
    async with deps.db() as session:
        return await pending_page(session, team_id, offset, limit)


# ---------------------------------------------------------------------------- setup commands


class TipChannels(Protocol):
    """What `/tips setup` needs of the chat surface: the channel it was typed in, and the
    announcement there once it is the review or the digest channel (read by everyone there,
    so in the workspace's language; kept and retried if the surface fails now)."""

    async def channel(self, team_id: str, channel_id: str) -> ChannelState | None:
        """The channel as the surface describes it; None when the bot cannot see it."""

    async def join(self, team_id: str, channel_id: str) -> None:
        """Have the bot join a public channel."""

    async def review_announced(self, team_id: str, channel_id: str) -> None:
        """Tell the channel that tips come there for review now."""

    async def digest_announced(
        self, team_id: str, channel_id: str, slot: tuple[int, int, int]
    ) -> None:
        """Tell the channel that the weekly digest is posted there (at `slot`)."""


SETUP = "/tips setup"


async def _usable(
    channels: TipChannels, team_id: str, channel_id: str, in_direct_message: bool
) -> ChannelProblem | None:
    """Whether the bot can use the channel the command was typed in (it joins a public one)."""
    if not channel_id or in_direct_message:
        return ChannelProblem.NOT_HERE
    state = await channels.channel(team_id, channel_id)
    if state is None:
        return ChannelProblem.INVITE
    if state.direct:
        return ChannelProblem.NOT_HERE
    if state.archived:
        return ChannelProblem.ARCHIVED
    if not state.bot_is_member:
        if state.private:
            return ChannelProblem.INVITE
        await channels.join(team_id, channel_id)
    return None


async def tip_setup(deps: Deps, team_id: str, user_id: str) -> TipSetup:
    """The tips settings as they stand (admins)."""
    await require(deps, team_id, user_id, SETUP)
    async with deps.db() as session:
        settings = await get_settings(session, team_id)
    if settings is None:
        return TipSetup(None, None, None)
    digest = settings.digest_channel
    slot = (settings.digest_weekday, settings.digest_hour, settings.digest_minute)
    return TipSetup(settings.review_channel, digest, slot if digest else None)


async def setup_review(
    deps: Deps,
    effects: TipEffects,
    channels: TipChannels,
    team_id: str,
    user_id: str,
    channel_id: str,
    *,
    in_direct_message: bool = False,
) -> ReviewChannelSet:
    """`/tips setup review` typed in `channel_id` (admins): it becomes the review channel, its
    members the reviewers. The same command twice (or 20× at once) announces it once."""
    await require(deps, team_id, user_id, SETUP)
    problem = await _usable(channels, team_id, channel_id, in_direct_message)
    if problem is not None:
        return ReviewChannelSet(channel_id, problem)
    change = await use_review_channel(deps, effects, team_id, user_id, channel_id)
    members = await channel_members(deps, team_id, channel_id)
    if change.changed:
        _then(deps, channels.review_announced(team_id, channel_id), "tips-review-announced")
    people = max(0, len(members) - 1)  # not the bot
    return ReviewChannelSet(channel_id, reviewers=people, changed=change.changed)


async def setup_digest(
    deps: Deps,
    channels: TipChannels,
    team_id: str,
    user_id: str,
    channel_id: str,
    slot: tuple[int | None, int | None, int | None],
    *,
    in_direct_message: bool = False,
) -> DigestSet:
    """`/tips setup digest [day time]` typed in `channel_id` (admins): the weekly digest is
    posted there (a part of `slot` that is None stays as it was). Announced once."""
    await require(deps, team_id, user_id, SETUP)
    problem = await _usable(channels, team_id, channel_id, in_direct_message)
    if problem is not None:
        return DigestSet(channel_id, problem)
    change = await use_digest_channel(deps, team_id, user_id, channel_id, slot)
    settings = change.settings
    now_slot = (settings.digest_weekday, settings.digest_hour, settings.digest_minute)
    next_at = tip_digest.next_slot(deps.now(), deps.settings.tz, *now_slot)
    if change.changed:
        announced = channels.digest_announced(team_id, channel_id, now_slot)
        _then(deps, announced, "tips-digest-announced")
    return DigestSet(channel_id, slot=now_slot, next_at=next_at, changed=change.changed)


async def stop_digest(deps: Deps, team_id: str, user_id: str) -> None:
    """`/tips setup digest off` (admins): no more weekly digests."""
    await require(deps, team_id, user_id, SETUP)
    await use_digest_channel(deps, team_id, user_id, None)
