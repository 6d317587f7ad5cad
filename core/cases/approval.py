"""The approval queue (待审核): resolutions waiting for a supervisor, and the decisions on them.

A resolution of a category that ``desk.toml``'s ``[closure]`` lists waits in
:attr:`~core.cases.case.CaseStatus.AWAITING_APPROVAL`; a supervisor approves it (审核通过: the
case is resolved and its call-back falls due) or sends it back to the department with a reason
(退回重办: in progress again). Both are recorded with the supervisor's name; the store refuses
them from anyone else (:class:`~core.identity.NotASupervisor`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from core.cases.case import Action, Case, CaseEvent, CaseStatus
from core.cases.index import Query
from core.cases.store import CaseNotFound
from core.problems import DeskError

if TYPE_CHECKING:
    from core.desk import Desk


@attrs.frozen
class Waiting:
    """A case awaiting approval and the resolution it waits with."""

    case: Case
    resolution: CaseEvent

    @property
    def since(self) -> datetime:
        return self.resolution.time


def resolution(case: Case) -> CaseEvent | None:
    """The resolution a case awaiting approval waits with: its latest resolve event."""
    return next((e for e in reversed(case.history) if e.action is Action.RESOLVE), None)


def approval_queue(desk: Desk) -> list[Waiting]:
    """Every case awaiting approval, the longest waiting first."""
    store = desk.cases
    store.refresh()
    found: list[Waiting] = []
    for row in store.query(Query(status=frozenset({CaseStatus.AWAITING_APPROVAL}))):
        try:
            case = store.get(row.id)
        except (CaseNotFound, DeskError):
            continue  # check reports a file that cannot be read
        event = resolution(case)
        if case.status is CaseStatus.AWAITING_APPROVAL and event is not None:
            found.append(Waiting(case, event))
    found.sort(key=lambda w: (w.since, w.case.id))
    return found


def decide(desk: Desk, case_id: str, *, approve: bool, supervisor: str, note: str,
           time: datetime | None = None) -> Case:
    """Approve the resolution of ``case_id``, or send it back with ``note`` as the reason, as
    ``supervisor``; the case as saved. Raises what :meth:`CaseStore.act` raises (a
    :class:`~core.cases.store.ConflictError` if it changed since it was read)."""
    store = desk.cases
    case = store.get(case_id)
    return store.act(case, Action.APPROVE if approve else Action.SEND_BACK,
                     operator=supervisor, note=note, time=time)
