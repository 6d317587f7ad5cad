"""Signals files (信号文件): what ``baogong classify SIGNALS.toml`` reads.

::

    district = "hx"            # optional: the district observed
    date = 2026-11-23          # optional: the day observed (default: the last day of the data)

    [signals]                  # all six keys, each given here or derived from the data below
    grain_oil_weekly_rise = 0.22   # fraction: 0.22 is +22%
    lean_pork_weekly_rise = 0.05
    panic_buying = "wide"          # none | wide | large | concentrated
    tight_days = 3                 # consecutive days a necessity has been tight
    persistently_tight = false
    stockout = false               # 断档脱销

    [[price]]                  # optional daily prices, one a day from start, in fen
    group = "grain_oil"        # grain_oil | lean_pork
    item = "rice-5kg"
    start = 2026-11-16
    fen = [2990, 2990, 3050, 3300, 3590, 3590, 3650, 3650]

    [[stock]]                  # optional daily closing stock in kg and the daily demand
    item = "rice"
    start = 2026-11-16
    kg = [9000, 7000, 5000, 3000, 2000, 1500, 1000, 0]
    daily_kg = 1200

A signal given in ``[signals]`` is used as given; a missing one is derived from ``[[price]]`` and
``[[stock]]`` when they hold data for the day (see :mod:`core.levels.derive`). A signal neither
given nor derived is a problem: a file that forgot ``tight_days`` must not read as calm.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import attrs

from core.levels._validate import structure_located
from core.levels.derive import (
    PriceGroup,
    PriceSeries,
    StockSeries,
    is_stockout,
    max_weekly_rise,
    tight_run,
)
from core.levels.signals import SIGNAL_KEYS, Signals
from core.levels.thresholds import DEFAULT_THRESHOLDS, Thresholds
from core.problems import Problem
from core.storage.convert import converter
from core.storage.tomlio import line_of, locate_lines, parse_toml, read_toml, structure


@attrs.frozen
class _SignalsFile:
    signals: dict[str, Any] | None = None
    district: str = ""
    date: date | None = None
    price: tuple[PriceSeries, ...] = ()
    stock: tuple[StockSeries, ...] = ()


@attrs.frozen
class SignalsReading:
    """A signals file read: the signals, where they hold, and which were derived from data."""

    signals: Signals
    district: str = ""
    day: date | None = None
    derived: tuple[str, ...] = ()


def signals_from_data(
    data: dict[str, Any], path: Path, text: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[SignalsReading | None, list[Problem]]:
    if "signals" in data and not isinstance(data["signals"], dict):
        return None, [Problem(path, line_of(locate_lines(text), ("signals",)),
                              "expected a table [signals]", "signals")]
    raw, problems = structure(converter, data, _SignalsFile, path, text)
    if raw is None:
        return None, problems
    if raw.signals is None and not raw.price and not raw.stock:
        return None, [Problem(path, 1, "no [signals] table (nor [[price]] or [[stock]] data)")]
    given = dict(raw.signals or {})
    day = raw.date
    if day is None:
        ends = [s.end for s in raw.price] + [s.end for s in raw.stock]
        day = max(ends) if ends else None
    derived: list[str] = []
    if day is not None:
        window = thresholds.prices.window_days
        for key, group in (("grain_oil_weekly_rise", PriceGroup.GRAIN_OIL),
                           ("lean_pork_weekly_rise", PriceGroup.LEAN_PORK)):
            if key not in given:
                rise = max_weekly_rise(raw.price, group, day, window)
                if rise is not None:
                    given[key] = rise
                    derived.append(key)
        if raw.stock:
            cover = thresholds.stock.tight_cover_days
            if "tight_days" not in given:
                given["tight_days"] = max(tight_run(s, day, cover) for s in raw.stock)
                derived.append("tight_days")
            if "stockout" not in given:
                given["stockout"] = any(is_stockout(s, day) for s in raw.stock)
                derived.append("stockout")
    signals, problems = structure_located(given, Signals, path, text, ("signals",))
    missing = [key for key in SIGNAL_KEYS if key not in given]
    if missing:
        lines = locate_lines(text)
        at = line_of(lines, ("signals",)) if raw.signals is not None else 1
        derivable = {"grain_oil_weekly_rise": "[[price]] data", "lean_pork_weekly_rise":
                     "[[price]] data", "tight_days": "[[stock]] data", "stockout": "[[stock]] data"}
        problems = [*problems, *(Problem(path, at, "missing signal: give it in [signals]" + (
            f" or {derivable[key]} for the day" if key in derivable else ""), f"signals.{key}")
            for key in missing)]
    if signals is None or problems:
        return None, problems
    derived.sort(key=SIGNAL_KEYS.index)
    return SignalsReading(signals, raw.district, day, tuple(derived)), []


def parse_signals(
    path: Path, raw: bytes, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[SignalsReading | None, list[Problem]]:
    data, text, problems = parse_toml(path, raw)
    if data is None:
        return None, problems
    return signals_from_data(data, path, text, thresholds)


def read_signals(
    path: Path, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[SignalsReading | None, list[Problem]]:
    """Read a signals file; ``None`` and every problem (``path:line``) if it is unusable."""
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    return signals_from_data(data, path, text, thresholds)
