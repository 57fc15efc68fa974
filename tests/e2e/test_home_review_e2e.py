"""The Home's part for the AKE team: the review queue (Review → the review list in a
modal → Approve / Reject / Edit / pages) and this year's figures; and what a person outside the
team gets when a click on those buttons is crafted: a polite refusal, and nothing changes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import select

from bot.home.ids import HomeAction, HomeView
from bot.platform.i18n import translator
from bot.tips.ids import TipBlock, TipView
from bot.tips.models import Tip, TipEvent, TipStatus
from handlers.tip_review import NOT_A_REVIEWER
from tests.conftest import FakeClock, RunningApp
from tests.home_support import action_ids, click, notice, open_home, text, values_of
from tests.security_support import changed_tables, snapshot
from tests.tips_support import AUTHOR, OUTSIDER, add_tip, setup_review, workspace

REVIEWER = "UREV1"  # sv-SE, a member of the review channel


async def _queue(app: RunningApp, count: int) -> list[int]:
    workspace(app)
    await setup_review(app)
    return [
        await add_tip(app.deps, title=f"Tips nummer {i + 1}", status=TipStatus.PENDING)
        for i in range(count)
    ]


def _modal(app: RunningApp, view_id: str) -> dict[str, Any]:
    return app.fake.get_view(view_id)


async def _tip(app: RunningApp, tip_id: int) -> Tip:
    async with app.deps.db() as session:
        tip = await session.get(Tip, tip_id)
    assert tip is not None
    return tip


async def test_review_from_the_home(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    ids = await _queue(app, 12)
    sv = translator("sv")
    home = await open_home(app, REVIEWER)
    assert sv.ngettext(
        "*{n} tip is waiting for review*", "*{n} tips are waiting for review*", 12
    ) in text(home)
    assert values_of(home, HomeAction.REVIEW) == ["0"]

    # Review → the review list in a modal, ten at a time.
    await click(app, REVIEWER, HomeAction.REVIEW, "0")
    modal = app.fake.views[-1]
    review_id = modal["id"]
    assert modal["callback_id"] == HomeView.REVIEW
    assert modal["title"]["text"] == sv("Tips to review")
    assert values_of(modal, HomeAction.REVIEW_APPROVE) == [f"{i}:0" for i in ids[:10]]
    assert values_of(modal, HomeAction.REVIEW_PAGE) == ["10"]
    await click(app, REVIEWER, HomeAction.REVIEW_PAGE, "10", view=modal)
    page2 = _modal(app, review_id)
    assert values_of(page2, HomeAction.REVIEW_APPROVE) == [f"{i}:10" for i in ids[10:]]
    await click(app, REVIEWER, HomeAction.REVIEW_PAGE, "0", view=page2)
    modal = _modal(app, review_id)

    # Approve: decided once, the card and the author told, the list and the Homes redrawn.
    await click(app, REVIEWER, HomeAction.REVIEW_APPROVE, f"{ids[0]}:0", view=modal)
    tip = await _tip(app, ids[0])
    assert (tip.status, tip.decided_by) == ("approved", REVIEWER)
    modal = _modal(app, review_id)
    assert f"{ids[0]}:0" not in values_of(modal, HomeAction.REVIEW_APPROVE)
    assert "Tips nummer 1" in text(modal)  # the notice names the tip just approved
    assert sv.ngettext(
        "*{n} tip is waiting for review*", "*{n} tips are waiting for review*", 11
    ) in text(app.fake.home_views[REVIEWER])
    assert f"{sv('Tips approved')}: *1*" in text(app.fake.home_views[REVIEWER])
    fi = translator("fi")  # the author reads Finnish
    assert "Tips nummer 1" in text(app.fake.dm_messages(AUTHOR)[-1])
    # The author's Home lists it among the latest approved tips at once.
    latest = text(app.fake.home_views[AUTHOR]).split(fi("*Latest approved tips*"))[1]
    assert "Tips nummer 1" in latest

    # A second click on a stale list decides nothing again.
    await click(app, REVIEWER, HomeAction.REVIEW_APPROVE, f"{ids[0]}:0", view=modal)
    assert said_already(app, review_id)
    async with app.deps.db() as session:
        events = list(await session.scalars(select(TipEvent).where(TipEvent.tip_id == ids[0])))
    assert [e.action for e in events] == ["submitted", "approved"]

    # Reject: the reason modal pushed over the list; saving it redraws the list below.
    modal = _modal(app, review_id)
    await click(app, REVIEWER, HomeAction.REVIEW_REJECT, f"{ids[1]}:0", view=modal)
    reason_view = app.fake.views[-1]
    assert reason_view["callback_id"] == TipView.REJECT
    assert reason_view["previous_view_id"] == review_id
    reason = {TipBlock.REASON: {TipBlock.VALUE: {"type": "plain_text_input", "value": "Finns"}}}
    resp = await app.sender.view_submission(
        REVIEWER, reason_view, {str(k): v for k, v in reason.items()}
    )
    assert resp.status == 200 and not resp.text
    await app.settle()
    tip = await _tip(app, ids[1])
    assert (tip.status, tip.decision_note) == ("rejected", "Finns")
    modal = _modal(app, review_id)
    assert f"{ids[1]}:0" not in values_of(modal, HomeAction.REVIEW_APPROVE)
    assert sv.ngettext(
        "*{n} tip is waiting for review*", "*{n} tips are waiting for review*", 10
    ) in text(app.fake.home_views[REVIEWER])

    # Edit (in a list opened anew: the fake keeps closed modals on its stack): the edit modal
    # pushed over the list; the list shows the new title.
    await click(app, REVIEWER, HomeAction.REVIEW, "0")
    modal = app.fake.views[-1]
    review_id = modal["id"]
    await click(app, REVIEWER, HomeAction.REVIEW_EDIT, f"{ids[2]}:0", view=modal)
    edit_view = app.fake.views[-1]
    assert edit_view["callback_id"] == TipView.EDIT
    assert edit_view["previous_view_id"] == review_id
    values = {
        TipBlock.TITLE: {TipBlock.VALUE: {"type": "plain_text_input", "value": "Nytt namn"}},
        TipBlock.DESCRIPTION: {TipBlock.VALUE: {"type": "plain_text_input", "value": "Text."}},
        TipBlock.CATEGORY: {
            TipBlock.VALUE: {"type": "static_select", "selected_option": {"value": "talent"}}
        },
    }
    resp = await app.sender.view_submission(
        REVIEWER, edit_view, {str(k): v for k, v in values.items()}
    )
    assert resp.status == 200 and not resp.text
    await app.settle()
    assert (await _tip(app, ids[2])).title == "Nytt namn"
    assert "Nytt namn" in text(_modal(app, review_id))

    # Reject on a tip decided meanwhile: told so in the list, no modal.
    views_before = len(app.fake.views)
    await click(app, REVIEWER, HomeAction.REVIEW_REJECT, f"{ids[0]}:0", view=modal)
    assert len(app.fake.views) == views_before
    assert said_already(app, review_id)


def said_already(app: RunningApp, review_id: str) -> bool:
    sv = translator("sv")
    prefix = sv("This tip was already approved by {who}.", who="\x00").split("\x00")[0]
    return prefix in text(app.fake.get_view(review_id))


async def test_no_reviewer_section_for_others(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _queue(app, 3)
    for user_id in (AUTHOR, OUTSIDER):
        home = await open_home(app, user_id)
        reviewer_ids = {
            HomeAction.REVIEW,
            HomeAction.REVIEW_PAGE,
            HomeAction.REVIEW_APPROVE,
            HomeAction.REVIEW_REJECT,
            HomeAction.REVIEW_EDIT,
        }
        assert not reviewer_ids & set(action_ids(home))
        t = translator("fi" if user_id == AUTHOR else "sv")
        assert t("🛠 For the AKE team") not in text(home)
        assert t("Tips approved") not in text(home)


@pytest.mark.parametrize(
    ("action_id", "value", "from_modal"),
    [
        (HomeAction.REVIEW, "0", False),
        (HomeAction.REVIEW_PAGE, "10", False),
        (HomeAction.REVIEW_PAGE, "10", True),
        (HomeAction.REVIEW_APPROVE, "{tip}:0", False),
        (HomeAction.REVIEW_APPROVE, "{tip}:0", True),
        (HomeAction.REVIEW_REJECT, "{tip}:0", True),
        (HomeAction.REVIEW_EDIT, "{tip}:0", True),
    ],
)
async def test_crafted_reviewer_clicks_change_nothing(
    running_app: RunningApp, clock: FakeClock, action_id: str, value: str, from_modal: bool
) -> None:
    app = running_app
    ids = await _queue(app, 12)
    home = await open_home(app, OUTSIDER)
    # A copy of a reviewer's review list, as if it had reached the outsider.
    await click(app, "UREV2", HomeAction.REVIEW, "0", view=await open_home(app, "UREV2"))
    stolen = app.fake.views[-1]
    before = await snapshot(app)
    views_before = len(app.fake.views)
    modal_before = copy.deepcopy(app.fake.get_view(stolen["id"]))
    publishes = len(app.fake.calls_to("views.publish"))

    await click(
        app,
        OUTSIDER,
        action_id,
        value.format(tip=ids[0]),
        view=stolen if from_modal else home,
    )

    assert changed_tables(before, await snapshot(app)) == []
    assert len(app.fake.views) == views_before  # no review list, reason or edit modal opened
    refusal = translator("sv")(NOT_A_REVIEWER)
    # Told at the top of their own Home; the reviewer's list they clicked in stays as it was.
    assert notice(app.fake.home_views[OUTSIDER]) == refusal
    assert len(app.fake.calls_to("views.publish")) == publishes + 1
    assert app.fake.get_view(stolen["id"]) == modal_before
    assert [t.status for t in [await _tip(app, i) for i in ids]] == ["pending"] * 12
    assert app.fake.dm_messages(AUTHOR) == []


async def test_reviewers_own_views_stay_theirs(running_app: RunningApp, clock: FakeClock) -> None:
    """A refusal is only ever drawn in a modal of the clicker's own click, never published to
    another person's Home."""
    app = running_app
    await _queue(app, 1)
    await open_home(app, REVIEWER)
    reviewer_home = app.fake.home_views[REVIEWER]
    await click(app, OUTSIDER, HomeAction.REVIEW, "0", view=reviewer_home)
    assert app.fake.home_views[REVIEWER]["hash"] == reviewer_home["hash"]
    assert notice(app.fake.home_views[OUTSIDER]) == translator("sv")(NOT_A_REVIEWER)
