"""Packing an order into ``m`` boxes class by class, once the boxes are split among the classes.

A packing of a household order into ``m`` boxes gives each class ``k`` some ``n_k`` of the boxes
(:mod:`core.packing.classbound`) and puts each unclassed unit into the boxes of one class. Once
that share-out is fixed the classes no longer meet: each class with its share of unclassed units
is a plain packing into its ``n_k`` boxes, by weight and volume, with no classes left. One box
takes its units exactly when they fit it; two or more go to bin completion
(:mod:`core.packing.completion`), which is quick here because food, the class that fills most
boxes, usually fills them to within a few hundred grams: its waste budget is small even when the
order's is not (a box of two chilled units wastes most of its weight).

The share-outs are searched unclassed unit by unit, largest first, into the class with the most
room first, so the tightest class gets as few as it can. When every share-out of every split
left open has been tried, and each class that failed was proved not to fit, no packing into
``m`` boxes exists. The search counts share-outs and completions, not seconds: an order packs the
same on any machine.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import attrs

from core.packing.classbound import Splits, group_bound
from core.packing.completion import complete
from core.packing.heuristics import Bins, Instance

#: steps of the share-out one order may take, the bin-completion nodes it may spend in all and
#: on one class
SHARE_STEPS = 5000
COMPLETION_NODES = 3000
CLASS_NODES = 3000


class _Spent(Exception):
    """The budget, or the time, ran out."""


@attrs.frozen
class BySplit:
    """``bins`` in at most ``m`` boxes, or None; ``impossible`` when no such packing exists."""

    bins: Bins | None
    impossible: bool = False


class _Search:
    def __init__(
        self, w1: Sequence[int], w2: Sequence[int], kinds: Sequence[str], c1: int, c2: int,
        deadline: float,
    ) -> None:
        self.w1, self.w2, self.kinds, self.c1, self.c2 = w1, w2, kinds, c1, c2
        self.deadline = deadline
        self.steps = SHARE_STEPS
        self.nodes = COMPLETION_NODES
        self.unsure = False
        n = len(w1)
        self.loose = sorted((i for i in range(n) if not kinds[i]),
                            key=lambda i: (-(w1[i] * (c2 or 1) + w2[i] * c1), i))
        # the earlier unit of the same size, or -1: of two alike units the later never goes to a
        # class before the earlier's (any share-out can swap them to have it so)
        self.twin = [-1] * len(self.loose)
        for t in range(1, len(self.loose)):
            i, j = self.loose[t], self.loose[t - 1]
            if w1[i] == w1[j] and w2[i] == w2[j]:
                self.twin[t] = t - 1
        # what the units from each place on weigh and take up
        self.after1 = [0] * (len(self.loose) + 1)
        self.after2 = [0] * (len(self.loose) + 1)
        for t in range(len(self.loose) - 1, -1, -1):
            self.after1[t] = self.after1[t + 1] + w1[self.loose[t]]
            self.after2[t] = self.after2[t + 1] + w2[self.loose[t]]

    def _complete(self, units: list[int], boxes: int) -> Bins | None:
        """``units`` in ``boxes`` boxes as places in ``units``, or None (``unsure`` is set when
        that is not proved)."""
        c1, c2 = self.c1, self.c2
        a1 = tuple(self.w1[i] for i in units)
        a2 = tuple(self.w2[i] for i in units)
        if group_bound(a1, a2, c1, c2) > boxes:
            return None
        if self.nodes <= 0:
            raise _Spent
        done = complete(Instance(a1, a2, c1, c2), boxes, self.deadline,
                        node_budget=min(CLASS_NODES, self.nodes))
        self.nodes -= done.nodes
        if done.bins is None and not done.impossible:
            self.unsure = True
        return done.bins

    def pack(self, share: dict[str, int]) -> Bins | None:
        """A packing with ``share[k]`` boxes for class ``k``, or None (``unsure`` is set when
        that is not proved)."""
        w1, w2, c1, c2 = self.w1, self.w2, self.c1, self.c2
        names = list(share)
        members = [[i for i, kind in enumerate(self.kinds) if kind == k] for k in names]
        r1 = [share[k] * c1 - sum(w1[i] for i in g) for k, g in zip(names, members, strict=True)]
        r2 = [share[k] * c2 - sum(w2[i] for i in g) for k, g in zip(names, members, strict=True)]
        put: list[list[int]] = [[] for _ in names]
        placed = [0] * len(self.loose)
        known: dict[tuple[int, tuple[tuple[int, int], ...]], Bins | None] = {}

        def packed(g: int, known_only: bool = False) -> Bins | None:
            """Class ``g`` with its share of units in its boxes, or None; with ``known_only``
            an empty list where that is not known yet."""
            boxes = share[names[g]]
            if boxes == 1:
                return [members[g] + put[g]]  # the share-out kept them within the one box
            # alike units make alike classes: known by their sizes, packed by their places
            added = sorted(put[g], key=lambda i: (w1[i], w2[i]))
            units = members[g] + added
            key = (g, tuple((w1[i], w2[i]) for i in added))
            if key not in known:
                if known_only:
                    return []
                known[key] = self._complete(units, boxes)
            places = known[key]
            return None if places is None else [[units[j] for j in b] for b in places]

        def place(t: int) -> Bins | None:
            self.steps -= 1
            if self.steps < 0 or (self.steps & 63 == 0 and time.perf_counter() > self.deadline):
                raise _Spent
            if t == len(self.loose):
                bins: Bins = []
                # a class already known not to fit ends it at once; then the classes with the
                # least room left, in the tighter dimension, first: they fail soonest
                if any(packed(g, known_only=True) is None for g in range(len(names))):
                    return None
                for g in sorted(range(len(names)), key=lambda g: min(r1[g] * (c2 or 1),
                                                                     r2[g] * c1 if c2 else r1[g])):
                    got = packed(g)
                    if got is None:
                        return None
                    bins += got
                return bins
            if sum(r1) < self.after1[t] or sum(r2) < self.after2[t]:
                return None
            i = self.loose[t]
            a, b = w1[i], w2[i]
            first = placed[self.twin[t]] if self.twin[t] >= 0 else 0
            for g in sorted(range(first, len(names)),
                            key=lambda g: (-(r1[g] * (c2 or 1) + r2[g] * c1), g)):
                if a <= r1[g] and b <= r2[g]:
                    r1[g] -= a
                    r2[g] -= b
                    put[g].append(i)
                    placed[t] = g
                    found = place(t + 1)
                    put[g].pop()
                    r1[g] += a
                    r2[g] += b
                    if found is not None:
                        return found
            return None

        return place(0)


def pack_by_split(
    w1: Sequence[int],
    w2: Sequence[int],
    kinds: Sequence[str],
    c1: int,
    c2: int,
    m: int,
    deadline: float,
    by_class: dict[str, int] | None = None,
) -> BySplit:
    """The units (``kinds`` "" for unclassed) in at most ``m`` boxes, searched split by split
    within the budgets and ``deadline`` (perf_counter); ``by_class`` is the bound of each
    class's units alone (computed when not given)."""
    splits = Splits(w1, w2, kinds, c1, c2, by_class)
    if not splits.names:
        return BySplit(None)
    search = _Search(w1, w2, kinds, c1, c2, deadline)
    try:
        for share in splits.open(m):
            found = search.pack(share)
            if found is not None:
                return BySplit([b for b in found if b])
    except _Spent:
        return BySplit(None)
    return BySplit(None, impossible=not search.unsure)
