"""Who meets whom in a coffee round: a pure, deterministic grouping algorithm.

The problem is a weighted grouping: putting two people together costs a penalty when they
share no chat language, when they met before (much more when recently), and when they work at
the same library; small fairness terms decide who takes the seats nobody prefers. The exact
answer (maximum-weight matching, or worse for trios) is O(n³) and memory-hungry, so we build
groups greedily and then improve them by moving people between groups (swaps; when sizes
differ, moves from a larger group to a smaller one). Small pools (up to 120 people), where
repeats are hardest to avoid, try every partner and then run an iterated local search within
a fixed amount of work (at most a few tens of ms); large pools sample partners, so 10,000
people take about a second. Rounds of pairs then mend what such moves cannot reach: a pair
that still costs something is fixed by a longer chain of changes (a meets x1, x1's partner
meets x2, …, the last one freed meets b), found by a breadth-first search over the people in
pairs (``_mend_pairs``). Last, every group that still carries a recent repeat or a language
problem tries every single swap and move with everyone in the pool (``_final_swaps``), so no
such penalty is left that one exchange removes, whatever the group size. When sizes differ, a
larger group of a large pool that still costs something may then pass its extra seat on
through two other groups (one member takes a place elsewhere, whose holder joins a third
group: ``_pass_on_seats``), which no single exchange of the larger group's members reaches
(small pools try every move of every member, which includes this as the holder's chain).

The penalties are tiered. The weights are orders of magnitude apart, so one unit of a tier
outweighs all that the tiers below can add up to in a group of seven (21 pairs, 7 people;
``tests/coffee/test_pairing.py`` checks the arithmetic):

1. **No shared chat language** (``W_NO_COMMON_LANGUAGE`` per pair; a group of three or more
   with no language *all* members share costs the same once more). People must be able to
   talk at all. Unknown languages count as compatible.
2. **A recent repeat** (``W_REPEAT`` per pair who met within ``REPEAT_HORIZON`` rounds).
   Fewer repeats first, then which ones: ``W_RECENCY`` per round of recency, so a pair who
   met last round costs more than one who met five rounds ago.
3. **The same library** (``W_SAME_LIBRARY`` per pair). Unknown libraries count as different.
4. **Met before** (``W_MET_BEFORE`` × 4 down to × 1 per pair who met more than
   ``REPEAT_HORIZON`` and at most ``MEMORY_HORIZON`` rounds ago, older = cheaper): a
   tie-breaker, so that with a never-met colleague from another library available nobody
   meets a year-old acquaintance again, but an old acquaintance from another library still
   beats a colleague from one's own library. Beyond ``MEMORY_HORIZON`` a meeting costs
   nothing. (Weighing old meetings like recent ones would trade libraries for them: in the
   evaluation behind issue 15, cross-library share fell from 95 % to 83 % at 31 people.)
5. **Fairness** (``W_FAIR`` per unit; each person's count capped at ``FAIRNESS_CAP``), from
   the per-person ``Fairness`` the caller passes: when sizes differ, each member of a larger
   group costs their recent seats in larger groups, and each same-library pair costs the two
   people's recent same-library pairings. So the odd seat and the unavoidable same-library
   pairings go round instead of falling on the same people.

Why repeats before libraries: "I keep meeting the same person" is the complaint users of other
coffee bots make most, and the acceptance rule is "nobody repeats a partner while an unmet
colleague is available". The two tiers only disagree in small pools dominated by one library
once every cross-library partner has been met within the horizon; there a first meeting with
an unmet colleague of one's own library (often another branch) is worth more than the third
coffee with the same person. With plenty of people from other libraries (every realistic
round), nobody is grouped with a colleague from their own library. Swapping the two tiers is
a change of ``W_REPEAT``/``W_RECENCY`` versus ``W_SAME_LIBRARY``.

Everything is seeded: the same candidates (in any order), history, fairness, size and seed
give the same groups. Only ``random.Random(seed)`` is used; no clock, no I/O. Ties are broken
by that seed, never by the order of the input or the spelling of the ids: people get their
working numbers in a seeded order (``_Model``), so "the first one found" is a seeded choice.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "FAIRNESS_CAP",
    "MEMORY_HORIZON",
    "REPEAT_HORIZON",
    "W_FAIR",
    "W_MET_BEFORE",
    "W_NO_COMMON_LANGUAGE",
    "W_RECENCY",
    "W_REPEAT",
    "W_SAME_LIBRARY",
    "Candidate",
    "Fairness",
    "PairHistory",
    "PairingQuality",
    "group_sizes",
    "make_groups",
    "remember",
    "repeat_penalty",
    "score_groups",
]

REPEAT_HORIZON = 12
"""A pair who met at most this many rounds ago is a (costly) repeat."""
MEMORY_HORIZON = 52
"""A pair who met more than this many rounds ago (a year of weekly rounds) costs nothing."""
FAIRNESS_CAP = 8
"""Fairness counts above this weigh the same."""

W_NO_COMMON_LANGUAGE = 10_000_000_000
W_REPEAT = 300_000_000
W_RECENCY = 1_000_000
W_SAME_LIBRARY = 40_000
W_MET_BEFORE = 400
W_FAIR = 1

MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 6

# Pools up to this size try every partner and then search further: they are cheap and they
# are where repeats are hardest to avoid. Larger pools sample their partners.
_EXHAUSTIVE_MAX = 120
_SAMPLE = 24  # candidates sampled per greedy slot and per local-search step in large pools
_WORK_PER_CALL = 300_000  # move evaluations a small pool may spend on iterated local search
_STALL = 100_000  # ... and stops early once this many brought nothing better
_POLISH = 200_000  # move evaluations a large pool may spend on the groups still costing something
_STUCK_SAMPLE = 200  # partners tried from those groups per person
_MEND_WORK = 1_500_000  # looks at people a call may spend mending chains of pairs
_FINAL_SCANS = 60  # people with a repeat or language problem the final pass tries with everyone
_FINAL_OLD_WORK = 100_000  # ... and move evaluations it may spend on meetings within the year
_PASS_ON_WORK = 200_000  # people a large pool may look at passing on costly larger-group seats

_ALL_LANGUAGES = -1  # bitmask of an unknown language set: compatible with everyone


@dataclass(frozen=True)
class Candidate:
    """One person to group: their library key and the languages they can chat in."""

    user_id: str
    library: str | None  # a library key; None = unknown (counts as different from everyone)
    languages: frozenset[str]  # chat languages ("sv", "fi", "en"); empty = unknown


@dataclass(frozen=True)
class Fairness:
    """What one person recently got of the seats nobody prefers (counts of rounds)."""

    larger_group_seats: int = 0  # rounds in a group larger than the round's smallest
    same_library_pairings: int = 0  # rounds with a partner from their own library


@dataclass(frozen=True)
class PairingQuality:
    """How good a grouping is; every member pair of a group counts (a trio has 3 pairs)."""

    pairs: int
    cross_library_share: float  # share of pairs from different (or unknown) libraries
    same_library_pairs: int
    repeat_pairs: int  # pairs who met within REPEAT_HORIZON rounds
    no_common_language_pairs: int
    no_common_language_groups: int  # groups of 3+ with no language all members share
    total_score: int  # the penalty make_groups minimises; lower is better, 0 is perfect
    met_before_pairs: int = 0  # pairs who met earlier, within MEMORY_HORIZON rounds


def repeat_penalty(rounds_ago: int) -> int:
    """Cost of grouping a pair again who last met ``rounds_ago`` rounds ago (1 = last round).

    Within ``REPEAT_HORIZON``: ``W_REPEAT`` plus ``W_RECENCY`` per round of recency. Up to
    ``MEMORY_HORIZON``: 4 × ``W_MET_BEFORE`` just beyond the horizon, falling to 1 × a year
    ago. Beyond: 0.
    """
    rounds_ago = max(rounds_ago, 1)
    if rounds_ago <= REPEAT_HORIZON:
        return W_REPEAT + W_RECENCY * (REPEAT_HORIZON + 1 - rounds_ago)
    if rounds_ago <= MEMORY_HORIZON:
        span = MEMORY_HORIZON - REPEAT_HORIZON - 1
        return W_MET_BEFORE * (1 + 3 * (MEMORY_HORIZON - rounds_ago) // span)
    return 0


def group_sizes(count: int, group_size: int) -> list[int]:
    """Sizes of the groups for ``count`` people: never one alone, never below ``group_size``.

    Leftovers join existing groups one per group (11 people in pairs: a trio and four pairs);
    fewer people than ``group_size`` (but at least two) make one group of everyone.
    """
    _check_group_size(group_size)
    if count < MIN_GROUP_SIZE:
        return []
    groups = count // group_size
    if groups == 0:
        return [count]
    base, extra = divmod(count, groups)
    return [base + 1] * extra + [base] * (groups - extra)


Member = tuple[str, str | None]
"""A person in a past group: user id and the library key they had then."""


class PairHistory(Mapping[frozenset[str], int]):
    """Pair → rounds ago, kept per person (``remember`` makes it).

    A plain mapping of pairs works as well; this one lets ``make_groups`` read a year of a
    large pool's meetings person by person instead of pair by pair, about twice as fast.
    """

    def __init__(self) -> None:
        self.partners: dict[str, dict[str, int]] = {}
        self._pairs = 0

    def meet(self, a: str, b: str, rounds_ago: int) -> None:
        """Record a meeting unless a newer one of the two is known already."""
        row = self.partners.setdefault(a, {})
        if b in row or a == b:
            return
        row[b] = rounds_ago
        self.partners.setdefault(b, {})[a] = rounds_ago
        self._pairs += 1

    def __getitem__(self, pair: frozenset[str]) -> int:
        if len(pair) != 2:
            raise KeyError(pair)
        a, b = pair
        try:
            return self.partners[a][b]
        except KeyError:
            raise KeyError(pair) from None

    def __iter__(self) -> Iterator[frozenset[str]]:
        for a, row in self.partners.items():
            for b in row:
                if a < b:
                    yield frozenset((a, b))

    def __len__(self) -> int:
        return self._pairs


def remember(
    rounds: Sequence[Sequence[Sequence[Member]]],
) -> tuple[PairHistory, dict[str, Fairness]]:
    """What ``make_groups`` needs to know about past rounds, given newest first.

    Each round is its list of groups (members with their library key then). Returns the
    history (pair → rounds ago, 1 = the newest round; the latest meeting counts) and each
    person's ``Fairness``: rounds they sat in a group larger than that round's smallest,
    and rounds they had a partner from their own (known) library. Only the newest
    ``MEMORY_HORIZON`` rounds count.
    """
    history = PairHistory()
    seats: dict[str, int] = {}
    colleagues: dict[str, int] = {}
    for ago, groups in enumerate(rounds[:MEMORY_HORIZON], start=1):
        sizes = [len(group) for group in groups if len(group) >= MIN_GROUP_SIZE]
        smallest = min(sizes, default=0)
        for group in groups:
            if len(group) < MIN_GROUP_SIZE:
                continue
            for k, (a, library_a) in enumerate(group):
                if len(group) > smallest:
                    seats[a] = seats.get(a, 0) + 1
                alike = False
                for b, library_b in group:
                    if b == a:
                        continue
                    alike |= library_a is not None and library_a == library_b
                for b, _ in group[k + 1 :]:
                    history.meet(a, b, ago)
                if alike:
                    colleagues[a] = colleagues.get(a, 0) + 1
    fairness = {
        user_id: Fairness(seats.get(user_id, 0), colleagues.get(user_id, 0))
        for user_id in seats.keys() | colleagues.keys()
    }
    return history, fairness


def make_groups(
    candidates: Sequence[Candidate],
    history: Mapping[frozenset[str], int],
    group_size: int,
    seed: int,
    fairness: Mapping[str, Fairness] | None = None,
) -> list[list[str]]:
    """Group the candidates for one round; see the module docstring for the priorities.

    ``history`` maps a pair of user ids to how many rounds ago they last met (1 = last round);
    pairs involving people not in ``candidates`` are ignored. ``fairness`` tells, per user id,
    who recently sat in larger groups or with colleagues (missing = never). Returns groups of
    user ids: groups ordered by their smallest user id, members in a seeded order (so a caller
    that asks ``group[0]`` to propose a time spreads that job fairly). Fewer than two
    candidates give ``[]``.
    """
    _check_group_size(group_size)
    rng = random.Random(seed)
    model = _Model(candidates, history, fairness, rng)
    sizes = group_sizes(model.n, group_size)
    if not sizes:
        return []
    best = [list(range(model.n))] if len(sizes) == 1 else _search(model, sizes, rng)
    result = [[model.user_ids[i] for i in group] for group in best]
    for group in result:
        rng.shuffle(group)
    result.sort(key=min)
    return result


def score_groups(
    groups: Sequence[Sequence[str]],
    candidates: Sequence[Candidate],
    history: Mapping[frozenset[str], int],
    fairness: Mapping[str, Fairness] | None = None,
) -> PairingQuality:
    """Measure a grouping with the same penalties ``make_groups`` minimises."""
    model = _Model(candidates, history, fairness)
    index = {user_id: i for i, user_id in enumerate(model.user_ids)}
    pairs = same_library = repeats = met_before = no_language = no_language_groups = 0
    members_of = [[index[user_id] for user_id in group] for group in groups]
    sizes = {len(members) for members in members_of}
    big = max(sizes) if len(sizes) > 1 else -1
    total = 0
    for members in members_of:
        total += model.group_cost(members)
        if len(members) == big:
            total += sum(model.seat[i] for i in members)
        for a, i in enumerate(members):
            for j in members[a + 1 :]:
                pairs += 1
                same_library += model.lib[i] == model.lib[j]
                penalty = model.met[i].get(j, 0)
                repeats += penalty >= W_REPEAT
                met_before += 0 < penalty < W_REPEAT
                no_language += not model.lang[i] & model.lang[j]
        if len(members) >= 3 and not model.group_mask(members):
            no_language_groups += 1
    return PairingQuality(
        pairs=pairs,
        cross_library_share=(pairs - same_library) / pairs if pairs else 1.0,
        same_library_pairs=same_library,
        repeat_pairs=repeats,
        no_common_language_pairs=no_language,
        no_common_language_groups=no_language_groups,
        total_score=total,
        met_before_pairs=met_before,
    )


def _check_group_size(group_size: int) -> None:
    if not MIN_GROUP_SIZE <= group_size <= MAX_GROUP_SIZE:
        raise ValueError(f"group_size must be {MIN_GROUP_SIZE}..{MAX_GROUP_SIZE}, not {group_size}")


_PENALTY = [repeat_penalty(rounds_ago) for rounds_ago in range(MEMORY_HORIZON + 1)]


class _Model:
    """The candidates as small integers with precomputed penalties.

    The numbers follow the user ids sorted and then shuffled by the seed (``rng``), so the
    input order never matters and "the first one" of equals is a seeded choice, not the one
    whose id sorts first. Without ``rng`` (scoring only) they follow the sorted ids.
    """

    def __init__(
        self,
        candidates: Sequence[Candidate],
        history: Mapping[frozenset[str], int],
        fairness: Mapping[str, Fairness] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        people = sorted(candidates, key=lambda c: c.user_id)
        if rng is not None:
            rng.shuffle(people)
        self.user_ids = [c.user_id for c in people]
        self.n = len(people)
        index = {user_id: i for i, user_id in enumerate(self.user_ids)}
        if len(index) != self.n:
            raise ValueError("each candidate must appear once")

        bits: dict[str, int] = {}
        for code in sorted({code for c in people for code in c.languages}):
            bits[code] = 1 << len(bits)
        self.lang = [
            sum(bits[code] for code in c.languages) if c.languages else _ALL_LANGUAGES
            for c in people
        ]

        # Unknown libraries get an id of their own so they never match anyone.
        libraries: dict[str, int] = {}
        self.lib = [
            libraries.setdefault(c.library, len(libraries)) if c.library is not None else -1 - i
            for i, c in enumerate(people)
        ]

        # seat[i]: what a seat in a larger group costs i; lib_fair[i]: what i adds to a
        # same-library pair. Both from the fairness counts, capped.
        fair = fairness or {}
        none = Fairness()
        self.seat = [0] * self.n
        self.lib_fair = [0] * self.n
        if fair:
            for i, user_id in enumerate(self.user_ids):
                counts = fair.get(user_id, none)
                self.seat[i] = W_FAIR * min(max(counts.larger_group_seats, 0), FAIRNESS_CAP)
                self.lib_fair[i] = W_FAIR * min(max(counts.same_library_pairings, 0), FAIRNESS_CAP)

        # met[i][j] = repeat penalty of i and j; only pairs within the memory are kept.
        met: list[dict[int, int]] = [{} for _ in people]
        self.met = met
        # (This is most of the cost of a large pool with a year of history: kept lean.)
        get, penalty_of, memory = index.get, _PENALTY, MEMORY_HORIZON
        if isinstance(history, PairHistory):
            partners = history.partners
            for x, user_id in enumerate(self.user_ids):
                row = partners.get(user_id)
                if row:
                    met[x] = {
                        y: penalty_of[ago if ago > 0 else 1]
                        for b, ago in row.items()
                        if ago <= memory and (y := get(b)) is not None
                    }
            return
        for pair, rounds_ago in history.items():
            if rounds_ago > memory:
                continue  # a meeting beyond the memory costs nothing
            try:
                a, b = pair
            except ValueError:
                continue  # not a pair
            first = get(a)
            second = get(b)
            if first is None or second is None:
                continue
            penalty = penalty_of[rounds_ago if rounds_ago > 0 else 1]
            met[first][second] = penalty
            met[second][first] = penalty

    def library_cost(self, i: int, j: int) -> int:
        """What i and j cost for working at the same library (0 when they do not)."""
        if self.lib[i] == self.lib[j]:
            return W_SAME_LIBRARY + self.lib_fair[i] + self.lib_fair[j]
        return 0

    def pair_cost(self, i: int, j: int) -> int:
        cost = self.met[i].get(j, 0)
        if not self.lang[i] & self.lang[j]:
            cost += W_NO_COMMON_LANGUAGE
        if self.lib[i] == self.lib[j]:
            cost += W_SAME_LIBRARY + self.lib_fair[i] + self.lib_fair[j]
        return cost

    def group_mask(self, members: Sequence[int]) -> int:
        """The languages every member shares (bitmask; 0 = none)."""
        mask = _ALL_LANGUAGES
        for i in members:
            mask &= self.lang[i]
        return mask

    def matrix(self) -> list[list[int]]:
        """Every pair cost, for pools small enough to afford n² entries."""
        cost = self.pair_cost
        return [[cost(i, j) if i != j else 0 for j in range(self.n)] for i in range(self.n)]

    def group_cost(self, members: Sequence[int]) -> int:
        """The group's pair and language penalties (without the larger-group seat term)."""
        cost = 0
        for a, i in enumerate(members):
            for j in members[a + 1 :]:
                cost += self.pair_cost(i, j)
        if len(members) >= 3 and not self.group_mask(members):
            cost += W_NO_COMMON_LANGUAGE
        return cost


