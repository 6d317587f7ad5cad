"""Shift and day summaries on the small desk, every figure counted by hand (see conftest)."""

from __future__ import annotations

from datetime import date

import pytest

import core
from core.cases.case import CaseStatus
from core.levels.thresholds import EvidenceRule, Thresholds
from core.reports import day_summary, shift_bounds, shift_summary, state_at
from core.reports.summary import Totals
from tests.reports.conftest import NOW, SmallDesk, at


def test_shift_totals(small: SmallDesk) -> None:
    s = shift_summary(small.desk, at(20, 8), at(20, 20), NOW)
    assert s.as_of == at(20, 20)
    # taken C1 C2 C3; closed C1; open at 20:00 C2 C3 C5; overdue C5
    assert (s.totals.taken, s.totals.closed, s.totals.open, s.totals.overdue) == (3, 1, 3, 1)


def test_shift_by_category_and_department(small: SmallDesk) -> None:
    s = shift_summary(small.desk, at(20, 8), at(20, 20), NOW)
    figures = {c.key: (c.taken, c.closed, c.open, c.overdue) for c in s.by_category}
    assert figures == {
        "groceries": (1, 1, 1, 1),  # C1 taken and closed; C5 open and overdue
        "shortage": (1, 0, 1, 0),
        "price_gouging": (1, 0, 1, 0),
    }
    departments = {c.key: (c.taken, c.closed, c.open, c.overdue) for c in s.by_department}
    assert departments == {"commerce": (2, 1, 2, 1), "market_regulation": (1, 0, 1, 0)}
    assert s.by_department[0].name.zh == "区商务局"


def test_shift_per_operator(small: SmallDesk) -> None:
    s = shift_summary(small.desk, at(20, 8), at(20, 20), NOW)
    ops = {o.operator: (o.taken, o.actions, o.resolved, o.called_back) for o in s.by_operator}
    # wang took C1 C3, dispatched C1, called C6 back; li took C2, dispatched C2, resolved C1
    assert ops == {"wang": (2, 2, 0, 1), "li": (1, 2, 1, 0)}


def test_night_shift_and_open_now(small: SmallDesk) -> None:
    start, end = shift_bounds(small.desk, date(2026, 11, 20), night=True)
    assert (start, end) == (at(20, 20), at(21, 8))
    s = shift_summary(small.desk, start, end, NOW)
    # C4 taken 21:30; at 08:00 on the 21st: open C2 C3 C4 C5; C5 overdue (C4 due 09:30)
    assert (s.totals.taken, s.totals.closed, s.totals.open, s.totals.overdue) == (1, 0, 4, 1)
    assert {o.operator: o.taken for o in s.by_operator} == {"wang": 1}


def test_a_shift_not_over_is_judged_now(small: SmallDesk) -> None:
    s = shift_summary(small.desk, at(21, 8), at(21, 20), NOW)
    assert s.as_of == NOW
    # C7 reopened at 09:00 and now open; C4 overdue since 09:30; C5 overdue
    assert (s.totals.taken, s.totals.open, s.totals.overdue) == (0, 5, 2)
    assert {o.operator: o.actions for o in s.by_operator} == {"zhao": 1}


def test_state_at_replays_history(small: SmallDesk) -> None:
    c7 = small.desk.cases.get(small.ids["C7"])
    rules = small.desk.settings.sla
    assert c7.status is CaseStatus.REOPENED
    before = state_at(c7, at(20, 23), rules)
    assert before is not None and before.status is CaseStatus.CALLED_BACK
    assert not before.is_open and not before.is_overdue
    resolved = state_at(c7, at(17, 12), rules)
    assert resolved is not None and resolved.status is CaseStatus.RESOLVED
    assert resolved.callback_due == at(18, 23, 59).replace(second=59)
    after = state_at(c7, NOW, rules)
    assert after is not None and after.is_open and after.due == c7.due
    assert state_at(c7, at(17, 8), rules) is None


