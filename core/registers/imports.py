"""``baogong import KIND FILE``: a register an office keeps becomes the desk's reference data.

Like ``hledger import``, an import is checked whole before anything is written: every row is read,
every bad cell reported as ``FILE:SHEET:ROW:COLUMN: message``, and one bad row means nothing is
written. Records are matched by their key (a code; a household by its address), so importing the
same register again changes nothing and an edited register updates what changed and says so.
Records the register does not name are kept: a register may be one grid's part of the district.

The reference file is rewritten atomically under a lock, re-planned inside the lock against the
file as it is then (a colleague's import a moment earlier is not overwritten), and every import
that writes leaves an attributed record in ``imports/`` (who, when, from which file, what changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from core.desk import Desk
from core.identity import acting_name
from core.problems import DeskError, Problem
from core.reference import (
    CatalogueItem,
    Community,
    Department,
    District,
    GoodsCategory,
    Household,
    ListPrice,
    Supermarket,
)
from core.registers.columns import COLUMNS, BadValue, RegisterColumn, RegisterKind
from core.registers.households import group_households, household_address
from core.registers.rows import Rejection, Rows, resolver
from core.registers.tabular import Sheet, SourceRow, read_sheets
from core.registers.writing import (
    ARRAYS,
    current_records,
    log_change,
    register_lock,
    write_records,
)

Record = Department | Community | District | Supermarket | CatalogueItem | Household | ListPrice


@attrs.frozen
class Change:
    """One record added or updated, with the fields that changed."""

    key: str
    fields: tuple[str, ...] = ()


@attrs.frozen
class ImportResult:
    """What an import did (or, dry, would do)."""

    kind: RegisterKind
    source: Path
    added: tuple[Change, ...] = ()
    updated: tuple[Change, ...] = ()
    unchanged: int = 0
    rejected: tuple[Rejection, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    #: what the operator should know although nothing was rejected
    notes: tuple[str, ...] = ()
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_json(self) -> dict[str, object]:
        return {"added": len(self.added), "updated": len(self.updated),
                "unchanged": self.unchanged, "rejected": [r.as_json() for r in self.rejected]}


def import_register(desk: Desk, kind: RegisterKind, source: Path, *, dry_run: bool = False,
                    operator: str | None = None) -> ImportResult:
    """Import ``source`` (CSV or XLSX) as the desk's ``kind`` register.

    Nothing is written when a row is rejected, when ``dry_run``, or when nothing changed.
    Raises :class:`DeskError` when the file cannot be read at all or has no usable header row.
    """
    source = Path(source)
    sheets = read_sheets(source)
    sheet, columns, ignored = _choose_sheet(source, kind, sheets)
    name = acting_name(desk, operator)
    with register_lock(desk, kind):
        current = current_records(desk, kind)
        result, records = _plan(desk, kind, source, sheet, columns, current)
        result = attrs.evolve(result, ignored_columns=ignored)
        if dry_run or not result.ok or not (result.added or result.updated):
            return result
        write_records(desk, kind, records)
        log_change(desk, kind, name, source=source, added=[c.key for c in result.added],
                   updated=[(c.key, c.fields) for c in result.updated],
                   unchanged=result.unchanged)
    return attrs.evolve(result, written=True)


def _choose_sheet(source: Path, kind: RegisterKind, sheets: Sequence[Sheet]
                  ) -> tuple[Sheet, dict[int, RegisterColumn], tuple[str, ...]]:
    """The first sheet whose header row has every required column, its columns by position."""
    required = [c for c in COLUMNS[kind] if c.required]
    missing_by_sheet: list[str] = []
    for sheet in sheets:
        found: dict[int, RegisterColumn] = {}
        ignored: list[str] = []
        for position, header in enumerate(sheet.headers):
            column = next((c for c in COLUMNS[kind] if c.matches(header)), None)
            if column is not None and column not in found.values():
                found[position] = column
            elif header:
                ignored.append(header)
        missing = [c for c in required if c not in found.values()]
        if not missing:
            return sheet, found, tuple(ignored)
        missing_by_sheet.append(
            f"sheet {sheet.name!r} has no column " + ", ".join(f"{c.zh}/{c.en}" for c in missing))
    raise DeskError([Problem(source, None, f"not a {kind.value} register: "
                             + ("; ".join(missing_by_sheet) or "no sheet"))])


def _arrays(kind: RegisterKind) -> dict[str, type[Any]]:
    return ARRAYS[kind]


def _plan(desk: Desk, kind: RegisterKind, source: Path, sheet: Sheet,
          columns: dict[int, RegisterColumn], current: dict[str, list[Any]]
          ) -> tuple[ImportResult, dict[str, list[Any]]]:
    rows = Rows(source, sheet, columns)
    key_of = KEYS.get(kind, _code)
    main_key = next(reversed(_arrays(kind)))
    imported: dict[str, Any] = {}
    extra: list[Any] = []
    if kind is RegisterKind.HOUSEHOLDS:
        imported = group_households(desk, rows, current["household"])
    else:
        first_row: dict[str, int] = {}
        for row in sheet.rows:
            values = rows.values(row)
            if values is None:
                continue
            record = _record(desk, kind, rows, row, values, current, extra)
            if record is None:
                continue
            key = key_of(record)
            if key in first_row:
                rows.reject(row, rows.header("code") if kind is not RegisterKind.PRICE_LISTS
                            else rows.header("item"),
                            f"{_what(kind)} {key!r} is also on row {first_row[key]}")
                continue
            first_row[key] = row.number
            imported[key] = record
    records = {key: list(values) for key, values in current.items()}
    existing = {key_of(r): (i, r) for i, r in enumerate(records[main_key])}
    added: list[Change] = []
    updated: list[Change] = []
    unchanged = 0
    for key, record in imported.items():
        if key in existing:
            position, old = existing[key]
            if kind is RegisterKind.HOUSEHOLDS:
                record = attrs.evolve(record, id=old.id)
            if record == old:
                unchanged += 1
                continue
            changed = tuple(f.name for f in attrs.fields(type(record))
                            if getattr(record, f.name) != getattr(old, f.name))
            records[main_key][position] = record
            updated.append(Change(_label(record), changed))
        else:
            records[main_key].append(record)
            added.append(Change(_label(record)))
    for district in extra:
        records["district"].append(district)
        added.append(Change(f"district {district.code}"))
    result = ImportResult(kind, source, tuple(added), tuple(updated), unchanged,
                          tuple(rows.rejected), notes=tuple(rows.notes))
    return result, records


def _code(record: Any) -> str:
    return str(record.code)


def _price_key(line: ListPrice) -> str:
    return f"{line.supermarket}/{line.item}"


#: how a record is matched, where it is not by its code
KEYS: dict[RegisterKind, Any] = {RegisterKind.HOUSEHOLDS: household_address,
                                 RegisterKind.PRICE_LISTS: _price_key}


def _what(kind: RegisterKind) -> str:
    return "price of" if kind is RegisterKind.PRICE_LISTS else "code"


def _label(record: Any) -> str:
    if isinstance(record, Household):
        return record.id
    if isinstance(record, ListPrice):
        return _price_key(record)
    return str(record.code)


def _record(desk: Desk, kind: RegisterKind, rows: Rows, row: SourceRow, values: dict[str, Any],
            current: dict[str, list[Any]], new_districts: list[District]) -> Any:
    if kind is RegisterKind.PRICE_LISTS:
        return _price(desk, rows, row, values)
    values.setdefault("name_en", values.get("name", ""))
    if kind is RegisterKind.DEPARTMENTS:
        values["owns"] = tuple(values.get("owns", ()))
        return rows.build(row, Department, values)
    if kind is RegisterKind.SUPERMARKETS:
        community = resolver(desk.communities.values(), "community", "")
        zone = [rows.reference(row, "zone", community, c, "communities")
                for c in values.get("zone", ())]
        if None in zone:
            return None
        values["zone"] = tuple(zone)
        return rows.build(row, Supermarket, values)
    if kind is RegisterKind.CATALOGUE:
        values["category"] = GoodsCategory(values["category"])
        values.setdefault("kg", 0.0)
        values.setdefault("litres", 0.0)
        return rows.build(row, CatalogueItem, values)
    # communities: the district by code or name, a new one when given by a code
    district_name = values.pop("district_name", "")
    districts = [*current["district"], *new_districts]
    try:
        values["district"] = resolver(districts, "district", "")(values["district"])
    except BadValue:
        code = values["district"]
        new = rows.build(row, District, {"code": code, "name": district_name or code,
                                         "name_en": code})
        if new is None:
            return None
        new_districts.append(new)
    if values.get("supermarket"):
        supermarket = resolver(desk.supermarkets.values(), "supermarket", "")
        values["supermarket"] = rows.reference(row, "supermarket", supermarket,
                                               values["supermarket"], "supermarkets")
        if values["supermarket"] is None:
            return None
    values["grid_workers"] = tuple(values.get("grid_workers", ()))
    return rows.build(row, Community, values)


def _price(desk: Desk, rows: Rows, row: SourceRow, values: dict[str, Any]) -> ListPrice | None:
    """A price list line: the supermarket and the item must be on the desk already (a price of
    an unknown item could never be checked against an invoice)."""
    found: dict[str, Any] = {"price_fen": values["price_fen"]}
    for key, records, what, kind in (
            ("supermarket", desk.supermarkets.values(), "supermarket", "supermarkets"),
            ("item", desk.catalogue.values(), "catalogue item", "the catalogue")):
        try:
            found[key] = resolver(records, what, "")(values[key])
        except BadValue as exc:
            rows.reject(row, rows.header(key), f"{exc}: give its code, or import {kind} first")
            return None
    built: ListPrice | None = rows.build(row, ListPrice, found)
    return built
