"""The daily report (日报) of each high-risk area: supply, demand, inventory and price.

The seeds ask high-risk areas to report supply, demand, inventory and price every day (日报制度).
The desk reports what it holds, and says where every figure comes from; it never fills a gap with
an estimate:

===========================  ===================================================================
section                      source
===========================  ===================================================================
emergency level              the classifier (:mod:`core.levels`) on the market signals of a
                             signals file (``--signals``) with the desk's ``levels.toml``, and
                             the supervisor's manual level in force (``levels/decisions/``);
                             without signals the computed level is *not assessed*
reserves (inventory)         ``reserves.toml``: stock, days of cover and the norm, per district
                             (desk-wide when the district holds no stock of its own)
medical supplies             ``reserves.toml`` ``[medical]`` against the tier rules (desk-wide)
demand                       the hotline cases taken that day in the area's communities: requests
                             and complaints per goods category (the catalogue category of the
                             items a case names) and per case category
prices                       listed prices of the catalogue's necessities (``catalogue.toml``
                             items with ``necessity = true``; by goods category if none is);
                             observed prices and the weekly rise from a signals file's
                             ``[[price]]`` series when one is given; price complaints from the
                             cases
hotline evidence             surges of shortage, panic-buying and price-rise calls
                             (:mod:`core.levels.evidence`) at the end of the day
===========================  ===================================================================

High-risk areas are the districts marked ``high_risk = true`` in ``communities.toml``; a desk
that marks none reports on the whole area.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from core.cases.case import CaseKind, Category
from core.identity import supervisors
from core.levels.classifier import Classifier, FiredRule
from core.levels.derive import PriceSeries, weekly_rise
from core.levels.evidence import EVIDENCE_KINDS, Surge, evidence_places, find_surges
from core.levels.manual import Decision, decision_in_force, load_decisions
from core.levels.plans import Text
from core.levels.reserves import (
    KIND_NAMES,
    RESERVES_FILE,
    Cover,
    MedicalLine,
    desk_population,
    load_reserves,
    medical_lines,
    reserve_cover,
)
from core.levels.signalfile import SignalsReading, signals_from_data
from core.levels.signals import Level
from core.levels.thresholds import LEVELS_FILE, Thresholds, desk_thresholds
from core.problems import DeskError, Problem
from core.reference import GoodsCategory
from core.reports.names import (
    GOODS_NAMES,
    UNSPECIFIED_GOODS,
    category_name,
    desk_name,
    district_name,
)
from core.reports.summary import day_bounds
from core.reports.table import Column, Table
from core.reports.timeline import cases_for_period
from core.storage.convert import converter
from core.storage.tomlio import read_toml

if TYPE_CHECKING:
    from core.desk import Desk

#: goods categories that are daily necessities (生活必需品) in the seeds
NECESSITIES = (GoodsCategory.GRAIN_OIL, GoodsCategory.MEAT, GoodsCategory.EGGS,
               GoodsCategory.MILK, GoodsCategory.VEGETABLES, GoodsCategory.SALT)
PRICE_COMPLAINTS = frozenset({Category.PRICE_GOUGING, Category.SERVICE_FEE})


@attrs.frozen
class SignalsSource:
    """A signals file read for the report: its signals and its daily price series."""

    path: Path
    reading: SignalsReading
    prices: tuple[PriceSeries, ...]


@attrs.frozen
class LevelFigure:
    """The emergency level of an area and what it rests on."""

    level: Level | None  # None: not assessed (no signals and no manual level)
    computed: Level | None  # None: no market signals given
    manual: Decision | None
    fired: tuple[FiredRule, ...]
    source: Text


@attrs.frozen
class GoodsDemand:
    goods: GoodsCategory | None  # None: the case names no catalogue goods
    requests: int
    complaints: int

    @property
    def name(self) -> Text:
        return GOODS_NAMES[self.goods] if self.goods is not None else UNSPECIFIED_GOODS


@attrs.frozen
class CategoryDemand:
    category: Category
    cases: int


@attrs.frozen
class PriceLine:
    """A necessity's listed price, and the price observed on the day when a series gives one."""

    item: str
    name: Text
    unit: str
    listed_fen: int | None  # from the catalogue
    observed_fen: int | None  # from a signals file's [[price]] series, on the report's day
    weekly_rise: float | None  # from the same series (core.levels.derive.weekly_rise)
    source: str  # "catalogue.toml", the signals file, or both joined by " + "


