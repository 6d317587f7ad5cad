"""Report-up tasks (1小时内向区政府报告): a level rise or a surge of hotline evidence is reported
upward within one hour.

A task appears when the computed level of an area rises above the day before's (one task per
area, day and level), or when hotline evidence surges in a community (one task per community
and evidence window). The hour runs from when the rise or surge happened as far as the desk can
tell: a surge from the call that made it one, a level rise from the first clock run that saw
it (the app's timer runs every minute; ``baogong tick`` from cron catches up). Each task is one
file under ``levels/reportups/``, written atomically under a lock::

    # levels/reportups/surge-jinxiu-20261125T0920.toml
    id = "surge-jinxiu-20261125T0920"
    cause = "surge"              # level | surge
    area = "jinxiu"              # a district (level) or a community (surge)
    level = "IV"                 # the computed level, or the level the surge is evidence for
    seen_at = 2026-11-25T09:20:00+08:00
    due = 2026-11-25T10:20:00+08:00
    detail = "锦绣社区24小时内热线反映5件..."
    overdue_at = 2026-11-25T10:20:00+08:00      # written by the clock when it fell due
    reported_to = "区政府总值班室"                 # written by the supervisor who reported it
    reported_at = 2026-11-25T10:40:00+08:00
    reference = "电话 0351-2345678，接报人 王"
    reported_by = "zhou.min"

:func:`report_up_rule` is the clock rule (:mod:`core.tick`): it raises the tasks and writes
``overdue_at`` on a task not reported by its deadline, once.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from core.cases.index import Query
from core.clockrule import Due, RuleOutcome
from core.identity import require_supervisor
from core.levels.signals import Level
from core.levels.thresholds import DEFAULT_THRESHOLDS, desk_thresholds
from core.problems import DeskError, Problem
from core.storage.atomic import create_atomic, exclusive_lock, write_atomic
from core.storage.convert import converter
from core.storage.deskfiles import make_desk_directories
from core.storage.tomlio import dumps, parse_toml, read_record_files, structure

if TYPE_CHECKING:
    from core.desk import Desk

REPORTUPS_DIR = Path("levels") / "reportups"
LOCK_PATH = Path(".locks") / "reportups.lock"
DEADLINE = timedelta(hours=1)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


class Cause(enum.StrEnum):
    LEVEL = "level"  # 应急等级上升
    SURGE = "surge"  # 热线反映激增


@attrs.frozen
class ReportUp:
    """A report-up task, and what was done about it."""

    id: str
    cause: Cause
    area: str
    level: Level
    seen_at: datetime
    due: datetime
    detail: str = ""
    overdue_at: datetime | None = None
    reported_to: str = ""
    reported_at: datetime | None = None
    reference: str = ""
    reported_by: str = ""

    @property
    def reported(self) -> bool:
        return self.reported_at is not None

    def late(self, now: datetime) -> bool:
        """Not reported by its deadline (reported late, or still open past it)."""
        if self.reported_at is not None:
            return self.reported_at > self.due
        return now >= self.due


class ReportRefused(ValueError):
    """A report that cannot be recorded: unknown or already reported task, blank fields."""


def reportups_dir(root: Path) -> Path:
    return root / REPORTUPS_DIR


def _path(root: Path, task_id: str) -> Path:
    return reportups_dir(root) / f"{task_id}.toml"


def _encode(task: ReportUp) -> bytes:
    data: dict[str, Any] = converter.unstructure(task)
    return dumps({k: v for k, v in data.items()
                  if k == "area" or v not in ("", None)}).encode("utf-8")


def load_report_ups(root: Path) -> tuple[list[ReportUp], list[Problem]]:
    """Every report-up task of the desk at ``root``, by the time it was seen, and the problems
    of unusable files. Two replicas' clocks that saw one surge apart raise two tasks (each
    site's own calls tip it at another moment): they are read as one, the first."""
    read, problems = read_record_files(converter, reportups_dir(root), ReportUp)
    tasks: list[ReportUp] = []
    for path, _text, task in read:
        if task.id != path.stem:
            problems.append(Problem(path, 1, f"id {task.id!r} is not the file's name", "id"))
            continue
        tasks.append(task)
    thresholds, _found = desk_thresholds(root)
    window = timedelta(hours=(thresholds or DEFAULT_THRESHOLDS).evidence.window_hours)
    return _one_per_surge(tasks, window), problems


