"""Stock balances without the books (库存速读): the stock ledger's day lines, read cheaply.

Reserve cover, the observed market signals and the daily report need the closing stock of every
store, which the reconciler (:mod:`core.ledger.reconcile`) gives only after matching the whole
ledger, money and all. This pass reads only what stock rests on and gives the same
:class:`~core.ledger.stock.StockLine` s as ``reconcile(end=day).stock`` (a property test holds it
to that):

- a batch file whose text holds no ``stock_`` (the start of every stock kind's name), no
  ``reverses`` and no backslash (which could spell a kind in escapes) cannot hold a stock record
  or a reversal, and is not parsed: money batches, the bulk of a ledger, are skipped;
- in a batch the desk wrote (one record a line, :mod:`core.ledger.fastread`) only the lines of
  stock records and reversals are built into records; every other line is only matched against
  its kind's pattern, which is what makes the file one the fast path reads;
- any other file is read as the reconciler reads it (:func:`core.ledger.files.decode_batch`).

Stock records are added to day totals and reversals noted: the first reversal of a record
counts, a stock reversal takes its quantity back out on its own day, and a count that is
reversed by the end of the day asked for no longer shows.

The totals are kept per desk and ledger: while every batch file has the same path, modification
time and size, nothing is read again; when new batches were only added after the known ones (a
ledger is appended to, never edited), only the new ones are read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from core.ledger.fastread import read_fast_wanted
from core.ledger.files import batch_paths, decode_batch
from core.ledger.records import (
    Record,
    StockAdjust,
    StockCount,
    StockIssue,
    StockReceipt,
    StockRecord,
    StockReturn,
)
from core.ledger.stock import StockLine
from core.storage.deskfiles import FileKind, FileStates, file_states, read_or_problem

#: (path, modification time in ns, size) of every batch file, in the reconciler's order
Signature = FileStates

_MARKS = (b"stock_", b"reverses", b"\\")


def _wanted(kind: str, line: str) -> bool:
    """A stock record or a reversal (a reversal's line names the record it reverses)."""
    return kind.startswith("stock_") or 'reverses = "' in line


def ledger_signature(root: Path) -> Signature:
    """What the pass reads from disk: while it is the same, so are the balances."""
    return file_states(batch_paths(root))


class StockTotals:
    """Day totals of every store and item, folded from the records of a ledger's batches."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        #: (store, item) -> day ordinal -> [received, issued, returned, adjusted]
        self.days: dict[tuple[str, str], dict[int, list[int]]] = {}
        #: (store, item, day ordinal) -> [(counted, record id)], in ledger order
        self.counts: dict[tuple[str, str, int], list[tuple[int, str]]] = {}
        #: record id -> POSIX time of its first reversal
        self.reversed: dict[str, float] = {}
        self.files_read = 0
        self._day_cache: dict[int, int] = {}

    def _ordinal(self, at: float) -> int:
        # as the reconciler's fold: cached per quarter hour
        quarter = int(at // 900)
        day = self._day_cache.get(quarter)
        if day is None:
            day = datetime.fromtimestamp(quarter * 900, self.zone).date().toordinal()
            self._day_cache[quarter] = day
        return day

    def add_file(self, path: Path) -> None:
        """Fold one batch file (skipped unparsed when it cannot hold what stock rests on)."""
        data, _problem = read_or_problem(path, FileKind.LEDGER)
        if data is None or not any(mark in data for mark in _MARKS):
            return
        self.files_read += 1
        try:
            wanted = read_fast_wanted(path.stem, data.decode("utf-8"), _wanted)
        except UnicodeDecodeError:
            wanted = None
        self.add_records(decode_batch(path, data).records if wanted is None else wanted)

    def add_records(self, records: Iterable[Record]) -> None:
        for record in records:
            if record.reverses:
                if record.reverses in self.reversed:
                    continue  # reversed again: the first reversal counts
                self.reversed[record.reverses] = record.time.timestamp()
                if isinstance(record, StockRecord):
                    self._add(record, -1)
            elif isinstance(record, StockRecord):
                self._add(record, 1)

    def _add(self, record: StockRecord, sign: int) -> None:
        day = self._ordinal(record.time.timestamp())
        by_day = self.days.setdefault((record.store, record.item), {})
        totals = by_day.get(day)
        if totals is None:
            totals = by_day[day] = [0, 0, 0, 0]
        if isinstance(record, StockReceipt):
            totals[0] += sign * record.quantity
        elif isinstance(record, StockIssue):
            totals[1] += sign * record.quantity
        elif isinstance(record, StockReturn):
            totals[2] += sign * record.quantity
        elif isinstance(record, StockAdjust):
            totals[3] += sign * record.quantity
        elif isinstance(record, StockCount) and sign > 0:
            self.counts.setdefault((record.store, record.item, day), []).append(
                (record.quantity, record.id))

    def lines(self, end: date | None = None) -> list[StockLine]:
        """The day lines up to ``end`` (every day for None), as ``reconcile(end=end).stock``."""
        last = end.toordinal() if end is not None else None
        until = (datetime.combine(end + timedelta(days=1), time(), self.zone).timestamp()
                 if end is not None else None)
        gone = {target for target, at in self.reversed.items() if until is None or at < until}
        lines: list[StockLine] = []
        for (store, item), by_day in sorted(self.days.items()):
            balance = 0
            for day in sorted(by_day):
                if last is not None and day > last:
                    break
                received, issued, returned, adjusted = by_day[day]
                opening = balance
                balance = opening + received - issued + returned + adjusted
                counted = [n for n, record_id in self.counts.get((store, item, day), ())
                           if record_id not in gone]
                lines.append(StockLine(store, item, date.fromordinal(day), opening, received,
                                       issued, returned, adjusted, balance,
                                       counted[-1] if counted else None))
        return lines


def closing_balances(lines: Iterable[StockLine], day: date) -> dict[tuple[str, str], int]:
    """(store, item) -> units on hand at the end of ``day``: each one's last line up to it."""
    latest: dict[tuple[str, str], StockLine] = {}
    for line in lines:
        key = (line.store, line.item)
        if line.day <= day and (key not in latest or latest[key].day < line.day):
            latest[key] = line
    return {key: line.closing for key, line in latest.items()}


class _Known:
    def __init__(self, signature: Signature, totals: StockTotals) -> None:
        self.signature = signature
        self.totals = totals
        self.lines: dict[date | None, list[StockLine]] = {}


_known: dict[tuple[str, str], _Known] = {}
_lock = threading.Lock()


def _fold(root: Path, zone: tzinfo) -> _Known:
    key = (os.path.abspath(root), repr(zone))
    signature = ledger_signature(root)
    with _lock:
        known = _known.get(key)
        if known is not None and known.signature == signature:
            return known
        if known is not None and signature[:len(known.signature)] == known.signature:
            # batches were only added: fold the new ones onto a copy of what is known
            totals = _copy(known.totals)
            new = signature[len(known.signature):]
        else:
            totals, new = StockTotals(zone), signature
        for path, _mtime, _size in new:
            totals.add_file(Path(path))
        known = _known[key] = _Known(signature, totals)
        return known


def _copy(totals: StockTotals) -> StockTotals:
    copy = StockTotals(totals.zone)
    copy.days = {key: {day: list(t) for day, t in by_day.items()}
                 for key, by_day in totals.days.items()}
    copy.counts = {key: list(found) for key, found in totals.counts.items()}
    copy.reversed = dict(totals.reversed)
    copy.files_read = totals.files_read
    return copy


def stock_lines(root: Path, zone: tzinfo, end: date | None = None) -> list[StockLine]:
    """The stock ledger's day lines of the desk at ``root`` up to ``end`` (see the module).

    The list is shared between callers on an unchanged ledger: do not change it."""
    known = _fold(root, zone)
    found = known.lines.get(end)
    if found is None:
        found = known.lines[end] = known.totals.lines(end)
    return found


def forget(root: Path | None = None) -> None:
    """Drop what is known of the ledger at ``root`` (of every desk for None)."""
    with _lock:
        if root is None:
            _known.clear()
        else:
            for key in [k for k in _known if k[0] == os.path.abspath(root)]:
                del _known[key]


__all__ = ["Signature", "StockTotals", "closing_balances", "forget", "ledger_signature",
           "stock_lines"]
