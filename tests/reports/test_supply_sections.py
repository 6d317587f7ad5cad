"""The daily report's sections from the day's operations on the demo desk: supply from the stock
ledger, the prices entered, round orders in the demand, and the level observed from prices
when no hand-written signals file overrides it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

import core
from core import ledger as L
from core.levels import Level
from core.levels.district import signals_for
from core.levels.plans import Text
from core.levels.prices import Necessity, PriceEntry, StockState, record_prices
from core.reference import GoodsCategory
from core.reports import daily_report
from core.reports.render import render_table

DAY = date(2026, 11, 23)


def at(day: date, hour: int, zone: object) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)  # type: ignore[arg-type]


@pytest.fixture
def desk(demo_desk_dir: Path) -> core.Desk:
    """The demo desk, with the 23rd's receipts and issue at the grain reserve."""
    desk = core.open_desk(demo_desk_dir)
    zone = desk.settings.zone
    L.Ledgers(desk).append([
        L.draft(L.StockReceipt, time=at(DAY, 9, zone), store="hexi-grain", item="rice-10kg",
                quantity=500, source=L.Source.PURCHASE, keeper="keeper.liu"),
        L.draft(L.StockReceipt, time=at(DAY, 9, zone), store="hexi-veg", item="potato-2kg",
                quantity=1000, source=L.Source.ALLOCATION, keeper="keeper.liu"),
    ], operator="keeper.liu", recorded=at(DAY, 10, zone))
    return desk


def test_supply_is_the_ledger_s_day(desk: core.Desk) -> None:
    report = daily_report(desk, DAY, signals=signals_for(desk.root, DAY))
    supply = {line.goods: line for line in report.supply}
    grain = supply[GoodsCategory.GRAIN_OIL]
    assert grain.received_kg == 5000  # 500 bags of 10 kg
    # on hand: hexi 13,000 x 10 + 10,000 x 5 + 2,000 x 4.7, chengdong 10,000 x 10 + 8,000 x 5
    # + 1,300 x 4.7, and the 5,000 kg received
    assert grain.on_hand_kg == pytest.approx(130000 + 50000 + 9400 + 100000 + 40000 + 6110
                                             + 5000)
    assert supply[GoodsCategory.VEGETABLES].received_kg == 2000
    assert supply[GoodsCategory.EGGS].on_hand_kg == 0


def test_the_entered_prices_are_the_monitoring_section(desk: core.Desk) -> None:
    report = daily_report(desk, DAY, signals=signals_for(desk.root, DAY))
    (hexi,) = report.areas
    rows = {(p.supermarket, p.necessity): p for p in hexi.observed_prices}
    grain = rows[("hualian", Necessity.GRAIN)]
    assert (grain.fen, grain.weekly_rise, grain.entered_by) == (3599, 0.22, "monitor.wang")
    # the table shows the supermarket's name in the report's language, not its code
    market = desk.supermarkets["hualian"]
    assert grain.supermarket_name == Text(market.name, market.name_en)
    monitoring = next(t for t in report.tables() if t.name == "monitoring")
    for lang, name in (("zh", market.name), ("en", market.name_en)):
        shown = render_table(monitoring, lang)
        assert name in shown and " hualian " not in shown
    assert rows[("hualian", Necessity.EGGS)].stock is StockState.LOW
    assert ("xinjiayi", Necessity.GRAIN) not in rows  # serves 城东 only
    # the hand-written signals file of the day overrides, and says so
    assert "overrides" in hexi.level.source.en and hexi.level.level is Level.III


def test_without_a_signals_file_the_level_is_observed(desk: core.Desk) -> None:
    (desk.root / "signals" / "2026-11-23.toml").unlink()
    report = daily_report(desk, DAY, signals=signals_for(desk.root, DAY))
    (hexi,) = report.areas
    # grain and oil +22% within the week: IV; lean pork +20%: III; tight 8 days (pork reserve)
    assert hexi.level.computed is Level.III
    assert {r.rule for r in hexi.level.fired} == {"grain_oil_rise", "lean_pork_rise",
                                                  "tight_supply"}
    assert "prices/2026-11-23.toml" in hexi.level.source.en
    assert any("panic buying cannot be observed" in s.en for s in report.sources)


def test_round_orders_count_in_the_demand(desk: core.Desk) -> None:
    day = date(2026, 11, 25)  # r1125 takes its orders on the 25th
    report = daily_report(desk, day, signals=signals_for(desk.root, day))
    (hexi,) = report.areas
    rounds = desk.load(core.deskload.ROUNDS)
    orders = [o for r in rounds if r.day_one == day for o in r.orders
              if desk.communities[o.community].district == "hexi"]
    assert hexi.orders == len(orders) > 0
    grain = next(d for d in hexi.demand_by_goods if d.goods is GoodsCategory.GRAIN_OIL)
    assert grain.orders == sum(1 for o in orders if any(
        desk.catalogue[line.code].category is GoodsCategory.GRAIN_OIL for line in o.lines))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sections(desk: core.Desk, snapshot: SnapshotAssertion, lang: str) -> None:
    record_prices(desk, DAY, [PriceEntry("hualian", Necessity.SALT, None, StockState.OUT)],
                  operator="monitor.li", now=at(DAY, 15, desk.settings.zone))
    report = daily_report(desk, DAY, signals=signals_for(desk.root, DAY),
                          now=at(DAY, 18, desk.settings.zone))
    tables = {t.name: t for t in report.tables()}
    text = "\n".join(render_table(tables[name], lang)
                     for name in ("level", "reserves", "medical", "supply", "monitoring"))
    assert text == snapshot
