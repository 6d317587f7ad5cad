"""Where a case stood at a moment, and the cases a period of time touched.

A report for a past shift must count what was open and overdue *then*, not now. A case's state at
a moment is read from its history (the append-only 办理记录):

- status: the status set by the last event at or before the moment;
- department: the last department named by an event at or before the moment, else the case's;
- due: from the SLA rules counted from the last reopening at or before the moment (or from the
  intake when there is none); a case never reopened keeps the due time in its file, which honours
  edits;
- call-back due: the end of the day after the last resolution at or before the moment.

Rows from the index (:class:`core.cases.index.CaseRow`) are enough for a case that no event touched
since the period began: its state then equals its state now. Only the other cases' files are read,
so a shift report on a 100,000-case desk reads a few hundred files, not all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.cases.case import (
    Action,
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    callback_due_time,
    due_time,
)
from core.cases.index import CaseRow, Query
from core.reference import SlaRules

if TYPE_CHECKING:
    from core.desk import Desk


@attrs.frozen
class CaseState:
    """A case as it stood at ``at``."""

    id: str
    category: Category
    community: str
    department: str
    status: CaseStatus
    due: datetime | None
    callback_due: datetime | None
    at: datetime

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def is_overdue(self) -> bool:
        """Open past its due time, or resolved and not called back by the call-back due time."""
        if self.status.is_open:
            return self.due is not None and self.at > self.due
        return (self.status is CaseStatus.RESOLVED and self.callback_due is not None
                and self.at > self.callback_due)


def state_at(case: Case, moment: datetime, rules: SlaRules) -> CaseState | None:
    """``case`` as it stood at ``moment``; ``None`` if it was not yet taken."""
    if case.created > moment:
        return None
    status = CaseStatus.ACCEPTED
    department = ""
    reopened: datetime | None = None
    resolved: datetime | None = None
    for event in case.history:
        if event.time > moment:
            break
        if event.status is not None:
            status = event.status
        if event.department:
            department = event.department
        if event.action is Action.REOPEN:
            reopened, resolved = event.time, None
        elif event.action is Action.RESOLVE:
            resolved = event.time
    if reopened is not None:
        due: datetime | None = due_time(rules, case.kind, case.priority, reopened, case.flags)
    elif any(e.action is Action.REOPEN for e in case.history):
        due = due_time(rules, case.kind, case.priority, case.created, case.flags)
    else:
        due = case.due
    return CaseState(
        id=case.id,
        category=case.category,
        community=case.community,
        department=department or case.department,
        status=status,
        due=due,
        callback_due=callback_due_time(rules, resolved) if resolved is not None else None,
        at=moment,
    )


def state_of_row(row: CaseRow, moment: datetime) -> CaseState:
    """The state of a case whose last event came before ``moment``: its index row as it is."""
    return CaseState(
        id=row.id, category=row.category, community=row.community, department=row.department,
        status=row.status, due=row.due, callback_due=row.callback_due, at=moment,
    )


def events_between(case: Case, start: datetime, end: datetime) -> Iterator[CaseEvent]:
    """The case's events with ``start <= time < end``."""
    for event in case.history:
        if start <= event.time < end:
            yield event


@attrs.frozen
class Touched:
    """A case seen by a period: its index row, and the case itself if an event fell after start."""

    row: CaseRow
    case: Case | None


def cases_for_period(desk: Desk, start: datetime, end: datetime) -> Iterator[Touched]:
    """Every case taken before ``end``, with its file read only if it changed since ``start``.

    The index is refreshed first. Files that cannot be read are skipped (``baogong check``
    lists them).
    """
    store = desk.cases
    store.refresh()
    for row in store.query(Query()):
        if row.created >= end:
            continue
        case: Case | None = None
        if row.updated >= start:
            case, _problems = store.load(Path(row.path))
            if case is None:
                continue
        yield Touched(row, case)


def state_in(touched: Touched, moment: datetime, rules: SlaRules) -> CaseState | None:
    if touched.case is None:
        return state_of_row(touched.row, moment)
    return state_at(touched.case, moment, rules)
