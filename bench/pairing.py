"""Pairing quality, fairness, speed and memory: bot.coffee.pairing against baselines in one run.

Run: `make bench` (every bench/*.py) or `.venv/bin/python bench/pairing.py` (`--quick`: fewer
rosters and seeds, for trying the script; its figures are not the ones in docs/benchmarks.md).

Methods, all making groups of `group_sizes(n, size)`:

* *ours* — `make_groups(pool, history, size, seed, fairness=...)`, with the history and the
  fairness counts the bot would load (`remember` over the method's own last 52 rounds).
* *today* — `bench/pairing_today.py`, the module before issue 15 (12 rounds of memory, no
  fairness, no final swap pass), fed its own rounds the same way.
* *shuffle* — a seeded shuffle cut into the same group sizes.
* Exact baselines where they are tractable, on ours' own history of each round:
  `networkx.max_weight_matching` for pairs (even pools), and a dynamic programme over subsets
  for groups of 3 and 4 of at most 14 people (`exact_groups_dp`). No ILP: no solver is locked.

Pools (`make_pool`): 13 libraries of very unequal size (26 % of the staff at the largest, 2 %
at the smallest; two are Swedish-speaking), about 60 % Finnish-only, 15 % Swedish-only and
25 % bilingual staff, some with English too. A year is 52 weekly rounds with pauses (each week
a person may start a pause of 1–4 weeks; a summer pause for a third of the staff) and churn
(people leave and new people join every week).

What is counted (see docs/benchmarks.md for the figures and how to read them):

* *re-meetings* — pairs grouped again who met before within the year; *avoidable* — such a
  re-meeting while one of the two had a never-met colleague in the round's pool who shares a
  chat language and works at another library (a local test: it counts at least every
  re-meeting a better grouping could avoid).
* *cross-lib* — share of pairs from different libraries; *no-lang* — pairs without a shared
  language plus groups of 3+ without one all share.
* *fairness* — per person, rounds in a larger group (the odd seat) and rounds with a partner
  from one's own library; *dispersion* is variance ÷ mean over the people who took part (1 for
  seats handed out at random, lower is more even, higher is more concentrated), compared with
  the shuffle's.
* *swap-avoidable* — groups with a recent repeat or a language problem where exchanging one
  member with one person of another group lowers (language problems, repeats) of the two
  groups; counted independently of the module's code.
* *memory* — peak resident memory (VmHWM from /proc/self/status) of a child process that
  loads the pool and history and makes one call; VmHWM starts afresh at exec, unlike
  `ru_maxrss`, which can carry the parent's peak.
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import networkx as nx  # type: ignore[import-untyped]
import pairing_today  # type: ignore[import-not-found]

from bot.coffee.pairing import (
    FAIRNESS_CAP,
    MEMORY_HORIZON,
    REPEAT_HORIZON,
    W_FAIR,
    W_NO_COMMON_LANGUAGE,
    W_SAME_LIBRARY,
    Candidate,
    Fairness,
    Member,
    group_sizes,
    make_groups,
    remember,
    repeat_penalty,
    score_groups,
)

History = dict[frozenset[str], int]
Grouper = Callable[
    [Sequence[Candidate], History, int, int, Mapping[str, Fairness]], list[list[str]]
]

QUICK = "--quick" in sys.argv
LIBRARIES = tuple(f"L{k:02d}" for k in range(13))
LIBRARY_WEIGHTS = (26, 14, 10, 8, 7, 6, 6, 5, 5, 4, 4, 3, 2)
SWEDISH_LIBRARIES = {"L09", "L11"}  # Swedish-speaking: mostly Swedish-only and bilingual staff


def new_person(rng: random.Random, user_id: str) -> Candidate:
    library = rng.choices(LIBRARIES, LIBRARY_WEIGHTS)[0]
    r = rng.random()
    if library in SWEDISH_LIBRARIES:
        languages: tuple[str, ...] = ("sv",) if r < 0.5 else ("sv", "fi") if r < 0.95 else ("fi",)
    else:
        languages = ("fi",) if r < 0.64 else ("sv",) if r < 0.76 else ("sv", "fi")
    if rng.random() < 0.08:
        languages += ("en",)
    if rng.random() < 0.01:
        languages = ("en",)  # English-only staff
    return Candidate(user_id, library, frozenset(languages))


def make_pool(count: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    return [new_person(rng, f"U{seed}-{k:05d}") for k in range(count)]


def language_mix(pool: Sequence[Candidate]) -> str:
    fi = sum(c.languages - {"en"} == {"fi"} for c in pool)
    sv = sum(c.languages - {"en"} == {"sv"} for c in pool)
    both = sum({"sv", "fi"} <= c.languages for c in pool)
    n = len(pool)
    return f"{fi / n:.0%} Finnish-only, {sv / n:.0%} Swedish-only, {both / n:.0%} bilingual"


@dataclass
class Year:
    """A year of weekly pools: who is there each week (pauses, churn)."""

    weeks: list[list[Candidate]]
    everyone: dict[str, Candidate]
    # People with fewer than REPEAT_HORIZON + 1 language-compatible colleagues at other
    # libraries in the whole year's roster (e.g. English-only staff): within any 13 rounds
    # they must repeat or meet someone of their own library, whatever the algorithm.
    isolated: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        people = list(self.everyone.values())
        for p in people:
            others = sum(
                compatible(p, o) and (p.library is None or o.library != p.library)
                for o in people
                if o.user_id != p.user_id
            )
            if others <= REPEAT_HORIZON:
                self.isolated.add(p.user_id)


def make_year(roster: int, seed: int, weeks: int = 52) -> Year:
    rng = random.Random(seed)
    staff = make_pool(roster, seed)
    everyone = {c.user_id: c for c in staff}
    paused_until: dict[str, int] = {}
    summer = set(rng.sample([c.user_id for c in staff], roster // 3))
    joined = roster
    out = []
    for week in range(weeks):
        # churn: about 0.6 % leave each week and as many new people join
        for _ in range(sum(rng.random() < 0.006 for _ in staff)):
            staff.pop(rng.randrange(len(staff)))
            newcomer = new_person(rng, f"U{seed}-{joined:05d}")
            joined += 1
            staff.append(newcomer)
            everyone[newcomer.user_id] = newcomer
        present = []
        for c in staff:
            if paused_until.get(c.user_id, -1) >= week:
                continue
            if rng.random() < 0.05:  # a pause of 1-4 weeks starts
                paused_until[c.user_id] = week + rng.randint(0, 3)
                continue
            if 26 <= week <= 30 and c.user_id in summer:
                continue
            present.append(c)
        out.append(present)
    return Year(out, everyone)


# --- methods ---------------------------------------------------------------------------------


def ours(
    pool: Sequence[Candidate], history: History, size: int, seed: int, fair: Mapping[str, Fairness]
) -> list[list[str]]:
    return make_groups(pool, history, size, seed, fairness=fair)


def today(
    pool: Sequence[Candidate], history: History, size: int, seed: int, fair: Mapping[str, Fairness]
) -> list[list[str]]:
    old = [pairing_today.Candidate(c.user_id, c.library, c.languages) for c in pool]
    if not isinstance(history, dict):  # callers pass a dict when they time it
        history = dict(history)
    groups: list[list[str]] = pairing_today.make_groups(old, history, size, seed)
    return groups


def shuffle(
    pool: Sequence[Candidate], history: History, size: int, seed: int, fair: Mapping[str, Fairness]
) -> list[list[str]]:
    ids = sorted(c.user_id for c in pool)
    random.Random(seed).shuffle(ids)
    groups, start = [], 0
    for length in group_sizes(len(ids), size):
        groups.append(ids[start : start + length])
        start += length
    return groups


METHODS: dict[str, Grouper] = {"ours": ours, "today": today, "shuffle": shuffle}


# --- the penalty, from the module's public weights ---------------------------------------------


def capped(count: int) -> int:
    return W_FAIR * min(max(count, 0), FAIRNESS_CAP)


def pair_cost(a: Candidate, b: Candidate, history: History, fair: Mapping[str, Fairness]) -> int:
    cost = 0
    if not compatible(a, b):
        cost += W_NO_COMMON_LANGUAGE
    ago = history.get(frozenset((a.user_id, b.user_id)))
    if ago is not None:
        cost += repeat_penalty(ago)
    if a.library is not None and a.library == b.library:
        none = Fairness()
        cost += W_SAME_LIBRARY + capped(fair.get(a.user_id, none).same_library_pairings)
        cost += capped(fair.get(b.user_id, none).same_library_pairings)
    return cost


def group_cost(
    group: Sequence[Candidate], history: History, fair: Mapping[str, Fairness], larger: bool
) -> int:
    """A group's penalty; `larger`: it is one of the round's larger groups (seat costs)."""
    cost = sum(pair_cost(a, b, history, fair) for a, b in itertools.combinations(group, 2))
    known = [p.languages for p in group if p.languages]
    if len(group) >= 3 and known and not frozenset.intersection(*known):
        cost += W_NO_COMMON_LANGUAGE
    if larger:
        cost += sum(capped(fair.get(p.user_id, Fairness()).larger_group_seats) for p in group)
    return cost


# --- exact baselines -------------------------------------------------------------------------


def exact_pairs(
    pool: Sequence[Candidate], history: History, fair: Mapping[str, Fairness]
) -> list[list[str]]:
    """Maximum-weight perfect matching; weight BIG − the pair's penalty.

    An odd pool gets a stand-in: person x paired with it costs x's two cheapest pair
    penalties with anyone. A trio {x, y, z} costs at least (y, z) plus that, so the matching's
    total is a lower bound for every grouping with one trio (`lower_bound`); the person paired
    with the stand-in is returned alone.
    """
    people = sorted(pool, key=lambda c: c.user_id)
    costs = {
        (i, j): pair_cost(a, b, history, fair)
        for (i, a), (j, b) in itertools.combinations(enumerate(people), 2)
    }
    big = 4 * max(costs.values(), default=0) + 1
    graph = nx.Graph()
    graph.add_weighted_edges_from((i, j, big - cost) for (i, j), cost in costs.items())
    if len(people) % 2:
        cheapest: dict[int, list[int]] = {i: [] for i in range(len(people))}
        for (i, j), cost in costs.items():
            cheapest[i].append(cost)
            cheapest[j].append(cost)
        graph.add_weighted_edges_from(
            (i, -1, big - sum(sorted(c)[:2])) for i, c in cheapest.items()
        )
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    assert len(matching) * 2 == len(people) + len(people) % 2
    return [[people[k].user_id for k in (i, j) if k >= 0] for i, j in matching]


def exact_groups_dp(
    pool: Sequence[Candidate], history: History, size: int, fair: Mapping[str, Fairness]
) -> tuple[int, list[list[str]]]:
    """The least total penalty over every grouping into `group_sizes(n, size)` (n ≤ 14).

    Each group's penalty (pairs, languages, the seat costs when it is a larger group) comes
    from `score_groups` on that group alone; a grouping costs the sum. Subsets as bitmasks;
    the group holding the lowest remaining person is chosen first.
    """
    people = sorted(pool, key=lambda c: c.user_id)
    n = len(people)
    sizes = group_sizes(n, size)
    big = max(sizes) if len(set(sizes)) > 1 else -1
    bigs = sizes.count(big) if big > 0 else 0
    cost_of: dict[int, int] = {}
    by_lowest: dict[int, list[tuple[int, int]]] = {k: [] for k in range(n)}
    for length in sorted(set(sizes)):
        for members in itertools.combinations(range(n), length):
            cost = group_cost([people[k] for k in members], history, fair, length == big)
            mask = sum(1 << k for k in members)
            cost_of[mask] = cost
            by_lowest[members[0]].append((mask, length))

    @cache
    def best(mask: int, bigs_left: int) -> tuple[int, tuple[int, ...]]:
        if not mask:
            return (0, ()) if bigs_left == 0 else (1 << 62, ())
        lowest = (mask & -mask).bit_length() - 1
        result: tuple[int, tuple[int, ...]] = (1 << 62, ())
        for group, length in by_lowest[lowest]:
            if group & ~mask:
                continue
            left = bigs_left - (length == big)
            if left < 0:
                continue
            rest, chosen = best(mask & ~group, left)
            if rest + cost_of[group] < result[0]:
                result = (rest + cost_of[group], (group, *chosen))
        return result

    total, chosen = best((1 << n) - 1, bigs)
    best.cache_clear()
    groups = [[people[k].user_id for k in range(n) if group >> k & 1] for group in chosen]
    assert score_groups(groups, pool, history, fair).total_score == total, "penalties differ"
    return total, groups


# --- measuring ---------------------------------------------------------------------------------


def pairs_of(group: Sequence[str]) -> list[frozenset[str]]:
    return [frozenset(p) for p in itertools.combinations(group, 2)]


def compatible(a: Candidate, b: Candidate) -> bool:
    return not a.languages or not b.languages or bool(a.languages & b.languages)


@dataclass
class YearResult:
    pairs: int = 0
    same_library: int = 0
    no_language: int = 0
    remeetings: int = 0
    avoidable: int = 0
    recent_repeats: int = 0
    seconds: list[float] = field(default_factory=list)
    seats: Counter[str] = field(default_factory=Counter)
    colleagues: Counter[str] = field(default_factory=Counter)
    # ... only pairings where neither is language-isolated (see Year.isolated)
    free_colleagues: Counter[str] = field(default_factory=Counter)
    present: set[str] = field(default_factory=set)
    distinct: set[frozenset[str]] = field(default_factory=set)
    above_exact: int = 0  # rounds where ours costs more than the exact baseline
    exact_rounds: int = 0
    worst_excess: int = 0  # ... by how much at most (penalty units)
    needed: int = 0  # ours' re-meetings in rounds proven optimal by the exact baseline
    above_needed: int = 0  # ... in rounds where ours costs more than the exact lower bound

    @property
    def cross(self) -> float:
        return (self.pairs - self.same_library) / self.pairs if self.pairs else 1.0

    def merge(self, other: YearResult) -> None:
        for name in ("pairs", "same_library", "no_language", "remeetings", "avoidable"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("needed", "above_needed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.recent_repeats += other.recent_repeats
        self.above_exact += other.above_exact
        self.exact_rounds += other.exact_rounds
        self.worst_excess = max(self.worst_excess, other.worst_excess)
        self.seconds += other.seconds
        self.seats.update(other.seats)
        self.colleagues.update(other.colleagues)
        self.free_colleagues.update(other.free_colleagues)
        self.present |= other.present
        self.distinct |= other.distinct

    def dispersion(
        self, counts: Counter[str], among: set[str] | None = None
    ) -> tuple[float, float, int]:
        values = [counts.get(u, 0) for u in (self.present if among is None else among)]
        mean = statistics.fmean(values) if values else 0.0
        if not mean:
            return 0.0, 0.0, 0
        return statistics.pvariance(values) / mean, mean, max(values)


def absolute_spread(counts: Counter[str], among: set[str]) -> tuple[float, float, int]:
    """Per person: the variance, the mean and the most anyone got."""
    values = [counts.get(u, 0) for u in among]
    if not values:
        return 0.0, 0.0, 0
    return statistics.pvariance(values), statistics.fmean(values), max(values)


def avoidable_remeeting(
    a: Candidate, b: Candidate, pool: Sequence[Candidate], ever: set[frozenset[str]]
) -> bool:
    """One of the two had a never-met, language-compatible colleague from another library."""
    for person in (a, b):
        for other in pool:
            if other.user_id == person.user_id or not compatible(person, other):
                continue
            if person.library is not None and other.library == person.library:
                continue
            if frozenset((person.user_id, other.user_id)) not in ever:
                return True
    return False


def play_year(
    year: Year,
    method: str,
    size: int,
    seed: int,
    exact: bool = False,
    needed: bool = False,
) -> YearResult:
    """52 weekly rounds; the method's own rounds feed its own history (newest first)."""
    result = YearResult()
    past: list[list[list[Member]]] = []
    ever: set[frozenset[str]] = set()
    for week, pool in enumerate(year.weeks):
        history, fair = remember(past)
        given: History = dict(history) if method == "today" else history  # (not timed)
        start = time.perf_counter()
        groups = METHODS[method](pool, given, size, seed * 1000 + week, fair)
        result.seconds.append(time.perf_counter() - start)
        by_id = {c.user_id: c for c in pool}
        quality = score_groups(groups, pool, history)
        result.pairs += quality.pairs
        result.same_library += quality.same_library_pairs
        result.no_language += quality.no_common_language_pairs + quality.no_common_language_groups
        result.recent_repeats += quality.repeat_pairs
        sizes = {len(g) for g in groups}
        for group in groups:
            for pair in pairs_of(group):
                if pair in ever:
                    result.remeetings += 1
                    a, b = (by_id[u] for u in sorted(pair))
                    result.avoidable += avoidable_remeeting(a, b, pool, ever)
            for u in group:
                result.present.add(u)
                if len(sizes) > 1 and len(group) == max(sizes):
                    result.seats[u] += 1
                library = by_id[u].library
                mates = [v for v in group if v != u and by_id[v].library == library]
                if library is not None and mates:
                    result.colleagues[u] += 1
                    if not any(x in year.isolated for x in [u, *mates]):
                        result.free_colleagues[u] += 1
        mine = quality.repeat_pairs + quality.met_before_pairs
        if needed and method == "ours" and size == 2 and mine:
            # Were these re-meetings needed? Ours is optimal when it costs no more than the
            # exact matching (a lower bound for odd pools); then so were its re-meetings.
            matched = exact_pairs(pool, history, fair)
            ours_total = score_groups(groups, pool, history, fair).total_score
            bound = sum(
                pair_cost(by_id[g[0]], by_id[g[1]], history, fair) for g in matched if len(g) == 2
            )
            if len(pool) % 2:
                [alone] = [g[0] for g in matched if len(g) == 1]
                bound += sum(
                    sorted(
                        pair_cost(by_id[alone], c, history, fair) for c in pool if c != by_id[alone]
                    )[:2]
                )
            if ours_total <= bound:
                result.needed += mine
            else:
                result.above_needed += mine
        if exact and method == "ours":
            ours_cost = score_groups(groups, pool, history, fair).total_score
            best: int | None = None
            if size == 2 and len(pool) % 2 == 0:
                matched = exact_pairs(pool, history, fair)
                best = score_groups(matched, pool, history, fair).total_score
                by = {c.user_id: c for c in pool}
                own = sum(group_cost([by[u] for u in g], history, fair, False) for g in matched)
                assert own == best, "the bench's penalty differs from the module's"
            elif size > 2 and len(pool) <= 14:
                best, _ = exact_groups_dp(pool, history, size, fair)
            if best is not None:
                result.exact_rounds += 1
                result.above_exact += ours_cost > best
                result.worst_excess = max(result.worst_excess, ours_cost - best)
        for group in groups:
            ever.update(pairs_of(group))
            result.distinct.update(pairs_of(group))
        past.insert(0, [[(u, by_id[u].library) for u in g] for g in groups])
        del past[MEMORY_HORIZON:]
    return result