def merge_report_up_files(ours: bytes, theirs: bytes, path: Path) -> bytes:
    """The task two replicas keep when both wrote the file at ``path`` apart (git's merge
    driver): raised by both clocks, flagged at one site and reported at the other.

    The hour runs from the earlier sighting (its detail kept); a report made at either site
    stands (both: the earlier); the task is flagged overdue only if it is late by the merged
    deadline. Symmetric, so both sites write the same bytes. Raises :class:`DeskError` naming
    the file when a version cannot be read.
    """
    tasks: list[ReportUp] = []
    for raw in (ours, theirs):
        data, text, problems = parse_toml(path, raw)
        task = None
        if data is not None:
            task, problems = structure(converter, data, ReportUp, path, text)
        if task is None:
            raise DeskError(problems)
        tasks.append(task)
    return _encode(_combined(tasks))


def _combined(tasks: Sequence[ReportUp]) -> ReportUp:
    """One task standing for ``tasks`` (versions of one task, or one surge's tasks raised
    apart): the earliest sighting with its id and detail, the earliest report made of any, and
    flagged overdue only if late by the earliest deadline."""
    first = min(tasks, key=lambda t: (t.seen_at, _encode(t)))
    reports = sorted((t for t in tasks if t.reported_at is not None),
                     key=lambda t: (t.reported_at or t.due, _encode(t)))
    if reports:
        done = reports[0]
        merged = attrs.evolve(first, reported_to=done.reported_to, reported_at=done.reported_at,
                              reference=done.reference, reported_by=done.reported_by)
    else:
        merged = attrs.evolve(first, reported_to="", reported_at=None, reference="",
                              reported_by="")
    flagged = any(t.overdue_at is not None for t in tasks)
    late = merged.reported_at is None or merged.reported_at > merged.due
    return attrs.evolve(merged, overdue_at=merged.due if flagged and late else None)


def _one_per_surge(tasks: list[ReportUp], window: timedelta) -> list[ReportUp]:
    """``tasks`` with the tasks of one surge raised apart at two replicas (the same community,
    seen within the evidence window of the first) taken as the first one."""
    kept: list[list[ReportUp]] = []
    for task in sorted(tasks, key=lambda t: (t.seen_at, t.id)):
        group = next((g for g in kept if task.cause is Cause.SURGE and g[0].cause is Cause.SURGE
                      and g[0].area == task.area and task.seen_at - g[0].seen_at < window),
                     None)
        if group is None:
            kept.append([task])
        else:
            group.append(task)
    return [_combined(group) if len(group) > 1 else group[0] for group in kept]


