"""The round domain against the database: one claim per period, history, answers, stats."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from bot.coffee import round_store as rounds_db
from bot.coffee.models import (
    CoffeeGroup,
    CoffeeGroupMember,
    CoffeeParticipant,
    CoffeeProgram,
    CoffeeRound,
)
from bot.coffee.pairing import Fairness
from bot.coffee.participants import PAUSED, end_finished_pauses, set_paused
from bot.coffee.programs import start_program
from bot.coffee.round_store import MET, NOT_MET, PoolPerson, create_round, pair_history
from bot.coffee.stats import coffee_stats
from bot.people.models import Library
from bot.platform.deps import Deps
from tests.conftest import TEAM_ID

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def person(
    user_id: str, library: int | None, lang: str = "sv", name: str | None = None
) -> PoolPerson:
    return PoolPerson(
        user_id=user_id,
        library_id=None,
        library_name=name or (f"Bibliotek {library}" if library is not None else None),
        library_name_fi=None,
        languages=frozenset({lang}),
        locale=lang,
    )


async def _program(deps: Deps, size: int = 2) -> CoffeeProgram:
    async with deps.db.begin() as session:
        program, _ = await start_program(
            session, TEAM_ID, "CFIKA", "UADMIN", "Europe/Helsinki", NOW
        )
        program.group_size = size
    return program


async def _round(
    deps: Deps,
    program: CoffeeProgram,
    period: str,
    pool: list[PoolPerson],
    seed: int,
    when: datetime = NOW,
) -> int:
    async with deps.db.begin() as session:
        round_ = await create_round(
            session,
            program,
            period=period,
            scheduled_for=when,
            seed=seed,
            trigger="schedule",
            pool=pool,
            now=when,
        )
        return round_.id


async def _groups(deps: Deps, round_id: int) -> list[CoffeeGroup]:
    async with deps.db() as session:
        return await rounds_db.round_groups(session, round_id)


async def test_a_period_is_claimed_once(deps: Deps) -> None:
    program = await _program(deps)
    pool = [person(f"U{i}", i % 3) for i in range(5)]
    first = await _round(deps, program, "2026-W49", pool, seed=1)
    with pytest.raises(IntegrityError):
        await _round(deps, program, "2026-W49", pool, seed=2)
    async with deps.db() as session:
        assert await session.scalar(select(func.count()).select_from(CoffeeRound)) == 1
        assert await session.scalar(select(func.count()).select_from(CoffeeGroup)) == 2
        participants = await session.scalar(select(func.count()).select_from(CoffeeParticipant))
    assert participants == 5
    groups = await _groups(deps, first)
    assert sorted(len(g.members) for g in groups) == [2, 3]
    assert all(g.proposer_user_id == g.members[0].user_id for g in groups)
    assert all(g.starter_key for g in groups)


async def test_same_seed_same_groups(deps: Deps) -> None:
    program = await _program(deps)
    pool = [person(f"U{i}", i % 4) for i in range(12)]

    def as_sets(groups: list[CoffeeGroup]) -> list[list[str]]:
        return sorted(sorted(m.user_id for m in g.members) for g in groups)

    async with deps.db.begin() as session:
        twin, _ = await start_program(session, TEAM_ID, "CTWIN", "UADMIN", "Europe/Helsinki", NOW)
    first = as_sets(await _groups(deps, await _round(deps, program, "2026-W49", pool, seed=7)))
    again = await _round(deps, twin, "2026-W49", list(reversed(pool)), seed=7)
    assert first == as_sets(await _groups(deps, again))  # same pool, history and seed


async def test_one_person_alone_is_a_solo_group(deps: Deps) -> None:
    program = await _program(deps)
    round_id = await _round(deps, program, "2026-W49", [person("U1", 1)], seed=1)
    [group] = await _groups(deps, round_id)
    assert group.kind == "solo" and group.proposer_user_id is None
    nobody = await _round(deps, program, "2026-W50", [], seed=1)
    async with deps.db() as session:
        round_ = await session.get(CoffeeRound, nobody)
    assert round_ is not None and round_.status == "done"


async def test_ten_people_meet_someone_new_every_round(deps: Deps) -> None:
    """Nobody repeats a partner while an unmet colleague is available (10 people, 9 rounds)."""
    program = await _program(deps)
    pool = [person(f"U{i:02d}", i % 5) for i in range(10)]
    met: dict[str, set[str]] = {p.user_id: set() for p in pool}
    start = NOW
    for week in range(9):
        when = start + timedelta(weeks=week)
        round_id = await _round(deps, program, f"2026-R{week}", pool, seed=100 + week, when=when)
        for group in await _groups(deps, round_id):
            a, b = (m.user_id for m in group.members)
            assert b not in met[a], f"round {week + 1}: {a} and {b} meet again"
            met[a].add(b)
            met[b].add(a)
    assert all(len(partners) == 9 for partners in met.values())


async def test_history_counts_rounds_ago(deps: Deps) -> None:
    program = await _program(deps)
    pool = [person("UA", 1), person("UB", 2)]
    await _round(deps, program, "2026-W49", pool, seed=1, when=NOW)
    await _round(
        deps,
        program,
        "2026-W50",
        [person("UC", 1), person("UD", 2)],
        seed=1,
        when=NOW + timedelta(weeks=1),
    )
    async with deps.db() as session:
        history = await pair_history(session, program.id)
    assert history == {frozenset({"UA", "UB"}): 2, frozenset({"UC", "UD"}): 1}


async def test_the_first_answer_counts_even_when_clicks_race(deps: Deps) -> None:
    program = await _program(deps)
    round_id = await _round(deps, program, "2026-W49", [person("UA", 1), person("UB", 2)], seed=1)
    [group] = await _groups(deps, round_id)

    async def click(user_id: str, outcome: str) -> bool:
        async with deps.db.begin() as session:
            return await rounds_db.record_answer(session, group.id, user_id, outcome, NOW)

    results = await asyncio.gather(click("UA", MET), click("UB", NOT_MET))
    assert sorted(results) == [False, True]
    async with deps.db() as session:
        stored = await rounds_db.get_group(session, group.id)
    assert stored is not None
    winner = "UA" if results[0] else "UB"
    assert stored.answered_by == winner and stored.outcome == (MET if winner == "UA" else NOT_MET)


async def test_finished_pauses_are_stored_as_active(deps: Deps) -> None:
    program = await _program(deps)
    async with deps.db.begin() as session:
        await set_paused(session, program, "UA", date(2026, 12, 14), NOW)
        await set_paused(session, program, "UB", date(2026, 12, 21), NOW)
    async with deps.db.begin() as session:
        assert await end_finished_pauses(session, date(2026, 12, 14), NOW) == 1
    async with deps.db() as session:
        rows = {p.user_id: p.status for p in await session.scalars(select(CoffeeParticipant))}
    assert rows == {"UA": "active", "UB": PAUSED}


async def _stored_round(
    deps: Deps,
    program: CoffeeProgram,
    period: str,
    when: datetime,
    groups: list[tuple[list[PoolPerson], str | None, str]],
) -> None:
    """A round with the given groups: (people, outcome, kind-or-"failed")."""
    async with deps.db.begin() as session:
        round_ = CoffeeRound(
            team_id=TEAM_ID,
            program_id=program.id,
            period=period,
            scheduled_for=when,
            seed=1,
            status="done",
        )
        session.add(round_)
        await session.flush()
        for position, (people, outcome, kind) in enumerate(groups):
            group = CoffeeGroup(
                team_id=TEAM_ID,
                round_id=round_.id,
                position=position,
                kind="solo" if kind == "solo" else "group",
                outcome=outcome,
                failed_at=when if kind == "failed" else None,
            )
            session.add(group)
            await session.flush()
            for p in people:
                session.add(
                    CoffeeGroupMember(
                        team_id=TEAM_ID,
                        group_id=group.id,
                        round_id=round_.id,
                        user_id=p.user_id,
                        library_name=p.library_name,
                        locale="sv",
                    )
                )


async def test_stats_figures(deps: Deps) -> None:
    program = await _program(deps)
    ua, ub, uc = person("UA", 1), person("UB", 2), person("UC", None, name="Malax")
    ud, ue, uf = person("UD", None, name="malax"), person("UE", None, name=None), person("UF", 3)
    march2 = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    await _stored_round(
        deps,
        program,
        "2026-W10",
        march2,
        [([ua, ub], MET, "group"), ([uc, ud], None, "group"), ([uf], None, "solo")],
    )
    await _stored_round(
        deps,
        program,
        "2026-W11",
        march2 + timedelta(weeks=1),
        [
            ([ua, uc, uf], MET, "group"),
            ([ub, ue], NOT_MET, "group"),
            ([ud, person("UG", 4)], None, "failed"),
        ],
    )
    await _stored_round(
        deps,
        program,
        "2025-W50",
        datetime(2025, 12, 8, 7, 0, tzinfo=UTC),
        [([ua, ub], MET, "group")],
    )
    # A round on 31 December at 23:30 Helsinki time is still in 2026 (21:30 UTC).
    await _stored_round(
        deps,
        program,
        "2026-W53",
        datetime(2026, 12, 31, 21, 30, tzinfo=UTC),
        [([ub, uf], MET, "group")],
    )
    async with deps.db() as session:
        stats = await coffee_stats(
            session, TEAM_ID, date(2026, 1, 1), date(2026, 12, 31), "Europe/Helsinki"
        )
    assert stats.rounds == 3
    assert stats.participants == 6
    assert stats.groups == 5  # solo and failed groups are not counted
    assert (stats.answered, stats.met) == (4, 3)
    # UA+UB, UA+UC+UF, UB+UF; not Malax+malax (same), not UB+UE (unknown library).
    assert stats.cross_library == 3
    assert stats.library_pairs == [
        ("Bibliotek 1", "Bibliotek 2"),
        ("Bibliotek 1", "Bibliotek 3"),
        ("Bibliotek 1", "Malax"),
        ("Bibliotek 2", "Bibliotek 3"),
        ("Bibliotek 3", "Malax"),
    ]
    assert [(r.day, r.groups, r.met) for r in stats.per_round] == [
        (date(2026, 3, 2), 2, 1),
        (date(2026, 3, 9), 2, 1),
        (date(2026, 12, 31), 1, 1),
    ]


async def test_pairing_sees_last_round_as_one_round_ago(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round being paired is already claimed; it must not count as the latest round."""
    program = await _program(deps)
    pool = [person("UA", 1), person("UB", 2)]
    await _round(deps, program, "2026-W49", pool, seed=1, when=NOW)
    seen: list[dict[frozenset[str], int]] = []
    real = rounds_db.make_groups

    def spy(
        candidates: Any, history: Any, group_size: int, seed: int, fairness: Any = None
    ) -> list[list[str]]:
        seen.append(dict(history))
        return real(candidates, history, group_size, seed, fairness)

    monkeypatch.setattr(rounds_db, "make_groups", spy)
    await _round(deps, program, "2026-W50", pool, seed=1, when=NOW + timedelta(weeks=1))
    assert seen == [{frozenset({"UA", "UB"}): 1}]