def _search(model: _Model, sizes: list[int], rng: random.Random) -> list[list[int]]:
    """Greedy construction plus local improvement.

    Small pools then keep improving by iterated local search: kick the grouping (rotate three
    people round three groups), improve again, keep the result when it is no worse, else undo.
    The work is counted in move evaluations, not time, so the answer is the same anywhere.
    """
    exhaustive = model.n <= _EXHAUSTIVE_MAX
    state = _State(model, _greedy(model, sizes, rng, exhaustive), rng, exhaustive)
    if not exhaustive:
        n = model.n

        people = range(n)

        def anyone() -> list[int]:
            return rng.choices(people, k=_SAMPLE)

        # Random partners fix most groups cheaply. What is left usually needs a partner from
        # another group with the same trouble (a Finnish speaker stuck among Swedish speakers,
        # and one the other way round), so those are tried next, worst trouble first, within
        # a budget. A group's cost tells its worst trouble: each tier outweighs all below it.
        state.improve(state.unhappy_groups(), partners=anyone)
        limit = state.work + _POLISH
        for tier in (W_NO_COMMON_LANGUAGE, W_REPEAT, W_SAME_LIBRARY):
            troubled = [g for g, cost in enumerate(state.costs) if cost >= tier]
            stuck = [i for g in troubled for i in state.groups[g]]

            def fellows(stuck: list[int] = stuck) -> list[int]:
                if len(stuck) <= _STUCK_SAMPLE:
                    return stuck + anyone()
                return rng.sample(stuck, _STUCK_SAMPLE) + anyone()

            state.improve(troubled, partners=fellows, work_limit=limit)
        _mend_pairs(state)
        _final_swaps(state, W_REPEAT, _FINAL_SCANS * n)
        _final_swaps(state, W_MET_BEFORE, _FINAL_OLD_WORK)
        _pass_on_seats(state, _PASS_ON_WORK)
        _share_seats(state)
        return state.groups
    everyone = range(model.n)
    state.improve(range(len(sizes)), partners=lambda: everyone)
    while _mend_pairs(state):
        state.improve(range(len(sizes)), partners=lambda: everyone)
    best, best_total, found = state.snapshot(), state.total, state.work
    while best_total > 0 and state.work < min(_WORK_PER_CALL, found + _STALL):
        before, mark = state.total, len(state.log)
        state.improve(state.kick(), partners=lambda: everyone)
        if state.total <= before:
            state.log.clear()
            if state.total < best_total:
                best, best_total, found = state.snapshot(), state.total, state.work
        else:
            state.undo(mark)
    if len({len(group) for group in best}) > 1:
        state = _State(model, best, rng, exhaustive)
        _share_seats(state)
        return state.groups
    return best


