"""One packing problem from start to finish: bound, construct, complete (in two dimensions) and
improve until the count meets the bound or the deadline comes."""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Sized
from functools import cache

import attrs

from core.packing.bounds import Bounded, l2, vector_bound
from core.packing.completion import complete
from core.packing.cover import cover
from core.packing.heuristics import Bins, Instance, constructive, first_fit_decreasing
from core.packing.improve import improve


@attrs.frozen
class Solution(Bounded):
    """Bins of item indices, with the lower bound that was proved for the instance."""

    bins: list[list[int]]
    lower_bound: int
    ffd_count: int

    def containers(self) -> Sized:
        return self.bins


#: constructions (first fit decreasing and the others) may run this long past the search's time
#: limit, and at least this long: a short limit still gives a real FFD, even on a busy machine
MIN_CONSTRUCTION_SECONDS = 1.0
#: the search for a better lower bound may run this long past the time limit
BOUND_SECONDS = 0.25
#: the share of the time limit kept back from the search for the work after its last look at the
#: clock (a repack, a dive's node, returning), so that a call returns within its limit
FINISH_SHARE = 0.01
#: the share of the search's time that bin completion gets first, on two-dimensional lists
COMPLETION_SHARE = 0.15
#: the share that the exact cover by bins of at most three items gets before that, on
#: two-dimensional lists of at most three items a bin (see :mod:`core.packing.cover`)
COVER_SHARE = 0.7
#: lists of fewer items give the exact cover a share of the time that much smaller: on them a
#: cover that exists is found in the first few dives
COVER_FULL_SHARE_ITEMS = 200


#: on one-dimensional lists with the ``[exact]`` extra, the share of the search's time the
#: pure-Python improvement search gets first; column generation and its dive then get
#: :data:`COLUMNS_SHARE` of what is left, and the improvement search takes up again from the best
#: packing for the rest. On the 157 hardest of the 1,615 BPPLIB lists given a CPU second each,
#: 0.05 and 0.9 packed 150 at the optimum (21 of Hard28); 0.1 and 0.85 packed 145 (16)
IMPROVE_FIRST_SHARE = 0.05
COLUMNS_SHARE = 0.9
#: on two-dimensional lists with the ``[exact]`` extra, the share of the search's time left after
#: the exact cover that column generation gets, before bin completion and the improvement search
#: (only lists whose knapsack table is small enough get it: see
#: ``core.packing.colgen.MAX_KNAPSACK_CELLS``). On Caprara and Toth's classes 6, 7, 8 and 10 given
#: a CPU second each, it packed 155 of the 160 at the optimum, against 152 without the extra
COLUMNS_SHARE_2D = 0.8
#: column generation is first started only with this much of the search's time left: its first
#: use imports numpy and HiGHS (about 0.3 s of a core), which no deadline can cut short
COLUMNS_IMPORT_SECONDS = 0.5


