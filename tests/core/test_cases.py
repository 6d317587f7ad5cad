from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.cases.case import (
    TRANSITIONS,
    Action,
    CaseKind,
    CaseStatus,
    Category,
    Evaluation,
    Priority,
    TransitionError,
    apply,
    callback_due_time,
    due_time,
    new_case,
)
from core.reference import PriorityFlag, SlaRules

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=ZONE)
RULES = SlaRules()


def make(category: Category = Category.GROCERIES, **fields: object):  # type: ignore[no-untyped-def]
    return new_case(case_id="20261123-0001", category=category, created=T0, operator="wang",
                    rules=RULES, **fields)


def test_new_case_is_accepted_with_a_create_event_and_default_department() -> None:
    case = make()
    assert case.status is CaseStatus.ACCEPTED
    assert case.kind is CaseKind.REQUEST
    assert case.department == "commerce"
    assert [e.action for e in case.history] == [Action.CREATE]
    assert case.history[0].operator == "wang"


def test_priority_people_raise_priority_and_shorten_the_due_time() -> None:
    plain = make()
    flagged = make(flags=[PriorityFlag.ELDERLY_ALONE])
    assert flagged.priority is Priority.HIGH
    assert plain.due == T0 + timedelta(hours=24)
    assert flagged.due == T0 + timedelta(hours=12)


def test_sla_due_times_follow_the_rules() -> None:
    assert due_time(RULES, CaseKind.COMPLAINT, Priority.NORMAL, T0) == T0 + timedelta(days=3)
    assert due_time(RULES, CaseKind.RUMOUR, Priority.NORMAL, T0) == T0 + timedelta(hours=4)
    # urgent: by the end of the day, but never later than a high priority (12 hours)
    assert due_time(RULES, CaseKind.REQUEST, Priority.URGENT, T0) == T0 + timedelta(hours=12)
    evening = T0.replace(hour=15)
    assert due_time(RULES, CaseKind.REQUEST, Priority.URGENT, evening) == evening.replace(
        hour=23, minute=59, second=59)
    late = T0.replace(hour=23, minute=0)
    assert due_time(RULES, CaseKind.REQUEST, Priority.URGENT, late) == late + timedelta(hours=2)
    assert callback_due_time(RULES, T0) == datetime(2026, 11, 24, 23, 59, 59, tzinfo=ZONE)


def test_the_closed_loop_from_intake_to_evaluation_and_reopen() -> None:
    case = make()
    steps = [
        (Action.DISPATCH, CaseStatus.DISPATCHED, {}),
        (Action.START, CaseStatus.IN_PROGRESS, {}),
        (Action.REPLY, CaseStatus.REPLIED, {}),
        (Action.RESOLVE, CaseStatus.RESOLVED, {}),
        (Action.CALL_BACK, CaseStatus.CALLED_BACK, {}),
        (Action.EVALUATE, CaseStatus.EVALUATED, {"evaluation": Evaluation.UNSATISFIED}),
        (Action.REOPEN, CaseStatus.REOPENED, {}),
    ]
    for minutes, (action, status, extra) in enumerate(steps, start=1):
        case = apply(case, action, operator="li", time=T0 + timedelta(minutes=minutes),
                     rules=RULES, **extra)  # type: ignore[arg-type]
        assert case.status is status
    assert len(case.history) == len(steps) + 1
    assert all(e.operator == "li" for e in case.history[1:])
    assert case.evaluation is None  # a reopened case waits for a new evaluation
    assert case.due is not None and case.due > T0 + timedelta(hours=24)


def test_callback_due_is_set_on_resolution() -> None:
    case = apply(make(), Action.RESOLVE, operator="li", time=T0, rules=RULES)
    assert case.callback_due == callback_due_time(RULES, T0)
    assert not case.is_open
    assert case.status.open311 == "closed"


@pytest.mark.parametrize("action", [Action.CALL_BACK, Action.EVALUATE, Action.REOPEN,
                                    Action.CHASE, Action.START])
def test_actions_not_allowed_on_a_new_case_are_refused(action: Action) -> None:
    with pytest.raises(TransitionError):
        apply(make(), action, operator="li", time=T0, rules=RULES,
              evaluation=Evaluation.SATISFIED)


def test_every_status_can_be_reached_and_every_action_has_a_rule() -> None:
    reachable = {target for _, target in TRANSITIONS.values() if target}
    # a resolution that needs a supervisor's approval waits for it (core.cases.escalation)
    assert reachable | {CaseStatus.AWAITING_APPROVAL} == set(CaseStatus)
    assert set(TRANSITIONS) == set(Action)


def test_evaluation_is_required_to_evaluate() -> None:
    case = apply(make(), Action.RESOLVE, operator="li", time=T0, rules=RULES)
    case = apply(case, Action.CALL_BACK, operator="li", time=T0, rules=RULES)
    with pytest.raises(TransitionError):
        apply(case, Action.EVALUATE, operator="li", time=T0, rules=RULES)


def test_every_category_routes_to_a_demo_department(demo_desk) -> None:  # type: ignore[no-untyped-def]
    for category in Category:
        assert demo_desk.department_for(category) in demo_desk.departments
