"""Issue 15: a year of memory, fair odd seats and same-library pairings, groups as good as pairs.

Pure and deterministic: no database, no clock (see tests/coffee/test_coffee_rounds_db.py for loading
the history).
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Sequence

import pytest

from bot.coffee.pairing import (
    FAIRNESS_CAP,
    MEMORY_HORIZON,
    REPEAT_HORIZON,
    W_FAIR,
    W_MET_BEFORE,
    W_NO_COMMON_LANGUAGE,
    W_RECENCY,
    W_REPEAT,
    W_SAME_LIBRARY,
    Candidate,
    Fairness,
    Member,
    _final_swaps,
    _Model,
    _pass_on_seats,
    _State,
    make_groups,
    remember,
    repeat_penalty,
    score_groups,
)

History = dict[frozenset[str], int]
BOTH = frozenset({"sv", "fi"})


def person(user_id: str, library: str | None, *languages: str) -> Candidate:
    return Candidate(user_id, library, frozenset(languages))


def as_round(groups: Sequence[Sequence[str]], library: dict[str, str | None]) -> list[list[Member]]:
    return [[(user_id, library[user_id]) for user_id in group] for group in groups]


def pair_set(groups: Sequence[Sequence[str]]) -> set[frozenset[str]]:
    return {frozenset(sorted(group)) for group in groups}


# --- tiers -----------------------------------------------------------------------------------


def test_each_tier_outweighs_everything_below_it_in_a_group_of_seven() -> None:
    pairs, people = 21, 7
    fair = pairs * 2 * FAIRNESS_CAP * W_FAIR + people * FAIRNESS_CAP * W_FAIR
    met_before = repeat_penalty(REPEAT_HORIZON + 1)  # the dearest old meeting
    assert met_before == 4 * W_MET_BEFORE and repeat_penalty(MEMORY_HORIZON) == W_MET_BEFORE
    assert fair < W_MET_BEFORE
    assert pairs * met_before + fair < W_SAME_LIBRARY
    below_recency = pairs * (W_SAME_LIBRARY + met_before) + fair
    assert below_recency < W_RECENCY
    assert pairs * REPEAT_HORIZON * W_RECENCY + below_recency < W_REPEAT
    assert pairs * repeat_penalty(1) + below_recency < W_NO_COMMON_LANGUAGE


def two_libraries() -> list[Candidate]:
    return [
        person("A1", "Åbo", "fi"),
        person("A2", "Åbo", "fi"),
        person("B1", "Borgå", "fi"),
        person("B2", "Borgå", "fi"),
    ]


@pytest.mark.parametrize("seed", range(4))
def test_an_old_meeting_costs_less_than_a_same_library_pairing(seed: int) -> None:
    """Every cross-library pair met 20 rounds ago: they meet again rather than colleagues."""
    old: History = dict.fromkeys(
        (frozenset(p) for p in (("A1", "B1"), ("A2", "B2"), ("A1", "B2"), ("A2", "B1"))), 20
    )
    groups = make_groups(two_libraries(), old, 2, seed)
    assert all({g[0][0], g[1][0]} == {"A", "B"} for g in groups), groups
    assert score_groups(groups, two_libraries(), old).met_before_pairs == 2


@pytest.mark.parametrize("seed", range(4))
def test_a_recent_repeat_costs_more_than_a_same_library_pairing(seed: int) -> None:
    recent: History = dict.fromkeys(
        (frozenset(p) for p in (("A1", "B1"), ("A2", "B2"), ("A1", "B2"), ("A2", "B1"))),
        REPEAT_HORIZON,
    )
    groups = make_groups(two_libraries(), recent, 2, seed)
    assert pair_set(groups) == {frozenset({"A1", "A2"}), frozenset({"B1", "B2"})}


@pytest.mark.parametrize("seed", range(4))
def test_beyond_the_repeat_horizon_never_met_beats_met_and_older_beats_newer(seed: int) -> None:
    """Met 13..52 rounds ago still counts (it used to cost nothing after 12 rounds)."""
    pool = two_libraries()
    history: History = {frozenset({"A1", "B1"}): 20, frozenset({"A2", "B2"}): 20}
    groups = make_groups(pool, history, 2, seed)
    assert pair_set(groups) == {frozenset({"A1", "B2"}), frozenset({"A2", "B1"})}
    history = {
        frozenset({"A1", "B1"}): REPEAT_HORIZON + 1,
        frozenset({"A2", "B2"}): REPEAT_HORIZON + 1,
        frozenset({"A1", "B2"}): MEMORY_HORIZON,
        frozenset({"A2", "B1"}): MEMORY_HORIZON,
    }
    groups = make_groups(pool, history, 2, seed)
    assert pair_set(groups) == {frozenset({"A1", "B2"}), frozenset({"A2", "B1"})}
    # A meeting beyond the memory is forgotten.
    history = {frozenset({"A1", "B1"}): MEMORY_HORIZON + 1, frozenset({"A2", "B2"}): 20}
    groups = make_groups(pool, history, 2, seed)
    assert frozenset({"A2", "B2"}) not in pair_set(groups)
    assert score_groups(groups, pool, history).met_before_pairs == 0


# --- remembering past rounds ---------------------------------------------------------------


def test_remember_gives_rounds_ago_and_fairness_counts() -> None:
    newest_first = [
        [[("A", "x"), ("B", "y"), ("C", "x")], [("D", "y"), ("E", "z")]],  # A, B, C in a trio
        [[("A", "x"), ("D", "y")], [("B", "y"), ("E", None)], [("C", None)]],  # C alone
        [[("A", "x"), ("B", "y")], [("D", None), ("E", None)]],
    ]
    history, fairness = remember(newest_first)
    assert history == {
        frozenset("AB"): 1,  # the latest meeting counts
        frozenset("AC"): 1,
        frozenset("BC"): 1,
        frozenset("DE"): 1,
        frozenset("AD"): 2,
        frozenset("BE"): 2,
    }
    assert fairness["A"] == Fairness(larger_group_seats=1, same_library_pairings=1)
    assert fairness["C"] == Fairness(1, 1)
    assert fairness["B"] == Fairness(1, 0)
    assert "E" not in fairness and "D" not in fairness  # unknown libraries never match
    assert remember([[]] * 2 + newest_first)[0][frozenset("AB")] == 3  # an empty round counts
    assert remember([newest_first[0]] * (MEMORY_HORIZON + 5))[1]["A"] == Fairness(
        MEMORY_HORIZON, MEMORY_HORIZON
    )


# --- fairness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_the_odd_seat_moves_between_rounds(seed: int) -> None:
    """Nine people who can all meet (every grouping costs the same), three rounds of pairs:
    each round's trio is three people who were in no trio yet, so all nine get one."""
    pool = [
        Candidate(f"U{i}", f"lib{i}", BOTH | ({"en"} if i % 3 == 0 else set())) for i in range(9)
    ]
    library = {c.user_id: c.library for c in pool}
    past: list[list[list[Member]]] = []
    seats: Counter[str] = Counter()
    for week in range(3):
        history, fairness = remember(past)
        groups = make_groups(pool, history, 2, seed * 100 + week, fairness=fairness)
        [trio] = [g for g in groups if len(g) == 3]
        assert not any(seats[u] for u in trio), (week, trio, seats)
        seats.update(trio)
        assert score_groups(groups, pool, history).repeat_pairs == 0
        past.insert(0, as_round(groups, library))
    assert sorted(seats.values()) == [1] * 9


