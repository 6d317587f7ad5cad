"""A day of the demo desk on a clock the test drives, as issue 17's bar tells it: overdue cases
climb the chase ladder tier by tier, the app is closed for three hours and ``baogong tick``
catches up exactly once, a price complaint's resolution waits for the supervisor, a surge of
shortage calls raises a report-up task that goes overdue at its hour, the county's consent to
level II is recorded and only then are the round's rations cut, and a medical delivery made
after 17:00 is flagged by the clock and named in the 17:30 report, as is the report itself,
sent late.

The demo desk is given ``baogong init``'s ladder and approval on its copy (its recorded
sessions are tied to its files as generated); everything else goes through the public core
API and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import core
from core import ledger as L
from core.allocation import day_report
from core.cases.approval import approval_queue, decide
from core.cases.case import DESK_CLOCK, Action, CaseStatus
from core.identity import NotASupervisor
from core.levels import Level, set_manual_level
from core.levels.authority import Authority, Change, record_change
from core.levels.reportup import load_report_ups, record_report, report_up_status
from core.medicalclock import load_flags, record_report_sent
from core.rounds import RoundPlan, plan_round
from core.tick import run_tick
from tests.core.test_ladder_demo_day import DAY, demo_with_escalation

SUPERVISOR = "zhou.min"
OPERATOR = "wang.li"
KEEPER = "keeper.liu"
CLINIC = "河西区人民医院发热门诊"
#: the shortage calls from Jinxiu, by the time each came in
SHORTAGE_CALLS = [DAY + timedelta(hours=14, minutes=m) for m in (5, 10, 20, 25, 40)]
#: the report-up task of Jinxiu's surge, named after when the fourth call tipped it
SURGE = "surge-jinxiu-20261123T1425"
#: a demo call for a chronic patient's medicine, dispatched to health, due at 08:07:21
MEDICINE_CALL = "20261122-0023"
REPO = Path(__file__).resolve().parents[2]


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute, seconds=second)


def tick_cli(root: Path, now: datetime) -> tuple[list[tuple[str, str, datetime]], int]:
    """``baogong tick --now TIME --json --desk DIR`` in its own process, as cron runs it: the
    steps it wrote (subject, step, when it fell due) and how many were on file already."""
    code = ("import sys; from tui.cli import main; "
            "raise SystemExit(main(sys.argv[1:]))")
    done = subprocess.run(
        [sys.executable, "-c", code, "tick", "--now", now.isoformat(), "--json",
         "--desk", str(root)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"written", "already_done"}
    return ([(w["case"], w["step"], datetime.fromisoformat(w["at"])) for w in out["written"]],
            out["already_done"])


def ladder_on_file(desk: core.Desk) -> dict[str, list[tuple[str, datetime, str]]]:
    """Each case's ladder steps as its history has them: (step, time, by whom)."""
    return {case.id: [(e.step or "", e.time, e.operator) for e in case.history
                      if e.action is Action.LADDER] for case in desk.cases}


def packed(plan: RoundPlan) -> dict[str, Counter[str]]:
    """What each order of the round is packed with: units by goods code."""
    return {p.order: Counter(code for box in p.boxes for code in box.codes)
            for p in plan.packings}


