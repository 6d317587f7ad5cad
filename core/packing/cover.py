"""Packing into ``m`` bins as an exact cover by bins of at most three items.

When a list has about three items a bin or fewer and the waste budget (``m*c - sum(w)``, see
:mod:`core.packing.completion`) is small, the bins a packing into ``m`` bins can use are few
enough to list: every single, pair and triple of items that fits and wastes no more than the
budget, in each dimension. Choosing ``m`` or fewer of them that hold every item once is an exact
cover, searched as in Knuth's Algorithm X. The waste of a packing into ``m`` bins is the budget
exactly, so when the budget is small most of its bins waste nothing: the item with the fewest
such bins left is placed first (then the fewest bins; a dead end shows at once), its bins least
waste first and, among those, the bin whose other items have the fewest bins that waste nothing
(they are the hardest to place later). Choosing a bin strikes out every bin that shares an item
with it, and every bin whose waste no longer fits the budget left.

This is the structure of lists cut from full bins (Caprara-Toth class 10), where the lower bound
is the optimum and the budget is nearly nil, so that almost every bin must be filled exactly; bin
completion, which builds one bin at a time around the largest item left, strays there.

Bins of four or more items are left out, so a failed search proves nothing. Dives are short and
restarted with new tie-breaks; deterministic for a seed.
"""

from __future__ import annotations

import random
import time
from bisect import bisect_left, bisect_right

from core.packing.heuristics import Bins, Instance

#: the most candidate bins listed; past this the list is too loose for an exact cover to pay
MAX_CANDIDATES = 60_000
#: nodes in a dive before it is given up for a fresh one, beyond two for each bin to fill
DIVE_NODES = 100


class _Stop(Exception):
    """The node limit of a dive, or the deadline, was reached."""


def candidate_bins(
    inst: Instance, budget1: int, budget2: int, deadline: float, limit: int = MAX_CANDIDATES
) -> list[tuple[int, ...]] | None:
    """Every bin of one to three items that fits and wastes at most the budget in each dimension.

    None when there are more than ``limit`` of them or the deadline passes while listing them.
    """
    w1, w2, c1, c2 = inst.w1, inst.w2, inst.c1, inst.c2
    n = inst.n
    lo1, lo2 = c1 - budget1, c2 - budget2
    out: list[tuple[int, ...]] = []
    for i in range(n):
        if w1[i] >= lo1 and w2[i] >= lo2:
            out.append((i,))
    # the third item is looked up by its size in the dimension with the narrower window
    narrow_two = c2 > 0 and budget2 * c1 < budget1 * c2
    size = w2 if narrow_two else w1
    by_size = sorted(range(n), key=lambda i: (size[i], i))
    sizes = [size[i] for i in by_size]
    for i in range(n):
        if time.perf_counter() > deadline:
            return None
        a1, a2 = w1[i], w2[i]
        for j in range(i + 1, n):
            s1, s2 = a1 + w1[j], a2 + w2[j]
            if s1 > c1 or s2 > c2:
                continue
            if s1 >= lo1 and s2 >= lo2:
                out.append((i, j))
            r1, r2 = c1 - s1, c2 - s2
            if narrow_two:
                first, last = max(lo2 - s2, 0), r2
            else:
                first, last = max(lo1 - s1, 0), r1
            for k in by_size[bisect_left(sizes, first) : bisect_right(sizes, last)]:
                if k > j and w1[k] <= r1 and w2[k] <= r2 and s1 + w1[k] >= lo1 \
                        and s2 + w2[k] >= lo2:
                    out.append((i, j, k))
            if len(out) > limit:
                return None
    return out


def cover(
    inst: Instance, m: int, deadline: float, seed: int = 0, node_budget: int | None = None
) -> Bins | None:
    """Every item of ``inst`` in at most ``m`` bins of at most three items, or None if the
    search does not find such a packing by ``deadline`` (which proves nothing).

    Dives of :data:`DIVE_NODES` nodes and two for each bin are restarted with new tie-breaks
    until one finds the packing or the deadline comes: on these lists a dive that has gone wrong
    near the top stays wrong, and a fresh one is cheaper than its backtracking.
    ``node_budget`` bounds the nodes of all dives together, so that the answer does not depend
    on the machine's speed.
    """
    if not inst.n:
        return []
    c1, c2 = inst.c1, inst.c2
    budget1 = m * c1 - sum(inst.w1)
    budget2 = m * c2 - sum(inst.w2) if c2 else 0
    if m <= 0 or budget1 < 0 or budget2 < 0 or inst.n > 3 * m:
        return None
    bins = candidate_bins(inst, budget1, budget2, deadline)
    if bins is None:
        return None
    w1, w2 = inst.w1, inst.w2
    waste1 = [c1 - sum(w1[i] for i in b) for b in bins]
    waste2 = [c2 - sum(w2[i] for i in b) for b in bins] if c2 else [0] * len(bins)
    rng = random.Random(seed)
    limit = DIVE_NODES + 2 * m
    search = _Cover(inst.n, bins, waste1, waste2, deadline, limit, (max(c2, 1), c1))
    spent = 0
    while time.perf_counter() < deadline:
        if node_budget is not None:
            if spent >= node_budget:
                break
            search.limit = min(limit, node_budget - spent)
        search.restart([rng.random() for _ in bins], [rng.random() for _ in range(inst.n)])
        try:
            found = search.run(budget1, budget2)
        except _Stop:
            spent += search.nodes
            continue
        if found is None:
            # a dive that met no limit tried every bin of at most three items
            return None
        return [list(bins[b]) for b in found]
    return None


