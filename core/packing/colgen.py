"""Packing by column generation and diving, with HiGHS (the ``[exact]`` extra).

Gilmore and Gomory's model has a column per way to fill one bin (a pattern: how many items of
each size it holds) and a row per size, ``sum_p a_ip x_p >= d_i``. Its linear relaxation, rounded
up, is a lower bound that meets the optimum on nearly every list people meet (on all but five of
Hard28). HiGHS solves the relaxation over the patterns found so far, and a bounded knapsack over
the capacity (dynamic programming, vectorised with numpy; over both capacities in two dimensions)
finds the patterns worth adding at the relaxation's duals. Three things make it converge in a few
hundred iterations:

- dual-optimal inequalities (Ben Amor, Desrosiers and Valério de Carvalho, 2006), in one
  dimension: a free column lets each size cover the demand of the next smaller one, so no size's
  dual falls below a smaller size's (in two dimensions a bin of each single size stands in for
  them, so that whatever the dive leaves can be covered);
- smoothing (Wentges, 1997): the knapsack is priced at duals :data:`SMOOTHING` of the way from
  the relaxation's toward those of the best bound so far, which damps their oscillation; when that
  finds nothing worth adding, it is priced again at the relaxation's own duals;
- an early stop: the duals of every knapsack give a proved bound (Farley's, ``pi.d / value``),
  and the relaxation stops as soon as that bound rounds up to the same count as its own value.

When no pattern found so far fits what the dive has left (one HiGHS solve in nine on Hard28),
HiGHS's proof of infeasibility prices the missing patterns instead (Farkas pricing).

A dive then builds a packing from the relaxation. When the whole copies of the patterns it uses
fit what is left together, they are fixed at once (residual rounding); otherwise one copy of the
pattern it uses most is. The relaxation of what is left is solved again after each fix (unless
the copy fixed was a whole one, which leaves the rest of the solution optimal). When the bins
fixed plus the rounded-up bound of the rest exceed the target, the dive backs up and takes the
next pattern instead, the patterns already tried there barred below it: a limited-discrepancy
search, allowed one such turn along the whole dive, then two, and so on while the time lasts.

Nothing here reads a clock but :func:`time.perf_counter`; every loop looks at the deadline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import attrs
import numpy as np
from highspy import _core as highs_core
from numpy.typing import NDArray

from core.packing.heuristics import Bins, Instance

#: the knapsack is priced this share of the way from the relaxation's duals toward the duals of
#: the best bound so far. On Hard28 given a second each, 0.9 packed 22 and 23 of the 28 lists at
#: the optimum in two runs, 0.8 and 0.7 packed 20, 0.5 packed 17 and 0.95 packed 16
SMOOTHING = 0.9
#: patterns added to the relaxation per knapsack: the best one and the next best that end on
#: other loads (more made each iteration slower than it saved: 18 of Hard28 with 16, 18 with 4)
PATTERNS_PER_PRICING = 8
#: a knapsack over more cells (sizes times loads) than this is left to the pure-Python search:
#: the relaxation would not be solved in the time a list is given (Caprara and Toth's 200-item
#: lists of 150 x 150, about 4.3 million cells, took about a CPU second, and the three their
#: search packs at the optimum were lost to it)
MAX_KNAPSACK_CELLS = 3_000_000
#: slack when a bound in floating point is rounded up to a count of bins
ROUNDING = 1e-6
#: a pattern is worth adding when its duals sum to more than one bin by this much
GAIN = 1e-9

#: HiGHS's simplex strategies: the primal after columns are added (the basis stays feasible),
#: the dual after the demand changes (it stays dual feasible)
PRIMAL = 4
DUAL = 1

Counts = NDArray[np.int64]
Floats = NDArray[np.float64]


@attrs.frozen
class Dived:
    """A packing into fewer bins than asked for (or None) and the lower bound proved on the way
    (the bound given when the relaxation proved no more)."""

    bins: Bins | None
    lower: int


def fewer_bins(inst: Instance, packing: Bins, lower: int, deadline: float) -> Dived:
    """Look for a packing of ``inst`` into fewer bins than ``packing`` (of item indices) uses,
    and at least ``lower`` (a proved bound), until ``deadline`` (a :func:`time.perf_counter`
    value). The fewest found is returned."""
    sizes = list(zip(inst.w1, inst.w2, strict=True))
    # largest first (the dual-optimal inequalities follow this order); an item of no size goes
    # in any bin
    scale = inst.c2 or 1
    order = sorted(set(sizes) - {(0, 0)}, key=lambda s: (-(s[0] * scale + s[1] * inst.c1), s))
    where = {size: k for k, size in enumerate(order)}
    demand = np.zeros(len(order), dtype=np.int64)
    for size in sizes:
        if size in where:
            demand[where[size]] += 1
    kinds = _Kinds(np.array([s[0] for s in order], dtype=np.int64),
                   np.array([s[1] for s in order], dtype=np.int64), inst.c1, inst.c2)
    if not order or kinds.cells() > MAX_KNAPSACK_CELLS:
        return Dived(None, lower)
    master = _Master(kinds, demand)
    for bin_ in packing:
        pattern = np.zeros(len(order), dtype=np.int64)
        for i in bin_:
            if sizes[i] in where:
                pattern[where[sizes[i]]] += 1
        master.add(pattern)
    if inst.c2:
        # with no dual-optimal inequalities to lean on, a bin of one item of each size keeps
        # whatever the dive leaves coverable
        for k in range(len(order)):
            master.add(np.eye(1, len(order), k, dtype=np.int64)[0])
    lower = max(lower, master.relax(demand, deadline).bound)
    best: Bins | None = None
    bins = len(packing)
    dive = _Dive(master, demand, deadline)
    budget = 1
    while bins > lower and time.perf_counter() < deadline:
        found = dive.search(bins - 1, budget)
        if found is not None:
            best = _items(found, sizes, order)
            bins = len(best)
            budget = 1
        elif dive.exhausted:
            break
        else:
            budget += 1
    return Dived(best, lower)


@attrs.frozen
class _Kinds:
    """The distinct sizes of a list, largest first (``w2`` zero and ``c2`` zero in one
    dimension)."""

    w1: Counts
    w2: Counts
    c1: int
    c2: int

    def cells(self) -> int:
        """The knapsack's table: a cell per size and load."""
        return len(self.w1) * (self.c1 + 1) * (self.c2 + 1)


