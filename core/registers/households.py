"""Households (户) in the register: resident rows grouped by address, a household's key, and a
household registered or corrected at the desk.

A household is matched by its address (community, building, unit, room), never by a name: the
address is what a grid register and a caller both give. A caller who is not in the register is
registered from the call (:func:`save_household`), and a household corrected from the case
screen, through the import's own checks, lock, atomic write and record of who did it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from core.desk import Desk
from core.identity import acting_name
from core.problems import InvalidField
from core.reference import Household, PriorityFlag, Resident
from core.registers.columns import COLUMNS, BadValue, RegisterKind
from core.registers.rows import Rejection, Rows, resolver
from core.registers.tabular import Sheet, SourceRow
from core.registers.writing import current_records, log_change, register_lock, write_records

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


# --- a household entered at the desk ------------------------------------------------------------

#: the register's columns a household entered at the desk fills, in this order
FORM_COLUMNS = ("community", "building", "unit", "room", "household_phone", "name", "phone",
                "age", "flags")


@attrs.frozen
class ResidentLine:
    """A resident as typed: the register's 姓名, 电话, 年龄 and 重点人群 cells."""

    name: str
    phone: str = ""
    age: str = ""
    flags: str = ""


@attrs.frozen
class HouseholdForm:
    """A household as an operator enters it (登记/更正): the address (the community by its code
    or name), the household's phone, and a line per resident (the household's size)."""

    community: str
    building: str
    unit: str
    room: str
    phone: str = ""
    residents: tuple[ResidentLine, ...] = ()


@attrs.frozen
class HouseholdSaved:
    """What :func:`save_household` did: the household as saved, whether it was new, and the
    fields a correction changed (none: nothing was written)."""

    household: Household
    added: bool
    changed: tuple[str, ...] = ()


class HouseholdRejected(Exception):
    """The form has bad values: each :class:`Rejection` names its column, nothing was written."""

    def __init__(self, rejected: Sequence[Rejection]) -> None:
        super().__init__("; ".join(f"{r.column}: {r.message}" for r in rejected))
        self.rejected = tuple(rejected)


class HouseholdChangedMeanwhile(Exception):
    """Another operator or an import changed the household since it was read; nothing was
    written. ``current`` is the household as it is now."""

    def __init__(self, current: Household) -> None:
        super().__init__(f"household {current.id} was changed meanwhile")
        self.current = current


def save_household(desk: Desk, form: HouseholdForm, *, via: str, operator: str | None = None,
                   correcting: Household | None = None) -> HouseholdSaved:
    """Register a new household, or correct ``correcting`` (as it was read), from ``form``.

    The form is checked as a register import checks its rows, with the same columns and rules,
    then ``households.toml`` is rewritten under the register's lock, atomically, and the change
    is recorded in ``imports/`` under the operator's name and ``via`` (the screen it came from).
    Raises :class:`HouseholdRejected` for bad values or an address another household has, and
    :class:`HouseholdChangedMeanwhile` when ``correcting`` is no longer what the desk holds.
    """
    name = acting_name(desk, operator)
    kind = RegisterKind.HOUSEHOLDS
    source = Path(via)
    with register_lock(desk, kind):
        current: list[Household] = current_records(desk, kind)["household"]
        position = None
        if correcting is not None:
            position = next((i for i, h in enumerate(current) if h.id == correcting.id), None)
            if position is None:
                raise HouseholdRejected([Rejection(
                    source, via, None, "户号", f"household {correcting.id} is no longer on the "
                                              f"desk")])
            if current[position] != correcting:
                raise HouseholdChangedMeanwhile(current[position])
        others = [h for i, h in enumerate(current) if i != position]
        household = _checked(desk, form, source, via, others)
        if correcting is not None and position is not None:
            household = attrs.evolve(household, id=correcting.id)
            changed = tuple(f.name for f in attrs.fields(Household)
                            if getattr(household, f.name) != getattr(correcting, f.name))
            if not changed:
                return HouseholdSaved(correcting, added=False)
            records = [*current[:position], household, *current[position + 1:]]
            write_records(desk, kind, {"household": records})
            log_change(desk, kind, name, added=(), updated=[(household.id, changed)], via=via)
            return HouseholdSaved(household, added=False, changed=changed)
        write_records(desk, kind, {"household": [*current, household]})
        log_change(desk, kind, name, added=[household.id], updated=(), via=via)
        return HouseholdSaved(household, added=True)


def _checked(desk: Desk, form: HouseholdForm, source: Path, via: str,
             others: list[Household]) -> Household:
    """The form read as a register of one household, by the import's own rules."""
    columns = {position: column for position, column in enumerate(
        next(c for c in COLUMNS[RegisterKind.HOUSEHOLDS] if c.key == key)
        for key in FORM_COLUMNS)}
    address = (form.community, form.building, form.unit, form.room, form.phone)
    lines = form.residents or (ResidentLine(""),)  # a household has at least its caller
    sheet = Sheet(via, tuple(c.zh for c in columns.values()), tuple(
        SourceRow(via, number, tuple(v.strip() for v in (
            *address, line.name, line.phone, line.age, line.flags)))
        for number, line in enumerate(lines, start=1)))
    rows = Rows(source, sheet, columns)
    grouped = group_households(desk, rows, others)
    if rows.rejected:
        raise HouseholdRejected(rows.rejected)
    (household,) = grouped.values()
    key = household_address(household)
    taken = next((h for h in others if household_address(h) == key), None)
    if taken is not None:
        raise HouseholdRejected([Rejection(
            source, via, None, "房号", f"{key} is household {taken.id}'s address already")])
    return household
