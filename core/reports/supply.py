"""The daily report's figures from the day's operations: supply from the stock ledger, the
prices entered by the monitors, the round orders taken, and the market signals observed from
them (:mod:`core.levels.observed`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from core.levels.derive import weekly_rise
from core.levels.observed import ObservedSignals, observed_signals
from core.levels.plans import Text
from core.levels.prices import Necessity, PriceDay, StockState, load_price_days
from core.levels.reserves import (
    RESERVES_FILE,
    ReserveKind,
    Reserves,
    balances_at,
    balances_on,
    desk_population,
    ledger_stock,
    load_reserves,
    reserve_cover,
    reserve_stock,
)
from core.levels.thresholds import Thresholds
from core.problems import DeskError
from core.reference import CatalogueItem, GoodsCategory, Supermarket

if TYPE_CHECKING:
    from core.desk import Desk
    from core.ledger.stock import StockLine as LedgerStockLine
    from core.rounds import Round

#: goods categories that are daily necessities (生活必需品) in the seeds
NECESSITIES = (GoodsCategory.GRAIN_OIL, GoodsCategory.MEAT, GoodsCategory.EGGS,
               GoodsCategory.MILK, GoodsCategory.VEGETABLES, GoodsCategory.SALT)
#: how far back a run of tight days is followed: three times level II's 20 days
RUN_DAYS = 60
#: the necessities a reserve kind's stores keep supplied
RESERVE_NECESSITIES: dict[ReserveKind, tuple[Necessity, ...]] = {
    ReserveKind.GRAIN_OIL: (Necessity.GRAIN, Necessity.OIL),
    ReserveKind.PORK: (Necessity.PORK,),
    ReserveKind.VEGETABLES: (Necessity.VEGETABLES,),
}


@attrs.frozen
class SupplyLine:
    """One necessity's movements in the stock ledger on a day, in kg (供应、库存)."""

    goods: GoodsCategory
    received_kg: float
    issued_kg: float
    on_hand_kg: float


@attrs.frozen
class ObservedPrice:
    """One row of the day's price monitoring, with the weekly rise of its series."""

    necessity: Necessity
    supermarket: str
    fen: int | None
    stock: StockState
    weekly_rise: float | None
    entered_by: str
    #: the supermarket's name in both languages, when the desk knows it
    supermarket_name: Text | None = None


def supply_lines(lines: Iterable[LedgerStockLine], catalogue: Mapping[str, CatalogueItem],
                 day: date) -> tuple[SupplyLine, ...]:
    """Received, issued and on hand per necessity at every store, in kg, on ``day``."""
    lines = list(lines)
    received: dict[GoodsCategory, float] = dict.fromkeys(NECESSITIES, 0.0)
    issued = dict(received)
    on_hand = dict(received)
    for line in lines:
        item = catalogue.get(line.item)
        if item is not None and line.day == day and item.category in received:
            received[item.category] += line.received * item.kg
            issued[item.category] += (line.issued - line.returned) * item.kg
    for (_store, code), quantity in balances_at(lines, day).items():
        item = catalogue.get(code)
        if item is not None and item.category in on_hand:
            on_hand[item.category] += quantity * item.kg
    return tuple(SupplyLine(g, round(received[g], 1), round(issued[g], 1), round(on_hand[g], 1))
                 for g in NECESSITIES)


def observed_prices(days: Mapping[date, PriceDay], markets: set[str], day: date,
                    window_days: int = 7,
                    supermarkets: Mapping[str, Supermarket] | None = None,
                    ) -> tuple[ObservedPrice, ...]:
    """The day's entered prices of ``markets``, necessity by necessity, each with its
    supermarket's name from ``supermarkets``."""
    supermarkets = supermarkets or {}
    today = days.get(day)
    if today is None:
        return ()
    rows: list[ObservedPrice] = []
    order = list(Necessity)
    for row in sorted(today.price, key=lambda r: (order.index(r.necessity), r.supermarket)):
        if row.supermarket not in markets:
            continue
        series = {d: found.fen for offset in range(window_days + 1)
                  if (d := day - timedelta(days=offset)) in days
                  and (found := days[d].row(row.supermarket, row.necessity)) is not None
                  and found.fen is not None}
        rise = weekly_rise(series, day, window_days) if len(series) > 1 else None
        market = supermarkets.get(row.supermarket)
        rows.append(ObservedPrice(row.necessity, row.supermarket, row.fen, row.stock, rise,
                                  row.entered_by,
                                  Text(market.name, market.name_en) if market else None))
    return tuple(rows)