_SEAT_ROUNDS = 4  # proposals per seat in a larger group (see _share_seats)


def _share_seats(state: _State) -> None:
    """Hand the seats in larger groups round by chance among all who could take them.

    The search only makes moves that lower the penalty, so when many groupings cost the
    same, who sits in a larger group follows the construction order (people with few
    languages start groups, the others fill them). So each seat in a larger group is offered,
    a few times over, to a person drawn at random from the whole pool; when that person is in
    a smaller group and the exchange costs nothing (nor lowers a tier: fairness counts too),
    they swap. A random walk over the equally good groupings, so everyone who could take the
    seat has about the same chance.
    """
    if not state.uneven:
        return
    rng, groups, group_of, n = state.rng, state.groups, state.group_of, state.model.n
    big = state.small_size + 1
    seats = [(g, k) for g, group in enumerate(groups) if len(group) == big for k in range(big)]
    for _ in range(_SEAT_ROUNDS):
        rng.shuffle(seats)
        for g, k in seats:
            p, q = groups[g][k], rng.randrange(n)
            if len(groups[group_of[q]]) == big:
                continue
            before, mark = state.total, len(state.log)
            state.swap(p, q)
            if state.total > before:
                state.undo(mark)
            state.log.clear()


def _greedy(
    model: _Model, sizes: list[int], rng: random.Random, exhaustive: bool
) -> list[list[int]]:
    """Fill groups one at a time, each slot with the cheapest of the (sampled) unassigned.

    People with fewer languages start groups first (in seeded order among equals): they are
    the hardest to place once few people are left. The groups are filled in a seeded order of
    their sizes, and among equally cheap people a seeded choice wins (not the first found:
    the people are looked at in order of languages), so nobody is drawn into the larger
    groups by how many languages they speak; their seat costs (fairness) count here too.
    """
    order = list(range(model.n))
    rng.shuffle(order)
    order.sort(key=lambda i: _language_count(model.lang[i]))
    big = max(sizes) if len(set(sizes)) > 1 else -1
    seat = model.seat
    fill = list(sizes)
    rng.shuffle(fill)
    pool = list(order)  # the unassigned, in no particular order (removal swaps in the last)
    position = {person: k for k, person in enumerate(pool)}

    def take(person: int) -> None:
        k, last = position.pop(person), pool.pop()
        if last != person:
            pool[k] = last
            position[last] = k

    starters = iter(order)
    groups: list[list[int]] = []
    for size in fill:
        first = next(i for i in starters if i in position)
        take(first)
        group, mask = [first], model.lang[first]
        while len(group) < size:
            scan_all = exhaustive or len(pool) <= _SAMPLE
            if scan_all:
                options: Sequence[int] = pool
            else:
                options = rng.choices(pool, k=_SAMPLE)
            best, best_cost, ties = -1, -1, 0
            for x in options:
                cost = seat[x] if size == big else 0
                for m in group:
                    cost += model.pair_cost(x, m)
                if len(group) >= 2 and mask and not mask & model.lang[x]:
                    cost += W_NO_COMMON_LANGUAGE
                if best < 0 or cost < best_cost:
                    best, best_cost, ties = x, cost, 1
                    if cost == 0 and not scan_all:
                        break  # sampled options are a seeded choice already
                elif cost == best_cost:
                    ties += 1  # keep each of the equals with the same chance
                    if rng.randrange(ties) == 0:
                        best = x
            take(best)
            group.append(best)
            mask &= model.lang[best]
        groups.append(group)
    return groups


