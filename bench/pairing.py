"""Pairing quality, speed and memory: bot.domain.pairing against two baselines in the same run.

Run: `make bench` (every bench/*.py) or `.venv/bin/python bench/pairing.py`.

Methods (all make groups of `group_sizes(n, 2)`: pairs, and one trio when n is odd):

* *shuffle* — a seeded shuffle cut into pairs.
* *exact* — `networkx.max_weight_matching(G, maxcardinality=True)` on the complete graph with
  edge weight `BIG - pair_cost`, where `pair_cost` is the penalty `make_groups` minimises
  (built here from the module's public weights: `W_NO_COMMON_LANGUAGE` if the two share no
  chat language, `repeat_penalty(rounds_ago)` if they met within `REPEAT_HORIZON` rounds,
  `W_SAME_LIBRARY` if they work at the same library). `BIG` exceeds any pair cost, so the
  matching is perfect (maximum cardinality) and of least total penalty. It runs wherever it
  finishes: within `EXACT_BUDGET_S` seconds and when its graph fits in `EXACT_MEMORY_MB`.
* *ours* — `bot.domain.pairing.make_groups(pool, history, 2, seed)`.

Odd pools, for shuffle and exact: the person left out of the pairs joins the pair where they
add the least penalty (group penalty as `score_groups` counts it; ties: the first pair).
*ours* chooses its trio within its own search. The scenarios below all have even pools.

Pools: 3 libraries (45/35/20 %; the smallest is Swedish-speaking) and mixed chat languages
(Finnish-only, Swedish-only, bilingual, with English, a few unknown). Rounds are weekly; each
method's groups feed its own history (pair → rounds ago), as the bot does.

Figures (every figure that depends on the machine is a ratio to a baseline of the same run):

* *ms* — median time of one grouping call (the exact column includes building the graph);
  *× shuffle* — that time over the shuffle's.
* *repeats* — pairs grouped again within `REPEAT_HORIZON` rounds of their last meeting, summed
  over the rounds; *cross-lib* — share of pairs from different libraries;
  *objective* — the summed penalty (`score_groups(...).total_score`, lower is better);
  *÷ exact* — ours (or shuffle) over the exact matching's, for each of the three;
  *no-lang* — pairs who share no chat language; *placed* — everyone in exactly one group.
* *floor* (10-person pools, whose 9 rounds all fall in the window) — the fewest repeats any
  grouping without language mismatches can have: pairs formed minus the pool's
  language-compatible pairs.
"""

from __future__ import annotations

import os
import pickle
import platform
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkx as nx  # type: ignore[import-untyped]

from bot.domain.pairing import (
    REPEAT_HORIZON,
    W_NO_COMMON_LANGUAGE,
    W_SAME_LIBRARY,
    Candidate,
    group_sizes,
    make_groups,
    repeat_penalty,
    score_groups,
)

History = dict[frozenset[str], int]
Grouper = Callable[[Sequence[Candidate], Mapping[frozenset[str], int], int, int], list[list[str]]]

BIG = 4 * W_NO_COMMON_LANGUAGE  # more than any pair cost: maximum cardinality comes first
EXACT_BUDGET_S = 150.0  # an exact call still running after this is stopped ("did not finish")
EXACT_MEMORY_MB = 4_000  # ... and one whose graph would need more is not started
EXACT_BYTES_PER_EDGE = 320  # measured (tracemalloc): networkx.Graph of K_1000 with weights
HISTORY_KEEP = 60  # rounds of history kept (a year is 52 weekly rounds)

LIBRARIES = ("Tammerfors", "Helsingfors", "Vasa")  # the last one is Swedish-speaking
SHARES = (0.45, 0.35, 0.20)  # of the pool
TIGHT_SHARES = (0.50, 0.30, 0.20)  # half the staff at one library: some same-library pairs
SMALL_POOLS = 5  # pools per small size, results summed
LANGUAGE_MIX = {  # languages: (weight at a Finnish-majority library, at the Swedish one)
    ("fi",): (38, 6),
    ("sv",): (3, 30),
    ("sv", "fi"): (17, 35),
    ("fi", "en"): (28, 6),
    ("sv", "en"): (2, 12),
    ("sv", "fi", "en"): (7, 9),
    ("en",): (3, 1),
    (): (2, 1),
}


def make_pool(count: int, seed: int, shares: Sequence[float] = SHARES) -> list[Candidate]:
    rng = random.Random(seed)
    options = list(LANGUAGE_MIX)
    pool = []
    for k in range(count):
        library = rng.choices(LIBRARIES, shares)[0]
        column = 1 if library == LIBRARIES[-1] else 0
        languages = rng.choices(options, [w[column] for w in LANGUAGE_MIX.values()])[0]
        pool.append(Candidate(f"U{k:05d}", library, frozenset(languages)))
    return pool


