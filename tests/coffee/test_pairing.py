"""The pairing rules, proved on small cases (see bot/coffee/pairing.py for the priorities).

Several tests compare against an exhaustive search over every possible grouping, written here
independently from the module's own scoring, so they state the rules rather than echo the code.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from bot.coffee.pairing import (
    MEMORY_HORIZON,
    REPEAT_HORIZON,
    W_NO_COMMON_LANGUAGE,
    W_SAME_LIBRARY,
    Candidate,
    group_sizes,
    make_groups,
    repeat_penalty,
    score_groups,
)

ROOT = Path(__file__).resolve().parents[2]

History = dict[frozenset[str], int]

SV, FI, EN = "sv", "fi", "en"


def person(user_id: str, library: str | None, *languages: str) -> Candidate:
    return Candidate(user_id, library, frozenset(languages))


def pairs_of(groups: Sequence[Sequence[str]]) -> list[frozenset[str]]:
    return [frozenset(pair) for group in groups for pair in itertools.combinations(group, 2)]


def next_history(history: Mapping[frozenset[str], int], groups: list[list[str]]) -> History:
    """What the caller stores after a round: everyone's last meeting one round older, and
    this round's pairs met 1 round ago."""
    aged = {pair: rounds_ago + 1 for pair, rounds_ago in history.items()}
    aged.update(dict.fromkeys(pairs_of(groups), 1))
    return aged


def compatible(a: Candidate, b: Candidate) -> bool:
    return not a.languages or not b.languages or bool(a.languages & b.languages)


def language_mismatches(groups: Sequence[Sequence[str]], by_id: Mapping[str, Candidate]) -> int:
    """Pairs with no shared language, plus groups of 3+ with no language all of them share."""
    count = 0
    for group in groups:
        people = [by_id[user_id] for user_id in group]
        count += sum(not compatible(a, b) for a, b in itertools.combinations(people, 2))
        known = [p.languages for p in people if p.languages]
        if len(group) >= 3 and known and not frozenset.intersection(*known):
            count += 1
    return count


def recent_repeats(groups: Sequence[Sequence[str]], history: Mapping[frozenset[str], int]) -> int:
    return sum(history.get(pair, REPEAT_HORIZON + 1) <= REPEAT_HORIZON for pair in pairs_of(groups))


def cost(
    groups: Sequence[Sequence[str]],
    by_id: Mapping[str, Candidate],
    history: Mapping[frozenset[str], int],
) -> int:
    """The documented penalty, computed from the rules."""
    total = W_NO_COMMON_LANGUAGE * language_mismatches(groups, by_id)
    for pair in pairs_of(groups):
        a, b = (by_id[user_id] for user_id in sorted(pair))
        if pair in history:
            total += repeat_penalty(history[pair])
        if a.library is not None and a.library == b.library:
            total += W_SAME_LIBRARY
    return total


def all_groupings(ids: Sequence[str], sizes: Sequence[int]) -> Iterator[list[list[str]]]:
    """Every way to split ``ids`` into groups of the given sizes (each grouping once)."""
    if not ids:
        yield []
        return
    first, rest = ids[0], ids[1:]
    for size in sorted(set(sizes)):
        remaining = list(sizes)
        remaining.remove(size)
        for mates in itertools.combinations(rest, size - 1):
            left = [x for x in rest if x not in mates]
            for tail in all_groupings(left, remaining):
                yield [[first, *mates], *tail]


def naive_groups(candidates: Sequence[Candidate], group_size: int, seed: int) -> list[list[str]]:
    """A seeded shuffle cut into groups of the same sizes: what a careless bot would do."""
    ids = sorted(c.user_id for c in candidates)
    random.Random(seed).shuffle(ids)
    groups, start = [], 0
    for size in group_sizes(len(ids), group_size):
        groups.append(ids[start : start + size])
        start += size
    return groups


def check_valid(groups: list[list[str]], candidates: Sequence[Candidate], group_size: int) -> None:
    flat = [user_id for group in groups for user_id in group]
    assert sorted(flat) == sorted(c.user_id for c in candidates), "everyone exactly once"
    assert sorted(map(len, groups)) == sorted(group_sizes(len(candidates), group_size))


