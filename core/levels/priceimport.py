"""Import of price monitoring sheets (价格监测表): the rows monitors keep in a spreadsheet, read
into ``prices/<date>.toml`` through :func:`core.levels.prices.record_prices`.

One row per supermarket and necessity (CSV or XLSX, headers in Chinese or English)::

    日期        超市      品类   价格(元)  货源
    2026-11-23  hualian   粮食   32.90     有
    2026-11-23  华联超市   鸡蛋            缺

``日期/date`` may be left out when the day is given (``--date``); ``超市/supermarket`` is a code
or a name from ``supermarkets.toml``; ``品类/necessity`` a code (``grain``) or a Chinese or
English name (粮食, 猪肉, eggs...); ``价格/price`` yuan (empty only when the necessity is out);
``货源/stock`` 有/低/缺 or ok/low/out (default: in stock). Every row is checked before anything is
written; any bad row and nothing is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.levels.prices import (
    STOCK_WORDS,
    BadCell,
    Necessity,
    PriceEntry,
    StockState,
    parse_yuan,
    record_prices,
)
from core.names import NECESSITY_NAMES
from core.problems import DeskError, Problem
from core.registers.columns import header_key
from core.registers.tabular import Sheet, SourceRow, read_sheets

if TYPE_CHECKING:
    from core.desk import Desk

#: column -> the headers it answers to (compared by :func:`header_key`)
HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "date", "day"),
    "supermarket": ("超市", "supermarket", "保供超市", "market"),
    "necessity": ("品类", "necessity", "商品", "品种"),
    "price": ("价格", "price", "零售价", "监测价"),
    "stock": ("货源", "stock", "库存", "供应"),
}
REQUIRED = ("supermarket", "necessity", "price")


@attrs.frozen
class Rejected:
    """A row that cannot be read, with its place and why."""

    sheet: str
    row: int
    why: str

    def as_json(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "why": self.why}


@attrs.frozen
class PriceImport:
    """What an import read: the entries by day, the rows rejected, and whether it wrote."""

    source: Path
    entries: dict[date, tuple[PriceEntry, ...]]
    rejected: tuple[Rejected, ...]
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def rows(self) -> int:
        return sum(len(e) for e in self.entries.values())

    def as_json(self) -> dict[str, object]:
        return {"rows": self.rows, "days": sorted(d.isoformat() for d in self.entries),
                "written": self.written, "rejected": [r.as_json() for r in self.rejected]}


def _columns(sheet: Sheet) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, header in enumerate(sheet.headers):
        key = header_key(header)
        for column, names in HEADERS.items():
            if column not in found and key in {header_key(n) for n in names}:
                found[column] = position
    return found


def _necessity(text: str) -> Necessity:
    key = text.strip().lower()
    for necessity in Necessity:
        name = NECESSITY_NAMES[necessity]
        if key in (necessity.value, name.zh, name.en.lower()):
            return necessity
    raise BadCell(f"{text!r} is not a necessity ({', '.join(n.value for n in Necessity)})")


def _supermarket(desk: Desk, text: str) -> str:
    key = text.strip()
    for code, market in desk.supermarkets.items():
        if key in (code, market.name, market.name_en):
            return code
    raise BadCell(f"{text!r} is not a supermarket of supermarkets.toml")


def _row(desk: Desk, row: SourceRow, columns: dict[str, int], day: date | None
         ) -> tuple[date, PriceEntry]:
    def cell(column: str) -> str:
        position = columns.get(column)
        return row.cells[position].strip() if position is not None and position < len(
            row.cells) else ""

    found = day
    if cell("date"):
        try:
            found = date.fromisoformat(cell("date")[:10])
        except ValueError:
            raise BadCell(f"date {cell('date')!r} is not YYYY-MM-DD") from None
    if found is None:
        raise BadCell("no date: give a 日期/date column or --date")
    stock = StockState.OK
    if cell("stock"):
        word = cell("stock").lower()
        if word not in STOCK_WORDS:
            raise BadCell(f"stock {cell('stock')!r}: say 有/低/缺 or ok/low/out")
        stock = STOCK_WORDS[word]
    fen = parse_yuan(cell("price")) if cell("price") else None
    if fen is None and stock is not StockState.OUT:
        raise BadCell("no price: a price is needed unless the necessity is out (缺/out)")
    return found, PriceEntry(_supermarket(desk, cell("supermarket")),
                             _necessity(cell("necessity")), fen, stock)


def import_prices(desk: Desk, source: Path, *, day: date | None = None, dry_run: bool = False,
                  operator: str | None = None) -> PriceImport:
    """Read ``source`` (CSV or XLSX) and, unless ``dry_run`` or a row is rejected, enter its
    rows into each day's prices. Raises :class:`DeskError` when the file cannot be read or has
    no sheet with the supermarket, necessity and price columns."""
    source = Path(source)
    sheets: Sequence[Sheet] = read_sheets(source)
    chosen = next(((s, c) for s in sheets if all(k in (c := _columns(s)) for k in REQUIRED)),
                  None)
    if chosen is None:
        raise DeskError([Problem(source, None, "not a price monitoring sheet: no sheet has the "
                                 "columns 超市/supermarket, 品类/necessity and 价格/price")])
    sheet, columns = chosen
    entries: dict[date, dict[tuple[str, Necessity], PriceEntry]] = {}
    rejected: list[Rejected] = []
    for row in sheet.rows:
        if not any(c.strip() for c in row.cells):
            continue
        try:
            found, entry = _row(desk, row, columns, day)
        except BadCell as exc:
            rejected.append(Rejected(row.sheet, row.number, str(exc)))
            continue
        if entry.key in entries.get(found, {}):
            rejected.append(Rejected(row.sheet, row.number, f"{entry.supermarket} "
                                     f"{entry.necessity.value} on {found} is given twice"))
            continue
        entries.setdefault(found, {})[entry.key] = entry
    result = PriceImport(source, {d: tuple(e.values()) for d, e in sorted(entries.items())},
                         tuple(rejected))
    if dry_run or not result.ok or not result.entries:
        return result
    for found_day, day_entries in result.entries.items():
        record_prices(desk, found_day, day_entries, operator=operator)
    return attrs.evolve(result, written=True)


__all__ = ["PriceImport", "Rejected", "import_prices"]