class _Cover:
    """Algorithm X over the candidate bins, with the budgets; reused from dive to dive."""

    def __init__(
        self,
        n: int,
        bins: list[tuple[int, ...]],
        waste1: list[int],
        waste2: list[int],
        deadline: float,
        limit: int,
        scale: tuple[int, int] = (1, 1),
    ) -> None:
        self.bins = bins
        #: the weights of the two wastes on one scale (each normalised by its capacity)
        self.scale = scale
        self.waste1, self.waste2 = waste1, waste2
        self.deadline = deadline
        self.limit = limit
        self.nodes = 0
        self.live = [True] * len(bins)
        self.of: list[set[int]] = [set() for _ in range(n)]
        #: the live bins of each item that waste nothing: the waste of a packing into ``m`` bins
        #: is the budget exactly, so when the budget is small most of its bins are of these
        self.full: list[set[int]] = [set() for _ in range(n)]
        self.perfect = [not waste1[b] and not waste2[b] for b in range(len(bins))]
        for b, members in enumerate(bins):
            for i in members:
                self.of[i].add(b)
                if self.perfect[b]:
                    self.full[i].add(b)
        # bins by waste, most first, in each dimension: those past a shrinking budget go first
        self.by_waste1 = sorted(range(len(bins)), key=lambda b: -waste1[b])
        self.by_waste2 = sorted(range(len(bins)), key=lambda b: -waste2[b])
        # their wastes negated, ascending, to find by bisection where a budget's bins begin
        self.less1 = [-waste1[b] for b in self.by_waste1]
        self.less2 = [-waste2[b] for b in self.by_waste2]
        self.open = set(range(n))
        self.chosen: list[int] = []
        self.rank = [0.0] * len(bins)
        self.tiebreak = [0.0] * n

    def restart(self, noise: list[float], tiebreak: list[float]) -> None:
        """A new dive: ties between bins broken in the order of ``noise`` (each below 1), ties
        between items in the order of ``tiebreak``."""
        k1, k2 = self.scale
        self.rank = [w1 * k1 + w2 * k2 + r for w1, w2, r in
                     zip(self.waste1, self.waste2, noise, strict=True)]
        self.tiebreak = tiebreak
        self.nodes = 0

    def _strike(self, b: int, struck: list[int]) -> None:
        self.live[b] = False
        for i in self.bins[b]:
            self.of[i].discard(b)
        if self.perfect[b]:
            for i in self.bins[b]:
                self.full[i].discard(b)
        struck.append(b)

    def _restore(self, struck: list[int]) -> None:
        perfect, full, of, bins = self.perfect, self.full, self.of, self.bins
        for b in struck:
            self.live[b] = True
            for i in bins[b]:
                of[i].add(b)
            if perfect[b]:
                for i in bins[b]:
                    full[i].add(b)

    def _over(self, order: list[int], less: list[int], budget: int, at: int,
              struck: list[int]) -> int:
        """Strike the bins of ``order`` from ``at`` on whose waste is over ``budget``; the budget
        only shrinks along a dive, so the bins before ``at`` are struck already. ``less`` holds
        the wastes of ``order`` negated."""
        end = bisect_left(less, -budget, at)
        if end <= at:
            return at
        live = self.live
        for b in order[at:end]:
            if live[b]:
                self._strike(b, struck)
        return end

    def run(self, budget1: int, budget2: int, at1: int = 0, at2: int = 0) -> list[int] | None:
        """Bins that hold every open item within the budgets (the strikes for the budgets got
        to ``at1``, ``at2``), or None if there are none; the state is as before on return."""
        self.nodes += 1
        if self.nodes > self.limit or time.perf_counter() > self.deadline:
            raise _Stop
        if not self.open:
            return list(self.chosen)
        of, full, tie = self.of, self.full, self.tiebreak
        # the item with the fewest bins that waste nothing, then the fewest bins
        item = min(self.open, key=lambda i: (len(full[i]), len(of[i]), tie[i]))
        # bins least waste first; among those, the one whose other items have the fewest bins
        # that waste nothing (they are the hardest to place later), then at random
        rank, bins = self.rank, self.bins
        options = sorted(of[item], key=lambda b: (
            int(rank[b]), sum(len(full[j]) for j in bins[b]), rank[b]))
        for b in options:
            struck: list[int] = []
            members = self.bins[b]
            for i in members:
                for other in list(of[i]):
                    self._strike(other, struck)
                self.open.discard(i)
            left1, left2 = budget1 - self.waste1[b], budget2 - self.waste2[b]
            next1 = self._over(self.by_waste1, self.less1, left1, at1, struck)
            next2 = self._over(self.by_waste2, self.less2, left2, at2, struck)
            self.chosen.append(b)
            try:
                found = self.run(left1, left2, next1, next2)
            finally:
                self.chosen.pop()
                self.open.update(members)
                self._restore(struck)
            if found is not None:
                return found
        return None
