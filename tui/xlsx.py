"""XLSX workbooks of report tables (:class:`core.reports.Table`), for an office's spreadsheet.

One sheet per table, named by the table's ``name``: the header row in the chosen language, then
the rows, numbers as numbers. A first sheet, ``about`` (说明), holds the report's heading and every
table's title and notes, so the figures travel with their sources. Long listings (a desk's
ledgers) are streamed into sheets of their own row by row, in openpyxl's write-only mode, so they
never fill memory. openpyxl is imported only when a workbook is written, and ``core`` never
imports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from core.reports.table import Table
from core.storage.atomic import make_directories, replacing

ABOUT_SHEET = "about"
#: Excel's limit; a streamed listing longer than this continues on another sheet
MAX_ROWS = 1_048_576


def write_xlsx(tables: Sequence[Table], path: Path, *, lang: str = "zh",
               heading: Sequence[str] = (), mode: int = 0o644,
               streamed: Iterable[tuple[str, Sequence[str], Sequence[Any]]] = ()) -> Path:
    """Write ``tables`` to ``path`` (atomically), with an ``about`` sheet when given a heading.

    ``streamed`` yields ``(sheet, header, row)`` for listings too long to hold as tables: each
    sheet gets its header once, then its rows, and continues on ``sheet_2``... past Excel's
    limit.
    """
    from openpyxl import Workbook  # imported here: only this export needs it

    path = Path(path)
    make_directories(path.parent, mode=mode)
    # the output is opened first: a path that cannot be written fails before any sheet is built
    with replacing(path, mode=mode) as out:
        book = Workbook(write_only=True)
        _fill(book, tables, lang, heading)
        _stream(book, streamed)
        book.save(out)
    return path


def _fill(book: Any, tables: Sequence[Table], lang: str, heading: Sequence[str]) -> None:
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


def _stream(book: Any, streamed: Iterable[tuple[str, Sequence[str], Sequence[Any]]]) -> None:
    sheets: dict[str, tuple[Any, int]] = {}
    for name, header, row in streamed:
        sheet, count = sheets.get(name, (None, 0))
        if sheet is None or count >= MAX_ROWS:
            part = name if sheet is None else f"{name}_{count // MAX_ROWS + 1}"
            sheet = book.create_sheet(part[:31])
            sheet.append(header)
            count = 1
        sheet.append(row)
        sheets[name] = (sheet, count + 1)


def _sheet_name(name: str, used: set[str]) -> str:
    base = name[:31] or "sheet"
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base[:28]}_{number}"
    used.add(candidate)
    return candidate
