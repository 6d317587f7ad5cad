"""The supervisors' situation board (态势看板): the figures of the console's first screen.

:func:`situation` gathers, at one moment: the daily report of every high-risk area (emergency
level with the rules that fired and the supervisor's manual level, reserve days of cover against
the norms, hotline evidence with its case ids), open and overdue cases per department, calls per
hour over the last 24 hours and the day's shortage hot spots per community.

Market signals are read from the desk's ``signals/`` directory: a file named after the day
(``signals/2026-11-23.toml``, or ``signals/2026-11-23-*.toml``). Without one the level is the
manual level alone, or *not assessed*; nothing is estimated.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.cases.index import Query
from core.levels.signals import Level
from core.reports.daily import DailyReport, daily_report
from core.reports.summary import HotSpot, day_summary

if TYPE_CHECKING:
    from core.desk import Desk

SIGNALS_DIR = "signals"


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


def signals_for(root: Path, day: date) -> list[Path]:
    directory = root / SIGNALS_DIR
    if not directory.is_dir():
        return []
    stem = day.isoformat()
    return sorted(p for p in directory.glob(f"{stem}*.toml")
                  if p.stem == stem or p.stem.startswith(stem + "-"))


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


def situation(desk: Desk, now: datetime) -> Situation:
    """The board at ``now``; raises :class:`core.problems.DeskError` like the daily report."""
    day = now.astimezone(desk.settings.zone).date()
    signals = signals_for(desk.root, day)
    report = daily_report(desk, day, signals=signals, now=now)
    summary = day_summary(desk, day, now)
    return Situation(now, day, report, department_loads(desk, now), calls_per_hour(desk, now),
                     summary.hot_spots, tuple(signals))


def district_levels(desk: Desk, day: date, now: datetime | None = None) -> dict[str, Level]:
    """The emergency level of each high-risk district on ``day``, as the daily report has it.

    A district the report does not assess (no market signals for the day and no manual level)
    is left out. Raises :class:`core.problems.DeskError` like the daily report.
    """
    report = daily_report(desk, day, signals=signals_for(desk.root, day), now=now)
    levels: dict[str, Level] = {}
    for area in report.areas:
        if area.level.level is not None:
            # "" is the whole desk, reported as one area when no district is marked high-risk
            for district in [area.district] if area.district else list(desk.districts):
                levels[district] = area.level.level
    return levels


__all__ = ["SIGNALS_DIR", "DepartmentLoad", "Situation", "calls_per_hour", "department_loads",
           "district_levels", "signals_for", "situation"]