# --- sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "group_size", "expected"),
    [
        (11, 2, [3, 2, 2, 2, 2]),  # 4 pairs + 1 trio
        (10, 2, [2, 2, 2, 2, 2]),
        (7, 3, [4, 3]),
        (8, 3, [4, 4]),  # leftovers spread one per group
        (2, 2, [2]),
        (2, 4, [2]),  # fewer than the size: one group of everyone
        (5, 6, [5]),
        (1, 2, []),
        (0, 3, []),
    ],
)
def test_group_sizes(count: int, group_size: int, expected: list[int]) -> None:
    assert group_sizes(count, group_size) == expected
    pool = [person(f"U{i:02d}", f"lib{i}", FI) for i in range(count)]
    groups = make_groups(pool, {}, group_size, seed=1)
    assert sorted(map(len, groups), reverse=True) == expected
    if count >= 2:
        check_valid(groups, pool, group_size)


def test_group_sizes_never_leave_anyone_alone_or_below_the_size() -> None:
    for group_size in range(2, 7):
        for count in range(2, 80):
            sizes = group_sizes(count, group_size)
            assert sum(sizes) == count
            assert max(sizes) - min(sizes) <= 1
            assert min(sizes) >= min(group_size, count)
            assert len(sizes) == max(1, count // group_size)


@pytest.mark.parametrize("group_size", [1, 7, 0])
def test_group_size_out_of_range_is_refused(group_size: int) -> None:
    with pytest.raises(ValueError, match="group_size"):
        make_groups([person("U1", "a", FI), person("U2", "b", FI)], {}, group_size, seed=1)


def test_a_person_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="once"):
        make_groups([person("U1", "a", FI), person("U1", "b", FI)], {}, 2, seed=1)


# --- determinism -------------------------------------------------------------------------


def realistic_pool(rng: random.Random, count: int, libraries: int = 30) -> list[Candidate]:
    names = [f"lib{k:02d}" for k in range(libraries)]
    weights = [1 / (k + 1) ** 0.8 for k in range(libraries)]
    languages = [(FI,), (SV,), (SV, FI), (FI, EN), (SV, EN), (SV, FI, EN), (EN,), ()]
    language_weights = [30, 12, 18, 22, 8, 6, 2, 2]
    return [
        Candidate(
            f"U{k:05d}",
            rng.choices(names, weights)[0] if rng.random() > 0.02 else None,
            frozenset(rng.choices(languages, language_weights)[0]),
        )
        for k in range(count)
    ]


def test_same_input_and_seed_give_the_same_groups_whatever_the_input_order() -> None:
    rng = random.Random(7)
    pool = realistic_pool(rng, 37, libraries=6)
    history: History = {}
    for round_no in range(4):
        history = next_history(history, make_groups(pool, history, 3, seed=round_no))
    first = make_groups(pool, history, 3, seed=99)
    assert make_groups(pool, history, 3, seed=99) == first
    shuffled = list(pool)
    rng.shuffle(shuffled)
    reordered_history = dict(reversed(list(history.items())))
    assert make_groups(shuffled, reordered_history, 3, seed=99) == first


def test_the_seed_matters_when_many_groupings_are_equally_good() -> None:
    pool = [person(f"U{i:02d}", f"lib{i}", SV, FI) for i in range(20)]
    results = {json.dumps(make_groups(pool, {}, 2, seed=seed)) for seed in range(5)}
    assert len(results) > 1


_HASH_SCRIPT = """
import json
from bot.coffee.pairing import Candidate, make_groups
langs = [{"sv"}, {"fi"}, {"sv", "fi"}, {"fi", "en"}, set()]
pool = [Candidate(f"U{i:02d}", ["Åbo", "Vasa", "Esbo", None][i % 4], frozenset(langs[i % 5]))
        for i in range(30)]
history = {frozenset((f"U{i:02d}", f"U{(i * 7) % 30:02d}")): 1 + i % 5 for i in range(30) if i}
print(json.dumps(make_groups(pool, history, 3, seed=5)))
"""


def test_groups_do_not_depend_on_string_hashing() -> None:
    """Set iteration order of strings changes between processes; the groups must not."""
    outputs = set()
    for hash_seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", _HASH_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


# --- the rules on small cases --------------------------------------------------------------


