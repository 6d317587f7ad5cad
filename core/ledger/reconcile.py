"""The reconciler (对账): money collected vs invoiced vs received, IOUs, markups, stock.

For a period and a scope (a community, a grid worker or a supermarket) it

* groups collections and IOUs by community, supermarket and round and matches each group with the
  supermarket's invoice for that round (many collections to one invoice) and the invoice with its
  delivery receipts; every match gets a stable id (``M-`` and the first invoice's id) and is
  written as a match record; what is left unmatched on either side is an open item with its age;
* matches IOU settlements with the IOUs they name, allowing partial and combined settlements
  (``M-`` and the first IOU's id);
* flags any price above the catalogue's listed price and any fee (不得加价, 不得收取服务费),
  suspected duplicate collections (same household, amount and day), and what a delivery receipt
  says went wrong;
* checks the stock books (:mod:`core.ledger.stock`), reversals, and signed-off periods: every
  file of a period's seal unchanged, no other file holding a record of the period.

A reversal takes effect on its own date: reconciling a period that ends before it counts the
record it reverses, so a signed-off period keeps the figures and findings it had.

Every finding names a record's file and line and suggests the next action; all are reported.

The reconciler is a fold (:class:`Reconciler`): records are added one at a time as batches are
read, and only the little each later check needs is kept, so a million records reconcile in a few
seconds and a few hundred megabytes. A fold of consecutive batch files can be handed over in
parts and merged into the fold of the files before them with the same result, which is how
:func:`reconcile` reads large ledgers in several processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
import tempfile
import threading
import traceback
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Set
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, time, timedelta, tzinfo
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any, NamedTuple

import attrs

from core import identity
from core.ledger.files import Batch, batch_of, batch_paths, path_of_batch, read_batch
from core.ledger.findings import Finding, Severity, finding, yuan
from core.ledger.periods import ClosedPeriods, load_closes, seal_breaches
from core.ledger.records import (
    Collection,
    Invoice,
    Iou,
    Receipt,
    Record,
    Settlement,
    StockRecord,
    id_key,
)
from core.ledger.stock import StockBook, StockLine
from core.problems import Problem
from core.reference import CatalogueItem

#: why a sealed file counts as changed, in Chinese and English
_BREACHES = {
    "changed": ("SHA-256 不符", "its SHA-256 differs"),
    "unreadable": ("已不是可读的普通文件", "it is no longer a regular file that can be read"),
}

#: a round's invoice is due this many days after the first collection (rounds are every 3 days)
INVOICE_DUE_DAYS = 3
#: a delivery receipt is due this many days after the invoice
RECEIPT_DUE_DAYS = 1


@attrs.frozen
class Scope:
    """Whose records to report: one community, one grid worker or one supermarket, or all."""

    community: str = ""
    grid_worker: str = ""
    supermarket: str = ""

    @property
    def everything(self) -> bool:
        return not (self.community or self.grid_worker or self.supermarket)

    def admits(self, community: str = "", supermarket: str = "", grid_worker: str = "") -> bool:
        return ((not self.community or community == self.community)
                and (not self.supermarket or supermarket == self.supermarket)
                and (not self.grid_worker or grid_worker == self.grid_worker))


@attrs.frozen
class OpenItem:
    """Something on one side with nothing yet on the other (未达账项), and how old it is."""

    kind: str  # collection, iou, invoice (unpaid), delivery (invoice awaiting its receipt)
    record: str
    path: Path
    line: int
    amount_fen: int
    since: date
    age_days: int
    community: str = ""
    supermarket: str = ""
    grid_worker: str = ""
    household: str = ""


@attrs.frozen
class Match:
    """Records that belong together (对账匹配), with a stable id."""

    id: str
    kind: str  # "delivery" (collections + IOUs + invoices + receipts) or "iou" (IOUs + settlements)
    members: tuple[str, ...]
    community: str = ""
    supermarket: str = ""
    round: str = ""
    collected_fen: int = 0
    iou_fen: int = 0
    invoiced_fen: int = 0
    received_fen: int = 0
    settled_fen: int = 0
    balanced: bool = True


@attrs.frozen
class MoneyTotals:
    """Money in scope, in fen. ``collected = matched + open``; ``ious = settled + ious_open``."""

    collected: int = 0
    matched: int = 0
    open: int = 0
    invoiced: int = 0
    received: int = 0
    ious: int = 0
    settled: int = 0
    ious_open: int = 0
    markup: int = 0
    fees: int = 0


@attrs.frozen
class Reconciliation:
    """The result of reconciling a desk's ledgers for a period and a scope."""

    root: Path
    start: date | None
    end: date | None
    scope: Scope
    as_of: datetime
    records: int
    findings: tuple[Finding, ...]
    open_items: tuple[OpenItem, ...]
    matches: tuple[Match, ...]
    money: MoneyTotals
    stock: tuple[StockLine, ...]
    problems: tuple[Problem, ...]

    @property
    def balanced(self) -> bool:
        """No findings and no unreadable records."""
        return not self.findings and not self.problems

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