@attrs.frozen
class AreaReport:
    """One area's daily report."""

    district: str
    name: Text
    level: LevelFigure
    reserves: tuple[Cover, ...]
    reserves_desk_wide: bool  # the district holds no stock rows of its own
    demand_by_goods: tuple[GoodsDemand, ...]
    demand_by_category: tuple[CategoryDemand, ...]
    requests: int
    complaints: int
    price_complaints: int
    prices: tuple[PriceLine, ...]
    evidence: tuple[Surge, ...]


@attrs.frozen
class DailyReport:
    """The daily report (日报) of every high-risk area of a desk for one day."""

    desk: Text
    day: date
    as_of: datetime
    areas: tuple[AreaReport, ...]
    medical: tuple[MedicalLine, ...]
    sources: tuple[Text, ...]

    @property
    def title(self) -> Text:
        return Text("高风险地区保供日报", "Daily supply report of the high-risk areas")

    def heading(self, lang: str = "zh") -> list[str]:
        names = [a.name.get(lang) for a in self.areas]
        when = self.as_of.strftime("%Y-%m-%d %H:%M")
        if lang == "zh":
            lines = [f"{self.desk.zh} {self.title.zh}",
                     f"日期：{self.day.isoformat()}（截至 {when}）  地区：{'、'.join(names)}",
                     "数据来源："]
        else:
            lines = [f"{self.desk.en}: {self.title.en}",
                     f"Date: {self.day.isoformat()} (as of {when})  Areas: {', '.join(names)}",
                     "Sources:"]
        lines.extend(f"  - {s.get(lang)}" for s in self.sources)
        return lines

    def tables(self) -> list[Table]:
        return [self._level_table(), self._reserves_table(), self._medical_table(),
                self._demand_table(), self._category_table(), self._price_table(),
                self._evidence_table()]

    def _level_table(self) -> Table:
        rows = []
        for a in self.areas:
            f = a.level
            rows.append((
                a.name,
                _level_text(f.level),
                _level_text(f.computed) if f.computed is not None
                else Text("未评估（无市场监测信号）", "not assessed (no market signals)"),
                Text(f"{f.manual.level.label('zh')}（{f.manual.supervisor}：{f.manual.reason}）",
                     f"{f.manual.level.label('en')} ({f.manual.supervisor}: {f.manual.reason})")
                if f.manual is not None else None,
                Text("；".join(r.explanation.zh for r in f.fired),
                     "; ".join(r.explanation.en for r in f.fired)) if f.fired else None,
                f.source,
            ))
        return Table(
            "level", Text("应急状态", "Emergency level"),
            (Column("area", "地区", "area"), Column("level", "应急状态", "level"),
             Column("computed", "规则判定", "rules give"),
             Column("manual", "人工研判", "manual level"),
             Column("rules", "触发规则", "rules fired"), Column("source", "来源", "source")),
            tuple(rows),
        )

    def _reserves_table(self) -> Table:
        rows = []
        for a in self.areas:
            for c in a.reserves:
                if c.days is None:
                    verdict = Text("未知（缺人口或人均消费量）",
                                   "unknown (population or consumption missing)")
                elif not c.applies:
                    verdict = Text("非冬春季节，不适用", "norm does not apply out of season")
                elif c.broken:
                    verdict = Text("不达标", "below norm")
                else:
                    verdict = Text("达标", "meets norm")
                zh, en = KIND_NAMES[c.kind]
                rows.append((
                    a.name, district_name_of(c.district, a), Text(zh, en), c.population,
                    round(c.stock_kg, 1), round(c.daily_kg, 1),
                    None if c.days is None else round(c.days, 1), c.norm_days, verdict,
                ))
        return Table(
            "reserves", Text("储备库存与保障天数", "Reserve stock and days of cover"),
            (Column("area", "地区", "area"), Column("scope", "统计范围", "scope"),
             Column("kind", "品类", "kind"), Column("population", "人口", "population"),
             Column("stock_kg", "库存(kg)", "stock (kg)"),
             Column("daily_kg", "日消费(kg)", "daily use (kg)"),
             Column("days", "保障天数", "days of cover"),
             Column("norm_days", "标准(天)", "norm (days)"),
             Column("verdict", "结论", "verdict")),
            tuple(rows),
            notes=(Text("来源：reserves.toml；保障天数 = 库存 ÷（人口 × 人均日消费量）",
                        "source: reserves.toml; days of cover = stock / (population x "
                        "per-capita daily consumption)"),),
        )

    def _medical_table(self) -> Table:
        rows = tuple(
            (m.item, Text(m.name, m.name_en or m.name), m.tier,
             Text("需储备", "must be stocked") if m.required and m.tier != 3
             else Text("按需采购", "bought on demand") if m.tier == 3
             else Text("暂不要求", "not required now"),
             m.target, m.stock, m.shortfall)
            for m in self.medical
        )
        return Table(
            "medical", Text("防疫物资（全辖区）", "Medical supplies (whole area)"),
            (Column("item", "物资代码", "item"), Column("name", "名称", "name"),
             Column("tier", "级别", "tier"), Column("state", "要求", "requirement"),
             Column("target", "目标", "target"), Column("stock", "库存", "stock"),
             Column("shortfall", "缺口", "shortfall")),
            rows,
            notes=(Text("来源：reserves.toml [medical]", "source: reserves.toml [medical]"),),
        )

    def _demand_table(self) -> Table:
        rows = tuple(
            (a.name, d.name, d.goods.value if d.goods is not None else "", d.requests,
             d.complaints)
            for a in self.areas for d in a.demand_by_goods
        )
        return Table(
            "demand_goods", Text("热线需求（按商品类别）", "Hotline demand by goods category"),
            (Column("area", "地区", "area"), Column("goods", "商品类别", "goods category"),
             Column("code", "代码", "code"), Column("requests", "需求工单", "requests"),
             Column("complaints", "投诉工单", "complaints")),
            rows,
            notes=(Text("来源：当日受理的工单；一件工单涉及几类商品即计入几类",
                        "source: cases taken that day; a case naming goods of several "
                        "categories counts once in each"),),
        )

    def _category_table(self) -> Table:
        rows = tuple(
            (a.name, category_name(d.category), d.category.value,
             Text(_KIND_NAMES[d.category.kind][0], _KIND_NAMES[d.category.kind][1]), d.cases)
            for a in self.areas for d in a.demand_by_category
        )
        return Table(
            "demand_category", Text("热线工单（按类别）", "Hotline cases by category"),
            (Column("area", "地区", "area"), Column("category", "类别", "category"),
             Column("code", "代码", "code"), Column("kind", "性质", "kind"),
             Column("cases", "工单", "cases")),
            rows,
        )

    def _price_table(self) -> Table:
        seen: set[str] = set()
        rows = []
        for a in self.areas:
            for p in a.prices:
                key = f"{p.item}\0{p.source}"
                if p.observed_fen is None and key in seen:
                    continue  # listed prices are desk-wide: shown once
                seen.add(key)
                rows.append((
                    a.name if p.observed_fen is not None else Text("全辖区", "whole area"),
                    p.item, p.name, p.unit, _yuan(p.listed_fen), _yuan(p.observed_fen),
                    None if p.weekly_rise is None else round(p.weekly_rise * 100, 1), p.source,
                ))
        complaints = "，".join(f"{a.name.zh} {a.price_complaints} 件" for a in self.areas)
        complaints_en = ", ".join(f"{a.name.en} {a.price_complaints}" for a in self.areas)
        return Table(
            "prices", Text("生活必需品价格", "Prices of necessities"),
            (Column("area", "地区", "area"), Column("item", "商品代码", "item"),
             Column("name", "名称", "name"), Column("unit", "单位", "unit"),
             Column("listed_yuan", "挂牌价(元)", "listed (yuan)"),
             Column("observed_yuan", "监测价(元)", "observed (yuan)"),
             Column("weekly_rise_pct", "周涨幅(%)", "weekly rise (%)"),
             Column("source", "来源", "source")),
            tuple(rows),
            notes=(
                Text("挂牌价来自 catalogue.toml；监测价与周涨幅仅来自信号文件的 [[price]] 序列",
                     "listed prices from catalogue.toml; observed prices and weekly rises only "
                     "from a signals file's [[price]] series"),
                Text(f"当日价格投诉（哄抬价格、收取服务费或加价）：{complaints}",
                     f"price complaints that day (gouging, service fee or markup): "
                     f"{complaints_en}"),
            ),
        )

    def _evidence_table(self) -> Table:
        rows = tuple(
            (a.name, community_name_text(s), s.cases, round(s.expected, 1),
             Text("、".join(f"{EVIDENCE_KINDS[k][0]}{n}" for k, n in s.by_kind),
                  ", ".join(f"{EVIDENCE_KINDS[k][1]} {n}" for k, n in s.by_kind)),
             " ".join(s.case_ids))
            for a in self.areas for s in a.evidence
        )
        return Table(
            "evidence", Text("热线研判依据（来电激增）", "Hotline evidence (surges of calls)"),
            (Column("area", "地区", "area"), Column("community", "社区", "community"),
             Column("cases", "工单", "cases"), Column("expected", "基线", "baseline"),
             Column("kinds", "构成", "kinds"), Column("case_ids", "工单号", "case ids")),
            rows,
            notes=(Text("仅供值班长研判，不自动调整应急状态",
                        "for the supervisor to judge; the level is not changed by it"),),
        )


