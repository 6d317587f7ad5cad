"""Hand-over manifests (交接清单) of a planned round: one per vehicle load and one per drop point.

A vehicle's manifest lists its stops with the boxes, kilograms and litres it leaves at each; a
drop point's manifest lists every box it receives (from the vans of the station -> drop point
leg), with the household's address, the payment reference and what the grid worker collects:
the order's amount when it is paid on delivery (货到付款), nothing when it is paid (已付) or
kept on account (代付记账). Its totals are what the drop point signs for.

Built from :func:`core.rounds.plan_round`'s output as it is: a parcel of the load plan is box
``number`` of order ``id``, named ``{id}-{number}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from core.packing.orders import HouseholdOrder, OrderPacking, Payment

if TYPE_CHECKING:
    from core.desk import Desk
    from core.rounds import RoundPlan

STATION_TO_DROP = "station->drop"


@attrs.frozen
class ManifestBox:
    """One box as a drop point receives it."""

    parcel: str
    order: str
    household: str
    community: str
    address: str
    box: int
    of: int
    payment: Payment
    payment_ref: str
    #: the whole order's amount, fen (the packed goods, after any ration cut)
    order_fen: int
    trip: int


@attrs.frozen
class DropManifest:
    """Every box one drop point (投放点) receives in the round."""

    place: str
    communities: tuple[str, ...]
    boxes: tuple[ManifestBox, ...]
    kg: float

    @property
    def orders(self) -> int:
        return len({box.order for box in self.boxes})

    @property
    def trips(self) -> tuple[int, ...]:
        return tuple(sorted({box.trip for box in self.boxes}))

    @property
    def due_fen(self) -> int:
        """What is collected at the door: each order paid on delivery, counted once."""
        amounts = {box.order: box.order_fen for box in self.boxes if box.payment == Payment.DUE}
        return sum(amounts.values())

    def payments(self, payment: Payment) -> int:
        """How many of the drop point's orders are paid ``payment``."""
        return len({box.order for box in self.boxes if box.payment == payment})


@attrs.frozen
class ManifestStop:
    """Where a vehicle stops and what it leaves there."""

    place: str
    boxes: int
    kg: float
    litres: float


@attrs.frozen
class VehicleManifest:
    """One vehicle load (车次): its leg, vehicle and stops."""

    number: int
    leg: str
    district: str
    vehicle: str
    stops: tuple[ManifestStop, ...]

    @property
    def boxes(self) -> int:
        return sum(stop.boxes for stop in self.stops)

    @property
    def kg(self) -> float:
        return round(sum(stop.kg for stop in self.stops), 3)

    @property
    def litres(self) -> float:
        return round(sum(stop.litres for stop in self.stops), 3)


def packed_fen(desk: Desk, packing: OrderPacking) -> int:
    """The amount of what was packed for an order, fen: every unit in its boxes at its price."""
    return sum(desk.catalogue[code].price_fen for box in packing.boxes for code in box.codes)


def vehicle_manifests(plan: RoundPlan) -> list[VehicleManifest]:
    """One manifest per vehicle load, numbered as the plan's trips are."""
    return [
        VehicleManifest(number, trip.leg, trip.district, trip.vehicle,
                        tuple(ManifestStop(stop.place, len(stop.parcels), stop.kg, stop.litres)
                              for stop in trip.stops))
        for number, trip in enumerate(plan.loads.trips, start=1)
    ]


def drop_manifests(desk: Desk, plan: RoundPlan) -> list[DropManifest]:
    """One manifest per drop point, in the order of their first van; boxes by address."""
    orders: dict[str, HouseholdOrder] = {order.id: order for order in plan.round.orders}
    boxes: dict[str, tuple[HouseholdOrder | None, OrderPacking, int]] = {}
    for packing in plan.packings:
        amount = packed_fen(desk, packing)
        for number, _box in enumerate(packing.boxes, start=1):
            boxes[f"{packing.order}-{number}"] = (orders.get(packing.order), packing, amount)
    found: dict[str, list[ManifestBox]] = {}
    weights: dict[str, float] = {}
    for trip_number, trip in enumerate(plan.loads.trips, start=1):
        if trip.leg != STATION_TO_DROP:
            continue
        for stop in trip.stops:
            weights[stop.place] = weights.get(stop.place, 0.0) + stop.kg
            listed = found.setdefault(stop.place, [])
            for parcel in stop.parcels:
                order, packing, amount = boxes[parcel]
                label = packing.boxes[int(parcel.rsplit("-", 1)[1]) - 1].label
                listed.append(ManifestBox(
                    parcel, packing.order, label.household, label.community, label.address,
                    label.box, label.of, order.payment if order else Payment.DUE,
                    label.payment_ref, amount, trip_number))
    return [
        DropManifest(place, tuple(sorted({box.community for box in listed})),
                     tuple(sorted(listed, key=lambda b: (b.community, _address_key(b.address),
                                                         b.order, b.box))),
                     round(weights[place], 3))
        for place, listed in found.items()
    ]


def _address_key(address: str) -> tuple[tuple[int, str], ...]:
    """``3栋10单元`` after ``3栋2单元``: digits compared as numbers."""
    parts: list[tuple[int, str]] = []
    number = ""
    for char in address:
        if char.isdigit():
            number += char
            continue
        if number:
            parts.append((int(number), ""))
            number = ""
        parts.append((-1, char))
    if number:
        parts.append((int(number), ""))
    return tuple(parts)


__all__ = ["DropManifest", "ManifestBox", "ManifestStop", "VehicleManifest", "drop_manifests",
           "packed_fen", "vehicle_manifests"]