VERDICTS: list[tuple[str, bool, str]] = []


def verdict(target: str, met: bool, detail: str) -> None:
    VERDICTS.append((target, met, detail))


YEAR_HEADER = (
    "| roster | size | years | method | ms/round | re-meetings | avoidable | repeats ≤12 "
    "| cross-lib | ÷ today | no-lang | distinct pairs | seat disp. (max) "
    "| same-lib disp. (max; mean) | same-lib not forced disp. (max) | vs exact |\n"
    "|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def year_row(
    roster: int,
    size: int,
    years: int,
    method: str,
    r: YearResult,
    base: YearResult,
    isolated: set[str],
) -> str:
    seat, _, seat_max = r.dispersion(r.seats)
    lib, lib_mean, lib_max = r.dispersion(r.colleagues)
    free, _, free_max = r.dispersion(r.free_colleagues, r.present - isolated)
    exact = ""
    if r.exact_rounds:
        exact = f"{r.exact_rounds - r.above_exact}/{r.exact_rounds} rounds equal"
        if r.worst_excess:
            exact += f", worst +{r.worst_excess:,}"
    return (
        f"| {roster:,} | {size} | {years} | {method} "
        f"| {statistics.median(r.seconds) * 1000:,.1f} "
        f"| {r.remeetings:,} | {r.avoidable:,} | {r.recent_repeats:,} | {r.cross:.2%} "
        f"| {r.cross / base.cross:.3f} | {r.no_language} | {len(r.distinct):,} "
        f"| {seat:.2f} ({seat_max}) | {lib:.2f} ({lib_max}; {lib_mean:.2f}) "
        f"| {free:.2f} ({free_max}) | {exact} |"
    )


