from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from core.packing import Instance, l1, l2, solve, vector_bound
from core.packing.heuristics import best_fit_decreasing, first_fit_decreasing


def optimum(sizes: list[int], capacity: int) -> int:
    """The fewest bins, by trying every assignment (tiny instances only)."""
    for m in range(1, len(sizes) + 1):
        for assignment in itertools.product(range(m), repeat=len(sizes)):
            loads = [0] * m
            for s, b in zip(sizes, assignment, strict=True):
                loads[b] += s
            if max(loads) <= capacity:
                return m
    return len(sizes)


def test_l1_is_total_over_capacity_rounded_up() -> None:
    assert l1([], 10) == 0
    assert l1([5, 5], 10) == 1
    assert l1([5, 6], 10) == 2


def test_l2_counts_big_items_that_cannot_share() -> None:
    # three items over half the bin: L1 says 2, but each needs its own bin
    assert l1([6, 6, 6], 10) == 2
    assert l2([6, 6, 6], 10) == 3
    # the threshold k = 4 also rules out putting the 4s beside the 7s
    assert l2([7, 7, 4, 4, 4], 10) == 4


def test_l2_of_empty_list_is_zero() -> None:
    assert l2([], 100) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 10), min_size=1, max_size=6))
def test_l2_never_exceeds_the_optimum(sizes: list[int]) -> None:
    best = optimum(sizes, 10)
    assert l1(sizes, 10) <= l2(sizes, 10) <= best


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=1, max_size=7),
)
def test_vector_bound_never_exceeds_a_packing(pairs: list[tuple[int, int]]) -> None:
    inst = Instance(tuple(a for a, _ in pairs), tuple(b for _, b in pairs), 10, 10)
    bound = vector_bound(inst.w1, inst.w2, 10, 10)
    assert bound >= max(l2(inst.w1, 10), l2(inst.w2, 10))
    assert bound <= len(solve(inst, time_limit=0.05).bins)


def test_triplets_are_found() -> None:
    # nine items that make three full bins only one way; FFD needs four
    sizes = [380, 310, 310, 420, 300, 280, 440, 290, 270]
    inst = Instance.one_dimensional(sizes, 1000)
    assert len(first_fit_decreasing(inst)) == 4
    solution = solve(inst, time_limit=2.0)
    assert solution.count == 3 == solution.lower_bound


def test_best_fit_decreasing_uses_every_item_once() -> None:
    inst = Instance((4, 8, 1, 4, 2, 1), (0,) * 6, 10)
    bins = best_fit_decreasing(inst)
    assert sorted(i for b in bins for i in b) == list(range(6))
