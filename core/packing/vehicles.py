"""Loading boxes onto vehicles (车辆装载) along city -> district transfer station -> drop point.

Leg 1 carries every box of a district from the city warehouse to its transfer station (区级物资
转运站); leg 2 carries them from the station to the community drop points (物资投放点). Each leg
is a two-dimensional packing (kg including box tare, litres) into as few vehicles as possible.
On leg 2 a community's boxes travel together when they fit one vehicle, so a drop point is
served by one stop; larger communities take full vehicle-loads first. Manifests list, per
vehicle, what goes to each drop point; staffing is one delivery person per ten households
(每10户配备1名配送人员); :func:`round_schedule` gives the round's milestones.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence, Sized
from datetime import date, datetime, timedelta, tzinfo
from datetime import time as clock

import attrs

from core.packing.bounds import Bounded
from core.packing.boxes import grams, grams_down
from core.packing.heuristics import Instance
from core.packing.solver import solve


@attrs.frozen
class Vehicle:
    """A vehicle type: what one trip may carry."""

    name: str
    max_kg: float
    max_litres: float


@attrs.frozen
class Parcel:
    """A packed box on its way: where it goes, its gross weight (goods + tare) and volume."""

    id: str
    community: str
    district: str
    kg: float
    litres: float


@attrs.frozen
class Stop:
    """What one vehicle unloads at one place."""

    place: str
    parcels: tuple[str, ...]
    kg: float
    litres: float


@attrs.frozen
class Trip:
    """One vehicle load on one leg."""

    leg: str  # "city->station" or "station->drop"
    district: str
    vehicle: str
    stops: tuple[Stop, ...]

    @property
    def kg(self) -> float:
        return round(sum(s.kg for s in self.stops), 3)

    @property
    def litres(self) -> float:
        return round(sum(s.litres for s in self.stops), 3)


@attrs.frozen
class LoadPlan(Bounded):
    """Trips for both legs, with lower bounds on the number of trips of each."""

    trips: tuple[Trip, ...]
    lower_bound: int

    def containers(self) -> Sized:
        return self.trips

    def manifest(self) -> dict[str, list[tuple[int, Stop]]]:
        """Per drop point (and transfer station): which trip brings which parcels."""
        found: dict[str, list[tuple[int, Stop]]] = {}
        for number, trip in enumerate(self.trips, start=1):
            for stop in trip.stops:
                found.setdefault(stop.place, []).append((number, stop))
        return found


def _pack(
    chunks: Sequence[Sequence[Parcel]], vehicle: Vehicle, deadline: float
) -> tuple[list[list[int]], int]:
    c1, c2 = grams_down(vehicle.max_kg), grams_down(vehicle.max_litres)
    w1 = tuple(sum(grams(p.kg) for p in chunk) for chunk in chunks)
    w2 = tuple(sum(grams(p.litres) for p in chunk) for chunk in chunks)
    g1 = math.gcd(c1, *w1)
    g2 = math.gcd(c2, *w2)
    inst = Instance(tuple(a // g1 for a in w1), tuple(b // g2 for b in w2), c1 // g1, c2 // g2)
    solution = solve(inst, max(0.0, deadline - time.perf_counter()), 0, deadline)
    return solution.bins, solution.lower_bound


def _chunks(parcels: Sequence[Parcel], vehicle: Vehicle) -> list[list[Parcel]]:
    """A community's parcels as one chunk, or full vehicle-loads and a remainder."""
    c1, c2 = grams_down(vehicle.max_kg), grams_down(vehicle.max_litres)
    chunks: list[list[Parcel]] = []
    current: list[Parcel] = []
    k = v = 0
    for parcel in sorted(parcels, key=lambda p: (-p.kg, p.id)):
        a, b = grams(parcel.kg), grams(parcel.litres)
        if a > c1 or b > c2:
            raise ValueError(f"parcel {parcel.id!r} does not fit vehicle {vehicle.name!r}")
        if k + a > c1 or v + b > c2:
            chunks.append(current)
            current, k, v = [], 0, 0
        current.append(parcel)
        k += a
        v += b
    if current:
        chunks.append(current)
    return chunks