def year_section() -> None:
    print("## A year: 52 weekly rounds with pauses and churn, each method on its own history")
    print()
    # (roster, group size, years played with different pools, exact baseline each round)
    cases = [(31, 2, 4, True), (120, 2, 3, True), (120, 3, 2, False), (600, 2, 2, False)]
    if QUICK:
        cases = [(31, 2, 1, True), (120, 2, 1, False)]
    rows = []
    for roster, size, years, exact in cases:
        results = {method: YearResult() for method in METHODS}
        isolated: set[str] = set()
        for k in range(years):
            year = make_year(roster, seed=roster * 10 + k)
            isolated |= year.isolated
            pools = [len(p) for p in year.weeks]
            print(
                f"- roster {roster} in groups of {size}, year {k + 1}: {len(year.everyone)} "
                f"people in the year ({len(year.isolated)} language-isolated), "
                f"{min(pools)}–{max(pools)} a round; "
                f"{language_mix(list(year.everyone.values()))}",
                flush=True,
            )
            for method, result in results.items():
                result.merge(
                    play_year(year, method, size, seed=1 + k, exact=exact, needed=roster >= 600)
                )
        rows.append((roster, size, years, results, isolated))
        o, t, s = results["ours"], results["today"], results["shuffle"]
        if roster == 600:
            verdict(
                "600 people, a year: 0 re-meetings while a never-met compatible colleague "
                "from another library was available (could be paired without a worse "
                "grouping elsewhere: beyond the exact matching's)",
                o.above_needed == 0,
                f"ours {o.remeetings} re-meetings in {years} years: {o.needed} in rounds where "
                f"ours costs no more than the exact matching (a lower bound for odd pools), "
                f"{o.above_needed} in rounds that cost more; the local test (one "
                f"of the two had a never-met compatible colleague of another library in the "
                f"pool) flags ours {o.avoidable}, today {t.avoidable} (of {t.remeetings}), "
                f"shuffle {s.avoidable}",
            )
        verdict(
            f"{roster} people in groups of {size}: no loss of cross-library share vs today",
            o.cross >= t.cross,
            f"ours {o.cross:.2%}, today {t.cross:.2%} (÷ {o.cross / t.cross:.4f}; "
            f"{o.pairs:,} and {t.pairs:,} pairs over {years} years)",
        )
        free = o.present - isolated
        for label, counts, among in (
            ("trio seats", "seats", None),
            ("same-library pairings (not forced by language)", "free_colleagues", free),
        ):
            mine, _, mine_max = o.dispersion(getattr(o, counts), among)
            # The same people on each side: everyone for seats, the not isolated otherwise.
            theirs, _, theirs_max = s.dispersion(
                getattr(s, counts), s.present - isolated if among else None
            )
            was = t.dispersion(getattr(t, counts), t.present - isolated if among else None)
            verdict(
                f"{roster} people in groups of {size}: {label} spread no wider than a shuffle's",
                mine <= theirs,
                f"dispersion (variance ÷ mean) ours {mine:.2f} (max {mine_max}), shuffle "
                f"{theirs:.2f} (max {theirs_max}), today {was[0]:.2f} (max {was[2]})",
            )
        # Over everyone the dispersion index (variance ÷ mean) compares badly only because ours
        # has a tenth of the shuffle's same-library pairings; how unevenly they fall on people
        # is their variance and the most one person gets.
        mine_var, mine_mean, mine_max = absolute_spread(o.colleagues, o.present)
        their_var, their_mean, their_max = absolute_spread(s.colleagues, s.present)
        verdict(
            f"{roster} people in groups of {size}: same-library pairings of everyone fall on "
            "people no more unevenly than a shuffle's (variance and max per person)",
            mine_var <= their_var and mine_max <= their_max,
            f"variance ours {mine_var:.2f} (max {mine_max}, mean {mine_mean:.2f}), shuffle "
            f"{their_var:.2f} (max {their_max}, mean {their_mean:.2f}); dispersion index ours "
            f"{o.dispersion(o.colleagues)[0]:.2f}, shuffle {s.dispersion(s.colleagues)[0]:.2f}",
        )
        if o.exact_rounds:
            verdict(
                f"{roster} people in pairs: every round as good as the exact matching",
                o.above_exact == 0,
                f"{o.exact_rounds - o.above_exact} of {o.exact_rounds} even rounds equal"
                + (f", worst +{o.worst_excess:,}" if o.worst_excess else ""),
            )
    print()
    print(YEAR_HEADER)
    for roster, size, years, results, isolated in rows:
        for method, r in results.items():
            print(year_row(roster, size, years, method, r, results["today"], isolated))
    print()


