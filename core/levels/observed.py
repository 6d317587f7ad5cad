"""Market signals observed by the desk itself (监测推算信号): from the daily price monitoring
(``prices/``, :mod:`core.levels.prices`) and the reserve stores of the stock ledger.

For an area (a district, or ``""`` for the whole desk) and a day, from the supermarkets that serve
the area's communities (their ``zone`` in ``supermarkets.toml``):

- **weekly rises** (粮油、精瘦猪肉周涨幅): for each supermarket and necessity, the price of the day
  against the prices of the week before (:func:`core.levels.derive.weekly_rise`: over the lowest
  price of days ``d - 7`` to ``d``, so a price that rose 20% since seven days ago is a rise of
  0.2); grain and oil together, pork apart; the largest rise of the group counts. A price with
  no earlier price in the week gives no rise;
- **tight days** (连续偏紧天数): a necessity is tight on a day when a supermarket reported it
  low or out, or a reserve store of its kind covered fewer than ``[stock] tight_cover_days`` of
  demand at the day's end; the run of consecutive tight days up to the day, the longest among
  the necessities (a day without a prices file ends the run);
- **stock-out** (断档脱销): a necessity out at every supermarket of the area that reported it.

Panic buying is not something prices or stock show: observed signals say ``none`` and name it
among the signals they do not observe, so the board can say so; a supervisor who sees panic
buying writes a signals file (``signals/<date>.toml``), which overrides the observed signals
for its day. Without a prices file for the day there are no observed signals: nothing is
estimated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import attrs

from core.levels.derive import PriceGroup, weekly_rise
from core.levels.prices import Necessity, PriceDay, StockState
from core.levels.signals import Signals
from core.reference import Community, Supermarket

#: the signals that prices and stock cannot show, taken as calm in observed signals
NOT_OBSERVED: tuple[str, ...] = ("panic_buying", "persistently_tight")


@attrs.frozen
class ObservedSignals:
    """An area's signals on a day as the desk observed them, and from what."""

    district: str
    day: date
    signals: Signals
    #: the prices files the signals rest on, oldest first
    files: tuple[str, ...]
    #: the necessities tight today, and those out everywhere
    tight: tuple[Necessity, ...] = ()
    out: tuple[Necessity, ...] = ()
    not_observed: tuple[str, ...] = NOT_OBSERVED


def area_supermarkets(supermarkets: Mapping[str, Supermarket],
                      communities: Mapping[str, Community], district: str) -> set[str]:
    """The supermarkets serving a community of ``district`` (every one for ``""``)."""
    if not district:
        return set(supermarkets)
    return {code for code, market in supermarkets.items()
            if any(c in communities and communities[c].district == district
                   for c in market.zone)}


def tight_necessities(day: PriceDay, markets: set[str]) -> set[Necessity]:
    return {row.necessity for row in day.price
            if row.supermarket in markets and row.stock.tight}


def out_everywhere(day: PriceDay, markets: set[str]) -> set[Necessity]:
    """Necessities out at every supermarket of ``markets`` that reported them."""
    states: dict[Necessity, list[StockState]] = {}
    for row in day.price:
        if row.supermarket in markets:
            states.setdefault(row.necessity, []).append(row.stock)
    return {n for n, seen in states.items() if all(s is StockState.OUT for s in seen)}


def group_rise(days: Mapping[date, PriceDay], markets: set[str], group: PriceGroup, day: date,
               window_days: int = 7) -> float | None:
    """The largest weekly rise of ``group`` among ``markets`` on ``day``; ``None`` without a
    price on the day that has an earlier one in the week."""
    series: dict[tuple[str, Necessity], dict[date, int]] = {}
    for offset in range(window_days + 1):
        seen = days.get(day - timedelta(days=offset))
        if seen is None:
            continue
        for row in seen.price:
            if row.supermarket in markets and row.necessity.group is group and row.fen:
                series.setdefault(row.key, {})[seen.date] = row.fen
    rises = [rise for prices in series.values() if len(prices) > 1
             if (rise := weekly_rise(prices, day, window_days)) is not None]
    return max(rises) if rises else None


def observed_signals(
    days: Mapping[date, PriceDay],
    supermarkets: Mapping[str, Supermarket],
    communities: Mapping[str, Community],
    district: str,
    day: date,
    *,
    window_days: int = 7,
    reserve_tight: Mapping[date, Sequence[Necessity]] | None = None,
) -> ObservedSignals | None:
    """The area's observed signals on ``day`` (see the module); ``None`` without prices that day.

    ``reserve_tight`` maps days to the necessities whose reserve stores were tight at the day's
    end (from the stock ledger).
    """
    today = days.get(day)
    if today is None:
        return None
    markets = area_supermarkets(supermarkets, communities, district)
    reserve_tight = reserve_tight or {}

    def tight_on(current: date) -> set[Necessity]:
        return tight_necessities(days[current], markets) | set(reserve_tight.get(current, ()))

    runs: list[int] = []
    for necessity in tight_on(day):
        current, run = day, 0
        while current in days and necessity in tight_on(current):
            run, current = run + 1, current - timedelta(days=1)
        runs.append(run)
    rises = {group: group_rise(days, markets, group, day, window_days) for group in PriceGroup}
    out = out_everywhere(today, markets)
    files = [f"{(day - timedelta(days=n)).isoformat()}.toml" for n in range(window_days, -1, -1)
             if day - timedelta(days=n) in days]
    signals = Signals(
        grain_oil_weekly_rise=rises[PriceGroup.GRAIN_OIL] or 0.0,
        lean_pork_weekly_rise=rises[PriceGroup.LEAN_PORK] or 0.0,
        tight_days=max(runs, default=0),
        stockout=bool(out),
    )
    order = list(Necessity)
    return ObservedSignals(
        district=district, day=day, signals=signals, files=tuple(files),
        tight=tuple(sorted(tight_on(day), key=order.index)),
        out=tuple(sorted(out, key=order.index)),
    )


__all__ = ["NOT_OBSERVED", "ObservedSignals", "area_supermarkets", "group_rise",
           "observed_signals"]
