"""A Home never holds more than 100 blocks: someone in six programs with 150 tips of their own
(and 150 approved tips around) gets pages, and "Show more" / "Previous" walk them while the
other lists stay where they were."""

from __future__ import annotations

import json

from bot.home.ids import HomeAction
from bot.platform.i18n import translator
from bot.tips.models import TipStatus
from tests.coffee_support import ADMIN, PEOPLE, start_program, workspace
from tests.conftest import FakeClock, RunningApp
from tests.home_support import click_home, open_home, text, values_of
from tests.tips_support import add_tip, setup_review
from tests.tips_support import workspace as tips_workspace

PROGRAMS = 6
OWN_TIPS = 150


def _page(which: str, offset: int) -> str:
    return json.dumps({"k": which, "o": offset})


def _showing(first: int, last: int, total: int) -> str:
    return translator("en")(
        "Showing {first}–{last} of {total}", first=first, last=last, total=total
    )


async def test_many_tips_and_programs_page_within_100_blocks(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await workspace(app)
    tips_workspace(app)  # ADMIN reads English from here on
    await setup_review(app)
    people = [p.user_id for p in PEOPLE]
    for n in range(PROGRAMS):
        channel = f"CPROG{n}"
        app.fake.add_channel(channel, f"fika-{n}", members=people)
        await start_program(app, channel)
    statuses = [TipStatus.PENDING, TipStatus.APPROVED, TipStatus.REJECTED]
    for i in range(OWN_TIPS):
        await add_tip(app.deps, title=f"Own tip {i + 1:03d}", author=ADMIN, status=statuses[i % 3])
    for i in range(OWN_TIPS):
        await add_tip(app.deps, title=f"Other tip {i + 1:03d}", status=TipStatus.APPROVED)

    home = await open_home(app, ADMIN)  # every section: programs, tips, the team's part
    assert len(home["blocks"]) <= 100
    shown = text(home)
    assert _showing(1, 4, PROGRAMS) in shown
    assert _showing(1, 5, OWN_TIPS) in shown
    assert _showing(1, 5, OWN_TIPS // 3 + OWN_TIPS) in shown  # approved: 50 own + 150 others
    assert "Own tip 150" in shown and "Own tip 145" not in shown
    assert values_of(home, HomeAction.PAGE) == [_page("p", 4), _page("m", 5), _page("l", 5)]
    en = translator("en")
    assert (
        en.ngettext(
            "*{n} tip is waiting for review*", "*{n} tips are waiting for review*", OWN_TIPS // 3
        )
        in shown
    )

    # Show more of the own tips: the next five; the programs stay on their first page.
    home = await click_home(app, ADMIN, HomeAction.PAGE, _page("m", 5), block_id="home_nav_m")
    shown = text(home)
    assert _showing(6, 10, OWN_TIPS) in shown and "Own tip 145" in shown
    assert _showing(1, 4, PROGRAMS) in shown
    assert len(home["blocks"]) <= 100

    # Show more programs: the last two; the own tips stay on their second page.
    home = await click_home(app, ADMIN, HomeAction.PAGE, _page("p", 4), block_id="home_nav_p")
    shown = text(home)
    assert _showing(5, 6, PROGRAMS) in shown and "CPROG4" in shown and "CPROG0" not in shown
    assert _showing(6, 10, OWN_TIPS) in shown
    # Only "Previous" left for the programs.
    assert not [v for v in values_of(home, HomeAction.PAGE) if json.loads(v)["k"] == "p"]
    assert values_of(home, HomeAction.PAGE_BACK)[0] == _page("p", 0)

    # Previous, and a stale or crafted offset far past the end lands on the last page.
    home = await click_home(app, ADMIN, HomeAction.PAGE_BACK, _page("m", 0), block_id="home_nav_m")
    assert _showing(1, 5, OWN_TIPS) in text(home)
    home = await click_home(app, ADMIN, HomeAction.PAGE, _page("m", 10**9), block_id="home_nav_m")
    assert _showing(146, 150, OWN_TIPS) in text(home) and "Own tip 001" in text(home)
    for odd in ("", "x", "[]", json.dumps({"k": "zz", "o": 5}), json.dumps({"k": "m", "o": -3})):
        home = await click_home(app, ADMIN, HomeAction.PAGE, odd, block_id="home_nav_m")
        assert len(home["blocks"]) <= 100
