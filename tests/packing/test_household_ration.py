"""Rationing per person (按人定量供应): orders cut to each household's share from level II."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.demo import copy_demo_desk
from core.levels.signals import Level
from core.packing.orders import HouseholdOrder, OrderLine
from core.packing.rationing import RationGroup, RationTable, ration_order
from core.packing.templates import check_packing_config, load_packing_config
from core.reference import CatalogueItem, GoodsCategory
from core.rounds import load_rounds, order_amount, plan_round

G = GoodsCategory


def _item(code: str, category: GoodsCategory, kg: float) -> CatalogueItem:
    return CatalogueItem(code=code, name=code, name_en=code, unit="pc", category=category, kg=kg,
                         litres=0, price_fen=1000)


CATALOGUE = {item.code: item for item in [
    _item("rice-5kg", G.GRAIN_OIL, 5.0), _item("flour-5kg", G.GRAIN_OIL, 5.0),
    _item("noodles-1kg", G.GRAIN_OIL, 1.0), _item("oil-1800ml", G.GRAIN_OIL, 1.7),
    _item("salt-400g", G.SALT, 0.4), _item("eggs-30", G.EGGS, 1.8),
    _item("cabbage-2kg", G.VEGETABLES, 2.0), _item("greens-500g", G.VEGETABLES, 0.5),
    _item("soap", G.DAILY_GOODS, 0.2),
]}
GRAIN = RationGroup(3.0, categories=(G.GRAIN_OIL,))
OIL = RationGroup(0.3, goods=("oil-*",))
TABLE = RationTable(group={"grain": GRAIN, "oil": OIL,
                           "salt": RationGroup(0.1, categories=(G.SALT,)),
                           "eggs": RationGroup(1.0, categories=(G.EGGS,)),
                           "vegetables": RationGroup(1.5, categories=(G.VEGETABLES,))})


def _order(*lines: tuple[str, int]) -> HouseholdOrder:
    return HouseholdOrder("r1-0001", "h1", "c1", tuple(OrderLine(c, n) for c, n in lines))


def _quantities(order: HouseholdOrder) -> dict[str, int]:
    return {line.code: line.quantity for line in order.lines}


def test_a_family_of_three_gets_its_grain_and_its_oil_apart() -> None:
    # a 3-person household ordering two bags of flour and a bottle of oil kept 10 kg of flour
    # and no oil while grain and oil shared one 9 kg share; now each has its own
    order = _order(("flour-5kg", 2), ("oil-1800ml", 1))
    rationed, cuts = ration_order(order, 3, TABLE, CATALOGUE)
    assert _quantities(rationed) == {"flour-5kg": 1, "oil-1800ml": 1}
    assert [(c.code, c.group, c.ordered, c.kept, c.share_kg) for c in cuts] == [
        ("flour-5kg", "grain", 2, 1, 9.0)]


def test_a_family_of_three_keeps_its_share_heaviest_first() -> None:
    order = _order(("flour-5kg", 1), ("rice-5kg", 2), ("noodles-1kg", 6), ("salt-400g", 2),
                   ("soap", 3))
    rationed, cuts = ration_order(order, 3, TABLE, CATALOGUE)
    # 9 kg of grain: flour (5 kg), no bag of rice fits, then 4 kg of noodles; salt: one bag
    assert _quantities(rationed) == {"flour-5kg": 1, "noodles-1kg": 4, "salt-400g": 1,
                                     "soap": 3}
    assert [(c.code, c.category, c.group, c.ordered, c.kept, c.share_kg) for c in cuts] == [
        ("rice-5kg", G.GRAIN_OIL, "grain", 2, 0, 9.0),
        ("noodles-1kg", G.GRAIN_OIL, "grain", 6, 4, 9.0),
        ("salt-400g", G.SALT, "salt", 2, 1, 0.4)]
    assert all(c.order == "r1-0001" and c.household == "h1" for c in cuts)


def test_a_share_smaller_than_a_bag_still_buys_one_bag() -> None:
    rationed, cuts = ration_order(_order(("rice-5kg", 2), ("oil-1800ml", 2)), 1, TABLE,
                                  CATALOGUE)
    assert _quantities(rationed) == {"rice-5kg": 1, "oil-1800ml": 1}
    assert [(c.code, c.kept, c.share_kg) for c in cuts] == [("rice-5kg", 1, 5.0),
                                                            ("oil-1800ml", 1, 1.7)]


def test_an_order_within_its_share_is_returned_as_it_is() -> None:
    order = _order(("rice-5kg", 1), ("soap", 9), ("unknown-goods", 4))
    assert ration_order(order, 2, TABLE, CATALOGUE) == (order, ())


def test_goods_named_by_a_group_leave_their_category_s_group() -> None:
    assert TABLE.group_of(CATALOGUE["oil-1800ml"]) == "oil"
    assert TABLE.group_of(CATALOGUE["rice-5kg"]) == "grain"
    assert TABLE.group_of(CATALOGUE["soap"]) is None


def test_the_level_decides_where_the_table_applies() -> None:
    assert not TABLE.applies_at(None) and not TABLE.applies_at(Level.III)
    assert TABLE.applies_at(Level.II) and TABLE.applies_at(Level.I)
    assert RationTable(from_level=Level.III).applies_at(Level.III)


LINES = st.lists(st.tuples(st.sampled_from([*sorted(CATALOGUE), "unknown-goods"]),
                           st.integers(1, 6)), min_size=1, max_size=8)
GROUPS = st.fixed_dictionaries({
    "grain": st.builds(RationGroup, st.floats(0.05, 12.0), st.just((G.GRAIN_OIL,))),
    "oil": st.builds(RationGroup, st.floats(0.05, 3.0), st.just(()), st.just(("oil-*",))),
}, optional={
    "salt": st.builds(RationGroup, st.floats(0.05, 2.0), st.just((G.SALT,))),
    "eggs": st.builds(RationGroup, st.floats(0.05, 4.0), st.just((G.EGGS,))),
    "vegetables": st.builds(RationGroup, st.floats(0.05, 8.0), st.just((G.VEGETABLES,))),
})


def _units(order: HouseholdOrder, table: RationTable, group: str | None) -> list[float]:
    return [CATALOGUE[line.code].kg for line in order.lines for _ in range(line.quantity)
            if line.code in CATALOGUE and table.group_of(CATALOGUE[line.code]) == group]


@settings(max_examples=300, deadline=None)
@given(lines=LINES, people=st.integers(0, 9), groups=GROUPS)
def test_no_household_exceeds_any_group_s_share(
    lines: list[tuple[str, int]], people: int, groups: dict[str, RationGroup]
) -> None:
    table = RationTable(group=groups)
    order = _order(*lines)
    rationed, cuts = ration_order(order, people, table, CATALOGUE)
    for key, group in groups.items():
        before, after = _units(order, table, key), _units(rationed, table, key)
        share = max(group.per_person_kg * max(people, 1), min(before, default=0.0))
        assert sum(after) <= share + 1e-6
        if before:
            assert after  # nobody is left without a necessity they ordered
        # a unit was cut only because it no longer fitted
        for cut in cuts:
            if cut.group == key:
                assert sum(after) + CATALOGUE[cut.code].kg > share - 1e-6
                assert cut.share_kg == round(share, 3)
    assert sorted(_units(order, table, None)) == sorted(_units(rationed, table, None))
    # lines keep their order and never grow; the cuts say exactly what changed
    wanted: dict[str, int] = {}
    for code, quantity in lines:
        wanted[code] = wanted.get(code, 0) + quantity
    got = {code: 0 for code in wanted}
    for line in rationed.lines:
        got[line.code] += line.quantity
    assert all(got[c] <= wanted[c] for c in wanted)
    assert sum(wanted[c] - got[c] for c in wanted) == sum(c.ordered - c.kept for c in cuts)
    assert ration_order(rationed, people, table, CATALOGUE)[1] == ()  # a second pass cuts nothing


@settings(max_examples=200, deadline=None)
@given(lines=LINES, people=st.integers(0, 9), groups=GROUPS, other=st.floats(0.05, 20.0),
       extra=st.integers(1, 9))
def test_no_group_takes_another_s_allowance(
    lines: list[tuple[str, int]], people: int, groups: dict[str, RationGroup], other: float,
    extra: int,
) -> None:
    # what a household keeps of its grain does not depend on oil's share, nor on how much oil
    # it ordered, and the other way round
    table = RationTable(group=groups)
    order = _order(*lines)
    rationed = ration_order(order, people, table, CATALOGUE)[0]
    for key, rival in (("grain", "oil"), ("oil", "grain")):
        changed = RationTable(group={**groups, rival: attrs.evolve(groups[rival],
                                                                   per_person_kg=other)})
        more = _order(*lines, ("oil-1800ml" if rival == "oil" else "rice-5kg", extra))
        for variant, rations in ((order, changed), (more, table), (more, changed)):
            again = ration_order(variant, people, rations, CATALOGUE)[0]
            assert sorted(_units(again, table, key)) == sorted(_units(rationed, table, key))


def test_the_ration_table_is_checked_with_its_line(tmp_path: Path) -> None:
    packing = tmp_path / "packing.toml"
    head = '[ration]\nfrom_level = "II"\n'
    cases = {
        head + '[ration.group.grain]\nper_person_kg = -1\ncategories = ["grain_oil"]\n':
            (4, "ration.group.grain.per_person_kg", "must be a positive number of kg"),
        head + '[ration.group.grain]\nper_person_kg = 3.0\ncategories = ["grain"]\n':
            (5, "ration.group.grain.categories[0]", "'grain' is not one of: grain_oil"),
        '[ration]\nfrom_level = "none"\ngroup = { salt = { per_person_kg = 0.1, '
        'categories = ["salt"] } }\n':
            (2, "ration.from_level", "must be a level: IV, III, II or I"),
        head: (1, "ration.group", "names no ration group"),
        head + '[ration.group.oil]\nper_person_kg = 0.3\n':
            (3, "ration.group.oil", "names no goods: give categories or goods"),
        head + '[ration.group.a]\nper_person_kg = 1.0\ncategories = ["salt"]\n'
        '[ration.group.b]\nper_person_kg = 1.0\ncategories = ["eggs", "salt"]\n':
            (8, "ration.group.b.categories", "salt is already rationed in group a"),
        # the format before grain and oil were rationed apart is refused, saying what to write
        head + '[ration.per_person_kg]\ngrain_oil = 3.0\n':
            (3, "ration.per_person_kg", "rations are given per group now"),
    }
    for text, (line, field, message) in cases.items():
        packing.write_text(text, encoding="utf-8")
        config, problems = load_packing_config(tmp_path)
        assert config is None
        assert [(p.path, p.line, p.field) for p in problems] == [(packing, line, field)], text
        assert problems[0].message.startswith(message)
        assert check_packing_config(tmp_path) == problems


def test_goods_patterns_are_checked_against_the_catalogue(tmp_path: Path) -> None:
    packing = tmp_path / "packing.toml"
    packing.write_text('[ration]\n[ration.group.oil]\nper_person_kg = 0.3\ngoods = ["oil-*"]\n'
                       '[ration.group.cooking]\nper_person_kg = 0.3\n'
                       'goods = ["oil-1800ml", "lard-*"]\n', encoding="utf-8")
    assert load_packing_config(tmp_path)[0] is not None
    problems = check_packing_config(tmp_path, CATALOGUE)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (7, "ration.group.cooking.goods", "'lard-*' names no goods of the catalogue"),
        (7, "ration.group.cooking.goods", "oil-1800ml is already rationed in group oil")]


@pytest.fixture
def demo_root(tmp_path: Path) -> Path:
    return copy_demo_desk(tmp_path / "desk")


def test_the_demo_district_s_level_comes_from_the_daily_report(demo_root: Path) -> None:
    desk = core.open_desk(demo_root)
    assert desk.levels.on(date(2026, 11, 23)) == {"hexi": Level.III}
    assert desk.levels.on(date(2026, 11, 24)) == {}  # no signals: not assessed


def test_a_round_is_rationed_only_in_districts_at_level_two(demo_root: Path) -> None:
    desk = core.open_desk(demo_root)
    (round_,), _problems = load_rounds(desk)
    district_of = {code: c.district for code, c in desk.communities.items()}
    plain = plan_round(desk, round_, time_limit=0.05)
    assert plain.cuts == () and plain.rationed == () and plain.levels == {}
    assert plan_round(desk, round_, time_limit=0.05, levels={"hexi": Level.III}).cuts == ()

    plan = plan_round(desk, round_, time_limit=0.05,
                      levels={"hexi": Level.II, "chengdong": Level.III})
    assert plan.rationed == ("hexi",) and plan.ration_missing == ()
    assert plan.levels == {"hexi": Level.II, "chengdong": Level.III}
    community_of = {o.id: o.community for o in round_.orders}
    assert plan.cuts and {district_of[community_of[c.order]] for c in plan.cuts} == {"hexi"}
    # what is packed and charged is the share: boxes hold the kept units, amounts drop
    cut_orders = {c.order for c in plan.cuts}
    for packing in plan.packings:
        if packing.order in cut_orders:
            packed = sum(box.codes.count(c.code) for box in packing.boxes for c in plan.cuts
                         if c.order == packing.order)
            assert packed == sum(c.kept for c in plan.cuts if c.order == packing.order)
    by_drop = {d.community: d.amount_fen for d in plan.drops}
    for drop in plain.drops:
        if district_of[drop.community] == "hexi" and any(
                community_of[o] == drop.community for o in cut_orders):
            assert by_drop[drop.community] < drop.amount_fen
        elif district_of[drop.community] != "hexi":
            assert by_drop[drop.community] == drop.amount_fen
    assert sum(d.amount_fen for d in plan.drops) < sum(d.amount_fen for d in plain.drops)
    assert order_amount(desk, round_.orders[0]) > 0


def test_a_desk_at_level_two_without_a_ration_table_is_told(demo_root: Path) -> None:
    packing = demo_root / "packing.toml"
    text = packing.read_text(encoding="utf-8")
    packing.write_text(text[:text.index("# 按人定量供应")], encoding="utf-8")
    desk = core.open_desk(demo_root)
    (round_,), _problems = load_rounds(desk)
    plan = plan_round(desk, round_, time_limit=0.05, levels={"hexi": Level.I})
    assert plan.ration_missing == ("hexi",) and plan.rationed == () and plan.cuts == ()