def test_different_libraries_when_avoidable() -> None:
    pool = [person(f"A{i}", "Åbo", SV, FI) for i in range(5)]
    pool += [person(f"B{i}", "Borgå", SV, FI) for i in range(5)]
    for seed in range(10):
        groups = make_groups(pool, {}, 2, seed=seed)
        assert all({g[0][0], g[1][0]} == {"A", "B"} for g in groups), groups


def test_trios_take_one_person_from_each_library_when_they_can() -> None:
    pool = [person(f"{lib}{i}", lib, FI) for lib in "ABC" for i in range(4)]
    for seed in range(5):
        groups = make_groups(pool, {}, 3, seed=seed)
        assert all(sorted(member[0] for member in group) == ["A", "B", "C"] for group in groups)


def test_unknown_library_counts_as_different_from_everyone() -> None:
    pool = [person("A1", "Åbo", FI), person("A2", "Åbo", FI)]
    pool += [person("X1", None, FI), person("X2", None, FI)]
    for seed in range(5):
        groups = make_groups(pool, {}, 2, seed=seed)
        assert sorted(sorted(g) for g in groups) in (
            [["A1", "X1"], ["A2", "X2"]],
            [["A1", "X2"], ["A2", "X1"]],
        )


def test_a_shared_language_beats_different_libraries() -> None:
    """Finnish-only people from Åbo and Swedish-only from Vasa, with one bilingual each: the
    cross-library Finnish–Swedish pairs would share no language, so colleagues meet instead."""
    pool = [
        person("F1", "Åbo", FI),
        person("F2", "Åbo", FI),
        person("S1", "Vasa", SV),
        person("S2", "Vasa", SV),
        person("B1", "Åbo", SV, FI),
        person("B2", "Vasa", SV, FI),
    ]
    by_id = {c.user_id: c for c in pool}
    for seed in range(10):
        groups = make_groups(pool, {}, 2, seed=seed)
        assert language_mismatches(groups, by_id) == 0, groups
        quality = score_groups(groups, pool, {})
        assert quality.no_common_language_pairs == 0
        assert quality.same_library_pairs == 2  # the fewest possible without a mismatch


def test_a_shared_language_beats_not_repeating() -> None:
    pool = [person("F1", "a", FI), person("F2", "b", FI), person("S1", "c", SV)]
    pool.append(person("S2", "d", SV))
    history: History = {frozenset({"F1", "F2"}): 1, frozenset({"S1", "S2"}): 1}
    groups = make_groups(pool, history, 2, seed=3)
    assert sorted(sorted(g) for g in groups) == [["F1", "F2"], ["S1", "S2"]]


def test_unknown_languages_are_compatible_with_everyone() -> None:
    pool = [person("F", "a", FI), person("S", "b", SV), person("U1", "c"), person("U2", "d")]
    for seed in range(5):
        groups = make_groups(pool, {}, 2, seed=seed)
        assert all(set(g) != {"F", "S"} for g in groups)
        assert score_groups(groups, pool, {}).no_common_language_pairs == 0


def test_a_trio_needs_a_language_all_three_share() -> None:
    """Pairwise everyone here can talk, but sv+en, fi+en and sv+fi together share nothing.
    The only cross-library trios are such mixes, so libraries have to give way."""
    pool = [
        person("A1", "Åbo", SV, EN),
        person("A2", "Åbo", SV, EN),
        person("B1", "Borgå", FI, EN),
        person("B2", "Borgå", FI, EN),
        person("C1", "Esbo", SV, FI),
        person("C2", "Esbo", SV, FI),
    ]
    by_id = {c.user_id: c for c in pool}
    cross_trios = [
        g
        for g in all_groupings(sorted(by_id), [3, 3])
        if all(len({m[0] for m in t}) == 3 for t in g)
    ]
    assert cross_trios and all(language_mismatches(g, by_id) > 0 for g in cross_trios)
    for seed in range(10):
        groups = make_groups(pool, {}, 3, seed=seed)
        assert language_mismatches(groups, by_id) == 0, groups
        assert score_groups(groups, pool, {}).no_common_language_groups == 0


