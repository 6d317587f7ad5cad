"""Lower bounds on the number of bins (下界): Martello-Toth L1 and L2, per dimension, and vectors.

All sizes are non-negative integers and every item fits an empty bin on its own; callers scale real
weights and volumes to integers (grams, millilitres) so that comparisons are exact.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Sequence, Sized


class Bounded:
    """A packing result: how many containers it uses and how many more than its proved lower
    bound (``gap`` 0 means the result is optimal). Subclasses name their containers."""

    __slots__ = ()
    lower_bound: int

    def containers(self) -> Sized:
        raise NotImplementedError

    @property
    def count(self) -> int:
        return len(self.containers())

    @property
    def gap(self) -> int:
        """Containers above the lower bound (0 means the result is proved optimal)."""
        return self.count - self.lower_bound


def l1(sizes: Sequence[int], capacity: int) -> int:
    """The continuous bound: total size over capacity, rounded up."""
    if not sizes:
        return 0
    if capacity <= 0:
        raise ValueError("capacity must be positive")
    return -(-sum(sizes) // capacity)


def l2(sizes: Sequence[int], capacity: int) -> int:
    """Martello and Toth's L2 bound (1990), evaluated for every useful threshold ``k``.

    For ``0 <= k <= C/2``: items above ``C-k`` fill a bin on their own (J1); items in ``(C/2, C-k]``
    need a bin each (J2) and leave room that only items in ``[k, C/2]`` (J3) can use; whatever of
    J3 does not fit in that room needs more bins. It is never below L1.
    """
    n = len(sizes)
    if n == 0:
        return 0
    if capacity <= 0:
        raise ValueError("capacity must be positive")
    ordered = sorted(sizes)
    if 2 * ordered[-1] <= capacity:
        # every item is at most half a bin: no threshold beats the continuous bound
        return -(-sum(ordered) // capacity)
    prefix = [0]
    for s in ordered:
        prefix.append(prefix[-1] + s)
    best = l1(ordered, capacity)
    half = capacity // 2  # items with 2*s <= C are "small"
    # index of the first item with 2*s > C
    first_big = bisect_right(ordered, half)
    thresholds = {0}
    thresholds.update(s for s in ordered if 2 * s <= capacity)
    for k in sorted(thresholds):
        # J1: s > C - k; J2: C/2 < s <= C - k; J3: k <= s <= C/2
        j1_start = bisect_right(ordered, capacity - k)
        j3_start = bisect_left(ordered, k)
        n1 = n - j1_start
        n2 = j1_start - first_big
        if n2 < 0:
            n2 = 0
        sum2 = prefix[j1_start] - prefix[first_big] if j1_start > first_big else 0
        sum3 = prefix[first_big] - prefix[j3_start] if first_big > j3_start else 0
        spill = sum3 - (n2 * capacity - sum2)
        extra = -(-spill // capacity) if spill > 0 else 0
        value = n1 + n2 + extra
        if value > best:
            best = value
    return best


def _conflict_bound(
    w1: Sequence[int],
    w2: Sequence[int],
    c1: int,
    c2: int,
    order: Sequence[int],
    small: Sequence[int] = (),
    deadline: float | None = None,
) -> int:
    """Pairwise-incompatible items need a bin each; the rest must fit in the room they leave.

    ``order`` lists the candidates (items over half a bin in some dimension) greedily; at most
    one item of ``small`` can join, since two small items always fit together. Past ``deadline``
    (perf_counter) the clique stops growing: any clique gives a valid bound, a smaller one a
    weaker bound.
    """
    clique: list[int] = []
    for i in order:
        if deadline is not None and time.perf_counter() > deadline:
            break
        a, b = w1[i], w2[i]
        for j in clique:
            if a + w1[j] <= c1 and b + w2[j] <= c2:
                break
        else:
            clique.append(i)
    for i in small:
        if deadline is not None and time.perf_counter() > deadline:
            break
        a, b = w1[i], w2[i]
        if all(a + w1[j] > c1 or b + w2[j] > c2 for j in clique):
            clique.append(i)
            break
    in1 = sum(w1[j] for j in clique)
    in2 = sum(w2[j] for j in clique)
    rest1 = sum(w1) - in1
    rest2 = sum(w2) - in2
    room1 = len(clique) * c1 - in1
    room2 = len(clique) * c2 - in2
    extra = 0
    if rest1 > room1:
        extra = max(extra, -(-(rest1 - room1) // c1))
    if rest2 > room2 and c2 > 0:
        extra = max(extra, -(-(rest2 - room2) // c2))
    return len(clique) + extra


def vector_bound(
    w1: Sequence[int],
    w2: Sequence[int],
    c1: int,
    c2: int,
    thorough: bool = True,
    deadline: float | None = None,
) -> int:
    """A lower bound for two-dimensional vector packing.

    The maximum of L2 in each dimension and of a conflict bound: items that pairwise cannot share
    a bin (too heavy together or too bulky together) each need their own bin, and the other items
    must fit in the room those bins leave, in each dimension. The conflicting items are chosen
    greedily in four orders, or only by normalised size unless ``thorough``; past ``deadline``
    (perf_counter) the search for them stops early and the bound is a weaker, still valid one.
    """
    n = len(w1)
    if n == 0:
        return 0
    best = l2(w1, c1)
    if c2 > 0:
        best = max(best, l2(w2, c2))
        # two items can only conflict if one of them is over half a bin in some dimension, and a
        # clique of one item gives no more than L1: the large items are the only candidates
        large = [i for i in range(n) if 2 * w1[i] > c1 or 2 * w2[i] > c2]
        if not large:
            return best
        small = [i for i in range(n) if 2 * w1[i] <= c1 and 2 * w2[i] <= c2]
        small.sort(key=lambda i: w1[i] * c2 + w2[i] * c1, reverse=True)
        keys = (
            lambda i: w1[i] * c2 + w2[i] * c1,
            lambda i: max(w1[i] * c2, w2[i] * c1),
            lambda i: w1[i],
            lambda i: w2[i],
        )
        for key in keys if thorough else keys[:1]:
            if deadline is not None and time.perf_counter() > deadline:
                break
            order = sorted(large, key=key, reverse=True)
            best = max(best, _conflict_bound(w1, w2, c1, c2, order, small, deadline))
    return best
