"""Repeat calls: found in core by phone (any format) or address; a call joins its case."""

from __future__ import annotations

from datetime import timedelta

import pytest

import core
from core.cases.case import (
    TRANSITIONS,
    Action,
    Address,
    Caller,
    CaseStatus,
    Category,
    Priority,
    apply,
    due_time,
    plan_call,
)
from core.cases.duplicates import RepeatReason, find_repeat_calls, known_caller
from core.reference import Household, PriorityFlag, Resident
from tests.core.test_cases import RULES, T0, make

HOME = Address("和平路", "3", "2", "501")


def _create(desk: core.Desk, category: Category = Category.WATER_OUTAGE,
            phone: str = "0551-62881234", address: Address = HOME, **fields: object) -> core.Case:
    return desk.cases.create(category, operator="wang", created=T0,
                             caller=Caller("王秀英", phone, address), **fields)


def test_a_repeat_call_is_found_by_phone_in_any_format_and_by_address(
        empty_desk: core.Desk) -> None:
    case = _create(empty_desk)
    _create(empty_desk, Category.GROCERIES)  # another category: not a repeat of this call
    found = find_repeat_calls(empty_desk.cases, phone="+86 551 6288 1234",
                              address=HOME, category=Category.WATER_OUTAGE)
    assert [(f.row.id, f.reasons) for f in found] == [
        (case.id, frozenset({RepeatReason.PHONE, RepeatReason.ADDRESS}))]
    by_address = find_repeat_calls(empty_desk.cases, phone="13900000000", address=HOME,
                                   category=Category.WATER_OUTAGE)
    assert [(f.row.id, f.reasons) for f in by_address] == [
        (case.id, frozenset({RepeatReason.ADDRESS}))]
    # a street alone is too vague to call two callers the same
    assert find_repeat_calls(empty_desk.cases, address=Address("和平路"),
                             category=Category.WATER_OUTAGE) == []


def test_a_closed_case_is_not_a_repeat(empty_desk: core.Desk) -> None:
    case = _create(empty_desk)
    empty_desk.cases.act(case, Action.RESOLVE, operator="li")
    empty_desk.cases.refresh()
    assert find_repeat_calls(empty_desk.cases, phone="055162881234",
                             category=Category.WATER_OUTAGE) == []


def test_a_call_is_allowed_on_every_status_and_keeps_it() -> None:
    allowed, target = TRANSITIONS[Action.CALL]
    assert allowed == frozenset(CaseStatus) and target is None
    case = apply(make(), Action.RESOLVE, operator="li", time=T0 + timedelta(hours=1),
                 rules=RULES)
    called = apply(case, Action.CALL, operator="zhao", time=T0 + timedelta(hours=2),
                   rules=RULES, note="又打来问")
    assert called.status is CaseStatus.RESOLVED
    assert called.history[-1].action is Action.CALL
    assert called.history[-1].operator == "zhao" and called.history[-1].note == "又打来问"


def test_a_repeat_call_raises_priority_flags_and_due_time_but_never_lowers_them() -> None:
    case = make(category=Category.WATER_OUTAGE)  # a complaint: due in three days
    later = T0 + timedelta(hours=2)
    assert plan_call(case, time=later, rules=RULES) == {}
    changes = plan_call(case, time=later, rules=RULES,
                        flags=frozenset({PriorityFlag.BEDRIDDEN}))
    assert changes == {"flags": frozenset({PriorityFlag.BEDRIDDEN}),
                       "priority": Priority.HIGH,
                       "due": later + timedelta(hours=RULES.priority_people_hours)}
    urgent = plan_call(case, time=later, rules=RULES, priority=Priority.URGENT)
    assert urgent["priority"] is Priority.URGENT
    assert urgent["due"] == due_time(RULES, case.kind, Priority.URGENT, later)
    raised = apply(case, Action.CALL, operator="li", time=later, rules=RULES, changes=urgent)
    assert plan_call(raised, time=later, rules=RULES, priority=Priority.HIGH) == {}


def test_a_call_that_raises_a_case_never_moves_its_due_time_later() -> None:
    case = make(priority=Priority.URGENT)
    much_later = T0 + timedelta(days=5)
    changes = plan_call(case, time=much_later, rules=RULES,
                        flags=frozenset({PriorityFlag.DISABLED}))
    assert changes == {"flags": frozenset({PriorityFlag.DISABLED})}


def test_the_store_records_the_call_with_the_operator_and_time(empty_desk: core.Desk) -> None:
    case = _create(empty_desk)
    changes = plan_call(case, time=T0 + timedelta(hours=1), rules=empty_desk.settings.sla,
                        priority=Priority.URGENT)
    saved = empty_desk.cases.act(case, Action.CALL, operator="zhao", note="水还没来",
                                 changes=changes, time=T0 + timedelta(hours=1))
    again = empty_desk.cases.get(case.id)
    assert again == saved and again.priority is Priority.URGENT
    assert again.history[-1].action is Action.CALL and again.history[-1].note == "水还没来"
    assert again.due is not None and case.due is not None and again.due < case.due


def test_a_known_caller_comes_from_the_register_or_their_latest_case(
        empty_desk: core.Desk) -> None:
    household = Household("hx-01-3-2-501", "hx-01", "3", "2", "501", "13800000001", (
        Resident("张桂兰", "138 0000 0001", 81, frozenset({PriorityFlag.ELDERLY_ALONE})),))
    registered = known_caller("+86 13800000001", cases=empty_desk.cases,
                              households={"13800000001": [household]},
                              streets={"hx-01": "和平路"})
    assert registered is not None and registered.registered
    assert registered.name == "张桂兰" and registered.address == HOME
    assert registered.flags == {PriorityFlag.ELDERLY_ALONE}
    case = _create(empty_desk, flags=[PriorityFlag.NO_SMARTPHONE], community="hx-02")
    known = known_caller("0551 62881234", cases=empty_desk.cases, households={}, streets={},
                         load=empty_desk.cases.get)
    assert known is not None and not known.registered
    assert (known.name, known.address, known.community, known.flags) == (
        "王秀英", HOME, "hx-02", frozenset({PriorityFlag.NO_SMARTPHONE}))
    assert [r.id for r in known.earlier] == [case.id]
    assert known_caller("13700000000", cases=empty_desk.cases, households={},
                        streets={}) is None
    assert known_caller("1370", cases=empty_desk.cases, households={}, streets={}) is None


@pytest.mark.parametrize("name", ["find_repeat_calls", "known_caller", "plan_call",
                                  "normalize_phone", "effective_priority"])
def test_usable_from_scripts(name: str) -> None:
    assert callable(getattr(core, name))
