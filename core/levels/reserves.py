"""Reserve cover (储备) and medical supply tiers (防疫物资分级), from ``reserves.toml``.

Reserve norms (the seeds: 城区成品粮油储备要达到15天以上(含15天)市场供应量; 猪肉储备不低于城区
常住人口3天消费量; 冬春季节耐储藏蔬菜库存满足7天消费量)::

    days of cover = stock (kg) / (population x per-capita daily consumption (kg))

A norm is met at exactly its number of days (含15天). The vegetable norm applies in winter and
spring only (``vegetable_months``, default November to May: the northern
heating season and spring, the safe side of 冬春季节); population is the sum of the desk's
communities (``communities.toml``), per district when a stock row names one.

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

    [[stock]]
    kind = "grain_oil"       # grain_oil | pork | vegetables
    kg = 1800000
    holder = "区粮储中心"
    district = "hx"          # optional: "" or absent means the whole desk

    [medical]
    response_level = 3       # public-health response 1 (most severe) to 4; 0 none
    isolation_or_mass_testing = false

    [[medical.item]]
    item = "mask-n95"        # a catalogue code; tier from the catalogue unless given here
    target = 20000
    raised_target = 40000    # optional: the target at response level III or above
    stock = 18000
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.levels.classifier import TOLERANCE
from core.problems import InvalidField, Problem
from core.reference import CatalogueItem, check_non_negative, check_tier
from core.storage.convert import converter
from core.storage.tomlio import line_of, locate_lines, read_toml, structure

if TYPE_CHECKING:
    from core.desk import Desk

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
class StockLine:
    kind: ReserveKind
    kg: float = attrs.field(validator=check_non_negative)
    holder: str = ""
    district: str = ""


@attrs.frozen
class MedicalItem:
    item: str
    target: int = attrs.field(validator=check_non_negative)
    stock: int = attrs.field(default=0, validator=check_non_negative)
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
    stock: tuple[StockLine, ...] = ()
    medical: Medical = Medical()


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
    reserves: Reserves, population: Mapping[str, int], day: date
) -> list[Cover]:
    """Days of cover of every reserve kind, desk-wide ("") and per district that holds stock.

    ``population`` maps district codes to residents; the desk-wide population is their sum.
    Desk-wide stock counts every row; a district's counts its own rows only.
    """
    total_population = sum(population.values())
    scopes = ["", *sorted({line.district for line in reserves.stock if line.district})]
    covers: list[Cover] = []
    for scope in scopes:
        people = total_population if not scope else population.get(scope, 0)
        for kind in ReserveKind:
            stock = sum(line.kg for line in reserves.stock
                        if line.kind is kind and (not scope or line.district == scope))
            if scope and not any(line.kind is kind and line.district == scope
                                 for line in reserves.stock):
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


def medical_lines(medical: Medical, catalogue: Mapping[str, CatalogueItem]) -> list[MedicalLine]:
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
            stock=entry.stock,
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
    return structure(converter, data, Reserves, path, text)


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
    for index, line in enumerate(reserves.stock):
        if line.district and desk.districts and line.district not in desk.districts:
            problems.append(Problem(path, line_of(lines, ("stock", index, "district")),
                                    f"unknown district {line.district!r}",
                                    f"stock[{index}].district"))
    for index, item in enumerate(reserves.medical.item):
        where = ("medical", "item", index)
        if desk.catalogue and item.item not in desk.catalogue and item.tier is None:
            problems.append(Problem(path, line_of(lines, (*where, "item")),
                                    f"unknown catalogue item {item.item!r} (give its tier)",
                                    f"medical.item[{index}].item"))
    return problems
