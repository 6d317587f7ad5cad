"""Rounds that follow the seeds: staffing by households served, vehicles from the desk, pick-up
slots by building and unit."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import core
from core.packing.templates import Leg, VehicleSpec, default_config, load_packing_config
from core.packing.vehicles import Vehicle
from core.rounds import TRUCK, VAN, Round, plan_json, plan_round


def test_delivery_staff_count_every_household_of_the_communities_served(
    demo_desk: core.Desk,
) -> None:
    (round_,), _problems = demo_desk.rounds
    config, _ = load_packing_config(demo_desk.root)
    assert config is not None
    # one order from a single household of Binhe: the round still serves all of Binhe
    first = next(o for o in round_.orders if o.community == "binhe")
    one = Round(round_.code, round_.day_one, (first,), round_.path)
    served = sum(1 for h in demo_desk.households.values() if h.community == "binhe")
    assert served > 4
    plan = plan_round(demo_desk, one, time_limit=0.05,
                      config=attrs.evolve(config, households_per_courier=4))
    (drop,) = plan.drops
    assert drop.households == 1 and drop.households_served == served
    assert drop.couriers == -(-served // 4) and plan.couriers == drop.couriers


def _with_packing(root: Path, old: str, new: str) -> Path:
    packing = root / "packing.toml"
    text = packing.read_text(encoding="utf-8")
    assert old in text
    packing.write_text(text.replace(old, new, 1), encoding="utf-8")
    return packing


def test_vehicle_sizes_come_from_the_desk(demo_desk_dir: Path) -> None:
    desk = core.open_desk(demo_desk_dir)
    (round_,), _problems = desk.rounds
    plan = plan_round(desk, round_, time_limit=0.05)
    assert plan.fleet == {Leg.TRUNK: Vehicle("truck", 2000.0, 12000.0),
                          Leg.DROP: Vehicle("van", 600.0, 3000.0)}
    # a desk with small vans: more trips on the last leg, none over the van's size
    _with_packing(demo_desk_dir, "max_kg = 600.0\nmax_l = 3000.0",
                  "max_kg = 100.0\nmax_l = 800.0")
    desk = core.open_desk(demo_desk_dir)
    (round_,), _problems = desk.rounds
    small = plan_round(desk, round_, time_limit=0.05)
    assert small.fleet[Leg.DROP] == Vehicle("van", 100.0, 800.0)
    last = [t for t in small.loads.trips if t.leg == "station->drop"]
    assert all(t.vehicle == "van" and t.kg <= 100.0 and t.litres <= 800.0 for t in last)
    before = [t for t in plan.loads.trips if t.leg == "station->drop"]
    assert len(last) > len(before)
    assert plan_json(small)["vehicles"]["drop"] == {"name": "van", "max_kg": 100.0,
                                                    "max_litres": 800.0}


def test_a_desk_without_vehicles_gets_the_default_fleet() -> None:
    assert default_config().fleet() == {Leg.TRUNK: TRUCK, Leg.DROP: VAN}
    only_trunk = attrs.evolve(default_config(), vehicles={
        "lorry": VehicleSpec("重型货车", Leg.TRUNK, 8000.0, 40000.0)})
    assert only_trunk.fleet() == {Leg.TRUNK: Vehicle("lorry", 8000.0, 40000.0), Leg.DROP: VAN}


@pytest.mark.parametrize(("old", "new", "line", "field", "message"), [
    ("max_kg = 600.0", "max_kg = 0", 0, "vehicles.van.max_kg", "must be a positive number"),
    ("max_l = 12000.0", "max_l = nan", 0, "vehicles.truck.max_l", "must be a positive number"),
    ('leg = "drop"', 'leg = "trunk"', 0, "vehicles.van.leg",
     "vehicles.truck already drives the trunk leg"),
    ('leg = "drop"', 'leg = "air"', 0, "vehicles.van.leg", "'air' is not one of"),
    ("max_kg = 600.0", "max_kg = 20.0", -4, "vehicles.van",
     "box large (25.9 kg, 60 L full) does not fit the vehicle (20 kg, 3000 L)"),
])
def test_vehicle_types_are_checked_with_their_line(
    demo_desk_dir: Path, old: str, new: str, line: int, field: str, message: str
) -> None:
    text = (demo_desk_dir / "packing.toml").read_text(encoding="utf-8")
    at = text[:text.index(old)].count("\n") + 1 + line
    packing = _with_packing(demo_desk_dir, old, new)
    config, problems = load_packing_config(demo_desk_dir)
    assert config is None
    assert [(p.path, p.line, p.field) for p in problems] == [(packing, at, field)]
    assert problems[0].message.startswith(message)
