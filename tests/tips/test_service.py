"""The tips use cases (bot/tips/service.py) against the real test database and the fake Slack
(whose review channel's members are the reviewers): authorization at every call, one decision
however many clicks, events recorded, and what the surface is asked to do afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.people.permissions import NOT_A_REVIEWER
from bot.platform.deps import Deps
from bot.tips import service
from bot.tips.export import parse_period
from bot.tips.models import Tip, TipEvent, TipStatus
from bot.tips.results import Outcome
from bot.tips.store import get_settings
from tests.conftest import TEAM_ID, FakeClock
from tests.fakes.slack_api import FakeSlack
from tests.tips_support import ADMIN, AUTHOR, OUTSIDER, REVIEW, REVIEWERS, add_tip
from tests.tips_support import RecordedTipEffects as Recorded

REVIEWER = REVIEWERS[0]
OTHER_TEAM = "T0OTHER"


@pytest.fixture
async def reviewers(deps: Deps, fake_slack: FakeSlack) -> Recorded:
    """A review channel whose members review; ADMIN is an admin; OUTSIDER and AUTHOR are not
    reviewers."""
    for user in (ADMIN, *REVIEWERS, AUTHOR, OUTSIDER):
        fake_slack.add_user(user)
    fake_slack.add_channel(REVIEW, "ake-review", members=[*REVIEWERS, ADMIN], bot_is_member=True)
    effects = Recorded()
    await service.use_review_channel(deps, effects, TEAM_ID, ADMIN, REVIEW)
    effects.calls.clear()
    return effects


async def _settled(deps: Deps) -> None:
    await deps.tasks.idle(timeout=10)  # what follows a stored change runs after the call


async def _events(deps: Deps, tip_id: int) -> list[tuple[str, str, str | None]]:
    async with deps.db() as session:
        rows = await session.scalars(
            select(TipEvent).where(TipEvent.tip_id == tip_id).order_by(TipEvent.id)
        )
        return [(e.action, e.actor_id, e.note) for e in rows]


async def _tip(deps: Deps, tip_id: int) -> Tip:
    async with deps.db() as session:
        tip = await session.get(Tip, tip_id)
    assert tip is not None
    return tip


async def _pending(deps: Deps, title: str = "Läsecirkel", team_id: str = TEAM_ID) -> int:
    return await add_tip(deps, title=title, status=TipStatus.PENDING, team_id=team_id)


# ---------------------------------------------------------------------------- approve


async def test_a_reviewer_approves_once_and_the_surface_is_asked_to_show_it(
    deps: Deps, reviewers: Recorded
) -> None:
    tip_id = await _pending(deps)
    approved = await service.approve(deps, reviewers, TEAM_ID, REVIEWER, tip_id)
    await _settled(deps)

    assert approved.outcome == Outcome.DONE and approved.done
    assert approved.tip is not None and approved.tip.status == TipStatus.APPROVED.value
    tip = await _tip(deps, tip_id)
    assert (tip.status, tip.decided_by) == (TipStatus.APPROVED.value, REVIEWER)
    assert await _events(deps, tip_id) == [
        ("submitted", AUTHOR, None),
        ("approved", REVIEWER, None),
    ]
    assert reviewers.calls == [
        ("card", tip_id),
        ("author", tip_id),
        ("figures", None),
        ("homes", (REVIEWER, AUTHOR)),
    ]


async def test_approving_twice_decides_once_and_names_who_was_first(
    deps: Deps, reviewers: Recorded
) -> None:
    tip_id = await _pending(deps)
    first = await service.approve(deps, reviewers, TEAM_ID, REVIEWER, tip_id)
    await _settled(deps)
    reviewers.calls.clear()

    again = await service.approve(deps, reviewers, TEAM_ID, REVIEWERS[1], tip_id)
    await _settled(deps)

    assert first.done and again.outcome == Outcome.ALREADY_DECIDED
    assert again.tip is not None and again.tip.decided_by == REVIEWER
    assert [a for a, _, _ in await _events(deps, tip_id)] == ["submitted", "approved"]
    assert reviewers.calls == [("card", tip_id)]  # the author is not told twice
    # Nor can it be rejected afterwards.
    late = await service.reject(deps, reviewers, TEAM_ID, REVIEWERS[1], tip_id, "Nej")
    assert late.outcome == Outcome.ALREADY_DECIDED
    assert (await _tip(deps, tip_id)).status == TipStatus.APPROVED.value


@pytest.mark.parametrize("who", [OUTSIDER, AUTHOR])
async def test_someone_who_is_not_a_reviewer_changes_nothing(
    deps: Deps, reviewers: Recorded, who: str
) -> None:
    tip_id = await _pending(deps)
    results = [
        await service.approve(deps, reviewers, TEAM_ID, who, tip_id),
        await service.to_reject(deps, TEAM_ID, who, tip_id),
        # Refused before the form is even read: an empty reason is not what they are told.
        await service.reject(deps, reviewers, TEAM_ID, who, tip_id, ""),
        await service.reject(deps, reviewers, TEAM_ID, who, tip_id, "Nej"),
        await service.to_edit(deps, TEAM_ID, who, tip_id),
        await service.edit(
            deps,
            reviewers,
            TEAM_ID,
            who,
            tip_id,
            title="Hacked",
            description="Hacked",
            category="other",
        ),
    ]
    await _settled(deps)

    assert [r.outcome for r in results] == [Outcome.REFUSED] * 6
    assert {r.refusal for r in results} == {NOT_A_REVIEWER}
    assert all(r.tip is None for r in results)  # nothing of the tip is shown to them
    tip = await _tip(deps, tip_id)
    assert (tip.status, tip.title) == (TipStatus.PENDING.value, "Läsecirkel")
    assert await _events(deps, tip_id) == [("submitted", AUTHOR, None)]
    assert reviewers.calls == []


async def test_rights_are_read_again_at_every_call(
    deps: Deps, reviewers: Recorded, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    """Taken out of the review channel, a former reviewer is refused once the minute's cache of
    the channel's members has passed; nothing a client sends can stand in for that."""
    first, second = await _pending(deps, "Ett"), await _pending(deps, "Två")
    assert (await service.approve(deps, reviewers, TEAM_ID, REVIEWER, first)).done
    fake_slack.conversations[REVIEW].members.remove(REVIEWER)
    clock.advance(timedelta(seconds=61))

    refused = await service.approve(deps, reviewers, TEAM_ID, REVIEWER, second)

    assert refused.outcome == Outcome.REFUSED
    assert (await _tip(deps, second)).status == TipStatus.PENDING.value
    # An admin is a reviewer without being in the channel.
    assert (await service.approve(deps, reviewers, TEAM_ID, ADMIN, second)).done


