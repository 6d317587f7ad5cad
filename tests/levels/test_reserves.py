"""Reserve cover against the norms (15/3/7 days) and medical supply tiers, the stock from the
stock ledger."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

import core
from core import ledger as L
from core.ledger import Ledgers
from core.levels import (
    ReserveKind,
    Reserves,
    desk_population,
    load_reserves,
    medical_lines,
    required_tiers,
    reserve_cover,
    reserve_figures,
)
from core.levels.reserves import (
    Consumption,
    Medical,
    MedicalItem,
    StockLine,
    check_reserves,
    stock_balances,
)

WINTER, SUMMER = date(2026, 11, 23), date(2026, 7, 1)
DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "desk"


RESERVES = Reserves(consumption=Consumption(grain_oil=0.5, pork=0.1, vegetables=0.5))


def cover(grain: float, pork: float, vegetables: float, day: date = WINTER
          ) -> list[core.levels.Cover]:
    stock = [StockLine(ReserveKind.GRAIN_OIL, grain), StockLine(ReserveKind.PORK, pork),
             StockLine(ReserveKind.VEGETABLES, vegetables)]
    return reserve_cover(RESERVES, stock, {"a": 1000}, day)


def by_kind(covers: list[core.levels.Cover]) -> dict[ReserveKind, core.levels.Cover]:
    return {c.kind: c for c in covers if not c.district}


def test_exactly_the_norm_meets_it() -> None:
    # 1000 people: grain 500 kg/day, pork 100 kg/day, vegetables 500 kg/day
    covers = by_kind(cover(7500, 300, 3500))
    assert covers[ReserveKind.GRAIN_OIL].days == 15 and not covers[ReserveKind.GRAIN_OIL].broken
    assert covers[ReserveKind.PORK].days == 3 and not covers[ReserveKind.PORK].broken
    assert not covers[ReserveKind.VEGETABLES].broken


def test_below_the_norm_is_broken() -> None:
    covers = by_kind(cover(7499, 299, 3499))
    assert all(c.broken for c in covers.values())


def test_vegetable_norm_only_in_winter_and_spring() -> None:
    covers = by_kind(cover(7500, 300, 100, SUMMER))
    assert not covers[ReserveKind.VEGETABLES].applies
    assert not covers[ReserveKind.VEGETABLES].broken


def test_unknown_consumption_gives_no_days() -> None:
    covers = by_kind(reserve_cover(Reserves(), [StockLine(ReserveKind.PORK, 10)],
                                   {"a": 1000}, WINTER))
    assert covers[ReserveKind.PORK].days is None and not covers[ReserveKind.PORK].broken


def test_required_tiers_follow_the_response() -> None:
    assert required_tiers(0, False) == {1}
    assert required_tiers(4, False) == {1}
    assert required_tiers(4, True) == {1, 2}  # isolation sites or mass testing
    assert required_tiers(3, False) == {1, 2}  # 三级及以上
    assert required_tiers(1, False) == {1, 2}
    assert all(3 not in required_tiers(r, True) for r in range(5))


def test_medical_lines_raise_targets_at_response_iii() -> None:
    items = (MedicalItem("mask", target=100, raised_target=200, tier=1),
             MedicalItem("gown", target=50, tier=2),
             MedicalItem("reagent", target=10, tier=3))
    on_hand = {"mask": 150, "gown": 10}
    calm = {line.item: line for line in medical_lines(Medical(4, False, items), {}, on_hand)}
    assert calm["mask"].target == 100 and calm["mask"].shortfall == 0
    assert not calm["gown"].required and calm["gown"].shortfall == 0
    assert calm["reagent"].shortfall == 0
    tense = {line.item: line for line in medical_lines(Medical(3, False, items), {}, on_hand)}
    assert tense["mask"].target == 200 and tense["mask"].shortfall == 50
    assert tense["gown"].required and tense["gown"].shortfall == 40


def test_the_demo_desk_reserves() -> None:
    desk = core.open_desk(DEMO)
    data, problems = load_reserves(DEMO / "reserves.toml")
    assert problems == [] and data is not None
    assert check_reserves(desk) == []
    population = desk_population(desk)
    assert sum(population.values()) == sum(c.population for c in desk.communities.values())
    figures = reserve_figures(desk, data, WINTER)
    broken = {(c.district, c.kind.value) for c in figures.covers if c.broken}
    assert ("hexi", "pork") in broken and ("", "grain_oil") not in broken
    lines = figures.medical
    assert {line.tier for line in lines} == {1, 2, 3}
    assert any(line.shortfall for line in lines)
    # the medical stock is the ledger's: the district depot and the city's store together
    balances = stock_balances(desk, WINTER)
    masks = {line.item: line.stock for line in lines}["mask-kn95-10"]
    assert masks == balances[("hexi-depot", "mask-kn95-10")] + balances[
        ("city-reserve", "mask-kn95-10")] == 3100
    # a reserve store's kilograms: its items' balances times their weight
    hexi_pork = next(c for c in figures.covers if (c.district, c.kind.value) == ("hexi", "pork"))
    assert hexi_pork.stock_kg == balances[("hexi-pork", "pork-lean-500g")] * 0.5


def test_cover_follows_the_ledger(level_desk: core.Desk) -> None:
    """A receipt raises the cover from the day it is dated; its reversal takes it back."""
    root = level_desk.root
    (root / "reserves.toml").write_text(
        '[consumption]\npork = 0.1\n\n[[store]]\nstore = "cold"\nkind = "pork"\n',
        encoding="utf-8")
    (root / "catalogue.toml").write_text(
        '[[item]]\ncode = "pork-lean-500g"\nname = "猪瘦肉"\nname_en = "Lean pork"\n'
        'unit = "份"\ncategory = "meat"\nkg = 0.5\nlitres = 0.6\nprice_fen = 1690\n',
        encoding="utf-8")
    level_desk = core.open_desk(root)
    people = sum(desk_population(level_desk).values())
    assert people > 0
    zone = level_desk.settings.zone
    data, problems = load_reserves(level_desk.root / "reserves.toml")
    assert data is not None and problems == []

    def pork_days(day: date) -> float | None:
        (found,) = [c for c in reserve_figures(level_desk, data, day).covers
                    if c.kind is ReserveKind.PORK]
        return found.days

    assert pork_days(WINTER) == 0
    ledgers = Ledgers(level_desk)
    receipt = ledgers.append([L.draft(
        L.StockReceipt, time=datetime(2026, 11, 20, 9, tzinfo=zone), store="cold",
        item="pork-lean-500g", quantity=people * 2, source=L.Source.ALLOCATION,
        keeper="keeper")])[0]
    assert pork_days(date(2026, 11, 19)) == 0  # before the receipt
    # people x 2 packs of 0.5 kg = people kg; people x 0.1 kg a day: 10 days
    assert pork_days(WINTER) == pytest.approx(10)
    ledgers.reverse(receipt, reason="entered twice", time=datetime(2026, 11, 21, 9, tzinfo=zone))
    assert pork_days(WINTER) == 0


def test_the_old_format_is_named_with_what_to_do(level_desk: core.Desk) -> None:
    (level_desk.root / "reserves.toml").write_text(
        '[[stock]]\nkind = "pork"\nkg = 5\n\n[medical]\n[[medical.item]]\nitem = "x"\n'
        'target = 1\nstock = 3\n', encoding="utf-8")
    rendered = [p.render(level_desk.root) for p in check_reserves(level_desk)]
    assert rendered[0].startswith("reserves.toml:1: stock: reserve stock is no longer written")
    assert rendered[1].startswith("reserves.toml:9: medical.item[0].stock: medical stock")


def test_bad_reserves_name_the_line(level_desk: core.Desk) -> None:
    (level_desk.root / "reserves.toml").write_text(
        '[[store]]\nstore = "a"\nkind = "rice"\n\n[[store]]\nstore = "b"\nkind = "pork"\n'
        'district = "nowhere"\n', encoding="utf-8")
    rendered = [p.render(level_desk.root) for p in check_reserves(level_desk)]
    assert any(r.startswith("reserves.toml:3: store[0].kind:") for r in rendered)
    (level_desk.root / "reserves.toml").write_text(
        '[[store]]\nstore = "b"\nkind = "pork"\ndistrict = "nowhere"\n\n'
        '[[store]]\nstore = "b"\nkind = "pork"\n', encoding="utf-8")
    rendered = [p.render(level_desk.root) for p in check_reserves(level_desk)]
    assert rendered == ["reserves.toml:4: store[0].district: unknown district 'nowhere'",
                        "reserves.toml:7: store[1].store: store 'b' is listed twice"]
