"""Pairs that only a long chain of changes can fix, and the exact optimum for pairs.

Swaps and moves change two or three groups at a time. Some tight pools need a longer chain:
a meets x1, x1's partner y1 meets x2, ..., and the last one freed meets b. These tests build
such pools on purpose and compare rounds of pairs with an exact maximum-weight matching
(networkx), with the penalty computed from the documented rules.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence

import pytest

from bot.coffee.pairing import (
    REPEAT_HORIZON,
    W_NO_COMMON_LANGUAGE,
    W_SAME_LIBRARY,
    Candidate,
    _mend_pairs,
    _Model,
    _State,
    make_groups,
    repeat_penalty,
    score_groups,
)

nx = pytest.importorskip("networkx")

History = dict[frozenset[str], int]


def pair_cost(a: Candidate, b: Candidate, history: Mapping[frozenset[str], int]) -> int:
    """The documented penalty of one pair."""
    cost = 0
    if a.languages and b.languages and not a.languages & b.languages:
        cost += W_NO_COMMON_LANGUAGE
    if frozenset((a.user_id, b.user_id)) in history:
        cost += repeat_penalty(history[frozenset((a.user_id, b.user_id))])
    if a.library is not None and a.library == b.library:
        cost += W_SAME_LIBRARY
    return cost


def exact_pairs(
    pool: Sequence[Candidate], history: Mapping[frozenset[str], int]
) -> list[list[str]]:
    """A pairing of an even pool with the least total penalty (maximum-weight matching)."""
    big = 4 * W_NO_COMMON_LANGUAGE
    graph = nx.Graph()
    for a, b in itertools.combinations(range(len(pool)), 2):
        graph.add_edge(a, b, weight=big - pair_cost(pool[a], pool[b], history))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    assert len(matching) * 2 == len(pool)
    return [[pool[a].user_id, pool[b].user_id] for a, b in matching]


def chain_pool(links: int) -> list[Candidate]:
    """a and b work at the same library; everyone else at a library of their own.

    Each pair (x_k, y_k) shares a language of its own (m_k); y_k and x_(k+1) share l_k; a shares
    l_0 with x_1 only and b shares l_links with y_links only. So the one pairing without any
    penalty is a–x1, y1–x2, …, y_links–b, and (a, b), (x1, y1), … costs one same-library pair.
    """
    people = [
        Candidate("a", "home", frozenset({"l0", "s"})),
        Candidate("b", "home", frozenset({f"l{links}", "s"})),
    ]
    for k in range(1, links + 1):
        people.append(Candidate(f"x{k}", f"lib{k}x", frozenset({f"l{k - 1}", f"m{k}"})))
        people.append(Candidate(f"y{k}", f"lib{k}y", frozenset({f"m{k}", f"l{k}"})))
    return people


def test_mending_finds_the_chain_no_swap_or_move_can() -> None:
    links = 6
    pool = chain_pool(links)
    model = _Model(pool, {})
    index = {user_id: i for i, user_id in enumerate(model.user_ids)}
    start = [["a", "b"]] + [[f"x{k}", f"y{k}"] for k in range(1, links + 1)]
    state = _State(model, [[index[u] for u in g] for g in start], random.Random(1), exhaustive=True)
    assert state.total == W_SAME_LIBRARY
    assert _mend_pairs(state)
    assert state.total == 0
    mended = {frozenset(model.user_ids[i] for i in group) for group in state.groups}
    chain = ["a"] + [p for k in range(1, links + 1) for p in (f"x{k}", f"y{k}")] + ["b"]
    assert mended == {frozenset(chain[k : k + 2]) for k in range(0, len(chain), 2)}
    assert not _mend_pairs(state)  # nothing left to improve


def test_mending_leaves_groups_of_three_alone() -> None:
    """The trio costs something (t shares no language with a or b), but mending only
    rearranges groups of two."""
    pool = [*chain_pool(4), Candidate("t", "lib-t", frozenset({"zz"}))]
    model = _Model(pool, {})
    index = {user_id: i for i, user_id in enumerate(model.user_ids)}
    start = [["a", "b", "t"]] + [[f"x{k}", f"y{k}"] for k in range(1, 5)]
    state = _State(model, [[index[u] for u in g] for g in start], random.Random(1), exhaustive=True)
    before = state.total
    _mend_pairs(state)
    assert state.total == before
    assert sorted(model.user_ids[i] for i in state.groups[0]) == ["a", "b", "t"]


@pytest.mark.parametrize("filler", [0, 200])
def test_a_long_chain_is_found_in_small_and_large_pools(filler: int) -> None:
    """With 200 more people (who speak only Finnish, each at a library of their own) the
    pool is large enough to take the sampled path; the chain must still be found."""
    pool = chain_pool(7) + [
        Candidate(f"f{k:03d}", f"flib{k}", frozenset({"fi"})) for k in range(filler)
    ]
    for seed in range(3):
        groups = make_groups(pool, {}, 2, seed)
        quality = score_groups(groups, pool, {})
        assert quality.total_score == 0, (seed, groups)


def random_pool(rng: random.Random, count: int) -> list[Candidate]:
    libraries = [f"lib{k}" for k in range(rng.randint(1, 5))]
    library_weights = [rng.random() for _ in libraries]
    languages = [("fi",), ("sv",), ("sv", "fi"), ("fi", "en"), ("sv", "en"), ("en",), ()]
    language_weights = [rng.random() for _ in languages]
    return [
        Candidate(
            f"U{k:04d}",
            rng.choices(libraries, library_weights)[0] if rng.random() > 0.03 else None,
            frozenset(rng.choices(languages, language_weights)[0]),
        )
        for k in range(count)
    ]


@pytest.mark.slow
def test_rounds_of_pairs_come_as_close_as_an_exact_matching() -> None:
    """Random tight pools (one to five libraries, uneven languages, histories of up to 15
    rounds), each round compared with the exact optimum: the same number of language
    problems and of repeats, always; the whole penalty the same when nothing had to repeat
    (only libraries left to weigh), and otherwise within 0.1 % (the recency of the repeats)."""
    rng = random.Random(20261125)
    exact_rounds = 0
    for case in range(30):
        count = rng.choice([10, 16, 24, 40, 60, 90, 130, 160])
        pool = random_pool(rng, count)
        history: History = {}
        for week in range(rng.randint(0, 15)):
            groups = make_groups(pool, history, 2, seed=week)
            history = {pair: ago + 1 for pair, ago in history.items() if ago < REPEAT_HORIZON}
            history.update(dict.fromkeys((frozenset(g) for g in groups if len(g) == 2), 1))
        seed = rng.randrange(1000)
        ours_quality = score_groups(make_groups(pool, history, 2, seed), pool, history)
        exact_groups = exact_pairs(pool, history)
        exact = score_groups(exact_groups, pool, history)
        ours, best = ours_quality.total_score, exact.total_score
        by_id = {c.user_id: c for c in pool}
        assert best == sum(pair_cost(by_id[a], by_id[b], history) for a, b in exact_groups)
        context = (case, count, seed, ours, best)
        assert ours_quality.no_common_language_pairs == exact.no_common_language_pairs, context
        assert ours_quality.repeat_pairs == exact.repeat_pairs, context
        if exact.repeat_pairs == 0:
            assert ours == best, context
        assert ours <= best * 1.001, context
        exact_rounds += ours == best
    assert exact_rounds >= 25  # and most rounds exactly as good
