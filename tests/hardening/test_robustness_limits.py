"""Block Kit limits hold for the longest lists and texts: 50 blocks a message, 100 a view, 3000
characters a text. Long names are escaped first (`&` becomes five characters), then cut."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.coffee.ids import Coffee
from bot.coffee.stats import CoffeeStats
from bot.coffee.views.stats import stats_blocks
from bot.people.models import Library, Member
from bot.platform.i18n import translator
from bot.tips.ids import TipAction
from jobs import digest as digest_job
from tests import coffee_support as coffee
from tests import tips_support as tips
from tests.conftest import TEAM_ID, FakeClock, RunningApp
from tests.e2e.test_tips_e2e import FRIDAY_AFTER_TEN
from tests.fakes.block_kit import validate_message_blocks, validate_view
from tests.security_support import refused_by_slack

# 200 characters (the longest name), of which 40 `&` and `<`: 400 once escaped.
LONG_NAME = ("Bibliotek & <kultur> " * 10)[:200]


def _long(n: int, i: int) -> str:
    return (f"{i:03d} " + "Lång & <text> " * 400)[:n]


def _check_message(body: Any, what: str) -> None:
    assert isinstance(body, dict), what
    assert validate_message_blocks(body.get("blocks") or []) == [], what
    assert len(body.get("text") or "") <= 3000, what


async def _libraries(app: RunningApp, n: int, typed: int = 0) -> None:
    async with app.deps.db.begin() as session:
        for i in range(n):
            session.add(
                Library(
                    team_id=TEAM_ID,
                    name_sv=f"{i:03d} {LONG_NAME}"[:200],
                    name_fi=f"{i:03d} fi {LONG_NAME}"[:200],
                    municipality=f"{i:03d} {LONG_NAME}"[:200],
                )
            )
        for i in range(typed):
            session.add(
                Library(team_id=TEAM_ID, name_sv=f"T{i:03d} {LONG_NAME}"[:200], curated=False)
            )


async def test_300_libraries_fit_every_list_and_form(running_app: RunningApp) -> None:
    app = running_app
    coffee.add_people(app.fake)
    tips.workspace(app)
    await _libraries(app, 300, typed=60)

    # /fika libraries, for a member and for an admin (who also sees the typed names), every page.
    for user in (coffee.PEOPLE[2].user_id, coffee.ADMIN):
        resp = await app.sender.command("/fika", "libraries", user_id=user)
        body = await app.answer(resp)
        pages = 0
        while True:
            pages += 1
            _check_message(body, f"libraries page {pages}")
            assert len(body["blocks"]) <= 50
            nxt = [
                e
                for b in body["blocks"]
                for e in b.get("elements") or []
                if e.get("action_id") == Coffee.LIBRARIES_PAGE and e["value"] == str(pages + 1)
            ]
            if not nxt:
                break
            click = await app.sender.block_action(
                user, Coffee.LIBRARIES_PAGE, value=nxt[0]["value"], message={"ts": "1.1", **body}
            )
            await app.settle()
            body = app.fake.responses_for(click.response_url or "")[-1]["body"]
        assert pages == 10
    for response in app.fake.responses:
        assert response["error"] is None, response["error"]

    # The profile form and the tip form (both a searchable select).
    await app.sender.command("/fika", "profile", user_id=coffee.ADMIN)
    await app.sender.command("/tips", "", user_id=tips.AUTHOR)
    await app.settle()
    assert len(app.fake.views) == 2
    for view in app.fake.views:
        assert validate_view(view) == []
    assert refused_by_slack(app) == []


async def test_long_lists_of_tips_stay_within_limits(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    tips.workspace(app)
    await tips.setup_review(app)
    await tips.setup_digest(app)
    start = app.deps.now()
    for i in range(60):
        common = {
            "title": "Ord " + _long(140, i),
            "description": _long(3000, i),
            "library": LONG_NAME,
            "category": "other",
            "link": "https://example.org/" + "a&b" * 300,
            "created_at": start + timedelta(minutes=i),
        }
        await tips.add_tip(app.deps, status=tips.TipStatus.PENDING, **common)
        await tips.add_tip(app.deps, status=tips.TipStatus.APPROVED, note=_long(1000, i), **common)
        await tips.add_tip(
            app.deps,
            status=tips.TipStatus.REJECTED,
            note=_long(1000, i),
            decided_at=start + timedelta(minutes=i),
            **common,
        )
    async with app.deps.db.begin() as session:
        session.add(Member(team_id=TEAM_ID, user_id=tips.AUTHOR, display_name="&<" * 100))

    acks = []
    for text, user in (
        ("review", "UREV1"),
        ("search ord", tips.OUTSIDER),
        ("latest", tips.OUTSIDER),
        ("mine", tips.AUTHOR),
    ):
        resp = await app.sender.command("/tips", text, user_id=user)
        body = await app.answer(resp)
        acks.append(body)
        _check_message(body, text)
        # Every page, to the last one.
        for _ in range(30):
            nav = [
                e
                for b in body["blocks"]
                if b.get("type") == "actions"
                for e in b["elements"]
                if e.get("action_id") in (TipAction.LIST_PAGE, TipAction.REVIEW_PAGE)
                and "→" in e["text"]["text"]
            ]
            if not nav:
                break
            click = await app.sender.block_action(
                user, nav[0]["action_id"], value=nav[0]["value"], message={"ts": "1.1", **body}
            )
            await app.settle()
            body = app.fake.responses_for(click.response_url or "")[-1]["body"]
            _check_message(body, f"{text} page")
        else:
            raise AssertionError(f"{text}: too many pages")
    for response in app.fake.responses:
        assert response["error"] is None, response["error"]

    # Review cards (posted by the job), and the digest of 60 long tips in several messages.
    from jobs import tip_cards

    clock.advance(timedelta(minutes=5))
    assert await tip_cards.run(app.deps) > 0
    clock.set(FRIDAY_AFTER_TEN)
    await digest_job.run(app.deps)
    await app.settle()
    assert len(app.fake.messages(tips.DIGEST)) >= 3
    assert refused_by_slack(app) == []


def test_statistics_with_many_library_pairs_fit_a_message() -> None:
    pairs = [(f"{i:03d} {LONG_NAME}", f"{i:03d} b {LONG_NAME}") for i in range(500)]
    stats = CoffeeStats(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        rounds=10**6,
        participants=10**6,
        groups=10**6,
        answered=10**6,
        met=10**5,
        cross_library=10**6,
        library_pairs=pairs,
    )
    for locale in ("sv", "fi", "en"):
        blocks = stats_blocks(translator(locale), stats)
        assert validate_message_blocks(blocks) == []
        assert "&amp;" in str(blocks) and "<kultur>" not in str(blocks)


async def test_stats_and_status_answers_stay_within_limits(running_app: RunningApp) -> None:
    app = running_app
    await coffee.workspace(app)
    await _libraries(app, 5)
    async with app.deps.db.begin() as session:
        member = await session.scalar(
            select(Member).where(Member.user_id == coffee.PEOPLE[2].user_id)
        )
        assert member is not None
        library = Library(team_id=TEAM_ID, name_sv=LONG_NAME, curated=False)
        session.add(library)
        await session.flush()
        member.library_id = library.id
    await coffee.start_program(app)
    for text, user in (("status", coffee.PEOPLE[2].user_id), ("stats", coffee.ADMIN)):
        resp = await app.sender.command("/fika", text, user_id=user, channel_id=coffee.CHANNEL)
        await app.settle()
        later = app.fake.responses_for(resp.response_url or "")
        _check_message(later[-1]["body"], text)
        assert all(r["error"] is None for r in later)
