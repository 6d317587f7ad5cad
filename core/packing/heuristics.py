"""Constructive packing heuristics on integer vectors: first fit and best fit decreasing.

An :class:`Instance` holds two integer sizes per item and two capacities. One-dimensional packing
is the case ``c2 == 0`` with every ``w2`` zero, so one code path serves both. ``key`` is the size
used to sort items and to score bins: the size itself in one dimension, the sum of the two sizes
each normalised by its capacity in two (kept integral as ``w1*c2 + w2*c1``).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

Bins = list[list[int]]


@attrs.frozen
class Instance:
    """Items with integer sizes ``w1`` (and ``w2``) to pack into bins of ``c1`` (and ``c2``)."""

    w1: tuple[int, ...]
    w2: tuple[int, ...]
    c1: int
    c2: int = 0

    @classmethod
    def one_dimensional(cls, sizes: Sequence[int], capacity: int) -> Instance:
        return cls(tuple(sizes), (0,) * len(sizes), capacity, 0)

    @property
    def n(self) -> int:
        return len(self.w1)

    @property
    def two_dimensional(self) -> bool:
        return self.c2 > 0

    def key(self) -> list[int]:
        """The size of each item on one scale (for sorting and scoring)."""
        if self.c2 == 0:
            return list(self.w1)
        c1, c2 = self.c1, self.c2
        return [a * c2 + b * c1 for a, b in zip(self.w1, self.w2, strict=True)]

    def fits_alone(self) -> bool:
        return all(a <= self.c1 for a in self.w1) and all(b <= self.c2 for b in self.w2)


def decreasing(inst: Instance, key: Sequence[int] | None = None) -> list[int]:
    """Item indices by non-increasing ``key`` (ties by index, so runs are reproducible)."""
    k = inst.key() if key is None else key
    return sorted(range(inst.n), key=lambda i: (-k[i], i))


def first_fit(inst: Instance, order: Sequence[int]) -> Bins:
    """Each item in ``order`` goes into the first open bin with room in both dimensions."""
    w1, w2, c1, c2 = inst.w1, inst.w2, inst.c1, inst.c2
    bins: Bins = []
    r1: list[int] = []
    r2: list[int] = []
    for i in order:
        a, b = w1[i], w2[i]
        for j in range(len(bins)):
            if a <= r1[j] and b <= r2[j]:
                bins[j].append(i)
                r1[j] -= a
                r2[j] -= b
                break
        else:
            bins.append([i])
            r1.append(c1 - a)
            r2.append(c2 - b)
    return bins


def first_fit_decreasing(inst: Instance) -> Bins:
    """First fit decreasing (FFD), the baseline every result is compared with."""
    if inst.c2 == 0:
        return _ffd_1d(inst.w1, inst.c1)
    return first_fit(inst, decreasing(inst))


def _ffd_1d(w: Sequence[int], c: int) -> Bins:
    order = sorted(range(len(w)), key=lambda i: (-w[i], i))
    bins: Bins = []
    room: list[int] = []
    live: list[int] = []  # bins that can still take the smallest item
    smallest = w[order[-1]] if order else 0  # sorted decreasing: the last item is the smallest
    for count, i in enumerate(order):
        a = w[i]
        for j in live:
            if a <= room[j]:
                bins[j].append(i)
                room[j] -= a
                break
        else:
            bins.append([i])
            room.append(c - a)
            live.append(len(bins) - 1)
        if count % 64 == 63:
            live = [j for j in live if room[j] >= smallest]
    return bins


def best_fit(inst: Instance, order: Sequence[int]) -> Bins:
    """Each item goes into the open bin it leaves with the least room (normalised)."""
    w1, w2, c1, c2 = inst.w1, inst.w2, inst.c1, inst.c2
    bins: Bins = []
    r1: list[int] = []
    r2: list[int] = []
    for i in order:
        a, b = w1[i], w2[i]
        best = -1
        best_room = 0
        for j in range(len(bins)):
            if a <= r1[j] and b <= r2[j]:
                room = (r1[j] - a) * c2 + (r2[j] - b) * c1 if c2 else r1[j] - a
                if best < 0 or room < best_room:
                    best, best_room = j, room
        if best < 0:
            bins.append([i])
            r1.append(c1 - a)
            r2.append(c2 - b)
        else:
            bins[best].append(i)
            r1[best] -= a
            r2[best] -= b
    return bins


def best_fit_decreasing(inst: Instance) -> Bins:
    return best_fit(inst, decreasing(inst))


def constructive(inst: Instance) -> Bins:
    """The best of a few quick constructions (FFD first, so the result is never worse)."""
    best = first_fit_decreasing(inst)
    candidates = [best_fit_decreasing(inst)]
    if inst.c2:
        k_max = [max(a * inst.c2, b * inst.c1) for a, b in zip(inst.w1, inst.w2, strict=True)]
        by_max = decreasing(inst, k_max)
        candidates += [first_fit(inst, by_max), best_fit(inst, by_max)]
    for bins in candidates:
        if len(bins) < len(best):
            best = bins
    return best
