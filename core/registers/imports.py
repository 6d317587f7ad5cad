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

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from core.desk import Desk, load_records
from core.deskload import IMPORTS_DIR
from core.identity import acting_name
from core.problems import DeskError, InvalidField, Problem
from core.reference import (
    CODE_PATTERN,
    CatalogueItem,
    Community,
    Department,
    District,
    GoodsCategory,
    Household,
    PriorityFlag,
    Resident,
    Supermarket,
)
from core.registers.columns import COLUMNS, BadValue, RegisterColumn, RegisterKind, by_name
from core.registers.tabular import Sheet, SourceRow, read_sheets
from core.storage.atomic import create_atomic, exclusive_lock, write_atomic
from core.storage.convert import converter
from core.storage.deskfiles import make_desk_directories
from core.storage.tomlio import dumps

LOCK_DIR = ".locks"
HEADERS = {
    RegisterKind.COMMUNITIES: "区与社区 Districts and communities",
    RegisterKind.HOUSEHOLDS: "居民户 Households and residents, with priority flags (特殊群体)",
    RegisterKind.CATALOGUE: "商品目录 Goods catalogue (prices in fen, weights in kg, volumes in "
                            "litres)",
    RegisterKind.SUPERMARKETS: "保供超市 Designated supermarkets and zones",
    RegisterKind.DEPARTMENTS: "成员单位 Member departments and what each owns",
}
Record = Department | Community | District | Supermarket | CatalogueItem | Household


@attrs.frozen
class Rejection:
    """A cell (or row) that cannot be imported, where the spreadsheet shows it."""

    file: Path
    sheet: str
    row: int | None
    column: str
    message: str

    def render(self) -> str:
        return f"{self.file}:{self.sheet}:{self.row or ''}:{self.column}: {self.message}"

    def as_json(self) -> dict[str, object]:
        return {"file": str(self.file), "sheet": self.sheet, "row": self.row,
                "column": self.column, "message": self.message}


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
    target = desk.root / kind.file_name
    lock = desk.root / LOCK_DIR / f"register-{kind.value}.lock"
    make_desk_directories(desk.root, lock.parent, mode=desk.file_mode)
    with exclusive_lock(lock, mode=desk.file_mode):
        current = _current(desk, kind, target)
        result, records = _plan(desk, kind, source, sheet, columns, current)
        result = attrs.evolve(result, ignored_columns=ignored)
        if dry_run or not result.ok or not (result.added or result.updated):
            return result
        _write(desk, kind, target, records)
        _log(desk, result, source, name)
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


def _current(desk: Desk, kind: RegisterKind, path: Path) -> dict[str, list[Any]]:
    """The records of the kind's file as it is now (re-read: the desk may be stale)."""
    if not path.exists():
        return {key: [] for key in _arrays(kind)}
    found: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    for key, cls in _arrays(kind).items():
        records: list[Any]
        records, bad = load_records(path, key, cls)
        found[key] = list(records)
        problems.extend(bad)
    if problems:
        raise DeskError([*problems, Problem(path, None, "fix this file before importing into it; "
                                                        "nothing was written")])
    return found


#: each kind's arrays of tables in its file, the records the register names last
ARRAYS: dict[RegisterKind, dict[str, type[Any]]] = {
    RegisterKind.COMMUNITIES: {"district": District, "community": Community},
    RegisterKind.HOUSEHOLDS: {"household": Household},
    RegisterKind.CATALOGUE: {"item": CatalogueItem},
    RegisterKind.SUPERMARKETS: {"supermarket": Supermarket},
    RegisterKind.DEPARTMENTS: {"department": Department},
}


def _arrays(kind: RegisterKind) -> dict[str, type[Any]]:
    return ARRAYS[kind]


