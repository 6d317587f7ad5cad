"""A supervisor's manual level: only supervisors, with a reason, append-only, raises only."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import core
from core.levels import (
    Level,
    NotASupervisor,
    Signals,
    check_level_files,
    classify,
    decision_in_force,
    load_decisions,
    set_manual_level,
)
from core.levels.manual import decisions_dir

T = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_supervisor_records_a_level(level_desk: core.Desk) -> None:
    decision = set_manual_level(level_desk, Level.III, reason="超市排长队，大米限购",
                                supervisor="zhou.min", district="hexi", time=T)
    files = list(decisions_dir(level_desk.root).glob("*.toml"))
    assert [f.name for f in files] == ["20261123-093000-zhou_min.toml"]
    text = files[0].read_text(encoding="utf-8")
    assert 'level = "III"' in text and "zhou.min" in text
    decisions, problems = load_decisions(level_desk.root, level_desk.settings.supervisors)
    assert problems == [] and decisions == [decision]
    assert decision_in_force(decisions, "hexi") == decision
    assert decision_in_force(decisions, "chengdong") is None


def test_only_supervisors_and_only_with_a_reason(level_desk: core.Desk) -> None:
    with pytest.raises(NotASupervisor):
        set_manual_level(level_desk, Level.II, reason="x", supervisor="wang", time=T)
    with pytest.raises(ValueError, match="empty"):
        set_manual_level(level_desk, Level.II, reason="  ", supervisor="zhou.min", time=T)
    with pytest.raises(ValueError, match="district"):
        set_manual_level(level_desk, Level.II, reason="x", supervisor="zhou.min",
                         district="nowhere", time=T)
    assert not decisions_dir(level_desk.root).exists() or not list(
        decisions_dir(level_desk.root).glob("*.toml"))


def test_decisions_are_appended_never_overwritten(level_desk: core.Desk) -> None:
    first = set_manual_level(level_desk, Level.II, reason="一", supervisor="zhou.min", time=T)
    second = set_manual_level(level_desk, Level.IV, reason="二", supervisor="zhou.min", time=T)
    later = set_manual_level(level_desk, Level.NONE, reason="解除", supervisor="zhou.min",
                             time=T + timedelta(hours=2))
    decisions, _ = load_decisions(level_desk.root)
    assert len(decisions) == 3 and {first, second, later} == set(decisions)
    assert decision_in_force(decisions) is None  # level none withdraws the manual level
    assert decision_in_force(decisions[:2]) is not None


def test_a_manual_level_raises_and_never_lowers() -> None:
    from core.levels import Decision

    raise_to_ii = Decision(Level.II, "其他需要按紧急状态处置的情况", "zhou.min", T)
    lower_to_iv = Decision(Level.IV, "试图降级", "zhou.min", T)
    tense = Signals(lean_pork_weekly_rise=0.25)
    raised = classify(tense, manual=raise_to_ii)
    assert raised.computed is Level.III and raised.level is Level.II
    assert raised.plan.rationing_per_person
    assert classify(tense, manual=lower_to_iv).level is Level.III


def test_check_reports_decisions_by_strangers(level_desk: core.Desk) -> None:
    directory = decisions_dir(level_desk.root)
    directory.mkdir(parents=True)
    (directory / "x.toml").write_text(
        'level = "I"\nreason = "r"\nsupervisor = "mallory"\ntime = 2026-11-23T09:30:00+08:00\n',
        encoding="utf-8")
    (directory / "y.toml").write_text('level = "V"\n', encoding="utf-8")
    rendered = [p.render(level_desk.root) for p in check_level_files(level_desk)]
    assert any(r.startswith("levels/decisions/x.toml:3: supervisor:") for r in rendered)
    assert any(r.startswith("levels/decisions/y.toml:1: level:") for r in rendered)
