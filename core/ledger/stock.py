"""Stock of medical and relief supplies (防疫物资台账): balances per store, item and day.

For every store, item and day::

    opening + received - issued + returned +/- adjustments = closing

A physical count (盘点) asserts the closing balance of its day, like a ``balance`` directive in
beancount: a count that disagrees is an error and the books are *not* padded to match it; the
keeper records an adjustment with its cause instead. A negative closing balance is an error. Every
issue must stand on a request-approval sheet that is signed by the unit head and approved, and may
not exceed what was approved; anything else is reported as possible diversion (挪用).

The book is a fold: :meth:`StockBook.add` takes records one at a time and keeps only day totals and
the few records later checks need, so a million movements fit in little memory.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from core.ledger.findings import CAUSE_NAMES, Finding, finding
from core.ledger.records import (
    Approval,
    Decision,
    Record,
    StockAdjust,
    StockCount,
    StockIssue,
    StockReceipt,
    StockReturn,
    SupplyRequest,
    by_time_and_id,
    id_key,
)
from core.reference import CatalogueItem

LOSS_CAUSES = frozenset({"lost", "damaged", "expired"})

Emit = Callable[[str, Finding], None]


@attrs.frozen
class StockLine:
    """One store's movement of one item on one day (库存日报)."""

    store: str
    item: str
    day: date
    opening: int
    received: int
    issued: int
    returned: int
    adjusted: int
    closing: int
    counted: int | None = None


class _Issue(NamedTuple):
    id: str
    at: float
    store: str
    item: str
    quantity: int
    request: str
    unit: str
    path: Path
    line: int
    day: int


class _Request(NamedTuple):
    id: str
    head: str
    unit: str
    lines: dict[str, int]  # item -> quantity asked for
    path: Path
    line: int


class _Approval(NamedTuple):
    id: str
    request: str
    at: float
    approved: bool


class _Day:
    """One store's totals of one item on one day, and the last record that took stock out."""

    __slots__ = ("adjusted", "issued", "out_id", "out_line", "out_path", "received", "returned")

    def __init__(self) -> None:
        self.received = self.issued = self.returned = self.adjusted = 0
        self.out_path: Path | None = None
        self.out_line: int | None = None
        self.out_id = ""

    def took_out(self, record_id: str, path: Path, line: int) -> None:
        self.out_path, self.out_line, self.out_id = path, line, record_id


