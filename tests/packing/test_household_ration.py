"""Rationing per person (按人定量供应): orders cut to each household's share from level II."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.demo import copy_demo_desk
from core.levels.signals import Level
from core.packing.orders import HouseholdOrder, OrderLine
from core.packing.rationing import RationTable, ration_order
from core.packing.templates import load_packing_config
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
TABLE = RationTable(per_person_kg={G.GRAIN_OIL: 3.0, G.SALT: 0.1, G.EGGS: 1.0,
                                   G.VEGETABLES: 1.5})


def _order(*lines: tuple[str, int]) -> HouseholdOrder:
    return HouseholdOrder("r1-0001", "h1", "c1", tuple(OrderLine(c, n) for c, n in lines))


def _quantities(order: HouseholdOrder) -> dict[str, int]:
    return {line.code: line.quantity for line in order.lines}


def test_a_family_of_three_keeps_its_share_heaviest_first() -> None:
    order = _order(("flour-5kg", 1), ("rice-5kg", 2), ("salt-400g", 2), ("soap", 3))
    rationed, cuts = ration_order(order, 3, TABLE, CATALOGUE)
    # 9 kg of grain: flour (5 kg), then a bag of rice reaches the share; salt: one bag of 0.3 kg
    assert _quantities(rationed) == {"flour-5kg": 1, "rice-5kg": 1, "salt-400g": 1, "soap": 3}
    assert [(c.code, c.category, c.ordered, c.kept, c.share_kg) for c in cuts] == [
        ("rice-5kg", G.GRAIN_OIL, 2, 1, 9.0), ("salt-400g", G.SALT, 2, 1, 0.3)]
    assert all(c.order == "r1-0001" and c.household == "h1" for c in cuts)


def test_a_share_smaller_than_a_bag_still_buys_one_bag() -> None:
    rationed, cuts = ration_order(_order(("rice-5kg", 2), ("oil-1800ml", 1)), 1, TABLE, CATALOGUE)
    assert _quantities(rationed) == {"rice-5kg": 1}
    assert [(c.code, c.kept) for c in cuts] == [("rice-5kg", 1), ("oil-1800ml", 0)]


def test_an_order_within_its_share_is_returned_as_it_is() -> None:
    order = _order(("rice-5kg", 1), ("soap", 9), ("unknown-goods", 4))
    assert ration_order(order, 2, TABLE, CATALOGUE) == (order, ())


def test_the_level_decides_where_the_table_applies() -> None:
    assert not TABLE.applies_at(None) and not TABLE.applies_at(Level.III)
    assert TABLE.applies_at(Level.II) and TABLE.applies_at(Level.I)
    assert RationTable(from_level=Level.III).applies_at(Level.III)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.tuples(st.sampled_from([*sorted(CATALOGUE), "unknown-goods"]),
                             st.integers(1, 6)), min_size=1, max_size=8),
    people=st.integers(0, 9),
    kg=st.dictionaries(st.sampled_from([G.GRAIN_OIL, G.SALT, G.EGGS, G.VEGETABLES]),
                       st.floats(0.05, 12.0), min_size=1),
)
def test_rationing_keeps_the_share_and_no_more_than_one_unit_over(
    lines: list[tuple[str, int]], people: int, kg: dict[GoodsCategory, float]
) -> None:
    table = RationTable(per_person_kg=kg)
    order = _order(*lines)
    rationed, cuts = ration_order(order, people, table, CATALOGUE)
    share_people = max(people, 1)

    def weights(o: HouseholdOrder, category: GoodsCategory) -> list[float]:
        return [CATALOGUE[line.code].kg for line in o.lines for _ in range(line.quantity)
                if line.code in CATALOGUE and CATALOGUE[line.code].category is category]

    for category in set(G):
        before, after = weights(order, category), weights(rationed, category)
        if category not in kg:
            assert sorted(before) == sorted(after)
            continue
        share = kg[category] * share_people
        if before:
            assert after  # nobody is left without a necessity they ordered
        if len(after) < len(before):  # cut only once the share was reached...
            assert sum(after) >= share - 1e-6
            # ...and without the last unit taken the household was still below its share
            assert sum(after) - min(after) < share
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


def test_the_ration_table_is_checked_with_its_line(tmp_path: Path) -> None:
    packing = tmp_path / "packing.toml"
    cases = {
        '[ration]\nfrom_level = "II"\n[ration.per_person_kg]\ngrain_oil = 3.0\nsalt = -1\n':
            (5, "ration.per_person_kg.salt", "must be a positive number of kg"),
        '[ration]\nfrom_level = "II"\n[ration.per_person_kg]\ngrain = 3.0\n':
            (4, "ration.per_person_kg.grain", "'grain' is not one of: grain_oil"),
        '[ration]\nfrom_level = "none"\nper_person_kg = { salt = 0.5 }\n':
            (2, "ration.from_level", "must be a level: IV, III, II or I"),
        '[ration]\nfrom_level = "II"\n':
            (1, "ration.per_person_kg", "names no goods category to ration"),
    }
    for text, (line, field, message) in cases.items():
        packing.write_text(text, encoding="utf-8")
        config, problems = load_packing_config(tmp_path)
        assert config is None
        assert [(p.path, p.line, p.field) for p in problems] == [(packing, line, field)], text
        assert problems[0].message.startswith(message)


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
