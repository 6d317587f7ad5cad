"""Pay-on-behalf orders: the IOU is written once, when the drop point's receipt is in."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core import ledger as L
from core.deliveries import record_delivery
from core.packing.orders import OrderLine, Payment
from core.problems import DeskError
from core.roundorders import NewOrder, add_orders

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 25, 9, 30, tzinfo=ZONE)
DELIVERED = datetime(2026, 11, 27, 16, 45, tzinfo=ZONE)


def _ious(desk: core.Desk) -> list[L.Iou]:
    return [r for r in desk.ledgers.records() if isinstance(r, L.Iou) and r.round == "r1125"]


def _on_account(desk: core.Desk) -> str:
    """An on-account order of h0001 (jinxiu), paid by grid.jinxiu.2: rice x2, eggs x1."""
    added = add_orders(desk, "r1125", [NewOrder(
        "h0001", (OrderLine("rice-5kg", 2), OrderLine("eggs-30", 1)), T0, "case 20261125-0003",
        payment=Payment.ON_ACCOUNT, grid_worker="grid.jinxiu.2")])
    return added.added[0]


def _deliver(desk: core.Desk, community: str = "jinxiu") -> str:
    invoice = desk.ledgers.append([L.draft(
        L.Invoice, time=DELIVERED.replace(hour=12), supermarket="hualian", community=community,
        round="r1125", lines=(L.InvoiceLine(item="rice-5kg", quantity=2, unit_price_fen=4990),))],
        recorded=DELIVERED)[0]
    receipt = desk.ledgers.append([L.draft(
        L.Receipt, time=DELIVERED, invoice=invoice.id, received_by="volunteer.jinxiu",
        lines=(L.ReceiptLine(item="rice-5kg", quantity=2),))], recorded=DELIVERED)[0]
    return receipt.id


def _owed(desk: core.Desk, community: str = "jinxiu") -> list[str]:
    """The on-account orders of ``community`` in r1125 (the demo's and the test's)."""
    round_ = next(r for r in desk.rounds[0] if r.code == "r1125")
    return [o.id for o in round_.orders
            if o.community == community and o.payment is Payment.ON_ACCOUNT]


def test_the_iou_is_written_at_delivery_once(demo_desk: core.Desk) -> None:
    order = _on_account(demo_desk)
    with pytest.raises(DeskError, match="no receipt of round r1125 at jinxiu"):
        record_delivery(demo_desk, "r1125", "jinxiu")
    assert _ious(demo_desk) == []
    receipt = _deliver(demo_desk)
    done = record_delivery(demo_desk, "r1125", "jinxiu", operator="grid.jinxiu.2")
    assert done.receipts == (receipt,)
    ious = _ious(demo_desk)
    assert sorted(done.written) == sorted(i.id for i in ious)
    assert sorted(i.order for i in ious) == sorted(_owed(demo_desk))
    assert len(ious) >= 2  # the demo round's own on-account orders in jinxiu, and this one
    [iou] = [i for i in ious if i.order == order]
    catalogue = demo_desk.catalogue
    assert (iou.household, iou.community, iou.supermarket, iou.grid_worker, iou.amount_fen,
            iou.time, iou.operator) == (
        "h0001", "jinxiu", "hualian", "grid.jinxiu.2",
        2 * catalogue["rice-5kg"].price_fen + catalogue["eggs-30"].price_fen, DELIVERED,
        "grid.jinxiu.2")
    again = record_delivery(demo_desk, "r1125", "jinxiu")
    assert again.written == () and sorted(again.already) == sorted(_owed(demo_desk))
    assert len(_ious(demo_desk)) == len(ious)


def _without_grid_worker(desk: core.Desk) -> str:
    """An on-account order written by hand without saying who pays."""
    path = desk.root / "rounds" / "r1125.toml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write('\n[[order]]\nid = "r1125-0900"\nhousehold = "h0002"\n'
                     'payment = "on_account"\nlines = [{ code = "eggs-30", quantity = 1 }]\n')
    return "r1125-0900"


def test_only_that_communitys_on_account_orders_and_who_paid_is_needed(
        demo_desk: core.Desk) -> None:
    unpaid = _without_grid_worker(demo_desk)
    _deliver(demo_desk)
    done = record_delivery(demo_desk, "r1125", "jinxiu")
    assert done.unattributed == (unpaid,)
    assert sorted(i.order for i in _ious(demo_desk)) == sorted(
        o for o in _owed(demo_desk) if o != unpaid)
    assert all(i.community == "jinxiu" for i in _ious(demo_desk))
    with pytest.raises(DeskError, match="no receipt of round r1125 at binhe"):
        record_delivery(demo_desk, "r1125", "binhe")
    with pytest.raises(DeskError, match="unknown community 'nowhere'"):
        record_delivery(demo_desk, "r1125", "nowhere")


def test_a_reversed_receipt_is_no_delivery(demo_desk: core.Desk) -> None:
    _on_account(demo_desk)
    receipt_id = _deliver(demo_desk)
    receipt = next(r for r in demo_desk.ledgers.records() if r.id == receipt_id)
    demo_desk.ledgers.reverse(receipt, reason="entered for the wrong community", time=DELIVERED)
    with pytest.raises(DeskError, match="no receipt"):
        record_delivery(demo_desk, "r1125", "jinxiu")
    assert _ious(demo_desk) == []


def _record(desk_dir: str) -> tuple[str, ...]:
    return record_delivery(core.open_desk(desk_dir), "r1125", "jinxiu").written


def test_two_operators_recording_the_delivery_at_once_write_one_iou(
        demo_desk: core.Desk, demo_desk_dir: Path) -> None:
    _on_account(demo_desk)
    _deliver(demo_desk)
    with ProcessPoolExecutor(4) as pool:
        written = list(pool.map(_record, [str(demo_desk_dir)] * 4))
    owed = _owed(demo_desk)
    assert sum(len(w) for w in written) == len(owed)
    assert sorted(i.order for i in _ious(demo_desk)) == sorted(owed)
