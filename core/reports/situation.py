"""The situation at a moment (态势): the figures of the supervisors' first console screen.

:func:`situation_report` gathers, at one moment: the daily report of every high-risk area
(emergency level with the rules that fired and the supervisor's manual level, reserve days of
cover against the norms, hotline evidence with its case ids), open and overdue cases per
department, calls per hour over the last 24 hours and the day's shortage hot spots per community;
the level in force in each district (the recorded activation, :mod:`core.levels.authority`) and
the report-up tasks, open and overdue (:mod:`core.levels.reportup`).

Market signals are read from the desk's ``signals/`` directory (:func:`signals_for`); without
them the level is the manual level alone, or *not assessed*; nothing is estimated.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.cases.index import Query
from core.levels.authority import Activation, level_in_force, load_activations
from core.levels.district import signals_for
from core.levels.reportup import ReportUpStatus, report_up_status
from core.problems import DeskError
from core.reports.daily import DailyReport, daily_report
from core.reports.summary import HotSpot, day_summary

if TYPE_CHECKING:
    from core.desk import Desk


@attrs.frozen
class DepartmentLoad:
    department: str
    open: int
    overdue: int


@attrs.frozen
class Situation:
    now: datetime
    day: date
    report: DailyReport
    departments: tuple[DepartmentLoad, ...]
    calls_per_hour: tuple[tuple[datetime, int], ...]  # 24 hours ending with the current one
    hot_spots: tuple[HotSpot, ...]
    signals: tuple[Path, ...]
    #: the activation in force by district ("" for the whole desk); a district without one
    #: is left out
    in_force: dict[str, Activation] = attrs.Factory(dict)
    report_ups: ReportUpStatus = attrs.Factory(ReportUpStatus)


def calls_per_hour(desk: Desk, now: datetime) -> tuple[tuple[datetime, int], ...]:
    """Cases taken in each of the 24 clock hours ending with the current one."""
    zone = desk.settings.zone
    last = now.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    first = last - timedelta(hours=23)
    counts = dict.fromkeys(range(24), 0)
    for case in desk.cases:
        created = case.created.astimezone(zone)
        if first <= created <= now:
            hour = int((created - first).total_seconds() // 3600)
            if 0 <= hour < 24:
                counts[hour] += 1
    return tuple((first + timedelta(hours=h), counts[h]) for h in range(24))


def department_loads(desk: Desk, now: datetime) -> tuple[DepartmentLoad, ...]:
    store = desk.cases
    loads = []
    for code in desk.departments:
        open_ = store.count(Query(department=code, open_only=True))
        # a late call-back is the hotline's to make, not the department's
        overdue = store.count(attrs.evolve(Query.past_due(now), department=code))
        loads.append(DepartmentLoad(code, open_, overdue))
    return tuple(sorted(loads, key=lambda d: (-d.overdue, -d.open, d.department)))


def situation_report(desk: Desk, now: datetime) -> Situation:
    """The situation at ``now``; raises :class:`core.problems.DeskError` like the daily report."""
    day = now.astimezone(desk.settings.zone).date()
    signals = signals_for(desk.root, day)
    report = daily_report(desk, day, signals=signals, now=now)
    summary = day_summary(desk, day, now)
    return Situation(now, day, report, department_loads(desk, now), calls_per_hour(desk, now),
                     summary.hot_spots, tuple(signals), activations_in_force(desk, now),
                     report_up_status(desk, now))


def activations_in_force(desk: Desk, now: datetime) -> dict[str, Activation]:
    """The activation in force at ``now`` in each district, or for the whole desk."""
    from core.identity import supervisors

    records, problems = load_activations(desk.root, supervisors(desk))
    if problems:
        raise DeskError(problems)
    found: dict[str, Activation] = {}
    for district in ["", *desk.districts]:
        record = level_in_force(records, district, now)
        if record is not None and (not district or record.district == district):
            found[district] = record
    return found


__all__ = ["DepartmentLoad", "Situation", "calls_per_hour", "department_loads",
           "situation_report"]
