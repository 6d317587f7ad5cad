"""The settlement run: a grid worker's open IOUs per household, printed, and settled."""

from __future__ import annotations

import csv
import io

from core import ledger as L
from core.ledger.settlerun import settlement_drafts, settlement_run
from tests.ledger.conftest import Book

WORKER = "grid.jinxiu.1"


def iou(book: Book, household: str, amount: int, hour: int = 9,
        worker: str = WORKER) -> L.Record:
    return book.one(L.Iou, time=book.at(hour=hour), household=household, community="jinxiu",
                    supermarket="hualian", round="r1116", order=f"o-{household}-{hour}",
                    grid_worker=worker, amount_fen=amount)


def test_open_ious_per_household_less_what_was_settled(book: Book) -> None:
    first = iou(book, "h0001", 5000)
    second = iou(book, "h0001", 2000, hour=10)
    third = iou(book, "h0002", 3000)
    paid = iou(book, "h0003", 1000)
    iou(book, "h0004", 700, worker="grid.jinxiu.2")
    book.one(L.Settlement, time=book.at(hour=12), ious=(first.id,), household="h0001",
             grid_worker=WORKER, amount_fen=1500)
    book.one(L.Settlement, time=book.at(hour=12), ious=(paid.id,), household="h0003",
             grid_worker=WORKER, amount_fen=1000)
    run = settlement_run(book.desk, WORKER, as_of=book.at(day_offset=2))
    assert [(i.household, i.id, i.amount_fen) for i in run.ious] == [
        ("h0001", first.id, 3500), ("h0001", second.id, 2000), ("h0002", third.id, 3000)]
    assert run.total_fen == 8500
    text = run.text("en")
    assert "subtotal" in text and "55.00" in text and "Total: 2 households, 3 IOUs, 85.00" in text
    rows = list(csv.reader(io.StringIO(run.csv("zh"))))
    assert rows[0][0] == "户号" and [r[2] for r in rows[1:]] == [first.id, second.id, third.id]


def test_settling_chosen_ious_closes_them(book: Book) -> None:
    first = iou(book, "h0001", 5000)
    second = iou(book, "h0001", 2000, hour=10)
    third = iou(book, "h0002", 3000)
    run = settlement_run(book.desk, WORKER, as_of=book.at(hour=13))
    drafts = settlement_drafts(run, {first.id, second.id}, time=book.at(hour=14), method="cash")
    assert [(d.fields["household"], d.fields["ious"], d.fields["amount_fen"]) for d in drafts] \
        == [("h0001", (first.id, second.id), 7000)]
    book.write(*drafts)
    after = settlement_run(book.desk, WORKER, as_of=book.at(hour=15))
    assert [i.id for i in after.ious] == [third.id]
    assert book.reconcile().money.settled == 7000