def test_the_odd_seat_does_not_follow_languages_or_ids() -> None:
    """Seven people, every grouping equally good: over 280 seeds each person sits in the trio
    about 3/7 of the time (120), whatever their languages. The
    old greedy put two of the three trilingual people in it nearly always."""
    pool = [Candidate(f"U{i}", f"lib{i}", BOTH | ({"en"} if i % 2 else set())) for i in range(7)]
    seats: Counter[str] = Counter()
    for seed in range(280):
        [trio] = [g for g in make_groups(pool, {}, 2, seed) if len(g) == 3]
        seats.update(trio)
    assert all(85 <= seats[c.user_id] <= 155 for c in pool), seats


@pytest.mark.parametrize("seed", range(6))
def test_same_library_pairings_go_round(seed: int) -> None:
    """Four people of Åbo and two of Borgå in pairs: one Åbo–Åbo pair is unavoidable. In the
    second round it falls on the two who had no colleague as partner in the first."""
    pool = [person(f"A{i}", "Åbo", "fi") for i in range(4)]
    pool += [person("B0", "Borgå", "fi"), person("B1", "Borgå", "fi")]
    library = {c.user_id: c.library for c in pool}
    first = make_groups(pool, {}, 2, seed)
    [colleagues] = [set(g) for g in first if {u[0] for u in g} == {"A"}]
    history, fairness = remember([as_round(first, library)])
    assert {u for u, f in fairness.items() if f.same_library_pairings} == colleagues
    second = make_groups(pool, history, 2, seed + 1, fairness=fairness)
    [again] = [set(g) for g in second if {u[0] for u in g} == {"A"}]
    assert again == {f"A{i}" for i in range(4)} - colleagues
    assert score_groups(second, pool, history, fairness).repeat_pairs == 0


