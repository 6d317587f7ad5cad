"""Exports an office can open: CSV of the ledgers and of a reconciliation, and plain JSON.

CSV files are written as UTF-8 with a byte-order mark so that spreadsheet programs show Chinese
correctly. Money columns come twice: integer fen (``*_fen``, exact) and yuan (``*_yuan``, for
people). Invoice, receipt and request lines get one row each, with their record's id.
The reconciliation's tables are :class:`core.reports.Table` values like every report's, so the
terminal app writes them as XLSX with the same ``tui.xlsx.write_xlsx`` (which may use openpyxl).
"""

from __future__ import annotations

import contextlib
import csv
import enum
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs

from core.ledger.files import Batch
from core.ledger.findings import SEVERITY_NAMES, yuan
from core.ledger.reconcile import Reconciliation
from core.ledger.records import KINDS, Record, field_order
from core.levels.plans import Text
from core.problems import Problem
from core.reports.table import CSV_ENCODING, Column, Table, write_csv
from core.storage.atomic import PRIVATE_FILE_MODE, make_directories, replacing_text

#: records whose lines get a table of their own: kind -> (table name, line class fields)
LINE_TABLES = {
    "invoice": "invoice_lines",
    "receipt": "receipt_lines",
    "supply_request": "request_lines",
}


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text, number or empty."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return ";".join(str(cell(v)) for v in value)
    return value