# --- the penalty, from the module's public weights ------------------------------------------


def pair_cost(a: Candidate, b: Candidate, history: Mapping[frozenset[str], int]) -> int:
    cost = 0
    if a.languages and b.languages and not a.languages & b.languages:
        cost += W_NO_COMMON_LANGUAGE
    ago = history.get(frozenset((a.user_id, b.user_id)))
    if ago is not None:
        cost += repeat_penalty(ago)
    if a.library is not None and a.library == b.library:
        cost += W_SAME_LIBRARY
    return cost


def group_cost(group: Sequence[Candidate], history: Mapping[frozenset[str], int]) -> int:
    cost = sum(pair_cost(a, b, history) for k, a in enumerate(group) for b in group[k + 1 :])
    known = [p.languages for p in group if p.languages]
    if len(group) >= 3 and known and not frozenset.intersection(*known):
        cost += W_NO_COMMON_LANGUAGE
    return cost


def attach_leftover(
    pairs: list[list[str]], leftover: str, by_id: Mapping[str, Candidate], history: History
) -> list[list[str]]:
    """The odd person joins the pair where they add the least penalty (first such pair)."""

    def added(pair: list[str]) -> int:
        members = [by_id[u] for u in pair]
        return group_cost([*members, by_id[leftover]], history) - group_cost(members, history)

    best = min(range(len(pairs)), key=lambda k: added(pairs[k]))
    pairs[best] = [*pairs[best], leftover]
    return pairs


# --- the methods ---------------------------------------------------------------------------


def shuffle_groups(
    candidates: Sequence[Candidate], history: Mapping[frozenset[str], int], size: int, seed: int
) -> list[list[str]]:
    assert size == 2
    ids = sorted(c.user_id for c in candidates)
    random.Random(seed).shuffle(ids)
    pairs = [ids[k : k + 2] for k in range(0, len(ids) - 1, 2)]
    if len(ids) % 2:
        by_id = {c.user_id: c for c in candidates}
        pairs = attach_leftover(pairs, ids[-1], by_id, dict(history))
    return pairs


