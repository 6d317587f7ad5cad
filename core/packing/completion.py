"""Bin completion under a waste budget: a search for exactly ``m`` bins (Korf's bin completion).

``m`` bins of capacity ``c`` leave ``m*c - sum(w)`` of room unused in each dimension, whatever
the packing: that is the waste budget. Bins are filled one at a time, each around the largest item
left, with a completion (a set of other items) whose waste fits the budget left. Completions are
tried fullest-first along the items' order, and a partial completion is cut as soon as no subset
of the items still to choose from can bring the bin's fill into the allowed window in either
dimension (checked on big-integer bitsets of subset sums). When the budget is small, as it is when
the lower bound is tight, most bins have only a few completions and the search is short: on small
lists (household orders by weight) it finds the packing that meets the bound or proves the bound
one bin too low within a few hundred nodes.

Dives are limited in nodes and restarted with a perturbed item order and twice the limit, so a
bad early choice is not searched to exhaustion. Deterministic for a given seed. A list whose dive
would go deeper than Python's recursion limit (many hundreds of bins, or bins of many hundreds of
items) ends the search there, with nothing found and nothing proved.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

import attrs

from core.packing.heuristics import Bins, Instance


class _Stop(Exception):
    """The node limit of a dive, or the deadline, was reached."""


#: nodes in the first dive; each restart doubles it
FIRST_DIVE_NODES = 200


@attrs.frozen
class Completion:
    """What the search found: ``bins`` (at most ``m``), or None; ``impossible`` when it proved
    that no packing into ``m`` bins exists (then none into fewer exists either)."""

    bins: Bins | None
    impossible: bool = False
    #: when no packing was found: the most bins any dive filled within the budget
    partial: Bins = attrs.field(factory=list)
    #: the nodes all dives spent
    nodes: int = 0


def complete(
    inst: Instance,
    m: int,
    deadline: float,
    seed: int = 0,
    kinds: Sequence[str] | None = None,
    node_budget: int | None = None,
) -> Completion:
    """Every item of ``inst`` in at most ``m`` bins, if the search finds it by ``deadline``.

    ``kinds`` (one per item) keeps classes apart: a bin holds items of at most one non-empty
    kind. A dive that ends without meeting its node limit or the deadline has tried every
    completion of every bin: then the result says the packing is impossible. ``node_budget``
    bounds the nodes of all dives together, so that the answer does not depend on the machine's
    speed when the deadline is far.
    """
    if not inst.n:
        return Completion([])
    c1, c2 = inst.c1, inst.c2
    budget1 = m * c1 - sum(inst.w1)
    budget2 = m * c2 - sum(inst.w2) if c2 else 0
    if m <= 0 or budget1 < 0 or budget2 < 0:
        return Completion(None, impossible=True)
    rng = random.Random(seed)
    key = inst.key()
    limit = FIRST_DIVE_NODES
    noise = 0.0
    partial: Bins = []
    spent = 0
    while time.perf_counter() < deadline:
        if node_budget is not None:
            if spent >= node_budget:
                break
            limit = min(limit, node_budget - spent)
        order = sorted(range(inst.n), key=lambda i: -key[i] * (1.0 + noise * rng.random()))
        dive = _Dive(inst, order, budget1, budget2, deadline, limit, kinds)
        try:
            found: Bins | None = dive.run(m)
        except (_Stop, RecursionError) as cut:
            spent += dive.nodes
            if len(dive.deepest) > len(partial):
                partial = dive.deepest
            if isinstance(cut, RecursionError):
                # the search recurses a frame or more per item of a bin and per bin: a list
                # that needs more than the interpreter's stack allows is beyond it
                break
            limit *= 2
            noise = 0.08
            continue
        return Completion(found, impossible=found is None, nodes=spent + dive.nodes)
    return Completion(None, partial=partial, nodes=spent)


#: the widest window of fills in the second dimension for which the item with the fewest
#: completions is looked for (each fill is one look-up per pair of items)
MAX_WINDOW = 4
#: the live items (largest first) among which that item is looked for
CONSTRAINED_AMONG = 12
#: up to this many completions of a bin are tried least waste first; beyond, in the items' order
MAX_SORTED = 64


class _Dive:
    def __init__(
        self,
        inst: Instance,
        order: Sequence[int],
        budget1: int,
        budget2: int,
        deadline: float,
        limit: int,
        kinds: Sequence[str] | None = None,
    ) -> None:
        self.w1, self.w2, self.c1, self.c2 = inst.w1, inst.w2, inst.c1, inst.c2
        self.order = list(order)
        self.alive = [True] * inst.n
        self.budget = (budget1, budget2)
        self.deadline = deadline
        self.limit = limit
        self.nodes = 0
        self.bins: Bins = []
        self.kinds = kinds
        self.deepest: Bins = []

    def run(self, m: int) -> Bins | None:
        if self._fill(m, *self.budget):
            return [list(b) for b in self.bins]
        return None

    def _most_constrained(self, b1: int, b2: int) -> int:
        """Among the largest live items, the one with the fewest completions by one or two items.

        Branching on it finds a dead end (an item nothing can complete any more) at once,
        instead of after every choice made for the items before it. Completions by more items
        are not counted: this only orders the search.
        """
        alive, w1, w2, c1, c2 = self.alive, self.w1, self.w2, self.c1, self.c2
        live = [i for i in self.order if alive[i]]
        sizes: dict[tuple[int, int], int] = {}
        for i in live:
            size = (w1[i], w2[i])
            sizes[size] = sizes.get(size, 0) + 1
        by_second: dict[int, list[int]] = {}
        for i in live:
            by_second.setdefault(w2[i], []).append(w1[i])
        for column in by_second.values():
            column.sort()
        best, fewest = live[0], -1
        for x in live[:CONSTRAINED_AMONG]:
            x1, x2 = w1[x], w2[x]
            cap1, cap2 = c1 - x1, c2 - x2
            lo1, lo2 = cap1 - b1, cap2 - b2
            count = 0
            for (j1, j2), many in sizes.items():
                r1, r2 = cap1 - j1, cap2 - j2
                if r1 < 0 or r2 < 0:
                    continue
                if (j1, j2) == (x1, x2):
                    many -= 1  # x itself
                    if not many:
                        continue
                if j1 >= lo1 and j2 >= lo2:
                    count += 2 * many  # j alone completes x (a pair is counted from both ends)
                t1 = lo1 - j1 if lo1 > j1 else 0
                for t2 in range(lo2 - j2 if lo2 > j2 else 0, r2 + 1):
                    fills = by_second.get(t2)
                    if fills is None:
                        continue
                    found = bisect_right(fills, r1) - bisect_left(fills, t1)
                    if found:
                        found -= t2 == j2 and t1 <= j1 <= r1  # j itself
                        found -= t2 == x2 and t1 <= x1 <= r1  # x itself
                        count += many * found
                if fewest >= 0 and count >= fewest:
                    break
            if fewest < 0 or count < fewest:
                best, fewest = x, count
                if count == 0:
                    break
        return best

    def _fill(self, bins_left: int, b1: int, b2: int) -> bool:
        """Pack every live item into ``bins_left`` bins with waste at most ``b1``, ``b2``."""
        self.nodes += 1
        if self.nodes > self.limit or time.perf_counter() > self.deadline:
            raise _Stop
        alive, w1, w2 = self.alive, self.w1, self.w2
        first = next((i for i in self.order if alive[i]), -1)
        if first < 0:
            return True
        if bins_left == 0:
            return False
        if b2 < MAX_WINDOW:
            first = self._most_constrained(b1, b2)
        alive[first] = False
        cap1, cap2 = self.c1 - w1[first], self.c2 - w2[first]
        lo1, lo2 = max(cap1 - b1, 0), max(cap2 - b2, 0)
        kinds = self.kinds
        kind = kinds[first] if kinds is not None else ""
        cand = [i for i in self.order if alive[i] and w1[i] <= cap1 and w2[i] <= cap2
                and (not kind or not kinds or not kinds[i] or kinds[i] == kind)]
        # reach[j]: the sums of subsets of cand[j:], in each dimension, as bitsets
        n = len(cand)
        mask1 = (1 << (cap1 + 1)) - 1
        mask2 = (1 << (cap2 + 1)) - 1
        reach1 = [1] * (n + 1)
        reach2 = [1] * (n + 1)
        for j in range(n - 1, -1, -1):
            i = cand[j]
            reach1[j] = (reach1[j + 1] | (reach1[j + 1] << w1[i])) & mask1
            reach2[j] = (reach2[j + 1] | (reach2[j + 1] << w2[i])) & mask2
        chosen: list[int] = [first]
        Use = Callable[[int, int], bool]

        def extend(j: int, s1: int, s2: int, bin_kind: str, use: Use) -> bool:
            # can some subset of cand[j:] bring the fill into [lo, cap] in both dimensions?
            lo = lo1 - s1 if lo1 > s1 else 0
            if not (reach1[j] >> lo) & ((1 << (cap1 - s1 - lo + 1)) - 1):
                return False
            lo = lo2 - s2 if lo2 > s2 else 0
            if not (reach2[j] >> lo) & ((1 << (cap2 - s2 - lo + 1)) - 1):
                return False
            tried: set[tuple[int, int, str]] = set()
            for k in range(j, n):
                i = cand[k]
                a, b = w1[i], w2[i]
                other = kinds[i] if kinds is not None else ""
                if other and bin_kind and other != bin_kind:
                    continue
                if s1 + a > cap1 or s2 + b > cap2 or (a, b, other) in tried:
                    continue
                tried.add((a, b, other))
                alive[i] = False
                chosen.append(i)
                if extend(k + 1, s1 + a, s2 + b, bin_kind or other, use):
                    return True
                chosen.pop()
                alive[i] = True
            return s1 >= lo1 and s2 >= lo2 and use(s1, s2)

        def descend(members: list[int], s1: int, s2: int) -> bool:
            self.bins.append(members)
            if len(self.bins) > len(self.deepest):
                self.deepest = [list(b) for b in self.bins]
            if self._fill(bins_left - 1, b1 - (cap1 - s1), b2 - (cap2 - s2)):
                return True
            self.bins.pop()
            return False

        # the completions, least waste first, when there are few; else in the items' order
        few: list[tuple[int, list[int], int, int]] = []
        c1, c2 = self.c1, self.c2

        def collect(s1: int, s2: int) -> bool:
            few.append(((cap1 - s1) * max(c2, 1) + (cap2 - s2) * c1, list(chosen), s1, s2))
            return len(few) > MAX_SORTED

        if extend(0, 0, 0, kind, collect):
            for i in chosen[1:]:
                alive[i] = True
            del chosen[1:]
            if extend(0, 0, 0, kind, lambda s1, s2: descend(list(chosen), s1, s2)):
                return True
        else:
            few.sort(key=lambda completion: completion[0])
            for _waste, members, s1, s2 in few:
                for i in members[1:]:
                    alive[i] = False
                if descend(members, s1, s2):
                    return True
                for i in members[1:]:
                    alive[i] = True
        alive[first] = True
        return False
