"""Reserve cover (储备) and medical supply tiers (防疫物资分级): norms and targets from
``reserves.toml``, stock from the stock ledger (:mod:`core.ledger.stock`).

Reserve norms (the seeds: 城区成品粮油储备要达到15天以上(含15天)市场供应量; 猪肉储备不低于城区
常住人口3天消费量; 冬春季节耐储藏蔬菜库存满足7天消费量)::

    days of cover = stock (kg) / (population x per-capita daily consumption (kg))

A norm is met at exactly its number of days (含15天). The vegetable norm applies in winter and
spring only (``vegetable_months``, default November to May: the northern
heating season and spring, the safe side of 冬春季节); population is the sum of the desk's
communities (``communities.toml``), per district when a reserve store names one.

The stock is what the keepers recorded: each ``[[store]]`` of ``reserves.toml`` is a store of the
stock ledger holding one reserve kind; its kilograms are the closing balance of every item in it
at the end of the day times the item's weight (``kg`` in ``catalogue.toml``). Medical supplies
on hand are the closing balances of every other store of the ledger.

Medical supply tiers (the seeds' 一级/二级/三级保供物资):

- tier 1 (masks, protective suits, goggles, gloves, hand sanitiser, IR thermometers) is always
  stocked to its target;
- tier 2 (isolation gowns, caps, shoe covers, face shields, chlorine tablets) must be stocked when
  isolation sites open or mass testing starts (启用隔离点或开展大规模核酸检测), and at a
  public-health response of level III or above;
- at a public-health response of level III or above (三级及以上: response 1, 2 or 3) the tier 1 and
  tier 2 targets rise to ``raised_target`` where one is given (加大储备量);
- tier 3 (medical alcohol, test reagents, imaging equipment, negative-pressure ambulances, mask
  machinery, melt-blown fabric, drugs) is not stockpiled: it is bought when key units ask, with
  the control leading group's approval (报经区防控领导小组同意后进行采购).

::

    # reserves.toml
    vegetable_months = [11, 12, 1, 2, 3, 4, 5]    # optional

    [norms]                  # optional, days of cover
    grain_oil = 15
    pork = 3
    vegetables = 7

    [consumption]            # kg per person per day
    grain_oil = 0.45
    pork = 0.08
    vegetables = 0.6

    [[store]]
    store = "hexi-grain"     # a store of the stock ledger
    kind = "grain_oil"       # grain_oil | pork | vegetables
    holder = "区粮储中心"
    district = "hx"          # optional: "" or absent means the whole desk

    [medical]
    response_level = 3       # public-health response 1 (most severe) to 4; 0 none
    isolation_or_mass_testing = false

    [[medical.item]]
    item = "mask-n95"        # a catalogue code; tier from the catalogue unless given here
    target = 20000
    raised_target = 40000    # optional: the target at response level III or above

Before stock came from the ledger the file held ``[[stock]]`` rows with kilograms and a ``stock``
per medical item; such a file is reported with what to do instead (record the stock as ledger
receipts), never read as if the figures still held.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from core.levels.classifier import TOLERANCE
from core.problems import InvalidField, Problem
from core.reference import CatalogueItem, check_non_negative, check_not_blank, check_tier
from core.storage.convert import converter
from core.storage.tomlio import line_of, locate_lines, read_toml, structure

if TYPE_CHECKING:
    from core.desk import Desk
    from core.ledger.stock import StockLine as LedgerStockLine

RESERVES_FILE = "reserves.toml"


class ReserveKind(enum.StrEnum):
    GRAIN_OIL = "grain_oil"  # 成品粮油
    PORK = "pork"  # 猪肉
    VEGETABLES = "vegetables"  # 耐储藏蔬菜


KIND_NAMES = {
    ReserveKind.GRAIN_OIL: ("成品粮油", "grain and oil"),
    ReserveKind.PORK: ("猪肉", "pork"),
    ReserveKind.VEGETABLES: ("耐储藏蔬菜", "storage-tolerant vegetables"),
}


def _check_months(_instance: object, attribute: attrs.Attribute[tuple[int, ...]],
                  value: tuple[int, ...]) -> None:
    for month in value:
        if not 1 <= month <= 12:
            raise InvalidField(attribute.name, f"months are 1 to 12, got {month}")


def _check_response(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not 0 <= value <= 4:
        raise InvalidField(
            attribute.name, f"public-health response level is 1 to 4, or 0 for none; got {value}"
        )


@attrs.frozen
class Norms:
    grain_oil: float = attrs.field(default=15, validator=check_non_negative)
    pork: float = attrs.field(default=3, validator=check_non_negative)
    vegetables: float = attrs.field(default=7, validator=check_non_negative)


@attrs.frozen
class Consumption:
    """Per-capita daily consumption in kg (人均日消费量); 0 means unknown."""

    grain_oil: float = attrs.field(default=0.0, validator=check_non_negative)
    pork: float = attrs.field(default=0.0, validator=check_non_negative)
    vegetables: float = attrs.field(default=0.0, validator=check_non_negative)


@attrs.frozen
class ReserveStore:
    """A store of the stock ledger that holds one reserve kind (储备库)."""

    store: str = attrs.field(validator=check_not_blank)
    kind: ReserveKind
    holder: str = ""
    district: str = ""


@attrs.frozen
class StockLine:
    """The kilograms of one reserve kind a holder has at the end of a day."""

    kind: ReserveKind
    kg: float = attrs.field(validator=check_non_negative)
    holder: str = ""
    district: str = ""


@attrs.frozen
class MedicalItem:
    item: str
    target: int = attrs.field(validator=check_non_negative)
    raised_target: int | None = None
    tier: int | None = attrs.field(default=None, validator=check_tier)
    name: str = ""


@attrs.frozen
class Medical:
    response_level: int = attrs.field(default=0, validator=_check_response)
    isolation_or_mass_testing: bool = False
    item: tuple[MedicalItem, ...] = ()


@attrs.frozen
class Reserves:
    """The contents of ``reserves.toml``."""

    vegetable_months: tuple[int, ...] = attrs.field(
        default=(11, 12, 1, 2, 3, 4, 5), validator=_check_months)
    norms: Norms = Norms()
    consumption: Consumption = Consumption()
    store: tuple[ReserveStore, ...] = ()
    medical: Medical = Medical()

    @property
    def reserve_stores(self) -> frozenset[str]:
        return frozenset(s.store for s in self.store)


@attrs.frozen
class Cover:
    """Days of cover of one reserve kind for one district ("" for the whole desk)."""

    kind: ReserveKind
    district: str
    population: int
    stock_kg: float
    daily_kg: float
    days: float | None  # None when population or consumption is unknown
    norm_days: float
    applies: bool  # False for vegetables outside winter and spring

    @property
    def broken(self) -> bool:
        """The norm applies and the cover is below it (exactly the norm meets it)."""
        return self.applies and self.days is not None and self.days < self.norm_days - TOLERANCE


def reserve_cover(
    reserves: Reserves, stock_lines: Sequence[StockLine], population: Mapping[str, int],
    day: date
) -> list[Cover]:
    """Days of cover of every reserve kind, desk-wide ("") and per district that holds stock.

    ``stock_lines`` are the holders' kilograms (:func:`reserve_stock`); ``population`` maps
    district codes to residents; the desk-wide population is their sum. Desk-wide stock counts
    every line; a district's counts its own lines only.
    """
    total_population = sum(population.values())
    scopes = ["", *sorted({line.district for line in stock_lines if line.district})]
    covers: list[Cover] = []
    for scope in scopes:
        people = total_population if not scope else population.get(scope, 0)
        for kind in ReserveKind:
            stock = sum(line.kg for line in stock_lines
                        if line.kind is kind and (not scope or line.district == scope))
            if scope and not any(line.kind is kind and line.district == scope
                                 for line in stock_lines):
                continue
            per_capita: float = getattr(reserves.consumption, kind.value)
            daily = people * per_capita
            covers.append(Cover(
                kind=kind,
                district=scope,
                population=people,
                stock_kg=stock,
                daily_kg=daily,
                days=stock / daily if daily > 0 else None,
                norm_days=getattr(reserves.norms, kind.value),
                applies=(kind is not ReserveKind.VEGETABLES
                         or day.month in reserves.vegetable_months),
            ))
    return covers


@attrs.frozen
class MedicalLine:
    """One medical supply against its reserve target at the current response."""

    item: str
    name: str
    tier: int
    required: bool  # must be stocked now
    target: int  # the target in force (raised at response III or above)
    stock: int
    name_en: str = ""

    @property
    def shortfall(self) -> int:
        return max(0, self.target - self.stock) if self.required else 0


def required_tiers(response_level: int, isolation_or_mass_testing: bool) -> frozenset[int]:
    """The tiers that must be stocked now (see the module's documentation); never tier 3."""
    tiers = {1}
    if isolation_or_mass_testing or 1 <= response_level <= 3:
        tiers.add(2)
    return frozenset(tiers)


def raised(response_level: int) -> bool:
    """Targets rise at a public-health response of level III or above (三级及以上)."""
    return 1 <= response_level <= 3


def medical_lines(medical: Medical, catalogue: Mapping[str, CatalogueItem],
                  on_hand: Mapping[str, int]) -> list[MedicalLine]:
    """Each medical item of ``medical`` against its target, with ``on_hand`` (item -> units,
    :func:`medical_on_hand`) as its stock."""
    tiers = required_tiers(medical.response_level, medical.isolation_or_mass_testing)
    lines: list[MedicalLine] = []
    for entry in medical.item:
        known = catalogue.get(entry.item)
        tier = entry.tier or (known.tier if known else None) or 1
        target = entry.target
        if raised(medical.response_level) and tier in (1, 2) and entry.raised_target is not None:
            target = entry.raised_target
        lines.append(MedicalLine(
            item=entry.item,
            name=entry.name or (known.name if known else entry.item),
            tier=tier,
            required=tier in tiers,
            target=target if tier != 3 else 0,
            stock=on_hand.get(entry.item, 0),
            name_en=known.name_en if known else (entry.name or entry.item),
        ))
    lines.sort(key=lambda line: (line.tier, line.item))
    return lines


def load_reserves(path: Path) -> tuple[Reserves | None, list[Problem]]:
    """``reserves.toml`` at ``path``; ``None`` (no problem) if there is no such file."""
    if not os.path.lexists(path):
        return None, []
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    old = _old_format(data, path, text)
    if old:
        return None, old
    return structure(converter, data, Reserves, path, text)


def _old_format(data: dict[str, Any], path: Path, text: str) -> list[Problem]:
    """Stock figures written into the file (its format before stock came from the ledger)."""
    lines = locate_lines(text)
    problems: list[Problem] = []
    if "stock" in data:
        problems.append(Problem(
            path, line_of(lines, ("stock",)), "reserve stock is no longer written here: record "
            "it as stock receipts in the ledger and name each reserve store in a [[store]] "
            "table (store, kind, holder, district), then remove [[stock]]", "stock"))
    medical = data.get("medical")
    items = medical.get("item", []) if isinstance(medical, dict) else []
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and "stock" in item:
            problems.append(Problem(
                path, line_of(lines, ("medical", "item", index, "stock")),
                "medical stock is no longer written here: it is the stock ledger's balance; "
                "record receipts in the ledger and remove this key",
                f"medical.item[{index}].stock"))
    return problems


def ledger_stock(desk: Desk, day: date) -> list[LedgerStockLine]:
    """The stock ledger's day lines (per store, item and day with a movement) up to ``day``:
    those of ``reconcile(end=day)``, read by the stock pass (:mod:`core.ledger.stockpass`),
    which skips money batches and reads nothing again while the ledger is unchanged."""
    from core.ledger.stockpass import stock_lines

    return list(stock_lines(desk.root, desk.settings.zone, day))


def balances_at(lines: Iterable[LedgerStockLine], day: date) -> dict[tuple[str, str], int]:
    """(store, item) -> units on hand at the end of ``day``: each one's last line up to it."""
    latest: dict[tuple[str, str], LedgerStockLine] = {}
    for line in lines:
        key = (line.store, line.item)
        if line.day <= day and (key not in latest or latest[key].day < line.day):
            latest[key] = line
    return {key: line.closing for key, line in latest.items()}


def balances_on(lines: Iterable[LedgerStockLine], days: Iterable[date]
                ) -> dict[date, dict[tuple[str, str], int]]:
    """:func:`balances_at` for each of ``days``, in one pass over ``lines``."""
    wanted = sorted(set(days))
    by_key: dict[tuple[str, str], list[LedgerStockLine]] = {}
    for line in lines:
        by_key.setdefault((line.store, line.item), []).append(line)
    found: dict[date, dict[tuple[str, str], int]] = {day: {} for day in wanted}
    for key, key_lines in by_key.items():
        key_lines.sort(key=lambda line: line.day)
        index, closing = 0, None
        for day in wanted:
            while index < len(key_lines) and key_lines[index].day <= day:
                closing = key_lines[index].closing
                index += 1
            if closing is not None:
                found[day][key] = closing
    return found


def stock_balances(desk: Desk, day: date) -> dict[tuple[str, str], int]:
    """(store, item) -> units on hand at the end of ``day``, from the stock ledger's fold."""
    return balances_at(ledger_stock(desk, day), day)


def reserve_stock(reserves: Reserves, balances: Mapping[tuple[str, str], int],
                  catalogue: Mapping[str, CatalogueItem]) -> list[StockLine]:
    """The kilograms each reserve store holds: its items' balances times their weight."""
    lines: list[StockLine] = []
    for store in reserves.store:
        kg = sum(quantity * catalogue[item].kg for (code, item), quantity in balances.items()
                 if code == store.store and item in catalogue and quantity > 0)
        lines.append(StockLine(store.kind, round(kg, 3), store.holder, store.district))
    return lines


def medical_on_hand(reserves: Reserves, balances: Mapping[tuple[str, str], int]
                    ) -> dict[str, int]:
    """Item -> units on hand in every store that is not a reserve store."""
    stores = reserves.reserve_stores
    on_hand: dict[str, int] = {}
    for (store, item), quantity in balances.items():
        if store not in stores:
            on_hand[item] = on_hand.get(item, 0) + quantity
    return on_hand


@attrs.frozen
class ReserveFigures:
    """A day's reserve cover and medical lines, the stock from the ledger."""

    covers: tuple[Cover, ...]
    medical: tuple[MedicalLine, ...]


def reserve_figures(desk: Desk, reserves: Reserves, day: date,
                    balances: Mapping[tuple[str, str], int] | None = None) -> ReserveFigures:
    """Reserve cover and medical lines of the desk at the end of ``day`` (see the module);
    ``balances`` (:func:`stock_balances`) when the caller has read the ledger already."""
    if balances is None:
        balances = stock_balances(desk, day)
    stock = reserve_stock(reserves, balances, desk.catalogue)
    return ReserveFigures(
        tuple(reserve_cover(reserves, stock, desk_population(desk), day)),
        tuple(medical_lines(reserves.medical, desk.catalogue,
                            medical_on_hand(reserves, balances))))


def desk_population(desk: Desk) -> dict[str, int]:
    population: dict[str, int] = {}
    for community in desk.communities.values():
        population[community.district] = population.get(community.district, 0) + (
            community.population)
    return population


def check_reserves(desk: Desk) -> list[Problem]:
    """Problems of the desk's ``reserves.toml``: validity, then districts and items it names."""
    path = desk.root / RESERVES_FILE
    reserves, problems = load_reserves(path)
    if reserves is None:
        return problems
    _data, text, _found = read_toml(path)
    lines = locate_lines(text)
    seen: set[str] = set()
    for index, line in enumerate(reserves.store):
        if line.district and desk.districts and line.district not in desk.districts:
            problems.append(Problem(path, line_of(lines, ("store", index, "district")),
                                    f"unknown district {line.district!r}",
                                    f"store[{index}].district"))
        if line.store in seen:
            problems.append(Problem(path, line_of(lines, ("store", index, "store")),
                                    f"store {line.store!r} is listed twice",
                                    f"store[{index}].store"))
        seen.add(line.store)
    for index, item in enumerate(reserves.medical.item):
        where = ("medical", "item", index)
        if desk.catalogue and item.item not in desk.catalogue and item.tier is None:
            problems.append(Problem(path, line_of(lines, (*where, "item")),
                                    f"unknown catalogue item {item.item!r} (give its tier)",
                                    f"medical.item[{index}].item"))
    return problems
