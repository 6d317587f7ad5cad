"""Rows of a register as an office keeps it: a CSV file or an XLSX workbook.

CSV comes from Excel in one of two encodings: UTF-8 (with or without the byte-order mark Excel
writes with "CSV UTF-8") or GB18030, what Excel writes as plain "CSV" on Chinese Windows (GBK and
GB2312 are subsets of it). A file that is neither is refused rather than read as mojibake.

XLSX is read with python-calamine (a Rust reader; imported only when a workbook is read). Cells
come back as text: a whole number keeps no ``.0`` (a room ``401``, not ``401.0``), so what a
spreadsheet shows is what is imported.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path
from typing import NamedTuple

import attrs

from core.problems import DeskError, Problem

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: a district of 30,000 households is about 4 MB of XLSX; this is far beyond any real register
MAX_REGISTER_BYTES = 256 * 2**20


class SourceRow(NamedTuple):
    """One data row: its sheet, its 1-based row number as the spreadsheet shows it, its cells.

    A named tuple rather than an attrs record: a district's register has 75,000 of them."""

    sheet: str
    number: int
    cells: tuple[str, ...]


@attrs.frozen
class Sheet:
    """A sheet's header row and data rows (blank rows dropped, numbers kept)."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]


def read_sheets(path: Path) -> list[Sheet]:
    """The sheets of ``path`` (a CSV file is one sheet named ``csv``); :class:`DeskError` if the
    file cannot be read at all."""
    data = read_register_file(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_workbook(path, data)
    return [_read_csv(path, data)]


def read_register_file(path: Path) -> bytes:
    """The bytes of a regular file (a FIFO or device given by mistake is refused, not waited on),
    at most :data:`MAX_REGISTER_BYTES`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise DeskError([Problem(path, None, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DeskError([Problem(path, None, "is not a regular file")])
        if info.st_size > MAX_REGISTER_BYTES:
            raise DeskError([Problem(path, None, f"is {info.st_size // 2**20} MiB; a register "
                                                 f"is read up to {MAX_REGISTER_BYTES // 2**20} "
                                                 f"MiB: split it")])
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read(MAX_REGISTER_BYTES + 1)
    except OSError as exc:
        raise DeskError([Problem(path, None, f"cannot read: {exc.strerror or exc}")]) from None
    finally:
        os.close(fd)


def _read_csv(path: Path, data: bytes) -> Sheet:
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DeskError([Problem(path, None, "neither UTF-8 nor GB18030 text: save it from Excel "
                                             "as \"CSV UTF-8\" or as \"CSV\"")])
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DeskError([Problem(path, None, f"not a CSV file: {exc}")]) from None
    return _sheet("csv", [[cell.strip() for cell in row] for row in rows])


def _read_workbook(path: Path, data: bytes) -> list[Sheet]:
    try:
        from python_calamine import CalamineWorkbook  # imported here: only imports need it
    except ImportError:
        raise DeskError([Problem(path, None, "reading a workbook needs python-calamine "
                                             "(pip install python-calamine), or save it as CSV")]
                        ) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [_sheet(name, [[cell.strip() if type(cell) is str
                               # a whole number (an age, a room) without the call below
                               else str(int(cell)) if type(cell) is float and cell.is_integer()
                               and abs(cell) < 2**53 else _cell_text(cell)
                               for cell in row]
                              for row in book.get_sheet_by_name(name).to_python()])
                for name in book.sheet_names]
    except (ValueError, RuntimeError) as exc:  # calamine's errors for files that are not workbooks
        raise DeskError([Problem(path, None, f"not a workbook: {exc}")]) from None


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 2**53:
        return str(int(cell))
    return str(cell).strip()


def _sheet(name: str, rows: list[list[str]]) -> Sheet:
    """The first non-blank row is the header; later blank rows are dropped."""
    numbered = [(number, tuple(row)) for number, row in enumerate(rows, start=1)
                if any(cell for cell in row)]
    if not numbered:
        return Sheet(name, (), ())
    (_, headers), *data = numbered
    return Sheet(name, headers, tuple(SourceRow(name, number, cells) for number, cells in data))