def test_period_must_be_ordered(small: SmallDesk) -> None:
    with pytest.raises(ValueError, match="start before"):
        shift_summary(small.desk, at(20, 20), at(20, 8), NOW)


def test_day_summary(small: SmallDesk) -> None:
    d = day_summary(small.desk, date(2026, 11, 20), NOW)
    assert (d.start, d.end, d.as_of) == (at(20, 0), at(21, 0), at(21, 0))
    assert (d.totals.taken, d.totals.closed, d.totals.open, d.totals.overdue) == (4, 1, 4, 1)
    assert len(d.per_hour) == 24 and sum(d.per_hour) == 4
    assert {h: n for h, n in enumerate(d.per_hour) if n} == {9: 1, 10: 1, 11: 1, 21: 1}
    departments = {c.key: (c.taken, c.closed, c.open, c.overdue) for c in d.by_department}
    assert departments == {"commerce": (2, 1, 2, 1), "market_regulation": (1, 0, 1, 0),
                           "health": (1, 0, 1, 0)}
    spots = {s.community: (s.cases, dict(s.by_kind), s.surge) for s in d.hot_spots}
    assert spots == {
        "a1": (1, {"shortage": 1, "panic_buying": 0, "price_rise": 0}, False),
        "a2": (1, {"shortage": 0, "panic_buying": 0, "price_rise": 1}, False),
    }


def test_day_summary_marks_surges_by_the_evidence_rule(small: SmallDesk) -> None:
    eager = Thresholds(evidence=EvidenceRule(min_cases=1))
    d = day_summary(small.desk, date(2026, 11, 20), NOW, eager)
    assert all(s.surge for s in d.hot_spots)


def test_tables_hold_the_same_figures(small: SmallDesk) -> None:
    d = day_summary(small.desk, date(2026, 11, 20), NOW)
    tables = {t.name: t for t in d.tables()}
    assert tables["totals"].rows == ((4, 1, 0, 4, 1),)
    assert tables["per_hour"].row_by("hour", "21:00") == ("21:00", 1)
    assert tables["by_department"].row_by("code", "health")[2:] == (1, 0, 0, 1, 0)
    assert tables["hot_spots"].row_by("community", "锦绣社区")[2] == 1


def test_a_resolution_awaiting_approval_is_counted_apart_until_approved(
        small: SmallDesk) -> None:
    from core.cases.approval import decide

    root = small.desk.root
    with (root / "desk.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[closure]\napproval = ["price_gouging"]\n')
    desk = core.Desk.open(root, clock=lambda: NOW)
    case = desk.cases.get(small.ids["C3"])
    case = desk.cases.act(case, core.Action.DISPATCH, operator="wang", time=at(20, 12, 0))
    case = desk.cases.act(case, core.Action.RESOLVE, operator="wang", time=at(20, 14, 0))
    assert case.status is core.CaseStatus.AWAITING_APPROVAL

    def figures(end_hour: int) -> tuple[Totals, tuple[int, int]]:
        s = shift_summary(desk, at(20, 8), at(20, end_hour), NOW)
        price = next(c for c in s.by_category if c.key == "price_gouging")
        return s.totals, (price.closed, price.awaiting)

    totals, price = figures(18)
    assert (totals.closed, totals.awaiting, totals.open) == (1, 1, 3) and price == (0, 1)
    assert "open 3 (awaiting approval 1)" in shift_summary(
        desk, at(20, 8), at(20, 18), NOW).heading("en")[2]
    decide(desk, case.id, approve=True, supervisor="zhou.min", note="审核通过",
           time=at(20, 19, 0))
    totals, price = figures(20)
    assert (totals.closed, totals.awaiting, totals.open) == (2, 0, 2) and price == (1, 0)
    # the day summary counts the same way
    day = day_summary(desk, date(2026, 11, 20), NOW)
    assert (day.totals.closed, day.totals.awaiting) == (2, 0)
    desk.cases.index.close()