def _language_count(mask: int) -> int:
    return 99 if mask == _ALL_LANGUAGES else mask.bit_count()


_SWAP, _MOVE, _CHAIN = 0, 1, 2


class _State:
    """A grouping being improved: who is where, what each group costs, and an undo log.

    Moves are swaps of two people between groups and, when group sizes differ by one, moving
    one person from a larger group to a smaller one, or a chain of two such moves (p goes to a
    smaller group and someone from a larger group takes p's place). Both keep the set of
    sizes; without them, changing *which* groups have the extra member takes many swaps
    through worse groupings, which a local search never makes.

    Small pools keep every pair cost (``rows``) and, per person and group, the sum of that
    person's pair costs with the group's members (``attraction``), so judging a move takes a
    handful of lookups; making one updates a column per group for everyone.
    """

    def __init__(
        self, model: _Model, groups: list[list[int]], rng: random.Random, exhaustive: bool
    ) -> None:
        self.model = model
        self.rng = rng
        self.groups = groups
        self.group_of = [0] * model.n
        for g, group in enumerate(groups):
            for i in group:
                self.group_of[i] = g
        self.uneven = len({len(group) for group in groups}) > 1
        self.small_size = min(len(group) for group in groups)  # the others have one more
        self.work = 0  # move evaluations so far
        self.log: list[tuple[int, int, int]] = []  # moves since the last accepted state
        self.rows: list[list[int]] | None = None
        self.attraction: list[list[int]] = []
        if exhaustive:
            rows = self.rows = model.matrix()
            self.attraction = [[sum(row[j] for j in group) for group in groups] for row in rows]
        # without[i]: the languages everyone else in i's group shares; mask[g]: the languages
        # all of group g share; term[g]: its no-common-language penalty.
        self.without = [0] * model.n
        self.contrib = [0] * model.n  # large pools: i's pair costs within its group
        self.mask = [0] * len(groups)
        self.term = [0] * len(groups)
        # seat_sum[g]: the seat costs of g's members; a larger group pays them (fairness).
        self.seats = self.uneven and any(model.seat)
        self.seat_sum = [0] * len(groups)
        self.costs = [0] * len(groups)
        self.total = 0
        for g in range(len(groups)):
            self._refresh(g)

    def _refresh(self, g: int) -> None:
        group, lang = self.groups[g], self.model.lang
        for i in group:
            mask = _ALL_LANGUAGES
            for j in group:
                if j != i:
                    mask &= lang[j]
            self.without[i] = mask
        self.mask[g] = self.without[group[0]] & lang[group[0]]
        self.term[g] = W_NO_COMMON_LANGUAGE if len(group) >= 3 and not self.mask[g] else 0
        old = self.costs[g]
        seats = 0
        if self.seats:
            seat = self.model.seat
            self.seat_sum[g] = sum(seat[i] for i in group)
            if len(group) > self.small_size:
                seats = self.seat_sum[g]
        if self.rows is None:
            for i in group:
                self.contrib[i] = self._moved_cost(i, group, i)
            self.costs[g] = sum(self.contrib[i] for i in group) // 2 + self.term[g] + seats
        else:
            self.costs[g] = sum(self.attraction[i][g] for i in group) // 2 + self.term[g] + seats
        self.total += self.costs[g] - old

    def snapshot(self) -> list[list[int]]:
        return [list(group) for group in self.groups]

    def unhappy_groups(self) -> list[int]:
        return [g for g, cost in enumerate(self.costs) if cost]

    def swap(self, p: int, q: int) -> None:
        """Exchange two people of different groups (swapping them again undoes it)."""
        g1, g2 = self.group_of[p], self.group_of[q]
        group1, group2 = self.groups[g1], self.groups[g2]
        group1[group1.index(p)] = q
        group2[group2.index(q)] = p
        self.group_of[p], self.group_of[q] = g2, g1
        if self.rows is not None:
            for row, sums in zip(self.rows, self.attraction, strict=True):
                change = row[q] - row[p]
                sums[g1] += change
                sums[g2] -= change
        self._refresh(g1)
        self._refresh(g2)
        self.log.append((_SWAP, p, q))

    def move(self, p: int, g2: int) -> None:
        """Move ``p`` into group ``g2`` (moving them back undoes it)."""
        g1 = self.group_of[p]
        self.groups[g1].remove(p)
        self.groups[g2].append(p)
        self.group_of[p] = g2
        if self.rows is not None:
            for row, sums in zip(self.rows, self.attraction, strict=True):
                sums[g1] -= row[p]
                sums[g2] += row[p]
        self._refresh(g1)
        self._refresh(g2)
        self.log.append((_MOVE, p, g1))

    def undo(self, mark: int) -> None:
        while len(self.log) > mark:
            kind, p, other = self.log.pop()
            if kind == _SWAP:
                self.swap(other, p)
            else:
                self.move(p, other)
            self.log.pop()

    def kick(self) -> list[int]:
        """Rotate three random people round three random groups and, when sizes differ, move
        one person from a larger group to a smaller one; returns the groups touched."""
        rng, groups = self.rng, self.groups
        chosen = rng.sample(range(len(groups)), min(3, len(groups)))
        people = [rng.choice(groups[g]) for g in chosen]
        for other in people[1:]:
            self.swap(people[0], other)
        if self.uneven and rng.random() < 0.5:
            big = max(len(group) for group in groups)
            source = rng.choice([g for g, group in enumerate(groups) if len(group) == big])
            target = rng.choice([g for g, group in enumerate(groups) if len(group) < big])
            self.move(rng.choice(groups[source]), target)
            chosen += [source, target]
        return chosen

    def best_move(self, p: int, options: Iterable[int]) -> tuple[int, int, int, int, int]:
        """The move of ``p`` with one of ``options`` that lowers the total most.

        Returns ``(delta, kind, a, b, c)``: swap people ``a`` and ``b``; move person ``a``
        into group ``b``; or a chain: ``a`` (= p) moves into smaller group ``b`` and person
        ``c`` leaves a larger group to take p's place. A delta of 0 means nothing helps.
        """
        g1 = self.group_of[p]
        group_of, groups, lang, without, term, masks = (
            self.group_of,
            self.groups,
            self.model.lang,
            self.without,
            self.term,
            self.mask,
        )
        size1 = len(groups[g1])
        rest1, term1, mask1, lang_p = without[p], term[g1], masks[g1], lang[p]
        rows, attraction = self.rows, self.attraction
        moved_cost, contrib, group1 = self._moved_cost, self.contrib, groups[g1]
        pair_cost = self.model.pair_cost
        if rows is not None:
            row_p, sums_p = rows[p], attraction[p]
            stay_p = sums_p[g1]
        else:
            stay_p = contrib[p]
        small = self.small_size if self.uneven else -1
        big = small + 1
        # Seats in larger groups (fairness): a larger group pays its members' seat costs.
        seats = self.seats
        seat, seat_sum = self.model.seat, self.seat_sum
        seat_p = seat[p] if seats else 0
        sum1 = seat_sum[g1] if seats else 0
        best = (0, _SWAP, -1, -1, -1)
        # For a chain: the best smaller group for p and the best stand-in for p's place.
        best_dest = best_stand_in = 0
        dest = stand_in = -1
        for q in options:
            g2 = group_of[q]
            if g2 == g1:
                continue
            group2 = groups[g2]
            size2 = len(group2)
            # Pair costs of p among g2, of q among g1 with and without p, of q where it is.
            if rows is not None:
                sums_q = attraction[q]
                in2_p, in1_q, stay_q = sums_p[g2], sums_q[g1], sums_q[g2]
                for1_q = in1_q - row_p[q]
                swap = for1_q + in2_p - row_p[q] - stay_p - stay_q
            else:
                in2_p = moved_cost(p, group2, p)
                in1_q = moved_cost(q, group1, q)
                pair = pair_cost(p, q)
                for1_q = in1_q - pair
                stay_q = contrib[q]
                swap = for1_q + in2_p - pair - stay_p - stay_q
            # Language penalties: g1 with q instead of p; g2 with p instead of q.
            q_for_p = W_NO_COMMON_LANGUAGE if size1 >= 3 and not rest1 & lang[q] else 0
            swap += q_for_p - term1 - term[g2]
            if size2 >= 3 and not without[q] & lang_p:
                swap += W_NO_COMMON_LANGUAGE
            if seats and size1 != size2:
                swap += seat[q] - seat_p if size1 == big else seat_p - seat[q]
            if swap < best[0]:
                best = (swap, _SWAP, p, q, -1)
            if size2 == small:  # p could join g2
                join = in2_p - term[g2]
                if size2 + 1 >= 3 and not masks[g2] & lang_p:
                    join += W_NO_COMMON_LANGUAGE
                if seats:  # g2 becomes a larger group
                    join += seat_sum[g2] + seat_p
                if size1 == big:
                    move = join - stay_p - term1 - sum1
                    if size1 - 1 >= 3 and not rest1:
                        move += W_NO_COMMON_LANGUAGE
                    if move < best[0]:
                        best = (move, _MOVE, p, g2, -1)
                if dest < 0 or join < best_dest:
                    best_dest, dest = join, g2
            elif size2 == big:  # q could leave g2
                leave = -stay_q - term[g2]
                if size2 - 1 >= 3 and not without[q]:
                    leave += W_NO_COMMON_LANGUAGE
                if seats:  # g2 becomes a smaller group
                    leave -= seat_sum[g2]
                if size1 == small:
                    move = in1_q + leave - term1
                    if size1 + 1 >= 3 and not mask1 & lang[q]:
                        move += W_NO_COMMON_LANGUAGE
                    if seats:
                        move += sum1 + seat[q]
                    if move < best[0]:
                        best = (move, _MOVE, q, g1, -1)
                stand = for1_q + q_for_p + leave
                if seats and size1 == big:  # q takes p's seat in the larger g1
                    stand += seat[q]
                if stand_in < 0 or stand < best_stand_in:
                    best_stand_in, stand_in = stand, q
        if dest >= 0 and stand_in >= 0:
            chain = best_dest + best_stand_in - stay_p - term1
            if seats and size1 == big:
                chain -= seat_p
            if chain < best[0]:
                best = (chain, _CHAIN, p, dest, stand_in)
        return best

    def _moved_cost(self, person: int, group: list[int], leaving: int) -> int:
        """Pair costs ``person`` would have in ``group`` once ``leaving`` has left it."""
        lang, lib, lib_fair = self.model.lang, self.model.lib, self.model.lib_fair
        met, language, library = self.model.met[person], lang[person], lib[person]
        own = W_SAME_LIBRARY + lib_fair[person]
        cost = 0
        for j in group:
            if j in (leaving, person):
                continue
            if j in met:
                cost += met[j]
            if not language & lang[j]:
                cost += W_NO_COMMON_LANGUAGE
            if library == lib[j]:
                cost += own + lib_fair[j]
        return cost

    def improve(
        self,
        dirty: Iterable[int],
        *,
        partners: Callable[[], Sequence[int]],
        work_limit: int | None = None,
    ) -> None:
        """Best-improvement moves until no member of a changed group has one.

        A move between two unchanged groups cannot have become better, so after a kick only
        the kicked groups need looking at. Small pools try everyone as a partner for every
        member of a changed group, and so end in a true local optimum; large pools only move
        members of groups that still cost something, trying the ``partners`` given
        (samples), until ``work_limit``.
        """
        group_of, groups, costs = self.group_of, self.groups, self.costs
        every_group = self.rows is not None
        queue = deque(dict.fromkeys(dirty))
        queued = set(queue)
        while queue:
            g1 = queue.popleft()
            queued.discard(g1)
            for p in list(groups[g1]):
                if group_of[p] != g1 or not (every_group or costs[g1]):
                    continue
                if work_limit is not None and self.work >= work_limit:
                    return
                options = partners()
                self.work += len(options)
                delta, kind, a, b, c = self.best_move(p, options)
                if not delta:
                    continue
                touched: tuple[int, ...]
                if kind == _SWAP:
                    touched = (group_of[a], group_of[b])
                    self.swap(a, b)
                elif kind == _MOVE:
                    touched = (group_of[a], b)
                    self.move(a, b)
                else:
                    touched = (g1, b, group_of[c])
                    self.move(a, b)
                    self.move(c, g1)
                for g in touched:
                    if g not in queued:
                        queued.add(g)
                        queue.append(g)


