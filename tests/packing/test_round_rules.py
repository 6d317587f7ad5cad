"""Rounds that follow the seeds: staffing by households served, vehicles from the desk, pick-up
slots by building and unit."""

from __future__ import annotations

import attrs

import core
from core.packing.templates import load_packing_config
from core.rounds import Round, plan_round


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