@pytest.mark.parametrize("group_size", [4, 6])
def test_the_extra_members_go_where_the_languages_fit(group_size: int) -> None:
    """14 Finnish-only and 12 Swedish-only people: the language groups fit the sizes only
    if the right groups get the extra member (in groups of six: 7+7 Finnish, 6+6 Swedish)."""
    pool = [person(f"F{i:02d}", f"lib{i % 2}", FI) for i in range(14)]
    pool += [person(f"S{i:02d}", f"lib{i % 2}", SV) for i in range(12)]
    by_id = {c.user_id: c for c in pool}
    for seed in range(5):
        groups = make_groups(pool, {}, group_size, seed=seed)
        check_valid(groups, pool, group_size)
        assert language_mismatches(groups, by_id) == 0, groups


def test_recent_repeats_weigh_more_than_old_ones() -> None:
    assert repeat_penalty(1) > repeat_penalty(2) > repeat_penalty(5) > repeat_penalty(12) > 0
    # Beyond the repeat horizon a meeting is remembered for a year, weakly (issue 15: it
    # used to cost nothing from round 13 on).
    old = [repeat_penalty(ago) for ago in range(REPEAT_HORIZON + 1, MEMORY_HORIZON + 1)]
    assert old == sorted(old, reverse=True) and old[0] > old[-1] > 0
    assert repeat_penalty(MEMORY_HORIZON + 1) == 0
    assert repeat_penalty(0) == repeat_penalty(1)


def test_when_a_repeat_is_forced_the_oldest_acquaintance_is_chosen() -> None:
    pool = [person(x, f"lib{x}", FI) for x in "ABCD"]
    history: History = {
        frozenset("AB"): 1,
        frozenset("CD"): 1,
        frozenset("AD"): 2,
        frozenset("BC"): 2,
        frozenset("AC"): 5,
        frozenset("BD"): 5,
    }
    for seed in range(5):
        groups = make_groups(pool, history, 2, seed=seed)
        assert sorted(sorted(g) for g in groups) == [["A", "C"], ["B", "D"]]


def test_meetings_beyond_the_horizon_no_longer_count() -> None:
    pool = [person(x, f"lib{x}", FI) for x in "ABCD"]
    history: History = {frozenset("AB"): REPEAT_HORIZON + 1, frozenset("CD"): REPEAT_HORIZON + 5}
    history.update({frozenset(p): REPEAT_HORIZON for p in ("AC", "BD", "AD", "BC")})
    groups = make_groups(pool, history, 2, seed=1)
    assert sorted(sorted(g) for g in groups) == [["A", "B"], ["C", "D"]]
    assert score_groups(groups, pool, history).repeat_pairs == 0


def test_not_repeating_beats_different_libraries() -> None:
    """The chosen order: a first meeting with a colleague from one's own library rather than
    meeting the same person from another library again."""
    pool = [person("A1", "Åbo", FI), person("A2", "Åbo", FI)]
    pool += [person("B1", "Borgå", FI), person("B2", "Borgå", FI)]
    history: History = {
        frozenset({"A1", "B1"}): 1,
        frozenset({"A2", "B2"}): 1,
        frozenset({"A1", "B2"}): 3,
        frozenset({"A2", "B1"}): 3,
    }
    groups = make_groups(pool, history, 2, seed=1)
    assert sorted(sorted(g) for g in groups) == [["A1", "A2"], ["B1", "B2"]]


def test_history_about_other_people_or_malformed_keys_is_ignored() -> None:
    pool = [person(x, f"lib{x}", FI) for x in "ABCD"]
    history: History = {
        frozenset({"A", "GONE"}): 1,
        frozenset({"A"}): 1,
        frozenset({"A", "B", "C"}): 1,
    }
    assert make_groups(pool, history, 2, seed=4) == make_groups(pool, {}, 2, seed=4)


