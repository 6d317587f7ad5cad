"""Household orders packed exactly by OR-Tools' CP-SAT solver, when it is installed.

An optional extra (``pip install 'baogong[exact]'``); without it the desk packs as before.
:class:`core.packing.orders.OrderPacker` calls it only on an order whose boxes still exceed the
lower bound after its own search, within the order's time limit. The model asks for a packing
into as many boxes as the bound: each unit in exactly one box, every box within weight and
volume, a box given to at most one class (units of no class go anywhere). A packing found meets
the bound, so it is optimal; a proof that there is none raises the bound by one, and the solver
is asked again until the bound meets the packing in hand.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
from collections.abc import Sequence
from typing import Any

import attrs

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
    solver proves it impossible."""
    deadline = time.perf_counter() + seconds
    m = lower
    while m < boxes:
        bins = _packing(w1, w2, kinds, c1, c2, m, deadline)
        if bins is None:
            break
        if bins:
            return Fewer(bins, m)
        m += 1  # proved: no packing into m boxes
    return Fewer(None, m)


def _packing(
    w1: Sequence[int], w2: Sequence[int], kinds: Sequence[str], c1: int, c2: int, m: int,
    deadline: float,
) -> Bins | None:
    """A packing into ``m`` boxes; an empty list when the solver proves there is none, None
    when it ran out of time."""
    cp_model: Any = importlib.import_module(_MODULE)
    n = len(w1)
    # largest first; the unit in place p goes into one of the first p + 1 boxes (boxes numbered
    # in the order of their largest unit), which leaves out every renumbering of a packing
    order = sorted(range(n), key=lambda i: (-(w1[i] * (c2 or 1) + w2[i] * c1), i))
    names = sorted({k for k in kinds if k})
    model = cp_model.CpModel()
    put = [[model.NewBoolVar(f"x{p}_{b}") for b in range(min(m, p + 1))] for p in range(n)]
    given = [[model.NewBoolVar(f"z{b}_{k}") for k in range(len(names))] for b in range(m)]
    for p, i in enumerate(order):
        model.AddExactlyOne(put[p])
        if kinds[i]:
            k = names.index(kinds[i])
            for b, x in enumerate(put[p]):
                model.AddImplication(x, given[b][k])
    for b in range(m):
        inside = [(p, put[p][b]) for p in range(n) if b < len(put[p])]
        model.Add(sum(w1[order[p]] * x for p, x in inside) <= c1)
        if c2:
            model.Add(sum(w2[order[p]] * x for p, x in inside) <= c2)
        if len(names) > 1:
            model.AddAtMostOne(given[b])
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
    bins: Bins = [[] for _ in range(m)]
    for p, i in enumerate(order):
        for b, x in enumerate(put[p]):
            if solver.BooleanValue(x):
                bins[b].append(i)
                break
    return [b for b in bins if b]

