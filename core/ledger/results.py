"""What a reconciliation (对账) reports: scope, matches, open items, money and findings."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs

from core.ledger.findings import Finding, Severity
from core.ledger.stock import StockLine
from core.problems import Problem


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
