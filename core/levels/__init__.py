"""Emergency levels for daily necessities (生活必需品应急状态分级): issue 3.

Classify market signals into a level (none, IV, III, II, I) with the rules that fired and the
response plan; thresholds from the desk's ``levels.toml``; hotline evidence of surges; a
supervisor's manual level; reserve cover and medical supply tiers::

    from core.levels import PanicBuying, Signals, classify

    assessment = classify(Signals(grain_oil_weekly_rise=0.2, panic_buying=PanicBuying.WIDE))
    assessment.level                      # Level.IV
    [r.rule for r in assessment.fired]    # ['panic_buying', 'grain_oil_rise']
    assessment.plan.rationing_per_person  # False

``core.levels`` is pure Python and never imports Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.lazyexports import lazy_exports

if TYPE_CHECKING:
    from core.identity import NotASupervisor
    from core.levels.check import check_level_files
    from core.levels.classifier import (
        RULES,
        TOLERANCE,
        Assessment,
        Classifier,
        FiredRule,
        classify,
        percent,
    )
    from core.levels.derive import (
        PriceGroup,
        PriceSeries,
        StockSeries,
        is_stockout,
        max_weekly_rise,
        tight_run,
        weekly_rise,
    )
    from core.levels.evidence import EVIDENCE_CATEGORIES, Surge, desk_surges, find_surges
    from core.levels.manual import (
        Decision,
        decision_in_force,
        load_decisions,
        set_manual_level,
    )
    from core.levels.plans import PLANS, Plan, Text, plan_for
    from core.levels.report import Report, render_report, report_json
    from core.levels.reserves import (
        RESERVES_FILE,
        Cover,
        MedicalLine,
        ReserveKind,
        Reserves,
        desk_population,
        load_reserves,
        medical_lines,
        required_tiers,
        reserve_cover,
        reserve_figures,
    )
    from core.levels.signalfile import SignalsReading, parse_signals, read_signals
    from core.levels.signals import (
        LEVELS_BY_RANK,
        SIGNAL_KEYS,
        Level,
        PanicBuying,
        Signals,
    )
    from core.levels.thresholds import (
        DEFAULT_THRESHOLDS,
        LEVELS_FILE,
        Thresholds,
        desk_thresholds,
        load_thresholds,
        parse_thresholds,
        thresholds_to_data,
    )

__all__ = [
    "DEFAULT_THRESHOLDS", "EVIDENCE_CATEGORIES", "LEVELS_BY_RANK", "LEVELS_FILE", "PLANS",
    "RESERVES_FILE", "RULES",
    "SIGNAL_KEYS", "TOLERANCE", "Assessment", "Classifier", "Cover", "Decision", "FiredRule",
    "Level", "MedicalLine", "NotASupervisor", "PanicBuying", "Plan", "PriceGroup",
    "PriceSeries", "Report", "ReserveKind", "Reserves", "Signals", "SignalsReading",
    "StockSeries", "Surge", "Text", "Thresholds", "check_level_files", "classify",
    "decision_in_force", "desk_population", "desk_surges", "desk_thresholds", "find_surges",
    "is_stockout", "load_decisions", "load_reserves", "load_thresholds", "max_weekly_rise",
    "medical_lines", "parse_signals", "parse_thresholds", "percent", "plan_for", "read_signals",
    "render_report", "report_json", "required_tiers", "reserve_cover", "reserve_figures",
    "set_manual_level",
    "thresholds_to_data", "tight_run", "weekly_rise",
]

__getattr__ = lazy_exports("core.levels", {
    "core.identity": ("NotASupervisor",),
    "core.levels.check": ("check_level_files",),
    "core.levels.classifier": (
        "RULES", "TOLERANCE", "Assessment", "Classifier", "FiredRule", "classify", "percent",
    ),
    "core.levels.derive": (
        "PriceGroup", "PriceSeries", "StockSeries", "is_stockout", "max_weekly_rise", "tight_run",
        "weekly_rise",
    ),
    "core.levels.evidence": ("EVIDENCE_CATEGORIES", "Surge", "desk_surges", "find_surges"),
    "core.levels.manual": ("Decision", "decision_in_force", "load_decisions", "set_manual_level"),
    "core.levels.plans": ("PLANS", "Plan", "Text", "plan_for"),
    "core.levels.report": ("Report", "render_report", "report_json"),
    "core.levels.reserves": (
        "RESERVES_FILE", "Cover", "MedicalLine", "ReserveKind", "Reserves", "desk_population",
        "load_reserves", "medical_lines", "required_tiers", "reserve_cover", "reserve_figures",
    ),
    "core.levels.signalfile": ("SignalsReading", "parse_signals", "read_signals"),
    "core.levels.signals": ("LEVELS_BY_RANK", "SIGNAL_KEYS", "Level", "PanicBuying", "Signals"),
    "core.levels.thresholds": (
        "DEFAULT_THRESHOLDS", "LEVELS_FILE", "Thresholds", "desk_thresholds", "load_thresholds",
        "parse_thresholds", "thresholds_to_data",
    ),
})
