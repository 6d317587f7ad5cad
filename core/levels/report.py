"""An assessment as text for people (Chinese or English) and as JSON-ready data for scripts.

The JSON keys are stable; scripts may rely on them::

    {
      "level": "III",                       # the level in force: none, IV, III, II or I
      "level_name": {"zh": "紧张状态", "en": "tense"},
      "computed_level": "III",              # what the rules give
      "manual": null,                       # or {level, reason, supervisor, time, district}
      "district": "",                       # the signals' district, "" if not given
      "date": "2026-11-23",                 # the signals' day, null if not given
      "signals": {grain_oil_weekly_rise, lean_pork_weekly_rise, panic_buying, tight_days,
                  persistently_tight, stockout},
      "derived": [],                        # signal keys computed from price/stock data
      "rules": [{rule, level, signal, value, threshold, zh, en}, ...],   # most severe first
      "plan": {level, activated_by: {zh, en}, rationing_per_person, reserves_requested_from,
               outside_sources, police_keep_order, public_opinion_watch, measures: [{zh, en}]},
      "evidence": [{community, district, cases, expected, by_kind, case_ids, window_start,
                    window_end, suggested_level, zh, en}, ...],
      "reserves": [{kind, district, population, stock_kg, daily_kg, days, norm_days,
                    applies, broken}, ...],
      "medical": [{item, name, name_en, tier, required, target, stock, shortfall}, ...],
      "thresholds": "defaults"              # or the path of the levels.toml used
    }
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import attrs

from core.levels.classifier import Assessment, percent
from core.levels.evidence import Surge
from core.levels.plans import Text
from core.levels.reserves import KIND_NAMES, Cover, MedicalLine
from core.levels.signals import SIGNAL_KEYS, Level


@attrs.frozen
class Report:
    """An assessment with its context, ready to print or dump."""

    assessment: Assessment
    district: str = ""
    day: date | None = None
    derived: tuple[str, ...] = ()
    evidence: tuple[Surge, ...] = ()
    reserves: tuple[Cover, ...] = ()
    medical: tuple[MedicalLine, ...] = ()
    thresholds_source: str = "defaults"


def _text(value: Text | None) -> dict[str, str] | None:
    return value.as_dict() if value is not None else None


def report_json(report: Report) -> dict[str, Any]:
    a = report.assessment
    plan = a.plan
    manual = a.manual
    return {
        "level": a.level.value,
        "level_name": {"zh": a.level.name_zh, "en": a.level.name_en},
        "computed_level": a.computed.value,
        "manual": None if manual is None else {
            "level": manual.level.value, "reason": manual.reason,
            "supervisor": manual.supervisor, "time": manual.time.isoformat(),
            "district": manual.district,
        },
        "district": report.district,
        "date": report.day.isoformat() if report.day else None,
        "signals": {
            key: (getattr(a.signals, key).value if key == "panic_buying"
                  else getattr(a.signals, key))
            for key in SIGNAL_KEYS
        },
        "derived": list(report.derived),
        "rules": [
            {"rule": r.rule, "level": r.level.value, "signal": r.signal, "value": r.value,
             "threshold": r.threshold, "zh": r.explanation.zh, "en": r.explanation.en}
            for r in a.fired
        ],
        "plan": {
            "level": plan.level.value,
            "activated_by": plan.activated_by.as_dict(),
            "rationing_per_person": plan.rationing_per_person,
            "reserves_requested_from": _text(plan.reserves_requested_from),
            "outside_sources": _text(plan.outside_sources),
            "police_keep_order": plan.police_keep_order,
            "public_opinion_watch": plan.public_opinion_watch,
            "measures": [m.as_dict() for m in plan.measures],
        },
        "evidence": [
            {"community": s.community, "district": s.district, "cases": s.cases,
             "expected": round(s.expected, 3), "by_kind": dict(s.by_kind),
             "case_ids": list(s.case_ids), "window_start": s.window_start.isoformat(),
             "window_end": s.window_end.isoformat(), "suggested_level": s.suggested_level.value,
             "zh": s.explanation.zh, "en": s.explanation.en}
            for s in report.evidence
        ],
        "reserves": [
            {"kind": c.kind.value, "district": c.district, "population": c.population,
             "stock_kg": c.stock_kg, "daily_kg": c.daily_kg,
             "days": None if c.days is None else round(c.days, 2), "norm_days": c.norm_days,
             "applies": c.applies, "broken": c.broken}
            for c in report.reserves
        ],
        "medical": [
            {"item": m.item, "name": m.name, "name_en": m.name_en, "tier": m.tier,
             "required": m.required, "target": m.target, "stock": m.stock, "shortfall": m.shortfall}
            for m in report.medical
        ],
        "thresholds": report.thresholds_source,
    }


_WORDS = {
    "zh": {
        "level": "应急状态", "computed": "规则判定", "manual": "人工研判",
        "manual_by": "值班长{who}于{when}设定，理由：{why}",
        "district": "地区", "date": "日期", "all": "全辖区",
        "signals": "监测信号", "derived": "（由数据计算）",
        "rules": "触发规则", "no_rules": "无规则触发",
        "plan": "响应措施", "activated_by": "启动",
        "advice": "规则判定仅供研判：以上措施须待启动机关决定并登记启动记录后执行",
        "rationing": "按人定量供应",
        "reserves_from": "申请动用储备", "sources": "寻找货源", "police": "派出所维护秩序",
        "opinion": "舆情监测", "measures": "措施", "yes": "是", "no": "否", "none": "无",
        "evidence": "热线研判依据（仅供值班长研判，未自动调整等级）",
        "cases": "支持工单", "reserves": "储备保障天数", "days": "天", "norm": "标准",
        "broken": "不达标", "ok": "达标", "not_applicable": "非冬春季节，不适用",
        "unknown": "未知(缺人口或人均消费量)", "medical": "防疫物资",
        "tier": "{n}级物资", "required": "需储备", "on_demand": "按需采购",
        "optional": "暂不要求", "short": "缺口",
    },
    "en": {
        "level": "Emergency level", "computed": "Rules give", "manual": "Manual level",
        "manual_by": "set by supervisor {who} at {when}, reason: {why}",
        "district": "District", "date": "Date", "all": "whole area",
        "signals": "Signals", "derived": " (computed from data)",
        "rules": "Rules that fired", "no_rules": "no rule fired",
        "plan": "Response plan", "activated_by": "Activated by",
        "advice": "the computed level is advice: these measures apply once the deciding "
                  "authority's activation is recorded",
        "rationing": "Rationing per person", "reserves_from": "Reserves requested",
        "sources": "Outside sources", "police": "Police keep order",
        "opinion": "Public-opinion watch", "measures": "Measures", "yes": "yes", "no": "no",
        "none": "none",
        "evidence": "Hotline evidence (for the supervisor to judge; the level is not changed)",
        "cases": "supporting cases", "reserves": "Reserve cover", "days": "days",
        "norm": "norm", "broken": "BELOW NORM", "ok": "meets norm",
        "not_applicable": "not winter or spring, norm does not apply",
        "unknown": "unknown (population or consumption missing)", "medical": "Medical supplies",
        "tier": "tier {n}", "required": "must be stocked", "on_demand": "bought on demand",
        "optional": "not required now", "short": "short",
    },
}

_SIGNAL_NAMES = {
    "grain_oil_weekly_rise": ("粮油价格周涨幅", "grain/oil weekly rise"),
    "lean_pork_weekly_rise": ("精瘦猪肉价格周涨幅", "lean pork weekly rise"),
    "panic_buying": ("抢购程度", "panic buying"),
    "tight_days": ("连续偏紧天数", "consecutive tight days"),
    "persistently_tight": ("供应常紧张", "persistently tight"),
    "stockout": ("断档脱销", "stock-out"),
}


def render_report(report: Report, lang: str = "zh") -> str:
    """The report as plain text in ``lang`` (``zh`` or ``en``); no colour, no terminal codes."""
    w = _WORDS["zh" if lang == "zh" else "en"]
    zh = lang == "zh"
    a = report.assessment
    sep = "：" if zh else ": "
    head = "：" if zh else ":"
    out: list[str] = [f"{w['level']}{sep}{a.level.label(lang)}"]
    if a.manual is not None:
        m = a.manual
        out.append(f"{w['computed']}{sep}{a.computed.label(lang)}")
        out.append(f"{w['manual']}{sep}{m.level.label(lang)}{'，' if zh else ', '}")
        out[-1] += w["manual_by"].format(
            who=m.supervisor, when=m.time.strftime("%Y-%m-%d %H:%M"), why=m.reason)
    where = report.district or w["all"]
    when = report.day.isoformat() if report.day else "-"
    out.append(f"{w['district']}{sep}{where}    {w['date']}{sep}{when}")
    out.append("")
    out.append(f"{w['signals']}{head}")
    s = a.signals
    for key in SIGNAL_KEYS:
        value = getattr(s, key)
        if key.endswith("_rise"):
            shown = percent(value)
        elif isinstance(value, bool):
            shown = w["yes"] if value else w["no"]
        elif key == "panic_buying":
            shown = value.name_zh if zh else value.value
        else:
            shown = str(value)
        name = _SIGNAL_NAMES[key][0 if zh else 1]
        note = w["derived"] if key in report.derived else ""
        out.append(f"  {name}{sep}{shown}{note}")
    out.append("")
    out.append(f"{w['rules']}{head}")
    if not a.fired:
        out.append(f"  {w['no_rules']}")
    for rule in a.fired:
        out.append(f"  [{rule.level.value}] {rule.explanation.get(lang)}")
    plan = a.plan
    out.append("")
    out.append(f"{w['plan']}（{a.level.label(lang)}）{head}" if zh
               else f"{w['plan']}, {a.level.label(lang)}{head}")

    def yes(flag: bool) -> str:
        return w["yes"] if flag else w["no"]

    def text(value: Text | None) -> str:
        return value.get(lang) if value is not None else w["none"]

    out.append(f"  {w['activated_by']}{sep}{plan.activated_by.get(lang)}")
    out.append(f"  {w['rationing']}{sep}{yes(plan.rationing_per_person)}")
    out.append(f"  {w['reserves_from']}{sep}{text(plan.reserves_requested_from)}")
    out.append(f"  {w['sources']}{sep}{text(plan.outside_sources)}")
    out.append(f"  {w['police']}{sep}{yes(plan.police_keep_order)}")
    out.append(f"  {w['opinion']}{sep}{yes(plan.public_opinion_watch)}")
    out.append(f"  {w['measures']}{head}")
    for number, measure in enumerate(plan.measures, start=1):
        out.append(f"    {number}. {measure.get(lang)}")
    if a.level is not Level.NONE:
        out.append(f"  {w['advice']}")
    if report.evidence:
        out.append("")
        out.append(f"{w['evidence']}{head}")
        for surge in report.evidence:
            out.append(f"  - {surge.explanation.get(lang)}")
            joiner = "、" if zh else ", "
            out.append(f"    {w['cases']}{sep}{joiner.join(surge.case_ids)}")
    if report.reserves:
        out.extend(["", f"{w['reserves']}{head}"])
        out.extend(_render_cover(report.reserves, w, lang))
    if report.medical:
        out.extend(["", f"{w['medical']}{head}"])
        out.extend(_render_medical(report.medical, w, lang))
    return "\n".join(out) + "\n"


def _render_cover(covers: Sequence[Cover], w: dict[str, str], lang: str) -> list[str]:
    lines = []
    sep = "：" if lang == "zh" else ": "
    for cover in covers:
        name = KIND_NAMES[cover.kind][0 if lang == "zh" else 1]
        scope = cover.district or w["all"]
        if cover.days is None:
            state = w["unknown"]
        elif not cover.applies:
            state = f"{cover.days:.1f} {w['days']}" + (
                f"（{w['not_applicable']}）" if lang == "zh" else f" ({w['not_applicable']})")
        else:
            verdict = w["broken"] if cover.broken else w["ok"]
            state = f"{cover.days:.1f} {w['days']}" + (
                f"（{w['norm']}{cover.norm_days:g}天，{verdict}）" if lang == "zh"
                else f" ({w['norm']} {cover.norm_days:g}, {verdict})")
        lines.append(f"  {scope} {name}{sep}{state}")
    return lines


def _render_medical(lines: Sequence[MedicalLine], w: dict[str, str], lang: str) -> list[str]:
    out = []
    sep, comma = ("：", "，") if lang == "zh" else (": ", ", ")
    for line in lines:
        tier = w["tier"].format(n=line.tier)
        if line.tier == 3:
            state = w["on_demand"]
        elif not line.required:
            state = f"{w['optional']} {line.stock}/{line.target}"
        else:
            state = f"{w['required']} {line.stock}/{line.target}"
            if line.shortfall:
                state += f"{comma}{w['short']} {line.shortfall}"
        name = line.name if lang == "zh" else (line.name_en or line.name)
        out.append(f"  [{tier}] {name}{sep}{state}")
    return out