def dp_section() -> None:
    print("## Small groups against the exact optimum (subset DP), a year at a roster of 14")
    print()
    print("| size | rounds compared | ours = exact | ours above exact | exact ms (median) |")
    print("|---:|---:|---:|---:|---:|")
    weeks = 12 if QUICK else 52
    for size in (3, 4):
        year = make_year(14, seed=1400 + size, weeks=weeks)
        past: list[list[list[Member]]] = []
        equal = above = 0
        spent = []
        for week, pool in enumerate(year.weeks):
            history, fair = remember(past)
            groups = make_groups(pool, history, size, week, fairness=fair)
            mine = score_groups(groups, pool, history, fair).total_score
            start = time.perf_counter()
            best, _ = exact_groups_dp(pool, history, size, fair)
            spent.append(time.perf_counter() - start)
            equal += mine == best
            above += mine > best
            assert mine >= best, "the DP is exact: nothing can cost less"
            by_id = {c.user_id: c for c in pool}
            past.insert(0, [[(u, by_id[u].library) for u in g] for g in groups])
        print(
            f"| {size} | {len(year.weeks)} | {equal} | {above} "
            f"| {statistics.median(spent) * 1000:,.0f} |",
            flush=True,
        )
        verdict(
            f"14 people in groups of {size}, a year: every round as good as the exact optimum",
            above == 0,
            f"{equal} of {len(year.weeks)} rounds equal to the subset DP",
        )
    print()


