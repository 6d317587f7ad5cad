"""Household orders packed exactly by OR-Tools' CP-SAT solver, when it is installed.

An optional extra (``pip install 'baogong[exact]'``); without it the desk packs as before.
:class:`core.packing.orders.OrderPacker` calls it only on an order whose boxes still exceed the
lower bound after its own search, within the order's time limit. The model asks for a packing
into as many boxes as the bound, the boxes split among the classes beforehand (one model per
split that :class:`core.packing.classbound.Splits` leaves open): each unit in exactly one box of
its class (units of no class go anywhere), every box within weight and volume. A packing found
meets the bound, so it is optimal; a proof that there is none for every split raises the bound by
one, and the solver is asked again until the bound meets the packing in hand.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import time
from collections.abc import Sequence
from typing import Any

import attrs

from core.packing.classbound import Splits
from core.packing.heuristics import Bins

_MODULE = "ortools.sat.python.cp_model"


def available() -> bool:
    """Whether OR-Tools is installed (looked up without importing it)."""
    try:
        return importlib.util.find_spec("ortools") is not None
    except (ImportError, ValueError):
        return False


@attrs.frozen
class Fewer:
    """What the solver found: ``bins`` in fewer boxes than asked for (or None), and the lower
    bound it proved (the bound given when it proved nothing more)."""

    bins: Bins | None
    lower: int


def fewer_boxes(
    w1: Sequence[int],
    w2: Sequence[int],
    kinds: Sequence[str],
    c1: int,
    c2: int,
    boxes: int,
    lower: int,
    seconds: float,
) -> Fewer:
    """Look for a packing of the units into fewer than ``boxes`` boxes (``lower`` at least)
    for at most ``seconds`` on one core: into ``lower`` boxes first, one more each time the
    solver proves it impossible.

    Each count of boxes is split among the classes first (:class:`Splits`): a model per split
    that the share-out of unclassed goods leaves open, its boxes given their class beforehand,
    so the solver need not choose classes, and boxes of one class are alike to it.
    """
    deadline = time.perf_counter() + seconds
    splits = Splits(w1, w2, kinds, c1, c2)
    m = lower
    while m < boxes:
        shares = splits.open(m) if splits.names else [{"": m}]
        bins: Bins | None = []
        for share in shares:
            bins = _packing(w1, w2, kinds, c1, c2, share, deadline)
            if bins != []:
                break
        if bins is None:
            break
        if bins:
            return Fewer(bins, m)
        m += 1  # proved: no packing into m boxes
    return Fewer(None, m)


def _clique_first(
    members: list[int], w1: Sequence[int], w2: Sequence[int], c1: int, c2: int
) -> list[int]:
    """``members`` with units that pairwise cannot share a box first (found greedily, largest
    first): with the rule on places above, each of them then has a box of its own fixed."""
    clique: list[int] = []
    for i in members:
        if all(w1[i] + w1[j] > c1 or (c2 and w2[i] + w2[j] > c2) for j in clique):
            clique.append(i)
    chosen = set(clique)
    return clique + [i for i in members if i not in chosen]


def _packing(
    w1: Sequence[int], w2: Sequence[int], kinds: Sequence[str], c1: int, c2: int,
    share: dict[str, int], deadline: float,
) -> Bins | None:
    """A packing with ``share[k]`` boxes for class ``k`` (unclassed units go in any box); an
    empty list when the solver proves there is none, None when it ran out of time."""
    cp_model: Any = importlib.import_module(_MODULE)
    n = len(w1)
    model = cp_model.CpModel()
    put: dict[tuple[int, int], Any] = {}
    first = 0
    groups: list[tuple[range, list[int]]] = []
    for kind, count in share.items():
        boxes = range(first, first + count)
        first += count
        # largest first; the unit in place p goes into one of the class's first p + 1 boxes
        # (numbered in the order of their largest unit), which leaves out every renumbering
        members = _clique_first(
            sorted((i for i in range(n) if kinds[i] == kind),
                   key=lambda i: (-(w1[i] * (c2 or 1) + w2[i] * c1), i)), w1, w2, c1, c2)
        for p, i in enumerate(members):
            for b in boxes[: p + 1]:
                put[i, b] = model.NewBoolVar(f"x{i}_{b}")
        groups.append((boxes, members))
    loose = [i for i in range(n) if not kinds[i]] if "" not in share else []
    for i in loose:
        for b in range(first):
            put[i, b] = model.NewBoolVar(f"x{i}_{b}")
    for i in range(n):
        model.AddExactlyOne([put[i, b] for b in range(first) if (i, b) in put])
    # of two alike unclassed units the later never goes into a box before the earlier's
    alike = sorted(loose, key=lambda i: (w1[i], w2[i], i))
    for i, j in itertools.pairwise(alike):
        if w1[i] == w1[j] and w2[i] == w2[j]:
            model.Add(sum(b * put[i, b] for b in range(first))
                      <= sum(b * put[j, b] for b in range(first)))
    for b in range(first):
        inside = [(i, put[i, b]) for i in range(n) if (i, b) in put]
        model.Add(sum(w1[i] * x for i, x in inside) <= c1)
        if c2:
            model.Add(sum(w2[i] * x for i, x in inside) <= c2)
    # redundant, and it helps: the unclassed units in a class's boxes fit the room it leaves
    for boxes, members in groups:
        if loose and members:
            room1 = len(boxes) * c1 - sum(w1[i] for i in members)
            model.Add(sum(w1[i] * put[i, b] for i in loose for b in boxes) <= room1)
            if c2:
                room2 = len(boxes) * c2 - sum(w2[i] for i in members)
                model.Add(sum(w2[i] * put[i, b] for i in loose for b in boxes) <= room2)
    # the import and the model are counted in the time; the answer takes a few ms to read
    seconds = deadline - time.perf_counter() - 0.02
    if seconds <= 0:
        return None
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 1
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return []
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    bins: Bins = [[] for _ in range(first)]
    for (i, b), x in put.items():
        if solver.BooleanValue(x):
            bins[b].append(i)
    return [b for b in bins if b]