class _Rows:
    """Parsing cells of one sheet, collecting every rejection."""

    def __init__(self, source: Path, sheet: Sheet, columns: dict[int, RegisterColumn]) -> None:
        self.source, self.sheet, self.columns = source, sheet, columns
        self.rejected: list[Rejection] = []
        self.notes: list[str] = []

    def reject(self, row: SourceRow, column: str, message: str) -> None:
        self.rejected.append(Rejection(self.source, row.sheet, row.number, column, message))

    def values(self, row: SourceRow) -> dict[str, Any] | None:
        """The row's parsed cells by column key, or None (and rejections) if any is bad."""
        values: dict[str, Any] = {}
        good = True
        cells = row.cells
        width = len(cells)
        for position, column in self.columns.items():
            cell = cells[position] if position < width else ""
            if not cell:
                if column.required:
                    self.reject(row, column.zh, f"{column.zh}/{column.en} is empty")
                    good = False
                continue
            try:
                values[column.key] = column.parse(cell)
            except BadValue as exc:
                self.reject(row, column.zh, str(exc))
                good = False
        return values if good else None

    def reference(self, row: SourceRow, key: str, resolve: Callable[[str], str], value: str,
                  kind: str) -> str | None:
        """A reference to another register's record by code or name. A code the desk does not
        know yet is kept, with a note (communities and supermarkets name each other, so one of
        them is imported first); an unknown name is rejected."""
        try:
            return resolve(value)
        except BadValue as exc:
            if CODE_PATTERN.match(value):
                self.notes.append(f"{row.sheet}:{row.number}: {value!r} is not on the desk yet: "
                                  f"import {kind} next (`baogong check` lists it until then)")
                return value
            self.reject(row, self.header(key), f"{exc}: give its code, or import {kind} first")
            return None

    def header(self, key: str) -> str:
        return next((c.zh for c in self.columns.values() if c.key == key), key)

    def build(self, row: SourceRow, cls: type[Any], fields: dict[str, Any]) -> Any:
        """``cls(**fields)``, a validator's complaint rejected at its column."""
        try:
            return cls(**fields)
        except InvalidField as exc:
            self.reject(row, self.header(exc.field), exc.message)
        except (TypeError, ValueError) as exc:
            self.reject(row, "", str(exc))
        return None


def _resolver(records: Iterable[Any], what: str, hint: str) -> Callable[[str], str]:
    """Find a record's code by its code, Chinese name or English name."""
    names: dict[str, str] = {}
    for record in records:
        for name in (record.code, record.name, record.name_en):
            names.setdefault(str(name), record.code)
    return by_name(names, what, hint)


def _plan(desk: Desk, kind: RegisterKind, source: Path, sheet: Sheet,
          columns: dict[int, RegisterColumn], current: dict[str, list[Any]]
          ) -> tuple[ImportResult, dict[str, list[Any]]]:
    rows = _Rows(source, sheet, columns)
    key_of = _household_address if kind is RegisterKind.HOUSEHOLDS else _code
    main_key = next(reversed(_arrays(kind)))
    imported: dict[str, Any] = {}
    extra: list[Any] = []
    if kind is RegisterKind.HOUSEHOLDS:
        imported = _households(desk, rows, current["household"])
    else:
        first_row: dict[str, int] = {}
        for row in sheet.rows:
            values = rows.values(row)
            if values is None:
                continue
            record = _record(desk, kind, rows, row, values, current, extra)
            if record is None:
                continue
            if record.code in first_row:
                rows.reject(row, "代码", f"code {record.code!r} is also on row "
                                         f"{first_row[record.code]}")
                continue
            first_row[record.code] = row.number
            imported[record.code] = record
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


def _household_address(household: Household) -> str:
    return "/".join((household.community, household.building, household.unit, household.room))


def _label(record: Any) -> str:
    return str(record.id) if isinstance(record, Household) else str(record.code)


