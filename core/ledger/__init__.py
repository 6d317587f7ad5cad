"""Ledgers and reconciliation (台账与对账).

Every movement of money or goods is one immutable record in a batch file under ``ledgers/``;
mistakes are corrected with reversing records; a supervisor signs periods off; the reconciler
matches collections, invoices, receipts, IOUs and settlements, checks prices and stock, and reports
every finding with its file and line::

    import core
    from core import ledger

    desk = core.open_desk("fixtures/desk")
    book = ledger.Ledgers(desk)
    book.append([ledger.draft(ledger.Collection, time=..., household="hx-01-0001", ...)],
                operator="li-na")
    result = book.reconcile(scope=ledger.Scope(community="hx-01"))
    for finding in result.findings:
        print(finding.where(desk.root), finding.message("en"), finding.action("en"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.identity import acting_name, require_supervisor, supervisors
from core.ledger.files import (
    LEDGERS_DIR,
    Batch,
    Draft,
    PeriodClosedError,
    batch_paths,
    draft,
    ledger_lock,
    read_batch,
    reversal,
    write_batch,
)
from core.ledger.findings import Finding, Severity, yuan
from core.ledger.periods import (
    ClosedPeriods,
    PeriodClose,
    SealedFile,
    close_period,
    load_closes,
    periods_directory,
)
from core.ledger.reconcile import (
    Match,
    MoneyTotals,
    OpenItem,
    Reconciler,
    Reconciliation,
    Scope,
    reconcile,
)
from core.ledger.records import (
    KINDS,
    Approval,
    Cause,
    Collection,
    Decision,
    Difference,
    Fee,
    Invoice,
    InvoiceLine,
    Iou,
    Receipt,
    ReceiptLine,
    Record,
    RequestLine,
    Settlement,
    Source,
    StockAdjust,
    StockCount,
    StockIssue,
    StockReceipt,
    StockRecord,
    StockReturn,
    SupplyRequest,
)
from core.ledger.stock import StockLine
from core.problems import Problem
from core.storage.atomic import write_atomic
from core.storage.convert import converter
from core.storage.deskfiles import file_states, make_desk_directories, read_or_problem
from core.storage.tomlio import dumps

if TYPE_CHECKING:
    from core.desk import Desk

__all__ = [
    "KINDS", "Approval", "Batch", "Cause", "ClosedPeriods", "Collection", "Decision",
    "Difference", "Draft", "Fee", "Finding", "Invoice", "InvoiceLine", "Iou", "Ledgers", "Match",
    "MoneyTotals", "OpenItem", "PeriodClose", "PeriodClosedError", "Receipt", "ReceiptLine",
    "Reconciler", "Reconciliation", "Record", "RequestLine", "Scope", "SealedFile", "Settlement",
    "Severity",
    "Source", "StockAdjust", "StockCount", "StockIssue", "StockLine", "StockReceipt",
    "StockRecord", "StockReturn", "SupplyRequest", "check_ledgers", "draft", "reconcile",
    "reversal", "write_matches", "yuan",
]

MATCHES_DIR = "matches"


class Ledgers:
    """The ledgers of one desk: write batches, reverse, close periods, read, reconcile."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.root: Path = desk.root

    def closes(self) -> ClosedPeriods:
        return load_closes(self.root, supervisors(self.desk))

    def open_check(self) -> Callable[[Record], str | None]:
        """What a record dated in a signed-off period is refused with (None: it is open)."""
        closed = self.closes()
        zone = self.desk.settings.zone

        def check(record: Record) -> str | None:
            close = closed.covering(record.time.astimezone(zone).date())
            if close is None:
                return None
            return (f"{record.id}: {record.time:%Y-%m-%d} is in the period {close.name} signed "
                    f"off by {close.signed_by}; date the correction in an open period")

        return check

    def append(self, drafts: Sequence[Draft], *, operator: str | None = None,
               recorded: datetime | None = None) -> list[Record]:
        """Write ``drafts`` as one new batch; refuses records dated in a closed period.

        The closes are read and the batch written under the ledger lock, which a sign-off also
        holds: a batch is written before its period's seal or refused after it. The batch names
        the process's OS account; ``operator`` may only repeat it, or name someone else on a
        training desk (:func:`core.identity.acting_name`).
        """
        operator = acting_name(self.desk, operator)
        with ledger_lock(self.root, mode=self.desk.file_mode):
            _path, records = write_batch(
                self.root, drafts, operator=operator, zone=self.desk.settings.zone,
                recorded=recorded, mode=self.desk.file_mode, check_open=self.open_check(),
                site=self.desk.site)
        return records

    def reverse(self, record: Record, *, reason: str, time: datetime,
                operator: str | None = None, recorded: datetime | None = None) -> Record:
        """Write a reversal of ``record`` dated ``time`` (which must be in an open period).

        The reversal takes effect on ``time``: a period ending before it still counts
        ``record``, so a signed-off period keeps its figures.
        """
        return self.append([reversal(record, reason=reason, time=time)], operator=operator,
                           recorded=recorded)[0]

    def close(self, start: date, end: date, *, signed_by: str | None = None,
              signed: datetime | None = None, note: str = "") -> PeriodClose:
        """The acting supervisor signs ``start``..``end`` off (结账) and seals it (see
        :mod:`core.ledger.periods`).

        The signer is the process's OS account; ``signed_by`` may only repeat it, or name
        someone else on a training desk. :class:`~core.identity.NotASupervisor` (a
        ``PermissionError``) for anyone who is not one of the desk's supervisors."""
        signed_by = require_supervisor(self.desk, signed_by)
        return close_period(self.root, start, end, signed_by=signed_by,
                            supervisors=supervisors(self.desk),
                            zone=self.desk.settings.zone, signed=signed, note=note,
                            mode=self.desk.file_mode)

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """What a reconciliation reads from disk, as (file, modification time in ns, size) for
        every batch file and period close: while it is the same, so is the reconciliation."""
        closes = sorted(periods_directory(self.root).glob("*.toml"))
        return file_states((*batch_paths(self.root), *closes))

    def batches(self) -> Iterator[Batch]:
        for path in batch_paths(self.root):
            yield read_batch(path)

    def records(self) -> Iterator[Record]:
        for batch in self.batches():
            yield from batch.records

    def reconcile(self, *, start: date | None = None, end: date | None = None,
                  scope: Scope | None = None, as_of: datetime | None = None) -> Reconciliation:
        """See :func:`core.ledger.reconcile.reconcile`."""
        return reconcile(self.desk, start=start, end=end, scope=scope, as_of=as_of)


def write_matches(result: Reconciliation, *, mode: int = 0o600) -> list[Path]:
    """Write each match as ``ledgers/matches/<match id>.toml``; returns the files that changed.

    A match record is derived from the ledgers, like an index: its id is stable (the first
    invoice's or IOU's id), so an office can quote it, and a file is rewritten only when the
    members of its match change.
    """
    directory = result.root / LEDGERS_DIR / MATCHES_DIR
    make_desk_directories(result.root, directory, mode=mode)
    changed = []
    for match in result.matches:
        path = directory / f"{match.id}.toml"
        data = dumps({"match": converter.unstructure(match)}).encode("utf-8")
        current, _problem = read_or_problem(path)
        if current == data:
            continue
        write_atomic(path, data, mode=mode)
        changed.append(path)
    return changed


def check_ledgers(desk: Desk) -> list[Problem]:
    """For ``baogong check``: every problem reading the ledger files and period closes."""
    problems: list[Problem] = list(load_closes(desk.root, supervisors(desk)).problems)
    for path in batch_paths(desk.root):
        problems.extend(read_batch(path).problems)
    return problems
