"""The board shows the rules behind the level; a supermarket over capacity gets standard packs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import core
from core.demo import copy_demo_desk
from core.levels.signals import Level
from core.reports.situation import situation_report
from core.rounds import load_rounds, plan_round


def test_the_board_shows_the_level_and_the_rules_of_the_day_s_signals(tmp_path: Path) -> None:
    desk = core.open_desk(copy_demo_desk(tmp_path / "desk"))
    now = datetime(2026, 11, 23, 10, 0, tzinfo=desk.settings.zone)
    board = situation_report(desk, now)
    assert [p.name for p in board.signals] == ["2026-11-23.toml"]
    (area,) = [a for a in board.report.areas if a.district == "hexi"]
    assert area.level.computed is Level.III
    fired = {(rule.rule, rule.level) for rule in area.level.fired}
    assert ("lean_pork_rise", Level.III) in fired
    assert ("grain_oil_rise", Level.IV) in fired
    tomorrow = situation_report(desk, datetime(2026, 11, 24, 10, 0, tzinfo=desk.settings.zone))
    assert tomorrow.signals == ()
    (quiet,) = [a for a in tomorrow.report.areas if a.district == "hexi"]
    assert quiet.level.computed is None and quiet.level.fired == ()  # not assessed


def test_a_supermarket_over_capacity_switches_to_standard_packs(tmp_path: Path) -> None:
    root = copy_demo_desk(tmp_path / "desk")
    supermarkets = root / "supermarkets.toml"
    text = supermarkets.read_text(encoding="utf-8")
    assert "daily_order_capacity = 2400" in text
    supermarkets.write_text(text.replace("daily_order_capacity = 2400",
                                         "daily_order_capacity = 10"), encoding="utf-8")
    desk = core.open_desk(root)
    (round_,), problems = load_rounds(desk)
    assert problems == []
    plan = plan_round(desk, round_, time_limit=0.05)
    assert plan.standard_packs("hualian")
    assert not plan.standard_packs("yonghui") and not plan.standard_packs("xinjiayi")
    hualian = {c for c, community in desk.communities.items()
               if community.supermarket == "hualian"}
    community_of = {o.id: o.community for o in round_.orders}
    ordered = {o.id: sorted({line.code for line in o.lines}) for o in round_.orders}
    switched = [p for p in plan.packings if community_of[p.order] in hualian]
    kept = [p for p in plan.packings if community_of[p.order] not in hualian]
    assert switched and kept
    # the standard pack's contents replace what a household ordered; other zones keep theirs
    assert all(packed_codes(p) != ordered[p.order] for p in switched)
    assert all(packed_codes(p) == ordered[p.order] for p in kept)
    assert len({tuple(packed_codes(p)) for p in switched}) <= 5  # packs differ only by size


def packed_codes(packing) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted({code for box in packing.boxes for code in box.codes})
