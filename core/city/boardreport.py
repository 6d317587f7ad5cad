"""The city board as a report (:class:`core.reports.Report`): text, CSV or XLSX for scripts and
for the command post's printouts, from the same :class:`core.city.board.CityBoard` the app
draws."""

from __future__ import annotations

from datetime import datetime

import attrs

from core.city.board import CityBoard, DistrictFigures
from core.levels.plans import Text
from core.levels.reserves import KIND_NAMES
from core.levels.signals import Level
from core.reports.table import Cell, Column, Table

NOT_RECORDED = Text("未记录", "not recorded")
DISTRICT = Column("district", "区", "district")


def level_text(level: Level | None) -> Text:
    if level is None:
        return Text("未评估", "not assessed")
    return Text(level.label("zh"), level.label("en"))


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
                    "启动等级与上报：区热线台尚未记录，显示为“未记录”"]
        return [f"{b.name.en}: {self.title.en}",
                f"As of {when}  {len(b.districts)} districts ({b.unavailable} cannot be read)  "
                f"open {b.open}  overdue {b.past_due}",
                "Activated level and report-ups: not recorded by district desks yet"]

    def tables(self) -> list[Table]:
        return [self._districts(), self._departments(), self._evidence(), self._reserves()]

    def _districts(self) -> Table:
        rows: list[tuple[Cell, ...]] = []
        for f in self.board.districts:
            name = Text(f.district.name, f.district.name_en or f.district.name)
            if not f.ok:
                rows.append((name, state_text(f), None, None, NOT_RECORDED, NOT_RECORDED,
                             None, None, None, _when(f.state.last_good), f.unavailable))
                continue
            computed = [a.level.computed for a in f.areas if a.level.computed is not None]
            rows.append((
                name, state_text(f), level_text(f.level),
                level_text(max(computed, key=lambda level: level.rank) if computed else None),
                level_text(f.activated) if f.activated is not None else NOT_RECORDED,
                f.report_ups if f.report_ups is not None else NOT_RECORDED,
                f.open, f.past_due, f.late_callbacks, _when(f.state.last_good),
                f.levels_problem or None,
            ))
        return Table(
            "districts", Text("各区态势", "Districts"),
            (DISTRICT, Column("state", "状态", "state"), Column("level", "应急状态", "level"),
             Column("computed", "规则判定", "rules give"),
             Column("activated", "启动等级", "activated"),
             Column("report_ups", "上报", "report-ups"), Column("open", "未办结", "open"),
             Column("past_due", "超时", "overdue"),
             Column("late_callbacks", "回访超时", "call-backs late"),
             Column("last_good", "最近正常", "last good"),
             Column("problem", "问题", "problem")),
            tuple(rows),
            notes=(Text("应急状态：各区高风险地区中最高的等级（含人工研判）；启动等级与上报尚无记录",
                        "level: the highest of the district's high-risk areas (manual levels "
                        "included); activated levels and report-ups are not recorded yet"),),
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


__all__ = ["NOT_RECORDED", "CityBoardReport", "level_text", "state_text"]
