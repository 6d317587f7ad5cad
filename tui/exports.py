"""XLSX workbooks of ledgers and reconciliations, for an office's spreadsheet program.

Built with openpyxl from the same rows as the CSV exports in :mod:`core.ledger.export`; kept out of
``core`` so the domain library stays on the standard library. Sheets are written in openpyxl's
write-only mode so that a large ledger streams to disk instead of filling memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from core.ledger import Batch, Reconciliation
from core.ledger.export import ledger_rows, report_tables
from core.storage.atomic import PRIVATE_FILE_MODE
from tui.xlsx import save_workbook

#: Excel's limit; a ledger longer than this continues on a second sheet of the same table
MAX_ROWS = 1_048_576


def write_xlsx(result: Reconciliation, path: Path, *, lang: str = "zh",
               batches: Iterable[Batch] = (), mode: int = PRIVATE_FILE_MODE) -> Path:
    """Write the reconciliation's tables, then one sheet per ledger table, to ``path``."""
    from openpyxl import Workbook  # imported here: only this export needs it

    book = Workbook(write_only=True)
    for name, (header, rows) in report_tables(result, lang).items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    sheets: dict[str, tuple[Any, int]] = {}
    for table, header, row in ledger_rows(batches, result.root):
        sheet, count = sheets.get(table, (None, 0))
        if sheet is None or count >= MAX_ROWS:
            part = table if sheet is None else f"{table}_{count // MAX_ROWS + 1}"
            sheet = book.create_sheet(f"ledger_{part}"[:31])
            sheet.append(header)
            count = 1
        sheet.append(row)
        sheets[table] = (sheet, count + 1)
    return save_workbook(book, path, mode=mode)