def test_fairness_costs_are_counted_by_score_groups() -> None:
    pool = [person("A0", "Åbo", "fi"), person("A1", "Åbo", "fi"), person("B0", "Borgå", "fi")]
    fairness = {"A0": Fairness(2, 3), "B0": Fairness(FAIRNESS_CAP + 5, 0)}
    plain = score_groups([["A0", "A1"]], pool[:2], {}).total_score
    assert plain == W_SAME_LIBRARY
    assert score_groups([["A0", "A1"]], pool[:2], {}, fairness).total_score == plain + 3 * W_FAIR
    # Seats count only in a group larger than the others.
    five = [*pool, person("C0", "Close", "fi"), person("D0", "Dal", "fi")]
    groups = [["A0", "A1", "B0"], ["C0", "D0"]]
    seats = (2 + 0 + FAIRNESS_CAP) * W_FAIR
    assert (
        score_groups(groups, five, {}, fairness).total_score
        == score_groups(groups, five, {}).total_score + 3 * W_FAIR + seats
    )


# --- determinism --------------------------------------------------------------------------------


def test_shuffled_input_changes_nothing() -> None:
    rng = random.Random(15)
    pool = [
        Candidate(
            f"U{k:03d}",
            rng.choice(["a", "b", "c", "d", None]),
            frozenset(rng.choice([("fi",), ("sv",), ("sv", "fi"), ("fi", "en")])),
        )
        for k in range(41)
    ]
    history: History = {}
    fairness: dict[str, Fairness] = {}
    for week in range(5):
        groups = make_groups(pool, history, 3, week, fairness=fairness)
        history = {pair: ago + 1 for pair, ago in history.items()}
        history.update({frozenset(p): 1 for g in groups for p in itertools.combinations(g, 2)})
        fairness = {
            u: Fairness(rng.randrange(3), rng.randrange(3))
            for u in rng.sample([c.user_id for c in pool], 10)
        }
    expected = make_groups(pool, history, 3, 99, fairness=fairness)
    shuffled = list(pool)
    rng.shuffle(shuffled)
    again = make_groups(
        shuffled,
        dict(reversed(list(history.items()))),
        3,
        99,
        fairness=dict(reversed(fairness.items())),
    )
    assert again == expected


# --- the final swap pass -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 4])
def test_the_final_pass_removes_a_repeat_one_swap_can(size: int) -> None:
    """A large-pool state (sampled search) with one group holding a pair who met last round;
    one particular exchange fixes it. The final pass tries every partner, so it finds it."""
    groups = [[f"G{g}-{k}" for k in range(size)] for g in range(60)]
    pool = [Candidate(u, f"lib-{u}", BOTH) for group in groups for u in group]
    history: History = {frozenset({"G0-0", "G0-1"}): 1}
    # G0-0 met everyone else recently but G37-2; G0-1 everyone but the people of group 37.
    # So only G0-1 and G37-2 changing places fixes it.
    for group in groups[1:]:
        for u in group:
            if u != "G37-2":
                history[frozenset({u, "G0-0"})] = 2
            if not u.startswith("G37-"):
                history[frozenset({u, "G0-1"})] = 3
    model = _Model(pool, history, None, random.Random(1))
    index = {u: i for i, u in enumerate(model.user_ids)}
    state = _State(model, [[index[u] for u in g] for g in groups], random.Random(1), False)
    before = score_groups(groups, pool, history)
    assert before.repeat_pairs == 1
    _final_swaps(state, W_REPEAT, 10**9)
    after_groups = [[model.user_ids[i] for i in g] for g in state.groups]
    after = score_groups(after_groups, pool, history)
    assert after.repeat_pairs == 0 and after.total_score == state.total == 0
    moved = {frozenset(g) for g in after_groups} - {frozenset(g) for g in groups}
    assert moved == {
        frozenset({"G0-0", "G37-2", *(f"G0-{k}" for k in range(2, size))}),
        frozenset({"G0-1", *(f"G37-{k}" for k in range(size) if k != 2)}),
    }


