"""What the reconciler keeps of the records it folds: a few fields, collections in columns."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Set
from pathlib import Path
from typing import Any, NamedTuple


class Entry(NamedTuple):
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


class SettlementEntry(NamedTuple):
    id: str
    ious: tuple[str, ...]
    amount_fen: int
    at: float
    grid_worker: str
    path: Path
    line: int


class InvoiceEntry(NamedTuple):
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


class ReceiptEntry(NamedTuple):
    """What is kept of a delivery receipt: lines as (item, quantity, difference, substitute)."""

    id: str
    invoice: str
    lines: tuple[tuple[str, int, str, str], ...]
    received_by: str
    path: Path
    line: int


class Column:
    """The collections of one group, column by column: a million of them fit in little memory.

    Numbers live in typed arrays (8 bytes each instead of a Python object); iterating gives
    :class:`Entry` values made on the fly.
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

    def appends(self) -> tuple[Callable[[Any], None], ...]:
        """The bound ``append`` of each column, in :meth:`append`'s order: a caller taking many
        entries calls them in line, without a call of :meth:`append` for each entry."""
        return (self.ids.append, self.amounts.append, self.at.append, self.files.append,
                self.lines.append, self.households.append, self.workers.append)

    def __len__(self) -> int:
        return len(self.ids)

    def entry(self, index: int) -> Entry:
        return Entry(self.ids[index], self.amounts[index], self.at[index],
                      self.paths[self.files[index]], self.lines[index], self.households[index],
                      self.workers[index], self.community, self.supermarket)

    def __iter__(self) -> Iterator[Entry]:
        return map(self.entry, range(len(self.ids)))

    def live(self, reversed_ids: Set[str]) -> Column:
        """This column without the entries in ``reversed_ids`` (itself when it has none)."""
        if not reversed_ids or reversed_ids.isdisjoint(self.ids):
            return self
        kept = Column(self.community, self.supermarket, self.paths)
        for index, record_id in enumerate(self.ids):
            if record_id not in reversed_ids:
                kept.append(record_id, self.amounts[index], self.at[index], self.files[index],
                            self.lines[index], self.households[index], self.workers[index])
        return kept


class Group:
    __slots__ = ("collections", "invoices", "ious")

    def __init__(self, community: str, supermarket: str, paths: list[Path]) -> None:
        self.collections = Column(community, supermarket, paths)
        self.ious: list[Entry] = []
        self.invoices: list[InvoiceEntry] = []

