"""Bounds and search for orders whose classes may not share a box: the split of the boxes among
the classes, the share-out of unclassed goods, and the packing class by class once split."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.packing import Instance
from core.packing.assignment import assign
from core.packing.bysplit import pack_by_split
from core.packing.classbound import Splits, group_bound, split_bound, splits
from tests.packing.test_completion import _valid, fewest_bins, small_instances

FAR = 1e9
C1, C2 = 15000, 40000

# two household orders from the benchmark (grams, millilitres, class) in boxes of 15 kg and 40 L.
# The first fits six boxes by weight and volume, class by class too; but food fills four boxes to
# the last 450 g, so the bulky unclassed goods must share the chilled and the chemical box, and
# no share of them fits: it needs seven.
SIX_RULED_OUT = [
    (2560, 11500, ''), (2560, 11500, ''), (2090, 10400, ''), (2040, 11600, ''), (1960, 9900, ''),
    (1090, 6500, ''), (770, 11500, ''), (310, 3500, ''), (950, 1900, 'chemical'),
    (2190, 600, 'chilled'), (720, 1200, 'chilled'), (420, 2300, 'chilled'), (9990, 9900, 'food'),
    (7600, 12000, 'food'), (7010, 2000, 'food'), (2560, 3100, 'food'), (2560, 3100, 'food'),
    (2040, 4800, 'food'), (2040, 4800, 'food'), (1860, 4900, 'food'), (1850, 3000, 'food'),
    (1850, 3000, 'food'), (1790, 4800, 'food'), (1790, 4800, 'food'), (1700, 900, 'food'),
    (1360, 10800, 'food'), (1330, 4400, 'food'), (1100, 1300, 'food'), (1100, 1300, 'food'),
    (1050, 2900, 'food'), (1030, 3900, 'food'), (990, 3300, 'food'), (990, 1900, 'food'),
    (990, 1900, 'food'), (900, 3000, 'food'), (760, 1000, 'food'), (680, 3400, 'food'),
    (680, 700, 'food'), (680, 700, 'food'), (630, 700, 'food'), (630, 700, 'food'),
]
# the second fits the ten boxes of its bound, food filling eight to within 210 g: the search unit
# by unit gives up within its budget, packing class by class finds it at once
TEN_BY_SPLIT = [
    (610, 3500, ''), (330, 900, ''), (330, 900, ''), (1190, 2400, 'chemical'),
    (1190, 2400, 'chemical'), (1000, 1100, 'chemical'), (1530, 1400, 'chilled'),
    (1530, 1400, 'chilled'), (1230, 700, 'chilled'), (1110, 800, 'chilled'),
    (1110, 800, 'chilled'), (9670, 11600, 'food'), (9670, 11600, 'food'), (9590, 2400, 'food'),
    (9590, 2400, 'food'), (8400, 4600, 'food'), (8400, 4600, 'food'), (6340, 7200, 'food'),
    (4870, 3700, 'food'), (4870, 3700, 'food'), (4610, 10100, 'food'), (4610, 10100, 'food'),
    (3640, 6800, 'food'), (3640, 6800, 'food'), (2960, 3600, 'food'), (2960, 3600, 'food'),
    (2420, 10100, 'food'), (2210, 4600, 'food'), (1990, 4900, 'food'), (1720, 1700, 'food'),
    (1490, 2600, 'food'), (1490, 2600, 'food'), (1490, 2600, 'food'), (1460, 2900, 'food'),
    (1460, 2900, 'food'), (1260, 2300, 'food'), (890, 4300, 'food'), (730, 3200, 'food'),
    (710, 700, 'food'), (710, 700, 'food'), (670, 900, 'food'), (670, 900, 'food'),
    (610, 3300, 'food'), (530, 3800, 'food'), (530, 1200, 'food'), (530, 1200, 'food'),
    (520, 2400, 'food'), (520, 2400, 'food'), (470, 3800, 'food'), (300, 500, 'food'),
    (300, 500, 'food'), (250, 400, 'food'), (250, 400, 'food'),
]


def _columns(units: list[tuple[int, int, str]]) -> tuple[list[int], list[int], list[str]]:
    return [u[0] for u in units], [u[1] for u in units], [u[2] for u in units]


def _packs(w1: list[int], w2: list[int], kinds: list[str], bins: list[list[int]]) -> bool:
    inst = Instance(tuple(w1), tuple(w2), C1, C2)
    return sorted(i for b in bins for i in b) == list(range(len(w1))) and _valid(inst, kinds,
                                                                                   bins)


def test_splits_give_each_class_its_bound_at_least() -> None:
    assert sorted(splits([2, 1], 4)) == [(2, 2), (3, 1)]
    assert list(splits([2, 1], 2)) == []
    assert list(splits([1, 1, 1], 3)) == [(1, 1, 1)]


def test_the_share_out_of_bulky_goods_rules_out_six_boxes() -> None:
    w1, w2, kinds = _columns(SIX_RULED_OUT)
    classes = {k for k in kinds if k}
    by_class = sum(group_bound([a for a, q in zip(w1, kinds, strict=True) if q == k],
                               [b for b, q in zip(w2, kinds, strict=True) if q == k], C1, C2)
                   for k in classes)
    # what the order had before: each class alone, and all goods together, allow six
    assert by_class == 6 and group_bound(w1, w2, C1, C2) <= 6
    assert Splits(w1, w2, kinds, C1, C2).open(6) == []
    assert split_bound(w1, w2, kinds, C1, C2, 6, 9) == 7
    assert pack_by_split(w1, w2, kinds, C1, C2, 6, FAR).impossible


def test_a_tight_order_is_packed_class_by_class() -> None:
    w1, w2, kinds = _columns(TEN_BY_SPLIT)
    assert split_bound(w1, w2, kinds, C1, C2, 10, 11) == 10
    unit_by_unit = assign(Instance(tuple(w1), tuple(w2), C1, C2), 10, FAR, kinds, 5000)
    assert unit_by_unit.bins is None and not unit_by_unit.impossible
    found = pack_by_split(w1, w2, kinds, C1, C2, 10, FAR)
    assert found.bins is not None and len(found.bins) == 10
    assert _packs(w1, w2, kinds, found.bins)


def _kinds(inst: Instance, kinds: list[str] | None) -> list[str]:
    return kinds if kinds is not None else [""] * inst.n


@settings(max_examples=300, deadline=None)
@given(small_instances())
def test_the_split_bound_never_exceeds_the_optimum(
    case: tuple[Instance, list[str] | None],
) -> None:
    inst, kinds = case
    best = fewest_bins(inst, kinds)
    # one box a unit is always a packing: the bound may rise up to it, never above the optimum
    found = split_bound(inst.w1, inst.w2, _kinds(inst, kinds), inst.c1, inst.c2, 0, inst.n)
    assert found <= best


@settings(max_examples=300, deadline=None)
@given(small_instances(), st.integers(1, 2))
def test_class_by_class_finds_the_optimum_and_rules_out_fewer(
    case: tuple[Instance, list[str] | None], below: int
) -> None:
    inst, kinds = case
    classes = _kinds(inst, kinds)
    best = fewest_bins(inst, kinds)
    found = pack_by_split(inst.w1, inst.w2, classes, inst.c1, inst.c2, best, FAR)
    if any(classes):
        assert found.bins is not None and len(found.bins) <= best
        assert sorted(i for b in found.bins for i in b) == list(range(inst.n))
        assert _valid(inst, kinds, found.bins)
    fewer = pack_by_split(inst.w1, inst.w2, classes, inst.c1, inst.c2, best - below, FAR)
    assert fewer.bins is None
    assert fewer.impossible == any(classes)
