"""XLSX workbooks of report tables (:class:`core.reports.Table`), for an office's spreadsheet.

One sheet per table, named by the table's ``name``: the header row in the chosen language, then
the rows, numbers as numbers. A first sheet, ``about`` (说明), holds the report's heading and every
table's title and notes, so the figures travel with their sources. openpyxl is imported only when
a workbook is written, and ``core`` never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.reports.table import Table
from core.storage.atomic import make_directories, write_atomic

ABOUT_SHEET = "about"


def write_xlsx(tables: Sequence[Table], path: Path, *, lang: str = "zh",
               heading: Sequence[str] = (), mode: int = 0o644) -> Path:
    """Write ``tables`` to ``path`` (atomically), with an ``about`` sheet when given a heading."""
    from openpyxl import Workbook  # imported here: only this export needs it

    book = Workbook(write_only=True)
    if heading:
        about = book.create_sheet(ABOUT_SHEET)
        for line in heading:
            about.append([line])
        for table in tables:
            about.append([])
            about.append([table.title.get(lang), table.name])
            for note in table.notes:
                about.append([note.get(lang)])
    used: set[str] = {ABOUT_SHEET} if heading else set()
    for table in tables:
        name = _sheet_name(table.name, used)
        sheet = book.create_sheet(name)
        sheet.append(table.headers(lang))
        for row in table.values(lang):
            sheet.append(row)
    return save_workbook(book, Path(path), mode=mode)


def save_workbook(book: Any, path: Path, *, mode: int = 0o644) -> Path:
    """Save an openpyxl workbook to ``path`` atomically: a reader never sees half a file."""
    make_directories(path.parent, mode=mode)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        book.save(temporary)
        write_atomic(path, temporary.read_bytes(), mode=mode)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    base = name[:31] or "sheet"
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base[:28]}_{number}"
    used.add(candidate)
    return candidate