def _final_swaps(state: _State, tier: int, work: int) -> None:
    """Every group still carrying a problem of ``tier`` tries every move with everyone.

    Large pools sample partners, and a group whose only fix is one particular person can be
    missed (more often the larger the groups). So each member of such a group who takes part
    in the problem tries every person of the pool as a swap partner, and the moves and chains
    of ``best_move``; the best one is made when it lowers the total. Repeated until nothing
    helps or ``work`` move evaluations are spent. ``W_REPEAT``: a recent repeat or a missing
    shared language (every member when the group as a whole shares no language; a tier
    outweighs all below it, so a group costing less has neither). ``W_MET_BEFORE``: two who
    met within the year. The earlier search leaves few such groups.
    """
    model, groups, group_of, costs = state.model, state.groups, state.group_of, state.costs
    met, pair_cost = model.met, model.pair_cost
    everyone = range(model.n)
    spent = 0

    def culprits(g: int) -> list[int]:
        group = groups[g]
        if tier >= W_REPEAT:
            if costs[g] < W_REPEAT:
                return []
            if len(group) >= 3 and not state.mask[g]:
                return list(group)
            return [i for i in group if any(pair_cost(i, j) >= W_REPEAT for j in group if j != i)]
        return [i for i in group if any(j in met[i] for j in group)]

    changed = True
    while changed:
        changed = False
        floor = W_REPEAT if tier >= W_REPEAT else tier
        troubled = sorted((-cost, g) for g, cost in enumerate(costs) if cost >= floor)
        for _, g in troubled:
            for p in culprits(g):
                if group_of[p] != g or p not in culprits(g):
                    continue
                if spent >= work:
                    return
                spent += model.n
                state.work += model.n
                delta, kind, a, b, c = state.best_move(p, everyone)
                if delta >= 0:
                    continue
                if kind == _SWAP:
                    state.swap(a, b)
                elif kind == _MOVE:
                    state.move(a, b)
                else:
                    state.move(a, b)
                    state.move(c, g)
                state.log.clear()
                changed = True