async def test_a_tip_of_another_workspace_or_no_tip_is_not_found(
    deps: Deps, reviewers: Recorded
) -> None:
    elsewhere = await _pending(deps, "Annan", team_id=OTHER_TEAM)
    for tip_id in (elsewhere, 0, 10**9):
        assert (await service.approve(deps, reviewers, TEAM_ID, REVIEWER, tip_id)).outcome == (
            Outcome.NO_SUCH_TIP
        )
        assert (await service.to_reject(deps, TEAM_ID, REVIEWER, tip_id)).outcome == (
            Outcome.NO_SUCH_TIP
        )
        assert (await service.to_edit(deps, TEAM_ID, REVIEWER, tip_id)).outcome == (
            Outcome.NO_SUCH_TIP
        )
        rejected = await service.reject(deps, reviewers, TEAM_ID, REVIEWER, tip_id, "Nej")
        assert rejected.outcome == Outcome.NO_SUCH_TIP
    await _settled(deps)
    assert (await _tip(deps, elsewhere)).status == TipStatus.PENDING.value
    assert reviewers.calls == []


# ---------------------------------------------------------------------------- reject


async def test_rejecting_needs_a_reason_and_records_it(deps: Deps, reviewers: Recorded) -> None:
    tip_id = await _pending(deps)
    assert (await service.to_reject(deps, TEAM_ID, REVIEWER, tip_id)).done

    blank = await service.reject(deps, reviewers, TEAM_ID, REVIEWER, tip_id, "  \n ")
    assert blank.outcome == Outcome.INVALID and set(blank.errors) == {"reason"}
    assert (await _tip(deps, tip_id)).status == TipStatus.PENDING.value

    rejected = await service.reject(
        deps, reviewers, TEAM_ID, REVIEWER, tip_id, " Finns redan i katalogen. "
    )
    await _settled(deps)

    assert rejected.done
    tip = await _tip(deps, tip_id)
    assert (tip.status, tip.decided_by, tip.decision_note) == (
        TipStatus.REJECTED.value,
        REVIEWER,
        "Finns redan i katalogen.",
    )
    assert await _events(deps, tip_id) == [
        ("submitted", AUTHOR, None),
        ("rejected", REVIEWER, "Finns redan i katalogen."),
    ]
    assert ("author", tip_id) in reviewers.calls and ("card", tip_id) in reviewers.calls
    # The Reject button of a decided tip opens no reason form.
    closed = await service.to_reject(deps, TEAM_ID, REVIEWERS[1], tip_id)
    assert closed.outcome == Outcome.ALREADY_DECIDED
    assert closed.tip is not None and closed.tip.decided_by == REVIEWER


# ---------------------------------------------------------------------------- edit


