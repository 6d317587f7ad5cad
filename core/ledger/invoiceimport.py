"""A supermarket's delivery invoice (送货单) imported from its spreadsheet, CSV or XLSX.

One row per line of goods, headers in Chinese or English::

    社区 community | 轮次 round | 商品 item | 数量 quantity | 单价（元） unit price |
    金额（元） amount | 费用 fee

``商品`` is a catalogue code or the item's name; ``金额``, when given, must be quantity times
price. A row with a ``费用`` name and an amount and no item is a fee (the plans forbid fees, so
the reconciler will report it; the invoice still records what was charged). A row whose first
filled cell is ``合计``/``total`` is the file's total and must equal the sum of its goods and fees.
The community and round may be given for the whole file instead of as columns.

Every row is read before anything is written: each bad cell is reported as
``FILE:SHEET:ROW:COLUMN: message`` and then nothing is written. The rows of each community and
round make one invoice; all of a file's invoices are written as one batch, under the ledger lock,
attributed to the operator, and refused whole if dated in a signed-off period.

Importing the same file again writes nothing: an invoice of the same supermarket, community and
round with the same lines and fees that is already in the ledger (and not reversed) is reported as
already recorded, with its id. A supermarket may send a second, different invoice for the same
round (the reconciler sums them), so only an identical one counts as the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.identity import acting_name
from core.ledger.entry import item_code
from core.ledger.files import Draft, draft, ledger_lock, write_batch
from core.ledger.records import Fee, Invoice, InvoiceLine, Record
from core.problems import DeskError, Problem
from core.reference import CODE_PATTERN
from core.registers.columns import BadValue, RegisterColumn, header_key, whole_number, yuan_to_fen
from core.registers.rows import Rejection
from core.registers.tabular import Sheet, SourceRow, read_sheets

if TYPE_CHECKING:
    from core.desk import Desk
    from core.ledger import Ledgers

COMMUNITY = RegisterColumn("community", "社区", "community", aliases=("收货社区", "配送社区"))
ROUND = RegisterColumn("round", "轮次", "round", aliases=("配送轮次", "批次"))
ITEM = RegisterColumn("item", "商品", "item", required=True,
                      aliases=("商品编码", "代码", "编码", "品名", "商品名称", "goods", "code"))
QUANTITY = RegisterColumn("quantity", "数量", "quantity", required=True, aliases=("qty",))
PRICE = RegisterColumn("unit_price", "单价", "unit price", required=True,
                       aliases=("价格", "price"))
AMOUNT = RegisterColumn("amount", "金额", "amount", aliases=("小计",))
FEE = RegisterColumn("fee", "费用", "fee", aliases=("费用名称", "fee name"))
COLUMNS = (COMMUNITY, ROUND, ITEM, QUANTITY, PRICE, AMOUNT, FEE)
TOTAL_WORDS = frozenset({"合计", "总计", "total", "grandtotal"})


@attrs.frozen
class InvoiceImport:
    """What importing one invoice file did (or, dry, would do)."""

    source: Path
    supermarket: str
    #: the invoices the file holds, as read
    invoices: tuple[Draft, ...] = ()
    #: records written (empty on a dry run, when a row was rejected, or when all were known)
    written: tuple[Record, ...] = ()
    #: (community, round, id of the invoice already in the ledger) per invoice not written again
    already: tuple[tuple[str, str, str], ...] = ()
    rejected: tuple[Rejection, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def lines(self) -> int:
        return sum(len(d.fields["lines"]) for d in self.invoices)

    def as_json(self) -> dict[str, object]:
        return {"invoices": len(self.invoices), "lines": self.lines,
                "written": [r.id for r in self.written],
                "already": [{"community": c, "round": r, "id": i} for c, r, i in self.already],
                "rejected": [r.as_json() for r in self.rejected]}


def import_invoice(desk: Desk, source: Path, *, supermarket: str, time: datetime,
                   community: str | None = None, round_: str | None = None,
                   dry_run: bool = False, operator: str | None = None) -> InvoiceImport:
    """Import ``source`` as ``supermarket``'s invoice(s) dated and recorded ``time``.

    :class:`DeskError` when the file cannot be read, has no sheet with the columns needed, or
    the supermarket is unknown; bad rows are returned as rejections and nothing is written.
    """
    from core.ledger import Ledgers

    source = Path(source)
    if supermarket not in desk.supermarkets:
        listed = ", ".join(sorted(desk.supermarkets)) or "none"
        raise DeskError([Problem(source, None, f"no supermarket {supermarket!r} on this desk "
                                 f"(known: {listed})", "supermarket")])
    writer = acting_name(desk, operator)
    sheet, columns, ignored = _choose_sheet(source, read_sheets(source), community, round_)
    reader = _Reader(desk, source, community, round_)
    groups = reader.read(sheet, columns)
    drafts = tuple(draft(Invoice, time=time, supermarket=supermarket, community=c, round=r,
                         lines=tuple(lines), fees=tuple(fees))
                   for (c, r), (lines, fees) in groups.items())
    result = InvoiceImport(source, supermarket, drafts, rejected=tuple(reader.rejected),
                           ignored_columns=ignored)
    if not result.ok:
        return result
    book = Ledgers(desk)
    if dry_run:
        return attrs.evolve(result, already=_known(book, drafts))
    with ledger_lock(desk.root, mode=desk.file_mode):
        already = _known(book, drafts)
        known = {(c, r) for c, r, _id in already}
        new = [d for d in drafts if (d.fields["community"], d.fields["round"]) not in known]
        written: list[Record] = []
        if new:
            _path, written = write_batch(desk.root, new, operator=writer,
                                         zone=desk.settings.zone, recorded=time,
                                         mode=desk.file_mode,
                                         check_open=book.open_check())
    return attrs.evolve(result, written=tuple(written), already=already)


def _known(book: Ledgers, drafts: Sequence[Draft]) -> tuple[tuple[str, str, str], ...]:
    """The drafts already in the ledger as a live invoice with the same body."""
    wanted = {(d.fields["supermarket"], d.fields["community"], d.fields["round"],
               d.fields["lines"], d.fields["fees"]) for d in drafts}
    found: dict[tuple[str, str], str] = {}
    reversed_: set[str] = set()
    for record in book.records():
        if not isinstance(record, Invoice):
            continue
        if record.reverses:
            reversed_.add(record.reverses)
        elif (record.supermarket, record.community, record.round, record.lines,
              record.fees) in wanted:
            found.setdefault((record.community, record.round), record.id)
    return tuple((c, r, i) for (c, r), i in found.items() if i not in reversed_)


def _choose_sheet(source: Path, sheets: Sequence[Sheet], community: str | None,
                  round_: str | None) -> tuple[Sheet, dict[int, RegisterColumn], tuple[str, ...]]:
    required = [c for c in COLUMNS if c.required]
    if community is None:
        required.append(COMMUNITY)
    if round_ is None:
        required.append(ROUND)
    why: list[str] = []
    for sheet in sheets:
        found: dict[int, RegisterColumn] = {}
        ignored: list[str] = []
        for position, header in enumerate(sheet.headers):
            column = next((c for c in COLUMNS if c.matches(header)), None)
            if column is not None and column not in found.values():
                found[position] = column
            elif header:
                ignored.append(header)
        missing = [c for c in required if c not in found.values()]
        if not missing:
            return sheet, found, tuple(ignored)
        why.append(f"sheet {sheet.name!r} has no column " + ", ".join(
            f"{c.zh}/{c.en}" for c in missing))
    hint = "" if community is not None and round_ is not None else \
        " (or give the community and round for the whole file)"
    raise DeskError([Problem(source, None, "not an invoice: " + ("; ".join(why) or "no sheet")
                             + hint)])


Groups = dict[tuple[str, str], tuple[list[InvoiceLine], list[Fee]]]


class _Reader:
    """Reading an invoice sheet's rows, collecting every rejection."""

    def __init__(self, desk: Desk, source: Path, community: str | None,
                 round_: str | None) -> None:
        self.desk, self.source = desk, source
        self.community, self.round = community, round_
        self.rejected: list[Rejection] = []

    def reject(self, row: SourceRow, column: RegisterColumn | None, message: str) -> None:
        header = f"{column.zh}/{column.en}" if column is not None else ""
        self.rejected.append(Rejection(self.source, row.sheet, row.number, header, message))

    def read(self, sheet: Sheet, columns: dict[int, RegisterColumn]) -> Groups:
        groups: Groups = {}
        totals: list[tuple[SourceRow, str]] = []
        for row in sheet.rows:
            cells = {column.key: row.cells[i].strip() if i < len(row.cells) else ""
                     for i, column in columns.items()}
            first = next((cell for cell in row.cells if cell.strip()), "")
            if header_key(first) in TOTAL_WORDS:
                totals.append((row, cells.get("amount", "")))
                continue
            key = self._key(row, cells)
            if cells.get("item"):
                line = self._line(row, cells)
                if key is not None and line is not None:
                    groups.setdefault(key, ([], []))[0].append(line)
            elif cells.get("fee"):
                fee = self._fee(row, cells)
                if key is not None and fee is not None:
                    groups.setdefault(key, ([], []))[1].append(fee)
            else:
                self.reject(row, ITEM, "no item (or fee name) on this row")
        for key, (lines, _fees) in groups.items():
            if not lines:
                self.reject(sheet.rows[0], ITEM, f"the invoice of {key[0]} round {key[1]} has "
                            "fees but no goods")
        for row, amount in totals:
            self._check_total(row, amount, groups)
        if not groups and not self.rejected:
            raise DeskError([Problem(self.source, None, f"sheet {sheet.name!r} has no lines")])
        return groups

    def _key(self, row: SourceRow, cells: dict[str, str]) -> tuple[str, str] | None:
        community = cells.get("community") or self.community or ""
        round_ = cells.get("round") or self.round or ""
        ok = True
        code = self._community(community)
        if code is None:
            self.reject(row, COMMUNITY, f"no community {community!r} on this desk"
                        if community else "no community")
            ok = False
        if not CODE_PATTERN.match(round_):
            self.reject(row, ROUND, f"{round_!r} is not a round's code" if round_ else "no round")
            ok = False
        return (code, round_) if ok and code is not None else None

    def _community(self, text: str) -> str | None:
        if text in self.desk.communities:
            return text
        for code, community in self.desk.communities.items():
            if text in (community.name, community.name_en):
                return code
        return None

    def _line(self, row: SourceRow, cells: dict[str, str]) -> InvoiceLine | None:
        item = quantity = price = None
        try:
            item = item_code(cells["item"], self.desk.catalogue)
        except BadValue as exc:
            self.reject(row, ITEM, str(exc))
        try:
            quantity = whole_number(cells.get("quantity", ""))
            if quantity == 0:
                raise BadValue("must be more than zero, got 0")
        except BadValue as exc:
            self.reject(row, QUANTITY, str(exc) if cells.get("quantity") else "no quantity")
        try:
            price = yuan_to_fen(cells.get("unit_price", ""))
        except BadValue as exc:
            self.reject(row, PRICE, str(exc) if cells.get("unit_price") else "no unit price")
        if item is None or quantity is None or price is None:
            return None
        amount = cells.get("amount", "")
        if amount:
            try:
                stated = yuan_to_fen(amount)
            except BadValue as exc:
                self.reject(row, AMOUNT, str(exc))
                return None
            if stated != quantity * price:
                self.reject(row, AMOUNT, f"{amount} is not {quantity} x {price / 100:.2f} = "
                            f"{quantity * price / 100:.2f}")
                return None
        return InvoiceLine(item=item, quantity=quantity, unit_price_fen=price)

    def _fee(self, row: SourceRow, cells: dict[str, str]) -> Fee | None:
        amount = cells.get("amount") or cells.get("unit_price") or ""
        try:
            fen = yuan_to_fen(amount)
            if fen == 0:
                raise BadValue("a fee must be more than zero")
        except BadValue as exc:
            self.reject(row, AMOUNT, str(exc) if amount else "a fee needs its amount")
            return None
        return Fee(name=cells["fee"], amount_fen=fen)

    def _check_total(self, row: SourceRow, amount: str, groups: Groups) -> None:
        if not amount:
            return
        try:
            stated = yuan_to_fen(amount)
        except BadValue as exc:
            self.reject(row, AMOUNT, str(exc))
            return
        total = sum(line.amount_fen for lines, _f in groups.values() for line in lines) + sum(
            fee.amount_fen for _l, fees in groups.values() for fee in fees)
        if stated != total and not self.rejected:
            self.reject(row, AMOUNT, f"the total {amount} is not the sum of the lines and fees, "
                        f"{total / 100:.2f}")