def _pass_on_seats(state: _State, work: int) -> None:
    """A larger group that still costs something passes its extra seat on through two groups.

    When sizes differ, a member p of a larger group g1 may fit better in another group g2, in
    the place of q, with q joining a third group g3 that then becomes the larger one: g1
    shrinks, g3 grows, the sizes stay. ``best_move`` reaches this only from q (a chain), and
    large pools only move members of groups that cost something, so a trio holding two
    English-only people who met before stays as it is when its fix starts at the
    Finnish-speaking partner of an English speaker elsewhere. So each member of such a larger
    group who takes part in what it costs tries every q of the pool; for the q that look best
    (p's side of the exchange), the cheapest third group is sought (the scan stops at one
    that costs nothing more), and the best exchange is made when it lowers the total.
    Repeated until nothing helps or ``work`` looks at people are spent.
    """
    if not state.uneven:
        return
    model, groups, group_of = state.model, state.groups, state.group_of
    lang, seat, moved_cost = model.lang, model.seat, state._moved_cost
    big = state.small_size + 1
    seats = state.seats
    n = model.n
    spent = 0

    def carried(g: int) -> int:  # what group g costs beyond its seats in a larger group
        return state.costs[g] - (state.seat_sum[g] if seats and len(groups[g]) == big else 0)

    def joining(q: int, g2: int, g1: int, limit: int) -> tuple[int, int]:
        """The cheapest group of the smaller size (not g1, g2) for q to join, and the cost;
        (-1, limit) when none costs less than ``limit``."""
        nonlocal spent
        best, best_join = -1, limit
        lang_q = lang[q]
        for g3, group3 in enumerate(groups):
            if len(group3) == big or g3 in (g1, g2):
                continue
            spent += len(group3)
            join = moved_cost(q, group3, q)
            if big >= 3 and not state.mask[g3] & lang_q:
                join += W_NO_COMMON_LANGUAGE - state.term[g3]
            if seats:
                join += state.seat_sum[g3] + seat[q]
            if join < best_join:
                best, best_join = g3, join
                if join == 0:
                    break
        return best, best_join

    changed = True
    while changed and spent < work:
        changed = False
        troubled = sorted(
            (-carried(g), g) for g, group in enumerate(groups) if len(group) == big and carried(g)
        )
        for _, g1 in troubled:
            group1 = groups[g1]
            culprits = [p for p in group1 if state.term[g1] or moved_cost(p, group1, p)]
            for p in culprits:
                if spent >= work:
                    return
                spent += n
                # p leaves g1, which becomes a smaller group (its seats no longer count).
                leave = -moved_cost(p, group1, p) - state.term[g1]
                if big - 1 >= 3 and not state.without[p]:
                    leave += W_NO_COMMON_LANGUAGE
                if seats:
                    leave -= state.seat_sum[g1]
                lang_p = lang[p]
                fronts: list[tuple[int, int]] = []
                for q in range(n):
                    g2 = group_of[q]
                    if g2 == g1:
                        continue
                    group2 = groups[g2]
                    front = leave + moved_cost(p, group2, q) - moved_cost(q, group2, q)
                    if len(group2) >= 3:
                        no_language = not state.without[q] & lang_p
                        front += (W_NO_COMMON_LANGUAGE if no_language else 0) - state.term[g2]
                    if seats and len(group2) == big:
                        front += seat[p] - seat[q]
                    if front < 0:
                        fronts.append((front, q))
                fronts.sort()
                best, best_q, best_g3 = 0, -1, -1
                for front, q in fronts:
                    if front >= best or spent >= work:
                        break
                    g3, join = joining(q, group_of[q], g1, best - front)
                    if g3 >= 0:
                        best, best_q, best_g3 = front + join, q, g3
                if best_q < 0:
                    continue
                before, mark = state.total, len(state.log)
                state.swap(p, best_q)
                state.move(best_q, best_g3)
                if state.total >= before:  # (the sums above say it cannot happen)
                    state.undo(mark)
                    continue
                state.log.clear()
                changed = True
                break
            if changed:
                break


