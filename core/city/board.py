"""The city board (全市态势): every district desk's level, work, evidence and reserves at once.

:func:`city_board` reads each district desk the city follows through the desk API alone
(:meth:`core.desk.Desk.open`, the case store's counts, :func:`core.reports.daily_report` for
each high-risk area's level, reserve cover and hotline evidence,
:func:`core.reports.situation.department_loads`, the level in force from the district's recorded
activations, :func:`core.levels.authority.activated_levels`, and its report-up tasks,
:func:`core.levels.reportup.report_up_status`), so whatever the district desks learn to record
shows here as they gain it. A district that cannot be opened or read is shown as such, with the
time the city last had a good copy of it, and never stops the others.

The level a district *activated* (启动等级) is shown beside the level its rules give: a
district that recorded no activation (or de-escalated to none) has no level in force, which is
not the same as a district whose activation records cannot be used (then
:attr:`DistrictFigures.activated_problem` says why, and no level is guessed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

import attrs

from core.cases.index import Query
from core.city.citydesk import City, why
from core.city.config import CityDistrict
from core.city.follow import FollowState, district_root, read_state, update_state
from core.desk import Desk
from core.levels.authority import activated_levels
from core.levels.district import signals_for
from core.levels.plans import Text
from core.levels.reportup import ReportUpStatus, load_report_ups, report_up_status
from core.levels.signals import Level
from core.problems import DeskError
from core.reports.areas import AreaReport
from core.reports.daily import daily_report
from core.reports.situation import DepartmentLoad, department_loads


@attrs.frozen
class DistrictFigures:
    """One district on the city board: its desk's figures, or why there are none."""

    district: CityDistrict
    state: FollowState  # what the city last knew of it (fetches, last good read)
    #: why the district could not be read now; empty when it was
    unavailable: str = ""
    desk_name: Text | None = None
    day: date | None = None  # the district's day (its own time zone)
    areas: tuple[AreaReport, ...] = ()  # its high-risk areas: level, reserves, evidence
    #: why the levels could not be assessed (a broken levels.toml, a bad signals file)
    levels_problem: str = ""
    open: int = 0
    past_due: int = 0  # open work past its due time (办理超时)
    late_callbacks: int = 0  # resolved, caller not called back in time (回访超时)
    departments: tuple[DepartmentLoad, ...] = ()
    #: the names of those departments on the district's desk
    department_names: tuple[tuple[str, Text], ...] = ()
    #: the highest level in force in the district (启动等级, its last recorded activation or
    #: de-escalation); None: none in force, or not known (``activated_problem``, or not read)
    activated: Level | None = None
    #: why the level in force is not known: the district's activation records cannot be used
    activated_problem: str = ""
    #: the district's report-up tasks (上报), open and overdue; None when it was not read
    report_ups: ReportUpStatus | None = None
    #: report-up files of the district that cannot be used (left out of ``report_ups``)
    report_ups_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.unavailable

    @property
    def stale(self) -> bool:
        """Read from a clone whose last fetch failed: the district as of its last good fetch."""
        return self.ok and self.state.fetch_error != ""

    @property
    def level(self) -> Level | None:
        """The highest level of the district's areas (None: none assessed)."""
        levels = [a.level.level for a in self.areas if a.level.level is not None]
        return max(levels, key=lambda level: level.rank) if levels else None


@attrs.frozen
class DepartmentTotal:
    """A department's open and overdue work in the whole city, and where the overdue is."""

    department: str
    name: Text
    open: int
    past_due: int
    past_due_by_district: tuple[tuple[str, int], ...]  # (district code, overdue), most first


@attrs.frozen
class CityBoard:
    """The city board at one moment."""

    name: Text
    now: datetime
    districts: tuple[DistrictFigures, ...]
    departments: tuple[DepartmentTotal, ...]

    @property
    def open(self) -> int:
        return sum(d.open for d in self.districts)

    @property
    def past_due(self) -> int:
        return sum(d.past_due for d in self.districts)

    @property
    def unavailable(self) -> int:
        return sum(1 for d in self.districts if not d.ok)

    @property
    def activated(self) -> int:
        """How many districts have a level in force."""
        return sum(1 for d in self.districts if d.activated is not None)

    @property
    def report_ups_open(self) -> int:
        return sum(len(d.report_ups.open) for d in self.districts if d.report_ups is not None)

    @property
    def report_ups_overdue(self) -> int:
        """Report-ups still not made past their hour, in the whole city."""
        return sum(d.report_ups.overdue_open for d in self.districts
                   if d.report_ups is not None)


