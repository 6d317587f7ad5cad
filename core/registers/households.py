"""Households (户) in the register: resident rows grouped by address, and a household's key.

A household is matched by its address (community, building, unit, room), never by a name: the
address is what a grid register and a caller both give.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from core.desk import Desk
from core.problems import InvalidField
from core.reference import Household, PriorityFlag, Resident
from core.registers.columns import BadValue
from core.registers.rows import Rows, resolver

_HOUSEHOLD_NUMBER = re.compile(r"^h(\d+)\Z")


def group_households(desk: Desk, rows: Rows, current: list[Household]) -> dict[str, Household]:
    """Resident rows grouped into households by address, in the order they first appear."""
    community = resolver(desk.communities.values(), "community", ": import communities first")
    by_address: dict[str, dict[str, Any]] = {}
    id_at: dict[str, tuple[str, int]] = {}
    existing_ids = {h.id: household_address(h) for h in current}
    flag_sets: dict[tuple[str, ...], frozenset[PriorityFlag]] = {(): frozenset()}
    for row in rows.sheet.rows:
        values = rows.values(row)
        if values is None:
            continue
        get = values.get
        try:
            values["community"] = code = community(values["community"])
        except BadValue as exc:
            rows.reject(row, rows.header("community"), str(exc))
            continue
        building, unit, room = get("building", ""), get("unit", ""), get("room", "")
        address = f"{code}/{building}/{unit}/{room}"
        names = get("flags", ())
        flags = flag_sets.get(names)
        if flags is None:
            flags = flag_sets[names] = frozenset(PriorityFlag(f) for f in names)
        try:
            resident = Resident(values["name"], get("phone", ""), get("age"), flags,
                                get("note", ""))
        except (InvalidField, TypeError, ValueError):
            resident = rows.build(row, Resident, {
                "name": values["name"], "phone": get("phone", ""), "age": get("age"),
                "flags": flags, "note": get("note", "")})
            if resident is None:
                continue
        group = by_address.get(address)
        if group is None:
            group = by_address[address] = {
                "community": code, "building": building, "unit": unit, "room": room,
                "phone": get("household_phone", ""), "id": "", "residents": [], "row": row}
        household_id = get("household", "")
        if household_id:
            elsewhere = existing_ids.get(household_id)
            if household_id in id_at and id_at[household_id][0] != address:
                rows.reject(row, rows.header("household"),
                            f"household {household_id!r} is also at another address on row "
                            f"{id_at[household_id][1]}")
                continue
            if elsewhere is not None and elsewhere != address:
                rows.reject(row, rows.header("household"),
                            f"household {household_id!r} is on the desk at {elsewhere}")
                continue
            id_at[household_id] = (address, row.number)
            group["id"] = household_id
        group["residents"].append(resident)
    next_number = next_household_number(current)
    by_current_address = {household_address(h): h.id for h in current}
    households: dict[str, Household] = {}
    for address, group in by_address.items():
        row = group.pop("row")
        if not group["id"]:
            group["id"] = by_current_address.get(address) or f"h{next_number:04d}"
            if group["id"] == f"h{next_number:04d}":
                next_number += 1
        group["residents"] = tuple(group["residents"])
        household = rows.build(row, Household, group)
        if household is not None:
            households[address] = household
    return households


def household_address(household: Household) -> str:
    """The key a household is matched by: ``community/building/unit/room``."""
    return "/".join((household.community, household.building, household.unit, household.room))


def next_household_number(current: Iterable[Household]) -> int:
    """The number of the next ``hNNNN`` id: one past the highest in use."""
    numbers = [int(m.group(1)) for h in current if (m := _HOUSEHOLD_NUMBER.match(h.id))]
    return max(numbers, default=0) + 1