@attrs.frozen
class _Relaxation:
    """The relaxation over the patterns so far: how much of each it uses (``x``, aligned with
    :attr:`_Master.patterns`) and the bound it proved (a count of bins)."""

    x: Floats
    bound: int


class _Master:
    """Gilmore and Gomory's relaxation in HiGHS, on a demand that the dive lowers as it fixes."""

    def __init__(self, kinds: _Kinds, demand: Counts) -> None:
        self.kinds = kinds
        sizes = len(kinds.w1)
        self.patterns = np.zeros((64, sizes), dtype=np.int64)
        self.open = np.ones(64, dtype=bool)
        self.count = 0
        self.demand = demand.copy()
        # the core class: highspy.Highs sets up callbacks that print HiGHS's banner on stdout
        # before any option can turn logging off, and stdout is the operator's terminal
        self.highs = highs_core._Highs()
        for option, value in (("output_flag", False), ("presolve", "off"), ("threads", 1)):
            self.highs.setOptionValue(option, value)
        rows = np.arange(sizes, dtype=np.int32)
        nothing = np.zeros(0, dtype=np.int32)
        infinity = np.full(sizes, highs_core.kHighsInf)
        self.highs.addRows(sizes, demand.astype(np.float64), infinity, 0, nothing, nothing,
                           np.zeros(0))
        # the dual-optimal inequalities, in one dimension: size k's place may hold an item of
        # size k + 1 (in two, a size need not be larger than the next in both)
        self.first = 0
        for k in rows[:-1] if not kinds.c2 else []:
            self.highs.addCol(0.0, 0.0, highs_core.kHighsInf, 2, rows[k : k + 2],
                              np.array([-1.0, 1.0]))
            self.first += 1

    def add(self, pattern: Counts) -> None:
        if self.count == len(self.patterns):
            self.patterns = np.concatenate([self.patterns, np.zeros_like(self.patterns)])
            self.open = np.concatenate([self.open, np.ones_like(self.open)])
        self.patterns[self.count] = pattern
        self.open[self.count] = True
        self.count += 1
        used = np.flatnonzero(pattern).astype(np.int32)
        self.highs.addCol(1.0, 0.0, highs_core.kHighsInf, len(used), used,
                          pattern[used].astype(np.float64))

    def fitting(self, demand: Counts) -> NDArray[np.bool_]:
        """Which patterns fit within ``demand`` (the others are held at zero)."""
        return np.asarray((self.patterns[: self.count] <= demand).all(axis=1))

    def restrict(self, demand: Counts) -> None:
        """Set the rows to ``demand`` and hold at zero the patterns that do not fit in it (only
        what changed is passed to HiGHS, which keeps its basis)."""
        rows = np.flatnonzero(demand != self.demand)
        for row in rows.tolist():  # the few sizes of the patterns fixed or freed since
            self.highs.changeRowBounds(row, float(demand[row]), highs_core.kHighsInf)
        self.demand = demand.copy()
        fits = self.fitting(demand)
        changed = np.flatnonzero(fits != self.open[: self.count])
        if len(changed):
            self.open[changed] = fits[changed]
            self.highs.changeColsBounds(
                len(changed), (changed + self.first).astype(np.int32), np.zeros(len(changed)),
                np.where(fits[changed], highs_core.kHighsInf, 0.0))
        self.highs.setOptionValue("simplex_strategy", DUAL if len(rows) else PRIMAL)

    def relax(self, demand: Counts, deadline: float) -> _Relaxation:
        """Column generation on ``demand`` until the bound meets the relaxation's value rounded
        up, no pattern is worth adding, or ``deadline``."""
        self.restrict(demand)
        wanted = demand.astype(np.float64)
        best = 0.0
        centre: Floats | None = None
        while True:
            self.highs.run()
            if self.highs.getModelStatus() == highs_core.HighsModelStatus.kInfeasible:
                if time.perf_counter() > deadline or not self._cover(demand):
                    return _Relaxation(np.zeros(self.count), math.ceil(best - ROUNDING))
                continue
            solution = self.highs.getSolution()
            duals = np.maximum(np.asarray(solution.row_dual, dtype=np.float64), 0.0)
            value = float(self.highs.getInfo().objective_function_value)
            converged = True
            share = SMOOTHING if centre is not None else 0.0
            while True:
                priced = duals if centre is None or share <= 0 else \
                    share * centre + (1 - share) * duals
                gain, found = _knapsack(self.kinds, demand, priced)
                bound = float(priced @ wanted) / max(gain, 1.0)
                if bound > best:
                    best, centre = bound, priced
                worth = [p for p in found if float(duals @ p) > 1.0 + GAIN]
                if worth:
                    self._add_all(worth)
                    converged = False
                    break
                if share <= 0:
                    break
                share = 0.0
            proved = math.ceil(best - ROUNDING)
            if converged or proved >= math.ceil(value - ROUNDING) or time.perf_counter() > deadline:
                used = np.zeros(self.count)
                primal = np.asarray(solution.col_value, dtype=np.float64)[self.first :]
                used[: len(primal)] = primal
                return _Relaxation(used, proved)

    def _cover(self, demand: Counts) -> bool:
        """Add the patterns that a proof of infeasibility says are missing (Farkas pricing: the
        dual ray ``y`` has ``y.d > 0`` and ``y.a <= 0`` for every pattern so far, so a pattern
        with ``y.a > 0`` is what the relaxation lacks); False when there is none."""
        # bound in highspy's core but missing from its type stubs
        _status, has_ray, ray = self.highs.getDualRay()  # type: ignore[attr-defined]
        if not has_ray:
            return False
        direction = np.asarray(ray, dtype=np.float64)
        if float(direction @ demand) < 0:
            direction = -direction
        _gain, found = _knapsack(self.kinds, demand, np.maximum(direction, 0.0))
        worth = [p for p in found if float(direction @ p) > GAIN]
        self._add_all(worth)
        return bool(worth)

    def _add_all(self, patterns: list[Counts]) -> None:
        """Add the patterns priced, for the primal simplex to take up (its basis stays feasible)."""
        for pattern in patterns:
            self.add(pattern)
        self.highs.setOptionValue("simplex_strategy", PRIMAL)