def _stamp(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M")


def _surge_tipped_at(case_times: Iterable[datetime], needed: int, now: datetime) -> datetime:
    """When the window's calls first reached ``needed``: the time of that call."""
    times = sorted(case_times)
    if not times:
        return now
    return min(times[min(max(needed, 1), len(times)) - 1], now)


def _candidates(desk: Desk, now: datetime) -> list[ReportUp]:
    """The tasks the desk's state at ``now`` calls for (some may be on file already)."""
    from core.levels.evidence import desk_surges

    found: list[ReportUp] = []
    day = now.date()
    try:
        today = desk.levels.figures(day)
        yesterday = desk.levels.figures(day - timedelta(days=1))
    except DeskError:  # broken level files are for ``baogong check``; surges still count
        today, yesterday = {}, {}
    for code, figure in today.items():
        level = figure.computed
        before = yesterday[code].computed if code in yesterday else None
        if level is None or level.rank <= (before.rank if before else 0):
            continue
        name = code or "desk"
        task_id = f"level-{_UNSAFE.sub('_', name)}-{day:%Y%m%d}-{level.value}"
        rules = "; ".join(rule.explanation.zh for rule in figure.fired)
        found.append(ReportUp(task_id, Cause.LEVEL, code, level, now, now + DEADLINE,
                              f"测算应急等级升至{level.value}级：{rules}"))
    thresholds, _problems = desk_thresholds(desk.root)
    rule = (thresholds or DEFAULT_THRESHOLDS).evidence
    for surge in desk_surges(desk, now, thresholds or DEFAULT_THRESHOLDS):
        ids = set(surge.case_ids)
        times = [row.created for row in desk.cases.query(Query(since=surge.window_start))
                 if row.id in ids]
        needed = max(rule.min_cases, math.ceil(rule.ratio * surge.expected))
        seen = _surge_tipped_at(times, needed, now)
        task_id = f"surge-{_UNSAFE.sub('_', surge.community)}-{_stamp(seen)}"
        found.append(ReportUp(task_id, Cause.SURGE, surge.community, surge.suggested_level,
                              seen, seen + DEADLINE, surge.explanation.zh))
    return found


def _already_raised(task: ReportUp, tasks: list[ReportUp], window: timedelta) -> bool:
    if task.cause is Cause.LEVEL:
        return any(t.id == task.id for t in tasks)
    # one task per surge: a community's surge lasts while its window holds the calls
    return any(t.cause is Cause.SURGE and t.area == task.area
               and abs(t.seen_at - task.seen_at) < window for t in tasks)


#: a step the clock wrote: (subject, step, when it fell due), as :class:`core.tick.Due` has it


def report_up_rule(desk: Desk, now: datetime) -> RuleOutcome:
    """The clock rule (:mod:`core.tick`): raise the report-up tasks due at ``now`` and flag
    those not reported within the hour."""
    thresholds, _problems = desk_thresholds(desk.root)
    window = timedelta(hours=(thresholds or DEFAULT_THRESHOLDS).evidence.window_hours)
    candidates = _candidates(desk, now)
    written: list[Due] = []
    done = 0
    directory = reportups_dir(desk.root)
    make_desk_directories(desk.root, desk.root / LOCK_PATH.parent, mode=desk.file_mode)
    with exclusive_lock(desk.root / LOCK_PATH, mode=desk.file_mode):
        tasks, _problems = load_report_ups(desk.root)
        for task in candidates:
            if _already_raised(task, tasks, window):
                continue
            make_desk_directories(desk.root, directory, mode=desk.file_mode)
            try:
                create_atomic(_path(desk.root, task.id), _encode(task), mode=desk.file_mode)
            except FileExistsError:
                continue
            tasks.append(task)
            written.append(Due(f"reportup:{task.id}", "reportup.raised", task.seen_at))
        for task in tasks:
            if not task.late(now) or task.due > now:
                continue
            if task.overdue_at is not None:
                done += 1
                continue
            flagged = attrs.evolve(task, overdue_at=task.due)
            write_atomic(_path(desk.root, task.id), _encode(flagged), mode=desk.file_mode)
            written.append(Due(f"reportup:{task.id}", "reportup.overdue", task.due))
    return RuleOutcome(tuple(written), done)


def record_report(desk: Desk, task_id: str, *, to: str, reference: str, at: datetime,
                  supervisor: str | None = None, now: datetime | None = None) -> ReportUp:
    """Record that the task ``task_id`` was reported to ``to`` at ``at`` with ``reference``.

    Raises :class:`~core.identity.NotASupervisor` for anyone who is not a supervisor and
    :class:`ReportRefused` for an unknown task, one already reported, a blank recipient or
    reference, or a time to come.
    """
    name = require_supervisor(desk, supervisor)
    zone = desk.settings.zone
    now = (now or (desk.clock() if desk.clock else datetime.now(zone))).replace(microsecond=0)
    if not to.strip():
        raise ReportRefused("say to whom it was reported (报告对象)")
    if not reference.strip():
        raise ReportRefused("give the reference of the report (文号或电话记录)")
    if at.utcoffset() is None:
        at = at.replace(tzinfo=zone)
    if at > now:
        raise ReportRefused(f"the report's time {at:%m-%d %H:%M} is still to come")
    make_desk_directories(desk.root, desk.root / LOCK_PATH.parent, mode=desk.file_mode)
    with exclusive_lock(desk.root / LOCK_PATH, mode=desk.file_mode):
        tasks, _problems = load_report_ups(desk.root)
        task = next((t for t in tasks if t.id == task_id), None)
        if task is None:
            raise ReportRefused(f"no report-up task {task_id!r}")
        if task.reported:
            raise ReportRefused(f"{task_id} was already reported by {task.reported_by} at "
                                f"{task.reported_at:%m-%d %H:%M}")
        done = attrs.evolve(task, reported_to=to.strip(), reported_at=at,
                            reference=reference.strip(), reported_by=name)
        write_atomic(_path(desk.root, task.id), _encode(done), mode=desk.file_mode)
    return done


@attrs.frozen
class ReportUpStatus:
    """The report-up tasks as the board and the daily report show them at a moment."""

    open: tuple[ReportUp, ...] = ()  # not reported yet (overdue ones among them)
    overdue: tuple[ReportUp, ...] = ()  # not reported by their deadline, open or reported late

    @property
    def overdue_open(self) -> int:
        return sum(1 for t in self.overdue if not t.reported)


def report_up_status(desk: Desk, now: datetime, since: datetime | None = None
                     ) -> ReportUpStatus:
    """The open tasks and those late, seen by ``now`` (and, with ``since``, after it)."""
    tasks, _problems = load_report_ups(desk.root)
    tasks = [t for t in tasks if t.seen_at <= now and (since is None or t.seen_at >= since)]
    open_ = tuple(t for t in tasks if not t.reported or (t.reported_at or now) > now)
    overdue = tuple(t for t in tasks if t.late(now) and t.due <= now)
    return ReportUpStatus(open_, overdue)


__all__ = ["DEADLINE", "REPORTUPS_DIR", "Cause", "ReportRefused", "ReportUp", "ReportUpStatus",
           "load_report_ups", "merge_report_up_files", "record_report", "report_up_rule",
           "report_up_status", "reportups_dir"]
