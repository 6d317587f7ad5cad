"""Lower bounds for an order whose classes may not share a box (分类装箱的下界).

A household order mixes classes that never share a box (food, chilled, chemical) with goods of
no class that go anywhere. Any packing into ``m`` boxes can be read as a split: each box is given
the class of its classed goods (a box of unclassed goods only, any class), so class ``k`` has
``n_k`` boxes, at least its own bound ``b_k``, and the ``n_k`` add up to ``m``. The unclassed
goods then lie in the room the classes leave: ``n_k`` boxes less the class's own weight and volume
for class ``k``. :func:`split_bound` drops the box walls inside a class's boxes and asks whether
the unclassed goods can be shared out among the classes' rooms in both dimensions at once. When no
split with ``n_k >= b_k`` allows it, no packing into ``m`` boxes exists and the bound rises by one.
Each look is a small exhaustive search within a node budget: out of budget, it proves nothing.

Example: food that fills four boxes to the last 450 g, one chilled box and one chemical box, and
seven bulky unclassed goods of 6.5-11.6 L. Six boxes hold them by weight and by volume, yet no
share of the bulky goods fits the two small boxes' 35.9 L and 38.1 L, so six is impossible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from core.packing.bounds import l2, vector_bound

#: nodes the share-out search may spend on one order (the same count on any machine)
SPLIT_NODES = 20_000


class _Spent(Exception):
    """The node budget ran out."""


def group_bound(w1: Sequence[int], w2: Sequence[int], c1: int, c2: int) -> int:
    """The bound on boxes for one group of goods: L2 by weight, or the vector bound."""
    if not c2:
        return l2(w1, c1)
    return vector_bound(w1, w2, c1, c2, thorough=False)


def l1_by_class(units: Sequence[tuple[int, int, int, str, str]], c1: int, c2: int) -> int:
    """L1 per class summed, and of all units together: the cheap bound every order gets.

    A unit is (sort key, weight, volume, class, code) as :mod:`core.packing.orders` has it.
    """
    totals: dict[str, list[int]] = {}
    for _key, a, b, kind, _code in units:
        t = totals.get(kind)
        if t is None:
            totals[kind] = [a, b]
        else:
            t[0] += a
            t[1] += b
    loose = totals.pop("", None)
    classed = sum(
        max(-(-t1 // c1), -(-t2 // c2) if c2 else 0) for t1, t2 in totals.values()
    )
    if loose is None:
        return classed
    all1 = loose[0] + sum(t[0] for t in totals.values())
    all2 = loose[1] + sum(t[1] for t in totals.values())
    return max(classed, -(-all1 // c1), -(-all2 // c2) if c2 else 0)


def splits(bounds: Sequence[int], m: int) -> Iterator[tuple[int, ...]]:
    """Every way to give ``m`` boxes to the classes, class ``k`` at least ``bounds[k]``."""
    if not bounds:
        return
    spare = m - sum(bounds)
    if spare < 0:
        return

    def extend(k: int, left: int) -> Iterator[tuple[int, ...]]:
        if k == len(bounds) - 1:
            yield (bounds[k] + left,)
            return
        for extra in range(left + 1):
            for rest in extend(k + 1, left - extra):
                yield (bounds[k] + extra, *rest)

    yield from extend(0, spare)


class _ShareOut:
    """Whether unclassed goods can be shared out among rooms, each within its weight and volume."""

    def __init__(self, loose: Sequence[tuple[int, int]], c1: int, c2: int, budget: int) -> None:
        self.items = sorted(loose, key=lambda u: u[0] * (c2 or 1) + u[1] * c1, reverse=True)
        n = len(self.items)
        self.after1 = [0] * (n + 1)
        self.after2 = [0] * (n + 1)
        for t in range(n - 1, -1, -1):
            self.after1[t] = self.after1[t + 1] + self.items[t][0]
            self.after2[t] = self.after2[t + 1] + self.items[t][1]
        self.budget = budget

    def fits(self, rooms: Sequence[tuple[int, int]]) -> bool:
        """Whether a share-out exists (raises :class:`_Spent` when the budget runs out)."""
        r1 = [r[0] for r in rooms]
        r2 = [r[1] for r in rooms]
        items, after1, after2 = self.items, self.after1, self.after2

        def place(t: int) -> bool:
            if t == len(items):
                return True
            self.budget -= 1
            if self.budget < 0:
                raise _Spent
            if sum(r1) < after1[t] or sum(r2) < after2[t]:
                return False
            a, b = items[t]
            tried: set[tuple[int, int]] = set()
            for g in range(len(r1)):
                # rooms alike lead to the same share-outs: one of them is enough
                if a <= r1[g] and b <= r2[g] and (r1[g], r2[g]) not in tried:
                    tried.add((r1[g], r2[g]))
                    r1[g] -= a
                    r2[g] -= b
                    found = place(t + 1)
                    r1[g] += a
                    r2[g] += b
                    if found:
                        return True
            return False

        return place(0)


class Splits:
    """The splits of an order's boxes among its classes, and which of them the share-out of the
    unclassed goods leaves open; ``by_class`` is the bound of each class's goods alone
    (computed when not given). All calls share one node budget."""

    def __init__(
        self,
        w1: Sequence[int],
        w2: Sequence[int],
        kinds: Sequence[str],
        c1: int,
        c2: int,
        by_class: dict[str, int] | None = None,
        budget: int = SPLIT_NODES,
    ) -> None:
        self.sums: dict[str, list[int]] = {}
        loose: list[tuple[int, int]] = []
        members: dict[str, tuple[list[int], list[int]]] = {}
        for a, b, kind in zip(w1, w2, kinds, strict=True):
            if not kind:
                loose.append((a, b))
                continue
            if kind not in self.sums:
                self.sums[kind] = [0, 0]
                members[kind] = ([], [])
            self.sums[kind][0] += a
            self.sums[kind][1] += b
            members[kind][0].append(a)
            members[kind][1].append(b)
        if by_class is None:
            by_class = {k: group_bound(g1, g2, c1, c2) for k, (g1, g2) in members.items()}
        self.names = sorted(self.sums)
        self.bounds = [by_class[k] for k in self.names]
        self.c1, self.c2 = c1, c2
        self._share = _ShareOut(loose, c1, c2, budget)

    def open(self, m: int, first_only: bool = False) -> list[dict[str, int]]:
        """The splits of ``m`` boxes not ruled out, as boxes per class (every split once the
        budget is spent): the first only, if asked; none when there is no class."""
        found: list[dict[str, int]] = []
        for split in splits(self.bounds, m):
            rooms = [(n * self.c1 - self.sums[k][0], n * self.c2 - self.sums[k][1])
                     for k, n in zip(self.names, split, strict=True)]
            try:
                fits = self._share.fits(rooms)
            except _Spent:
                fits = True
            if fits:
                found.append(dict(zip(self.names, split, strict=True)))
                if first_only:
                    break
        return found


def split_bound(
    w1: Sequence[int],
    w2: Sequence[int],
    kinds: Sequence[str],
    c1: int,
    c2: int,
    lower: int,
    upper: int,
    by_class: dict[str, int] | None = None,
    budget: int = SPLIT_NODES,
) -> int:
    """The least ``m`` from ``lower`` up to ``upper`` that no split rules out: a lower bound on
    the boxes of the goods (``kinds`` "" for unclassed) when ``lower`` is one and a packing into
    ``upper`` boxes is in hand."""
    found = Splits(w1, w2, kinds, c1, c2, by_class, budget)
    if not found.names:
        return lower
    m = max(lower, sum(found.bounds))
    while m < upper and not found.open(m, first_only=True):
        m += 1
    return m
