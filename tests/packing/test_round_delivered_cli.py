"""``baogong round delivered ROUND COMMUNITY``: pay-on-behalf IOUs written on delivery."""

from __future__ import annotations

import json

import core
from core import ledger as L
from tests.conftest import Run
from tests.core.test_deliveries import _deliver, _on_account


def test_delivered_writes_the_ious_once_and_lists_orders_without_a_grid_worker(
        demo_desk: core.Desk, run: Run) -> None:
    desk = str(demo_desk.root)
    order = _on_account(demo_desk)
    status, _out, err = run("round", "delivered", "r1125", "jinxiu", "--desk", desk)
    assert status == 2 and "no receipt of round r1125 at jinxiu" in err
    _deliver(demo_desk)
    status, out, err = run("round", "delivered", "r1125", "jinxiu", "--desk", desk, "--json")
    found = json.loads(out)
    assert status == 1  # the demo round's hand-written on-account orders name no grid worker
    assert len(found["written"]) == 1 and found["already"] == []
    assert found["unattributed"] and all(o in err for o in found["unattributed"])
    [iou] = [r for r in demo_desk.ledgers.records() if isinstance(r, L.Iou)
             and r.round == "r1125"]
    assert iou.id == found["written"][0] and iou.order == order
    status, out, _err = run("round", "delivered", "r1125", "jinxiu", "--desk", desk)
    assert "IOUs written: 0" in out and f"already in the ledgers: {order}" in out


def test_delivered_needs_a_round_and_a_community(demo_desk: core.Desk, run: Run) -> None:
    desk = str(demo_desk.root)
    assert run("round", "delivered", "r1125", "--desk", desk)[0] == 2
    status, _out, err = run("round", "delivered", "r0101", "jinxiu", "--desk", desk)
    assert status == 2 and "no round r0101" in err
    status, _out, err = run("round", "r1125", "jinxiu", "--desk", desk)
    assert status == 2 and "unexpected jinxiu" in err