class _Entry(NamedTuple):
    """What is kept of a collection or an IOU."""

    id: str
    amount: int
    at: float
    path: Path
    line: int
    household: str
    grid_worker: str
    community: str
    supermarket: str


class _Settlement(NamedTuple):
    id: str
    ious: tuple[str, ...]
    amount_fen: int
    at: float
    grid_worker: str
    path: Path
    line: int


class _Invoice(NamedTuple):
    """What is kept of an invoice in the period: its lines as (item, quantity, unit price)."""

    id: str
    at: float
    round: str
    lines: tuple[tuple[str, int, int], ...]
    total_fen: int
    path: Path
    line: int

    @property
    def goods_fen(self) -> int:
        return sum(quantity * price for _item, quantity, price in self.lines)


class _Receipt(NamedTuple):
    """What is kept of a delivery receipt: lines as (item, quantity, difference, substitute)."""

    id: str
    invoice: str
    lines: tuple[tuple[str, int, str, str], ...]
    received_by: str
    path: Path
    line: int


class _Column:
    """The collections of one group, column by column: a million of them fit in little memory.

    Numbers live in typed arrays (8 bytes each instead of a Python object); iterating gives
    :class:`_Entry` values made on the fly.
    """

    __slots__ = ("amounts", "at", "community", "files", "households", "ids", "lines", "paths",
                 "supermarket", "workers")

    def __init__(self, community: str, supermarket: str, paths: list[Path]) -> None:
        self.community, self.supermarket, self.paths = community, supermarket, paths
        self.ids: list[str] = []
        self.households: list[str] = []
        self.workers: list[str] = []
        self.amounts = array("q")
        self.at = array("d")
        self.files = array("l")
        self.lines = array("l")

    def append(self, record_id: str, amount: int, at: float, file: int, line: int,
               household: str, worker: str) -> None:
        self.ids.append(record_id)
        self.amounts.append(amount)
        self.at.append(at)
        self.files.append(file)
        self.lines.append(line)
        self.households.append(household)
        self.workers.append(worker)

    def __len__(self) -> int:
        return len(self.ids)

    def entry(self, index: int) -> _Entry:
        return _Entry(self.ids[index], self.amounts[index], self.at[index],
                      self.paths[self.files[index]], self.lines[index], self.households[index],
                      self.workers[index], self.community, self.supermarket)

    def __iter__(self) -> Iterator[_Entry]:
        return map(self.entry, range(len(self.ids)))

    def extend(self, later: _Column, file_offset: int) -> None:
        """Append ``later``'s entries; its file numbers count from ``file_offset`` here."""
        self.ids.extend(later.ids)
        self.amounts.extend(later.amounts)
        self.at.extend(later.at)
        self.files.extend(array("l", (file + file_offset for file in later.files)))
        self.lines.extend(later.lines)
        self.households.extend(later.households)
        self.workers.extend(later.workers)

    def __getstate__(self) -> tuple[Any, ...]:
        # ids are joined into one text and names numbered: a column pickles as a few big objects
        # instead of a million small ones; its files are numbers the receiver shifts
        households, household_codes = _numbered(self.households)
        workers, worker_codes = _numbered(self.workers)
        return (self.community, self.supermarket, "\n".join(self.ids), households,
                household_codes, workers, worker_codes, self.amounts, self.at, self.files,
                self.lines)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.community, self.supermarket, ids, households, household_codes, workers,
         worker_codes, self.amounts, self.at, self.files, self.lines) = state
        self.ids = ids.split("\n") if ids else []
        self.households = [households[code] for code in household_codes]
        self.workers = [workers[code] for code in worker_codes]
        self.paths = []

    def live(self, reversed_ids: Set[str]) -> _Column:
        """This column without the entries in ``reversed_ids`` (itself when it has none)."""
        if not reversed_ids or reversed_ids.isdisjoint(self.ids):
            return self
        kept = _Column(self.community, self.supermarket, self.paths)
        for index, record_id in enumerate(self.ids):
            if record_id not in reversed_ids:
                kept.append(record_id, self.amounts[index], self.at[index], self.files[index],
                            self.lines[index], self.households[index], self.workers[index])
        return kept


def _numbered(values: list[str]) -> tuple[list[str], array[int]]:
    """(the distinct values in order of appearance, each value's number in that list)."""
    numbers: dict[str, int] = {}
    codes = array("l", [numbers.setdefault(value, len(numbers)) for value in values])
    return list(numbers), codes


class _Group:
    __slots__ = ("collections", "invoices", "ious")

    def __init__(self, community: str, supermarket: str, paths: list[Path]) -> None:
        self.collections = _Column(community, supermarket, paths)
        self.ious: list[_Entry] = []
        self.invoices: list[_Invoice] = []