class _Dive:
    """The dive with limited discrepancy over the relaxation (see the module's text)."""

    def __init__(self, master: _Master, demand: Counts, deadline: float) -> None:
        self.master = master
        self.demand = demand
        self.deadline = deadline
        self.exhausted = False
        self.target = 0

    def search(self, target: int, budget: int) -> list[Counts] | None:
        """Patterns for at most ``target`` bins that cover the demand, turning off the
        relaxation's first choice at most ``budget`` times; :attr:`exhausted` tells afterwards
        whether the search ended with no turn left untried (so a bigger budget would help)."""
        self.target = target
        self.exhausted = True
        fixed: list[Counts] = []
        try:
            return self._down(self.demand.copy(), fixed, budget, frozenset())
        except RecursionError:
            self.exhausted = False
            return None

    def _down(
        self, left: Counts, fixed: list[Counts], budget: int, tabu: frozenset[bytes],
        relaxed: _Relaxation | None = None,
    ) -> list[Counts] | None:
        if not left.any():
            return fixed
        if time.perf_counter() > self.deadline:
            self.exhausted = False
            return None
        master = self.master
        if relaxed is None:
            relaxed = master.relax(left, self.deadline)
        if len(fixed) + relaxed.bound > self.target:
            return None
        fits = master.fitting(left)
        x = np.zeros(len(fits))  # columns added since the relaxation was solved are unused
        x[: len(relaxed.x)] = np.maximum(relaxed.x, 0.0)
        x[~fits] = 0.0
        patterns = master.patterns[: master.count]
        whole = np.floor(x + ROUNDING).astype(np.int64)
        if whole.any():
            taken = whole @ patterns
            if (taken <= left).all():
                copies = [patterns[c] for c in np.flatnonzero(whole) for _ in range(whole[c])]
                return self._down(left - taken, fixed + copies, budget, tabu)
        turns = 0
        tried = set(tabu)
        for column in np.argsort(-x, kind="stable"):
            if x[column] <= ROUNDING:
                break
            pattern = patterns[column].copy()
            key = pattern.tobytes()
            if key in tried:
                continue
            if turns > budget:
                self.exhausted = False
                break
            # a whole copy the relaxation uses leaves the rest of its solution optimal for what
            # is left (the duals do not change), so the child need not solve it again
            reuse = None
            if x[column] >= 1 - ROUNDING:
                rest = relaxed.x.copy()
                rest[column] -= 1
                reuse = _Relaxation(rest, relaxed.bound - 1)
            found = self._down(left - pattern, [*fixed, pattern], budget - turns,
                               frozenset(tried), reuse)
            if found is not None:
                return found
            tried.add(key)
            turns += 1
        return None


