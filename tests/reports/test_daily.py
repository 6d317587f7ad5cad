"""The daily report (日报) of the high-risk areas on the small desk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import core
from core.levels import Level
from core.problems import DeskError
from core.reference import GoodsCategory
from core.reports import daily_report, high_risk_areas
from tests.reports.conftest import NOW, SmallDesk


def test_high_risk_areas(small: SmallDesk, empty_desk: core.Desk) -> None:
    assert high_risk_areas(small.desk) == ["hr"]
    assert high_risk_areas(empty_desk) == [""]


def test_daily_report_figures(small: SmallDesk) -> None:
    report = daily_report(small.desk, date(2026, 11, 20), signals=[small.signals], now=NOW)
    (area,) = report.areas
    assert area.district == "hr" and area.name.zh == "河西区"
    # level: the rice series gives +20% (IV); the supervisor's manual III raises it
    assert area.level.computed is Level.IV and area.level.level is Level.III
    assert area.level.manual is not None and area.level.manual.supervisor == "zhou.min"
    assert [r.rule for r in area.level.fired] == ["grain_oil_rise"]
    # reserves: 3,000 people; grain 9000 / (3000 x 0.4) = 7.5 days, pork 600 / 300 = 2 days
    covers = {c.kind.value: (c.population, c.days, c.broken) for c in area.reserves}
    assert covers == {"grain_oil": (3000, 7.5, True), "pork": (3000, 2.0, True),
                      "vegetables": (3000, 8.0, False)}
    assert not area.reserves_desk_wide
    # demand: C1 asks for rice, C2 complains naming pork, C3 complains naming nothing; C4 is lo
    demand = {d.goods: (d.requests, d.complaints) for d in area.demand_by_goods}
    assert demand == {GoodsCategory.GRAIN_OIL: (1, 0), GoodsCategory.MEAT: (0, 1),
                      None: (0, 1)}
    assert (area.requests, area.complaints, area.price_complaints) == (1, 2, 1)
    prices = {p.item: (p.listed_fen, p.observed_fen, p.weekly_rise) for p in area.prices}
    assert prices == {"rice-5kg": (3290, 3600, 0.2), "pork-lean-500g": (1690, None, None)}
    assert [(m.item, m.target, m.stock, m.shortfall) for m in report.medical] == [
        ("mask-n95", 100, 40, 60)]


def test_without_signals_the_rules_are_not_assessed(small: SmallDesk) -> None:
    report = daily_report(small.desk, date(2026, 11, 20), now=NOW)
    level = report.areas[0].level
    assert level.computed is None and level.level is Level.III  # the manual level only
    assert all(p.observed_fen is None for p in report.areas[0].prices)
    before = daily_report(small.desk, date(2026, 11, 19), now=NOW).areas[0].level
    assert before.level is None and before.manual is None  # the decision came on the 20th


def test_tables_name_their_sources(small: SmallDesk) -> None:
    report = daily_report(small.desk, date(2026, 11, 20), signals=[small.signals], now=NOW)
    tables = {t.name: t for t in report.tables()}
    assert set(tables) == {"level", "reserves", "medical", "supply", "demand_goods",
                           "demand_category", "prices", "monitoring", "evidence"}
    rice = tables["prices"].row_by("item", "rice-5kg")
    assert rice[4:] == (32.9, 36.0, 20.0, "catalogue.toml + signals-hr.toml")
    assert tables["reserves"].row_by("kind", "猪肉")[6] == 2.0
    assert any("reserves.toml" in n.en for n in tables["reserves"].notes)
    assert any("signals-hr.toml" in s.en for s in report.sources)


def test_other_districts_and_the_whole_area(small: SmallDesk) -> None:
    report = daily_report(small.desk, date(2026, 11, 20), districts=["lo"], now=NOW)
    (area,) = report.areas
    assert area.reserves_desk_wide  # lo holds no stock: desk-wide cover is shown
    assert {c.district for c in area.reserves} == {""}
    assert [(d.category.value, d.cases) for d in area.demand_by_category] == [
        ("chronic_medicine", 1)]
    whole = daily_report(small.desk, date(2026, 11, 20), districts=[""], now=NOW).areas[0]
    assert sum(d.cases for d in whole.demand_by_category) == 4


def test_unusable_inputs_are_problems(small: SmallDesk, tmp_path: Path) -> None:
    with pytest.raises(DeskError, match="unknown district 'nowhere'"):
        daily_report(small.desk, date(2026, 11, 20), districts=["nowhere"], now=NOW)
    with pytest.raises(DeskError, match="the signals are for 2026-11-20"):
        daily_report(small.desk, date(2026, 11, 21), signals=[small.signals], now=NOW)
    bad = tmp_path / "bad.toml"
    bad.write_text("[signals]\ngrain_oil_weekly_rise = 'lots'\n", encoding="utf-8")
    with pytest.raises(DeskError) as caught:
        daily_report(small.desk, date(2026, 11, 20), signals=[bad], now=NOW)
    assert caught.value.problems[0].path == bad
