"""Signals computed from data: daily price series and stock levels.

**Weekly rise** (一周内上涨). The seeds ask whether a price "rose 20% within a week". On day ``d``
the rise is the price on ``d`` over the *lowest* price in the week before it (days ``d - 7`` to
``d``, both included), minus one::

    rise(d) = price(d) / min(price(d - 7), ..., price(d)) - 1

The lowest price, not just the price seven days earlier, because a rise "within a week" may start
on any day of that week: 10 → 8 → 10 is a 25% rise within the week even though the price is back
where it was seven days ago. Since the window includes day ``d`` the rise is never negative.
Missing days are skipped; a series with no price on ``d`` itself gives no rise for ``d``.

**Tight supply from stock** (供应偏紧). A necessity is tight on a day when its stock covers fewer
than ``tight_cover_days`` days of demand (default 3, ``[stock]`` in ``levels.toml``);
``tight_days`` is how many consecutive days up to and including ``d`` it has been tight (the
longest run among the items), and a stock of zero on ``d`` is a stock-out (断档脱销).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import attrs


class PriceGroup(enum.StrEnum):
    GRAIN_OIL = "grain_oil"  # 粮油
    LEAN_PORK = "lean_pork"  # 精瘦猪肉


def _check_prices(_instance: object, attribute: attrs.Attribute[tuple[int, ...]],
                  value: tuple[int, ...]) -> None:
    for position, fen in enumerate(value):
        if fen <= 0:
            raise ValueError(f"price #{position + 1} must be above 0 fen, got {fen}")


def _check_stock(_instance: object, attribute: attrs.Attribute[tuple[float, ...]],
                 value: tuple[float, ...]) -> None:
    for position, kg in enumerate(value):
        if kg < 0:
            raise ValueError(f"stock #{position + 1} must not be negative, got {kg}")


def _check_positive(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not value > 0:
        raise ValueError(f"must be above 0, got {value}")


@attrs.frozen
class PriceSeries:
    """Daily prices of one item in fen, from ``start``, one a day (日价格序列)."""

    group: PriceGroup
    item: str
    start: date
    fen: tuple[int, ...] = attrs.field(validator=_check_prices)

    def by_day(self) -> dict[date, int]:
        return {self.start + timedelta(days=i): fen for i, fen in enumerate(self.fen)}

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.fen) - 1)


@attrs.frozen
class StockSeries:
    """Daily closing stock of one necessity in kg and its daily demand (库存)."""

    item: str
    start: date
    kg: tuple[float, ...] = attrs.field(validator=_check_stock)
    daily_kg: float = attrs.field(validator=_check_positive)

    @property
    def end(self) -> date:
        return self.start + timedelta(days=len(self.kg) - 1)


def weekly_rise(prices: Mapping[date, int], day: date, window_days: int = 7) -> float | None:
    """The rise of the price on ``day`` over the lowest price of the week up to it (see above)."""
    today = prices.get(day)
    if today is None:
        return None
    lowest = min(
        (fen for d, fen in prices.items() if day - timedelta(days=window_days) <= d <= day),
    )
    # rounded to 9 decimals so that 3540 / 2950 - 1 reads 0.2, not 0.19999999999999996
    return round(today / lowest - 1, 9)


def max_weekly_rise(
    series: Iterable[PriceSeries], group: PriceGroup, day: date, window_days: int = 7
) -> float | None:
    """The largest weekly rise among the items of ``group``; ``None`` without data for ``day``."""
    rises = [
        rise for s in series if s.group is group
        if (rise := weekly_rise(s.by_day(), day, window_days)) is not None
    ]
    return max(rises) if rises else None


def tight_run(stock: StockSeries, day: date, tight_cover_days: float = 3.0) -> int:
    """Consecutive days up to ``day`` on which ``stock`` covered fewer than the tight cover."""
    offset = (day - stock.start).days
    if not 0 <= offset < len(stock.kg):
        return 0
    run = 0
    for kg in reversed(stock.kg[: offset + 1]):
        if kg / stock.daily_kg < tight_cover_days:
            run += 1
        else:
            break
    return run


def is_stockout(stock: StockSeries, day: date) -> bool:
    offset = (day - stock.start).days
    return 0 <= offset < len(stock.kg) and stock.kg[offset] == 0