class ExactDidNotFinish(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise ExactDidNotFinish


def exact_groups(
    candidates: Sequence[Candidate], history: Mapping[frozenset[str], int], size: int, seed: int
) -> list[list[str]]:
    assert size == 2
    people = sorted(candidates, key=lambda c: c.user_id)
    n = len(people)
    edges = n * (n - 1) // 2
    if edges * EXACT_BYTES_PER_EDGE > EXACT_MEMORY_MB * 1_000_000:
        need = edges * EXACT_BYTES_PER_EDGE / 1e9
        raise ExactDidNotFinish(f"not started: its graph of {edges:,} edges needs ~{need:.0f} GB")
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, EXACT_BUDGET_S)
    try:
        graph = nx.Graph()
        graph.add_weighted_edges_from(
            (i, j, BIG - pair_cost(people[i], people[j], history))
            for i in range(n)
            for j in range(i + 1, n)
        )
        matching = nx.max_weight_matching(graph, maxcardinality=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    pairs = [sorted((people[i].user_id, people[j].user_id)) for i, j in matching]
    matched = {u for pair in pairs for u in pair}
    left = [c.user_id for c in people if c.user_id not in matched]
    assert len(left) == n % 2, "maxcardinality leaves at most one person out"
    if left:
        pairs = attach_leftover(pairs, left[0], {c.user_id: c for c in people}, dict(history))
    return pairs


METHODS: dict[str, Grouper] = {
    "shuffle": shuffle_groups,
    "exact": exact_groups,
    "ours": make_groups,
}


# --- playing rounds --------------------------------------------------------------------------


def next_history(history: History, groups: list[list[str]]) -> History:
    aged = {pair: ago + 1 for pair, ago in history.items() if ago < HISTORY_KEEP}
    for group in groups:
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                aged[frozenset((group[a], group[b]))] = 1
    return aged


def check_placed(groups: list[list[str]], pool: Sequence[Candidate]) -> bool:
    flat = [u for g in groups for u in g]
    return sorted(flat) == sorted(c.user_id for c in pool) and sorted(map(len, groups)) == sorted(
        group_sizes(len(pool), 2)
    )


@dataclass
class Result:
    seconds: list[float] = field(default_factory=list)  # wall clock per call
    cpu: list[float] = field(default_factory=list)  # CPU time of this (single-threaded) process
    pairs: int = 0
    same_library: int = 0
    repeats: int = 0
    objective: int = 0
    no_language: int = 0
    placed: bool = True
    finished: bool = True
    note: str = ""
    worst_objective: int = 0  # ours, over every seed timed
    rounds_above_exact: int = 0  # ours: rounds costing more than exact on ours' own history
    above_exact: int = 0  # ... and by how much in all
    avoidable: int = 0  # ours, the most avoidable repeats of any seed timed

    def add(self, groups: list[list[str]], pool: Sequence[Candidate], history: History) -> None:
        quality = score_groups(groups, pool, history)
        by_id = {c.user_id: c for c in pool}
        own = sum(group_cost([by_id[u] for u in g], history) for g in groups)
        assert own == quality.total_score, "the bench's penalty differs from the module's"
        self.pairs += quality.pairs
        self.same_library += quality.same_library_pairs
        self.repeats += quality.repeat_pairs
        self.objective += quality.total_score
        self.no_language += quality.no_common_language_pairs + quality.no_common_language_groups
        self.placed &= check_placed(groups, pool)

    @property
    def ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def cross(self) -> float:
        return (self.pairs - self.same_library) / self.pairs if self.pairs else 1.0


def timed(
    grouper: Grouper, pool: Sequence[Candidate], history: History, seed: int, result: Result
) -> list[list[str]]:
    start, cpu = time.perf_counter(), time.process_time()
    groups = grouper(pool, history, 2, seed)
    result.seconds.append(time.perf_counter() - start)
    result.cpu.append(time.process_time() - cpu)
    return groups


def play(pool: list[Candidate], rounds: int, method: str, seed: int, result: Result) -> None:
    """Consecutive weekly rounds, the method's own groups feeding its own history."""
    history: History = {}
    for week in range(rounds):
        try:
            groups = timed(METHODS[method], pool, history, seed + week, result)
        except ExactDidNotFinish as stopped:
            result.finished, result.note = False, str(stopped)
            return
        result.add(groups, pool, history)
        if method == "ours":  # is this round as good as the exact optimum for its history?
            extra = score(groups, pool, history) - score(
                exact_groups(pool, history, 2, 0), pool, history
            )
            result.rounds_above_exact += extra > 0
            result.above_exact += extra
        history = next_history(history, groups)


def year_of_history(pool: list[Candidate], weeks: int, seed: int) -> History:
    """The history the bot itself would have: `weeks` rounds of make_groups, fed back."""
    history: History = {}
    for week in range(weeks):
        history = next_history(history, make_groups(pool, history, 2, seed + week))
    return history


def avoidable_repeats(groups: list[list[str]], pool: Sequence[Candidate], history: History) -> int:
    """Repeats (met within REPEAT_HORIZON) where one of the two shares a chat language with
    somebody in the pool they have not met within the horizon. This is a local test, so it
    counts at least every repeat a better grouping could avoid."""

    def recent(a: str, b: str) -> bool:
        return history.get(frozenset((a, b)), REPEAT_HORIZON + 1) <= REPEAT_HORIZON

    def has_unmet_partner(person: Candidate) -> bool:
        return any(
            other.user_id != person.user_id
            and (not person.languages or not other.languages or person.languages & other.languages)
            and not recent(person.user_id, other.user_id)
            for other in pool
        )

    by_id = {c.user_id: c for c in pool}
    return sum(
        recent(a, b) and (has_unmet_partner(by_id[a]) or has_unmet_partner(by_id[b]))
        for group in groups
        for k, a in enumerate(group)
        for b in group[k + 1 :]
    )


# --- output --------------------------------------------------------------------------------


def ratio(value: float, base: float) -> str:
    if base == 0:
        return "= (both 0)" if value == 0 else "∞ (exact 0)"
    return f"{value / base:.3f}"


HEADER = (
    "| size | rounds | method | ms/round | CPU ms | × shuffle | repeats | ÷ exact | cross-lib "
    "| ÷ exact | objective | ÷ exact | no-lang | placed |\n"
    "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def row(size: int, rounds: str, method: str, r: Result, results: Mapping[str, Result]) -> str:
    if not r.finished:
        return f"| {size:,} | {rounds} | {method} | — | — | — | {r.note} |  |  |  |  |  |  |  |"
    shuffle, exact = results["shuffle"], results["exact"]

    def vs_exact(value: float, base: float) -> str:
        return ratio(value, base) if exact.finished else "n/a"

    cpu_ms = statistics.median(r.cpu) * 1000
    return (
        f"| {size:,} | {rounds} | {method} | {r.ms:,.2f} | {cpu_ms:,.2f} "
        f"| {r.ms / shuffle.ms:,.0f}× "
        f"| {r.repeats:,} | {vs_exact(r.repeats, exact.repeats)} "
        f"| {r.cross:.2%} | {vs_exact(r.cross, exact.cross)} "
        f"| {r.objective:,} | {vs_exact(r.objective, exact.objective)} "
        f"| {r.no_language} | {'yes' if r.placed else 'NO'} |"
    )


VERDICTS: list[tuple[str, bool, str]] = []


def verdict(target: str, met: bool, detail: str) -> None:
    VERDICTS.append((target, met, detail))


# --- the scenarios ---------------------------------------------------------------------------


def compatible_pairs(pool: Sequence[Candidate]) -> int:
    return sum(
        not a.languages or not b.languages or bool(a.languages & b.languages)
        for k, a in enumerate(pool)
        for b in pool[k + 1 :]
    )


def small_pools() -> None:
    print(
        f"## Small pools: {SMALL_POOLS} pools per size, each over n−1 consecutive weekly "
        "rounds, each method feeding its own history (sums over the pools)"
    )
    print()
    print(HEADER)
    above: dict[int, tuple[int, int, int]] = {}
    for size in (10, 20, 50):
        rounds = size - 1
        results = {method: Result() for method in METHODS}
        floor = 0
        for k in range(SMALL_POOLS):
            pool = make_pool(size, seed=100 * size + k)
            for method, result in results.items():
                play(pool, rounds, method, seed=1, result=result)
            if rounds <= REPEAT_HORIZON:  # every earlier round is within the window
                floor += max(0, rounds * (size // 2) - compatible_pairs(pool))
        for method, r in results.items():
            print(row(size, f"{SMALL_POOLS}×{rounds}", method, r, results), flush=True)
        ours = results["ours"]
        above[size] = (ours.rounds_above_exact, SMALL_POOLS * rounds, ours.above_exact)
        if floor:  # a lower bound: pairs formed minus the pool's language-compatible pairs
            print(f"| {size} | {SMALL_POOLS}×{rounds} | floor | | | | {floor} |" + " |" * 7)
        ours, exact, shuffle = results["ours"], results["exact"], results["shuffle"]
        verdict(
            f"{size} people: repeats ≤ exact's",
            ours.repeats <= exact.repeats,
            f"ours {ours.repeats}, exact {exact.repeats}",
        )
        verdict(
            f"{size} people: repeats far below shuffle's (at most half)",
            ours.repeats <= shuffle.repeats / 2,
            f"ours {ours.repeats}, shuffle {shuffle.repeats}"
            + (f" (floor {floor}: pairs formed − language-compatible pairs)" if floor else ""),
        )
        verdict(
            f"{size} people: cross-library share ≥ 99 % of exact's",
            ours.cross >= 0.99 * exact.cross,
            f"ours {ours.cross:.2%}, exact {exact.cross:.2%} (÷ {ours.cross / exact.cross:.3f})",
        )
    print()
    print("Rounds where ours costs more than the exact matching would on ours' own history:")
    for size, (worse, rounds, extra) in above.items():
        print(f"- {size} people: {worse} of {rounds} rounds, {extra:,} penalty more in all")
    print()


def one_round_after_a_year(
    pool: list[Candidate], history: History, seeds: int
) -> dict[str, Result]:
    """One round by each method on the same history (timed over `seeds` seeds)."""
    results: dict[str, Result] = {}
    for method in METHODS:
        r = results[method] = Result()
        for k in range(1 if method == "exact" else seeds):
            try:
                groups = timed(METHODS[method], pool, history, 1000 + k, r)
            except ExactDidNotFinish as stopped:
                r.finished, r.note = False, str(stopped) or f"stopped after {EXACT_BUDGET_S:.0f} s"
                break
            if k == 0:
                r.add(groups, pool, history)
            if method == "ours":
                # every seed must meet the targets, not only the one in the table
                r.worst_objective = max(r.worst_objective, score(groups, pool, history))
                r.avoidable = max(r.avoidable, avoidable_repeats(groups, pool, history))
                r.placed &= check_placed(groups, pool)
    return results


def score(groups: list[list[str]], pool: Sequence[Candidate], history: History) -> int:
    return score_groups(groups, pool, history).total_score


def with_history(size: int, weeks: int, shares: Sequence[float]) -> tuple[list[Candidate], History]:
    pool = make_pool(size, seed=size, shares=shares)
    started = time.perf_counter()
    history = year_of_history(pool, weeks, seed=7)
    print(
        f"{size:,} people (libraries {' / '.join(f'{x:.0%}' for x in shares)}), {weeks} weeks "
        f"of history by make_groups ({len(history):,} pairs, built in "
        f"{time.perf_counter() - started:.1f} s)",
        flush=True,
    )
    return pool, history


def thousand() -> None:
    print("## 1,000 people after a year (52 weeks) of history: one round on the same history")
    print()
    for label, shares in (("realistic", SHARES), ("tight", TIGHT_SHARES)):
        pool, history = with_history(1_000, 52, shares)
        results = one_round_after_a_year(pool, history, seeds=5)
        print()
        print(HEADER)
        for method, r in results.items():
            print(row(1_000, "1", method, r, results))
        print()
        ours, exact = results["ours"], results["exact"]
        target = f"1,000 people ({label} pool), a year of history: objective within 1 % of exact's"
        if exact.finished:
            worst = ours.worst_objective
            verdict(
                target,
                worst <= exact.objective * 1.01,
                f"ours {worst:,} (worst of 5 seeds), exact {exact.objective:,} "
                f"(÷ {ratio(worst, exact.objective)}); exact took {exact.ms / 1000:.1f} s",
            )
        else:
            verdict(target, False, f"exact: {exact.note}")


def ten_thousand() -> None:
    print("## 10,000 people after 52 weeks of history: one round on the same history")
    print()
    pool, history = with_history(10_000, 52, SHARES)
    results = one_round_after_a_year(pool, history, seeds=5)
    memory = measure_memory(pool, history)
    print()
    print(HEADER)
    for method, r in results.items():
        print(row(10_000, "1", method, r, results))
    ours = results["ours"]
    worst, worst_cpu = max(ours.seconds), max(ours.cpu)
    print()
    print(
        f"ours over {len(ours.seconds)} seeds: wall median {ours.ms / 1000:.3f} s, max "
        f"{worst:.3f} s; CPU median {statistics.median(ours.cpu):.3f} s, max {worst_cpu:.3f} s "
        "(single-threaded: pure Python, no threads or processes); "
        f"repeats {ours.repeats}, avoidable repeats (worst seed) {ours.avoidable}; "
        f"everyone placed: {'yes' if ours.placed else 'NO'}"
    )
    print(
        f"memory of one make_groups call: tracemalloc peak {memory['traced_mb']:.0f} MB; "
        f"a child process with the pool and history loaded: max RSS "
        f"{memory['rss_before_mb']:.0f} MB before the call, {memory['rss_after_mb']:.0f} MB after"
    )
    print()
    verdict(
        "10,000 people, 52 weeks: under 2 s",
        worst < 2.0,
        f"wall max {worst:.3f} s (CPU max {worst_cpu:.3f} s) over 5 seeds; median "
        f"{ours.ms / results['shuffle'].ms:.0f}× the shuffle's",
    )
    verdict(
        "10,000 people, 52 weeks: under 500 MB",
        memory["rss_after_mb"] < 500,
        f"whole process max RSS {memory['rss_after_mb']:.0f} MB "
        f"(the call's own allocations peak at {memory['traced_mb']:.0f} MB)",
    )
    verdict(
        "10,000 people: zero avoidable repeats, everyone placed",
        ours.avoidable == 0 and ours.placed,
        f"avoidable repeats {ours.avoidable} (worst of 5 seeds), everyone placed {ours.placed}",
    )


def measure_memory(pool: list[Candidate], history: History) -> dict[str, float]:
    tracemalloc.start()
    make_groups(pool, history, 2, 1000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.pickle"
        path.write_bytes(pickle.dumps((pool, history)))
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    return {"traced_mb": peak / 1e6, "rss_before_mb": float(out[0]), "rss_after_mb": float(out[1])}


def memory_child(path: str) -> None:
    pool, history = pickle.loads(Path(path).read_bytes())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux
    make_groups(pool, history, 2, 1000)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    print(before, after)


def main() -> None:
    if sys.argv[1:2] == ["--memory-child"]:
        memory_child(sys.argv[2])
        return
    print(
        f"# pairing benchmark — python {platform.python_version()}, networkx {nx.__version__}, "
        f"nproc {os.cpu_count()}, {platform.machine()}"
    )
    print()
    started = time.perf_counter()
    small_pools()
    thousand()
    ten_thousand()
    print("## Targets")
    print()
    for target, met, detail in VERDICTS:
        print(f"- {'MET' if met else 'MISSED'}: {target} — {detail}")
    print()
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