_KIND_NAMES = {
    CaseKind.REQUEST: ("需求", "request"),
    CaseKind.COMPLAINT: ("投诉", "complaint"),
    CaseKind.INQUIRY: ("咨询", "inquiry"),
    CaseKind.RUMOUR: ("不实信息", "rumour"),
}


def _level_text(level: Level | None) -> Text:
    if level is None:
        return Text("未评估", "not assessed")
    return Text(level.label("zh"), level.label("en"))


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else round(fen / 100, 2)


def district_name_of(code: str, area: AreaReport) -> Text:
    if code:
        return area.name if code == area.district else Text(code, code)
    return Text("全辖区", "whole area")


def community_name_text(surge: Surge) -> Text:
    return Text(surge.community_name or surge.community,
                surge.community_name_en or surge.community)


def read_signals_source(path: Path, thresholds: Thresholds
                        ) -> tuple[SignalsSource | None, list[Problem]]:
    """A signals file with its price series; ``None`` and every problem if it is unusable."""
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    reading, problems = signals_from_data(data, path, text, thresholds)
    if reading is None:
        return None, problems
    raw: Any = data.get("price", [])
    prices = tuple(converter.structure(p, PriceSeries) for p in raw)
    return SignalsSource(path, reading, prices), []


def high_risk_areas(desk: Desk) -> list[str]:
    """The codes of the desk's high-risk districts; ``[""]`` (the whole area) if none is marked."""
    return sorted(code for code, d in desk.districts.items() if d.high_risk) or [""]


