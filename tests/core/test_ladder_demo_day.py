"""A day of the demo desk on a clock the test drives: the ladder climbs, a restart catches up
once, and resolutions needing approval wait for a supervisor.

The demo desk is given ``baogong init``'s ladder and price complaints needing approval here (its
recorded sessions are tied to its files as generated)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import core
from core.cases.approval import approval_queue, decide
from core.cases.case import Action, CaseStatus
from core.demo import copy_demo_desk
from core.tick import run_tick

TZ = ZoneInfo("Asia/Shanghai")
#: the demo's week of calls ends at midnight; the test's day starts then
DAY = datetime(2026, 11, 23, 0, 0, tzinfo=TZ)
ESCALATION = """
[ladder]
tiers = [
    { step = "department", after_hours = 0, name = "催办承办单位", name_en = "department" },
    { step = "supervisor", after_hours = 2, name = "值班长督办", name_en = "supervisor" },
    { step = "command_post", after_hours = 24, name = "指挥部督办", name_en = "command post" },
]

[closure]
approval = ["price_gouging", "food_safety"]
"""


def demo_with_escalation(root: Path) -> core.Desk:
    """A copy of the demo desk with the ladder and approval, and its open price and food
    complaints resolved just before the test's day: they wait for approval."""
    copy_demo_desk(root)
    settings = root / "desk.toml"
    text = settings.read_text(encoding="utf-8").replace("\n[sla]", ESCALATION + "\n[sla]", 1)
    settings.write_text(text, encoding="utf-8")
    desk = core.open_desk(root)
    for case in list(desk.cases):
        if case.category.value in ("price_gouging", "food_safety") and case.status in (
                CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.REPLIED):
            desk.cases.act(case, Action.RESOLVE, operator="wang.li", note="已处理",
                           time=DAY - timedelta(minutes=1))
    return desk


def steps_on_file(desk: core.Desk) -> set[tuple[str, str, datetime]]:
    return {(case.id, f"chase.{event.step}", event.time) for case in desk.cases
            for event in case.history if event.action is Action.LADDER}


def test_a_day_of_the_demo_desk_on_the_desk_clock(tmp_path: Path) -> None:
    root = tmp_path / "day"
    desk = demo_with_escalation(root)
    waiting = {w.case.id for w in approval_queue(desk)}
    assert waiting  # the demo has price and food complaints waiting for approval
    written: list[tuple[str, str, datetime, datetime]] = []
    for quarter in range(0, 24 * 4 + 1):
        now = DAY + timedelta(minutes=15 * quarter)
        if quarter == 40:  # 10:00: the app is closed for three hours, then started again
            desk.cases.index.close()
            continue
        if 40 < quarter < 52:
            continue
        if quarter == 52:
            desk = core.open_desk(root)
        written.extend((d.subject, d.step, d.at, now) for d in run_tick(desk, now).written)
    # each step once, never before its time, with the time it fell due
    assert len({(c, s) for c, s, _at, _now in written}) == len(written)
    assert all(at <= now for _c, _s, at, now in written)
    assert {(c, s, at) for c, s, at, _now in written} == steps_on_file(desk)
    # the steps missed while the app was closed were written at 13:00, each at its own time
    caught_up = [at for _c, _s, at, now in written if now == DAY + timedelta(hours=13)]
    assert caught_up and min(caught_up) < DAY + timedelta(hours=10, minutes=15)
    # the same day in one catch-up tick at its end writes exactly the same steps
    other = demo_with_escalation(tmp_path / "once")
    once = run_tick(other, DAY + timedelta(days=1))
    assert {(d.subject, d.step, d.at) for d in once.written} == steps_on_file(desk)
    # cases climb tier by tier: no higher tier without the ones below it
    tiers = [t.step for t in desk.settings.ladder.tiers]
    for case in desk.cases:
        steps = [e.step for e in case.history if e.action is Action.LADDER]
        assert steps == tiers[:len(steps)]
    # resolutions needing approval wait, unchased, until a supervisor decides
    for case_id in waiting:
        case = desk.cases.get(case_id)
        assert case.status is CaseStatus.AWAITING_APPROVAL
        assert not [e for e in case.history if e.action is Action.LADDER]
    first = sorted(waiting)[0]
    approved = decide(desk, first, approve=True, supervisor="zhou.min", note="审核通过",
                      time=DAY + timedelta(days=1))
    assert approved.status is CaseStatus.RESOLVED
    assert first not in {w.case.id for w in approval_queue(desk)}
    desk.cases.index.close()
    other.cases.index.close()
