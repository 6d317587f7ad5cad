"""A round delivered to a community (送达): the IOUs of its pay-on-behalf orders (代付记账).

An order taken ``on_account`` names the grid worker who pays for the household (DOMAIN.md
section 7). Nothing is owed until the goods arrive, so the IOU is written when the delivery is:
the drop point's receipt (签收单, :class:`core.ledger.Receipt`) against the supermarket's invoice
for that community and round. :func:`record_delivery` looks for that receipt and writes one IOU
per on-account order of the community in the round, for the order's amount at the catalogue's
prices (as :func:`core.rounds.order_amount` and the round plan count it), dated when the goods
were received. An order whose IOU is already in the ledgers (same round and order) is not written
again, so running it twice, or after a colleague, adds nothing: the check and the write hold the
round's lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from core.ledger import Invoice, Iou, Receipt, draft
from core.ledger.files import Draft
from core.packing.orders import Payment
from core.problems import DeskError, Problem
from core.roundorders import find_round, round_lock
from core.rounds import order_amount, read_round
from core.storage.atomic import exclusive_lock
from core.storage.deskfiles import make_desk_directories

if TYPE_CHECKING:
    from core.desk import Desk


@attrs.frozen
class Delivery:
    """What :func:`record_delivery` found and wrote."""

    round: str
    community: str
    receipts: tuple[str, ...]  # the receipts that record the delivery
    written: tuple[str, ...]  # the IOUs written now (record ids)
    already: tuple[str, ...]  # orders whose IOU was in the ledgers already
    #: on-account orders that name no grid worker: no IOU until the round file says who paid
    unattributed: tuple[str, ...]


def record_delivery(desk: Desk, round_code: str, community: str, *,
                    operator: str | None = None) -> Delivery:
    """Write the IOUs of round ``round_code``'s on-account orders in ``community`` once the
    drop point's receipt is in the ledgers; :class:`DeskError` (nothing written) when the round,
    the community or the receipt is missing."""
    if community not in desk.communities:
        raise DeskError([Problem(desk.root / "communities.toml", None,
                                 f"unknown community {community!r}; nothing was written",
                                 "community")])
    path = find_round(desk, round_code)
    lock = round_lock(desk, round_code)
    make_desk_directories(desk.root, lock.parent, mode=desk.file_mode)
    with exclusive_lock(lock, mode=desk.file_mode):
        round_ = read_round(desk, path)
        invoices: dict[str, Invoice] = {}
        receipts: list[Receipt] = []
        reversed_ids: set[str] = set()
        owed: set[tuple[str, str]] = set()
        for record in desk.ledgers.records():
            if record.reverses:
                reversed_ids.add(record.reverses)
            if isinstance(record, Invoice) and record.round == round_.code \
                    and record.community == community:
                invoices[record.id] = record
            elif isinstance(record, Receipt):
                receipts.append(record)
            elif isinstance(record, Iou):
                owed.add((record.round, record.order))
        delivered = sorted((r for r in receipts if r.invoice in invoices and not r.reverses
                            and r.id not in reversed_ids and r.invoice not in reversed_ids),
                           key=lambda r: r.time)
        if not delivered:
            raise DeskError([Problem(
                desk.root / "ledgers", None,
                f"no receipt of round {round_.code} at {community}'s drop point in the ledgers: "
                "enter the drop point's receipt first; no IOU was written", "receipt")])
        receipt = delivered[0]
        supermarket = invoices[receipt.invoice].supermarket
        drafts: list[Draft] = []
        already: list[str] = []
        unattributed: list[str] = []
        for order in round_.orders:
            if order.community != community or order.payment is not Payment.ON_ACCOUNT:
                continue
            if (round_.code, order.id) in owed:
                already.append(order.id)
            elif not order.grid_worker:
                unattributed.append(order.id)
            else:
                drafts.append(draft(
                    Iou, time=receipt.time, household=order.household, community=community,
                    supermarket=supermarket, round=round_.code, order=order.id,
                    grid_worker=order.grid_worker, amount_fen=order_amount(desk, order),
                    note=f"delivered: receipt {receipt.id}"))
        written = desk.ledgers.append(drafts, operator=operator) if drafts else []
    return Delivery(round_.code, community, tuple(r.id for r in delivered),
                    tuple(r.id for r in written), tuple(already), tuple(unattributed))


__all__ = ["Delivery", "record_delivery"]
