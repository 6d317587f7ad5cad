"""``baogong export KIND``: a reference file as the register an office keeps, the same layout
``baogong import KIND`` reads, so an export imported again changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.cases.case import Category
from core.desk import Desk
from core.deskload import PRICE_LISTS
from core.levels.plans import Text
from core.names import FLAG_NAMES, GOODS_NAMES, category_name
from core.reference import PriorityFlag
from core.registers.columns import COLUMNS, RegisterKind, fen_to_yuan
from core.reports.table import Cell, Column, Table

LIST_JOIN = "、"
TITLES = {
    RegisterKind.COMMUNITIES: Text("社区", "Communities"),
    RegisterKind.HOUSEHOLDS: Text("居民户", "Households"),
    RegisterKind.CATALOGUE: Text("商品目录", "Catalogue"),
    RegisterKind.SUPERMARKETS: Text("保供超市", "Supermarkets"),
    RegisterKind.DEPARTMENTS: Text("成员单位", "Departments"),
    RegisterKind.PRICE_LISTS: Text("超市价目表", "Price lists"),
}


def register_table(desk: Desk, kind: RegisterKind) -> Table:
    """The desk's ``kind`` records as one table: a row per record, a row per resident for
    households."""
    columns = tuple(Column(c.key, c.zh, c.en) for c in COLUMNS[kind])
    rows = tuple(tuple(row.get(c.key) for c in columns) for row in _rows(desk, kind))
    return Table(kind.value, TITLES[kind], columns, rows)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _rows(desk: Desk, kind: RegisterKind) -> Iterator[dict[str, Cell]]:
    if kind is RegisterKind.DEPARTMENTS:
        for department in desk.departments.values():
            yield {**_named(department), "phone": department.phone,
                   "owns": LIST_JOIN.join(_category(c) for c in department.owns)}
    elif kind is RegisterKind.COMMUNITIES:
        for community in desk.communities.values():
            district = desk.districts.get(community.district)
            yield {**_named(community), "district": community.district,
                   "district_name": district.name if district else "",
                   "street": community.street, "households": community.households,
                   "population": community.population, "drop_point": community.drop_point,
                   "supermarket": community.supermarket,
                   "grid_workers": LIST_JOIN.join(community.grid_workers),
                   "distance_km": community.distance_km}
    elif kind is RegisterKind.SUPERMARKETS:
        for market in desk.supermarkets.values():
            yield {**_named(market), "phone": market.phone, "address": market.address,
                   "zone": LIST_JOIN.join(market.zone),
                   "daily_order_capacity": market.daily_order_capacity}
    elif kind is RegisterKind.CATALOGUE:
        for item in desk.catalogue.values():
            yield {**_named(item), "unit": item.unit, "category": GOODS_NAMES[item.category].zh,
                   "kg": item.kg, "litres": item.litres, "price_fen": fen_to_yuan(item.price_fen),
                   "tier": item.tier, "chilled": _yes(item.chilled),
                   "chemical": _yes(item.chemical), "necessity": _yes(item.necessity)}
    elif kind is RegisterKind.PRICE_LISTS:
        for line in desk.load(PRICE_LISTS):
            yield {"supermarket": line.supermarket, "item": line.item,
                   "price_fen": fen_to_yuan(line.price_fen)}
    else:
        for household in desk.households.values():
            for resident in household.residents:
                yield {"household": household.id, "community": household.community,
                       "building": household.building, "unit": household.unit,
                       "room": household.room, "household_phone": household.phone,
                       "name": resident.name, "phone": resident.phone, "age": resident.age,
                       "flags": LIST_JOIN.join(FLAG_NAMES[f].zh for f in PriorityFlag
                                               if f in resident.flags),
                       "note": resident.note}


def _named(record: Any) -> dict[str, Cell]:
    return {"code": record.code, "name": record.name, "name_en": record.name_en}


def _category(code: str) -> str:
    try:
        return category_name(Category(code)).zh
    except ValueError:
        return code
