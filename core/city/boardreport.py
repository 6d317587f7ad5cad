"""The city board as a report (:class:`core.reports.Report`): text, CSV or XLSX for scripts and
for the command post's printouts, from the same :class:`core.city.board.CityBoard` the app
draws."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.city.board import CityBoard, DistrictFigures
from core.levels.plans import Text
from core.levels.reportup import ReportUpStatus
from core.levels.reserves import KIND_NAMES
from core.levels.signals import Level
from core.reports.table import Cell, Column, Table

DISTRICT = Column("district", "区", "district")


def level_text(level: Level | None) -> Text:
    if level is None:
        return Text("未评估", "not assessed")
    return Text(level.label("zh"), level.label("en"))


def activated_text(figures: DistrictFigures) -> Text:
    """The level in force: a level, none in force, or that the records cannot be used."""
    if figures.activated_problem:
        return Text("启动记录无法使用", "activation records unusable")
    if figures.activated is None:
        return Text("未启动", "none in force")
    return level_text(figures.activated)


def report_ups_text(status: ReportUpStatus) -> Text:
    """``2 open, 1 overdue``: tasks not reported yet, and those of them past their hour."""
    if not status.open:
        return Text("无待上报", "none open")
    return Text(f"待上报 {len(status.open)}，超时 {status.overdue_open}",
                f"{len(status.open)} open, {status.overdue_open} overdue")


def state_text(figures: DistrictFigures) -> Text:
    """正常 / 拉取失败，数据截至… / 无法读取."""
    if not figures.ok:
        return Text("无法读取", "cannot be read")
    if figures.stale:
        fetched = _when(figures.state.fetched)
        return Text(f"拉取失败，数据截至 {fetched}", f"fetch failed; data as of {fetched}")
    return Text("正常", "ok")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%m-%d %H:%M") if moment is not None else "-"


@attrs.frozen
class CityBoardReport:
    """The city board's tables: districts, departments, hotline evidence, reserve cover."""

    board: CityBoard

    @property
    def title(self) -> Text:
        return Text("全市保供态势", "City supply board")

    def heading(self, lang: str = "zh") -> list[str]:
        b = self.board
        when = b.now.strftime("%Y-%m-%d %H:%M")
        if lang == "zh":
            return [f"{b.name.zh} {self.title.zh}",
                    f"截至 {when}  区 {len(b.districts)} 个（无法读取 {b.unavailable}）  "
                    f"未办结 {b.open}  超时 {b.past_due}",
                    f"已启动响应 {b.activated}/{len(b.districts)} 个区  待上报 {b.report_ups_open}"
                    f"（超时 {b.report_ups_overdue}）"]
        return [f"{b.name.en}: {self.title.en}",
                f"As of {when}  {len(b.districts)} districts ({b.unavailable} cannot be read)  "
                f"open {b.open}  overdue {b.past_due}",
                f"Level in force in {b.activated} of {len(b.districts)} districts  "
                f"report-ups open "
                f"{b.report_ups_open} ({b.report_ups_overdue} overdue)"]

    def tables(self) -> list[Table]:
        return [self._districts(), self._departments(), self._evidence(), self._reserves()]

    def _districts(self) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for f in self.board.districts:
            name = Text(f.district.name, f.district.name_en or f.district.name)
            if not f.ok:
                rows.append((name, state_text(f), None, None, None, None, None,
                             None, None, None, _when(f.state.last_good), f.unavailable))
                continue
            computed = [a.level.computed for a in f.areas if a.level.computed is not None]
            rows.append((
                name, state_text(f), level_text(f.level),
                level_text(max(computed, key=lambda level: level.rank) if computed else None),
                activated_text(f),
                len(f.report_ups.open) if f.report_ups is not None else None,
                f.report_ups.overdue_open if f.report_ups is not None else None,
                f.open, f.past_due, f.late_callbacks, _when(f.state.last_good),
                "; ".join(p for p in (f.levels_problem, f.activated_problem,
                                      f.report_ups_problem) if p) or None,
            ))
        return Table(
            "districts", Text("各区态势", "Districts"),
            (DISTRICT, Column("state", "状态", "state"), Column("level", "应急状态", "level"),
             Column("computed", "规则判定", "rules give"),
             Column("activated", "启动等级", "in force"),
             Column("report_ups_open", "待上报", "report-ups open"),
             Column("report_ups_overdue", "上报超时", "report-ups overdue"),
             Column("open", "未办结", "open"),
             Column("past_due", "超时", "overdue"),
             Column("late_callbacks", "回访超时", "call-backs late"),
             Column("last_good", "最近正常", "last good"),
             Column("problem", "问题", "problem")),
            tuple(rows),
            notes=(Text("应急状态：各区高风险地区中最高的等级（含人工研判）；启动等级：区热线台"
                        "记录的启动或降级中现行最高的等级（未启动：无启动记录或已终止）；"
                        "上报超时：1小时内尚未上报的",
                        "level: the highest of the district's high-risk areas (manual levels "
                        "included); in force: the highest level the district's recorded "
                        "activations put in force (none in force: no activation, or all "
                        "ended); report-ups overdue: not reported within the hour"),),
        )

    def _departments(self) -> Table:
        codes = {f.district.code: f.district for f in self.board.districts}
        rows = tuple(
            (t.name, t.department, t.open, t.past_due,
             Text("、".join(f"{codes[c].name} {n}" for c, n in t.past_due_by_district),
                  ", ".join(f"{codes[c].name_en or codes[c].name} {n}"
                            for c, n in t.past_due_by_district)))
            for t in self.board.departments)
        return Table(
            "departments",
            Text("各部门未办结与超时（全市）", "Open and overdue work per department (whole city)"),
            (Column("department", "部门", "department"), Column("code", "代码", "code"),
             Column("open", "未办结", "open"), Column("past_due", "超时", "overdue"),
             Column("by_district", "超时分布", "overdue by district")),
            rows,
        )

    def _evidence(self) -> Table:
        rows = tuple(
            (Text(f.district.name, f.district.name_en or f.district.name), a.name,
             Text(s.community_name or s.community, s.community_name_en or s.community),
             s.cases, " ".join(s.case_ids))
            for f in self.board.districts for a in f.areas for s in a.evidence)
        return Table(
            "evidence", Text("热线研判依据（来电激增）", "Hotline evidence (surges of calls)"),
            (DISTRICT, Column("area", "地区", "area"), Column("community", "社区", "community"),
             Column("cases", "工单", "cases"), Column("case_ids", "工单号", "case ids")),
            rows,
        )

    def _reserves(self) -> Table:
        rows = tuple(
            (Text(f.district.name, f.district.name_en or f.district.name), a.name,
             Text(*KIND_NAMES[c.kind]), None if c.days is None else round(c.days, 1),
             c.norm_days, c.broken)
            for f in self.board.districts for a in f.areas for c in a.reserves)
        return Table(
            "reserves", Text("储备保障天数", "Reserve days of cover"),
            (DISTRICT, Column("area", "地区", "area"), Column("kind", "品类", "kind"),
             Column("days", "保障天数", "days of cover"),
             Column("norm_days", "标准(天)", "norm (days)"),
             Column("below_norm", "低于标准", "below norm")),
            rows,
        )


__all__ = ["CityBoardReport", "activated_text", "level_text", "report_ups_text", "state_text"]