# --- large pools -----------------------------------------------------------------------------


def problems(group: Sequence[str], by_id: Mapping[str, Candidate], history: History) -> tuple:
    people = [by_id[u] for u in group]
    language = sum(not compatible(a, b) for a, b in itertools.combinations(people, 2))
    known = [p.languages for p in people if p.languages]
    if len(group) >= 3 and known and not frozenset.intersection(*known):
        language += 1
    repeats = sum(history.get(p, REPEAT_HORIZON + 1) <= REPEAT_HORIZON for p in pairs_of(group))
    return language, repeats


def swap_avoidable(groups: list[list[str]], pool: Sequence[Candidate], history: History) -> int:
    """Groups with a repeat or a language problem that one exchange with another group's
    member improves (fewer language problems, or as many and fewer repeats, in the two)."""
    by_id = {c.user_id: c for c in pool}
    found = 0
    for g, group in enumerate(groups):
        mine = problems(group, by_id, history)
        if mine == (0, 0):
            continue
        hit = False
        for h, other in enumerate(groups):
            if h == g or hit:
                continue
            theirs = problems(other, by_id, history)
            before = (mine[0] + theirs[0], mine[1] + theirs[1])
            for p in group:
                for q in other:
                    new1 = [q if x == p else x for x in group]
                    new2 = [p if x == q else x for x in other]
                    a, b = problems(new1, by_id, history), problems(new2, by_id, history)
                    if (a[0] + b[0], a[1] + b[1]) < before:
                        hit = True
                        break
                if hit:
                    break
        found += hit
    return found