def test_score_groups_reports_each_kind_of_problem() -> None:
    pool = [
        person("A1", "Åbo", FI),
        person("A2", "Åbo", FI),
        person("F", "Esbo", FI),
        person("S", "Vasa", SV),
        person("X", None, SV, EN),
        person("Y", None, FI, EN),
        person("Z", "Vasa", SV, FI),
    ]
    history: History = {frozenset({"X", "Y"}): 2, frozenset({"A1", "A2"}): 20}
    groups = [["A1", "A2"], ["F", "S"], ["X", "Y", "Z"]]
    quality = score_groups(groups, pool, history)
    assert quality.pairs == 5
    assert quality.same_library_pairs == 1
    assert quality.cross_library_share == pytest.approx(4 / 5)
    assert quality.repeat_pairs == 1  # A1–A2 met beyond the horizon
    assert quality.no_common_language_pairs == 1
    assert quality.no_common_language_groups == 1  # sv+en, fi+en, sv+fi
    assert quality.total_score == cost(groups, {c.user_id: c for c in pool}, history)


# --- the acceptance test: ten people over consecutive rounds --------------------------------

TEN = [
    person("U01", "Åbo", FI),
    person("U02", "Åbo", FI, SV),
    person("U03", "Åbo", SV, EN),
    person("U04", "Vasa", SV),
    person("U05", "Vasa", SV, FI),
    person("U06", "Helsingfors", FI, EN),
    person("U07", "Helsingfors", FI, SV, EN),
    person("U08", "Esbo", FI),
    person("U09", "Borgå", SV, FI),
    person("U10", None),
]


@pytest.mark.parametrize("group_size", [2, 3])
def test_ten_people_nobody_repeats_a_partner_while_an_unmet_colleague_is_available(
    group_size: int,
) -> None:
    """Twelve consecutive rounds of a 10-person pool, each round's groups fed back as history.

    "Available" needs care: a colleague you have not met is only available if the rest of the
    pool can still be grouped around the two of you without someone else repeating instead
    (or someone landing with a person they share no language with). Odd leftovers, trios and
    language limits make "there is an unmet person" not enough. So the precise claim is
    global: every round has the fewest recent repeats of *any* grouping of the ten into
    groups of these sizes (among those with the fewest language mismatches), checked against
    all 945 pairings / 2,100 trio groupings. On top, the whole penalty is the optimum too, so
    when repeats are forced they are with the people met longest ago.
    """
    by_id = {c.user_id: c for c in TEN}
    ids = sorted(by_id)
    sizes = group_sizes(len(ids), group_size)
    history: History = {}
    naive_history: History = {}
    naive_repeated_needlessly = False
    forced_repeats_by_round = []
    for round_no in range(1, 13):
        groups = make_groups(TEN, history, group_size, seed=1000 + round_no)
        check_valid(groups, TEN, group_size)

        options = [
            (language_mismatches(g, by_id), recent_repeats(g, history), cost(g, by_id, history))
            for g in all_groupings(ids, sizes)
        ]
        fewest_mismatches = min(o[0] for o in options)
        fewest_repeats = min(o[1] for o in options if o[0] == fewest_mismatches)
        assert language_mismatches(groups, by_id) == fewest_mismatches, (round_no, groups)
        assert recent_repeats(groups, history) == fewest_repeats, (round_no, groups, history)
        assert cost(groups, by_id, history) == min(o[2] for o in options), (round_no, groups)
        assert score_groups(groups, TEN, history).total_score == cost(groups, by_id, history)
        forced_repeats_by_round.append(fewest_repeats)

        # The check has teeth: a shuffled grouping fails it in some round.
        naive = naive_groups(TEN, group_size, seed=round_no)
        best_for_naive = min(
            recent_repeats(g, naive_history)
            for g in all_groupings(ids, sizes)
            if language_mismatches(g, by_id) == 0
        )
        naive_repeated_needlessly |= recent_repeats(naive, naive_history) > best_for_naive
        naive_history = next_history(naive_history, naive)

        history = next_history(history, groups)
    assert naive_repeated_needlessly
    # Both regimes were exercised: rounds where every repeat could be avoided (so there were
    # none) and later rounds where some were forced.
    assert forced_repeats_by_round[0] == 0
    assert max(forced_repeats_by_round) > 0