@cache
def columns_available() -> bool:
    """Whether the ``[exact]`` extra's HiGHS and numpy are installed (looked up, not imported)."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in ("highspy", "numpy"))
    except (ImportError, ValueError):
        return False


def construction_deadline(end: float, time_limit: float) -> float:
    """When constructions switch to next fit: ``time_limit`` (at least a second) after ``end``.

    The search for fewer boxes stops at ``end``; the quick constructions every result is compared
    with finish in their own time on any usual list, and only a list too long for them meets
    this deadline. A call therefore returns within about twice its time limit on any input.
    """
    return end + max(time_limit, MIN_CONSTRUCTION_SECONDS)


def bound_deadline(end: float, construct_by: float) -> float:
    """When the search for a better lower bound stops: soon after ``end``, so that on a list too
    long for it the constructions still get their time."""
    return min(construct_by, end + BOUND_SECONDS)


def lower_bound(inst: Instance, deadline: float | None = None) -> int:
    """A proved lower bound (a weaker one when the deadline cuts the conflict search short)."""
    if inst.c2 > 0:
        return vector_bound(inst.w1, inst.w2, inst.c1, inst.c2, deadline=deadline)
    return l2(inst.w1, inst.c1)


def _complete(inst: Instance, bins: Bins, lower: int, end: float, seed: int) -> tuple[Bins, int]:
    """A packing into ``lower`` bins by bin completion, within its share of the time left.

    When the waste budget is tight in a dimension, as it is when the bound is the optimum of a
    list cut from full bins, completion finds packings the improvement search misses; when it
    proves that ``lower`` bins cannot hold the list, the bound rises by one.
    """
    found = complete(inst, lower, _share(end, COMPLETION_SHARE), seed)
    if found.bins is not None and len(found.bins) < len(bins):
        return found.bins, lower
    if found.impossible:
        return bins, lower + 1
    return bins, lower


def solve(
    inst: Instance,
    time_limit: float = 1.0,
    seed: int = 0,
    deadline: float | None = None,
    construct_by: float | None = None,
    exact: bool = False,
) -> Solution:
    """Pack ``inst`` into as few bins as the time allows; never more than FFD.

    The search stops when the count meets the lower bound, :data:`FINISH_SHARE` of
    ``time_limit`` before ``time_limit`` seconds have passed, or at
    ``deadline`` (a :func:`time.perf_counter` value), whichever comes first. Every loop looks at
    the clock: on a list too long for the time given, the bound stops early (it stays a proved
    bound) and the constructions finish by next fit at ``construct_by`` (a perf_counter value,
    default :func:`construction_deadline`), so the call returns in time on any input.

    In two dimensions, a list of at most three items a bin is first tried as an exact cover by
    bins of at most three items (:data:`COVER_SHARE` of the search's time, in proportion less on
    lists under :data:`COVER_FULL_SHARE_ITEMS` items); then bin completion
    has :data:`COMPLETION_SHARE` of the time left and the improvement search the rest; a bound
    that completion proves too low rises by one.

    With ``exact``, where the ``[exact]`` extra is installed, column generation
    (:mod:`core.packing.colgen`) shares the time: in one dimension with the improvement search
    (:func:`_improve_and_dive`), in two before bin completion, on lists whose knapsack is small
    enough. Its first use in a process needs :data:`COLUMNS_IMPORT_SECONDS` of the time left.
    The default is the pure-Python search, whose results do not depend on what is installed.
    """
    start = time.perf_counter()
    limit = start + time_limit * (1.0 - FINISH_SHARE)
    end = limit if deadline is None else min(deadline, limit)
    if construct_by is None:
        construct_by = construction_deadline(end, max(end - start, 0.0))
    if not inst.fits_alone():
        raise ValueError("an item is larger than the bin")
    if inst.n == 0:
        return Solution([], 0, 0)
    # the bound and the alternatives to FFD are extras: they stop soon after the time limit,
    # FFD itself (the baseline) only at construct_by
    extras_by = bound_deadline(end, construct_by)
    lower = lower_bound(inst, extras_by)
    ffd = first_fit_decreasing(inst, construct_by)
    bins: Bins = ffd
    if len(bins) > lower and time.perf_counter() < extras_by:
        bins = constructive(inst, extras_by, ffd)
        if len(bins) > len(ffd):
            bins = ffd
    if inst.c2 > 0 and len(bins) > lower and inst.n <= 3 * lower and end > time.perf_counter():
        share = COVER_SHARE * min(1.0, inst.n / COVER_FULL_SHARE_ITEMS)
        found = cover(inst, lower, _share(end, share), seed)
        if found is not None and len(found) < len(bins):
            bins = found
    if inst.c2 > 0 and exact and columns_available():
        bins, lower = _columns(inst, bins, lower, _share(end, COLUMNS_SHARE_2D))
    if inst.c2 > 0 and len(bins) > lower and end > time.perf_counter():
        bins, lower = _complete(inst, bins, lower, end, seed)
    if not inst.c2 and exact and columns_available():
        bins, lower = _improve_and_dive(inst, bins, lower, end, seed)
    elif len(bins) > lower and end > time.perf_counter():
        bins = improve(inst, bins, lower, end, seed)
    return Solution(bins, lower, len(ffd))


def _share(end: float, share: float) -> float:
    """The moment ``share`` of the time from now to ``end`` has passed."""
    now = time.perf_counter()
    return now + share * max(end - now, 0.0)


def _improve_and_dive(
    inst: Instance, bins: Bins, lower: int, end: float, seed: int
) -> tuple[Bins, int]:
    """One-dimensional search with the ``[exact]`` extra: the improvement search first, then
    column generation and its dive (:mod:`core.packing.colgen`), then the improvement search
    again from the best packing; the relaxation's bound raises ``lower`` where it is higher."""
    if len(bins) > lower and end > time.perf_counter():
        bins = improve(inst, bins, lower, _share(end, IMPROVE_FIRST_SHARE), seed)
    bins, lower = _columns(inst, bins, lower, _share(end, COLUMNS_SHARE))
    if len(bins) > lower and end > time.perf_counter():
        bins = improve(inst, bins, lower, end, seed)
    return bins, lower


def _columns(inst: Instance, bins: Bins, lower: int, deadline: float) -> tuple[Bins, int]:
    """Column generation and its dive until ``deadline``, where the time left allows its first
    import (see :data:`COLUMNS_IMPORT_SECONDS`)."""
    needed = 0.0 if "core.packing.colgen" in sys.modules else COLUMNS_IMPORT_SECONDS
    if len(bins) > lower and deadline - time.perf_counter() > needed:
        from core.packing.colgen import fewer_bins

        dived = fewer_bins(inst, bins, lower, deadline)
        lower = dived.lower
        if dived.bins is not None and len(dived.bins) < len(bins):
            bins = dived.bins
    return bins, lower
