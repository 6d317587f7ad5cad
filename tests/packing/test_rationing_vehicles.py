from __future__ import annotations

import random
from datetime import date
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from core.packing.rationing import Claim, FrontLine, MedicalRequest, allocate_medical, ration
from core.packing.vehicles import Parcel, Vehicle, couriers_needed, plan_loads, round_schedule


def test_front_line_then_priority_then_fair() -> None:
    claims = [Claim("a", 300, 600, priority_people=10), Claim("b", 100, 100), Claim("c", 500, 2000)]
    result = ration(1000, claims, [FrontLine("hospital", 200)])
    assert result.front_line == {"hospital": 200}
    assert sum(result.communities.values()) + 200 == 1000
    per_person = result.per_person(claims)
    assert max(per_person.values()) - min(per_person.values()) < 0.02
    assert any("front line hospital" in line for line in result.explanation)
    assert any("priority people" in line for line in result.explanation)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 5000),
    st.lists(st.tuples(st.integers(1, 500), st.integers(0, 3000)), min_size=1, max_size=6),
)
def test_max_min_fair(stock: int, rows: list[tuple[int, int]]) -> None:
    claims = [Claim(f"c{i}", p, d) for i, (p, d) in enumerate(rows)]
    result = ration(stock, claims)
    given_ = result.communities
    assert sum(given_.values()) + result.left == stock
    assert all(given_[c.community] <= c.demand for c in claims)
    assert result.left == 0 or all(given_[c.community] == c.demand for c in claims)
    for short in claims:
        if given_[short.community] < short.demand:
            # nobody else gets more per person, beyond one unit's worth
            for other in claims:
                more = (given_[other.community] - 1) / other.population
                assert more <= given_[short.community] / short.population + 1e-9


def test_medical_urgent_first_from_nearest_stock() -> None:
    issues, left, why = allocate_medical(
        [
            MedicalRequest("clinic", 50, received=1),
            MedicalRequest("icu", 80, urgent=True, received=2),
        ],
        {"far": 100, "near": 20},
        {("icu", "near"): 1.0, ("icu", "far"): 9.0},
    )
    assert [(i.unit, i.stock, i.quantity) for i in issues] == [
        ("icu", "near", 20), ("icu", "far", 60), ("clinic", "far", 40)
    ]
    assert left == {"far": 0, "near": 0}
    assert why[0].startswith("icu (urgent)")


def test_vehicle_plan_carries_every_box_within_capacity() -> None:
    rng = random.Random(3)
    parcels = [
        Parcel(f"b{i}", f"c{i % 5}", f"d{i % 2}", rng.uniform(2, 15), rng.uniform(5, 40))
        for i in range(120)
    ]
    plan = plan_loads(parcels, Vehicle("truck", 1000, 3000), Vehicle("van", 300, 1000),
                      time_limit=0.5)
    for leg in ("city->station", "station->drop"):
        carried = sorted(p for t in plan.trips if t.leg == leg for s in t.stops for p in s.parcels)
        assert carried == sorted(p.id for p in parcels)
    for trip in plan.trips:
        limit = (1000, 3000) if trip.vehicle == "truck" else (300, 1000)
        assert trip.kg <= limit[0] and trip.litres <= limit[1]
    assert plan.lower_bound <= plan.count
    assert "c0" in plan.manifest()


def test_staffing_and_schedule() -> None:
    assert couriers_needed(0) == 0
    assert couriers_needed(10) == 1
    assert couriers_needed(11) == 2
    milestones = round_schedule(date(2026, 11, 23), ZoneInfo("Asia/Shanghai"))
    assert milestones[0].when.hour == 11 and milestones[0].when.day == 23
    assert any(m.when.day == 25 and m.when.hour == 14 for m in milestones)
