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

The pieces: :mod:`core.ledger.results` (what is reported), :mod:`core.ledger.columns` (what the
fold keeps of a record), :mod:`core.ledger.fold` (taking records in), :mod:`core.ledger.matching`
(matching and the checks that close the books); this module reads a desk's ledgers.
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
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import date, datetime, tzinfo
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from core import identity
from core.ledger.files import Batch, batch_paths, read_batch
from core.ledger.matching import INVOICE_DUE_DAYS, RECEIPT_DUE_DAYS, Reconciler
from core.ledger.periods import load_closes
from core.ledger.results import Match, MoneyTotals, OpenItem, Reconciliation, Scope
from core.reference import CatalogueItem

if TYPE_CHECKING:
    from core.desk import Desk

__all__ = [
    "INVOICE_DUE_DAYS", "RECEIPT_DUE_DAYS", "Match", "MoneyTotals", "OpenItem", "Reconciler",
    "Reconciliation", "Scope", "WorkerFailed", "reconcile", "reconcile_records",
]


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
    desk: Desk,
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