def _knapsack(kinds: _Kinds, demand: Counts, duals: Floats) -> tuple[float, list[Counts]]:
    """The most the duals can sum to in one bin, with up to :data:`PATTERNS_PER_PRICING`
    patterns: the best, then the best ending at other loads (each at most ``demand``).

    The table has a cell per load (in two dimensions a row per load of the first and a column per
    load of the second). Each size with a positive dual enters it in binary chunks of its demand
    (1, 2, 4... items), so the bound on copies holds with one 0-1 step per chunk.
    """
    if kinds.c2:
        return _knapsack_2d(kinds, demand, duals)
    capacity = kinds.c1
    best = np.zeros(capacity + 1)
    chunks: list[tuple[int, int, int, NDArray[np.bool_]]] = []
    for kind in np.flatnonzero(duals > GAIN):
        size, value = int(kinds.w1[kind]), float(duals[kind])
        left = min(int(demand[kind]), capacity // size)
        step = 1
        while left > 0:
            copies = min(step, left)
            load = copies * size
            candidate = best[: capacity + 1 - load] + copies * value
            better = candidate > best[load:]
            np.maximum(best[load:], candidate, out=best[load:])
            chunks.append((int(kind), copies, load, better))
            left -= copies
            step *= 2

    def pattern(end: int) -> Counts:
        counts = np.zeros(len(kinds.w1), dtype=np.int64)
        room = end
        for taken, copies, load, better in reversed(chunks):
            if room >= load and better[room - load]:
                counts[taken] += copies
                room -= load
        return counts

    return float(best.max()), _best_patterns(best, pattern)


def _knapsack_2d(kinds: _Kinds, demand: Counts, duals: Floats) -> tuple[float, list[Counts]]:
    """:func:`_knapsack` over a table of both loads."""
    c1, c2 = kinds.c1, kinds.c2
    best = np.zeros((c1 + 1, c2 + 1))
    chunks: list[tuple[int, int, int, int, NDArray[np.bool_]]] = []
    for kind in np.flatnonzero(duals > GAIN):
        a, b, value = int(kinds.w1[kind]), int(kinds.w2[kind]), float(duals[kind])
        left = min(int(demand[kind]), c1 // a if a else c1 + 1, c2 // b if b else c2 + 1)
        step = 1
        while left > 0:
            copies = min(step, left)
            l1, l2 = copies * a, copies * b
            candidate = best[: c1 + 1 - l1, : c2 + 1 - l2] + copies * value
            better = candidate > best[l1:, l2:]
            np.maximum(best[l1:, l2:], candidate, out=best[l1:, l2:])
            chunks.append((int(kind), copies, l1, l2, better))
            left -= copies
            step *= 2

    def pattern(end: int) -> Counts:
        counts = np.zeros(len(kinds.w1), dtype=np.int64)
        r1, r2 = divmod(end, c2 + 1)
        for taken, copies, l1, l2, better in reversed(chunks):
            if r1 >= l1 and r2 >= l2 and better[r1 - l1, r2 - l2]:
                counts[taken] += copies
                r1 -= l1
                r2 -= l2
        return counts

    return float(best.max()), _best_patterns(best.ravel(), pattern)


def _best_patterns(best: Floats, pattern: Callable[[int], Counts]) -> list[Counts]:
    """The patterns that end at the best cells of the (flattened) table, best first, each once."""
    found: list[Counts] = []
    seen: set[bytes] = set()
    for end in np.argsort(-best, kind="stable")[: 4 * PATTERNS_PER_PRICING]:
        if found and best[end] <= 1.0 + GAIN:
            break
        counts = pattern(int(end))
        key = counts.tobytes()
        if key not in seen:
            seen.add(key)
            found.append(counts)
            if len(found) == PATTERNS_PER_PRICING:
                break
    return found


def _items(
    patterns: list[Counts], sizes: list[tuple[int, int]], order: list[tuple[int, int]]
) -> Bins:
    """Bins of item indices for ``patterns`` (an item of each size for each unit of the size)."""
    waiting: dict[tuple[int, int], list[int]] = {}
    for i in range(len(sizes) - 1, -1, -1):
        waiting.setdefault(sizes[i], []).append(i)
    bins: Bins = []
    for pattern in patterns:
        bin_: list[int] = []
        for kind in np.flatnonzero(pattern):
            stack = waiting[order[kind]]
            bin_ += [stack.pop() for _ in range(int(pattern[kind]))]
        bins.append(bin_)
    bins[0] += waiting.get((0, 0), [])
    return [sorted(bin_) for bin_ in bins]
