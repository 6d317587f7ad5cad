"""One packing problem from start to finish: bound, construct, improve until bound or deadline."""

from __future__ import annotations

import time

import attrs

from core.packing.bounds import l2, vector_bound
from core.packing.heuristics import Bins, Instance, constructive, first_fit_decreasing
from core.packing.improve import improve


@attrs.frozen
class Solution:
    """Bins of item indices, with the lower bound that was proved for the instance."""

    bins: list[list[int]]
    lower_bound: int
    ffd_count: int

    @property
    def count(self) -> int:
        return len(self.bins)

    @property
    def gap(self) -> int:
        return self.count - self.lower_bound


def lower_bound(inst: Instance) -> int:
    if inst.c2 > 0:
        return vector_bound(inst.w1, inst.w2, inst.c1, inst.c2)
    return l2(inst.w1, inst.c1)


def solve(
    inst: Instance, time_limit: float = 1.0, seed: int = 0, deadline: float | None = None
) -> Solution:
    """Pack ``inst`` into as few bins as the time allows; never more than FFD.

    The search stops when the count meets the lower bound, after ``time_limit`` seconds, or at
    ``deadline`` (a :func:`time.perf_counter` value), whichever comes first.
    """
    start = time.perf_counter()
    end = start + time_limit if deadline is None else min(deadline, start + time_limit)
    if not inst.fits_alone():
        raise ValueError("an item is larger than the bin")
    if inst.n == 0:
        return Solution([], 0, 0)
    lower = lower_bound(inst)
    ffd = first_fit_decreasing(inst)
    bins: Bins = ffd
    if len(bins) > lower:
        bins = constructive(inst)
        if len(bins) > len(ffd):
            bins = ffd
    if len(bins) > lower and end > time.perf_counter():
        bins = improve(inst, bins, lower, end, seed)
    return Solution(bins, lower, len(ffd))
