"""Improvement under a time limit: a consistent-neighbourhood search on partial solutions.

In the style of Buljubašić and Vasquez (2016): to go from ``m + 1`` bins to ``m``, three bins of
the last complete solution are emptied into a pool of unassigned items. The other ``m - 2`` bins
are then repacked one at a time with the best subset of their own items and the pool (the
"unlimited add/drop" move; a subset-sum over big-integer bitsets in one dimension, a bounded
depth-first search in two), which shrinks the pool or changes its make-up. In two dimensions a
unit of each size is worth more in a bin the fuller the pool is in that dimension (the pool's load
to the power :data:`FOCUS`, weights that follow the pool as it changes), so the bins take from the
pool, nearly lexicographically, what keeps it from fitting two bins, and the search is exact on
the few candidates a bin has (largest first, cut by what the room left can still add); a bin is
not repacked again while the pool is as it was. Items that leave a bin may not go back to it for
a while (tabu), and when the pool stops shrinking a random item is kicked out of a random bin. As
soon as the pool fits in two bins, the ``m`` bins are complete.

Everything is deterministic for a given seed, and the search stops at the deadline or when the
count meets the lower bound.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from core.packing.heuristics import Bins, Instance

#: how sharply a repacked bin favours the dimension the pool is fullest in: a unit of size is worth
#: the pool's fill in its dimension to this power. On ten tight lists of Caprara and Toth's
#: classes 6 and 7, given a second each under 60 seeds, eighth powers reached the optimum in 191
#: of the 600 runs and squares in 145
FOCUS = 8
#: the rates keep this many bits (their ratio is what matters, and small integers add fast)
RATE_BITS = 24


def improve(
    inst: Instance,
    bins: Bins,
    lower: int,
    deadline: float,
    seed: int = 0,
) -> Bins:
    """Fewer bins than ``bins`` if the search finds them before ``deadline`` (perf_counter)."""
    best = [list(b) for b in bins]
    rng = random.Random(seed)
    while len(best) > lower and time.perf_counter() < deadline:
        found = _Search(inst, rng).reach(best, len(best) - 1, deadline)
        if found is None:
            break
        best = found
    return best


class _Search:
    def __init__(self, inst: Instance, rng: random.Random) -> None:
        self.inst = inst
        self.rng = rng
        self.w1 = inst.w1
        self.w2 = inst.w2
        self.c1 = inst.c1
        self.c2 = inst.c2
        self.key = inst.key()
        self.two = inst.c2 > 0
        self.full = (1 << (inst.c1 + 1)) - 1

    # ---- small exact pieces -------------------------------------------------------------------

    def _subset_1d(self, items: Sequence[int]) -> list[int]:
        """The subset of ``items`` with the most weight within ``c1`` (later ones dropped first)."""
        w = self.w1
        full = self.full
        reach = 1
        masks = []
        for i in items:
            masks.append(reach)
            reach |= (reach << w[i]) & full
        t = reach.bit_length() - 1
        chosen = []
        for idx in range(len(items) - 1, -1, -1):
            if (masks[idx] >> t) & 1:
                continue
            chosen.append(items[idx])
            t -= w[items[idx]]
        return chosen

    def _worths(self, rates: tuple[int, int]) -> list[int]:
        """Every item's worth at these rates (see :meth:`_subset_2d`)."""
        rate1, rate2 = rates
        return [a * rate1 + b * rate2 for a, b in zip(self.w1, self.w2, strict=True)]

    def _subset_2d(
        self,
        items: Sequence[int],
        rates: tuple[int, int],
        limit: int = 1000,
        floor: int = -1,
        worths: Sequence[int] | None = None,
    ) -> list[int]:
        """A subset of ``items`` that fits both capacities, with a large total of ``rates[0]``
        times the first size plus ``rates[1]`` times the second (bounded DFS, largest first).

        Being linear in the sizes, that total grows by at most the rates times the room left:
        a branch that cannot beat the best so far even so is cut. Only a subset worth more than
        ``floor`` is looked for (the empty list when there is none). ``worths`` are the items'
        worths at these rates when the caller has them (:meth:`_worths`).
        """
        w1, w2 = self.w1, self.w2
        rate1, rate2 = rates
        if worths is None:
            worths = self._worths(rates)
        # a stable sort: equal worths stay in the order given
        order = sorted(items, key=worths.__getitem__, reverse=True)
        worth = [worths[i] for i in order]
        size1 = [w1[i] for i in order]
        size2 = [w2[i] for i in order]
        n = len(order)
        suffix = [0] * (n + 1)
        for idx in range(n - 1, -1, -1):
            suffix[idx] = suffix[idx + 1] + worth[idx]
        best: list[int] = []
        best_value = max(floor, 0)
        current: list[int] = []
        nodes = 0

        def extend(start: int, r1: int, r2: int, value: int) -> None:
            # the loop takes order[idx] next, leaving out order[start:idx]
            nonlocal best, best_value, nodes
            if value + r1 * rate1 + r2 * rate2 <= best_value:
                return
            for idx in range(start, n):
                nodes += 1
                if nodes > limit or value + suffix[idx] <= best_value:
                    return
                if size1[idx] <= r1 and size2[idx] <= r2:
                    current.append(order[idx])
                    gained = value + worth[idx]
                    if gained > best_value:
                        best_value = gained
                        best = list(current)
                    extend(idx + 1, r1 - size1[idx], r2 - size2[idx], gained)
                    current.pop()

        extend(0, self.c1, self.c2, 0)
        return best

    def _split_two(self, pool: Sequence[int]) -> list[list[int]] | None:
        """The pool split into two bins, or None if it does not fit (or is too hard to tell)."""
        w1, w2, c1, c2 = self.w1, self.w2, self.c1, self.c2
        t1 = sum(w1[i] for i in pool)
        t2 = sum(w2[i] for i in pool)
        if t1 > 2 * c1 or t2 > 2 * c2:
            return None
        if not self.two:
            if t1 <= c1:
                return [list(pool), []]
            reach = 1
            full = self.full
            masks = []
            for i in pool:
                masks.append(reach)
                reach |= (reach << w1[i]) & full
            low = t1 - c1
            window = reach >> low
            if window == 0:
                return None
            t = low + (window & -window).bit_length() - 1
            first = []
            for idx in range(len(pool) - 1, -1, -1):
                if (masks[idx] >> t) & 1:
                    continue
                first.append(pool[idx])
                t -= w1[pool[idx]]
            taken = set(first)
            return [first, [i for i in pool if i not in taken]]
        order = sorted(pool, key=lambda i: -self.key[i])
        side: list[int] = [0] * len(order)
        nodes = 0

        def dfs(idx: int, a1: int, a2: int, b1: int, b2: int) -> bool:
            nonlocal nodes
            nodes += 1
            if idx == len(order):
                return True
            if nodes > 2000:
                return False
            i = order[idx]
            if a1 + w1[i] <= c1 and a2 + w2[i] <= c2:
                side[idx] = 0
                if dfs(idx + 1, a1 + w1[i], a2 + w2[i], b1, b2):
                    return True
            if idx > 0 and b1 + w1[i] <= c1 and b2 + w2[i] <= c2:
                side[idx] = 1
                if dfs(idx + 1, a1, a2, b1 + w1[i], b2 + w2[i]):
                    return True
            return False

        if not dfs(0, 0, 0, 0, 0):
            return None
        return [
            [order[k] for k in range(len(order)) if side[k] == 0],
            [order[k] for k in range(len(order)) if side[k] == 1],
        ]

    def _rates(self, pool: Sequence[int]) -> tuple[int, int]:
        """What a unit of each size is worth in a bin: the more, the fuller the pool is in that
        dimension (to the power :data:`FOCUS`, relative to the capacity), so that a repacked bin
        takes most from the pool where the pool is the further from fitting its two bins. A
        dimension the pool has anything of keeps a rate of at least 1."""
        w1, w2, c1, c2 = self.w1, self.w2, self.c1, self.c2
        p1 = sum(w1[i] for i in pool) * c2
        p2 = sum(w2[i] for i in pool) * c1
        rate1, rate2 = c2 * p1**FOCUS, c1 * p2**FOCUS
        cut = max(max(rate1, rate2).bit_length() - RATE_BITS, 0)
        return (rate1 >> cut or min(rate1, 1)), (rate2 >> cut or min(rate2, 1))

    # ---- the search ---------------------------------------------------------------------------

    def reach(self, solution: Bins, m: int, deadline: float) -> Bins | None:
        """``m`` bins holding every item of ``solution`` (which has ``m + 1``), or None."""
        if m <= 0:
            return None
        if m <= 2:
            pool = [i for b in solution for i in b]
            split = self._split_two(pool)
            if split is None:
                return None
            used = [b for b in split if b]
            return used if len(used) <= m else None
        key = self.key
        loads = sorted(range(len(solution)), key=lambda b: sum(key[i] for i in solution[b]))
        removed = set(loads[:3])
        bins = [list(solution[b]) for b in range(len(solution)) if b not in removed]
        pool = [i for b in removed for i in solution[b]]
        w1, w2 = self.w1, self.w2
        load1 = [sum(w1[i] for i in b) for b in bins]
        load2 = [sum(w2[i] for i in b) for b in bins]
        value = [sum(key[i] for i in b) for b in bins]
        # item -> (the bin it left, the iteration until which it may not go back there)
        home: dict[int, tuple[int, int]] = {}
        rng = self.rng
        nb = len(bins)
        iteration = 0
        stale = 0
        pool_value = sum(key[i] for i in pool)
        best_pool = pool_value
        order = list(range(nb))
        # in two dimensions: the pool's version when each bin last kept its items, so that a bin
        # is not repacked again with the same pool (the answer would be the same, but for pool
        # items whose tabu has run out meanwhile: they wait for the pool's next change)
        version = 0
        kept_at = [-1] * nb
        while True:
            split = self._split_two(pool)
            if split is not None:
                return bins + [b for b in split if b]
            if time.perf_counter() > deadline:
                return None
            rng.shuffle(order)
            improved = False
            rates = self._rates(pool) if self.two else (0, 0)
            worths = self._worths(rates) if self.two else []
            for b in order:
                if time.perf_counter() > deadline:
                    return None
                iteration += 1
                if kept_at[b] == version:
                    continue
                allowed = [
                    i
                    for i in pool
                    if (tabu := home.get(i)) is None or tabu[0] != b or tabu[1] < iteration
                ]
                candidates = bins[b] + allowed
                if self.two:
                    # only as good as the bin's own items or better is taken
                    own = load1[b] * rates[0] + load2[b] * rates[1]
                    chosen = self._subset_2d(candidates, rates, floor=own - 1, worths=worths)
                    if not chosen:  # nothing worth as much as the bin's own items
                        kept_at[b] = version
                        continue
                else:
                    rng.shuffle(candidates)
                    chosen = self._subset_1d(candidates)
                new_value = sum(key[i] for i in chosen)
                if not self.two and new_value < value[b]:
                    continue
                if set(chosen) == set(bins[b]):
                    if self.two:
                        kept_at[b] = version
                    continue
                kept = set(chosen)
                tenure = 3 + rng.randrange(nb // 4 + 3)
                for i in bins[b]:
                    if i not in kept:
                        home[i] = (b, iteration + tenure)
                pool = [i for i in pool if i not in kept] + [i for i in bins[b] if i not in kept]
                pool_value += value[b] - new_value
                bins[b] = chosen
                value[b] = new_value
                version += 1
                if self.two:
                    rates = self._rates(pool)
                    worths = self._worths(rates)
                load1[b] = sum(w1[i] for i in chosen)
                load2[b] = sum(w2[i] for i in chosen)
                if pool_value < best_pool:
                    best_pool = pool_value
                    improved = True
                if len(pool) <= 2 * 40 and (split := self._split_two(pool)) is not None:
                    return bins + [b2 for b2 in split if b2]
            if improved:
                stale = 0
            else:
                stale += 1
            if stale >= 2:
                stale = 0
                b = rng.randrange(nb)
                if bins[b]:
                    i = bins[b].pop(rng.randrange(len(bins[b])))
                    value[b] -= key[i]
                    load1[b] -= w1[i]
                    load2[b] -= w2[i]
                    pool.append(i)
                    pool_value += key[i]
                    version += 1
                    home[i] = (b, iteration + nb)
