"""The daily report (日报) of each high-risk area: supply, demand, inventory and price.

The seeds ask high-risk areas to report supply, demand, inventory and price every day (日报制度).
The desk reports what it holds, and says where every figure comes from; it never fills a gap with
an estimate:

===========================  ===================================================================
section                      source
===========================  ===================================================================
emergency level              the classifier (:mod:`core.levels`) on the market signals of a
                             hand-written signals file (``--signals``) when there is one (it
                             overrides, and the report says so), else the signals observed from
                             the day's price monitoring and the reserve stores
                             (:mod:`core.levels.observed`), with the desk's ``levels.toml``, and
                             the supervisor's manual level in force (``levels/decisions/``);
                             without either the computed level is *not assessed*
reserves (inventory)         the stock ledger's reserve stores at the day's end against the
                             norms of ``reserves.toml``, per district (desk-wide when the
                             district holds no store of its own)
medical supplies             the stock ledger's other stores against ``reserves.toml``
                             ``[medical]`` targets and the tier rules (desk-wide)
supply                       the stock ledger's receipts, issues and closing stock per necessity
                             that day, in kg (desk-wide)
demand                       the hotline cases taken that day in the area's communities: requests
                             and complaints per goods category (the catalogue category of the
                             items a case names) and per case category; the round orders taken
                             that day (a round's day one) per goods category
prices                       listed prices of the catalogue's necessities (``catalogue.toml``
                             items with ``necessity = true``; by goods category if none is);
                             observed prices and the weekly rise from a signals file's
                             ``[[price]]`` series when one is given; price complaints from the
                             cases; the day's price monitoring (``prices/<date>.toml``) per
                             supermarket serving the area
hotline evidence             surges of shortage, panic-buying and price-rise calls
                             (:mod:`core.levels.evidence`) at the end of the day
===========================  ===================================================================

High-risk areas are the districts marked ``high_risk = true`` in ``communities.toml``; a desk
that marks none reports on the whole area.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.cases.case import CaseKind, Category
from core.identity import supervisors
from core.levels.classifier import Classifier
from core.levels.derive import PriceSeries, weekly_rise
from core.levels.evidence import evidence_places, find_surges
from core.levels.manual import Decision, decision_in_force, load_decisions
from core.levels.observed import ObservedSignals, area_supermarkets
from core.levels.plans import Text
from core.levels.prices import PRICES_DIR, load_price_days
from core.levels.reportup import load_report_ups
from core.levels.reserves import (
    RESERVES_FILE,
    balances_at,
    ledger_stock,
    load_reserves,
    reserve_figures,
)
from core.levels.signalfile import signals_from_data
from core.levels.thresholds import LEVELS_FILE, Thresholds, desk_thresholds
from core.problems import DeskError, Problem
from core.reference import GoodsCategory
from core.reports.areas import (
    AreaReport,
    CategoryDemand,
    DailyReport,
    GoodsDemand,
    LevelFigure,
    PriceLine,
    SignalsSource,
)
from core.reports.names import (
    desk_name,
    district_name,
)
from core.reports.summary import day_bounds
from core.reports.supply import (
    NECESSITIES,
    RUN_DAYS,
    observed_by_area,
    observed_prices,
    round_orders,
    supply_lines,
)
from core.reports.timeline import cases_for_period
from core.rounds import load_rounds
from core.storage.convert import converter
from core.storage.tomlio import read_toml

if TYPE_CHECKING:
    from core.desk import Desk

PRICE_COMPLAINTS = frozenset({Category.PRICE_GOUGING, Category.SERVICE_FEE})


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


def read_signals_sources(paths: Iterable[Path], thresholds: Thresholds | None
                         ) -> tuple[list[SignalsSource], list[Problem]]:
    """The usable signals files of ``paths`` and the problems of the others (none is read
    without thresholds: the desk's ``levels.toml`` is broken)."""
    sources: list[SignalsSource] = []
    problems: list[Problem] = []
    if thresholds is not None:
        for path in paths:
            source, found = read_signals_source(Path(path), thresholds)
            problems.extend(found)
            if source is not None:
                sources.append(source)
    return sources, problems


def sources_problems(desk: Desk, day: date, sources: Iterable[SignalsSource]) -> list[Problem]:
    """Signals of a district the desk does not have, or of another day than ``day``."""
    problems: list[Problem] = []
    for source in sources:
        district = source.reading.district
        if district and desk.districts and district not in desk.districts:
            problems.append(Problem(source.path, None, f"unknown district {district!r}",
                                    "district"))
        if source.reading.day is not None and source.reading.day != day:
            problems.append(Problem(source.path, None,
                                    f"the signals are for {source.reading.day.isoformat()}, "
                                    f"the report for {day.isoformat()}", "date"))
    return problems


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
    sources, found = read_signals_sources(signals, thresholds)
    problems.extend(found)
    codes = list(districts) if districts else high_risk_areas(desk)
    for code in codes:
        if code and code not in desk.districts:
            problems.append(Problem(desk.root / "communities.toml", None,
                                    f"unknown district {code!r} (this desk has: "
                                    f"{', '.join(sorted(desk.districts)) or 'none'})"))
    problems.extend(sources_problems(desk, day, sources))
    price_days, found = load_price_days(desk.root, desk.supermarkets,
                                        first=day - timedelta(days=RUN_DAYS), last=day)
    problems.extend(found)
    if problems or thresholds is None:
        raise DeskError(problems)

    start, end = day_bounds(desk, day)
    as_of = min(end, now or desk.cases.now())
    touched = list(cases_for_period(desk, start, end))
    rows = [t.row for t in touched]
    surges = find_surges(rows, as_of, thresholds.evidence, desk.communities,
                         evidence_places(desk, rows))
    stock = ledger_stock(desk, day)
    figures = (reserve_figures(desk, reserves, day, balances_at(stock, day))
               if reserves is not None else None)
    covers = figures.covers if figures is not None else ()
    rounds, _found = load_rounds(desk)  # a broken round is for `baogong check` to report
    window = thresholds.prices.window_days
    observed = observed_by_area(desk, day, codes, thresholds, reserves=reserves, stock=stock,
                                price_days=price_days)
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
        orders, ordered = round_orders(rounds, day, in_area, desk.catalogue)
        for goods_category, n in ordered.items():
            goods.setdefault(goods_category, Counter())["order"] += n
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
            GoodsDemand(g, c["request"], c["complaint"], c["order"])
            for g, c in sorted(goods.items(),
                               key=lambda kv: order[kv[0]] if kv[0] is not None else 99)
        )
        by_category = tuple(CategoryDemand(cat, n) for cat, n in
                            sorted(categories.items(), key=lambda kv: (-kv[1], kv[0].value)))
        area_covers = tuple(c for c in covers if c.district == code)
        desk_wide = not area_covers
        if desk_wide:
            area_covers = tuple(c for c in covers if c.district == "")
        markets = area_supermarkets(desk.supermarkets, desk.communities, code)
        areas.append(AreaReport(
            district=code,
            name=district_name(desk, code),
            level=level_figure(classifier, sources, decisions, code, day, observed[code]),
            reserves=area_covers,
            reserves_desk_wide=desk_wide,
            demand_by_goods=demand,
            demand_by_category=by_category,
            requests=sum(1 for c in taken if c.kind is CaseKind.REQUEST),
            complaints=sum(1 for c in taken if c.kind is CaseKind.COMPLAINT),
            price_complaints=sum(1 for c in taken if c.category in PRICE_COMPLAINTS),
            prices=tuple(_prices(desk, sources, code, day, window)),
            evidence=tuple(s for s in surges if not code or s.district == code),
            orders=orders,
            observed_prices=observed_prices(price_days, markets, day, window,
                                            desk.supermarkets),
        ))
    notes = [
        Text("工单：热线台 cases/ 目录中当日受理的工单",
             "cases: the desk's case files taken that day"),
        Text("团购订单：rounds/ 目录中首日为当日的轮次订单",
             "round orders: the orders of the rounds in rounds/ whose day one is that day"),
        Text("储备与防疫物资：库存台账（ledgers/）结存，标准与目标见 reserves.toml"
             if reserves is not None else "储备与防疫物资：未提供 reserves.toml，不报",
             "reserves and medical supplies: closing stock of the stock ledger (ledgers/), "
             "norms and targets in reserves.toml" if reserves is not None
             else "reserves and medical supplies: no reserves.toml, not reported"),
        Text("供应：库存台账（ledgers/）当日入库、出库与结存",
             "supply: the stock ledger's (ledgers/) receipts, issues and closing stock that "
             "day"),
        Text(f"价格监测：{PRICES_DIR}/{day.isoformat()}.toml" if day in price_days
             else f"价格监测：当日无 {PRICES_DIR}/{day.isoformat()}.toml",
             f"price monitoring: {PRICES_DIR}/{day.isoformat()}.toml" if day in price_days
             else f"price monitoring: no {PRICES_DIR}/{day.isoformat()}.toml that day"),
        Text("挂牌价：catalogue.toml", "listed prices: catalogue.toml"),
        Text(f"应急等级阈值：{LEVELS_FILE}" if (desk.root / LEVELS_FILE).exists()
             else "应急等级阈值：默认值（无 levels.toml）",
             f"level thresholds: {LEVELS_FILE}" if (desk.root / LEVELS_FILE).exists()
             else "level thresholds: defaults (no levels.toml)"),
    ]
    notes.extend(Text(f"市场监测信号：{s.path.name}", f"market signals: {s.path.name}")
                 for s in sources)
    if sources and day in price_days:
        notes.append(Text("人工填写的信号文件优先于价格监测与库存推算的信号",
                          "a hand-written signals file overrides the signals observed from "
                          "prices and stock"))
    elif day not in price_days:
        notes.append(Text("市场监测信号：未提供信号文件，当日亦无价格监测，规则判定不评估",
                          "market signals: no signals file and no price monitoring that day; "
                          "the rules are not assessed"))
    else:
        notes.append(Text("市场监测信号：由价格监测与库存台账推算（抢购情况无从推算，按无计）",
                          "market signals: observed from price monitoring and the stock "
                          "ledger (panic buying cannot be observed so: taken as none)"))
    return DailyReport(
        desk=desk_name(desk), day=day, as_of=as_of, areas=tuple(areas),
        medical=figures.medical if figures is not None else (),
        sources=tuple(notes),
        supply=supply_lines(stock, desk.catalogue, day),
        report_ups=tuple(t for t in load_report_ups(desk.root)[0]
                         if start <= t.seen_at < end and t.seen_at <= as_of),
    )


