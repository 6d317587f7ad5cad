"""Hotline summaries for supervisors: the shift summary (交接班小结) and the day summary (日汇总).

**Shift summary** for a period ``[start, end)``:

- *taken* (受理): cases created in the period;
- *closed* (办结): cases resolved in the period (a ``resolve`` event in it, or a supervisor's
  approval of a resolution; a case resolved twice counts once). A resolution that went to a
  supervisor for approval (待审核) is not closed until approved;
- *awaiting approval* (待审核): cases whose resolution waits for a supervisor at the end of the
  period (they are among the open ones);
- *open* and *overdue* (在办、超期): the whole desk's cases as they stood at the end of the period
  (or now, if the period has not ended), however old; overdue means open past the due time, or
  resolved and not called back by the call-back due time, as everywhere in baogong;
- by category and by department (the department a case was with at the end), and per operator:
  cases taken, actions taken (every history event but intake), cases resolved and called back.

**Day summary** for one local day of the desk's time zone: calls per clock hour (cases created,
24 figures), the same taken/closed/open/overdue figures per department, and shortage hot spots:
per community, the cases of the evidence categories (物资短缺, 抢购囤积, 价格上涨; see
:mod:`core.levels.evidence`) taken that day, and whether the classifier's evidence rule finds a
surge there at the end of the day.

Every figure counts cases in the desk's files; nothing is estimated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs

from core.cases.case import Action, CaseStatus, Category
from core.cases.index import CaseRow
from core.levels.evidence import EVIDENCE_KINDS, evidence_places, find_surges
from core.levels.plans import Text
from core.levels.thresholds import DEFAULT_THRESHOLDS, Thresholds
from core.names import category_name
from core.reports.names import (
    community_name,
    department_name,
    desk_name,
    district_name,
)
from core.reports.table import Column, Table
from core.reports.timeline import Touched, cases_for_period, events_between, state_in
from core.shifts import shifts_on

if TYPE_CHECKING:
    from core.desk import Desk

@attrs.frozen
class Counts:
    """Taken and closed in the period, open and overdue at its end, for one category or unit."""

    key: str
    name: Text
    taken: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    awaiting: int = 0


@attrs.frozen
class OperatorCounts:
    operator: str
    taken: int = 0
    actions: int = 0
    resolved: int = 0
    called_back: int = 0


@attrs.frozen
class Totals:
    taken: int
    closed: int
    open: int
    overdue: int
    awaiting: int = 0


@attrs.frozen
class ShiftSummary:
    """A shift's figures (交接班小结); see the module's documentation for each one."""

    desk: Text
    start: datetime
    end: datetime
    as_of: datetime
    totals: Totals
    by_category: tuple[Counts, ...]
    by_department: tuple[Counts, ...]
    by_operator: tuple[OperatorCounts, ...]

    @property
    def title(self) -> Text:
        return Text("交接班小结", "Shift summary")

    def heading(self, lang: str = "zh") -> list[str]:
        return _heading(self.desk, self.title, self.start, self.end, self.as_of, self.totals,
                        lang)

    def tables(self) -> list[Table]:
        return [
            _totals_table(self.totals),
            _counts_table("by_category", Text("按类别", "By category"),
                          Column("category", "类别", "category"), self.by_category),
            _counts_table("by_department", Text("按部门", "By department"),
                          Column("department", "部门", "department"), self.by_department),
            _operator_table(self.by_operator),
        ]


@attrs.frozen
class HotSpot:
    """Evidence calls from one community in the day (物资短缺热点)."""

    community: str
    name: Text
    district: str
    cases: int
    by_kind: tuple[tuple[str, int], ...]  # evidence kind -> cases, every kind
    surge: bool
    district_name: Text


@attrs.frozen
class DaySummary:
    """A day's figures (日汇总); see the module's documentation for each one."""

    desk: Text
    day: date
    start: datetime
    end: datetime
    as_of: datetime
    totals: Totals
    per_hour: tuple[int, ...]  # 24 figures: cases created in each clock hour
    by_department: tuple[Counts, ...]
    hot_spots: tuple[HotSpot, ...]

    @property
    def title(self) -> Text:
        return Text("热线日汇总", "Hotline day summary")

    def heading(self, lang: str = "zh") -> list[str]:
        return _heading(self.desk, self.title, self.start, self.end, self.as_of, self.totals,
                        lang)

    def tables(self) -> list[Table]:
        hours = Table(
            "per_hour", Text("每小时来电（受理工单数）", "Calls per hour (cases taken)"),
            (Column("hour", "时段", "hour"), Column("calls", "来电", "calls")),
            tuple((f"{h:02d}:00", n) for h, n in enumerate(self.per_hour)),
        )
        kinds = tuple(EVIDENCE_KINDS)
        spots = Table(
            "hot_spots",
            Text("物资短缺热点（按社区）", "Shortage hot spots by community"),
            (Column("community", "社区", "community"), Column("district", "区", "district"),
             Column("cases", "工单", "cases"),
             *(Column(k, EVIDENCE_KINDS[k][0], EVIDENCE_KINDS[k][1]) for k in kinds),
             Column("surge", "激增", "surge")),
            tuple((s.name, s.district_name, s.cases, *(dict(s.by_kind).get(k, 0) for k in kinds),
                   s.surge) for s in self.hot_spots),
            notes=(Text("统计当日“物资短缺、抢购囤积、价格上涨”类工单；激增按应急等级研判规则"
                        "（levels.toml 的 evidence）在日终判断",
                        "cases of the shortage, panic-buying and price-rise categories taken "
                        "that day; surge is the level evidence rule (levels.toml [evidence]) "
                        "judged at the end of the day"),),
        )
        return [
            _totals_table(self.totals),
            hours,
            _counts_table("by_department", Text("按部门", "By department"),
                          Column("department", "部门", "department"), self.by_department),
            spots,
        ]


def _heading(desk: Text, title: Text, start: datetime, end: datetime, as_of: datetime,
             totals: Totals, lang: str) -> list[str]:
    fmt = "%Y-%m-%d %H:%M"
    if lang == "zh":
        return [
            f"{desk.zh} {title.zh}",
            f"时段：{start.strftime(fmt)} 至 {end.strftime(fmt)}（在办、超期截至 "
            f"{as_of.strftime(fmt)}）",
            f"受理 {totals.taken} 件，办结 {totals.closed} 件；在办 {totals.open} 件（其中待审核 "
            f"{totals.awaiting} 件）；"
            f"超期 {totals.overdue} 件（含办结后逾期未回访）",
        ]
    return [
        f"{desk.en}: {title.en}",
        f"Period: {start.strftime(fmt)} to {end.strftime(fmt)} (open and overdue as of "
        f"{as_of.strftime(fmt)})",
        f"Taken {totals.taken}, closed {totals.closed}; open {totals.open} (awaiting approval "
        f"{totals.awaiting}); "
        f"overdue {totals.overdue} (including resolved cases not called back in time)",
    ]


def _totals_table(totals: Totals) -> Table:
    return Table(
        "totals", Text("合计", "Totals"),
        (Column("taken", "受理", "taken"), Column("closed", "办结", "closed"),
         Column("awaiting", "待审核", "awaiting"),
         Column("open", "在办", "open"), Column("overdue", "超期", "overdue")),
        ((totals.taken, totals.closed, totals.awaiting, totals.open, totals.overdue),),
    )


def _counts_table(name: str, title: Text, first: Column, counts: Iterable[Counts]) -> Table:
    return Table(
        name, title,
        (first, Column("code", "代码", "code"), Column("taken", "受理", "taken"),
         Column("closed", "办结", "closed"), Column("awaiting", "待审核", "awaiting"),
         Column("open", "在办", "open"), Column("overdue", "超期", "overdue")),
        tuple((c.name, c.key, c.taken, c.closed, c.awaiting, c.open, c.overdue)
              for c in counts),
    )


def _operator_table(operators: Iterable[OperatorCounts]) -> Table:
    return Table(
        "by_operator", Text("按接线员", "By operator"),
        (Column("operator", "接线员", "operator"), Column("taken", "受理", "taken"),
         Column("actions", "处理操作", "actions"), Column("resolved", "办结", "resolved"),
         Column("called_back", "回访", "called back")),
        tuple((o.operator, o.taken, o.actions, o.resolved, o.called_back) for o in operators),
        notes=(Text("处理操作：除受理外的每条办理记录",
                    "actions: every history event but intake"),),
    )


@attrs.define
class _Tally:
    """Figures gathered over one pass of the period's cases."""

    taken: Counter[str] = attrs.Factory(Counter)
    closed: Counter[str] = attrs.Factory(Counter)
    open: Counter[str] = attrs.Factory(Counter)
    overdue: Counter[str] = attrs.Factory(Counter)
    awaiting: Counter[str] = attrs.Factory(Counter)

    def add(self, key: str, *, taken: bool, closed: bool, open_: bool, overdue: bool,
            awaiting: bool = False) -> None:
        for counter, flag in ((self.taken, taken), (self.closed, closed), (self.open, open_),
                              (self.overdue, overdue), (self.awaiting, awaiting)):
            if flag:
                counter[key] += 1
            else:
                counter[key] += 0

    def counts(self, name: Callable[[str], Text]) -> tuple[Counts, ...]:
        keys = [k for k in self.taken if self.taken[k] or self.closed[k] or self.open[k]
                or self.overdue[k]]
        keys.sort(key=lambda k: (-self.taken[k], -self.open[k], k))
        return tuple(Counts(k, name(k), self.taken[k], self.closed[k], self.open[k],
                            self.overdue[k], self.awaiting[k]) for k in keys)

    def totals(self) -> Totals:
        return Totals(sum(self.taken.values()), sum(self.closed.values()),
                      sum(self.open.values()), sum(self.overdue.values()),
                      sum(self.awaiting.values()))