async def test_a_year_of_history_loads_in_one_indexed_statement(deps: Deps) -> None:
    """Issue 15: the pairing remembers a year (52 rounds), with the fairness counts, read in
    one statement that the index on coffee_rounds(program_id, scheduled_for, id) serves."""
    program = await _program(deps)
    latest = NOW + timedelta(weeks=14)
    async with deps.db.begin() as session:
        one, two = Library(team_id=TEAM_ID, name_sv="Ett"), Library(team_id=TEAM_ID, name_sv="Två")
        session.add_all([one, two])
        await session.flush()
        library = {"UA": one.id, "UB": one.id, "UC": two.id, "UD": two.id, "UE": None}

        async def stored_round(when: datetime, groups: list[tuple[str, list[str]]]) -> None:
            round_ = CoffeeRound(
                team_id=TEAM_ID,
                program_id=program.id,
                period=when.strftime("%G-W%V"),
                scheduled_for=when,
                seed=1,
                status="done",
                trigger="schedule",
                pool_size=5,
                created_at=when,
            )
            session.add(round_)
            await session.flush()
            for position, (kind, users) in enumerate(groups):
                failed = kind == "failed"
                group = CoffeeGroup(
                    team_id=TEAM_ID,
                    round_id=round_.id,
                    position=position,
                    kind=rounds_db.GROUP if failed else kind,
                    failed_at=when if failed else None,
                )
                session.add(group)
                await session.flush()
                for user_id in users:
                    session.add(
                        CoffeeGroupMember(
                            team_id=TEAM_ID,
                            group_id=group.id,
                            round_id=round_.id,
                            user_id=user_id,
                            library_id=library[user_id],
                            locale="sv",
                        )
                    )
            await session.flush()

        await stored_round(latest - timedelta(days=400), [("group", ["UC", "UD"])])
        for week in range(12):
            await stored_round(NOW + timedelta(weeks=week), [("group", ["UA", "UE"])])
        await stored_round(NOW + timedelta(weeks=12), [])  # nobody joined: still a round
        await stored_round(
            NOW + timedelta(weeks=13),
            [("group", ["UA", "UD"]), ("failed", ["UB", "UE"]), ("solo", ["UC"])],
        )
        await stored_round(latest, [("group", ["UA", "UB", "UC"]), ("group", ["UD", "UE"])])

    statements: list[tuple[str, Any]] = []

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    sync_engine = deps.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", count)
    try:
        async with deps.db() as session:
            history, fairness = await rounds_db.load_history(
                session, program.id, until=latest + timedelta(weeks=1)
            )
        assert len(statements) == 1
        async with deps.db() as session:
            everything, _ = await rounds_db.load_history(session, program.id)
            two_rounds, _ = await rounds_db.load_history(session, program.id, horizon=2)
    finally:
        event.remove(sync_engine, "before_cursor_execute", count)

    pair = frozenset
    assert history == {
        pair({"UA", "UB"}): 1,
        pair({"UA", "UC"}): 1,
        pair({"UB", "UC"}): 1,
        pair({"UD", "UE"}): 1,
        pair({"UA", "UD"}): 2,  # the failed group and the one alone count for nothing
        pair({"UA", "UE"}): 4,  # the empty round keeps its place
    }
    assert fairness == {
        "UA": Fairness(larger_group_seats=1, same_library_pairings=1),
        "UB": Fairness(1, 1),
        "UC": Fairness(1, 0),
    }
    assert everything == {**history, pair({"UC", "UD"}): 16}  # older than a year: only by count
    assert two_rounds == {p: ago for p, ago in history.items() if ago <= 2}

    if deps.engine.dialect.name == "sqlite":
        statement, parameters = statements[0]
        async with deps.engine.connect() as conn:
            plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)).all()
        assert "ix_coffee_rounds_program_scheduled" in " ".join(str(row[-1]) for row in plan), plan
