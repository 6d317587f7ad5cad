"""Hotline evidence: a surge of shortage, panic-buying or price calls in one community."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import core
from core.levels import Level, PanicBuying, Signals, classify, desk_surges

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def call(desk: core.Desk, category: core.Category, community: str, hours_ago: float) -> str:
    case = desk.cases.create(category, operator="wang", created=NOW - timedelta(hours=hours_ago),
                             community=community, description="超市没有大米了")
    return str(case.id)


def test_a_surge_is_reported_with_its_cases(level_desk: core.Desk) -> None:
    surge_ids = [
        call(level_desk, core.Category.SHORTAGE, "jinxiu", 1),
        call(level_desk, core.Category.SHORTAGE, "jinxiu", 3),
        call(level_desk, core.Category.PANIC_BUYING, "jinxiu", 5),
        call(level_desk, core.Category.HOARDING, "jinxiu", 8),
        call(level_desk, core.Category.PRICE_GOUGING, "jinxiu", 20),
    ]
    call(level_desk, core.Category.SHORTAGE, "jinxiu", 24 * 3)  # baseline: one call in a week
    for hours in (2, 4, 6, 8, 10, 12):  # many calls, but not evidence categories
        call(level_desk, core.Category.DELIVERY_LATE, "jinxiu", hours)
    for hours in (2, 4, 6, 8):  # four evidence calls: below min_cases (5)
        call(level_desk, core.Category.SHORTAGE, "binhe", hours)

    surges = desk_surges(level_desk, NOW)
    assert [s.community for s in surges] == ["jinxiu"]
    surge = surges[0]
    assert surge.cases == 5
    assert set(surge.case_ids) == set(surge_ids)
    assert surge.case_ids[0] == surge_ids[0]  # newest first
    assert dict(surge.by_kind) == {"shortage": 2, "panic_buying": 2, "price_rise": 1}
    assert surge.district == "hexi"
    assert surge.expected == 1 / 7
    assert "锦绣" in surge.explanation.zh and "Jinxiu" in surge.explanation.en
    assert surge.suggested_level is Level.IV


def test_a_busy_community_needs_a_rise_over_its_own_baseline(level_desk: core.Desk) -> None:
    for day in range(1, 8):  # 5 evidence calls every day of the baseline week
        for hour in range(5):
            call(level_desk, core.Category.SHORTAGE, "binhe", 24 * day + hour + 1)
    for hour in range(10):  # 10 today: twice the usual, less than ratio 3
        call(level_desk, core.Category.SHORTAGE, "binhe", hour + 0.5)
    assert desk_surges(level_desk, NOW) == []
    for hour in range(5):  # 15 today: three times the usual
        call(level_desk, core.Category.PRICE_GOUGING, "binhe", hour + 0.7)
    [surge] = desk_surges(level_desk, NOW)
    assert surge.cases == 15 and surge.expected == 5


def test_evidence_never_changes_the_level(level_desk: core.Desk) -> None:
    for hour in range(8):
        call(level_desk, core.Category.PANIC_BUYING, "jinxiu", hour + 1)
    assert desk_surges(level_desk, NOW)
    assert classify(Signals(panic_buying=PanicBuying.NONE)).level is Level.NONE


def test_old_calls_and_other_districts(level_desk: core.Desk) -> None:
    for hour in range(6):
        call(level_desk, core.Category.SHORTAGE, "jinxiu", 30 + hour)  # yesterday
    assert desk_surges(level_desk, NOW) == []
    for hour in range(6):
        call(level_desk, core.Category.SHORTAGE, "jinxiu", hour)
    assert desk_surges(level_desk, NOW, district="chengdong") == []
    assert len(desk_surges(level_desk, NOW, district="hexi")) == 1