def _stop(place: str, parcels: Sequence[Parcel]) -> Stop:
    return Stop(
        place,
        tuple(p.id for p in parcels),
        round(sum(p.kg for p in parcels), 3),
        round(sum(p.litres for p in parcels), 3),
    )


def plan_loads(
    parcels: Sequence[Parcel],
    trunk: Vehicle,
    van: Vehicle,
    stations: Mapping[str, str] | None = None,
    drop_points: Mapping[str, str] | None = None,
    time_limit: float = 2.0,
) -> LoadPlan:
    """Trips city -> each district's station (``trunk``) and station -> drop points (``van``).

    ``stations`` names each district's transfer station and ``drop_points`` each community's
    drop point (default: the district and community codes).
    """
    deadline = time.perf_counter() + time_limit
    stations = stations or {}
    drop_points = drop_points or {}
    trips: list[Trip] = []
    lower = 0
    by_district: dict[str, list[Parcel]] = {}
    for parcel in parcels:
        by_district.setdefault(parcel.district, []).append(parcel)
    for district, group in sorted(by_district.items()):
        station = stations.get(district, district)
        # leg 1: every parcel of the district, as single items
        single = [[p] for p in sorted(group, key=lambda p: p.id)]
        bins, bound = _pack(single, trunk, deadline)
        lower += bound
        for b in bins:
            load = [single[i][0] for i in b]
            trips.append(Trip("city->station", district, trunk.name, (_stop(station, load),)))
        # leg 2: communities kept together where they fit a van
        chunks: list[list[Parcel]] = []
        by_community: dict[str, list[Parcel]] = {}
        for parcel in group:
            by_community.setdefault(parcel.community, []).append(parcel)
        for _community, mine in sorted(by_community.items()):
            chunks.extend(_chunks(mine, van))
        bins, _bound = _pack(chunks, van, deadline)
        _bins, bound = _pack([[p] for p in group], van, deadline)
        lower += bound
        for b in bins:
            stops: dict[str, list[Parcel]] = {}
            for i in b:
                for parcel in chunks[i]:
                    place = drop_points.get(parcel.community, parcel.community)
                    stops.setdefault(place, []).append(parcel)
            trips.append(
                Trip(
                    "station->drop",
                    district,
                    van.name,
                    tuple(_stop(place, ps) for place, ps in sorted(stops.items())),
                )
            )
    return LoadPlan(tuple(trips), lower)


def couriers_needed(households: int, per_courier: int = 10) -> int:
    """Last-mile delivery staff: one person per ``per_courier`` households, rounded up."""
    return -(-households // per_courier) if households > 0 else 0


@attrs.frozen
class Milestone:
    when: datetime
    what: str


def round_schedule(
    day_one: date,
    zone: tzinfo,
    round_days: int = 3,
    order_cutoff: str = "11:00",
    delivery_day: int = 3,
    delivery_from: str = "14:00",
) -> tuple[Milestone, ...]:
    """The milestones of one round (orders in by 11:00 on day 1, delivered day 3 afternoon)."""

    def at(day: int, hhmm: str) -> datetime:
        hours, minutes = (int(x) for x in hhmm.split(":"))
        when = datetime.combine(day_one + timedelta(days=day - 1), clock(hours, minutes))
        return when.replace(tzinfo=zone)

    return (
        Milestone(at(1, order_cutoff), "orders close; grid workers total them per community"),
        Milestone(at(1, "17:00"), "totals sent to the assigned supermarkets"),
        Milestone(at(2, "08:00"), "supermarkets pick and pack; boxes labelled"),
        Milestone(at(delivery_day, "08:00"), "trucks leave for the district transfer stations"),
        Milestone(at(delivery_day, delivery_from), "vans reach the community drop points"),
        Milestone(at(round_days, "20:00"), "round closed; next round's orders open"),
    )