def _mend_pairs(state: _State) -> bool:
    """Fix costly pairs by rearranging chains of pairs; True when anything improved.

    Swaps and moves change two or three groups at a time. When a pool is tight (someone who
    speaks only Swedish, at the library where most Swedish speakers work), the fix can need a
    longer chain: a meets x, x's partner y meets x2, ... and the last one freed meets b. Such
    an alternating cycle is found by a breadth-first search from ``a`` over the people in
    pairs, using only acceptable new pairs: with no penalty at all first, then (for a repeat
    or a language problem) anything below the pair's own tier. A chain is kept only when the
    total penalty goes down. Only groups of two take part (a trio or larger group stays as
    it is). People are found through their kind (library, languages), so one search costs
    about one look at everybody, and the whole mending at most ``_MEND_WORK`` looks.
    """
    model, groups, group_of = state.model, state.groups, state.group_of
    paired = [i for group in groups if len(group) == 2 for i in group]
    if len(paired) < 4:
        return False
    lib, lang = model.lib, model.lang
    kinds: dict[tuple[int, int], list[int]] = {}
    for i in sorted(paired):
        kinds.setdefault((max(lib[i], -1), lang[i]), []).append(i)
    kind_keys = sorted(kinds)
    kind_of = {i: (max(lib[i], -1), lang[i]) for i in paired}
    mate = [-1] * model.n  # each paired person's partner
    for group in groups:
        if len(group) == 2:
            mate[group[0]], mate[group[1]] = group[1], group[0]

    def pair_costs(x: int) -> int:
        return state.costs[group_of[x]]

    work = len(paired)
    improved = False
    # Strict passes first (no new penalty at all), then passes that allow lower tiers.
    for check_library, check_met, tier in (
        (True, True, 0),
        (True, False, W_MET_BEFORE),
        (False, True, W_REPEAT),
        (False, False, W_NO_COMMON_LANGUAGE),
    ):
        reach: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for key in kind_keys:  # the kinds each kind may meet in this pass
            reach[key] = [
                other
                for other in kind_keys
                if key[1] & other[1] and not (check_library and other[0] == key[0] >= 0)
            ]
        while True:
            # A search that found nothing is not repeated for two people of the same kinds
            # (and no recent meetings) until something changes: it would look at the same
            # people.
            hopeless: set[tuple[tuple[int, int], tuple[int, int]]] = set()
            troubled = sorted(
                (
                    (-state.costs[g], min(group), g)
                    for g, group in enumerate(groups)
                    if len(group) == 2 and state.costs[g] >= max(tier, 1)
                ),
            )
            changed = False
            for _, _, g in troubled:
                if work >= _MEND_WORK:
                    return improved
                group = groups[g]
                if len(group) != 2 or state.costs[g] < max(tier, 1):
                    continue
                first, second = sorted(group)
                kinds_ab = (
                    min(kind_of[first], kind_of[second]),
                    max(kind_of[first], kind_of[second]),
                )
                # Only people without recent meetings are alike enough to skip the search.
                fresh = not (model.met[first] or model.met[second])
                if fresh and kinds_ab in hopeless:
                    continue
                for a, b in ((first, second), (second, first)):  # it may leave from one end only
                    chain, spent = _alternating_chain(
                        model,
                        mate,
                        pair_costs,
                        kinds,
                        reach,
                        kind_of,
                        a,
                        b,
                        check_library,
                        check_met,
                    )
                    work += spent
                    if chain:
                        break
                else:
                    if fresh:
                        hopeless.add(kinds_ab)
                    continue
                before, mark = state.total, len(state.log)
                for x in chain:
                    state.swap(b, x)
                if state.total < before:
                    state.log.clear()
                    changed = improved = True
                    hopeless.clear()
                    for x in [a, b, *chain]:
                        group = groups[group_of[x]]
                        mate[group[0]], mate[group[1]] = group[1], group[0]
                else:
                    state.undo(mark)
            if not changed:
                break
    return improved