class StockBook:
    """Folds stock records into day totals, then checks counts, balances and issues."""

    def __init__(self, catalogue: Mapping[str, CatalogueItem]) -> None:
        self.catalogue = catalogue
        self._intern: dict[str, str] = {}
        self.days: dict[tuple[str, str], dict[int, _Day]] = {}
        self.counts: list[tuple[str, str, int, int, str, Path, int]] = []
        self.issues: list[_Issue] = []
        self.returns: list[tuple[str, str, str, str, Path, int]] = []
        self.losses: list[tuple[StockAdjust, Path, int, int]] = []
        self.requests: dict[str, _Request] = {}
        self.approvals: list[_Approval] = []
        self.records = 0

    def _day(self, store: str, item: str, day: int) -> _Day:
        key = (store, item)
        by_day = self.days.get(key)
        if by_day is None:
            by_day = self.days[key] = {}
        totals = by_day.get(day)
        if totals is None:
            totals = by_day[day] = _Day()
        return totals

    def add(self, record: Record, path: Path, line: int, day: int, sign: int = 1) -> None:
        """Take one record dated on ``day`` (an ordinal); ``sign`` -1 for a reversal."""
        if isinstance(record, StockIssue):
            self.issue(record.id, record.time.timestamp(), record.store, record.item,
                       record.quantity, record.request, record.unit, path, line, day, sign)
            return
        if isinstance(record, StockReturn):
            self.take_return(record.id, record.issue, record.store, record.item, record.quantity,
                             path, line, day, sign)
            return
        if isinstance(record, StockReceipt):
            self.receive(record.store, record.item, sign * record.quantity, day)
            return
        if isinstance(record, Approval):
            if sign > 0:
                self.approve(record.id, record.request, record.time.timestamp(),
                             record.decision is Decision.APPROVED)
            else:
                self.records += 1
            return
        if isinstance(record, SupplyRequest):
            if sign > 0:
                self.request(record.id, record.unit, record.head,
                             [(ln.item, ln.quantity) for ln in record.lines], path, line)
            else:
                self.records += 1
            return
        self.records += 1
        if isinstance(record, StockAdjust):
            totals = self._day(record.store, record.item, day)
            totals.adjusted += sign * record.quantity
            if sign > 0:
                if record.quantity < 0:
                    totals.took_out(record.id, path, line)
                if record.cause.value in LOSS_CAUSES:
                    self.losses.append((record, path, line, day))
        elif isinstance(record, StockCount):
            self._day(record.store, record.item, day)
            if sign > 0:
                self.counts.append((record.store, record.item, day, record.quantity, record.id,
                                    path, line))

    def request(self, record_id: str, unit: str, head: str, lines: Iterable[tuple[str, int]],
                path: Path, line: int) -> None:
        """Take a supply request (its fields; its lines as (item, quantity))."""
        self.records += 1
        asked: dict[str, int] = {}
        for item, quantity in lines:
            item = self._intern.setdefault(item, item)
            asked[item] = asked.get(item, 0) + quantity
        self.requests[record_id] = _Request(record_id, head, unit, asked, path, line)

    def receive(self, store: str, item: str, quantity: int, day: int) -> None:
        """Take a stock receipt (its fields) on ``day``; a reversal's ``quantity`` negative."""
        self.records += 1
        self._day(store, item, day).received += quantity

    def approve(self, record_id: str, request: str, at: float, approved: bool) -> None:
        """Take an approval (its fields) of ``request`` made at POSIX time ``at``."""
        self.records += 1
        request = self._intern.setdefault(request, request)
        self.approvals.append(_Approval(record_id, request, at, approved))

    def issue(self, record_id: str, at: float, store: str, item: str, quantity: int,
              request: str, unit: str, path: Path, line: int, day: int, sign: int = 1) -> None:
        """Take a stock issue (its fields, the record need not be built) made at POSIX time
        ``at`` on ``day``; ``sign`` -1 for a reversal."""
        self.records += 1
        totals = self._day(store, item, day)
        totals.issued += sign * quantity
        if sign > 0:
            totals.took_out(record_id, path, line)
            s = self._intern.setdefault
            self.issues.append(_Issue(record_id, at, s(store, store), s(item, item), quantity,
                                      s(request, request), s(unit, unit), path, line, day))

    def take_return(self, record_id: str, issue: str, store: str, item: str, quantity: int,
                    path: Path, line: int, day: int, sign: int = 1) -> None:
        """Take a stock return (its fields) on ``day``; ``sign`` -1 for a reversal."""
        self.records += 1
        self._day(store, item, day).returned += sign * quantity
        if sign > 0:
            self.returns.append((record_id, issue, store, item, path, line))

    # --- checks --------------------------------------------------------------------------------

    def _names(self, item: str) -> tuple[str, str, str]:
        known = self.catalogue.get(item)
        if known is None:
            return item, item, ""
        return known.name, known.name_en, known.unit

    def finish(self, reversed_ids: Collection[str], emit: Emit,
               first_day: int | None = None, last_day: int | None = None) -> list[StockLine]:
        """Check everything; returns the day lines inside ``first_day``..``last_day``."""
        in_period: Callable[[int], bool] = lambda d: (  # noqa: E731
            (first_day is None or d >= first_day) and (last_day is None or d <= last_day))
        counts: dict[tuple[str, str, int], list[tuple[int, str, Path, int]]] = {}
        for store, item, day, quantity, record_id, path, line in self.counts:
            if record_id not in reversed_ids:
                counts.setdefault((store, item, day), []).append((quantity, record_id, path, line))
        lines: list[StockLine] = []
        unknown_reported: set[str] = set()
        for (store, item), by_day in sorted(self.days.items()):
            name, name_en, unit = self._names(item)
            names: dict[str, Any] = dict(item_name=name, item_name_en=name_en, unit=unit)
            if item not in self.catalogue and item not in unknown_reported:
                unknown_reported.add(item)
                totals = by_day[min(by_day)]
                emit("", finding("unknown_item", totals.out_path, totals.out_line,
                                 store=store, item=item))
            balance = 0
            negative = False
            for day in sorted(by_day):
                totals = by_day[day]
                received, issued = totals.received, totals.issued
                returned, adjusted = totals.returned, totals.adjusted
                opening = balance
                balance = opening + received - issued + returned + adjusted
                counted_here = counts.get((store, item, day), [])
                shown_day = date.fromordinal(day)
                reporting = in_period(day)
                for quantity, record_id, path, line in counted_here:
                    if quantity != balance and reporting:
                        emit(record_id, finding(
                            "count_mismatch", path, line, record=record_id, store=store,
                            item=item, day=shown_day, **names,
                            counted=quantity, book=balance, diff=f"{quantity - balance:+d}"))
                if balance < 0 and not negative and reporting:
                    emit("", finding(
                        "negative_stock", totals.out_path, totals.out_line, record=totals.out_id,
                        store=store, item=item, day=shown_day, **names, balance=balance))
                negative = balance < 0
                if reporting:
                    lines.append(StockLine(
                        store, item, shown_day, opening, received, issued, returned, adjusted,
                        balance, counted_here[-1][0] if counted_here else None))
        self._check_issues(reversed_ids, emit, in_period)
        for adjust, path, line, day in self.losses:
            if adjust.id in reversed_ids or not in_period(day):
                continue
            name, name_en, unit = self._names(adjust.item)
            cause_zh, cause_en = CAUSE_NAMES[adjust.cause.value]
            emit(adjust.id, finding(
                "stock_loss", path, line, record=adjust.id, store=adjust.store, item=adjust.item,
                day=date.fromordinal(day), item_name=name, item_name_en=name_en, unit=unit,
                cause=cause_zh,
                cause_en=cause_en, quantity=abs(adjust.quantity)))
        issue_ids = {issue.id for issue in self.issues}
        for return_id, issue_id, store, item, path, line in self.returns:
            if issue_id and issue_id not in issue_ids and return_id not in reversed_ids:
                emit(return_id, finding("return_unknown_issue", path, line, record=return_id,
                                        store=store, item=item, issue=issue_id))
        return lines

    def _decisions(self, reversed_ids: Collection[str]) -> dict[str, bool]:
        """Request id -> approved (True) or rejected (False); the latest live decision counts."""
        latest: dict[str, _Approval] = {}
        for approval in self.approvals:
            if approval.id in reversed_ids:
                continue
            known = latest.get(approval.request)
            if known is None or approval.at > known.at or (
                    approval.at == known.at and id_key(approval.id) > id_key(known.id)):
                latest[approval.request] = approval
        return {k: a.approved for k, a in latest.items()}

    def _check_issues(self, reversed_ids: Collection[str], emit: Emit,
                      in_period: Callable[[int], bool]) -> None:
        issued: dict[tuple[str, str], int] = {}
        unsigned_reported: set[str] = set()
        over_reported: set[tuple[str, str]] = set()
        decisions = self._decisions(reversed_ids)
        self.issues = by_time_and_id(self.issues)
        for issue in self.issues:
            if issue.id in reversed_ids:
                continue
            path, line, day = issue.path, issue.line, issue.day
            reporting = in_period(day)
            found = self.requests.get(issue.request) if issue.request else None
            if found is not None and found.id in reversed_ids:
                found = None
            why: tuple[str, str] | None = None
            if not issue.request:
                why = ("没有申请审批单", "with no request sheet")
            elif found is None:
                why = (f"申请 {issue.request} 不存在", f"request {issue.request} does not exist")
            else:
                decision = decisions.get(issue.request)
                if decision is None:
                    why = (f"申请 {issue.request} 未经批准", f"request {issue.request} was never "
                           "approved")
                elif decision is False:
                    why = (f"申请 {issue.request} 未获批准",
                           f"request {issue.request} was rejected")
                elif issue.item not in found.lines:
                    why = (f"申请 {issue.request} 不含此物资", f"request {issue.request} does not "
                           "ask for this item")
            if why is not None:
                if reporting:
                    emit(issue.id, finding("diversion", path, line, why=why[0], why_en=why[1],
                                           **self._issue_details(issue)))
                continue
            assert found is not None
            request = found
            if not request.head.strip():
                if request.id not in unsigned_reported and reporting:
                    unsigned_reported.add(request.id)
                    emit(request.id, finding("unsigned_request", request.path, request.line,
                                             record=request.id, unit_name=request.unit,
                                             related=(issue.id,)))
                continue
            key = (request.id, issue.item)
            issued[key] = issued.get(key, 0) + issue.quantity
            approved = request.lines[issue.item]
            if issued[key] > approved and key not in over_reported and reporting:
                over_reported.add(key)
                emit(issue.id, finding("over_issue", path, line, request=request.id,
                                       approved=approved, issued=issued[key],
                                       **self._issue_details(issue)))

    def _issue_details(self, issue: _Issue) -> dict[str, Any]:
        name, name_en, unit = self._names(issue.item)
        return dict(record=issue.id, store=issue.store, item=issue.item,
                    day=date.fromordinal(issue.day), item_name=name, item_name_en=name_en,
                    unit=unit, unit_name=issue.unit, quantity=issue.quantity)
