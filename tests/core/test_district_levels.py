"""``desk.levels.on(day)`` gives each district the level the daily report gives its area, on
every day of the demo desk, with and without a supervisor's manual level, without reading the
cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import core
from core.levels import Level, set_manual_level
from core.levels.district import signals_for
from core.problems import DeskError
from core.reports.daily import daily_report

#: the demo desk's calls are dated 2026-11-16..22, its prices 2026-11-16..23, its hand-written
#: market signals 2026-11-22 and 23
DEMO_DAYS = [date(2026, 11, 15) + timedelta(days=n) for n in range(10)]


def levels_from_the_daily_report(desk: core.Desk, day: date) -> dict[str, Level]:
    """The level of each district as the whole daily report has it."""
    report = daily_report(desk, day, signals=signals_for(desk.root, day))
    levels: dict[str, Level] = {}
    for area in report.areas:
        if area.level.level is not None:
            for district in [area.district] if area.district else list(desk.districts):
                levels[district] = area.level.level
    return levels


def same_as_the_daily_report(desk: core.Desk) -> None:
    for day in DEMO_DAYS:
        assert desk.levels.on(day) == levels_from_the_daily_report(desk, day), day
        report = daily_report(desk, day, signals=signals_for(desk.root, day))
        assert desk.levels.figures(day) == {a.district: a.level for a in report.areas}, day


def test_the_levels_are_the_daily_report_s_on_every_demo_day(demo_desk: core.Desk) -> None:
    assert demo_desk.levels.on(date(2026, 11, 23)) == {"hexi": Level.III}
    # observed from the prices and the ledger: hexi's pork reserve covers under 3 days (tight)
    assert demo_desk.levels.on(date(2026, 11, 16)) == {"hexi": Level.IV}
    assert demo_desk.levels.on(date(2026, 11, 15)) == {}  # no prices, no signals: not assessed
    same_as_the_daily_report(demo_desk)


def test_a_manual_level_counts_from_its_day(demo_desk: core.Desk) -> None:
    zone = demo_desk.settings.zone
    set_manual_level(demo_desk, Level.II, reason="超市排长队", supervisor="zhou.min",
                     district="hexi", time=datetime(2026, 11, 19, 9, 30, tzinfo=zone))
    assert demo_desk.levels.on(date(2026, 11, 18)) == {"hexi": Level.IV}  # observed
    assert demo_desk.levels.on(date(2026, 11, 19)) == {"hexi": Level.II}
    same_as_the_daily_report(demo_desk)


def test_a_desk_without_high_risk_districts_is_one_area(demo_desk: core.Desk) -> None:
    communities = demo_desk.root / "communities.toml"
    communities.write_text(communities.read_text(encoding="utf-8").replace(
        "high_risk = true", "high_risk = false"), encoding="utf-8")
    desk = core.open_desk(demo_desk.root)
    set_manual_level(desk, Level.IV, reason="全市", supervisor="zhou.min",
                     time=datetime(2026, 11, 20, 8, 0, tzinfo=desk.settings.zone))
    assert desk.levels.on(date(2026, 11, 21)) == dict.fromkeys(desk.districts, Level.IV)
    same_as_the_daily_report(desk)


def test_an_unusable_signals_file_is_a_problem(demo_desk: core.Desk) -> None:
    (demo_desk.root / "signals" / "2026-11-23.toml").write_text("date = [", encoding="utf-8")
    with pytest.raises(DeskError) as raised:
        demo_desk.levels.on(date(2026, 11, 23))
    assert raised.value.problems[0].path.name == "2026-11-23.toml"
    assert demo_desk.levels.on(date(2026, 11, 22)) == levels_from_the_daily_report(
        demo_desk, date(2026, 11, 22))


def test_the_levels_read_neither_cases_nor_reserves(demo_desk: core.Desk) -> None:
    (demo_desk.root / "reserves.toml").write_text("[[", encoding="utf-8")
    with pytest.raises(DeskError):
        daily_report(demo_desk, date(2026, 11, 23), signals=signals_for(demo_desk.root,
                                                                         date(2026, 11, 23)))
    assert demo_desk.levels.on(date(2026, 11, 23)) == {"hexi": Level.III}
