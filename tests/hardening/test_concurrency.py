"""N identical requests at once, through the real app (signed HTTP, Bolt, the database): one
effect, and every person gets the right answer in their language, never "something went
wrong". Run on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.home.ids import HomeAction
from bot.people.libraries import add_library
from bot.people.models import Library, Member
from bot.platform.deps import Deps
from bot.tips.models import TipsSettings
from tests.coffee_support import ADMIN, CHANNEL, OUTSIDER, PEOPLE, all_text, start_program
from tests.coffee_support import workspace as coffee_workspace
from tests.conftest import TEAM_ID, RunningApp
from tests.hardening.support import (
    N,
    StatementBarrier,
    answers,
    at_once,
    count,
    fragment,
    generic_errors,
)
from tests.tips_support import DIGEST, REVIEW
from tests.tips_support import workspace as tips_workspace

AINO = PEOPLE[1].user_id  # fi-FI


async def _rows(app: RunningApp, model: Any, *where: Any) -> int:
    async with app.deps.db() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _profile_values(typed: str) -> dict[str, Any]:
    return {
        CoffeeBlock.PROFILE_LIBRARY: {
            Coffee.PROFILE_LIBRARY: {"type": "static_select", "selected_option": None}
        },
        CoffeeBlock.PROFILE_LIBRARY_TYPED: {
            Coffee.PROFILE_LIBRARY_TYPED: {"type": "plain_text_input", "value": typed}
        },
        CoffeeBlock.PROFILE_LANGUAGES: {
            Coffee.PROFILE_LANGUAGES: {
                "type": "checkboxes",
                "selected_options": [{"value": "sv"}, {"value": "fi"}],
            }
        },
        CoffeeBlock.PROFILE_LOCALE: {
            Coffee.PROFILE_LOCALE: {"type": "static_select", "selected_option": {"value": "fi"}}
        },
    }


async def test_colleagues_typing_the_same_new_library_at_once_all_keep_their_profile(
    running_app: RunningApp,
) -> None:
    """Finding 2: six people type the same *new* library into their profile at the same moment.
    One library row; all six profiles saved (library, languages, language); all told so."""
    app = running_app
    await coffee_workspace(app)
    people = [p.user_id for p in PEOPLE[1:7]]
    modals = {}
    for user_id in people:
        await app.sender.command("/fika", "profile", user_id=user_id)
        await app.settle()
        modals[user_id] = app.fake.views[-1]
        assert modals[user_id]["callback_id"] == CoffeeView.PROFILE
    new_library = "Malax kommunbibliotek"
    # Everyone has looked the name up (and not found it) before anyone stores it.
    barrier = StatementBarrier(app.deps.engine, "INSERT INTO libraries", len(people))
    try:
        resps = await asyncio.gather(
            *(
                app.sender.view_submission(u, modals[u], _profile_values(new_library))
                for u in people
            )
        )
        await app.settle()
    finally:
        barrier.remove()
    assert barrier.arrived == len(people)
    assert all(r.status == 200 and not r.text for r in resps), [r.text for r in resps]
    await app.settle()

    assert await _rows(app, Library, Library.name_sv == new_library) == 1
    async with app.deps.db() as session:
        library_id = await session.scalar(select(Library.id).where(Library.name_sv == new_library))
        members = {
            m.user_id: m
            for m in await session.scalars(select(Member).where(Member.user_id.in_(people)))
        }
    lost = [
        u
        for u in people
        if (members[u].library_id, members[u].chat_languages, members[u].locale_pref)
        != (library_id, "sv,fi", "fi")
    ]
    assert lost == []
    saved = fragment("fi", "✅ Your Fika profile is saved.")
    assert all(saved in all_text(app.fake.dm_messages(u)[-1]) for u in people)
    assert generic_errors(app) == 0


async def test_fika_start_twenty_times_at_once(running_app: RunningApp) -> None:
    """Finding 4: `/fika start` ×20 in one channel: one program, one channel note, one "Done!",
    and 19 "is already a coffee-break program" (ADMIN's Slack is Swedish)."""
    app = running_app
    await coffee_workspace(app)
    resps = await at_once(
        N, lambda: app.sender.command("/fika", "start", user_id=ADMIN, channel_id=CHANNEL)
    )
    said = await answers(app, resps)
    assert await _rows(app, CoffeeProgram) == 1
    done = fragment(
        "sv",
        "Done! {channel} is a coffee-break program: {schedule}, {size}. First round: {when}. "
        "Change it with `/fika schedule` and `/fika size`.",
    )
    already = fragment(
        "sv", "{channel} is already a coffee-break program: {schedule}, {size}. Next round: {when}."
    )
    assert (count(said, done), count(said, already)) == (1, N - 1), said
    bot_notes = [m for m in app.fake.messages(CHANNEL) if m.get("user") == app.fake.bot_user_id]
    assert len(bot_notes) == 1
    assert generic_errors(app) == 0


async def test_fika_start_again_at_once_after_a_stop(running_app: RunningApp) -> None:
    """A stopped program restarted ×20 at once is restarted (and announced) once."""
    app = running_app
    await coffee_workspace(app)
    await start_program(app)
    await app.sender.command("/fika", "stop", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    notes_before = len(app.fake.messages(CHANNEL))
    resps = await at_once(
        N, lambda: app.sender.command("/fika", "start", user_id=ADMIN, channel_id=CHANNEL)
    )
    said = await answers(app, resps)
    already = fragment(
        "sv", "{channel} is already a coffee-break program: {schedule}, {size}. Next round: {when}."
    )
    assert count(said, already) == N - 1, said
    assert len(app.fake.messages(CHANNEL)) == notes_before + 1
    assert generic_errors(app) == 0


async def test_fika_join_twenty_times_at_once(running_app: RunningApp) -> None:
    """Finding 4: `/fika join` ×20 by someone with no row yet: one row, one "You're in!" and
    19 "you are already in" — in Finnish, Aino's language."""
    app = running_app
    await coffee_workspace(app)
    await start_program(app)
    resps = await at_once(N, lambda: app.sender.command("/fika", "join", user_id=AINO))
    said = await answers(app, resps)
    assert await _rows(app, CoffeeParticipant, CoffeeParticipant.user_id == AINO) == 1
    joined = fragment("fi", "You're in! Next round in {channel}: {when}.")
    already = fragment("fi", "You are already taking part in {channel}. Next round: {when}.")
    assert (count(said, joined), count(said, already)) == (1, N - 1), said
    assert generic_errors(app) == 0


async def test_home_join_double_click(running_app: RunningApp) -> None:
    """Finding 4: a double click on the Home's "Join": joined once, both clicks answered on the
    Home (the second: already in), nobody told it failed."""
    app = running_app
    await coffee_workspace(app)
    await start_program(app)
    async with app.deps.db() as session:
        program_id = await session.scalar(select(CoffeeProgram.id))
    before = len(app.fake.calls_to("views.publish"))
    clicks = await asyncio.gather(
        *(
            app.sender.block_action(
                OUTSIDER,
                HomeAction.JOIN,
                str(program_id),
                view={"type": "home", "id": "VHOME", "blocks": [], "private_metadata": ""},
            )
            for _ in range(2)
        )
    )
    assert [c.status for c in clicks] == [200, 200]
    await app.settle()
    assert await _rows(app, CoffeeParticipant, CoffeeParticipant.user_id == OUTSIDER) == 1
    homes = [
        all_text(c.args.get("view"))
        for c in app.fake.calls_to("views.publish")[before:]
        if c.args.get("user_id") == OUTSIDER
    ]
    joined = fragment("sv", "You're in! Next round in {channel}: {when}.")
    already = fragment("sv", "You are already taking part in {channel}. Next round: {when}.")
    assert (count(homes, joined), count(homes, already)) == (1, 1), homes
    assert generic_errors(app) == 0


async def test_fika_pause_at_once_for_someone_without_a_row(running_app: RunningApp) -> None:
    """Finding 4: `/fika pause` ×20 by someone in the channel who never joined (no row): one row,
    paused, and every request answered "enjoy your break"."""
    app = running_app
    await coffee_workspace(app)
    await start_program(app)
    resps = await at_once(N, lambda: app.sender.command("/fika", "pause 2 weeks", user_id=AINO))
    said = await answers(app, resps)
    async with app.deps.db() as session:
        rows = list(
            await session.scalars(
                select(CoffeeParticipant).where(CoffeeParticipant.user_id == AINO)
            )
        )
    assert [r.status for r in rows] == ["paused"]
    enjoy = fragment("fi", "Enjoy your break! You are paired again from {day} on.")
    assert count(said, enjoy) == N, said
    assert generic_errors(app) == 0


async def test_tips_setup_review_twenty_times_at_once(running_app: RunningApp) -> None:
    """Finding 9: `/tips setup review` ×20 at once: the setting stored once, one announcement in
    the channel, and every request answered "Done" (ADMIN's Slack is English)."""
    app = running_app
    tips_workspace(app)
    resps = await at_once(
        N, lambda: app.sender.command("/tips", "setup review", user_id=ADMIN, channel_id=REVIEW)
    )
    said = await answers(app, resps)
    async with app.deps.db() as session:
        settings = await session.get(TipsSettings, TEAM_ID)
    assert settings is not None and settings.review_channel == REVIEW
    announcements = [m for m in app.fake.messages(REVIEW) if m.get("user") == app.fake.bot_user_id]
    assert len(announcements) == 1, [m.get("text") for m in announcements]
    assert count(said, "Done: tips now come to") == N, said
    assert generic_errors(app) == 0


async def test_tips_setup_digest_twenty_times_at_once(running_app: RunningApp) -> None:
    """Finding 9, the digest: ×20 the same slot announces once; another slot is announced."""
    app = running_app
    tips_workspace(app)

    def setup(text: str) -> Any:
        return lambda: app.sender.command("/tips", text, user_id=ADMIN, channel_id=DIGEST)

    said = await answers(app, await at_once(N, setup("setup digest friday 10:00")))
    assert count(said, "Done: the weekly digest of approved tips will be posted in") == N, said
    notes = [m for m in app.fake.messages(DIGEST) if m.get("user") == app.fake.bot_user_id]
    assert len(notes) == 1
    said = await answers(app, await at_once(2, setup("setup digest monday 9:00")))
    notes = [m for m in app.fake.messages(DIGEST) if m.get("user") == app.fake.bot_user_id]
    assert len(notes) == 2
    assert generic_errors(app) == 0


async def test_admins_adding_the_same_library_at_once(deps: Deps) -> None:
    """Two admins add the same library at the same moment (both looked before either stored
    it): one adds it, the other updates it; no IntegrityError."""
    barrier = StatementBarrier(deps.engine, "INSERT INTO libraries", 2)

    async def add(municipality: str) -> bool:
        async with deps.db.begin() as session:
            _, new = await add_library(
                session, TEAM_ID, "Närpes stadsbibliotek", "Närpiön kirjasto", municipality
            )
            return new

    try:
        results = await asyncio.gather(add("Närpes"), add("Närpiö"))
    finally:
        barrier.remove()
    assert barrier.arrived == 2
    assert sorted(results) == [False, True]
    async with deps.db() as session:
        rows = list(await session.scalars(select(Library)))
    assert [(r.name_sv, r.curated) for r in rows] == [("Närpes stadsbibliotek", True)]
