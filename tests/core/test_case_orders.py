"""What a hotline case would order: household from the case or the caller's phone, goods from
its items, and what is missing otherwise."""

from __future__ import annotations

import core
from core.cases.case import Address, Caller, Category, ItemLine
from core.packing.orders import OrderLine
from core.roundorders import case_source, find_source, order_from_case


def _case(desk: core.Desk, **kw: object) -> core.Case:
    return desk.cases.create(Category.GROCERIES, operator="li.na", **kw)  # type: ignore[arg-type]


def test_household_and_goods_from_the_case(demo_desk: core.Desk) -> None:
    case = _case(demo_desk, community="jinxiu", household="h0001",
                 items=(ItemLine("rice-5kg", 1), ItemLine("eggs-30", 2), ItemLine("rice-5kg", 1)))
    order = order_from_case(demo_desk, case)
    assert order.household == "h0001" and order.missing == ()
    assert order.lines == (OrderLine("rice-5kg", 2), OrderLine("eggs-30", 2))
    assert case_source(case) == f"case {case.id}" and find_source(demo_desk, case_source(case)) \
        is None


def test_the_callers_phone_finds_the_household(demo_desk: core.Desk) -> None:
    phone = demo_desk.households["h0003"].phone
    case = _case(demo_desk, caller=Caller("来电人", phone, Address()),
                 items=(ItemLine("eggs-30", 1),))
    assert order_from_case(demo_desk, case).household == "h0003"


def test_what_is_missing_is_said_in_both_languages(demo_desk: core.Desk) -> None:
    case = _case(demo_desk, caller=Caller("路人", "13699999999", Address()),
                 items=(ItemLine("手擀面", 1, "手擀面"), ItemLine("eggs-30", 1.5),
                        ItemLine("rice-5kg", 101)))
    order = order_from_case(demo_desk, case)
    assert order.household == "" and order.lines == ()
    english = [t.en for t in order.missing]
    assert english == [
        "the case names no household and the caller's phone is not in households.toml",
        "'手擀面' is not in the catalogue",
        "eggs-30: quantity 1.5 must be a whole number from 1 to 100",
        "rice-5kg: quantity 101 must be a whole number from 1 to 100"]
    assert all(t.zh for t in order.missing)
    empty = order_from_case(demo_desk, _case(demo_desk, household="h0001"))
    assert [t.en for t in empty.missing] == ["the case lists no goods"]
    unknown = order_from_case(demo_desk, _case(demo_desk, household="h9999",
                                                items=(ItemLine("eggs-30", 1),)))
    assert [t.en for t in unknown.missing] == ["household h9999 is not in households.toml"]
