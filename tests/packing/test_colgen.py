"""Column generation and its dive (the ``[exact]`` extra's HiGHS): what it returns is a packing
of every item in fewer bins, the bound it proves never exceeds the optimum, and a whole copy
fixed from a relaxation with rounding noise in it never loses or doubles an item."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.packing import Instance, l2, solve
from core.packing.heuristics import Bins, first_fit_decreasing
from core.packing.solver import columns_available
from tests.packing.test_bounds import optimum

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not columns_available(), reason="HiGHS is not installed")


def assert_packs(bins: Bins, sizes: list[int], capacity: int) -> None:
    assert sorted(i for b in bins for i in b) == list(range(len(sizes)))
    assert all(sum(sizes[i] for i in b) <= capacity for b in bins)


def thirds(capacity: int, rng: random.Random) -> list[int]:
    """A bin of ``capacity`` cut in three, none above half of it."""
    a = rng.randint(capacity // 4 + 1, capacity // 2 - 1)
    b = rng.randint(capacity // 4 + 1, min(capacity // 2 - 1, capacity - a - capacity // 4 - 1))
    return [a, b, capacity - a - b]


def triplets(bins: int, capacity: int, seed: int) -> list[int]:
    """Items cut from ``bins`` full bins, three to a bin (none above half the bin, so no bin
    holds two of the largest): the optimum is ``bins``, and no slack is left to hide a mistake."""
    rng = random.Random(seed)
    sizes = [size for _ in range(bins) for size in thirds(capacity, rng)]
    rng.shuffle(sizes)
    return sizes


def cut_2d(bins: int, capacity: int, seed: int) -> Instance:
    """Three items to a bin, each dimension of the bin cut in three at random: the optimum is
    ``bins`` (every bin full in both dimensions)."""
    rng = random.Random(seed)
    items: list[tuple[int, int]] = []
    for _ in range(bins):
        second = thirds(capacity, rng)
        rng.shuffle(second)
        items += zip(thirds(capacity, rng), second, strict=True)
    rng.shuffle(items)
    return Instance(tuple(a for a, _ in items), tuple(b for _, b in items), capacity, capacity)


def optimum_2d(inst: Instance) -> int:
    """The fewest bins in two dimensions, by trying every assignment (tiny lists only)."""
    for m in range(1, inst.n + 1):
        for assignment in itertools.product(range(m), repeat=inst.n):
            loads = [[0, 0] for _ in range(m)]
            for i, b in enumerate(assignment):
                loads[b][0] += inst.w1[i]
                loads[b][1] += inst.w2[i]
            if all(a <= inst.c1 and b <= inst.c2 for a, b in loads):
                return m
    return inst.n


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=7), st.integers(30, 45))
def test_the_bound_never_exceeds_the_optimum_and_a_packing_found_is_one(
    sizes: list[int], capacity: int
) -> None:
    from core.packing.colgen import fewer_bins

    best = optimum(sizes, capacity)
    inst = Instance.one_dimensional(sizes, capacity)
    ffd = first_fit_decreasing(inst)
    dived = fewer_bins(inst, ffd, l2(sizes, capacity), time.perf_counter() + 5)
    assert l2(sizes, capacity) <= dived.lower <= best
    if dived.bins is not None:
        assert_packs(dived.bins, sizes, capacity)
        assert dived.lower <= len(dived.bins) < len(ffd)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=6))
def test_in_two_dimensions_too(items: list[tuple[int, int]]) -> None:
    from core.packing.colgen import fewer_bins

    inst = Instance(tuple(a for a, _ in items), tuple(b for _, b in items), 12, 12)
    best = optimum_2d(inst)
    ffd = first_fit_decreasing(inst)
    dived = fewer_bins(inst, ffd, 1, time.perf_counter() + 5)
    assert dived.lower <= best
    if dived.bins is not None:
        assert sorted(i for b in dived.bins for i in b) == list(range(inst.n))
        assert all(sum(inst.w1[i] for i in b) <= 12 and sum(inst.w2[i] for i in b) <= 12
                   for b in dived.bins)
        assert dived.lower <= len(dived.bins) < len(ffd)


def test_a_two_dimensional_list_cut_from_full_bins_is_packed_into_as_many() -> None:
    from core.packing.colgen import fewer_bins

    inst = cut_2d(20, 150, seed=2)
    ffd = first_fit_decreasing(inst)
    assert len(ffd) > 20
    dived = fewer_bins(inst, ffd, 1, time.perf_counter() + 30)
    assert dived.lower == 20
    assert dived.bins is not None and len(dived.bins) == 20
    assert sorted(i for b in dived.bins for i in b) == list(range(inst.n))
    assert all(sum(inst.w1[i] for i in b) <= 150 and sum(inst.w2[i] for i in b) <= 150
               for b in dived.bins)


def test_a_list_cut_from_full_bins_is_packed_into_as_many() -> None:
    from core.packing.colgen import fewer_bins

    sizes = triplets(40, 1000, seed=7)
    inst = Instance.one_dimensional(sizes, 1000)
    ffd = first_fit_decreasing(inst)
    assert len(ffd) > 40  # otherwise the test proves nothing
    dived = fewer_bins(inst, ffd, l2(sizes, 1000), time.perf_counter() + 30)
    assert dived.lower == 40  # the relaxation proves it, where L2 does not need to
    assert dived.bins is not None and len(dived.bins) == 40
    assert_packs(dived.bins, sizes, 1000)


def test_whole_copies_fixed_from_a_noisy_relaxation_cover_the_list_exactly() -> None:
    """HiGHS reports values a hair below zero; a floor taken of one must not fix minus one copy
    of a pattern (which gave its items back to the list while no bin held them)."""
    import numpy as np

    from core.packing.colgen import _Dive, _Kinds, _Master, _Relaxation

    weights = np.array([6, 4, 3], dtype=np.int64)
    demand = np.array([2, 2, 2], dtype=np.int64)
    master = _Master(_Kinds(weights, np.zeros(3, dtype=np.int64), 10, 0), demand)
    for pattern in ([1, 1, 0], [0, 0, 2], [0, 1, 2]):
        master.add(np.array(pattern, dtype=np.int64))
    # what a whole copy fixed from a value of 1 - 3e-6 leaves of it
    noisy = _Relaxation(np.array([2.0, 1.0, -2e-6]), 3)
    dive = _Dive(master, demand, time.perf_counter() + 5)
    dive.target = 3
    found = dive._down(demand.copy(), [], 1, frozenset(), noisy)
    assert found is not None
    assert len(found) == 3
    assert (sum(found) == demand).all()


def test_a_residual_no_pattern_so_far_fits_gets_the_patterns_it_lacks() -> None:
    """What the dive leaves may be covered by no pattern found so far; the relaxation prices
    the missing ones from HiGHS's proof of infeasibility instead of reading a solution that is
    not there."""
    import numpy as np

    from core.packing.colgen import _Kinds, _Master

    weights = np.array([6, 4, 3], dtype=np.int64)
    master = _Master(_Kinds(weights, np.zeros(3, dtype=np.int64), 10, 0),
                     np.array([2, 2, 2], dtype=np.int64))
    for pattern in ([1, 1, 0], [0, 0, 3]):
        master.add(np.array(pattern, dtype=np.int64))
    left = np.array([0, 0, 2], dtype=np.int64)
    relaxed = master.relax(left, time.perf_counter() + 5)
    fits = master.fitting(left)
    covered = relaxed.x[fits] @ master.patterns[: master.count][fits]
    assert (covered >= left - 1e-6).all()
    assert relaxed.bound == 1


def test_highs_prints_nothing_on_the_operators_terminal() -> None:
    # HiGHS prints its banner once a process, so the check runs in a process of its own
    script = (
        "import time\n"
        "from core.packing import Instance\n"
        "from core.packing.colgen import fewer_bins\n"
        "from core.packing.heuristics import first_fit_decreasing\n"
        "from tests.packing.test_colgen import triplets\n"
        "inst = Instance.one_dimensional(triplets(5, 100, seed=1), 100)\n"
        "fewer_bins(inst, first_fit_decreasing(inst), 1, time.perf_counter() + 5)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    out, err = done.stdout, done.stderr
    assert (out, err) == ("", "")


def test_a_deadline_already_past_keeps_the_bound_it_was_given() -> None:
    from core.packing.colgen import fewer_bins

    sizes = triplets(30, 1000, seed=3)
    ffd = first_fit_decreasing(Instance.one_dimensional(sizes, 1000))
    dived = fewer_bins(Instance.one_dimensional(sizes, 1000), ffd, 17, time.perf_counter() - 1)
    assert dived.bins is None or len(dived.bins) < len(ffd)
    assert 17 <= dived.lower <= 30


def test_a_search_with_columns_returns_within_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.packing.colgen  # noqa: F401  (imported beforehand: the import is not timed)

    # a clock that moves 20 microseconds at each look, as in test_improve.py
    ticks = iter(range(10**9))
    monkeypatch.setattr(time, "perf_counter", lambda: next(ticks) * 2e-5)
    for inst in (Instance.one_dimensional(triplets(60, 1000, seed=11), 1000), cut_2d(30, 150, 4)):
        start = time.perf_counter()
        solution = solve(inst, time_limit=0.2, exact=True)
        assert time.perf_counter() - start <= 0.2
        assert solution.lower_bound <= solution.count


def test_solve_uses_columns_only_when_asked() -> None:
    sizes = triplets(40, 1000, seed=7)
    inst = Instance.one_dimensional(sizes, 1000)
    with_columns = solve(inst, time_limit=30.0, exact=True)
    assert with_columns.count == with_columns.lower_bound == 40
    assert_packs(with_columns.bins, sizes, 1000)
    # without the extra the bound is L2's (the improvement search may still find 40 bins)
    without = solve(inst, time_limit=0.05, exact=False)
    assert without.lower_bound == l2(sizes, 1000)
