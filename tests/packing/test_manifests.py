"""Manifests per vehicle load and per drop point: every box once, totals that add up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

import core
from core.demo import copy_demo_desk
from core.desk import Desk
from core.ledger import yuan
from core.levels import Level
from core.manifests import drop_manifests, packed_fen, vehicle_manifests
from core.packing.orders import Payment
from core.rounds import RoundPlan, order_amount, plan_round


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    desk = core.open_desk(copy_demo_desk(tmp_path_factory.mktemp("m") / "desk"))
    yield desk
    desk.cases.index.close()


@pytest.fixture(scope="module")
def plan(desk: Desk) -> RoundPlan:
    rounds, _problems = desk.rounds
    return plan_round(desk, rounds[0])


def test_every_box_reaches_exactly_one_drop_point(desk: Desk, plan: RoundPlan) -> None:
    drops = drop_manifests(desk, plan)
    listed = Counter(box.parcel for drop in drops for box in drop.boxes)
    assert sum(listed.values()) == plan.boxes == 147
    assert set(listed.values()) == {1}
    expected = {f"{p.order}-{n}" for p in plan.packings for n in range(1, p.count + 1)}
    assert set(listed) == expected
    # the drop points are the communities' own, each with the boxes of its communities
    by_place = {drop.place: drop for drop in drops}
    for drop in plan.drops:
        manifest = by_place[drop.drop_point]
        assert sum(1 for box in manifest.boxes
                   if box.community == desk.communities[drop.community].name) == drop.boxes


def test_what_each_drop_point_collects_is_the_orders_paid_on_delivery(
        desk: Desk, plan: RoundPlan) -> None:
    drops = drop_manifests(desk, plan)
    due = {order.id: order_amount(desk, order) for order in plan.round.orders
           if order.payment == Payment.DUE}
    collected = {box.order: box.order_fen for drop in drops for box in drop.boxes
                 if box.payment == Payment.DUE}
    assert collected == due and len(due) > 10
    assert sum(drop.due_fen for drop in drops) == sum(due.values())
    # a drop point's total is each due order once, however many boxes it has
    two_boxes = next(d for d in drops if any(b.of > 1 and b.payment == Payment.DUE
                                             for b in d.boxes))
    assert two_boxes.due_fen == sum({b.order: b.order_fen for b in two_boxes.boxes
                                     if b.payment == Payment.DUE}.values())
    assert two_boxes.due_fen < sum(b.order_fen for b in two_boxes.boxes
                                   if b.payment == Payment.DUE)
    # the label printed on the box says the same amount
    for packing in plan.packings:
        label = packing.boxes[0].label
        if packing.order in due:
            assert label.payment.endswith(f"¥{yuan(packed_fen(desk, packing))}")


def test_the_drop_points_paid_and_on_account_orders_are_counted(desk: Desk,
                                                                plan: RoundPlan) -> None:
    drops = drop_manifests(desk, plan)
    wanted = Counter(order.payment for order in plan.round.orders)
    for payment in Payment:
        assert sum(drop.payments(payment) for drop in drops) == wanted[payment] > 0
    assert sum(drop.orders for drop in drops) == len(plan.round.orders)


def test_vehicle_manifests_carry_every_box_on_both_legs(desk: Desk, plan: RoundPlan) -> None:
    vehicles = vehicle_manifests(plan)
    assert [v.number for v in vehicles] == list(range(1, len(plan.loads.trips) + 1))
    for leg in ("city->station", "station->drop"):
        assert sum(v.boxes for v in vehicles if v.leg == leg) == plan.boxes
    vans = [v for v in vehicles if v.leg == "station->drop"]
    drops = drop_manifests(desk, plan)
    assert round(sum(v.kg for v in vans), 3) == round(sum(d.kg for d in drops), 3)
    for vehicle in vehicles:
        assert vehicle.kg == round(sum(stop.kg for stop in vehicle.stops), 3) > 0


def test_a_rationed_round_charges_what_was_packed(desk: Desk) -> None:
    """Where orders are cut to the ration, the manifest collects the cut order's amount (the
    demo's packing.toml rations from level II)."""
    rounds, _problems = desk.rounds
    plan = plan_round(desk, rounds[0], levels={"hexi": Level.II})
    assert plan.cuts
    cut_orders = {cut.order for cut in plan.cuts}
    drops = drop_manifests(desk, plan)
    original = {order.id: order_amount(desk, order) for order in plan.round.orders}
    cheaper = [box for drop in drops for box in drop.boxes if box.order in cut_orders]
    assert cheaper and all(box.order_fen < original[box.order] for box in cheaper)
    packed = {p.order: packed_fen(desk, p) for p in plan.packings}
    assert all(box.order_fen == packed[box.order] for drop in drops for box in drop.boxes)

