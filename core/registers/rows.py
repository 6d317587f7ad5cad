"""Reading the rows of a register: each cell parsed by its column, every bad cell kept as a
:class:`Rejection` that names the file, sheet, row and column."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

from core.problems import InvalidField
from core.reference import CODE_PATTERN
from core.registers.columns import BadValue, RegisterColumn, by_name, text
from core.registers.tabular import Sheet, SourceRow

_UNPARSED = object()


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


class Rows:
    """Parsing cells of one sheet, collecting every rejection."""

    def __init__(self, source: Path, sheet: Sheet, columns: dict[int, RegisterColumn]) -> None:
        self.source, self.sheet, self.columns = source, sheet, columns
        self.rejected: list[Rejection] = []
        self.notes: list[str] = []
        # a register repeats its communities, buildings, ages and flags on row after row: each
        # column parses a value once (a bad one is parsed again, to be reported on every row)
        self._plan: list[tuple[int, str, RegisterColumn, dict[str, object] | None]] = [
            (position, column.key, column, {} if column.parse is not text else None)
            for position, column in columns.items()]

    def reject(self, row: SourceRow, column: str, message: str) -> None:
        self.rejected.append(Rejection(self.source, row.sheet, row.number, column, message))

    def values(self, row: SourceRow) -> dict[str, Any] | None:
        """The row's parsed cells by column key, or None (and rejections) if any is bad."""
        values: dict[str, Any] = {}
        good = True
        cells = row.cells
        width = len(cells)
        for position, key, column, parsed in self._plan:
            cell = cells[position] if position < width else ""
            if not cell:
                if column.required:
                    self.reject(row, column.zh, f"{column.zh}/{column.en} is empty")
                    good = False
                continue
            if parsed is None:
                values[key] = cell
                continue
            value = parsed.get(cell, _UNPARSED)
            if value is _UNPARSED:
                try:
                    value = parsed[cell] = column.parse(cell)
                except BadValue as exc:
                    self.reject(row, column.zh, str(exc))
                    good = False
                    continue
            values[key] = value
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


def resolver(records: Iterable[Any], what: str, hint: str) -> Callable[[str], str]:
    """Find a record's code by its code, Chinese name or English name."""
    names: dict[str, str] = {}
    for record in records:
        for name in (record.code, record.name, record.name_en):
            names.setdefault(str(name), record.code)
    return by_name(names, what, hint)
