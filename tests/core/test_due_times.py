"""Due times (办理时限): a more urgent call is never due later, whatever else is known."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.cases.case import CaseKind, Priority, due_time, effective_priority
from core.reference import PriorityFlag, SlaRules

ZONE = ZoneInfo("Asia/Shanghai")
RULES = SlaRules()

moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=ZONE, microsecond=0))
flag_sets = st.frozensets(st.sampled_from(PriorityFlag))
hours = st.floats(0.5, 96, allow_nan=False)
rule_sets = st.just(RULES) | st.builds(
    SlaRules, urgent_same_day=st.booleans(), urgent_min_hours=hours, request_hours=hours,
    complaint_days=st.floats(0.1, 10, allow_nan=False), inquiry_hours=hours,
    rumour_hours=hours, priority_people_hours=hours)


@given(rule_sets, st.sampled_from(CaseKind), moments, flag_sets)
def test_a_more_urgent_priority_is_never_due_later(rules: SlaRules, kind: CaseKind,
                                                  created: datetime,
                                                  flags: frozenset[PriorityFlag]) -> None:
    urgent, high, normal = (due_time(rules, kind, p, created, flags)
                            for p in (Priority.URGENT, Priority.HIGH, Priority.NORMAL))
    assert created < urgent <= high <= normal


@given(rule_sets, st.sampled_from(CaseKind), st.sampled_from(Priority), moments, flag_sets)
def test_priority_people_are_never_due_later(rules: SlaRules, kind: CaseKind,
                                             priority: Priority, created: datetime,
                                             flags: frozenset[PriorityFlag]) -> None:
    assert due_time(rules, kind, priority, created, flags) <= due_time(rules, kind, priority,
                                                                       created)
    saved = effective_priority(priority, flags)
    assert due_time(rules, kind, saved, created, flags) <= due_time(rules, kind, priority,
                                                                    created, flags)


def test_an_urgent_case_in_the_morning_is_due_before_a_high_one() -> None:
    morning = datetime(2026, 12, 2, 7, 26, tzinfo=ZONE)
    high = due_time(RULES, CaseKind.REQUEST, Priority.HIGH, morning)
    urgent = due_time(RULES, CaseKind.REQUEST, Priority.URGENT, morning)
    assert high == morning + timedelta(hours=12)
    assert urgent <= high


def test_an_urgent_call_late_at_night_still_gets_the_minimum_time() -> None:
    late = datetime(2026, 12, 2, 23, 30, tzinfo=ZONE)
    assert due_time(RULES, CaseKind.REQUEST, Priority.URGENT, late) == late + timedelta(hours=2)


def test_an_urgent_rumour_keeps_its_own_shorter_limit() -> None:
    noon = datetime(2026, 12, 2, 12, 0, tzinfo=ZONE)
    assert due_time(RULES, CaseKind.RUMOUR, Priority.URGENT, noon) == noon + timedelta(hours=4)


def test_flags_on_an_urgent_case_are_not_ignored() -> None:
    rules = SlaRules(priority_people_hours=3)
    morning = datetime(2026, 12, 2, 7, 26, tzinfo=ZONE)
    flagged = due_time(rules, CaseKind.REQUEST, Priority.URGENT, morning,
                       frozenset({PriorityFlag.BEDRIDDEN}))
    assert flagged == morning + timedelta(hours=3)


def test_flags_make_a_normal_call_high_and_leave_urgent_alone() -> None:
    flags = frozenset({PriorityFlag.ELDERLY_ALONE})
    assert effective_priority(Priority.NORMAL, flags) is Priority.HIGH
    assert effective_priority(Priority.URGENT, flags) is Priority.URGENT
    assert effective_priority(Priority.NORMAL, frozenset()) is Priority.NORMAL
