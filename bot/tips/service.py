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

import logging
from collections.abc import Collection, Coroutine, Mapping
from typing import Any, Protocol

from bot.people.permissions import can, refusal
from bot.platform.deps import Deps
from bot.tips import export as tip_export
from bot.tips.export import Period
from bot.tips.ids import TipAction, TipView
from bot.tips.models import Tip, TipSource, TipStatus
from bot.tips.results import Outcome, Reviewed, Shared, TipList, TipsExport
from bot.tips.search import search_tips
from bot.tips.store import (
    NOT_A_LISTED_LIBRARY,
    InvalidLibrary,
    SettingChange,
    create_tip,
    decide,
    edit_tip,
    get_tip,
    latest_page,
    mine_page,
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