def _applies(source: SignalsSource, code: str) -> bool:
    """A signals file applies to its own district, or to every area when it names none."""
    return not source.reading.district or source.reading.district == code


def level_figure(classifier: Classifier, sources: Sequence[SignalsSource],
                 decisions: Sequence[Decision], code: str, day: date,
                 observed: ObservedSignals | None = None) -> LevelFigure:
    """The level of the area ``code`` on ``day``: the rules on the area's own signals file (else
    a desk-wide one), which overrides the signals ``observed`` from prices and stock, else on
    those; with the supervisor's manual level in force; the manual level alone without
    signals; not assessed without either."""
    manual = decision_in_force([d for d in decisions if d.time.date() <= day], code)
    chosen = [s for s in sources if _applies(s, code)]
    chosen.sort(key=lambda s: (not s.reading.district, str(s.path)))  # the district's own first
    if chosen:
        source = chosen[0]
        assessment = classifier.assess(source.reading.signals, manual)
        over = observed is not None
        return LevelFigure(
            assessment.level, assessment.computed, manual, assessment.fired,
            Text(f"信号文件 {source.path.name}" + ("（人工填写，覆盖价格监测推算）" if over else "")
                 + ("，人工研判" if manual else ""),
                 f"signals file {source.path.name}"
                 + (" (hand-written, overrides the signals observed from prices)" if over
                    else "") + (", manual level" if manual else "")),
        )
    if observed is not None:
        assessment = classifier.assess(observed.signals, manual)
        name = f"{PRICES_DIR}/{day.isoformat()}.toml"
        return LevelFigure(
            assessment.level, assessment.computed, manual, assessment.fired,
            Text(f"价格监测 {name} 与库存台账推算（抢购情况未监测）"
                 + ("，人工研判" if manual else ""),
                 f"observed from {name} and the stock ledger (panic buying not observed)"
                 + (", manual level" if manual else "")),
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