class Reconciler:
    """Fold ledger records into a :class:`Reconciliation`; see the module docstring."""

    def __init__(
        self,
        root: Path,
        *,
        catalogue: Mapping[str, CatalogueItem],
        zone: tzinfo,
        closes: ClosedPeriods | None = None,
        start: date | None = None,
        end: date | None = None,
        scope: Scope | None = None,
        as_of: datetime | None = None,
    ) -> None:
        self.root = root
        self.catalogue = catalogue
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
        self._groups: dict[tuple[str, str, str], _Group] = {}
        self._ious: dict[str, _Entry] = {}
        self._invoice_ids: set[str] = set()
        self._receipts: list[_Receipt] = []
        self._settlements: list[_Settlement] = []
        self._reversed: dict[str, tuple[Record, Path, int]] = {}
        #: reversals of a record already reversed (target, reversal, path, line): reported at the
        #: end, against the first reversal of all the files, whichever part it was folded in
        self._reversed_again: list[tuple[str, Record, Path, int]] = []
        self._intern: dict[str, str] = {}
        self.stock = StockBook(catalogue)
        self._day_cache: dict[int, int] = {}
        self._worker_communities: set[str] = set()
        self._paths: list[Path] = []
        self._path_index: dict[Path, int] = {}
        self._last_path: Path | None = None
        self._last_index = 0
        self._merged_offset = 0

    # --- folding -------------------------------------------------------------------------------

    def parts(self) -> Iterator[tuple[str, Any]]:
        """What the fold gathered, in parts to :meth:`merge_part` into the reconciler of the
        batch files before these. Each part is let go of once taken, and the reconciler is left
        empty, ready to fold the files that come next."""
        yield "head", (self._records, self._latest, self._problems, self._pending, self._paths,
                       self._reversed, self._reversed_again, self._invoice_ids)
        self._records, self._latest = 0, float("-inf")
        self._problems, self._pending, self._paths = [], [], []
        self._reversed, self._reversed_again, self._invoice_ids = {}, [], set()
        self._path_index, self._last_path, self._intern = {}, None, {}
        yield "groups", list(self._groups.items())
        self._groups = {}
        yield "ious", self._ious
        self._ious = {}
        yield "receipts", self._receipts
        self._receipts = []
        yield "settlements", self._settlements
        self._settlements = []
        yield from self.stock.parts()

    def merge_part(self, part: tuple[str, Any]) -> None:
        """Take in one of :meth:`parts` of a reconciler of the batch files after this one's.

        The result is the same as folding all the files here, in order: lists are appended in
        file order, and a record reversed in both parts is a double reversal of the later one.
        """
        name, value = part
        if name == "head":
            records, latest, problems, pending, paths, reversed_, again, invoice_ids = value
            self._records += records
            self._latest = max(self._latest, latest)
            self._problems.extend(problems)
            self._pending.extend(pending)
            self._merged_offset = len(self._paths)
            for path in paths:
                self._path_index[path] = len(self._paths)
                self._paths.append(path)
            self._last_path = None
            self._invoice_ids.update(invoice_ids)
            for target, (record, path, line) in reversed_.items():
                if target in self._reversed:
                    self._reversed_again.append((target, record, path, line))
                else:
                    self._reversed[target] = (record, path, line)
            self._reversed_again.extend(again)
        elif name == "groups":
            s = self._s
            for key, group in value:
                mine = self._group(*key)
                later = group.collections
                later.households = [s(h) for h in later.households]
                later.workers = [s(w) for w in later.workers]
                mine.collections.extend(later, self._merged_offset)
                mine.ious.extend(group.ious)
                mine.invoices.extend(group.invoices)
        elif name == "ious":
            self._ious.update(value)
        elif name == "receipts":
            self._receipts.extend(value)
        elif name == "settlements":
            self._settlements.extend(value)
        else:
            self.stock.merge_part(part)

    def emit(self, record_id: str, found: Finding) -> None:
        """Keep a finding; it is dropped at the end if ``record_id`` turns out to be reversed."""
        self._pending.append((record_id, found))

    def add_batch(self, batch: Batch) -> None:
        self._problems.extend(batch.problems)
        add = self.add
        path = batch.path
        for record, line in zip(batch.records, batch.lines, strict=True):
            add(record, path, line)

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
            if self._to is None or at < self._to:  # IOUs stay open across periods until settled
                entry = self._entry(record, at, path, line)
                self._ious[record.id] = entry
                if in_period:
                    self._group(record.community, record.supermarket, record.round).ious.append(
                        entry)
        elif isinstance(record, Settlement):
            if self._to is None or at < self._to:
                self._settlements.append(_Settlement(
                    record.id, record.ious, record.amount_fen, at, self._s(record.grid_worker),
                    path, line))
        elif isinstance(record, Invoice):
            self._invoice_ids.add(record.id)
            if in_period:
                self._group(record.community, record.supermarket, record.round).invoices.append(
                    _Invoice(record.id, at, record.round,
                             tuple((ln.item, ln.quantity, ln.unit_price_fen)
                                   for ln in record.lines), record.total_fen, path, line))
                self._check_prices(record, path, line)
        elif isinstance(record, Receipt):
            self._receipts.append(_Receipt(
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

    def _entry(self, record: Collection | Iou, at: float, path: Path, line: int) -> _Entry:
        s = self._s
        return _Entry(record.id, record.amount_fen, at, path, line, s(record.household),
                      s(record.grid_worker), s(record.community), s(record.supermarket))

    def _group(self, community: str, supermarket: str, round_: str) -> _Group:
        key = (community, supermarket, round_)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(community, supermarket, self._paths)
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
            self.emit(record.id, finding(
                "fee", path, line, record=record.id, amount_fen=record.fee_fen,
                community=record.community, supermarket=record.supermarket,
                grid_worker=record.grid_worker, name="代收服务费 collection fee"))

    def _check_prices(self, invoice: Invoice, path: Path, line: int) -> None:
        where: dict[str, Any] = dict(community=invoice.community, supermarket=invoice.supermarket)
        for invoice_line in invoice.lines:
            item = self.catalogue.get(invoice_line.item)
            if item is None:
                self.emit(invoice.id, finding("unknown_item", path, line, record=invoice.id,
                                              item=invoice_line.item, **where))
                continue
            if invoice_line.unit_price_fen > item.price_fen:
                per_unit = invoice_line.unit_price_fen - item.price_fen
                self.emit(invoice.id, finding(
                    "markup", path, line, record=invoice.id, item=item.code,
                    amount_fen=per_unit * invoice_line.quantity, item_name=item.name,
                    item_name_en=item.name_en,
                    unit=item.unit, price=yuan(invoice_line.unit_price_fen),
                    listed=yuan(item.price_fen), diff=yuan(per_unit), **where))
        for fee in invoice.fees:
            self.emit(invoice.id, finding("fee", path, line, record=invoice.id,
                                          amount_fen=fee.amount_fen, name=fee.name, **where))

    # --- closing the books ---------------------------------------------------------------------

    def finish(self) -> Reconciliation:
        """Match, check and report; the reconciler should not be used afterwards."""
        as_of = self.as_of
        if as_of is None:
            latest = self._latest if self._latest != float("-inf") else datetime.now().timestamp()
            as_of = datetime.fromtimestamp(latest, self.zone)
        self._as_of = as_of.timestamp()
        self._verify_reversals()
        for target, again, again_path, again_line in self._reversed_again:
            self.emit("", finding("double_reversal", again_path, again_line, record=again.id,
                                  target=target, first=self._reversed[target][0].id))
        # a reversal takes effect on its own date: one dated after the period does not touch it
        reversed_ids = {target for target, (reversal, _path, _line) in self._reversed.items()
                        if self._to is None or reversal.time.timestamp() < self._to}
        for reversal, at_path, at_line in self._reversed.values():
            if isinstance(reversal, StockRecord):
                self.stock.add(reversal, at_path, at_line,
                               self._ordinal(reversal.time.timestamp()), -1)
        open_items: list[OpenItem] = []
        matches: list[Match] = []
        money = self._deliveries(reversed_ids, open_items, matches)
        money = self._settle(reversed_ids, open_items, matches, money)
        first_day = self.start.toordinal() if self.start else None
        last_day = self.end.toordinal() if self.end else None
        stock_lines = self.stock.finish(reversed_ids, self.emit, first_day, last_day)
        if not self.scope.everything:
            stock_lines = []
        for close, path, line in self.closes.rejected:
            self.emit("", finding("unauthorised_close", path, line, signed_by=close.signed_by))
        self._check_seals()
        for entry, first in self._duplicates(reversed_ids):
            self.emit(entry.id, finding(
                "suspected_duplicate", entry.path, entry.line, record=entry.id,
                amount_fen=entry.amount, community=entry.community,
                supermarket=entry.supermarket, grid_worker=entry.grid_worker,
                household=entry.household, first=first.id, related=(first.id,),
                day=datetime.fromtimestamp(entry.at, self.zone).date()))
        findings = sorted(
            (f for record_id, f in self._pending
             if record_id not in reversed_ids and self._in_scope(f)),
            key=Finding.sort_key)
        markup = sum(f.amount_fen for f in findings if f.code == "markup")
        fees = sum(f.amount_fen for f in findings if f.code == "fee")
        money = attrs.evolve(money, markup=markup, fees=fees)
        problems = sorted((*self.closes.problems, *self._problems),
                          key=lambda p: (str(p.path), p.line or 0))
        return Reconciliation(
            root=self.root, start=self.start, end=self.end, scope=self.scope, as_of=as_of,
            records=self._records, findings=tuple(findings),
            open_items=tuple(open_items),
            matches=tuple(sorted(matches, key=lambda m: id_key(m.id[2:]))), money=money,
            stock=tuple(stock_lines), problems=tuple(problems))

    def _check_seals(self) -> None:
        for close in self.closes.closes:
            for sealed, breach in seal_breaches(self.root, close):
                why, why_en = _BREACHES.get(breach, ("", ""))
                self.emit("", finding(
                    "sealed_file_removed" if breach == "removed" else "sealed_file_changed",
                    self.root / sealed.file, None, file=sealed.file, period=close.name,
                    sha256=sealed.sha256, why=why, why_en=why_en))

    def _duplicates(self, reversed_ids: set[str]) -> Iterator[tuple[_Entry, _Entry]]:
        """(later, earliest) collections of one household with the same amount on the same day.

        Looked for one community at a time (a household lives in one), so the table of what has
        been seen stays small.
        """
        by_community: dict[str, list[_Column]] = {}
        for (community, _supermarket, _round), group in self._groups.items():
            by_community.setdefault(community, []).append(group.collections.live(reversed_ids))
        day_cache = self._day_cache
        ordinal = self._ordinal

        def day_of(at: float) -> int:
            day = day_cache.get(int(at // 900))
            return ordinal(at) if day is None else day

        def earliest(entry: _Entry) -> tuple[float, tuple[int, int, int]]:
            return entry.at, id_key(entry.id)

        for _community, columns in sorted(by_community.items()):
            # a collection is known by its place among the community's collections
            seen: dict[tuple[str, int, int], int] = {}
            claim = seen.setdefault
            repeated: dict[tuple[str, int, int], list[int]] = {}
            starts: list[int] = []
            place = 0
            for column in columns:
                starts.append(place)
                for key in zip(column.households, column.amounts, map(day_of, column.at),
                               strict=True):
                    first = claim(key, place)
                    if first != place:
                        repeated.setdefault(key, [first]).append(place)
                    place += 1
            for places in repeated.values():
                entries = sorted((self._at_place(columns, starts, p) for p in places),
                                 key=earliest)
                for entry in entries[1:]:
                    yield entry, entries[0]

    @staticmethod
    def _at_place(columns: list[_Column], starts: list[int], place: int) -> _Entry:
        which = bisect_right(starts, place) - 1
        return columns[which].entry(place - starts[which])

    def _in_scope(self, found: Finding) -> bool:
        scope = self.scope
        if scope.everything:
            return True
        if found.code.startswith(("reversal_", "double_reversal", "closed_period",
                                  "unauthorised_close", "sealed_file_")):
            return True
        if found.store:
            return False  # stock belongs to the desk, not to a community
        if scope.grid_worker and not found.grid_worker:
            return bool(found.community) and found.community in self._worker_communities
        return scope.admits(found.community, found.supermarket,
                            found.grid_worker if scope.grid_worker else "")

    def _age(self, at: float) -> int:
        return max(0, int((self._as_of - at) // 86400))

    def _day(self, at: float) -> date:
        return datetime.fromtimestamp(at, self.zone).date()

    def _deliveries(self, reversed_ids: set[str], open_items: list[OpenItem],
                    matches: list[Match]) -> MoneyTotals:
        scope = self.scope
        collected = matched = open_ = invoiced_total = received_total = 0
        receipts: dict[str, list[_Receipt]] = {}
        for receipt in self._receipts:
            if receipt.id in reversed_ids:
                continue
            if receipt.invoice not in self._invoice_ids:
                self.emit(receipt.id, finding("unknown_invoice", receipt.path, receipt.line,
                                              record=receipt.id, invoice=receipt.invoice))
                continue
            receipts.setdefault(receipt.invoice, []).append(receipt)
        for (community, supermarket, round_), group in sorted(self._groups.items()):
            # collections stay in their column: entries are made only for what is reported
            column = group.collections.live(reversed_ids)
            ious = [e for e in group.ious if e.id not in reversed_ids]
            invoices = sorted((i for i in group.invoices if i.id not in reversed_ids),
                              key=lambda i: id_key(i.id))
            counted: Iterable[int]
            if scope.grid_worker:
                counted = [i for i, w in enumerate(column.workers) if w == scope.grid_worker]
                if not counted and all(e.grid_worker != scope.grid_worker for e in ious):
                    continue
                self._worker_communities.add(community)
                group_collected = sum(column.amounts[i] for i in counted)
            elif not scope.admits(community, supermarket):
                continue
            else:
                counted = range(len(column))
                group_collected = sum(column.amounts)
            where: dict[str, Any] = dict(community=community, supermarket=supermarket)
            collected += group_collected
            collections_fen = sum(column.amounts)
            ious_fen = sum(e.amount for e in ious)
            funded = collections_fen + ious_fen
            if not invoices:
                open_ += group_collected
                for index in counted:
                    open_items.append(self._open("collection", column.entry(index)))
                if column or ious:
                    oldest = min((*column, *ious), key=lambda e: e.at)
                    age = self._age(oldest.at)
                    if age > INVOICE_DUE_DAYS:
                        self.emit("", finding(
                            "not_invoiced", oldest.path, oldest.line, record=oldest.id,
                            amount_fen=funded, round=round_, count=len(column) + len(ious),
                            age=age, related=(*column.ids, *(e.id for e in ious)), **where))
                continue
            matched += group_collected
            first = invoices[0]
            invoiced = sum(i.total_fen for i in invoices)
            invoiced_total += invoiced
            received = 0
            members: list[str] = [*column.ids, *(e.id for e in ious)]
            for invoice in invoices:
                members.append(invoice.id)
                got = receipts.get(invoice.id, [])
                members.extend(r.id for r in got)
                received += self._compare_receipt(invoice, where, got, open_items)
            received_total += received
            if not column and not ious:
                for invoice in invoices:
                    self.emit(invoice.id, finding(
                        "invoice_not_paid", invoice.path, invoice.line, record=invoice.id,
                        amount_fen=invoice.total_fen, round=round_, **where))
                    open_items.append(OpenItem(
                        "invoice", invoice.id, invoice.path, invoice.line, invoice.total_fen,
                        self._day(invoice.at), self._age(invoice.at), community, supermarket))
            elif funded != invoiced:
                self.emit("", finding(
                    "collected_invoiced_mismatch", first.path, first.line, record=first.id,
                    amount_fen=abs(funded - invoiced), round=round_, collected=yuan(funded),
                    ious=yuan(ious_fen), invoiced=yuan(invoiced),
                    diff=yuan(funded - invoiced), **where))
            matches.append(Match(
                id=f"M-{first.id}", kind="delivery",
                members=tuple(members), community=community,
                supermarket=supermarket, round=round_,
                collected_fen=collections_fen, iou_fen=ious_fen, invoiced_fen=invoiced,
                received_fen=received, balanced=funded == invoiced))
        return MoneyTotals(collected=collected, matched=matched, open=open_,
                           invoiced=invoiced_total, received=received_total)

    def _open(self, kind: str, e: _Entry, amount: int | None = None) -> OpenItem:
        return OpenItem(kind, e.id, e.path, e.line, e.amount if amount is None else amount,
                        self._day(e.at), self._age(e.at), e.community, e.supermarket,
                        e.grid_worker, e.household)

    def _compare_receipt(self, invoice: _Invoice, where: dict[str, Any],
                         receipts: list[_Receipt], open_items: list[OpenItem]) -> int:
        """Check what arrived against ``invoice``; returns the value received, in fen."""
        path, line, at = invoice.path, invoice.line, invoice.at
        if not receipts:
            open_items.append(OpenItem("delivery", invoice.id, path, line, invoice.goods_fen,
                                       self._day(at), self._age(at), where["community"],
                                       where["supermarket"]))
            age = self._age(at)
            if age > RECEIPT_DUE_DAYS:
                self.emit(invoice.id, finding("not_received", path, line, record=invoice.id,
                                              round=invoice.round, age=age, **where))
            return 0
        invoiced: dict[str, int] = {}
        price: dict[str, int] = {}
        for item, quantity, unit_price in invoice.lines:
            invoiced[item] = invoiced.get(item, 0) + quantity
            price.setdefault(item, unit_price)
        received: dict[str, int] = {}
        reasons: dict[str, list[tuple[str, str]]] = {}
        for receipt in receipts:
            for item, quantity, difference, substitute in receipt.lines:
                received[item] = received.get(item, 0) + quantity
                if difference:
                    reasons.setdefault(item, []).append((difference, substitute))
        receipt = receipts[-1]
        receipt_path, receipt_line_no = receipt.path, receipt.line
        value = 0
        for item, quantity in invoiced.items():
            got = received.get(item, 0)
            value += min(got, quantity) * price[item]
            if got == quantity:
                continue
            known = self.catalogue.get(item)
            common: dict[str, Any] = dict(
                record=receipt.id, item=item, item_name=known.name if known else item,
                item_name_en=known.name_en if known else item,
                unit=known.unit if known else "", invoiced=quantity, received=got,
                received_by=receipt.received_by, related=(invoice.id,), **where)
            if got > quantity:
                self.emit(receipt.id, finding("over_delivery", receipt_path, receipt_line_no,
                                              **common))
                continue
            missing = quantity - got
            given = reasons.get(item)
            if not given:
                self.emit(receipt.id, finding("unexplained_difference", receipt_path,
                                              receipt_line_no, **common))
                continue
            difference, substitute = given[0]
            code = f"{difference}_delivery"
            self.emit(receipt.id, finding(
                code, receipt_path, receipt_line_no, amount_fen=missing * price[item],
                quantity=missing, substitute=substitute or "?", **common))
        return value

    def _settle(self, reversed_ids: set[str], open_items: list[OpenItem], matches: list[Match],
                money: MoneyTotals) -> MoneyTotals:
        ious = {k: e for k, e in self._ious.items() if k not in reversed_ids}
        remaining = {k: e.amount for k, e in ious.items()}
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                if id_key(ra) > id_key(rb):
                    ra, rb = rb, ra
                parent[rb] = ra

        settled_by: dict[str, int] = {}
        live = sorted((s for s in self._settlements if s.id not in reversed_ids),
                      key=lambda s: (s.at, id_key(s.id)))
        for settlement in live:
            path, line = settlement.path, settlement.line
            rest = settlement.amount_fen
            was_open = 0
            first_iou: _Entry | None = None
            for iou_id in settlement.ious:
                entry = ious.get(iou_id)
                if entry is None:
                    self.emit(settlement.id, finding("unknown_iou", path, line,
                                                     record=settlement.id, iou=iou_id,
                                                     grid_worker=settlement.grid_worker))
                    continue
                first_iou = first_iou or entry
                was_open += remaining[iou_id]
                pay = min(rest, remaining[iou_id])
                remaining[iou_id] -= pay
                rest -= pay
                settled_by[settlement.id] = settled_by.get(settlement.id, 0) + pay
                union(settlement.id, iou_id)
            if rest > 0:
                self.emit(settlement.id, finding(
                    "over_settled", path, line, record=settlement.id,
                    amount_fen=settlement.amount_fen, open=yuan(was_open), diff=yuan(rest),
                    grid_worker=settlement.grid_worker,
                    community=first_iou.community if first_iou else "",
                    supermarket=first_iou.supermarket if first_iou else ""))
        components: dict[str, list[str]] = {}
        for member in {*parent, *parent.values()}:
            components.setdefault(find(member), []).append(member)
        scope = self.scope
        total = settled = still_open = 0
        for iou_id, entry in ious.items():
            if not scope.admits(entry.community, entry.supermarket,
                                entry.grid_worker if scope.grid_worker else ""):
                continue
            total += entry.amount
            settled += entry.amount - remaining[iou_id]
            if remaining[iou_id] > 0:
                still_open += remaining[iou_id]
                open_items.append(self._open("iou", entry, remaining[iou_id]))
        for members in components.values():
            iou_ids = sorted((m for m in members if m in ious), key=id_key)
            if not iou_ids:
                continue
            anchor = ious[iou_ids[0]]
            if not scope.admits(anchor.community, anchor.supermarket,
                                anchor.grid_worker if scope.grid_worker else ""):
                continue
            matches.append(Match(
                id=f"M-{iou_ids[0]}", kind="iou", members=tuple(sorted(members, key=id_key)),
                community=anchor.community, supermarket=anchor.supermarket,
                iou_fen=sum(ious[i].amount for i in iou_ids),
                settled_fen=sum(settled_by.get(m, 0) for m in members),
                balanced=all(remaining[i] == 0 for i in iou_ids)))
        return attrs.evolve(money, ious=total, settled=settled, ious_open=still_open)

    def _verify_reversals(self) -> None:
        cache: dict[str, dict[str, Record]] = {}
        for target, (reversal, path, line) in sorted(self._reversed.items()):
            stem = batch_of(target)
            original: Record | None = None
            if stem is not None:
                records = cache.get(stem)
                if records is None:
                    batch_path = path_of_batch(self.root, stem)
                    batch = read_batch(batch_path) if batch_path.exists() else None
                    records = {r.id: r for r in batch.records} if batch else {}
                    cache[stem] = records
                original = records.get(target)
            if original is None:
                self.emit("", finding("reversal_unknown", path, line, record=reversal.id,
                                      target=target))
                continue
            why = ""
            if type(original) is not type(reversal):
                why = f"{original.KIND} ≠ {reversal.KIND}"
            elif original.reverses:
                why = "reversing a reversal; record the original again instead"
            else:
                body, mirror = original.body(), reversal.body()
                differ = [k for k in body if body[k] != mirror.get(k)]
                if differ:
                    why = ", ".join(differ)
            if why:
                self.emit("", finding("reversal_mismatch", path, line, record=reversal.id,
                                      target=target, why=why))


#: below this many bytes of batch files (about 45,000 records) the ledgers are read in one
#: process: passing a part from one process to another costs more than reading it twice as fast
PARALLEL_BYTES = 16 * 2**20
#: more processes than this would spend what they save on merging their parts
MAX_WORKERS = 4


def reconcile_records(
    root: Path,
    batches: Iterable[Batch],
    *,
    catalogue: Mapping[str, CatalogueItem],
    zone: tzinfo,
    supervisors: Iterable[str] = (),
    start: date | None = None,
    end: date | None = None,
    scope: Scope | None = None,
    as_of: datetime | None = None,
) -> Reconciliation:
    """Reconcile ``batches`` read from the desk at ``root``, in this process."""
    reconciler = Reconciler(root, catalogue=catalogue, zone=zone,
                            closes=load_closes(root, tuple(supervisors)), start=start, end=end,
                            scope=scope, as_of=as_of)
    with _cycles_not_collected():
        for batch in batches:
            reconciler.add_batch(batch)
        return reconciler.finish()


def reconcile(
    desk: Any,
    *,
    start: date | None = None,
    end: date | None = None,
    scope: Scope | None = None,
    as_of: datetime | None = None,
    workers: int | None = None,
) -> Reconciliation:
    """Reconcile every ledger of ``desk`` (a :class:`core.desk.Desk`) for a period and a scope.

    Large ledgers (:data:`PARALLEL_BYTES` and more) are read by up to ``workers`` processes
    (default: one per CPU this process may use, at most :data:`MAX_WORKERS`) when this process can
    fork them safely (on Linux, with no other thread running): each folds a run of consecutive
    batch files and the parts are merged in file order, so the result is the same as reading them
    all here. ``workers=1`` reads them all here. A worker that fails raises
    :class:`WorkerFailed`, and nothing of the result is returned.
    """
    root: Path = desk.root
    settings: dict[str, Any] = dict(
        catalogue=desk.catalogue, zone=desk.settings.zone,
        closes=load_closes(root, identity.supervisors(desk)), start=start, end=end,
        scope=scope, as_of=as_of)
    paths = list(batch_paths(root))
    reconciler = Reconciler(root, **settings)
    shares = _shares(paths, _usable_cpus() if workers is None else workers)
    with _cycles_not_collected():
        if len(shares) > 1 and _can_fork():
            _fold_in_processes(reconciler, shares, settings)
        else:
            _fold(reconciler, paths)
        return reconciler.finish()


def _fold(reconciler: Reconciler, paths: Iterable[Path]) -> None:
    for path in paths:
        reconciler.add_batch(read_batch(path))


def _can_fork() -> bool:
    """Whether worker processes may be forked from this one.

    Forked, because a spawned worker would import the caller's main module again (a script
    without an ``if __name__ == "__main__"`` guard would run twice); and only from a process with
    one thread, because a fork copies locks other threads may hold (an app's threads, say).
    """
    return (sys.platform == "linux" and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def _fold_in_processes(reconciler: Reconciler, shares: list[list[Path]],
                       settings: dict[str, Any]) -> None:
    """Fold the first share here and every other in a forked process, then merge in order.

    A worker folds a few files at a time and writes what it gathered, pickled (a fifth of the
    size of the objects), to a temporary file, so neither it nor this process holds a second copy
    of its share; this process reads the parts back once it has folded the files before theirs.
    """
    context = multiprocessing.get_context("fork")
    workers: list[tuple[BaseProcess, IO[bytes]]] = []
    with ExitStack() as cleanup:
        cleanup.callback(_stop, workers)
        for share in shares[1:]:
            parts: IO[bytes] = cleanup.enter_context(
                tempfile.TemporaryFile(prefix="baogong-reconcile-"))
            worker: BaseProcess = context.Process(target=_fold_share, daemon=True,
                                     args=(parts.fileno(), reconciler.root, settings, share))
            worker.start()
            workers.append((worker, parts))
        _fold(reconciler, shares[0])
        for worker, parts in workers:
            worker.join()
            parts.seek(0)
            while True:
                try:
                    part = pickle.load(parts)
                except EOFError:
                    part = ("failed", f"it ended with exit code {worker.exitcode}")
                if part[0] == "end":
                    break
                if part[0] == "failed":
                    raise WorkerFailed(part[1])
                reconciler.merge_part(part)


class WorkerFailed(RuntimeError):
    """A process reading a share of the ledger files failed; nothing of the result is kept.

    The message names what went wrong in one line; ``details`` holds the worker's traceback.
    """

    def __init__(self, details: str) -> None:
        lines = [line for line in details.strip().splitlines() if line.strip()]
        super().__init__(f"a process reading ledger files failed: {lines[-1] if lines else '?'}")
        self.details = details


def _stop(workers: list[tuple[BaseProcess, IO[bytes]]]) -> None:
    for worker, _parts in workers:
        if worker.is_alive():
            worker.kill()
        worker.join()


#: a worker writes what it has gathered after folding this many bytes of batch files
SEND_BYTES = 8 * 2**20


def _fold_share(writing: int, root: Path, settings: dict[str, Any], paths: list[Path]) -> None:
    """In a worker process: fold ``paths``, writing the parts gathered every few files."""
    with open(writing, "wb", closefd=False) as stream:
        try:
            reconciler = Reconciler(root, **settings)
            with _cycles_not_collected():
                folded = 0
                for index, path in enumerate(paths):
                    reconciler.add_batch(read_batch(path))
                    folded += path.stat().st_size
                    if folded >= SEND_BYTES or index == len(paths) - 1:
                        for part in reconciler.parts():
                            pickle.dump(part, stream, protocol=pickle.HIGHEST_PROTOCOL)
                        folded = 0
            pickle.dump(("end", None), stream)
        except Exception:  # a bug: tell the parent what it was; it raises
            pickle.dump(("failed", traceback.format_exc()), stream)


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: the share folded in this process is this much larger than a worker's: a worker also pickles
#: what it gathered (about 0.6 s a million records) while this process waits for it
HOME_SHARE = 1.125


def _shares(paths: list[Path], workers: int) -> list[list[Path]]:
    """``paths`` cut into at most ``workers`` runs of consecutive files, by their bytes."""
    sizes = []
    for path in paths:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)  # read_batch reports it
    total = sum(sizes)
    count = max(1, min(workers, MAX_WORKERS, len(paths)))
    if count == 1 or total < PARALLEL_BYTES:
        return [paths]
    weight = HOME_SHARE + count - 1
    shares: list[list[Path]] = [[]]
    done = 0
    for path, size in zip(paths, sizes, strict=True):
        ends_at = total * (HOME_SHARE + len(shares) - 1) / weight
        if done >= ends_at and len(shares) < count:
            shares.append([])
        shares[-1].append(path)
        done += size
    return shares


@contextmanager
def _cycles_not_collected() -> Iterator[None]:
    """Records and what the fold keeps of them hold no reference cycles: the cycle collector
    would only walk the growing heap again and again (a third of the time for a million)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