@attrs.define
class _Pass:
    by_category: _Tally
    by_department: _Tally
    operators: dict[str, OperatorCounts]
    taken_rows: list[CaseRow]
    evidence_rows: list[CaseRow]


def _walk(desk: Desk, start: datetime, end: datetime, as_of: datetime,
          cases: Iterable[Touched] | None = None) -> _Pass:
    rules = desk.settings.sla
    by_category, by_department = _Tally(), _Tally()
    operators: dict[str, Counter[str]] = {}
    taken_rows: list[CaseRow] = []
    evidence_rows: list[CaseRow] = []
    for touched in cases if cases is not None else cases_for_period(desk, start, end):
        row, case = touched.row, touched.case
        state = state_in(touched, as_of, rules)
        taken = start <= row.created < end
        closed = False
        if case is not None:
            for event in events_between(case, start, end):
                tally = operators.setdefault(event.operator, Counter())
                if event.action is Action.CREATE:
                    continue
                tally["actions"] += 1
                if event.action is Action.RESOLVE:
                    # resolved, or sent to a supervisor for approval (closed when approved)
                    closed = closed or event.status is not CaseStatus.AWAITING_APPROVAL
                    tally["resolved"] += 1
                elif event.action is Action.APPROVE:
                    closed = True
                elif event.action is Action.CALL_BACK:
                    tally["called_back"] += 1
        if taken:
            operators.setdefault(row.created_by, Counter())["taken"] += 1
            taken_rows.append(row)
        evidence_rows.append(row)  # find_surges picks its own window and baseline
        open_ = state is not None and state.is_open
        overdue = state is not None and state.is_overdue
        awaiting = state is not None and state.status is CaseStatus.AWAITING_APPROVAL
        if not (taken or closed or open_ or overdue):
            continue
        department = state.department if state is not None else row.department
        for grouping, key in ((by_category, row.category.value), (by_department, department)):
            grouping.add(key, taken=taken, closed=closed, open_=open_, overdue=overdue,
                         awaiting=awaiting)
    return _Pass(
        by_category, by_department,
        {name: OperatorCounts(name, c["taken"], c["actions"], c["resolved"], c["called_back"])
         for name, c in operators.items()},
        taken_rows, evidence_rows,
    )


