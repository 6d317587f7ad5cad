"""Snapshots (syrupy) of the printed report and plan of every level, in Chinese and English.

Update after an intended change with ``pytest tests/levels --snapshot-update`` and review the diff
of ``__snapshots__/``.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from syrupy.assertion import SnapshotAssertion

from core.levels import (
    Decision,
    Level,
    PanicBuying,
    Report,
    ReserveKind,
    Signals,
    Surge,
    classify,
    render_report,
)
from core.levels.reserves import Cover, MedicalLine

T = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

BY_LEVEL = {
    Level.NONE: Signals(grain_oil_weekly_rise=0.199, lean_pork_weekly_rise=0.19),
    Level.IV: Signals(grain_oil_weekly_rise=0.2, panic_buying=PanicBuying.WIDE, tight_days=2),
    Level.III: Signals(lean_pork_weekly_rise=0.2, tight_days=10),
    Level.II: Signals(panic_buying=PanicBuying.CONCENTRATED, persistently_tight=True,
                      grain_oil_weekly_rise=0.5),
    Level.I: Signals(panic_buying=PanicBuying.CONCENTRATED, stockout=True,
                     lean_pork_weekly_rise=0.45, grain_oil_weekly_rise=0.8),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("level", list(BY_LEVEL), ids=lambda level: level.value)
def test_report_of_each_level(level: Level, lang: str, snapshot: SnapshotAssertion) -> None:
    assessment = classify(BY_LEVEL[level])
    assert assessment.level is level
    report = Report(assessment, district="hexi", day=date(2026, 11, 23))
    assert render_report(report, lang) == snapshot


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_with_manual_level_evidence_and_reserves(
    lang: str, snapshot: SnapshotAssertion
) -> None:
    manual = Decision(Level.II, "超市断货传言引发排队", "zhou.min", T, "hexi")
    surge = Surge(
        community="jinxiu", district="hexi", cases=6, expected=0.4,
        by_kind=(("shortage", 4), ("panic_buying", 2)),
        case_ids=("20261123-0031", "20261123-0027", "20261123-0019", "20261123-0012",
                  "20261123-0008", "20261123-0002"),
        window_start=datetime(2026, 11, 22, 9, 30, tzinfo=T.tzinfo), window_end=T,
        community_name="锦绣", community_name_en="Jinxiu",
    )
    covers = (
        Cover(ReserveKind.GRAIN_OIL, "hexi", 29070, 190000, 11628, 190000 / 11628, 15, True),
        Cover(ReserveKind.PORK, "hexi", 29070, 4800, 2034.9, 4800 / 2034.9, 3, True),
        Cover(ReserveKind.VEGETABLES, "hexi", 29070, 75000, 8721, 75000 / 8721, 7, False),
    )
    medical = (
        MedicalLine("mask-kn95-10", "医用防护口罩 10只", 1, True, 4000, 3100,
                    "Medical protective masks (10)"),
        MedicalLine("isolation-gown", "一次性隔离衣", 2, False, 1000, 1200, "Isolation gown"),
        MedicalLine("alcohol-75-500ml", "75%医用酒精 500ml", 3, False, 0, 240,
                    "75% medical alcohol 500 ml"),
    )
    report = Report(
        classify(BY_LEVEL[Level.III], manual=manual), district="hexi", day=date(2026, 11, 23),
        derived=("tight_days",), evidence=(surge,), reserves=covers, medical=medical,
    )
    assert render_report(report, lang) == snapshot