@pytest.mark.parametrize("size", [2, 3])
def test_a_costly_larger_group_passes_its_seat_on_through_two_groups(size: int) -> None:
    """A large-pool state whose one larger group holds two English-only people who met before
    (with English and Swedish speakers). Neither can swap or move anywhere without a group
    losing its common language, so the final swap pass leaves it; the fix is one of them
    taking the place of the Finnish-only member of a group of English and Finnish speakers,
    who joins a Finnish-only group, which becomes the larger one."""
    english = [
        Candidate("E1", "lib-E1", frozenset({"en"})),
        Candidate("E2", "lib-E2", frozenset({"en"})),
    ]
    english += [Candidate(f"S{k}", f"lib-S{k}", frozenset({"en", "sv"})) for k in range(size - 1)]
    mixed = [
        [Candidate(f"X{g}-{k}", f"lib-X{g}-{k}", frozenset({"en", "fi"})) for k in range(size - 1)]
        + [Candidate(f"F{g}", f"lib-F{g}", frozenset({"fi"}))]
        for g in range(40)
    ]
    finnish = [
        [Candidate(f"Y{g}-{k}", f"lib-Y{g}-{k}", frozenset({"fi"})) for k in range(size)]
        for g in range(40)
    ]
    start = [english, *mixed, *finnish]
    pool = [c for group in start for c in group]
    history: History = {frozenset({"E1", "E2"}): REPEAT_HORIZON + 8}
    model = _Model(pool, history, None, random.Random(3))
    index = {u: i for i, u in enumerate(model.user_ids)}
    groups = [[index[c.user_id] for c in group] for group in start]
    state = _State(model, groups, random.Random(3), False)
    assert state.total == repeat_penalty(REPEAT_HORIZON + 8) > 0
    _final_swaps(state, W_REPEAT, 10**9)
    _final_swaps(state, W_MET_BEFORE, 10**9)
    assert state.total == repeat_penalty(REPEAT_HORIZON + 8), "no single swap or move helps"

    _pass_on_seats(state, 10**9)
    after = [[model.user_ids[i] for i in group] for group in state.groups]
    quality = score_groups(after, pool, history)
    assert quality.total_score == state.total == 0
    assert sorted(map(len, after)) == sorted(map(len, start))
    before = {frozenset(c.user_id for c in group) for group in start}
    changed = [set(g) for g in after if frozenset(g) not in before]
    assert len(changed) == 3, "three groups: the larger one, p's new group, q's new group"
    [kept] = [g for g in changed if g < {c.user_id for c in english}]
    [moved] = [g for g in changed if g & {"E1", "E2"} and g != kept]
    [bigger] = [g for g in changed if len(g) == size + 1]
    assert kept < {c.user_id for c in english} and len(kept & {"E1", "E2"}) == 1
    assert len(moved & {"E1", "E2"}) == 1 and {u[0] for u in moved} == {"E", "X"}
    assert len(bigger) == size + 1 and sum(u.startswith("F") for u in bigger) >= 1


@pytest.mark.parametrize("size", [3, 4])
def test_large_pools_in_groups_keep_no_language_problem_one_swap_removes(size: int) -> None:
    """300 people (the sampled path): Finnish-only and Swedish-only staff with a few bilingual
    ones, a year of history from earlier rounds; every round's groups share a language."""
    rng = random.Random(size)
    pool = [
        Candidate(
            f"U{k:03d}",
            f"lib{rng.randrange(13)}",
            frozenset(rng.choices([("fi",), ("sv",), ("sv", "fi")], [60, 15, 25])[0]),
        )
        for k in range(300)
    ]
    library = {c.user_id: c.library for c in pool}
    past: list[list[list[Member]]] = []
    for week in range(8):
        history, fairness = remember(past)
        groups = make_groups(pool, history, size, week, fairness=fairness)
        quality = score_groups(groups, pool, history)
        assert quality.no_common_language_pairs == quality.no_common_language_groups == 0
        assert quality.repeat_pairs == 0
        past.insert(0, as_round(groups, library))


def test_the_history_remember_gives_groups_like_a_plain_mapping() -> None:
    """`remember` keeps the history per person (faster to read); as a mapping it is the same
    pairs, and make_groups gives the same groups whichever it gets."""
    rng = random.Random(4)
    pool = [
        Candidate(
            f"U{k:03d}", f"lib{rng.randrange(6)}", frozenset(rng.choice([("fi",), ("sv", "fi")]))
        )
        for k in range(150)
    ]
    library = {c.user_id: c.library for c in pool}
    past: list[list[list[Member]]] = []
    for week in range(6):
        history, fairness = remember(past)
        plain = dict(history)
        assert plain == history and len(plain) == len(history)
        groups = make_groups(pool, history, 3, week, fairness=fairness)
        assert make_groups(pool, plain, 3, week, fairness=fairness) == groups
        assert score_groups(groups, pool, plain) == score_groups(groups, pool, history)
        past.insert(0, as_round(groups, library))
    assert len(history) > 0 and frozenset({"nobody", "U000"}) not in history