def test_eleven_colleagues_make_four_pairs_and_a_trio_without_same_library_pairs() -> None:
    """The end-to-end scenario's pool: three libraries have several people each."""
    pool = [
        person("U01", "Åbo", FI, SV),
        person("U02", "Åbo", FI),
        person("U03", "Åbo", SV, EN),
        person("U04", "Vasa", SV),
        person("U05", "Vasa", SV, FI),
        person("U06", "Vasa", FI, EN),
        person("U07", "Helsingfors", FI),
        person("U08", "Helsingfors", FI, SV, EN),
        person("U09", "Esbo", FI),
        person("U10", "Borgå", SV),
        person("U11", None),
    ]
    by_id = {c.user_id: c for c in pool}
    fewest = min(
        cost(g, by_id, {}) for g in all_groupings(sorted(by_id), group_sizes(len(pool), 2))
    )
    assert fewest == 0  # everyone can meet someone from another library they can talk to
    for seed in range(5):
        groups = make_groups(pool, {}, 2, seed=seed)
        assert sorted(map(len, groups)) == [2, 2, 2, 2, 3]
        quality = score_groups(groups, pool, {})
        assert quality.same_library_pairs == 0, groups
        assert quality.no_common_language_pairs == quality.no_common_language_groups == 0


# --- properties over many random pools -------------------------------------------------------


def improving_moves(
    groups: list[list[str]],
    by_id: Mapping[str, Candidate],
    history: Mapping[frozenset[str], int],
) -> list[tuple[str, str]]:
    """Exchanges of two people between groups, or moves of one person from a larger group
    to a smaller one (same set of sizes), that would lower the penalty."""
    found = []
    for g1, g2 in itertools.permutations(range(len(groups)), 2):
        before = cost([groups[g1], groups[g2]], by_id, history)
        for p in groups[g1]:
            if g1 < g2:
                for q in groups[g2]:
                    new1 = [q if x == p else x for x in groups[g1]]
                    new2 = [p if x == q else x for x in groups[g2]]
                    if cost([new1, new2], by_id, history) < before:
                        found.append((p, q))
            if len(groups[g1]) == len(groups[g2]) + 1:
                moved = [[x for x in groups[g1] if x != p], [*groups[g2], p]]
                if cost(moved, by_id, history) < before:
                    found.append((p, f"group {g2}"))
    return found


def random_case(rng: random.Random) -> tuple[list[Candidate], History, int]:
    count = rng.choice([0, 1, 2, 3, rng.randint(4, 16), rng.randint(4, 40)])
    libraries = [f"lib{k}" for k in range(rng.randint(1, 6))] + [None]
    languages = [(SV,), (FI,), (SV, FI), (FI, EN), (EN,), ()]
    pool = [
        Candidate(
            f"U{rng.randrange(10**6):06d}x{i}",
            rng.choice(libraries),
            frozenset(rng.choice(languages)),
        )
        for i in range(count)
    ]
    ids = [c.user_id for c in pool] + ["UGONE"]
    history: History = {}
    for _ in range(rng.randint(0, 3 * count)):
        a, b = rng.sample(ids, 2) if len(ids) >= 2 else ("x", "y")
        history[frozenset({a, b})] = rng.randint(1, REPEAT_HORIZON + 3)
    return pool, history, rng.randint(2, 6)


def test_invariants_over_many_random_pools() -> None:
    rng = random.Random(20240601)
    for case in range(60):
        pool, history, group_size = random_case(rng)
        seed = rng.randrange(2**32)
        groups = make_groups(pool, history, group_size, seed)
        context = (case, len(pool), group_size, seed)
        if len(pool) < 2:
            assert groups == [], context
            continue
        check_valid(groups, pool, group_size)
        assert all(len(g) >= min(group_size, len(pool)) for g in groups), context

        shuffled = list(pool)
        rng.shuffle(shuffled)
        assert make_groups(shuffled, history, group_size, seed) == groups, context

        # Small pools end in a local optimum: no exchange or move of one person helps.
        by_id = {c.user_id: c for c in pool}
        assert improving_moves(groups, by_id, history) == [], context
        assert score_groups(groups, pool, history).total_score == cost(groups, by_id, history)


def test_ten_thousand_people_are_grouped_well() -> None:
    pool = realistic_pool(random.Random(3), 10_000)
    history: History = {}
    for round_no in range(2):
        groups = make_groups(pool, history, 2, seed=round_no)
        check_valid(groups, pool, 2)
        quality = score_groups(groups, pool, history)
        assert quality.no_common_language_pairs == 0
        assert quality.repeat_pairs == 0
        assert quality.cross_library_share > 0.99
        history = next_history(history, groups)