def _record(desk: Desk, kind: RegisterKind, rows: _Rows, row: SourceRow, values: dict[str, Any],
            current: dict[str, list[Any]], new_districts: list[District]) -> Any:
    values.setdefault("name_en", values.get("name", ""))
    if kind is RegisterKind.DEPARTMENTS:
        values["owns"] = tuple(values.get("owns", ()))
        return rows.build(row, Department, values)
    if kind is RegisterKind.SUPERMARKETS:
        community = _resolver(desk.communities.values(), "community", "")
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
        values["district"] = _resolver(districts, "district", "")(values["district"])
    except BadValue:
        code = values["district"]
        new = rows.build(row, District, {"code": code, "name": district_name or code,
                                         "name_en": code})
        if new is None:
            return None
        new_districts.append(new)
    if values.get("supermarket"):
        supermarket = _resolver(desk.supermarkets.values(), "supermarket", "")
        values["supermarket"] = rows.reference(row, "supermarket", supermarket,
                                               values["supermarket"], "supermarkets")
        if values["supermarket"] is None:
            return None
    values["grid_workers"] = tuple(values.get("grid_workers", ()))
    return rows.build(row, Community, values)


_HOUSEHOLD_NUMBER = re.compile(r"^h(\d+)\Z")


def _households(desk: Desk, rows: _Rows, current: list[Household]) -> dict[str, Household]:
    """Resident rows grouped into households by address, in the order they first appear."""
    community = _resolver(desk.communities.values(), "community", ": import communities first")
    by_address: dict[str, dict[str, Any]] = {}
    id_at: dict[str, tuple[str, int]] = {}
    existing_ids = {h.id: _household_address(h) for h in current}
    for row in rows.sheet.rows:
        values = rows.values(row)
        if values is None:
            continue
        try:
            values["community"] = community(values["community"])
        except BadValue as exc:
            rows.reject(row, rows.header("community"), str(exc))
            continue
        address = (f"{values['community']}/{values.get('building', '')}/"
                   f"{values.get('unit', '')}/{values.get('room', '')}")
        resident = rows.build(row, Resident, {
            "name": values["name"], "phone": values.get("phone", ""), "age": values.get("age"),
            "flags": frozenset(PriorityFlag(f) for f in values.get("flags", ())),
            "note": values.get("note", "")})
        if resident is None:
            continue
        group = by_address.setdefault(address, {
            "community": values["community"], "building": values.get("building", ""),
            "unit": values.get("unit", ""), "room": values.get("room", ""),
            "phone": values.get("household_phone", ""), "id": "", "residents": [],
            "row": row})
        household_id = values.get("household", "")
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
    numbers = [int(m.group(1)) for h in current if (m := _HOUSEHOLD_NUMBER.match(h.id))]
    next_number = max(numbers, default=0) + 1
    by_current_address = {_household_address(h): h.id for h in current}
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


def _write(desk: Desk, kind: RegisterKind, path: Path, records: dict[str, list[Any]]) -> None:
    header = _leading_comments(path) or f"# {HEADERS[kind]}\n\n"
    data = {key: [converter.unstructure(r) for r in values] for key, values in records.items()
            if values}
    mode = path.stat().st_mode & 0o777 if path.exists() else desk.file_mode
    write_atomic(path, (header + dumps(data)).encode("utf-8"), mode=mode)


def _leading_comments(path: Path) -> str:
    if not path.exists():
        return ""
    lines: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("#") and line.strip():
            break
        lines.append(line)
    return "".join(lines)


def _log(desk: Desk, result: ImportResult, source: Path, operator: str) -> None:
    """``imports/<time>-<kind>.toml``: who imported which file, and what it changed."""
    now = datetime.now(desk.settings.zone).replace(microsecond=0)
    directory = desk.root / IMPORTS_DIR
    make_desk_directories(desk.root, directory, mode=desk.file_mode)
    record = {
        "kind": result.kind.value, "operator": operator, "time": now,
        "source": str(source.resolve()),
        "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "added": [c.key for c in result.added],
        "updated": [{"key": c.key, "fields": list(c.fields)} for c in result.updated],
        "unchanged": result.unchanged,
    }
    stamp = now.strftime("%Y%m%dT%H%M%S")
    for attempt in range(1, 1000):
        suffix = "" if attempt == 1 else f"-{attempt}"
        path = directory / f"{stamp}-{result.kind.value}{suffix}.toml"
        try:
            create_atomic(path, dumps(record).encode("utf-8"), mode=desk.file_mode)
            return
        except FileExistsError:
            continue


