"""Every paged list walks forwards and back through three pages by clicking the buttons it
rendered (their own action_id, block_id and value), through the real app and the strict fake:
`/tips latest`, `/tips search`, `/tips mine`, `/tips review`, `/fika libraries`, the Home's
programs, own tips and latest tips, and the Home's review list in its modal.

Slack refuses a block in which two elements share an action_id, so "Previous" and "Next" carry
different ones (`…_BACK` for Previous): the fake rejects the page otherwise.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any

from bot.coffee.ids import Coffee
from bot.home.ids import HomeAction
from bot.people.models import Library
from bot.tips.ids import TipAction
from bot.tips.models import TipStatus
from tests.coffee_support import PEOPLE, start_program
from tests.coffee_support import workspace as coffee_workspace
from tests.conftest import TEAM_ID, RunningApp
from tests.home_support import click, open_home, published
from tests.tips_support import AUTHOR, REVIEWERS, add_tip, setup_review, text_of, workspace

JSON = dict[str, Any]
Page = Callable[[str, str, str], Awaitable[JSON]]  # (action_id, block_id, value) → next page


def _buttons(blocks: list[JSON], action_id: str) -> list[tuple[str, str, str]]:
    """(action_id, block_id, value) of every button with `action_id`, as Slack would send."""
    found = []
    for i, block in enumerate(blocks):
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                block_id = str(block.get("block_id") or f"generated-{i}")
                found.append((action_id, block_id, str(element.get("value"))))
    return found


def _one(blocks: list[JSON], action_id: str, which: str | None) -> tuple[str, str, str]:
    buttons = _buttons(blocks, action_id)
    if which is not None:  # several lists on one surface (the Home): pick by list
        buttons = [b for b in buttons if json.loads(b[2]).get("k") == which]
    assert len(buttons) == 1, (action_id, which, buttons)
    return buttons[0]


async def _walk(
    first: JSON, forward: str, back: str, click_page: Page, *, which: str | None = None
) -> list[str]:
    """Next, Next, Previous, Previous from the first page; the texts of the five pages seen.

    The first page has no Previous; the third (last) no Next."""
    pages = [first]
    assert not [b for b in _buttons(first["blocks"], back) if which is None or which in b[2]]
    for step in (forward, forward, back, back):
        current = pages[-1]
        pages.append(await click_page(*_one(current["blocks"], step, which)))
    last = pages[2]
    assert not [b for b in _buttons(last["blocks"], forward) if which is None or which in b[2]]
    texts = [text_of(p["blocks"]) for p in pages]
    assert len({texts[0], texts[1], texts[2]}) == 3, "three different pages"
    assert texts[3] == texts[1] and texts[4] == texts[0], "Previous goes back to the same pages"
    return texts


def _message_pager(app: RunningApp, user_id: str, channel_id: str) -> Page:
    """Clicks in an ephemeral message answered through its response_url (replace_original)."""
    state: dict[str, Any] = {}

    async def page(action_id: str, block_id: str, value: str) -> JSON:
        resp = await app.sender.block_action(
            user_id,
            action_id,
            value,
            block_id=block_id,
            channel_id=channel_id,
            is_ephemeral=True,
            message={"ts": "1700000000.000100", "blocks": state["blocks"]},
        )
        assert resp.status == 200, resp.text
        await app.settle()
        posted = app.fake.responses_for(resp.response_url or "")
        assert posted and posted[-1]["status"] == 200, posted
        body: JSON = posted[-1]["body"]
        assert body.get("replace_original") is True
        state["blocks"] = body["blocks"]
        return body

    def start(first: JSON) -> JSON:
        state["blocks"] = first["blocks"]
        return first

    page.start = start  # type: ignore[attr-defined]
    return page


async def _first_answer(app: RunningApp, user_id: str, command: str, text: str) -> JSON:
    resp = await app.sender.command(command, text, user_id=user_id, channel_id="CGENERAL")
    body = await app.answer(resp)
    assert body is not None and body.get("blocks"), body
    return dict(body)


async def _tips(app: RunningApp, count: int, status: TipStatus, author: str = AUTHOR) -> None:
    for i in range(count):
        await add_tip(app.deps, title=f"Sagostund {i + 1:02d}", status=status, author=author)


async def test_tip_lists_page_forwards_and_back(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await _tips(app, 20, TipStatus.APPROVED)  # 8 a page: three pages
    for text in ("latest", "search sagostund", "mine"):
        pager = _message_pager(app, AUTHOR, "CGENERAL")
        first = pager.start(await _first_answer(app, AUTHOR, "/tips", text))  # type: ignore[attr-defined]
        texts = await _walk(first, TipAction.LIST_PAGE, TipAction.LIST_PAGE_BACK, pager)
        assert "Sagostund 20" in texts[0] and "Sagostund 01" in texts[2], text


async def test_the_review_list_pages_forwards_and_back(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    await _tips(app, 25, TipStatus.PENDING)  # 10 a page: three pages
    pager = _message_pager(app, REVIEWERS[0], "CGENERAL")
    first = pager.start(await _first_answer(app, REVIEWERS[0], "/tips", "review"))  # type: ignore[attr-defined]
    await _walk(first, TipAction.REVIEW_PAGE, TipAction.REVIEW_PAGE_BACK, pager)


async def test_the_library_list_pages_forwards_and_back(running_app: RunningApp) -> None:
    app = running_app
    await coffee_workspace(app)
    async with app.deps.db.begin() as session:
        for i in range(70):  # 30 a page: three pages
            session.add(Library(team_id=TEAM_ID, name_sv=f"Bibliotek {i:03d}"))
    user = PEOPLE[0].user_id
    pager = _message_pager(app, user, "CGENERAL")
    first = pager.start(await _first_answer(app, user, "/fika", "libraries"))  # type: ignore[attr-defined]
    texts = await _walk(first, Coffee.LIBRARIES_PAGE, Coffee.LIBRARIES_PAGE_BACK, pager)
    assert "Bibliotek 000" in texts[0] and "Bibliotek 069" in texts[2]


async def test_every_home_list_and_the_review_modal_page_forwards_and_back(
    running_app: RunningApp,
) -> None:
    app = running_app
    await coffee_workspace(app)
    workspace(app)
    await setup_review(app)
    user = REVIEWERS[0]
    people = [p.user_id for p in PEOPLE] + [user]
    for n in range(9):  # 4 programs a page: three pages
        channel = f"CPROG{n}"
        app.fake.add_channel(channel, f"kaffe-{n}", members=people)
        await start_program(app, channel)
    await _tips(app, 12, TipStatus.APPROVED, author=user)  # 5 a page: own and latest
    await _tips(app, 25, TipStatus.PENDING)  # 10 a page in the review modal

    async def home_page(action_id: str, block_id: str, value: str) -> JSON:
        before = len(app.fake.calls_to("views.publish"))
        await click(app, user, action_id, value, block_id=block_id)
        return published(app, user, before)

    home = await open_home(app, user)
    for which in ("p", "m", "l"):
        await _walk(home, HomeAction.PAGE, HomeAction.PAGE_BACK, home_page, which=which)
        home = app.fake.home_views[user]

    await click(app, user, HomeAction.REVIEW, "0")
    modal_id = app.fake.views[-1]["id"]

    async def modal_page(action_id: str, block_id: str, value: str) -> JSON:
        await click(
            app, user, action_id, value, block_id=block_id, view=app.fake.get_view(modal_id)
        )
        return copy.deepcopy(app.fake.get_view(modal_id))  # the fake updates it in place

    await _walk(
        app.fake.get_view(modal_id), HomeAction.REVIEW_PAGE, HomeAction.REVIEW_PAGE_BACK, modal_page
    )
