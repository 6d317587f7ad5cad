"""Time limits of hotline cases (办理时限): priorities, when a case falls due, when its call-back
does, following 12345 practice and the desk's :class:`~core.reference.SlaRules`."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from core.cases.categories import CaseKind
from core.reference import PriorityFlag, SlaRules


class Priority(enum.StrEnum):
    URGENT = "urgent"  # 特急
    HIGH = "high"  # 紧急
    NORMAL = "normal"  # 一般


def due_time(
    rules: SlaRules,
    kind: CaseKind,
    priority: Priority,
    created: datetime,
    flags: frozenset[PriorityFlag] = frozenset(),
) -> datetime:
    """When a case accepted at ``created`` falls due under the desk's SLA rules (办理时限).

    Each thing known about the call can only bring the deadline forward, never push it back:
    the kind's time limit first; a 紧急 (high) priority or any priority-people flag caps it at
    ``priority_people_hours``; a 特急 (urgent) one caps it again at the end of the day (at least
    ``urgent_min_hours`` away, so a call at 23:30 still gets them), or at ``urgent_min_hours``
    when the desk has no same-day rule. So an urgent case is never due after a high one, a high
    one never after a normal one, and flags never make a case due later.
    """
    if kind is CaseKind.COMPLAINT:
        due = created + timedelta(days=rules.complaint_days)
    elif kind is CaseKind.REQUEST:
        due = created + timedelta(hours=rules.request_hours)
    elif kind is CaseKind.RUMOUR:
        due = created + timedelta(hours=rules.rumour_hours)
    else:
        due = created + timedelta(hours=rules.inquiry_hours)
    if flags or priority in (Priority.HIGH, Priority.URGENT):
        due = min(due, created + timedelta(hours=rules.priority_people_hours))
    if priority is Priority.URGENT:
        soonest = created + timedelta(hours=rules.urgent_min_hours)
        if rules.urgent_same_day:
            end_of_day = created.replace(hour=23, minute=59, second=59, microsecond=0)
            due = min(due, max(end_of_day, soonest))
        else:
            due = min(due, soonest)
    return due


#: most urgent first
PRIORITY_ORDER = (Priority.URGENT, Priority.HIGH, Priority.NORMAL)


def effective_priority(priority: Priority, flags: frozenset[PriorityFlag] | set[PriorityFlag]
                       ) -> Priority:
    """The priority a case is saved with: priority people (特殊群体) make a normal call 紧急."""
    if flags and priority is Priority.NORMAL:
        return Priority.HIGH
    return priority


def more_urgent(first: Priority, second: Priority) -> Priority:
    """The more urgent of two priorities."""
    return min(first, second, key=PRIORITY_ORDER.index)


def callback_due_time(rules: SlaRules, resolved: datetime) -> datetime:
    """Call-back falls due by the end of the day after resolution (回访: 办结次日)."""
    day = resolved + timedelta(days=rules.callback_days)
    return day.replace(hour=23, minute=59, second=59, microsecond=0)
