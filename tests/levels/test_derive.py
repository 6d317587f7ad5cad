"""Signals from data: the weekly rise rule, tight runs, stock-outs, signals files."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from core.levels import (
    Level,
    PriceGroup,
    PriceSeries,
    StockSeries,
    classify,
    is_stockout,
    max_weekly_rise,
    parse_signals,
    tight_run,
    weekly_rise,
)

D = date(2026, 11, 23)


def series(*fen: int, start: date = D - timedelta(days=7)) -> dict[date, int]:
    return {start + timedelta(days=i): price for i, price in enumerate(fen)}


def test_rise_over_the_price_a_week_before() -> None:
    assert weekly_rise(series(1000, 1000, 1000, 1000, 1000, 1000, 1000, 1200), D) == 0.2


def test_rise_over_the_lowest_price_of_the_week() -> None:
    # 10 -> 8 -> 10 is a 25% rise within the week although the price is back where it was
    assert weekly_rise(series(1000, 900, 800, 850, 900, 950, 1000, 1000), D) == 0.25


def test_prices_older_than_a_week_do_not_count() -> None:
    prices = series(500, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000,
                    start=D - timedelta(days=8))
    assert weekly_rise(prices, D) == 0.0


def test_falling_prices_are_no_rise_and_a_missing_day_is_unknown() -> None:
    assert weekly_rise(series(1200, 1100, 1000), D - timedelta(days=5)) == 0.0
    assert weekly_rise(series(1000, 1100), D) is None


def test_exactly_twenty_percent_from_fen_reaches_level_iv() -> None:
    rise = weekly_rise(series(2950, 3000, 3100, 3300, 3450, 3540, 3540, 3540), D)
    assert rise == 0.2
    assert classify_rise(rise) is Level.IV
    just_below = weekly_rise(series(2950, 3000, 3100, 3300, 3450, 3540, 3540, 3539), D)
    assert just_below is not None and classify_rise(just_below) is Level.NONE


def classify_rise(rise: float | None) -> Level:
    from core.levels import Signals

    assert rise is not None
    return classify(Signals(grain_oil_weekly_rise=rise)).level


def test_the_largest_rise_of_a_group_counts() -> None:
    start = D - timedelta(days=7)
    data = [
        PriceSeries(PriceGroup.GRAIN_OIL, "rice", start, (1000,) * 7 + (1100,)),
        PriceSeries(PriceGroup.GRAIN_OIL, "oil", start, (1000,) * 7 + (1300,)),
        PriceSeries(PriceGroup.LEAN_PORK, "pork", start, (1000,) * 7 + (1900,)),
    ]
    assert max_weekly_rise(data, PriceGroup.GRAIN_OIL, D) == pytest.approx(0.3)
    assert max_weekly_rise(data, PriceGroup.LEAN_PORK, D) == pytest.approx(0.9)
    assert max_weekly_rise(data, PriceGroup.GRAIN_OIL, D + timedelta(days=1)) is None


def test_tight_run_and_stockout() -> None:
    stock = StockSeries("rice", D - timedelta(days=5), (5000, 3000, 2000, 4000, 2500, 0), 1000)
    assert tight_run(stock, D, 3.0) == 2  # 2500 kg is 2.5 days, then 0
    assert tight_run(stock, D - timedelta(days=1), 3.0) == 1
    assert tight_run(stock, D - timedelta(days=3), 3.0) == 1  # 3000 kg is 3 days: not tight
    assert tight_run(stock, D + timedelta(days=1), 3.0) == 0
    assert is_stockout(stock, D) and not is_stockout(stock, D - timedelta(days=1))


def test_signals_file_derives_what_it_does_not_say() -> None:
    text = b"""
date = 2026-11-23
[signals]
grain_oil_weekly_rise = 0.0
panic_buying = "wide"
tight_days = 12
persistently_tight = false

[[price]]
group = "lean_pork"
item = "pork"
start = 2026-11-16
fen = [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1200]

[[stock]]
item = "rice"
start = 2026-11-21
kg = [900, 500, 0]
daily_kg = 1000
"""
    reading, problems = parse_signals(Path("s.toml"), text)
    assert problems == [] and reading is not None
    assert reading.derived == ("lean_pork_weekly_rise", "stockout")
    assert reading.signals.tight_days == 12  # given, not derived (the data says 3)
    assert reading.signals.stockout
    assert classify(reading.signals).level is Level.III


def test_signals_file_problems_name_the_line() -> None:
    text = b'[signals]\ntight_days = 3\n\n[[price]]\ngroup = "grain"\nitem = "x"\n' \
           b'start = 2026-11-16\nfen = [1, 0]\n'
    reading, problems = parse_signals(Path("s.toml"), text)
    assert reading is None
    rendered = [p.render() for p in problems]
    assert any(r.startswith("s.toml:5: price[0].group: 'grain' is not one of") for r in rendered)
