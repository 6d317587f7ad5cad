"""The unit-by-unit search for household orders, and CP-SAT (the optional extra) beside it:
what they find is a packing, what they call impossible is impossible."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.packing import Box, Instance, cpsat
from core.packing.assignment import assign
from core.packing.orders import HouseholdOrder, OrderLine, OrderPacker
from core.reference import CatalogueItem, GoodsCategory
from tests.packing.test_completion import _valid, fewest_bins, small_instances

FAR = 1e9  # a deadline that never comes: the node budget decides

# two household orders (grams, millilitres, class) in boxes of 15 kg and 40 L, from the
# benchmark's generated orders: class-by-class packing and the search after it used one box more
# than the bound on both; the first fits the bound, the second does not
FITS_THREE = [
    (8400, 4600, "food"), (6400, 2900, "food"), (2790, 4600, ""), (2670, 10700, "food"),
    (2560, 11500, ""), (2560, 11500, ""), (2390, 4900, "food"), (2190, 600, "chilled"),
    (1520, 1900, "food"), (1410, 4500, "food"), (1410, 4500, "food"), (1010, 9300, ""),
    (940, 3900, "food"), (830, 1100, "chilled"), (610, 6800, ""), (340, 12000, ""),
]
NOT_IN_TWO = [
    (2940, 1000, ""), (2940, 1000, ""), (2360, 3400, "food"), (1940, 4500, "food"),
    (1830, 3400, "food"), (1690, 1100, "food"), (1560, 1500, ""), (1230, 700, "chilled"),
    (1190, 11500, ""), (1180, 5000, "food"), (720, 100, "food"), (720, 100, "food"),
    (670, 4600, "food"), (480, 200, ""), (480, 200, ""), (410, 2300, "food"),
    (410, 2300, "food"), (380, 3000, "food"), (340, 12000, ""), (340, 12000, ""),
    (340, 1900, "chilled"),
]


def _instance(units: list[tuple[int, int, str]]) -> tuple[Instance, list[str]]:
    inst = Instance(tuple(u[0] for u in units), tuple(u[1] for u in units), 15000, 40000)
    return inst, [u[2] for u in units]


def _packs(inst: Instance, kinds: list[str] | None, bins: list[list[int]]) -> bool:
    return sorted(i for b in bins for i in b) == list(range(inst.n)) and _valid(inst, kinds, bins)


@settings(max_examples=200, deadline=None)
@given(small_instances(), st.integers(0, 2))
def test_the_search_finds_the_optimum_and_proves_one_bin_fewer_impossible(
    case: tuple[Instance, list[str] | None], below: int
) -> None:
    inst, kinds = case
    best = fewest_bins(inst, kinds)
    found = assign(inst, best, FAR, kinds, node_budget=1_000_000)
    assert found.bins is not None and len(found.bins) <= best
    assert _packs(inst, kinds, found.bins)
    fewer = assign(inst, best - 1 - below, FAR, kinds, node_budget=1_000_000)
    assert fewer.bins is None
    assert fewer.impossible


def test_an_order_the_class_by_class_packing_missed_meets_its_bound() -> None:
    inst, kinds = _instance(FITS_THREE)
    found = assign(inst, 3, FAR, kinds, node_budget=5000)
    assert found.bins is not None
    assert len(found.bins) == 3 and _packs(inst, kinds, found.bins)


def test_an_order_whose_bound_is_one_box_short_is_proved_so() -> None:
    inst, kinds = _instance(NOT_IN_TWO)
    found = assign(inst, 2, FAR, kinds, node_budget=5000)
    assert found.bins is None and found.impossible
    # and the classes alone do not show it: together they fit two boxes by weight and volume
    assert sum(inst.w1) <= 2 * inst.c1 and sum(inst.w2) <= 2 * inst.c2


def test_a_spent_budget_decides_nothing() -> None:
    inst, kinds = _instance(NOT_IN_TWO)
    found = assign(inst, 2, FAR, kinds, node_budget=3)
    assert found.bins is None and not found.impossible


def _catalogue(units: list[tuple[int, int, str]]) -> tuple[list[CatalogueItem], HouseholdOrder]:
    category = {"food": GoodsCategory.VEGETABLES, "chilled": GoodsCategory.MEAT,
                "": GoodsCategory.DAILY_GOODS}
    items = [
        CatalogueItem(code=f"g{i}", name=f"g{i}", name_en=f"g{i}", unit="pc",
                      category=category[kind], kg=grams / 1000, litres=ml / 1000, price_fen=100,
                      chilled=kind == "chilled")
        for i, (grams, ml, kind) in enumerate(units)
    ]
    return items, HouseholdOrder("o1", "h1", "c", tuple(OrderLine(i.code, 1) for i in items))


@pytest.mark.parametrize(("units", "boxes"), [(FITS_THREE, 3), (NOT_IN_TWO, 3)])
def test_the_order_packer_closes_both_gaps_without_a_time_limit(
    units: list[tuple[int, int, str]], boxes: int
) -> None:
    items, order = _catalogue(units)
    packed = OrderPacker(items, Box(max_kg=15, max_litres=40)).pack(order)
    assert len(packed.boxes) == boxes
    assert packed.lower_bound == boxes


needs_cpsat = pytest.mark.skipif(not cpsat.available(), reason="OR-Tools is not installed")


@needs_cpsat
@settings(max_examples=60, deadline=None)
@given(small_instances())
def test_cpsat_finds_the_optimum_or_proves_the_packing_in_hand_is(
    case: tuple[Instance, list[str] | None],
) -> None:
    inst, kinds = case
    best = fewest_bins(inst, kinds)
    classes = kinds or [""] * inst.n
    c2 = inst.c2
    better = cpsat.fewer_boxes(inst.w1, inst.w2, classes, inst.c1, c2, best + 1, 1, 10.0)
    assert better.bins is not None and len(better.bins) == best == better.lower
    assert _packs(inst, kinds, better.bins)
    if best > 1:
        none = cpsat.fewer_boxes(inst.w1, inst.w2, classes, inst.c1, c2, best, 1, 10.0)
        assert none.bins is None and none.lower == best


@needs_cpsat
def test_with_the_extra_every_generated_order_is_proven_optimal() -> None:
    rng = random.Random(7)
    kinds = [GoodsCategory.VEGETABLES, GoodsCategory.MEAT, GoodsCategory.DAILY_GOODS,
             GoodsCategory.GRAIN_OIL]
    items = [
        CatalogueItem(code=f"g{i}", name=f"g{i}", name_en=f"g{i}", unit="pc",
                      category=rng.choice(kinds), kg=rng.randint(1, 90) / 10,
                      litres=rng.randint(1, 150) / 10, price_fen=100, chilled=rng.random() < 0.2)
        for i in range(60)
    ]
    packer = OrderPacker(items, Box(max_kg=15, max_litres=40))
    for n in range(40):
        lines = tuple(OrderLine(f"g{rng.randrange(60)}", 1) for _ in range(rng.randint(5, 30)))
        packed = packer.pack(HouseholdOrder(f"o{n}", "h", "c", lines), time_limit=2.0)
        assert len(packed.boxes) == packed.lower_bound, packed.order
