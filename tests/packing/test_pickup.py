"""Pick-up in time slots by building and unit (分时、分楼栋、分单元) at each drop point."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core.packing.pickup import Address, PickupRules, address_key, plan_pickup
from core.packing.templates import load_packing_config
from core.rounds import plan_json, plan_round

ZONE = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 27)


def test_units_fill_slots_in_address_order_under_the_cap() -> None:
    addresses = [Address("a", "10", "1", "101"), Address("b", "2", "1", "302"),
                 Address("c", "2", "1", "101"), Address("d", "2", "2", "101"),
                 Address("e", "3", "1", "101"), Address("f", "3", "1", "201"),
                 Address("g", "3", "1", "301"), Address("h", "3", "1", "401"),
                 Address("i", "3", "1", "501"), Address("j", "", "", "")]
    plan = plan_pickup("c1", "北门", addresses, DAY, ZONE, PickupRules("15:00", "16:00", 20, 3))
    assert [[(u.building, u.unit, u.households, u.whole) for u in s.units]
            for s in plan.slots] == [
        [("2", "1", ("c", "b"), True), ("2", "2", ("d",), True)],  # by room within a unit
        [("3", "1", ("e", "f", "g"), False)],      # 5 households in one unit: by room
        [("3", "1", ("h", "i"), False), ("10", "1", ("a",), True)],
        [("", "", ("j",), True)],                  # no building on record: last
    ]
    assert [(s.starts.strftime("%H:%M"), s.ends.strftime("%H:%M")) for s in plan.slots] == [
        ("15:00", "15:20"), ("15:20", "15:40"), ("15:40", "16:00"), ("16:00", "16:20")]
    assert plan.late == 1 and plan.households == 10 and plan.drop_point == "北门"


def test_address_numbers_sort_as_numbers() -> None:
    assert sorted(["10", "2", "", "A座", "1"], key=address_key) == ["1", "2", "10", "A座", ""]


ADDRESSES = st.lists(
    st.builds(Address, st.text("abcdefgh", min_size=1, max_size=3),
              st.sampled_from(["", "1", "2", "3", "10", "11", "A"]),
              st.sampled_from(["", "1", "2", "3", "12"]),
              st.sampled_from(["", "101", "202", "1203"])),
    max_size=80)


@settings(max_examples=300, deadline=None)
@given(addresses=ADDRESSES, cap=st.integers(1, 25), minutes=st.integers(5, 90))
def test_every_household_gets_exactly_one_slot_under_the_cap(
    addresses: list[Address], cap: int, minutes: int
) -> None:
    plan = plan_pickup("c1", "drop", addresses, DAY, ZONE,
                       PickupRules("15:00", "19:00", minutes, cap))
    called = [h for slot in plan.slots for unit in slot.units for h in unit.households]
    assert sorted(called) == sorted({a.household for a in addresses})  # each once
    assert all(0 < slot.households <= cap for slot in plan.slots)
    # slots follow each other without gaps, from the window's start
    start = datetime(2026, 11, 27, 15, 0, tzinfo=ZONE)
    for number, slot in enumerate(plan.slots):
        assert slot.starts == start + number * timedelta(minutes=minutes)
        assert slot.ends - slot.starts == timedelta(minutes=minutes)
    # each building's units are called one after another, in address order, and a unit is
    # split only when it alone is over the cap
    sequence = [(u.building, u.unit) for slot in plan.slots for u in slot.units]
    keys = [(address_key(b), address_key(u)) for b, u in sequence]
    assert keys == sorted(keys)
    buildings = [b for b, _u in sequence]
    for building in set(buildings):
        at = [i for i, b in enumerate(buildings) if b == building]
        assert at == list(range(at[0], at[-1] + 1))
    where = {a.household: (a.building, a.unit) for a in reversed(addresses)}
    sizes: dict[tuple[str, str], int] = {}
    for unit in where.values():
        sizes[unit] = sizes.get(unit, 0) + 1
    for slot in plan.slots:
        for unit in slot.units:
            assert unit.whole == (sizes[(unit.building, unit.unit)] <= cap)
    # no slot could have taken the next slot's first unit whole (no half-empty slots)
    for this, after in zip(plan.slots, plan.slots[1:], strict=False):
        first = after.units[0]
        if first.whole:
            assert this.households + len(first.households) > cap


def test_the_round_plans_pick_up_at_every_drop_point(demo_desk: core.Desk) -> None:
    (round_,), _problems = demo_desk.rounds
    plan = plan_round(demo_desk, round_, time_limit=0.05)
    ordering = {(o.community, o.household) for o in round_.orders}
    assert {p.community for p in plan.pickup} == {d.community for d in plan.drops}
    for pickup in plan.pickup:
        called = [h for s in pickup.slots for u in s.units for h in u.households]
        assert sorted(called) == sorted(h for c, h in ordering if c == pickup.community)
        assert all(s.households <= 20 for s in pickup.slots)
        assert pickup.slots[0].starts.isoformat() == "2026-11-27T15:00:00+08:00"
    data = plan_json(plan)["pickup"]
    assert sum(p["households"] for p in data) == len({h for _c, h in ordering})
    assert data[0]["slots"][0]["units"][0].keys() == {"building", "unit", "households", "whole"}


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ('window_end = "19:00"', 'window_end = "14:00"', "pickup.window_end",
     "must be after window_start"),
    ('window_start = "15:00"', 'window_start = "3pm"', "pickup.window_start",
     "'3pm' is not a time of day"),
    ("slot_minutes = 30", "slot_minutes = 300", "pickup.slot_minutes",
     "a slot of 300 minutes is longer than the window (240 minutes)"),
    ("slot_minutes = 30", "slot_minutes = 0", "pickup.slot_minutes", "must be from 5 to 1440"),
    ("households_per_slot = 20", "households_per_slot = 0", "pickup.households_per_slot",
     "must be at least 1"),
])
def test_pickup_rules_are_checked_with_their_line(
    demo_desk_dir: Path, old: str, new: str, field: str, message: str
) -> None:
    packing = demo_desk_dir / "packing.toml"
    text = packing.read_text(encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    packing.write_text(text.replace(old, new, 1), encoding="utf-8")
    config, problems = load_packing_config(demo_desk_dir)
    assert config is None
    assert [(p.path, p.line, p.field) for p in problems] == [(packing, line, field)]
    assert problems[0].message.startswith(message)