def district_figures(city: City, district: CityDistrict, now: datetime,
                     recorded: datetime | None = None) -> DistrictFigures:
    """``district``'s figures at ``now``, read from its desk; the reason, when it cannot be.
    What the city knows of the district is recorded as of ``recorded`` (default ``now``: a
    board judged at another moment still records when it really read the district)."""
    recorded = recorded or now
    root = district_root(city.root, district)
    state = read_state(city.root, district.code)
    if district.followed_by_git and not (root / ".git").is_dir():
        reason = state.fetch_error or "not fetched yet: run baogong city fetch"
        return DistrictFigures(district, state, unavailable=reason)
    try:
        desk = Desk.open(root)
    except DeskError as exc:
        return _failed(city, district, recorded, why(exc))
    except Exception as exc:  # one district's unreadable copy must not take the board down
        return _failed(city, district, recorded, why(exc))
    try:
        figures = _read(desk, district, state, now)
    except Exception as exc:
        return _failed(city, district, recorded, why(exc))
    finally:
        desk.cases.index.close()
    state = update_state(city.root, district.code,
                         lambda s: attrs.evolve(s, opened=recorded, read_failed=None,
                                                read_error=""),
                         mode=city.desk.file_mode)
    return attrs.evolve(figures, state=state)


def _read(desk: Desk, district: CityDistrict, state: FollowState,
          now: datetime) -> DistrictFigures:
    day = now.astimezone(desk.settings.zone).date()
    store = desk.cases
    store.refresh()
    areas: tuple[AreaReport, ...] = ()
    problem = ""
    try:
        report = daily_report(desk, day, signals=signals_for(desk.root, day), now=now)
        areas = report.areas
    except DeskError as exc:
        problem = why(exc)
    activated: Level | None = None
    activated_problem = ""
    try:
        in_force = activated_levels(desk, now)
        if in_force:
            activated = max(in_force.values(), key=lambda level: level.rank)
    except DeskError as exc:
        activated_problem = why(exc)
    _tasks, unusable = load_report_ups(desk.root)
    settings = desk.settings
    loads = department_loads(desk, now)
    known = desk.departments
    return DistrictFigures(
        district, state,
        desk_name=Text(settings.name, settings.name_en or settings.name),
        day=day, areas=areas, levels_problem=problem,
        open=store.count(Query(open_only=True)),
        past_due=store.count(Query.past_due(now)),
        late_callbacks=store.count(Query.late_callbacks(now)),
        departments=loads,
        department_names=tuple(
            (load.department, Text(known[load.department].name,
                                   known[load.department].name_en or known[load.department].name))
            for load in loads if load.department in known),
        activated=activated, activated_problem=activated_problem,
        report_ups=report_up_status(desk, now),
        report_ups_problem=why(DeskError(unusable)) if unusable else "",
    )


def _failed(city: City, district: CityDistrict, recorded: datetime,
            reason: str) -> DistrictFigures:
    state = update_state(city.root, district.code,
                         lambda s: attrs.evolve(s, read_failed=recorded, read_error=reason),
                         mode=city.desk.file_mode)
    return DistrictFigures(district, state, unavailable=reason)


def department_totals(districts: Sequence[DistrictFigures],
                      names: Callable[[str], Text]) -> tuple[DepartmentTotal, ...]:
    """Each department's work summed over the districts, most overdue first."""
    open_: dict[str, int] = {}
    late: dict[str, dict[str, int]] = {}
    for figures in districts:
        for load in figures.departments:
            open_[load.department] = open_.get(load.department, 0) + load.open
            by = late.setdefault(load.department, {})
            if load.overdue:
                by[figures.district.code] = by.get(figures.district.code, 0) + load.overdue
    totals = [DepartmentTotal(code, names(code), open_[code], sum(late[code].values()),
                              tuple(sorted(late[code].items(), key=lambda kv: (-kv[1], kv[0]))))
              for code in open_]
    return tuple(sorted(totals, key=lambda t: (-t.past_due, -t.open, t.department)))


def city_board(city: City, now: datetime, recorded: datetime | None = None) -> CityBoard:
    """The city board at ``now``: every district in ``city.toml``'s order (``recorded``: see
    :func:`district_figures`)."""
    districts = tuple(district_figures(city, d, now, recorded) for d in city.config.districts)
    names: dict[str, Text] = {}
    for figures in districts:
        for code, name in figures.department_names:
            names.setdefault(code, name)
    settings = city.desk.settings
    return CityBoard(
        name=Text(settings.name, settings.name_en or settings.name), now=now,
        districts=districts,
        departments=department_totals(districts, lambda c: names.get(c, Text(c, c))),
    )


__all__ = ["CityBoard", "DepartmentTotal", "DistrictFigures", "city_board",
           "department_totals", "district_figures"]
