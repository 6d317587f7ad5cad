"""The daily report (日报) as figures: each high-risk area's level, reserves, demand and prices
(:class:`AreaReport`), the desk's report for the day (:class:`DailyReport`) and the tables it is
written as. :mod:`core.reports.daily` builds it from the desk's files.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import attrs

from core.cases.case import Category
from core.levels.classifier import FiredRule
from core.levels.derive import PriceSeries
from core.levels.evidence import EVIDENCE_KINDS, Surge
from core.levels.manual import Decision
from core.levels.plans import Text
from core.levels.reportup import ReportUp
from core.levels.reserves import KIND_NAMES as RESERVE_NAMES
from core.levels.reserves import Cover, MedicalLine
from core.levels.signalfile import SignalsReading
from core.levels.signals import Level
from core.names import (
    GOODS_NAMES,
    KIND_NAMES,
    NECESSITY_NAMES,
    STOCK_STATE_NAMES,
    UNSPECIFIED_GOODS,
    category_name,
)
from core.reference import GoodsCategory
from core.reports.supply import ObservedPrice, SupplyLine
from core.reports.table import Column, Table


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
    goods: GoodsCategory | None  # None: the case or order names no catalogue goods
    requests: int
    complaints: int
    orders: int = 0  # round orders taken that day that name goods of the category

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
    orders: int = 0  # round orders taken that day
    observed_prices: tuple[ObservedPrice, ...] = ()  # the day's price monitoring


@attrs.frozen
class DailyReport:
    """The daily report (日报) of every high-risk area of a desk for one day."""

    desk: Text
    day: date
    as_of: datetime
    areas: tuple[AreaReport, ...]
    medical: tuple[MedicalLine, ...]
    sources: tuple[Text, ...]
    supply: tuple[SupplyLine, ...] = ()
    #: the report-up tasks of the day (level rises, surges), reported or not
    report_ups: tuple[ReportUp, ...] = ()

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
                self._supply_table(), self._demand_table(), self._category_table(),
                self._price_table(), self._monitoring_table(), self._evidence_table(),
                *([self._report_up_table()] if self.report_ups else [])]

    def _report_up_table(self) -> Table:
        rows = []
        for task in self.report_ups:
            if task.reported_at is not None:
                state = (Text("逾期上报", "reported late") if task.reported_at > task.due
                         else Text("按时上报", "reported in time"))
            elif task.due <= self.as_of:
                state = Text("逾期未报", "overdue, not reported")
            else:
                state = Text("待上报", "to report")
            cause = (Text(f"应急等级升至{task.level.value}级", f"level rose to {task.level.value}")
                     if task.cause.value == "level"
                     else Text(f"热线反映激增（{task.level.value}级依据）",
                               f"hotline surge (evidence for {task.level.value})"))
            reported = (f"{task.reported_at:%H:%M} {task.reported_to}（{task.reference}，"
                        f"{task.reported_by}）" if task.reported_at is not None else None)
            rows.append((task.area or "-", cause, f"{task.seen_at:%H:%M}", f"{task.due:%H:%M}",
                         reported, state))
        return Table(
            "report_ups", Text("1小时内向上报告", "Reported upward within the hour"),
            (Column("area", "地区/社区", "area"), Column("cause", "事由", "cause"),
             Column("seen", "发现", "seen"), Column("due", "时限", "due"),
             Column("reported", "上报（对象、文号、经办）", "reported (to, reference, by)"),
             Column("state", "状态", "state")),
            tuple(rows),
            notes=(Text("来源：levels/reportups/；时限为发现后1小时",
                        "source: levels/reportups/; due one hour after it was seen"),),
        )

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
                zh, en = RESERVE_NAMES[c.kind]
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
            notes=(Text("来源：库存台账中 reserves.toml 所列储备库的当日结存（件数 × 单件重量）；"
                        "保障天数 = 库存 ÷（人口 × 人均日消费量）",
                        "source: the closing stock of the reserve stores reserves.toml lists, "
                        "from the stock ledger (units x weight per unit); days of cover = stock "
                        "/ (population x per-capita daily consumption)"),),
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
            notes=(Text("来源：目标见 reserves.toml [medical]；"
                        "库存为库存台账中储备库以外各库的当日结存",
                        "source: targets in reserves.toml [medical]; stock is the closing stock "
                        "of the stock ledger's stores other than the reserve stores"),),
        )

    def _supply_table(self) -> Table:
        rows = tuple((GOODS_NAMES[line.goods], line.goods.value, line.received_kg,
                      line.issued_kg, line.on_hand_kg) for line in self.supply)
        return Table(
            "supply", Text("生活必需品供应与库存（全辖区）",
                           "Supply and stock of necessities (whole area)"),
            (Column("goods", "商品类别", "goods category"), Column("code", "代码", "code"),
             Column("received_kg", "当日入库(kg)", "received (kg)"),
             Column("issued_kg", "当日出库(kg)", "issued (kg)"),
             Column("on_hand_kg", "结存(kg)", "on hand (kg)")),
            rows,
            notes=(Text("来源：库存台账当日入库、出库（扣除退回）与日终结存，件数 × 单件重量",
                        "source: the stock ledger's receipts, issues (less returns) and closing "
                        "stock that day, units x weight per unit"),),
        )

    def _demand_table(self) -> Table:
        rows = tuple(
            (a.name, d.name, d.goods.value if d.goods is not None else "", d.requests,
             d.complaints, d.orders)
            for a in self.areas for d in a.demand_by_goods
        )
        orders = "，".join(f"{a.name.zh} {a.orders} 单" for a in self.areas)
        orders_en = ", ".join(f"{a.name.en} {a.orders}" for a in self.areas)
        return Table(
            "demand_goods", Text("需求（按商品类别）", "Demand by goods category"),
            (Column("area", "地区", "area"), Column("goods", "商品类别", "goods category"),
             Column("code", "代码", "code"), Column("requests", "需求工单", "requests"),
             Column("complaints", "投诉工单", "complaints"),
             Column("orders", "团购订单", "round orders")),
            rows,
            notes=(Text("来源：当日受理的工单与当日接单的团购轮次订单；"
                        "一件工单或订单涉及几类商品即计入几类",
                        "source: cases taken that day and the orders of rounds taking orders "
                        "that day; a case or order naming goods of several categories counts "
                        "once in each"),
                   Text(f"当日团购订单：{orders}", f"round orders that day: {orders_en}")),
        )

    def _category_table(self) -> Table:
        rows = tuple(
            (a.name, category_name(d.category), d.category.value,
             KIND_NAMES[d.category.kind], d.cases)
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

    def _monitoring_table(self) -> Table:
        rows = tuple(
            (a.name, NECESSITY_NAMES[p.necessity], p.supermarket_name or p.supermarket,
             _yuan(p.fen),
             STOCK_STATE_NAMES[p.stock],
             None if p.weekly_rise is None else round(p.weekly_rise * 100, 1), p.entered_by)
            for a in self.areas for p in a.observed_prices
        )
        return Table(
            "monitoring", Text("当日价格监测", "The day's price monitoring"),
            (Column("area", "地区", "area"), Column("necessity", "品类", "necessity"),
             Column("supermarket", "超市", "supermarket"),
             Column("price_yuan", "监测价(元)", "price (yuan)"),
             Column("stock", "货源", "stock"),
             Column("weekly_rise_pct", "周涨幅(%)", "weekly rise (%)"),
             Column("entered_by", "录入人", "entered by")),
            rows,
            notes=(Text(f"来源：prices/{self.day.isoformat()}.toml（服务该地区社区的超市）；"
                        "周涨幅 = 当日价 ÷ 前7天内最低价 − 1",
                        f"source: prices/{self.day.isoformat()}.toml (the supermarkets serving "
                        "the area's communities); weekly rise = the day's price / the lowest "
                        "of the 7 days before - 1"),),
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