def daily_report(
    desk: Desk,
    day: date,
    *,
    districts: Sequence[str] | None = None,
    signals: Iterable[Path] = (),
    now: datetime | None = None,
) -> DailyReport:
    """The daily report of ``districts`` (default: the high-risk ones) for ``day``.

    Raises :class:`DeskError` with every problem when ``levels.toml``, ``reserves.toml``, the
    supervisors' decisions or a signals file cannot be used, or a district is unknown.
    """
    problems: list[Problem] = []
    thresholds, found = desk_thresholds(desk.root)
    problems.extend(found)
    reserves, found = load_reserves(desk.root / RESERVES_FILE)
    problems.extend(found)
    decisions, found = load_decisions(desk.root, supervisors(desk))
    problems.extend(found)
    sources: list[SignalsSource] = []
    if thresholds is not None:
        for path in signals:
            source, found = read_signals_source(Path(path), thresholds)
            problems.extend(found)
            if source is not None:
                sources.append(source)
    codes = list(districts) if districts else high_risk_areas(desk)
    for code in codes:
        if code and code not in desk.districts:
            problems.append(Problem(desk.root / "communities.toml", None,
                                    f"unknown district {code!r} (this desk has: "
                                    f"{', '.join(sorted(desk.districts)) or 'none'})"))
    for source in sources:
        district = source.reading.district
        if district and desk.districts and district not in desk.districts:
            problems.append(Problem(source.path, None, f"unknown district {district!r}",
                                    "district"))
        if source.reading.day is not None and source.reading.day != day:
            problems.append(Problem(source.path, None,
                                    f"the signals are for {source.reading.day.isoformat()}, "
                                    f"the report for {day.isoformat()}", "date"))
    if problems or thresholds is None:
        raise DeskError(problems)

    start, end = day_bounds(desk, day)
    as_of = min(end, now or desk.cases.now())
    touched = list(cases_for_period(desk, start, end))
    rows = [t.row for t in touched]
    surges = find_surges(rows, as_of, thresholds.evidence, desk.communities,
                         evidence_places(desk, rows))
    population = desk_population(desk)
    covers = reserve_cover(reserves, population, day) if reserves is not None else []
    classifier = Classifier(thresholds)
    areas = []
    for code in codes:
        def in_area(community: str, code: str = code) -> bool:
            if not code:
                return True
            found = desk.communities.get(community)
            return found is not None and found.district == code

        taken = [t.case for t in touched
                 if t.case is not None and start <= t.case.created < end
                 and in_area(t.case.community)]
        goods: dict[GoodsCategory | None, Counter[str]] = {}
        categories: Counter[Category] = Counter()
        for case in taken:
            categories[case.category] += 1
            if case.kind not in (CaseKind.REQUEST, CaseKind.COMPLAINT):
                continue
            named: set[GoodsCategory | None] = {
                desk.catalogue[line.code].category for line in case.items
                if line.code in desk.catalogue}
            for goods_category in named or {None}:
                goods.setdefault(goods_category, Counter())[case.kind.value] += 1
        order = {g: i for i, g in enumerate(GoodsCategory)}
        demand = tuple(
            GoodsDemand(g, c["request"], c["complaint"])
            for g, c in sorted(goods.items(),
                               key=lambda kv: order[kv[0]] if kv[0] is not None else 99)
        )
        by_category = tuple(CategoryDemand(cat, n) for cat, n in
                            sorted(categories.items(), key=lambda kv: (-kv[1], kv[0].value)))
        area_covers = tuple(c for c in covers if c.district == code)
        desk_wide = not area_covers
        if desk_wide:
            area_covers = tuple(c for c in covers if c.district == "")
        areas.append(AreaReport(
            district=code,
            name=district_name(desk, code),
            level=level_figure(classifier, sources, decisions, code, day),
            reserves=area_covers,
            reserves_desk_wide=desk_wide,
            demand_by_goods=demand,
            demand_by_category=by_category,
            requests=sum(1 for c in taken if c.kind is CaseKind.REQUEST),
            complaints=sum(1 for c in taken if c.kind is CaseKind.COMPLAINT),
            price_complaints=sum(1 for c in taken if c.category in PRICE_COMPLAINTS),
            prices=tuple(_prices(desk, sources, code, day, thresholds.prices.window_days)),
            evidence=tuple(s for s in surges if not code or s.district == code),
        ))
    notes = [
        Text("工单：热线台 cases/ 目录中当日受理的工单",
             "cases: the desk's case files taken that day"),
        Text("储备与防疫物资：reserves.toml" if reserves is not None
             else "储备与防疫物资：未提供 reserves.toml，不报",
             "reserves and medical supplies: reserves.toml" if reserves is not None
             else "reserves and medical supplies: no reserves.toml, not reported"),
        Text("挂牌价：catalogue.toml", "listed prices: catalogue.toml"),
        Text(f"应急等级阈值：{LEVELS_FILE}" if (desk.root / LEVELS_FILE).exists()
             else "应急等级阈值：默认值（无 levels.toml）",
             f"level thresholds: {LEVELS_FILE}" if (desk.root / LEVELS_FILE).exists()
             else "level thresholds: defaults (no levels.toml)"),
    ]
    notes.extend(Text(f"市场监测信号：{s.path.name}", f"market signals: {s.path.name}")
                 for s in sources)
    if not sources:
        notes.append(Text("市场监测信号：未提供，规则判定不评估，监测价不报",
                          "market signals: none given; the rules are not assessed and no "
                          "observed prices are reported"))
    return DailyReport(
        desk=desk_name(desk), day=day, as_of=as_of, areas=tuple(areas),
        medical=tuple(medical_lines(reserves.medical, desk.catalogue))
        if reserves is not None else (),
        sources=tuple(notes),
    )