def _alternating_chain(
    model: _Model,
    mate: list[int],
    pair_costs: Callable[[int], int],
    kinds: Mapping[tuple[int, int], list[int]],
    reach: Mapping[tuple[int, int], list[tuple[int, int]]],
    kind_of: Mapping[int, tuple[int, int]],
    a: int,
    b: int,
    check_library: bool,
    check_met: bool,
) -> tuple[list[int], int]:
    """The people x1..xk of the shortest chain a–x1, y1–x2, …, yk–b (y = x's partner, the
    new pairs all acceptable in this pass) that lowers the penalty, and the work spent;
    ``[]`` when there is none. ``pair_costs(x)`` is what x's pair costs now."""
    lang, met = model.lang, model.met
    lang_b, met_b = lang[b], met[b]
    pair_cost = model.pair_cost
    strict = check_library and check_met  # then every acceptable new pair costs nothing
    # A pair can be crossed either way (enter at x to free y, or at y to free x), so a person
    # is marked when freed, and a pair is used up once one of its two has been freed.
    freed = bytearray(model.n)
    freed[a] = freed[b] = 1
    cursor = dict.fromkeys(kinds, 0)
    came_from: dict[int, tuple[int, int]] = {}  # freed person y -> (person before, x)
    # gain[y]: what the chain up to y saves: the pairs it breaks up minus the pairs it makes.
    # Breaking up another costly pair on the way lets the chain close with a costly pair
    # (two same-library pairs become one).
    gain = {a: pair_costs(a)}
    queue = deque([a])
    work = 0
    while queue:
        u = queue.popleft()
        met_u, gain_u = met[u], gain[u]
        for key in reach[kind_of[u]]:  # the kinds u may meet: languages (and library) fit
            members = kinds[key]
            start, end = cursor[key], len(members)
            while start < end and freed[mate[members[start]]]:
                start += 1
            cursor[key] = start
            work += end - start + 1
            for k in range(start, end):
                x = members[k]
                y = mate[x]
                if freed[y] or (check_met and x in met_u):
                    continue
                freed[y] = 1
                came_from[y] = (u, x)
                gain_y = gain[y] = gain_u - (0 if strict else pair_cost(u, x)) + pair_costs(x)
                closing = met_b.get(y, 0) + model.library_cost(y, b)
                if not lang[y] & lang_b:
                    closing += W_NO_COMMON_LANGUAGE
                if closing < gain_y:
                    chain = _chain_to(came_from, a, y, mate)
                    if chain:
                        return chain, work
                queue.append(y)
    return [], work


def _chain_to(
    came_from: Mapping[int, tuple[int, int]], a: int, y: int, mate: list[int]
) -> list[int]:
    """The x's on the way from ``a`` to freed ``y``; ``[]`` if the way crosses a pair twice."""
    chain: list[int] = []
    used: set[int] = set()
    while y != a:
        u, x = came_from[y]
        pair = min(x, mate[x])
        if pair in used:
            return []
        used.add(pair)
        chain.append(x)
        y = u
    chain.reverse()
    return chain