def shift_summary(desk: Desk, start: datetime, end: datetime,
                  now: datetime | None = None) -> ShiftSummary:
    """The figures of the shift ``[start, end)``; open and overdue at ``min(end, now)``."""
    _check_period(start, end)
    as_of = min(end, now or desk.cases.now())
    tally = _walk(desk, start, end, as_of)
    operators = sorted(tally.operators.values(),
                       key=lambda o: (-(o.taken + o.actions), o.operator))
    return ShiftSummary(
        desk=desk_name(desk), start=start, end=end, as_of=as_of,
        totals=tally.by_category.totals(),
        by_category=tally.by_category.counts(lambda k: category_name(Category(k))),
        by_department=tally.by_department.counts(lambda k: department_name(desk, k)),
        by_operator=tuple(operators),
    )


def day_summary(desk: Desk, day: date, now: datetime | None = None,
                thresholds: Thresholds = DEFAULT_THRESHOLDS) -> DaySummary:
    """The figures of ``day`` in the desk's time zone; open and overdue at the day's end or now."""
    start, end = day_bounds(desk, day)
    as_of = min(end, now or desk.cases.now())
    tally = _walk(desk, start, end, as_of)
    per_hour = [0] * 24
    zone = desk.settings.zone
    spots: dict[str, Counter[str]] = {}
    places = evidence_places(desk, tally.evidence_rows)
    for row in tally.taken_rows:
        per_hour[row.created.astimezone(zone).hour] += 1
        kind = row.category.info.evidence
        if kind is None:
            continue
        for code in (row.community,) if row.community else places.get(row.id, ()):
            spots.setdefault(code, Counter())[kind] += 1
    surging = {s.community for s in find_surges(tally.evidence_rows, as_of, thresholds.evidence,
                                                desk.communities, places)}
    hot = [
        HotSpot(
            community=code, name=community_name(desk, code),
            district=desk.communities[code].district if code in desk.communities else "",
            district_name=district_name(
                desk, desk.communities[code].district if code in desk.communities else ""),
            cases=sum(kinds.values()),
            by_kind=tuple((k, kinds[k]) for k in EVIDENCE_KINDS),
            surge=code in surging,
        )
        for code, kinds in spots.items()
    ]
    hot.sort(key=lambda s: (-s.cases, s.community))
    return DaySummary(
        desk=desk_name(desk), day=day, start=start, end=end, as_of=as_of,
        totals=tally.by_department.totals(), per_hour=tuple(per_hour),
        by_department=tally.by_department.counts(lambda k: department_name(desk, k)),
        hot_spots=tuple(hot),
    )


def day_bounds(desk: Desk, day: date) -> tuple[datetime, datetime]:
    """Midnight to midnight of ``day`` in the desk's time zone."""
    zone = desk.settings.zone
    return (datetime.combine(day, time(0), tzinfo=zone),
            datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone))


def shift_bounds(desk: Desk, day: date, night: bool = False) -> tuple[datetime, datetime]:
    """The first shift starting on ``day`` (the day shift, 08:00-20:00 by default) or, with
    ``night``, the last (20:00-08:00 next day); the shifts are the desk's (:mod:`core.shifts`)."""
    on_day = shifts_on(desk.settings.shifts, day, desk.settings.zone)
    shift = on_day[-1] if night else on_day[0]
    return shift.start, shift.end


def _check_period(start: datetime, end: datetime) -> None:
    if start.utcoffset() is None or end.utcoffset() is None:
        raise ValueError("period times must carry a UTC offset")
    if not start < end:
        raise ValueError(f"the period must start before it ends ({start} .. {end})")