def _applies(source: SignalsSource, code: str) -> bool:
    """A signals file applies to its own district, or to every area when it names none."""
    return not source.reading.district or source.reading.district == code


def level_figure(classifier: Classifier, sources: Sequence[SignalsSource],
                 decisions: Sequence[Decision], code: str, day: date) -> LevelFigure:
    """The level of the area ``code`` on ``day``: the rules on the area's own signals file (else
    a desk-wide one), with the supervisor's manual level in force; the manual level alone
    without signals; not assessed without either."""
    manual = decision_in_force([d for d in decisions if d.time.date() <= day], code)
    chosen = [s for s in sources if _applies(s, code)]
    chosen.sort(key=lambda s: (not s.reading.district, str(s.path)))  # the district's own first
    if chosen:
        source = chosen[0]
        assessment = classifier.assess(source.reading.signals, manual)
        return LevelFigure(
            assessment.level, assessment.computed, manual, assessment.fired,
            Text(f"信号文件 {source.path.name}" + ("，人工研判" if manual else ""),
                 f"signals file {source.path.name}" + (", manual level" if manual else "")),
        )
    if manual is not None:
        return LevelFigure(manual.level, None, manual, (),
                           Text("人工研判", "manual level"))
    return LevelFigure(None, None, None, (), Text("无", "none"))