def round_orders(rounds: Sequence[Round], day: date, in_area: Callable[[str], bool],
                 catalogue: Mapping[str, CatalogueItem]
                 ) -> tuple[int, Counter[GoodsCategory | None]]:
    """The round orders taken on ``day`` in the area (a round takes its orders on its day one,
    by 11:00) and how many of them name goods of each category."""
    taken = 0
    by_goods: Counter[GoodsCategory | None] = Counter()
    for found in rounds:
        if found.day_one != day:
            continue
        for order in found.orders:
            if not in_area(order.community):
                continue
            taken += 1
            named: set[GoodsCategory | None] = {
                catalogue[line.code].category for line in order.lines if line.code in catalogue}
            for goods in named or {None}:
                by_goods[goods] += 1
    return taken, by_goods


def reserve_tight(desk: Desk, reserves: Reserves | None, lines: Sequence[LedgerStockLine],
                  days: Iterable[date], district: str, tight_cover_days: float
                  ) -> dict[date, tuple[Necessity, ...]]:
    """Day -> the necessities whose reserve cover in the area (its own stores, else the whole
    desk's) was below ``tight_cover_days`` at the day's end."""
    if reserves is None or not reserves.store:
        return {}
    population = desk_population(desk)
    found: dict[date, tuple[Necessity, ...]] = {}
    stores = reserves.reserve_stores
    closing = balances_on((line for line in lines if line.store in stores), days)
    for day, balances in closing.items():
        stock = reserve_stock(reserves, balances, desk.catalogue)
        covers = reserve_cover(reserves, stock, population, day)
        own = [c for c in covers if c.district == district]
        tight = [necessity for c in (own or [c for c in covers if not c.district])
                 if c.days is not None and c.days < tight_cover_days
                 for necessity in RESERVE_NECESSITIES[c.kind]]
        if tight:
            found[day] = tuple(tight)
    return found


def observed_by_area(
    desk: Desk, day: date, codes: Sequence[str], thresholds: Thresholds, *,
    reserves: Reserves | None = None, stock: Sequence[LedgerStockLine] | None = None,
    price_days: Mapping[date, PriceDay] | None = None,
) -> dict[str, ObservedSignals | None]:
    """The signals observed for each area ``codes`` on ``day`` (:mod:`core.levels.observed`),
    reading what the caller has not read already: the prices, ``reserves.toml`` and the stock
    ledger (the last two only when there are prices that day). Raises :class:`DeskError` when
    a prices file of the days read cannot be used."""
    if price_days is None:
        price_days, problems = load_price_days(desk.root, desk.supermarkets,
                                               first=day - timedelta(days=RUN_DAYS), last=day)
        if problems:
            raise DeskError(problems)
    if day not in price_days:
        return dict.fromkeys(codes)
    if reserves is None:
        reserves = load_reserves(desk.root / RESERVES_FILE)[0]
    if stock is None:
        stock = ledger_stock(desk, day) if reserves is not None and reserves.store else []
    recent = [d for d in price_days if timedelta(0) <= day - d <= timedelta(days=RUN_DAYS)]
    found: dict[str, ObservedSignals | None] = {}
    for code in codes:
        tight = reserve_tight(desk, reserves, stock, recent, code,
                              thresholds.stock.tight_cover_days)
        found[code] = observed_signals(price_days, desk.supermarkets, desk.communities, code,
                                       day, window_days=thresholds.prices.window_days,
                                       reserve_tight=tight)
    return found


__all__ = ["NECESSITIES", "ObservedPrice", "SupplyLine", "observed_by_area", "observed_prices",
           "reserve_tight", "round_orders", "supply_lines"]