def history_by(method: str, pool: list[Candidate], size: int, weeks: int) -> list:
    past: list[list[list[Member]]] = []
    by_id = {c.user_id: c for c in pool}
    for week in range(weeks):
        history, fair = remember(past) if method != "shuffle" else ({}, {})
        groups = METHODS[method](pool, history, size, 7 + week, fair)
        past.insert(0, [[(u, by_id[u].library) for u in g] for g in groups])
    return past


def large_section() -> None:
    print("## Large pools: one round after a year of history (sizes 2–4)")
    print()
    print(
        "| people | size | history | method | wall s median (max) | CPU s median | × today "
        "| repeats | swap-avoidable | no-lang | cross-lib | placed |"
    )
    print("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    memory: dict[int, dict[str, float]] = {}
    sizes = [(1_000, 3), (1_000, 4), (10_000, 2), (10_000, 3), (10_000, 4)]
    if QUICK:
        sizes = [(1_000, 3), (10_000, 4)]
    for people, size in sizes:
        pool = make_pool(people, seed=people + size)
        # 1,000: the bot's own rounds (make_groups); 10,000: seeded shuffles (52 rounds of
        # make_groups at 10,000 would take minutes; the shuffle history is as large).
        source = "make_groups" if people <= 1_000 else "shuffle"
        past = history_by("ours" if source == "make_groups" else "shuffle", pool, size, 52)
        history, fair = remember(past)
        plain = dict(history)  # what today's make_groups takes (converted before timing)
        rows: dict[str, tuple[list[float], list[float], list[list[str]]]] = {}
        for method in ("ours", "today"):
            walls, cpus = [], []
            groups: list[list[str]] = []
            for seed in range(1 if method == "today" or QUICK else 3):
                gc.collect()
                start, cpu = time.perf_counter(), time.process_time()
                given = history if method == "ours" else plain
                groups = METHODS[method](pool, given, size, 1000 + seed, fair)
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
            rows[method] = (walls, cpus, groups)
        for method, (walls, cpus, groups) in rows.items():
            quality = score_groups(groups, pool, history)
            flat = sorted(u for g in groups for u in g)
            placed = flat == sorted(c.user_id for c in pool) and sorted(map(len, groups)) == sorted(
                group_sizes(len(pool), size)
            )
            avoidable = swap_avoidable(groups, pool, history)
            ratio = statistics.median(walls) / statistics.median(rows["today"][0])
            print(
                f"| {people:,} | {size} | 52 rounds by {source} ({len(history):,} pairs) "
                f"| {method} | {statistics.median(walls):.3f} ({max(walls):.3f}) "
                f"| {statistics.median(cpus):.3f} | {ratio:.2f}× | {quality.repeat_pairs} "
                f"| {avoidable} "
                f"| {quality.no_common_language_pairs + quality.no_common_language_groups} "
                f"| {quality.cross_library_share:.2%} | {'yes' if placed else 'NO'} |",
                flush=True,
            )
            if method == "ours" and size >= 3:
                verdict(
                    f"{people:,} people in groups of {size}: 0 repeats or language problems "
                    "that a single swap removes",
                    avoidable == 0 and placed,
                    f"ours {avoidable} (today {swap_avoidable(rows['today'][2], pool, history)})",
                )
        if people == 10_000 and size == 4:
            walls, cpus, _ = rows["ours"]
            verdict(
                "10,000 people in groups of 4: under 1 s",
                max(walls) < 1.0,
                f"wall max {max(walls):.3f} s, median {statistics.median(walls):.3f} s; CPU "
                f"median {statistics.median(cpus):.3f} s (today's: wall "
                f"{statistics.median(rows['today'][0]):.3f} s)",
            )
            memory[size] = measure_memory(pool, history, fair, size)
            verdict(
                "10,000 people in groups of 4: under 500 MB peak",
                memory[size]["after_mb"] < 500,
                f"child process VmHWM {memory[size]['after_mb']:.0f} MB (pool and history "
                f"loaded: {memory[size]['before_mb']:.0f} MB); the call's own allocations "
                f"peak at {memory[size]['traced_mb']:.0f} MB (tracemalloc)",
            )
    print()


def measure_memory(
    pool: list[Candidate], history: History, fair: Mapping[str, Fairness], size: int
) -> dict[str, float]:
    tracemalloc.start()
    make_groups(pool, history, size, 1000, fairness=fair)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.pickle"
        path.write_bytes(pickle.dumps((pool, history, fair, size)))
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    return {"traced_mb": peak / 1e6, "before_mb": float(out[0]), "after_mb": float(out[1])}


def vm_hwm_mb() -> float:
    """Peak resident set size of this process (kB in /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def memory_child(path: str) -> None:
    pool, history, fair, size = pickle.loads(Path(path).read_bytes())
    before = vm_hwm_mb()
    make_groups(pool, history, size, 1000, fairness=fair)
    print(before, vm_hwm_mb())


def main() -> None:
    if sys.argv[1:2] == ["--memory-child"]:
        memory_child(sys.argv[2])
        return
    print(
        f"# pairing benchmark — python {platform.python_version()}, networkx {nx.__version__}, "
        f"nproc {os.cpu_count()}, {platform.machine()}{' (quick)' if QUICK else ''}"
    )
    print()
    started = time.perf_counter()
    year_section()
    dp_section()
    large_section()
    print("## Targets")
    print()
    for target, met, detail in VERDICTS:
        print(f"- {'MET' if met else 'MISSED'}: {target} — {detail}")
    print()
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
