"""``baogong round delivered ROUND COMMUNITY``: pay-on-behalf IOUs written on delivery."""

from __future__ import annotations

import json

import core
from core import ledger as L
from tests.conftest import Run
from tests.core.test_deliveries import _deliver, _on_account, _owed, _without_grid_worker


def test_delivered_writes_the_ious_once(
        demo_desk: core.Desk, run: Run) -> None:
    desk = str(demo_desk.root)
    order = _on_account(demo_desk)
    status, _out, err = run("round", "delivered", "r1125", "jinxiu", "--desk", desk)
    assert status == 2 and "no receipt of round r1125 at jinxiu" in err
    _deliver(demo_desk)
    status, out, err = run("round", "delivered", "r1125", "jinxiu", "--desk", desk, "--json")
    found = json.loads(out)
    assert status == 0 and found["already"] == [] and found["unattributed"] == []
    ious = {r.id: r.order for r in demo_desk.ledgers.records()
            if isinstance(r, L.Iou) and r.round == "r1125"}
    assert sorted(ious) == sorted(found["written"])
    assert sorted(ious.values()) == sorted(_owed(demo_desk)) and order in ious.values()
    status, out, _err = run("round", "delivered", "r1125", "jinxiu", "--desk", desk)
    assert status == 0 and "IOUs written: 0" in out and order in out


def test_an_order_without_its_grid_worker_is_listed_and_exits_1(
        demo_desk: core.Desk, run: Run) -> None:
    unpaid = _without_grid_worker(demo_desk)
    _deliver(demo_desk)
    status, out, err = run("round", "delivered", "r1125", "jinxiu", "--desk",
                           str(demo_desk.root))
    assert status == 1 and f"{unpaid}: on account but names no grid worker" in err
    assert f"IOUs written: {len(_owed(demo_desk)) - 1} " in out


def test_delivered_needs_a_round_and_a_community(demo_desk: core.Desk, run: Run) -> None:
    desk = str(demo_desk.root)
    assert run("round", "delivered", "r1125", "--desk", desk)[0] == 2
    status, _out, err = run("round", "delivered", "r0101", "jinxiu", "--desk", desk)
    assert status == 2 and "no round r0101" in err
    status, _out, err = run("round", "r1125", "jinxiu", "--desk", desk)
    assert status == 2 and "unexpected jinxiu" in err