def _prices(desk: Desk, sources: Sequence[SignalsSource], code: str,
            day: date, window: int) -> list[PriceLine]:
    observed: dict[str, tuple[int, float | None, str]] = {}
    for source in sources:
        if not _applies(source, code):
            continue
        for series in source.prices:
            by_day = series.by_day()
            if day in by_day:
                observed[series.item] = (by_day[day], weekly_rise(by_day, day, window),
                                         source.path.name)
    lines: list[PriceLine] = []
    flagged = any(item.necessity for item in desk.catalogue.values())
    for item in desk.catalogue.values():
        necessity = item.necessity if flagged else item.category in NECESSITIES
        if not necessity and item.code not in observed:
            continue
        seen = observed.pop(item.code, None)
        lines.append(PriceLine(
            item=item.code, name=Text(item.name, item.name_en), unit=item.unit,
            listed_fen=item.price_fen,
            observed_fen=seen[0] if seen else None,
            weekly_rise=seen[1] if seen else None,
            source="catalogue.toml" + (f" + {seen[2]}" if seen else ""),
        ))
    for item_code, (fen, rise, name) in sorted(observed.items()):
        lines.append(PriceLine(item_code, Text(item_code, item_code), "", None, fen, rise, name))
    return lines


__all__ = [
    "AreaReport", "CategoryDemand", "DailyReport", "GoodsDemand", "LevelFigure", "PriceLine",
    "SignalsSource", "daily_report", "high_risk_areas", "level_figure",
    "read_signals_source",
]
