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
seconds and a few hundred megabytes. Almost all of a busy ledger (collections, IOUs, settlements,
invoices and delivery receipts, stock receipts, issues, returns, supply requests and approvals
that reverse nothing, outside signed-off periods) is taken from the fields its batch lines give
without building the records (:func:`core.ledger.fastpicks.read_fast_picks`,
:meth:`Reconciler.add_file`): a record is checked by its line's pattern either way (one that
captures only the fields read), the fold keeps the same few fields of it (an invoice's lines as
values), and its time is kept as a POSIX time without making a datetime.

It reads in one process. Forked worker processes, each folding a run of batch files and merged in
order, were measured beside one process in the same runs on the shared 2-core development
machine and removed: 1.4x faster at 50,000 records only while a core was idle, 1.1x at 200,000
with both cores busy, and at 1,000,000 with both busy 1.0x to 1.7x by the clock only by taking
more of the machine from its neighbours (the same CPU time, more memory); the app, which
reconciles in a thread, could never use them.

The pieces: :mod:`core.ledger.results` (what is reported), :mod:`core.ledger.columns` (what the
fold keeps of a record), :mod:`core.ledger.fold` (taking records in), :mod:`core.ledger.matching`
(matching and the checks that close the books); this module reads a desk's ledgers.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import core.identity as identity
from core.ledger.files import Batch, batch_paths
from core.ledger.matching import INVOICE_DUE_DAYS, RECEIPT_DUE_DAYS, Reconciler
from core.ledger.periods import load_closes
from core.ledger.results import Match, MoneyTotals, OpenItem, Reconciliation, Scope
from core.reference import CatalogueItem

if TYPE_CHECKING:
    from core.desk import Desk

__all__ = [
    "INVOICE_DUE_DAYS", "RECEIPT_DUE_DAYS", "Match", "MoneyTotals", "OpenItem", "Reconciler",
    "Reconciliation", "Scope", "reconcile", "reconcile_records",
]


def reconcile_records(
    root: Path,
    batches: Iterable[Batch | Path],
    *,
    catalogue: Mapping[str, CatalogueItem],
    zone: tzinfo,
    price_lists: Mapping[str, Mapping[str, int]] | None = None,
    supervisors: Iterable[str] = (),
    start: date | None = None,
    end: date | None = None,
    scope: Scope | None = None,
    as_of: datetime | None = None,
) -> Reconciliation:
    """Reconcile ``batches`` read from the desk at ``root`` (or batch files, read here), in
    this process."""
    reconciler = Reconciler(root, catalogue=catalogue, zone=zone, price_lists=price_lists,
                            closes=load_closes(root, tuple(supervisors)), start=start, end=end,
                            scope=scope, as_of=as_of)
    with _cycles_not_collected():
        for batch in batches:
            if isinstance(batch, Path):
                reconciler.add_file(batch)
            else:
                reconciler.add_batch(batch)
        result = reconciler.finish()
        # freed before the collector is back: its first pass would walk the whole fold once more
        del reconciler
    return result


def reconcile(
    desk: Desk,
    *,
    start: date | None = None,
    end: date | None = None,
    scope: Scope | None = None,
    as_of: datetime | None = None,
) -> Reconciliation:
    """Reconcile every ledger of ``desk`` for a period and a scope, reading its batch files in
    order in this process."""
    return reconcile_records(
        desk.root, batch_paths(desk.root), catalogue=desk.catalogue,
        zone=desk.settings.zone, price_lists=desk.price_lists,
        supervisors=identity.supervisors(desk), start=start, end=end, scope=scope, as_of=as_of)


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