def test_a_day_of_escalation_on_the_demo_desk(tmp_path: Path) -> None:
    root = tmp_path / "desk"
    desk = demo_with_escalation(root)
    # the medical allocation's deadlines hold from the test's day, on the desk clock
    with (root / "allocation.toml").open("a", encoding="utf-8") as toml:
        toml.write(f"\n[deadlines]\nsince = {DAY:%Y-%m-%d}\n")
    tiers = [t.step for t in desk.settings.ladder.tiers]
    written: list[tuple[str, str, datetime, datetime]] = []  # subject, step, fell due, tick

    def tick(now: datetime) -> None:
        written.extend((d.subject, d.step, d.at, now) for d in run_tick(desk, now).written)

    # 00:00-10:00: the app's timer ticks every quarter of an hour
    waiting = [w.case.id for w in approval_queue(desk)]
    assert waiting
    for quarter in range(0, 41):
        tick(at(0, 15 * quarter))
        if quarter == 36:  # 09:00: the supervisor decides on the oldest price complaint
            with pytest.raises(NotASupervisor):
                decide(desk, waiting[0], approve=True, supervisor=OPERATOR, note="自己批",
                       time=at(9))
            assert desk.cases.get(waiting[0]).status is CaseStatus.AWAITING_APPROVAL
            approved = decide(desk, waiting[0], approve=True, supervisor=SUPERVISOR,
                              note="审核通过", time=at(9))
            assert approved.status is CaseStatus.RESOLVED
            assert approved.history[-1].operator == SUPERVISOR
    morning = ladder_on_file(desk)
    assert {(c, s, t) for c, s, t, _now in written} == {
        (case, f"chase.{step}", time) for case, steps in morning.items()
        for step, time, _by in steps}
    assert written and all(by == DESK_CLOCK for steps in morning.values()
                           for _s, _t, by in steps)
    # Binhe's chronic-medicine call of last night fell due at 08:07:21: the department is
    # chased at that time, written by the 08:15 tick
    assert [(s, t, now) for c, s, t, now in written if c == MEDICINE_CALL] == [
        ("chase.department", at(8, 7, 21), at(8, 15))]

    # 10:00: the app is closed
    desk.cases.index.close()
    reader = core.open_desk(root)
    assert ladder_on_file(reader) == morning  # nothing climbs while nothing runs
    reader.cases.index.close()
    # 13:00: the next start catches up, each missed step at its own time, and only once
    caught, done_before = tick_cli(root, at(13))
    again, done_after = tick_cli(root, at(13))
    assert caught and again == [] and done_after == done_before + len(caught)
    assert all(at(10) < t <= at(13) for _c, _s, t in caught)
    # the medicine call's supervisor step fell due at 10:07:21, while closed, and keeps its time
    assert [(s, t) for c, s, t in caught if c == MEDICINE_CALL] == [
        ("chase.supervisor", at(10, 7, 21))]
    desk = core.open_desk(root)
    # the fever clinic's sheet, signed by its head, came in at 10:30 and was entered at 13:05
    ledgers = L.Ledgers(desk)
    [request] = ledgers.append([L.draft(
        L.SupplyRequest, time=at(10, 30), unit=CLINIC, head="院长 陈卫东",
        lines=(L.RequestLine(item="protective-suit", quantity=20),), purpose="发热门诊")],
        operator=OPERATOR, recorded=at(13, 5))
    after = ladder_on_file(desk)
    new = {(c, f"chase.{s}", t) for c, steps in after.items() for s, t, _by in steps
           if (s, t, _by) not in morning.get(c, [])}
    assert new == {(c, s, t) for c, s, t in caught if s.startswith("chase.")}
    written.extend((c, s, t, at(13)) for c, s, t in caught)

    before = {w.case.id for w in approval_queue(desk)}
    rounds, _problems = desk.rounds
    plans: dict[datetime, RoundPlan] = {}
    medical: dict[datetime, list[str]] = {}
    for quarter in range(53, 24 * 4 + 1):
        now = at(0, 15 * quarter)
        # callers from Jinxiu find no rice; the fourth call in a day makes it a surge, to be
        # reported within the hour
        for call in SHORTAGE_CALLS:
            if now - timedelta(minutes=15) < call <= now:
                desk.cases.create(core.Category.SHORTAGE, operator=OPERATOR, created=call,
                                  community="jinxiu", description="超市没有大米了")
        if now == at(16, 45):
            # the supervisor reported the surge at 16:40, late: it leaves the open tasks and
            # stays among the late ones
            assert report_up_status(desk, now).overdue_open == 1
            record_report(desk, SURGE, to="区政府总值班室", reference="电话 0351-2345678",
                          at=at(16, 40), supervisor=SUPERVISOR, now=now)
            status = report_up_status(desk, now)
            assert status.open == () and status.overdue_open == 0
            assert [t.id for t in status.overdue] == [SURGE]
        if now == at(15, 45):
            # the supervisor sees large-scale concentrated buying: level II, as advice
            set_manual_level(desk, Level.II, reason="大量集中抢购，米面油断档",
                             supervisor=SUPERVISOR, district="hexi", time=now)
        if now == at(16):
            ledgers.append([L.draft(L.Approval, time=now, request=request.id,
                                    approved_by=SUPERVISOR)], operator=SUPERVISOR, recorded=now)
        if now == at(16, 30):
            # the street office proposed level II; the county consented by telephone at 16:20
            record_change(desk, Change.ACTIVATE, Level.II, authority=Authority.COUNTY,
                          person="县长 刘建国", reference="电话 0351-1234567 16:20",
                          time=at(16, 20), district="hexi", supervisor=SUPERVISOR, now=now)
        if now in (at(16, 15), at(16, 30)):
            plans[now] = plan_round(desk, rounds[0], levels=desk.levels.in_force(now))
        if now == at(17, 15):
            # the suits leave the depot at 17:20, signed for by the head nurse
            ledgers.append([L.draft(
                L.StockIssue, time=at(17, 20), store="hexi-depot", item="protective-suit",
                quantity=20, request=request.id, unit=CLINIC, signed_by="护士长 王芳")],
                operator=KEEPER, recorded=at(17, 20))
        if now == at(18, 15):
            # the 17:30 report went out at 18:10, late, and is recorded so
            with pytest.raises(NotASupervisor):
                record_report_sent(desk, DAY.date(), to="区防控指挥部", reference="传真 18:10",
                                   at=at(18, 10), supervisor=OPERATOR, now=now)
            record_report_sent(desk, DAY.date(), to="区防控指挥部", reference="传真 18:10",
                               at=at(18, 10), supervisor=SUPERVISOR, now=now)
        if now in (at(16, 45), at(17), at(17, 30), at(17, 45), at(18, 15)):
            report = day_report(desk, DAY.date(), now=now)
            medical[now] = [n.en for n in report.notes[1:]]
            if now == at(17, 30):
                medical[now] += [n.zh for n in report.notes[1:]]
        tick(now)
    # the medical deadlines: the clock flagged the clinic's suits not out by 17:00 at 17:00,
    # their issue at 17:20 by the 17:30 tick, and the report not sent by 17:30 at 17:45
    assert [(c, s, t, now) for c, s, t, now in written if c.startswith("allocation:")] == [
        (f"allocation:20261123-not_delivered-{request.id}", "allocation.not_delivered", at(17),
         at(17)),
        (f"allocation:20261123-delivery-{request.id}", "allocation.late_delivery", at(17, 20),
         at(17, 30)),
        ("allocation:20261123-report", "allocation.report_late", at(17, 30), at(17, 45))]
    again_at_night = run_tick(desk, at(23, 59))
    assert again_at_night.written == ()
    [delivery] = [f for f in load_flags(root)[0] if f.kind == "delivery"]
    assert (delivery.who, delivery.at, delivery.flagged_by) == (
        f"护士长 王芳 / {KEEPER}", at(17, 20), DESK_CLOCK)

    # the report-up: raised when the fourth call came, overdue an hour later, written once each
    assert [(c, s, t, now) for c, s, t, now in written if c.startswith("reportup:")] == [
        (f"reportup:{SURGE}", "reportup.raised", at(14, 25), at(14, 30)),
        (f"reportup:{SURGE}", "reportup.overdue", at(15, 25), at(15, 30))]
    [surge] = load_report_ups(root)[0]
    assert (surge.id, surge.seen_at, surge.due, surge.overdue_at) == (
        SURGE, at(14, 25), at(15, 25), at(15, 25))
    assert (surge.reported_to, surge.reported_at, surge.reported_by) == (
        "区政府总值班室", at(16, 40), SUPERVISOR)

    # rations: the supervisor's level II was advice; only the county's recorded consent cuts
    assert desk.levels.on(DAY.date())["hexi"] is Level.II
    assert desk.levels.in_force(at(16, 19)) == {"hexi": Level.III}
    assert desk.levels.in_force(at(16, 20)) == {"hexi": Level.II}
    not_yet, cut = plans[at(16, 15)], plans[at(16, 30)]
    assert not_yet.rationed == () and not_yet.cuts == ()
    assert cut.rationed == ("hexi",) and cut.cuts
    hexi = {o.id for o in rounds[0].orders
            if desk.communities[o.community].district == "hexi"}
    before_cut, after_cut = packed(not_yet), packed(cut)
    changed = {o for o, goods in after_cut.items() if goods != before_cut[o]}
    assert changed and changed <= hexi
    assert {c.order for c in cut.cuts} == changed
    for c in cut.cuts:  # each cut line is packed with what was kept, no more
        assert before_cut[c.order][c.code] == c.ordered
        assert after_cut[c.order][c.code] == c.kept < c.ordered

    # the next morning the medicine call, still not done, goes to the command post at 08:07:21
    tick(at(24 + 8, 15))
    assert [(s, t, now) for c, s, t, now in written if c == MEDICINE_CALL] == [
        ("chase.department", at(8, 7, 21), at(8, 15)),
        ("chase.supervisor", at(10, 7, 21), at(13)),
        ("chase.command_post", at(24 + 8, 7, 21), at(24 + 8, 15))]
    assert ladder_on_file(desk)[MEDICINE_CALL] == [
        ("department", at(8, 7, 21), DESK_CLOCK), ("supervisor", at(10, 7, 21), DESK_CLOCK),
        ("command_post", at(24 + 8, 7, 21), DESK_CLOCK)]

    # the ladder over the whole day: each step once, never early, tier by tier, by the desk
    assert len({(c, s) for c, s, _t, _now in written}) == len(written)
    assert all(t <= now for _c, _s, t, now in written)
    final = ladder_on_file(desk)
    for steps in final.values():
        assert [s for s, _t, _by in steps] == tiers[:len(steps)]
    climbed = {c: steps for c, steps in final.items() if len(steps) >= 2}
    assert climbed
    for case_id, steps in climbed.items():
        due = desk.cases.get(case_id).due
        assert due is not None
        hours = {t.step: t.after_hours for t in desk.settings.ladder.tiers}
        assert [t for _s, t, _by in steps] == [due + timedelta(hours=hours[s])
                                               for s, _t, _by in steps]
    # the price complaints still waiting were never chased; the approved one is resolved
    for case_id in before:
        assert desk.cases.get(case_id).status is CaseStatus.AWAITING_APPROVAL
        assert final[case_id] == []
    assert desk.cases.get(waiting[0]).status is CaseStatus.RESOLVED

    # the fever clinic's suits: approved at 16:00, not out by 17:00, issued at 17:20; the
    # 17:30 report names the late delivery with its time and who signed and recorded it
    assert medical[at(16, 45)] == ["approved and delivered by 17:00: nothing late"]
    assert medical[at(17)] == [
        f"not delivered by 17:00: {request.id} ({CLINIC}), approved by {SUPERVISOR}"]
    assert medical[at(17, 30)] == [
        f"late delivery: {request.id} ({CLINIC}) issued at 17:20, signed for by 护士长 王芳 / "
        f"{KEEPER}, due by 17:00",
        f"逾期送达：{request.id}（{CLINIC}）17:20 发放，签收 护士长 王芳 / {KEEPER}，"
        f"应于 17:00 前"]
    late_delivery = medical[at(17, 30)][0]
    assert medical[at(17, 45)] == [late_delivery,
                                   "report not sent by 11-23 17:30: no sending recorded"]
    assert medical[at(18, 15)] == [
        late_delivery, f"report sent late: at 11-23 18:10 by {SUPERVISOR} to 区防控指挥部 "
                       f"(传真 18:10), due by 17:30"]

    desk.cases.index.close()
