"""Reserve cover against the norms (15/3/7 days) and medical supply tiers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import core
from core.levels import (
    ReserveKind,
    Reserves,
    desk_population,
    load_reserves,
    medical_lines,
    required_tiers,
    reserve_cover,
)
from core.levels.reserves import (
    Consumption,
    Medical,
    MedicalItem,
    StockLine,
    check_reserves,
)

WINTER, SUMMER = date(2026, 11, 23), date(2026, 7, 1)
DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "desk"


def reserves(grain: float, pork: float, vegetables: float) -> Reserves:
    return Reserves(
        consumption=Consumption(grain_oil=0.5, pork=0.1, vegetables=0.5),
        stock=(StockLine(ReserveKind.GRAIN_OIL, grain), StockLine(ReserveKind.PORK, pork),
               StockLine(ReserveKind.VEGETABLES, vegetables)),
    )


def by_kind(covers: list[core.levels.Cover]) -> dict[ReserveKind, core.levels.Cover]:
    return {c.kind: c for c in covers if not c.district}


def test_exactly_the_norm_meets_it() -> None:
    # 1000 people: grain 500 kg/day, pork 100 kg/day, vegetables 500 kg/day
    covers = by_kind(reserve_cover(reserves(7500, 300, 3500), {"a": 1000}, WINTER))
    assert covers[ReserveKind.GRAIN_OIL].days == 15 and not covers[ReserveKind.GRAIN_OIL].broken
    assert covers[ReserveKind.PORK].days == 3 and not covers[ReserveKind.PORK].broken
    assert not covers[ReserveKind.VEGETABLES].broken


def test_below_the_norm_is_broken() -> None:
    covers = by_kind(reserve_cover(reserves(7499, 299, 3499), {"a": 1000}, WINTER))
    assert all(c.broken for c in covers.values())


def test_vegetable_norm_only_in_winter_and_spring() -> None:
    covers = by_kind(reserve_cover(reserves(7500, 300, 100), {"a": 1000}, SUMMER))
    assert not covers[ReserveKind.VEGETABLES].applies
    assert not covers[ReserveKind.VEGETABLES].broken


def test_unknown_consumption_gives_no_days() -> None:
    covers = by_kind(reserve_cover(Reserves(stock=(StockLine(ReserveKind.PORK, 10),)),
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
    items = (MedicalItem("mask", target=100, raised_target=200, stock=150, tier=1),
             MedicalItem("gown", target=50, stock=10, tier=2),
             MedicalItem("reagent", target=10, stock=0, tier=3))
    calm = {line.item: line for line in medical_lines(Medical(4, False, items), {})}
    assert calm["mask"].target == 100 and calm["mask"].shortfall == 0
    assert not calm["gown"].required and calm["gown"].shortfall == 0
    assert calm["reagent"].shortfall == 0
    tense = {line.item: line for line in medical_lines(Medical(3, False, items), {})}
    assert tense["mask"].target == 200 and tense["mask"].shortfall == 50
    assert tense["gown"].required and tense["gown"].shortfall == 40


def test_the_demo_desk_reserves() -> None:
    desk = core.open_desk(DEMO)
    data, problems = load_reserves(DEMO / "reserves.toml")
    assert problems == [] and data is not None
    assert check_reserves(desk) == []
    population = desk_population(desk)
    assert sum(population.values()) == sum(c.population for c in desk.communities.values())
    covers = reserve_cover(data, population, WINTER)
    broken = {(c.district, c.kind.value) for c in covers if c.broken}
    assert ("hexi", "pork") in broken and ("", "grain_oil") not in broken
    lines = medical_lines(data.medical, desk.catalogue)
    assert {line.tier for line in lines} == {1, 2, 3}
    assert any(line.shortfall for line in lines)


def test_bad_reserves_name_the_line(level_desk: core.Desk) -> None:
    (level_desk.root / "reserves.toml").write_text(
        '[[stock]]\nkind = "rice"\nkg = 5\n\n[[stock]]\nkind = "pork"\nkg = 5\n'
        'district = "nowhere"\n', encoding="utf-8")
    rendered = [p.render(level_desk.root) for p in check_reserves(level_desk)]
    assert any(r.startswith("reserves.toml:2: stock[0].kind:") for r in rendered)
    (level_desk.root / "reserves.toml").write_text(
        '[[stock]]\nkind = "pork"\nkg = 5\ndistrict = "nowhere"\n', encoding="utf-8")
    rendered = [p.render(level_desk.root) for p in check_reserves(level_desk)]
    assert rendered == ["reserves.toml:4: stock[0].district: unknown district 'nowhere'"]
