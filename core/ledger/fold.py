"""The reconciler's fold: records are taken one at a time and only what later checks need is kept.

:class:`Fold` gathers; :class:`core.ledger.matching.Reconciler` adds the matching and checks
that close the books once every record is in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from core.ledger.columns import Entry, Group, InvoiceEntry, ReceiptEntry, SettlementEntry
from core.ledger.fastpicks import Picks, build_row, joined_values, picker, picks
from core.ledger.files import Batch, read_batch_rows
from core.ledger.findings import Finding, finding, yuan
from core.ledger.periods import ClosedPeriods
from core.ledger.records import (
    Collection,
    Decision,
    Invoice,
    Iou,
    Receipt,
    Record,
    Settlement,
    StockRecord,
)
from core.ledger.results import Scope
from core.ledger.stock import StockBook
from core.problems import Problem
from core.reference import CatalogueItem

#: the kinds :meth:`Fold.add_file` takes from their field values (most of a busy ledger), and
#: the fields it takes of each, after the kind, the line's match and the POSIX time
_TAKEN = {
    "collection": ("id", "amount_fen", "fee_fen", "household", "grid_worker", "community"),
    "iou": ("id", "amount_fen", "household", "grid_worker", "community", "supermarket",
            "round"),
    "stock_issue": ("id", "store", "item", "quantity", "request", "unit"),
    "stock_receipt": ("store", "item", "quantity"),
    "stock_return": ("id", "issue", "store", "item", "quantity"),
    "approval": ("id", "request", "decision"),
    "supply_request": ("id", "unit", "head", "lines"),
    "invoice": ("id", "supermarket", "community", "round", "lines", "fees"),
    "receipt": ("id", "invoice", "received_by", "lines"),
    "settlement": ("id", "ious", "grid_worker", "amount_fen"),
}

#: fields taken as one text (:func:`core.ledger.fastpicks.picker`): a collection's group key
_JOINED = {"collection": ("community", "supermarket", "round")}


@functools.cache
def _takes() -> Picks:
    """How :meth:`Fold.add_file` reads (its patterns compiled when first reconciling, not on
    import)."""
    return picks({kind: picker(kind, names, _JOINED.get(kind, ()))
                  for kind, names in _TAKEN.items()})


class Fold:
    """Fold ledger records one at a time; see :mod:`core.ledger.reconcile`."""

    def __init__(
        self,
        root: Path,
        *,
        catalogue: Mapping[str, CatalogueItem],
        zone: tzinfo,
        price_lists: Mapping[str, Mapping[str, int]] | None = None,
        closes: ClosedPeriods | None = None,
        start: date | None = None,
        end: date | None = None,
        scope: Scope | None = None,
        as_of: datetime | None = None,
    ) -> None:
        self.root = root
        self.catalogue = catalogue
        #: each supermarket's own prices (fen) by item: what a markup is measured against
        self.price_lists = price_lists or {}
        self.zone = zone
        self.closes = closes or ClosedPeriods((), ())
        self.start, self.end = start, end
        self.scope = scope or Scope()
        self.as_of = as_of
        self._from = datetime.combine(start, time(), zone).timestamp() if start else None
        self._to = (datetime.combine(end + timedelta(days=1), time(), zone).timestamp()
                    if end else None)
        #: (close, start, end, signed, the sealed files or None for a close without a seal)
        self._windows = [
            (c, *c.window(zone),
             None if c.sealed is None else frozenset(root / f.file for f in c.sealed))
            for c in self.closes.closes]
        self._unsealed_reported: set[tuple[str, Path]] = set()
        self._sealed_last: tuple[Path, object] | None = None
        self._latest = float("-inf")
        self._records = 0
        self._problems: list[Problem] = []
        self._pending: list[tuple[str, Finding]] = []
        self._groups: dict[tuple[str, str, str], Group] = {}
        #: each group's :meth:`Column.appends` of its collections, by the text of its key
        self._collection_appends: dict[str, tuple[Callable[[Any], None], ...]] = {}
        self._ious: dict[str, Entry] = {}
        self._invoice_ids: set[str] = set()
        self._receipts: list[ReceiptEntry] = []
        self._settlements: list[SettlementEntry] = []
        self._reversed: dict[str, tuple[Record, Path, int]] = {}
        #: reversals of a record already reversed (target, reversal, path, line): reported at the
        #: end, against the first reversal
        self._reversed_again: list[tuple[str, Record, Path, int]] = []
        self._intern: dict[str, str] = {}
        self.stock = StockBook(catalogue)
        self._day_cache: dict[int, int] = {}
        self._worker_communities: set[str] = set()
        self._paths: list[Path] = []
        self._path_index: dict[Path, int] = {}
        self._last_path: Path | None = None
        self._last_index = 0

    # --- folding -------------------------------------------------------------------------------

    def emit(self, record_id: str, found: Finding) -> None:
        """Keep a finding; it is dropped at the end if ``record_id`` turns out to be reversed."""
        self._pending.append((record_id, found))

    def add_batch(self, batch: Batch) -> None:
        self._problems.extend(batch.problems)
        add = self.add
        path = batch.path
        for record, line in zip(batch.records, batch.lines, strict=True):
            add(record, path, line)

    def add_file(self, path: Path) -> None:
        """Take the batch file at ``path``: as :meth:`add_batch` of it read, but the records of
        the commonest kinds, read the fast way, are taken from their fields without being
        built (:func:`core.ledger.fastpicks.read_fast_picks`): only the fields the fold keeps,
        and the time as a POSIX time, with no datetime made."""
        read = read_batch_rows(path, _takes())
        if isinstance(read, Batch):
            self.add_batch(read)
            return
        rows, line = read
        add = self.add
        windows = self._windows
        start, end = self._from, self._to
        file = self._file(path)
        appends = self._collection_appends
        intern = self._intern.setdefault
        stock = self.stock
        ordinal = self._ordinal
        taken, latest = 0, self._latest
        for row in rows:
            if row.__class__ is not tuple:
                add(row, path, line)  # type: ignore[arg-type]
                line += 1
                continue
            kind, at = row[0], row[2]
            if windows and any(w[1] <= at < w[2] for w in windows):
                # what :meth:`_check_closed` reads is the record
                add(build_row(row), path, line)
                line += 1
                continue
            taken += 1
            if at > latest:
                latest = at
            if kind == "collection":
                # :meth:`_collection`, in line: most of a ledger is collections
                if (start is None or at >= start) and (end is None or at < end):
                    _k, _line, _at, record_id, amount, fee, household, worker, where = row
                    # ``where``: the text of its community, supermarket and round
                    column = appends.get(where)
                    if column is None:
                        column = appends[where] = self._group(
                            *joined_values(where)).collections.appends()
                    # :meth:`Column.append`, in line; households are not interned: their
                    # table, as large as the register, cost more time in look-ups than their
                    # copies cost memory (15 MB a million)
                    add_id, add_amount, add_at, add_file, add_line, add_household, add_worker \
                        = column
                    add_id(record_id)
                    add_amount(amount)
                    add_at(at)
                    add_file(file)
                    add_line(line)
                    add_household(household)
                    add_worker(intern(worker, worker))
                    if fee:
                        community, supermarket, _round = joined_values(where)
                        self._fee(record_id, fee, community, supermarket, worker, path, line)
            elif kind == "stock_issue":
                _k, _line, _at, record_id, store, item, quantity, request, unit = row
                stock.issue(record_id, at, store, item, quantity, request, unit, path, line,
                            ordinal(at))
            elif kind == "stock_receipt":
                stock.receive(row[3], row[4], row[5], ordinal(at))
            elif kind == "stock_return":
                _k, _line, _at, record_id, issue, store, item, quantity = row
                stock.take_return(record_id, issue, store, item, quantity, path, line,
                                  ordinal(at))
            elif kind == "approval":
                stock.approve(row[3], row[4], at, row[5] is Decision.APPROVED)
            elif kind == "supply_request":
                stock.request(row[3], row[4], row[5], row[6], path, line)
            elif kind == "invoice":
                _k, _line, _at, record_id, supermarket, community, round_, lines, fees = row
                self._invoice(record_id, at, supermarket, community, round_, lines, fees, path,
                              line, (start is None or at >= start) and (end is None or at < end))
            elif kind == "settlement":
                _k, _line, _at, record_id, ious, worker, amount = row
                if end is None or at < end:
                    self._settlements.append(SettlementEntry(
                        record_id, ious, amount, at, self._s(worker), path, line))
            elif kind == "receipt":
                _k, _line, _at, record_id, invoice, received_by, lines = row
                self._receipts.append(ReceiptEntry(
                    record_id, invoice,
                    tuple([(item, quantity, difference or "", substitute)
                           for item, quantity, difference, substitute in lines]),
                    received_by, path, line))
            else:
                _k, _line, _at, record_id, amount, household, worker, community, supermarket, \
                    round_ = row
                self._iou(record_id, at, amount, household, worker, community, supermarket,
                          round_, path, line,
                          (start is None or at >= start) and (end is None or at < end))
            line += 1
        self._records += taken
        self._latest = max(self._latest, latest)

    def _ordinal(self, at: float) -> int:
        """The day (in the desk's zone) of POSIX time ``at``, as a date ordinal.

        Cached per quarter hour: every UTC offset in use is a whole number of quarter hours.
        """
        quarter = int(at // 900)
        day = self._day_cache.get(quarter)
        if day is None:
            day = datetime.fromtimestamp(quarter * 900, self.zone).date().toordinal()
            self._day_cache[quarter] = day
        return day

    def add(self, record: Record, path: Path, line: int) -> None:
        """Take one record read from ``path`` at ``line``."""
        self._records += 1
        at = record.time.timestamp()
        if at > self._latest:
            self._latest = at
        if self._windows:
            self._check_closed(record, at, path, line)
        if record.reverses:
            target = record.reverses
            if target in self._reversed:
                self._reversed_again.append((target, record, path, line))
                return
            # the original is dropped (money) or taken back out of the stock book (stock) when
            # the books are closed, so that the fold does not depend on the order of the files
            self._reversed[target] = (record, path, line)
            return
        if isinstance(record, StockRecord) or record.KIND in ("supply_request", "approval"):
            self.stock.add(record, path, line, self._ordinal(at))
            return
        in_period = (self._from is None or at >= self._from) and (self._to is None or at < self._to)
        if isinstance(record, Collection):
            if in_period:
                self._collection(record, at, path, line)
        elif isinstance(record, Iou):
            self._iou(record.id, at, record.amount_fen, record.household, record.grid_worker,
                      record.community, record.supermarket, record.round, path, line, in_period)
        elif isinstance(record, Settlement):
            if self._to is None or at < self._to:
                self._settlements.append(SettlementEntry(
                    record.id, record.ious, record.amount_fen, at, self._s(record.grid_worker),
                    path, line))
        elif isinstance(record, Invoice):
            self._invoice(record.id, at, record.supermarket, record.community, record.round,
                          tuple((ln.item, ln.quantity, ln.unit_price_fen) for ln in record.lines),
                          tuple((fee.name, fee.amount_fen) for fee in record.fees), path, line,
                          in_period)
        elif isinstance(record, Receipt):
            self._receipts.append(ReceiptEntry(
                record.id, record.invoice,
                tuple((ln.item, ln.quantity, ln.difference.value if ln.difference else "",
                       ln.substitute) for ln in record.lines),
                record.received_by, path, line))

    def _check_closed(self, record: Record, at: float, path: Path, line: int) -> None:
        for close, start, end, signed, sealed in self._windows:
            if not start <= at < end:
                continue
            if sealed is not None:
                # the seal says which files the period had: no clock is trusted
                if self._sealed_last == (path, close):
                    return  # the record before, in the same sealed file
                if path in sealed:
                    self._sealed_last = (path, close)
                elif (close.name, path) not in self._unsealed_reported:
                    self._unsealed_reported.add((close.name, path))
                    self.emit("", finding(
                        "sealed_file_added", path, line, record=record.id,
                        day=record.time.astimezone(self.zone).date(), period=close.name,
                        file=self._shown(path)))
            elif record.recorded.timestamp() > signed:
                self.emit(record.id, finding(
                    "closed_period", path, line, record=record.id,
                    day=record.time.astimezone(self.zone).date(), period=close.name,
                    signed=close.signed.isoformat()))
            return

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def _s(self, value: str) -> str:
        return self._intern.setdefault(value, value)

    def _iou(self, record_id: str, at: float, amount: int, household: str, grid_worker: str,
             community: str, supermarket: str, round_: str, path: Path, line: int,
             in_period: bool) -> None:
        if self._to is None or at < self._to:  # IOUs stay open across periods until settled
            s = self._s
            entry = Entry(record_id, amount, at, path, line, s(household), s(grid_worker),
                          s(community), s(supermarket))
            self._ious[record_id] = entry
            if in_period:
                self._group(community, supermarket, round_).ious.append(entry)

    def _group(self, community: str, supermarket: str, round_: str) -> Group:
        key = (community, supermarket, round_)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = Group(community, supermarket, self._paths)
        return group

    def _file(self, path: Path) -> int:
        if path is not self._last_path:
            index = self._path_index.get(path)
            if index is None:
                index = self._path_index[path] = len(self._paths)
                self._paths.append(path)
            self._last_path, self._last_index = path, index
        return self._last_index

    def _collection(self, record: Collection, at: float, path: Path, line: int) -> None:
        s = self._s
        self._group(record.community, record.supermarket, record.round).collections.append(
            record.id, record.amount_fen, at, self._file(path), line, s(record.household),
            s(record.grid_worker))
        if record.fee_fen:
            self._fee(record.id, record.fee_fen, record.community, record.supermarket,
                      record.grid_worker, path, line)

    def _fee(self, record_id: str, fee: int, community: str, supermarket: str, grid_worker: str,
             path: Path, line: int) -> None:
        self.emit(record_id, finding(
            "fee", path, line, record=record_id, amount_fen=fee, community=community,
            supermarket=supermarket, grid_worker=grid_worker, name="代收服务费 collection fee"))

    def _invoice(self, record_id: str, at: float, supermarket: str, community: str, round_: str,
                 lines: tuple[tuple[str, int, int], ...], fees: tuple[tuple[str, int], ...],
                 path: Path, line: int, in_period: bool) -> None:
        """Take an invoice (its fields; lines as (item, quantity, unit price), fees as (name,
        amount))."""
        self._invoice_ids.add(record_id)
        if in_period:
            total = sum(q * p for _i, q, p in lines) + sum(amount for _n, amount in fees)
            self._group(community, supermarket, round_).invoices.append(
                InvoiceEntry(record_id, at, round_, lines, total, path, line))
            self._check_prices(record_id, supermarket, community, lines, fees, path, line)

    def _check_prices(self, record_id: str, supermarket: str, community: str,
                      lines: tuple[tuple[str, int, int], ...], fees: tuple[tuple[str, int], ...],
                      path: Path, line: int) -> None:
        """Each line of an invoice against the supermarket's own list price (不得加价); the
        catalogue's price only for an item the supermarket lists no price for, and the finding
        says so."""
        where: dict[str, Any] = dict(community=community, supermarket=supermarket)
        own = self.price_lists.get(supermarket, {})
        for code, quantity, unit_price in lines:
            item = self.catalogue.get(code)
            if item is None:
                self.emit(record_id, finding("unknown_item", path, line, record=record_id,
                                             item=code, **where))
                continue
            listed = own.get(item.code)
            if listed is None:
                listed = item.price_fen
                basis_zh = f"目录价 (超市 {supermarket} 价目表未列此商品)"
                basis_en = f"the catalogue price ({supermarket} lists no price for it)"
            else:
                basis_zh = f"超市 {supermarket} 价目表价"
                basis_en = f"{supermarket}'s list price"
            if unit_price > listed:
                per_unit = unit_price - listed
                self.emit(record_id, finding(
                    "markup", path, line, record=record_id, item=item.code,
                    amount_fen=per_unit * quantity, item_name=item.name,
                    item_name_en=item.name_en,
                    unit=item.unit, price=yuan(unit_price),
                    listed=yuan(listed), diff=yuan(per_unit), basis_zh=basis_zh,
                    basis_en=basis_en, **where))
        for name, amount in fees:
            self.emit(record_id, finding("fee", path, line, record=record_id,
                                         amount_fen=amount, name=name, **where))

