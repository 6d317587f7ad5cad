"""Packing a short list into ``m`` bins, or a proof that it does not fit: item by item.

Household orders are short (a few dozen units into a handful of boxes) and mix classes that may
not share a box (:mod:`core.packing.orders`). Bin completion (:mod:`core.packing.completion`)
fills one bin at a time and needs a small waste budget to be quick; with weight and volume both
limited an order's budget is wide in one of the two, and it seldom ends. Here each item, largest
first, goes into one of the ``m`` bins instead: an open bin of its class (or of none) with room
in both dimensions, tightest first, or the next empty bin. The search is exhaustive, so when it
ends without a packing none exists and the lower bound rises by one.

What keeps it short:

- Symmetry: empty bins are alike, so only the first is tried; of two identical items the later
  never goes into a bin before the earlier's (any packing can be relabelled and its identical
  items swapped to have both properties).
- Waste: ``m`` bins leave exactly ``m*c - sum(w)`` unused in each dimension. A bin that no item
  still to place can enter (too little room, or a class no item left shares) has its room wasted
  for good; when that exceeds the budget in either dimension the branch is dead.
- Classes: the items left of each class need room in the bins of that class, or else whole bins
  not yet given a class; when the classes together need more such bins than there are, the
  branch is dead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import attrs

from core.packing.heuristics import Bins, Instance

#: nodes between two looks at the clock
_CLOCK_EVERY = 1024


class _Stop(Exception):
    """The node budget or the deadline was reached."""


@attrs.frozen
class Assignment:
    """What the search found: ``bins`` (``m`` or fewer), or None; ``impossible`` when it proved
    that no packing into ``m`` bins exists (and so none into fewer)."""

    bins: Bins | None
    impossible: bool = False


def assign(
    inst: Instance,
    m: int,
    deadline: float,
    kinds: Sequence[str] | None = None,
    node_budget: int | None = None,
) -> Assignment:
    """Every item of ``inst`` in at most ``m`` bins, searched until ``deadline`` or until
    ``node_budget`` nodes are spent. ``kinds`` (one per item) keeps classes apart: a bin holds
    items of at most one non-empty kind."""
    n = inst.n
    if n == 0:
        return Assignment([])
    c1, c2 = inst.c1, inst.c2
    w1, w2 = inst.w1, inst.w2
    item_kinds = list(kinds) if kinds is not None else [""] * n
    if m <= 0 or m * c1 < sum(w1) or m * c2 < sum(w2) or not inst.fits_alone():
        return Assignment(None, impossible=True)
    budget1 = m * c1 - sum(w1)
    budget2 = m * c2 - sum(w2)
    key = inst.key()
    order = sorted(range(n), key=lambda i: (not item_kinds[i], -key[i], item_kinds[i], i))
    names = sorted({k for k in item_kinds if k})
    kind_of = [names.index(item_kinds[i]) + 1 if item_kinds[i] else 0 for i in order]
    a1 = [w1[i] for i in order]
    a2 = [w2[i] for i in order]
    # the earlier identical item of each position, or -1
    twin = [-1] * n
    for t in range(1, n):
        if a1[t] == a1[t - 1] and a2[t] == a2[t - 1] and kind_of[t] == kind_of[t - 1]:
            twin[t] = t - 1
    # what is left from each position on: the smallest sizes, and the sums and counts per kind
    kinds_count = len(names) + 1
    min1 = [0] * (n + 1)
    min2 = [0] * (n + 1)
    left1 = [[0] * kinds_count for _ in range(n + 1)]
    left2 = [[0] * kinds_count for _ in range(n + 1)]
    left_items = [[0] * kinds_count for _ in range(n + 1)]
    min1[n], min2[n] = c1 + 1, c2 + 1
    for t in range(n - 1, -1, -1):
        min1[t] = min(min1[t + 1], a1[t])
        min2[t] = min(min2[t + 1], a2[t])
        for k in range(kinds_count):
            left1[t][k] = left1[t + 1][k]
            left2[t][k] = left2[t + 1][k]
            left_items[t][k] = left_items[t + 1][k]
        left1[t][kind_of[t]] += a1[t]
        left2[t][kind_of[t]] += a2[t]
        left_items[t][kind_of[t]] += 1

    r1 = [c1] * m
    r2 = [c2] * m
    bin_kind = [0] * m
    placed_in = [0] * n
    opened = 0
    nodes = 0
    clock_at = _CLOCK_EVERY

    def dead(t: int) -> bool:
        """Whether no packing completes the bins as they are with the items from ``t`` on."""
        waste1 = waste2 = 0
        lo1, lo2 = min1[t], min2[t]
        free1 = [0] * kinds_count  # room in the bins of each kind (0: bins with no kind yet)
        free2 = [0] * kinds_count
        items_left = left_items[t]
        loose_left = items_left[0] > 0
        for j in range(opened):
            k = bin_kind[j]
            if r1[j] < lo1 or r2[j] < lo2 or (k and not loose_left and not items_left[k]):
                waste1 += r1[j]
                waste2 += r2[j]
            else:
                free1[k] += r1[j]
                free2[k] += r2[j]
        if waste1 > budget1 or waste2 > budget2:
            return True
        spare = m - opened
        needed = 0
        for k in range(1, kinds_count):
            if items_left[k]:
                over1 = left1[t][k] - free1[k]
                over2 = left2[t][k] - free2[k]
                need = max(-(-over1 // c1) if over1 > 0 else 0,
                           -(-over2 // c2) if over2 > 0 and c2 else 0)
                needed += need
        # bins opened with no kind may still take a class: count them as whole bins at most
        untyped = sum(1 for j in range(opened) if bin_kind[j] == 0)
        return needed > spare + untyped

    def place(t: int) -> bool:
        nonlocal opened, nodes, clock_at
        if t == n:
            return True
        nodes += 1
        if node_budget is not None and nodes > node_budget:
            raise _Stop
        if nodes >= clock_at:
            clock_at = nodes + _CLOCK_EVERY
            if time.perf_counter() > deadline:
                raise _Stop
        if dead(t):
            return False
        s1, s2, k = a1[t], a2[t], kind_of[t]
        first = placed_in[twin[t]] if twin[t] >= 0 else 0
        choices = [
            j for j in range(first, opened)
            if s1 <= r1[j] and s2 <= r2[j] and (not k or not bin_kind[j] or bin_kind[j] == k)
        ]
        choices.sort(key=lambda j: (r1[j] - s1) * c2 + (r2[j] - s2) * c1)
        if opened < m and first <= opened:
            choices.append(opened)
        for j in choices:
            fresh = j == opened
            was_kind = bin_kind[j]
            r1[j] -= s1
            r2[j] -= s2
            if k:
                bin_kind[j] = k
            if fresh:
                opened += 1
            placed_in[t] = j
            if place(t + 1):
                return True
            if fresh:
                opened -= 1
            bin_kind[j] = was_kind
            r1[j] += s1
            r2[j] += s2
        return False

    try:
        found = place(0)
    except _Stop:
        return Assignment(None)
    if not found:
        return Assignment(None, impossible=True)
    bins: Bins = [[] for _ in range(opened)]
    for t, j in enumerate(placed_in):
        bins[j].append(order[t])
    return Assignment(bins)