async def test_an_edit_is_recorded_and_shown_only_when_something_changed(
    deps: Deps, reviewers: Recorded
) -> None:
    tip_id = await _pending(deps)
    fields = {"title": "Läsecirkel för alla", "description": "Beskrivning.", "category": "other"}
    edited = await service.edit(deps, reviewers, TEAM_ID, REVIEWER, tip_id, **fields)
    await _settled(deps)
    assert edited.done and edited.changed == ("title",)
    assert reviewers.calls == [("card", tip_id), ("homes", (REVIEWER, AUTHOR))]
    reviewers.calls.clear()

    same = await service.edit(deps, reviewers, TEAM_ID, ADMIN, tip_id, **fields)
    await _settled(deps)
    assert same.done and same.changed == ()
    assert reviewers.calls == [("homes", (ADMIN, AUTHOR))]  # no card update for no change
    assert [a for a, _, _ in await _events(deps, tip_id)] == ["submitted", "edited"]

    invalid = await service.edit(
        deps, reviewers, TEAM_ID, REVIEWER, tip_id, title=" ", description="x", category="nope"
    )
    assert invalid.outcome == Outcome.INVALID and set(invalid.errors) == {"title", "category"}
    assert (await _tip(deps, tip_id)).title == "Läsecirkel för alla"


# ---------------------------------------------------------------------------- share


def _form(**changes: str | None) -> dict[str, str | None]:
    fields: dict[str, str | None] = {
        "title": "Läsecirkel för nyanlända",
        "description": "Vi startade en läsecirkel på lätt svenska.",
        "category": "participation",
        "library": None,
        "library_other": "Åbo stadsbibliotek",
        "link": None,
        "language": "sv",
    }
    fields.update(changes)
    return fields


async def test_a_shared_tip_waits_for_review_and_its_card_is_asked_for(
    deps: Deps, reviewers: Recorded
) -> None:
    shared = await service.share(
        deps, reviewers, TEAM_ID, AUTHOR, _form(), source="no such source", source_ref="x"
    )
    await _settled(deps)

    assert shared.tip_id is not None and not shared.errors
    tip = await _tip(deps, shared.tip_id)
    assert (tip.status, tip.author_id, tip.source_kind) == (
        TipStatus.PENDING.value,
        AUTHOR,
        "command",  # an unknown source is recorded as the command
    )
    assert reviewers.calls == [("shared", shared.tip_id), ("homes", (AUTHOR,))]


async def test_a_form_with_errors_or_an_unknown_library_stores_nothing(
    deps: Deps, reviewers: Recorded
) -> None:
    invalid = await service.share(
        deps,
        reviewers,
        TEAM_ID,
        AUTHOR,
        _form(title=" ", link="javascript:x"),
        source="command",
        source_ref=None,
    )
    assert invalid.tip_id is None and set(invalid.errors) == {"title", "link"}
    unknown = await service.share(
        deps, reviewers, TEAM_ID, AUTHOR, _form(library="999999"), source="command", source_ref=None
    )
    assert unknown.tip_id is None and set(unknown.errors) == {"library"}
    unreadable = await service.share(
        deps, reviewers, TEAM_ID, AUTHOR, _form(), source=None, source_ref=None
    )
    assert unreadable.tip_id is None and unreadable.unreadable and not unreadable.errors
    # Field errors come first: the person corrects them before anything else is said.
    both = await service.share(
        deps, reviewers, TEAM_ID, AUTHOR, _form(title=""), source=None, source_ref=None
    )
    assert set(both.errors) == {"title"} and not both.unreadable
    await _settled(deps)
    async with deps.db() as session:
        assert list(await session.scalars(select(Tip))) == []
    assert reviewers.calls == []


# ---------------------------------------------------------------------------- lists, export, setup


async def test_lists_and_export_read_this_workspace_only(deps: Deps, reviewers: Recorded) -> None:
    mine = await add_tip(deps, title="Min", status=TipStatus.PENDING)
    approved = await add_tip(deps, title="Godkänd läsecirkel", author="UOTHER")
    await add_tip(deps, title="Annan läsecirkel", team_id=OTHER_TEAM)

    latest = await service.list_tips(deps, TEAM_ID, AUTHOR, "latest", "", 0, 8)
    own = await service.list_tips(deps, TEAM_ID, AUTHOR, "mine", "", 0, 8)
    found = await service.list_tips(deps, TEAM_ID, AUTHOR, "search", "läsecirkel", 0, 8)
    odd = await service.list_tips(deps, TEAM_ID, AUTHOR, "<script>", "", 0, 8)

    assert [t.id for t in latest.found.tips] == [approved]
    assert [t.id for t in own.found.tips] == [mine]
    assert [t.id for t in found.found.tips] == [approved]
    assert odd.kind == "latest"
    exported = await service.export(deps, TEAM_ID, parse_period(""))
    assert sorted(t.id for t in exported.tips) == sorted([mine, approved])


async def test_setting_the_review_channel_says_whether_it_changed(
    deps: Deps, reviewers: Recorded
) -> None:
    again = await service.use_review_channel(deps, reviewers, TEAM_ID, ADMIN, REVIEW)
    assert not again.changed  # the fixture set it: the same command twice announces once
    assert reviewers.calls == [("review channel", REVIEW)]
    moved = await service.use_review_channel(deps, reviewers, TEAM_ID, ADMIN, "CNEW")
    assert moved.changed
    async with deps.db() as session:
        settings = await get_settings(session, TEAM_ID)
    assert settings is not None and settings.review_channel == "CNEW"
