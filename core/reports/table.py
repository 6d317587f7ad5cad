"""A table of figures (报表) that prints, writes as CSV and (in ``tui.xlsx``) as an XLSX sheet.

Every report in :mod:`core.reports` is turned into :class:`Table` values, and every output (text,
CSV, XLSX) is written from those same values, so the figures cannot drift between formats. Column
headers and cells may be :class:`~core.levels.plans.Text` (Chinese and English); the language is
chosen when the table is written. Numbers are kept as numbers (floats already rounded by whoever
built the table) so a spreadsheet can add them up.

CSV is written with the standard library as UTF-8 with a byte-order mark (``utf-8-sig``): Excel
opens Chinese text correctly only when the mark is there.
"""

from __future__ import annotations

import csv
import enum
import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

import attrs

from core.levels.plans import Text
from core.storage.atomic import write_atomic

CSV_ENCODING = "utf-8-sig"

Cell = str | int | float | bool | date | datetime | Text | None


@attrs.frozen
class Column:
    """One column: a stable ASCII key for scripts and headers in both languages."""

    key: str
    zh: str
    en: str

    def header(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@attrs.frozen
class Table:
    """A titled table: columns, rows of cells and notes (where the figures come from)."""

    name: str  # short ASCII name: the XLSX sheet name and the key for scripts
    title: Text
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()
    notes: tuple[Text, ...] = ()
    #: booleans written as 是/否 or yes/no in CSV; False keeps ``True``/``False`` for scripts
    bool_words: bool = True

    def __attrs_post_init__(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.name}: row {number} has {len(row)} cells for "
                    f"{len(self.columns)} columns")

    def headers(self, lang: str = "zh") -> list[str]:
        return [c.header(lang) for c in self.columns]

    def values(self, lang: str = "zh") -> list[list[str | int | float | bool | None]]:
        """The rows with text in ``lang`` and times as ISO 8601: what CSV and XLSX hold."""
        return [[cell_value(c, lang) for c in row] for row in self.rows]

    def column(self, key: str) -> list[Cell]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]

    def row_by(self, key: str, value: object) -> tuple[Cell, ...]:
        """The first row whose ``key`` column holds ``value`` (compared as given or as zh/en)."""
        index = [c.key for c in self.columns].index(key)
        for row in self.rows:
            cell = row[index]
            if cell == value or (isinstance(cell, Text) and value in (cell.zh, cell.en)):
                return row
        raise KeyError(f"{self.name}: no row with {key} = {value!r}")


def cell_value(cell: Cell, lang: str = "zh") -> str | int | float | bool | None:
    if isinstance(cell, Text):
        return cell.get(lang)
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    if isinstance(cell, enum.Enum):
        return str(cell.value)
    return cell


def cell_text(cell: Cell, lang: str = "zh") -> str:
    """A cell as people read it: floats without trailing zeros, booleans as 是/否 or yes/no."""
    value = cell_value(cell, lang)
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters (Chinese) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def render_table(table: Table, lang: str = "zh", *, indent: str = "  ") -> str:
    """The table as aligned plain text (numbers right-aligned), title and notes included."""
    headers = table.headers(lang)
    cells = [[cell_text(c, lang) for c in row] for row in table.rows]
    numeric = [
        bool(table.rows) and all(
            (isinstance(row[i], int | float) and not isinstance(row[i], bool)) or row[i] is None
            for row in table.rows)
        for i in range(len(table.columns))
    ]
    widths = [
        max([display_width(headers[i]), *(display_width(r[i]) for r in cells)])
        for i in range(len(headers))
    ]
    out = [table.title.get(lang)]

    def line(values: Sequence[str]) -> str:
        return (indent + "  ".join(
            _pad(v, widths[i], numeric[i]) for i, v in enumerate(values))).rstrip()

    out.append(line(headers))
    out.append(indent + "  ".join("-" * w for w in widths))
    if not cells:
        out.append(indent + ("（无）" if lang == "zh" else "(none)"))
    out.extend(line(r) for r in cells)
    for note in table.notes:
        out.append(f"{indent}* {note.get(lang)}")
    return "\n".join(out) + "\n"


def csv_text(tables: Iterable[Table], lang: str = "zh") -> str:
    """CSV of one table (header row, then rows), or of several as sections.

    With several tables each section is the table's title on a row of its own, the header row,
    the rows, and an empty row: one file that a spreadsheet shows the way the text report reads.
    """
    tables = list(tables)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, table in enumerate(tables):
        if len(tables) > 1:
            if number:
                writer.writerow([])
            writer.writerow([table.title.get(lang)])
        writer.writerow(table.headers(lang))
        words = table.bool_words
        writer.writerows(_csv_row(row, lang, words) for row in table.values(lang))
    return buffer.getvalue()


def _csv_row(row: list[str | int | float | bool | None], lang: str, bool_words: bool
             ) -> list[str | int | float]:
    return [cell_text(v, lang) if v is None or (bool_words and isinstance(v, bool)) else v
            for v in row]


def write_csv(tables: Table | Iterable[Table], path: Path, *, lang: str = "zh",
              mode: int = 0o644) -> Path:
    """Write ``tables`` to ``path`` as UTF-8 CSV with a BOM (atomically; see :func:`csv_text`)."""
    if isinstance(tables, Table):
        tables = [tables]
    write_atomic(path, csv_text(tables, lang).encode(CSV_ENCODING), mode=mode)
    return path