def _columns(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        out.append(name)
        if name.endswith("_fen"):
            out.append(name[:-4] + "_yuan")
    return out


def _values(obj: Any, names: Sequence[str]) -> list[Any]:
    out: list[Any] = []
    for name in names:
        value = getattr(obj, name)
        out.append(cell(value))
        if name.endswith("_fen"):
            out.append(yuan(value))
    return out


def _record_columns(kind: str) -> list[str]:
    names = [n for n in field_order(KINDS[kind]) if n not in ("lines", "fees")]
    return ["kind", *_columns(names), "file", "line"]


def ledger_rows(batches: Iterable[Batch], base: Path | None = None
                ) -> Iterator[tuple[str, list[str], list[Any]]]:
    """``(table, header, row)`` for every record and every record line, in file order."""
    for batch in batches:
        shown = _relative(batch.path, base)
        for record, line in zip(batch.records, batch.lines, strict=True):
            kind = record.KIND
            names = [n for n in field_order(type(record)) if n not in ("lines", "fees")]
            yield kind, _record_columns(kind), [kind, *_values(record, names), shown, line]
            yield from _line_rows(record, shown, line)


def _line_rows(record: Record, shown: str, line: int
               ) -> Iterator[tuple[str, list[str], list[Any]]]:
    table = LINE_TABLES.get(record.KIND)
    lines = getattr(record, "lines", ())
    if table is not None:
        for number, item in enumerate(lines, start=1):
            names = [f.name for f in attrs.fields(type(item))]
            header = ["record", "reverses", "line_no", *_columns(names)]
            row = [record.id, record.reverses, number, *_values(item, names)]
            if hasattr(item, "amount_fen"):
                header += ["amount_fen", "amount_yuan"]
                row += [item.amount_fen, yuan(item.amount_fen)]
            yield table, [*header, "file", "line"], [*row, shown, line]
    for number, fee in enumerate(getattr(record, "fees", ()), start=1):
        header = ["record", "reverses", "line_no", "name", "amount_fen", "amount_yuan"]
        row = [record.id, record.reverses, number, fee.name, fee.amount_fen, yuan(fee.amount_fen)]
        yield "invoice_fees", [*header, "file", "line"], [*row, shown, line]


def _relative(path: Path | None, base: Path | None) -> str:
    if path is None:
        return ""
    if base is not None:
        try:
            return str(path.relative_to(base))
        except ValueError:
            pass
    return str(path)


def write_ledger_csv(batches: Iterable[Batch], directory: Path, base: Path | None = None, *,
                     mode: int = PRIVATE_FILE_MODE) -> list[Path]:
    """One CSV per record kind (and per kind of record line) in ``directory``; returns them.

    Files get ``mode`` (the desk's file mode: they hold households and amounts), whatever the
    umask."""
    make_directories(directory, mode=mode)
    writers: dict[str, Any] = {}
    with contextlib.ExitStack() as opened:
        for table, header, row in ledger_rows(batches, base):
            writer = writers.get(table)
            if writer is None:
                handle = opened.enter_context(replacing_text(
                    directory / f"{table}.csv", mode=mode, encoding=CSV_ENCODING, newline=""))
                writer = writers[table] = csv.writer(handle)
                writer.writerow(header)
            writer.writerow(row)
    return sorted(directory / f"{t}.csv" for t in writers)


def _table(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A ledger table: ASCII column names in both languages, ``True``/``False`` kept for scripts."""
    return Table(name, Text(name, name), tuple(Column(h, h, h) for h in header),
                 tuple(tuple(row) for row in rows), bool_words=False)


def report_tables(result: Reconciliation, lang: str = "zh") -> list[Table]:
    """The reconciliation as tables: findings, open items, matches, stock, money, problems."""
    base = result.root
    zh = lang != "en"
    findings = _table(
        "findings",
        ["severity", "code", "file", "line", "record", "message", "action", "amount_fen",
         "amount_yuan", "community", "supermarket", "grid_worker", "store", "item", "day",
         "related"],
        [[SEVERITY_NAMES[f.severity][0 if zh else 1], f.code, _relative(f.path, base),
          f.line or "", f.record, f.message(lang), f.action(lang), f.amount_fen,
          yuan(f.amount_fen), f.community, f.supermarket, f.grid_worker, f.store, f.item,
          cell(f.day), cell(f.related)] for f in result.findings],
    )
    open_items = _table(
        "open_items",
        ["kind", "record", "file", "line", "amount_fen", "amount_yuan", "since", "age_days",
         "community", "supermarket", "grid_worker", "household"],
        [[o.kind, o.record, _relative(o.path, base), o.line, o.amount_fen, yuan(o.amount_fen),
          o.since.isoformat(), o.age_days, o.community, o.supermarket, o.grid_worker,
          o.household] for o in result.open_items],
    )
    match_names = [f.name for f in attrs.fields(type(result.matches[0]))] if result.matches \
        else ["id", "kind", "members"]
    matches = _table("matches", _columns(match_names),
                     [_values(m, match_names) for m in result.matches])
    stock_names = ["store", "item", "day", "opening", "received", "issued", "returned",
                   "adjusted", "closing", "counted"]
    stock = _table("stock", stock_names,
                   [[cell(getattr(s, n)) for n in stock_names] for s in result.stock])
    money_names = [f.name for f in attrs.fields(type(result.money))]
    money = _table("money", ["total", "fen", "yuan"],
                   [[n, getattr(result.money, n), yuan(getattr(result.money, n))]
                    for n in money_names])
    problems = _table("problems", ["file", "line", "field", "message"],
                      [[_relative(p.path, base), p.line or "", p.field or "", p.message]
                       for p in result.problems])
    return [findings, open_items, matches, stock, money, problems]


def write_report_csv(result: Reconciliation, directory: Path, lang: str = "zh", *,
                     mode: int = PRIVATE_FILE_MODE) -> list[Path]:
    """``findings.csv``, ``open_items.csv``, ``matches.csv``, ``stock.csv``... in ``directory``,
    with ``mode`` whatever the umask."""
    make_directories(directory, mode=mode)
    return [write_csv(table, directory / f"{table.name}.csv", lang=lang, mode=mode)
            for table in report_tables(result, lang)]


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def to_json(result: Reconciliation) -> dict[str, Any]:
    """The reconciliation as plain data for ``json.dumps``; paths relative to the desk."""
    base = result.root

    def located(item: Any) -> dict[str, Any]:
        data: dict[str, Any] = _plain(item)
        data["path"] = _relative(item.path, base) if item.path is not None else None
        return data

    return {
        "desk": str(base),
        "start": _plain(result.start),
        "end": _plain(result.end),
        "scope": _plain(result.scope),
        "as_of": result.as_of.isoformat(),
        "records": result.records,
        "balanced": result.balanced,
        "counts": {s.value: result.count(s) for s in SEVERITY_NAMES},
        "money": _plain(result.money),
        "findings": [located(f) for f in result.findings],
        "open_items": [located(o) for o in result.open_items],
        "matches": _plain(result.matches),
        "stock": _plain(result.stock),
        "problems": [_problem(p, base) for p in result.problems],
    }


def _problem(problem: Problem, base: Path) -> dict[str, Any]:
    return {"path": _relative(problem.path, base), "line": problem.line,
            "field": problem.field, "message": problem.message,
            "text": problem.render(base)}
