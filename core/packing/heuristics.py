"""Constructive packing heuristics on integer vectors: first fit and best fit decreasing.

An :class:`Instance` holds two integer sizes per item and two capacities. One-dimensional packing
is the case ``c2 == 0`` with every ``w2`` zero, so one code path serves both. ``key`` is the size
used to sort items and to score bins: the size itself in one dimension, the sum of the two sizes
each normalised by its capacity in two (kept integral as ``w1*c2 + w2*c1``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

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
    return by_decreasing(range(inst.n), k)


def by_decreasing(indices: Iterable[int], key: Sequence[int]) -> list[int]:
    """``indices`` (ascending) by non-increasing ``key``, ties kept in index order."""
    negated = [-k for k in key]
    return sorted(indices, key=negated.__getitem__)  # a stable sort keeps ties by index


def past(deadline: float | None) -> bool:
    """Whether ``deadline`` (a :func:`time.perf_counter` value, or None for none) has passed."""
    return deadline is not None and time.perf_counter() > deadline


#: items placed between two looks at the clock in a construction's loop
CLOCK_EVERY = 64


def first_fit(inst: Instance, order: Sequence[int], deadline: float | None = None) -> Bins:
    """Each item in ``order`` goes into the first open bin with room in both dimensions.

    Once ``deadline`` has passed, the remaining items are placed by next fit (only the newest bin
    is tried), so the construction ends in time on any number of items.
    """
    w1, w2, c1, c2 = inst.w1, inst.w2, inst.c1, inst.c2
    bins: Bins = []
    r1: list[int] = []
    r2: list[int] = []
    late = False
    for count, i in enumerate(order):
        if not late and count % CLOCK_EVERY == 0:
            late = past(deadline)
        a, b = w1[i], w2[i]
        for j in range(len(bins) - 1 if late and bins else 0, len(bins)):
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


def first_fit_decreasing(inst: Instance, deadline: float | None = None) -> Bins:
    """First fit decreasing (FFD), the baseline every result is compared with.

    Past ``deadline`` the rest of the items go by next fit decreasing (see :func:`first_fit`).
    """
    if inst.c2 == 0:
        return _ffd_1d(inst.w1, inst.c1, deadline)
    return first_fit(inst, decreasing(inst), deadline)


def _ffd_1d(w: Sequence[int], c: int, deadline: float | None = None) -> Bins:
    order = by_decreasing(range(len(w)), w)
    bins: Bins = []
    room: list[int] = []
    live: list[int] = []  # bins that can still take the smallest item
    smallest = w[order[-1]] if order else 0  # sorted decreasing: the last item is the smallest
    late = False
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
        if count % CLOCK_EVERY == CLOCK_EVERY - 1:
            live = [j for j in live if room[j] >= smallest]
            if late or past(deadline):
                late = True
                live = live[-1:]  # next fit from here on
    return bins


def best_fit(inst: Instance, order: Sequence[int], deadline: float | None = None) -> Bins:
    """Each item goes into the open bin it leaves with the least room (normalised).

    Past ``deadline`` only the newest bin is tried (next fit), as in :func:`first_fit`.
    """
    w1, w2, c1, c2 = inst.w1, inst.w2, inst.c1, inst.c2
    bins: Bins = []
    r1: list[int] = []
    r2: list[int] = []
    late = False
    for count, i in enumerate(order):
        if not late and count % CLOCK_EVERY == 0:
            late = past(deadline)
        a, b = w1[i], w2[i]
        best = -1
        best_room = 0
        for j in range(len(bins) - 1 if late and bins else 0, len(bins)):
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


def best_fit_decreasing(inst: Instance, deadline: float | None = None) -> Bins:
    return best_fit(inst, decreasing(inst), deadline)


def constructive(
    inst: Instance, deadline: float | None = None, ffd: Bins | None = None
) -> Bins:
    """The best of a few quick constructions (FFD first, so the result is never worse).

    ``ffd`` is the FFD packing if the caller has it already. The others are tried only while
    ``deadline`` has not passed.
    """
    best = first_fit_decreasing(inst, deadline) if ffd is None else ffd
    constructions: list[Callable[[], Bins]] = [lambda: best_fit_decreasing(inst, deadline)]
    if inst.c2:
        k_max = [max(a * inst.c2, b * inst.c1) for a, b in zip(inst.w1, inst.w2, strict=True)]
        by_max = decreasing(inst, k_max)
        constructions += [lambda: first_fit(inst, by_max, deadline),
                          lambda: best_fit(inst, by_max, deadline)]
    for construct in constructions:
        if past(deadline):
            break
        bins = construct()
        if len(bins) < len(best):
            best = bins
    return best
