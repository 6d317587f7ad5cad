"""The improvement search in two dimensions: the repack of one bin is exact on small candidate
lists, it favours the dimension the pool is fullest in, and what the search returns is a packing
of every item in no more bins."""

from __future__ import annotations

import itertools
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.packing import Instance, solve
from core.packing.heuristics import first_fit_decreasing
from core.packing.improve import FOCUS, RATE_BITS, _Search, improve


@st.composite
def small_two_dimensional(draw: st.DrawFn) -> tuple[Instance, tuple[int, int]]:
    n = draw(st.integers(1, 9))
    w1 = tuple(draw(st.integers(0, 20)) for _ in range(n))
    w2 = tuple(draw(st.integers(0, 20)) for _ in range(n))
    rates = (draw(st.integers(0, 50)), draw(st.integers(0, 50)))
    return Instance(w1, w2, 20, 20), rates


def worth(inst: Instance, items: list[int], rates: tuple[int, int]) -> int:
    return (sum(inst.w1[i] for i in items) * rates[0]
            + sum(inst.w2[i] for i in items) * rates[1])


def best_worth(inst: Instance, rates: tuple[int, int]) -> int:
    best = 0
    for size in range(inst.n + 1):
        for subset in itertools.combinations(range(inst.n), size):
            if (sum(inst.w1[i] for i in subset) <= inst.c1
                    and sum(inst.w2[i] for i in subset) <= inst.c2):
                best = max(best, sum(inst.w1[i] * rates[0] + inst.w2[i] * rates[1]
                                     for i in subset))
    return best


@settings(max_examples=150, deadline=None)
@given(small_two_dimensional())
def test_the_repack_of_a_bin_is_the_best_subset_that_fits(
    case: tuple[Instance, tuple[int, int]]
) -> None:
    inst, rates = case
    search = _Search(inst, random.Random(0))
    chosen = search._subset_2d(list(range(inst.n)), rates, limit=10**6)
    assert sum(inst.w1[i] for i in chosen) <= inst.c1
    assert sum(inst.w2[i] for i in chosen) <= inst.c2
    assert worth(inst, chosen, rates) == best_worth(inst, rates)
    above = search._subset_2d(list(range(inst.n)), rates, limit=10**6,
                              floor=best_worth(inst, rates))
    assert above == []  # nothing is worth more than the best
    given_worths = search._subset_2d(list(range(inst.n)), rates, limit=10**6,
                                     worths=search._worths(rates))
    assert given_worths == chosen


def test_a_bin_is_repacked_to_take_most_where_the_pool_is_fullest() -> None:
    # item 0 fills the first dimension, item 1 the second; the pool is over in the second only
    inst = Instance((10, 1, 1, 1), (1, 10, 10, 10), 10, 10)
    search = _Search(inst, random.Random(0))
    pool = [1, 2, 3]
    rates = search._rates(pool)
    assert rates[1] > rates[0]
    assert search._subset_2d([0, 1], rates) == [1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 60), st.integers(1, 60)), min_size=1, max_size=40),
       st.integers(0, 3))
def test_improve_returns_every_item_in_no_more_bins(
    sizes: list[tuple[int, int]], seed: int
) -> None:
    inst = Instance(tuple(a for a, _ in sizes), tuple(b for _, b in sizes), 100, 100)
    start = first_fit_decreasing(inst)
    bins = improve(inst, start, 1, time.perf_counter() + 0.05, seed)
    assert len(bins) <= len(start)
    assert sorted(i for b in bins for i in b) == list(range(inst.n))
    for b in bins:
        assert sum(inst.w1[i] for i in b) <= inst.c1
        assert sum(inst.w2[i] for i in b) <= inst.c2


def test_a_search_that_uses_all_its_time_returns_within_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a clock that moves 20 microseconds at each look: the work after the search's last look
    # is then counted, whatever the machine's speed
    ticks = iter(range(10**9))
    monkeypatch.setattr(time, "perf_counter", lambda: next(ticks) * 2e-5)
    # two items a bin at most, but the bounds by volume say a third less
    rng = random.Random(5)
    sizes = [(rng.randint(34, 36), rng.randint(34, 36)) for _ in range(30)]
    inst = Instance(tuple(a for a, _ in sizes), tuple(b for _, b in sizes), 100, 100)
    start = time.perf_counter()
    # the pure-Python search (column generation's relaxation would prove the bound met)
    solution = solve(inst, time_limit=0.2, exact=False)
    assert time.perf_counter() - start <= 0.2
    assert solution.count > solution.lower_bound  # the search ran to its deadline


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 150), st.integers(0, 150)), min_size=1, max_size=12))
def test_the_rates_follow_the_pool_and_stay_small(sizes: list[tuple[int, int]]) -> None:
    inst = Instance(tuple(a for a, _ in sizes), tuple(b for _, b in sizes), 150, 150)
    search = _Search(inst, random.Random(0))
    rate1, rate2 = search._rates(list(range(inst.n)))
    load1, load2 = sum(inst.w1), sum(inst.w2)
    assert max(rate1, rate2).bit_length() <= RATE_BITS  # small integers add fast
    assert (rate1 > 0) == (load1 > 0) and (rate2 > 0) == (load2 > 0)
    if load1 > load2:  # the fuller dimension is worth more, and by far
        assert rate1 > rate2
        if load2 > 0:
            assert rate1 >= min(rate2 * (load1 / load2) ** FOCUS / 2, 2 ** (RATE_BITS - 2))
