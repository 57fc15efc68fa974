"""Pairing quality and speed: bot.domain.pairing against a naive seeded shuffle.

Run: `make bench` (every bench/*.py) or `.venv/bin/python bench/pairing.py [--quick]`.

Machines are noisy, so times are also printed as a ratio to the baseline measured in the same
run. Each pool plays consecutive rounds with every round's groups fed back as history (ours
and the baseline each keep their own history). The pool is a realistic mix: 30 libraries of
uneven size (a few big city libraries, many small ones, 2% unknown), about 60% Finnish-only,
Swedish-only or sv+fi bilingual, the rest with English in the mix; Swedish-speaking libraries
have mostly Swedish speakers.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain.pairing import (
    REPEAT_HORIZON,
    Candidate,
    group_sizes,
    make_groups,
    score_groups,
)

History = dict[frozenset[str], int]
Grouper = Callable[[Sequence[Candidate], Mapping[frozenset[str], int], int, int], list[list[str]]]

LIBRARIES = 30
SWEDISH_LIBRARIES = 7  # of the 30, these serve mostly Swedish speakers
LANGUAGE_MIX = {  # (languages, weight at a Finnish-majority library, at a Swedish one)
    ("fi",): (38, 6),
    ("sv",): (3, 30),
    ("sv", "fi"): (17, 35),
    ("fi", "en"): (28, 6),
    ("sv", "en"): (2, 12),
    ("sv", "fi", "en"): (7, 9),
    ("en",): (3, 1),
    (): (2, 1),
}


def make_pool(count: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    names = [f"lib{k:02d}" for k in range(LIBRARIES)]
    rng.shuffle(names)
    weights = [1 / (k + 1) ** 0.9 for k in range(LIBRARIES)]  # a few big, many small
    swedish = set(rng.sample(names, SWEDISH_LIBRARIES))
    options = list(LANGUAGE_MIX)
    pool = []
    for k in range(count):
        library = rng.choices(names, weights)[0]
        column = 1 if library in swedish else 0
        languages = rng.choices(options, [w[column] for w in LANGUAGE_MIX.values()])[0]
        pool.append(
            Candidate(
                user_id=f"U{k:06d}",
                library=library if rng.random() > 0.02 else None,
                languages=frozenset(languages),
            )
        )
    return pool


def naive_groups(
    candidates: Sequence[Candidate],
    history: Mapping[frozenset[str], int],
    group_size: int,
    seed: int,
) -> list[list[str]]:
    """The baseline: shuffle with the seed, cut into groups of the same sizes as ours."""
    ids = [c.user_id for c in candidates]
    random.Random(seed).shuffle(ids)
    groups, start = [], 0
    for size in group_sizes(len(ids), group_size):
        groups.append(ids[start : start + size])
        start += size
    return groups


def next_history(history: History, groups: list[list[str]]) -> History:
    aged = {pair: ago + 1 for pair, ago in history.items() if ago < 24}
    for group in groups:
        for a in range(len(group)):
            for b in range(a + 1, len(group)):
                aged[frozenset((group[a], group[b]))] = 1
    return aged


@dataclass
class Totals:
    seconds: list[float]
    pairs: int = 0
    same_library: int = 0
    repeats: int = 0
    no_language: int = 0
    no_language_groups: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000


def play(
    pool: list[Candidate], group_size: int, rounds: int, grouper: Grouper, seed: int
) -> Totals:
    totals = Totals(seconds=[])
    history: History = {}
    for round_no in range(rounds):
        start = time.perf_counter()
        groups = grouper(pool, history, group_size, seed + round_no)
        totals.seconds.append(time.perf_counter() - start)
        quality = score_groups(groups, pool, history)
        totals.pairs += quality.pairs
        totals.same_library += quality.same_library_pairs
        totals.repeats += quality.repeat_pairs
        totals.no_language += quality.no_common_language_pairs
        totals.no_language_groups += quality.no_common_language_groups
        history = next_history(history, groups)
    return totals


def main() -> None:
    quick = "--quick" in sys.argv
    cases = [
        (10, 2),
        (10, 3),
        (20, 2),
        (50, 2),
        (50, 3),
        (500, 2),
        (500, 4),
        (10_000, 2),
        (10_000, 3),
    ]
    rounds_for = {10: 12, 20: 12, 50: 12, 500: 12, 10_000: 3 if quick else 6}
    print(
        f"# pairing benchmark — python {platform.python_version()}, nproc {os.cpu_count()}, "
        f"{platform.machine()}"
    )
    print("Per pool: consecutive rounds, history fed back; ours vs naive shuffle (baseline).")
    print("repeat = share of within-group pairs who met within the last 12 rounds;")
    print("no-lang = pairs sharing no chat language (+ groups of 3+ with no common language).")
    print("floor = fewest repeats any algorithm can reach: pairs formed minus distinct pairs.")
    print()
    print(
        "| pool | size | rounds | ms/round ours | ms/round base | time ratio "
        "| cross-library ours / base | repeat ours / base (floor) | no-lang ours / base |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---|---|")
    started = time.perf_counter()
    for count, group_size in cases:
        pool = make_pool(count, seed=count)
        rounds = rounds_for[count]
        base = play(pool, group_size, rounds, naive_groups, seed=1)
        ours = play(pool, group_size, rounds, make_groups, seed=1)
        ratio = ours.median_ms / base.median_ms if base.median_ms else float("inf")

        def cross(t: Totals) -> str:
            return f"{(t.pairs - t.same_library) / t.pairs:.1%}"

        def repeat(t: Totals) -> str:
            return f"{t.repeats / t.pairs:.1%}"

        # Every pair formed beyond the pool's distinct pairs must be a repeat, as long as all
        # earlier rounds are within the horizon.
        assert rounds <= REPEAT_HORIZON + 1
        floor = max(0, ours.pairs - count * (count - 1) // 2) / ours.pairs

        def no_lang(t: Totals) -> str:
            return f"{t.no_language}+{t.no_language_groups}"

        print(
            f"| {count:,} | {group_size} | {rounds} | {ours.median_ms:.1f} "
            f"(max {max(ours.seconds) * 1000:.0f}) | {base.median_ms:.2f} | {ratio:,.0f}× "
            f"| {cross(ours)} / {cross(base)} | {repeat(ours)} / {repeat(base)} ({floor:.1%}) "
            f"| {no_lang(ours)} / {no_lang(base)} |",
            flush=True,
        )
    print()
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
