"""The seed scenarios, each on its own desk: every finding is reported exactly once."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import core
from core import ledger as L
from core.demo import demo_desk_path
from tests.ledger.conftest import Book, codes


def group_round(book: Book, *, rice_price: int = 3290, received_rice: int = 3,
                difference: L.Difference | None = None) -> tuple[L.Record, L.Record]:
    """Seed: a round of group buying (社区团购): three households, one invoice, one receipt."""
    for household in ("h0001", "h0002", "h0003"):
        book.collection(household, amount=rice_price)
    invoice = book.one(L.Invoice, time=book.at(2, 12), supermarket="hualian", community="jinxiu",
                       round="r1116", lines=(L.InvoiceLine(item="rice-5kg", quantity=3,
                                                           unit_price_fen=rice_price),))
    receipt = book.one(L.Receipt, time=book.at(2, 16), invoice=invoice.id,
                       received_by="volunteer.jinxiu",
                       lines=(L.ReceiptLine(item="rice-5kg", quantity=received_rice,
                                            difference=difference),))
    return invoice, receipt


def test_a_round_that_balances_has_no_findings_and_one_match(book: Book) -> None:
    invoice, receipt = group_round(book)
    result = book.reconcile()
    assert result.findings == ()
    assert result.balanced
    (match,) = result.matches
    assert match.id == f"M-{invoice.id}"
    assert receipt.id in match.members and len(match.members) == 5
    assert result.money.collected == result.money.matched == 3 * 3290


def test_short_delivery_is_reported_once(book: Book) -> None:
    _invoice, receipt = group_round(book, received_rice=2, difference=L.Difference.SHORT)
    result = book.reconcile()
    assert codes(result) == Counter({"short_delivery": 1})
    (found,) = result.findings
    assert found.record == receipt.id
    assert found.amount_fen == 3290
    assert found.path is not None and found.path.name.endswith(".toml") and found.line == 4
    assert "hualian" in found.action("en")


def test_difference_without_a_reason_is_an_error(book: Book) -> None:
    group_round(book, received_rice=2)
    assert codes(book.reconcile()) == Counter({"unexplained_difference": 1})


def test_elderly_residents_iou_settled_in_two_parts(book: Book) -> None:
    """Seed: 代为付款并做好台账, 解封后统一结算 — paid back in two parts, nothing left open."""
    iou = book.one(L.Iou, time=book.at(0, 10), household="h0009", community="jinxiu",
                   supermarket="hualian", round="r1116", order="o-h0009",
                   grid_worker="grid.jinxiu.1", amount_fen=8630)
    first = book.one(L.Settlement, time=book.at(10, 18), ious=(iou.id,), household="h0009",
                     grid_worker="grid.jinxiu.1", amount_fen=5000, payer="女儿")
    before = book.reconcile()
    assert before.money.ious_open == 3630
    assert [o.kind for o in before.open_items] == ["iou"]
    second = book.one(L.Settlement, time=book.at(12, 9), ious=(iou.id,), household="h0009",
                      grid_worker="grid.jinxiu.1", amount_fen=3630, payer="本人")
    result = book.reconcile()
    iou_matches = [m for m in result.matches if m.kind == "iou"]
    assert len(iou_matches) == 1
    assert iou_matches[0].id == f"M-{iou.id}"
    assert set(iou_matches[0].members) == {iou.id, first.id, second.id}
    assert iou_matches[0].balanced
    assert result.money.ious == result.money.settled == 8630
    assert not [o for o in result.open_items if o.kind == "iou"]
    assert "over_settled" not in codes(result)


def test_one_settlement_closing_several_ious(book: Book) -> None:
    ious = [book.one(L.Iou, time=book.at(day), household="h0009", community="jinxiu",
                     supermarket="hualian", round=f"r{day}", order=f"o{day}",
                     grid_worker="grid.jinxiu.1", amount_fen=1000 * (day + 1))
            for day in (0, 3)]
    book.one(L.Settlement, time=book.at(9), ious=tuple(i.id for i in ious), household="h0009",
             grid_worker="grid.jinxiu.1", amount_fen=5000)
    result = book.reconcile()
    (match,) = [m for m in result.matches if m.kind == "iou"]
    assert match.balanced and match.settled_fen == 5000 and len(match.members) == 3


def test_over_settlement_is_an_error(book: Book) -> None:
    iou = book.one(L.Iou, time=book.at(), household="h0009", community="jinxiu",
                   supermarket="hualian", round="r1116", order="o1",
                   grid_worker="grid.jinxiu.1", amount_fen=1000)
    book.one(L.Settlement, time=book.at(5), ious=(iou.id,), household="h0009",
             grid_worker="grid.jinxiu.1", amount_fen=1200)
    result = book.reconcile()
    assert codes(result)["over_settled"] == 1
    (over,) = [f for f in result.findings if f.code == "over_settled"]
    assert over.amount_fen == 1200 and "2.00" in over.message("en")


def test_markup_of_half_a_yuan_on_one_line(book: Book) -> None:
    """Seed: 不得收取服务费或加价配送 — 0.50 yuan over the listed price on one line."""
    invoice, _receipt = group_round(book, rice_price=3290 + 50)
    result = book.reconcile()
    assert codes(result) == Counter({"markup": 1})
    (found,) = result.findings
    assert found.record == invoice.id and found.amount_fen == 150 and found.item == "rice-5kg"
    assert "0.50" in found.message("zh") and "0.50" in found.message("en")
    assert result.money.markup == 150


def test_any_fee_is_reported(book: Book) -> None:
    book.collection("h0001", amount=3290 + 300)
    invoice = book.one(L.Invoice, time=book.at(2), supermarket="hualian", community="jinxiu",
                       round="r1116",
                       lines=(L.InvoiceLine(item="rice-5kg", quantity=1, unit_price_fen=3290),),
                       fees=(L.Fee(name="配送费", amount_fen=300),))
    book.one(L.Receipt, time=book.at(2, 16), invoice=invoice.id, received_by="v",
             lines=(L.ReceiptLine(item="rice-5kg", quantity=1),))
    result = book.reconcile()
    assert codes(result) == Counter({"fee": 1})
    assert result.money.fees == 300


def stock_opening(book: Book) -> None:
    book.write(
        L.draft(L.StockReceipt, time=book.at(0, 8), store="depot", item="mask-kn95-10",
                quantity=200, source=L.Source.DONATION, donor="市红十字会", keeper="keeper"),
        L.draft(L.StockReceipt, time=book.at(0, 8), store="depot", item="ir-thermometer",
                quantity=10, source=L.Source.PURCHASE, keeper="keeper"))


def test_donated_masks_issued_without_an_approved_request(book: Book) -> None:
    """Seed: 不得挤占、挪用和擅自分配防控物资 — an issue on a request nobody approved."""
    stock_opening(book)
    request = book.one(L.SupplyRequest, time=book.at(0, 10), unit="某物业公司", head="经理",
                       lines=(L.RequestLine(item="mask-kn95-10", quantity=50),))
    issue = book.one(L.StockIssue, time=book.at(0, 15), store="depot", item="mask-kn95-10",
                     quantity=50, request=request.id, unit="某物业公司", signed_by="赵强")
    result = book.reconcile()
    assert codes(result) == Counter({"diversion": 1})
    assert result.findings[0].record == issue.id
    # once approved, the same issue is fine
    book.one(L.Approval, time=book.at(0, 14), request=request.id, approved_by="zhou.min")
    assert book.reconcile().findings == ()


def test_issue_with_no_request_rejected_or_unsigned(book: Book) -> None:
    stock_opening(book)
    rejected = book.one(L.SupplyRequest, time=book.at(0, 10), unit="甲", head="甲主任",
                        lines=(L.RequestLine(item="mask-kn95-10", quantity=5),))
    book.one(L.Approval, time=book.at(0, 11), request=rejected.id, approved_by="zhou.min",
             decision=L.Decision.REJECTED)
    unsigned = book.one(L.SupplyRequest, time=book.at(0, 10), unit="乙",
                        lines=(L.RequestLine(item="mask-kn95-10", quantity=5),))
    book.one(L.Approval, time=book.at(0, 11), request=unsigned.id, approved_by="zhou.min")
    for request in ("", rejected.id, unsigned.id, unsigned.id):
        book.one(L.StockIssue, time=book.at(0, 15), store="depot", item="mask-kn95-10",
                 quantity=5, request=request, unit="x", signed_by="y")
    assert codes(book.reconcile()) == Counter({"diversion": 2, "unsigned_request": 1})


def test_over_issue_against_an_approved_request(book: Book) -> None:
    stock_opening(book)
    request = book.one(L.SupplyRequest, time=book.at(0, 10), unit="甲", head="甲主任",
                       lines=(L.RequestLine(item="mask-kn95-10", quantity=5),))
    book.one(L.Approval, time=book.at(0, 11), request=request.id, approved_by="zhou.min")
    for _ in range(3):
        book.one(L.StockIssue, time=book.at(0, 15), store="depot", item="mask-kn95-10",
                 quantity=2, request=request.id, unit="甲", signed_by="y")
    assert codes(book.reconcile()) == Counter({"over_issue": 1})


def test_latest_decision_in_one_second_is_the_later_place_in_its_batch(book: Book) -> None:
    """Ten decisions written together: the tenth (``...-10``) is the latest, not the ninth."""
    stock_opening(book)
    request = book.one(L.SupplyRequest, time=book.at(0, 10), unit="甲", head="甲主任",
                       lines=(L.RequestLine(item="mask-kn95-10", quantity=5),))
    decisions = [L.Decision.REJECTED] * 9 + [L.Decision.APPROVED]
    written = book.write(*(L.draft(L.Approval, time=book.at(0, 11), request=request.id,
                                   approved_by="zhou.min", decision=d) for d in decisions))
    assert written[-1].id.endswith("-10")
    book.one(L.StockIssue, time=book.at(0, 15), store="depot", item="mask-kn95-10",
             quantity=5, request=request.id, unit="甲", signed_by="y")
    assert book.reconcile().findings == ()


def test_lost_thermometer(book: Book) -> None:
    """Seed: reusable items (体温计) are recovered; one that is lost is reported."""
    stock_opening(book)
    adjust = book.one(L.StockAdjust, time=book.at(1, 16), store="depot", item="ir-thermometer",
                      quantity=-1, cause=L.Cause.LOST)
    book.one(L.StockCount, time=book.at(1, 19), store="depot", item="ir-thermometer",
             quantity=9, counted_by="keeper")
    result = book.reconcile()
    assert codes(result) == Counter({"stock_loss": 1})
    assert result.findings[0].record == adjust.id
    closing = {(s.item, s.day.day): s.closing for s in result.stock}
    assert closing[("ir-thermometer", 17)] == 9


def test_count_that_disagrees_is_an_error_and_not_padded(book: Book) -> None:
    stock_opening(book)
    count = book.one(L.StockCount, time=book.at(1, 19), store="depot", item="ir-thermometer",
                     quantity=8, counted_by="keeper")
    book.one(L.StockIssue, time=book.at(2, 9), store="depot", item="ir-thermometer",
             quantity=10, unit="x", signed_by="y")
    result = book.reconcile()
    assert codes(result) == Counter({"count_mismatch": 1, "diversion": 1})
    mismatch = next(f for f in result.findings if f.code == "count_mismatch")
    assert mismatch.record == count.id and "-2" in mismatch.message("en")
    # the books keep their own balance: 10 - 10 = 0 on the 18th, not 8 - 10
    last = [s for s in result.stock if s.item == "ir-thermometer"][-1]
    assert last.closing == 0


def test_negative_balance_is_an_error_once(book: Book) -> None:
    request = book.one(L.SupplyRequest, time=book.at(0, 8), unit="甲", head="甲主任",
                       lines=(L.RequestLine(item="goggles", quantity=10),))
    book.one(L.Approval, time=book.at(0, 9), request=request.id, approved_by="zhou.min")
    for day in (0, 1):
        book.one(L.StockIssue, time=book.at(day, 15), store="depot", item="goggles",
                 quantity=3, request=request.id, unit="甲", signed_by="y")
    assert codes(book.reconcile()) == Counter({"negative_stock": 1})


def test_suspected_duplicate_collection(book: Book) -> None:
    book.collection("h0001", amount=3290, hour=9)
    second = book.collection("h0001", amount=3290, hour=15)
    book.collection("h0001", amount=3290, day=1)  # another day: not a duplicate
    result = book.reconcile()
    assert codes(result) == Counter({"suspected_duplicate": 1})
    assert result.findings[0].record == second.id
    # reversing the duplicate clears it
    book.ledgers.reverse(second, reason="重复录入", time=book.at(2), operator="grid.jinxiu.1")
    assert codes(book.reconcile()) == Counter()


def test_collections_without_an_invoice_age_into_a_finding(book: Book) -> None:
    book.collection("h0001", amount=1000)
    fresh = book.reconcile(as_of=book.at(2))
    assert fresh.findings == ()
    assert [(o.kind, o.age_days) for o in fresh.open_items] == [("collection", 2)]
    assert fresh.money.open == 1000 and fresh.money.matched == 0
    late = book.reconcile(as_of=book.at(5))
    assert codes(late) == Counter({"not_invoiced": 1})


def test_collected_and_invoiced_disagree(book: Book) -> None:
    book.collection("h0001", amount=3290)
    invoice = book.one(L.Invoice, time=book.at(2), supermarket="hualian", community="jinxiu",
                       round="r1116",
                       lines=(L.InvoiceLine(item="rice-5kg", quantity=2, unit_price_fen=3290),))
    book.one(L.Receipt, time=book.at(2, 16), invoice=invoice.id, received_by="v",
             lines=(L.ReceiptLine(item="rice-5kg", quantity=2),))
    result = book.reconcile()
    assert codes(result) == Counter({"collected_invoiced_mismatch": 1})
    assert result.findings[0].amount_fen == 3290


def test_scope_and_period(book: Book) -> None:
    book.collection("h0001", amount=1000, fee_fen=100)
    book.one(L.Collection, time=book.at(3), household="h0075", community="chaoyang",
             supermarket="xinjiayi", round="r1119", order="o9", grid_worker="grid.chaoyang.1",
             amount_fen=2000, fee_fen=200)
    everything = book.reconcile(as_of=book.at(3, 12))
    assert codes(everything) == Counter({"fee": 2})
    jinxiu = book.reconcile(scope=L.Scope(community="jinxiu"), as_of=book.at(3, 12))
    assert [f.community for f in jinxiu.findings] == ["jinxiu"]
    assert jinxiu.money.collected == 1000
    worker = book.reconcile(scope=L.Scope(grid_worker="grid.chaoyang.1"), as_of=book.at(3, 12))
    assert [f.grid_worker for f in worker.findings] == ["grid.chaoyang.1"]
    shop = book.reconcile(scope=L.Scope(supermarket="xinjiayi"), as_of=book.at(3, 12))
    assert shop.money.collected == 2000
    later = book.reconcile(start=book.at(2).date(), end=book.at(6).date(), as_of=book.at(3, 12))
    assert later.money.collected == 2000 and codes(later) == Counter({"fee": 1})


def test_demo_desk_reports_the_seed_findings_once(tmp_path: Path) -> None:
    target = tmp_path / "desk"
    shutil.copytree(demo_desk_path(), target, ignore=shutil.ignore_patterns("cases"))
    result = L.Ledgers(core.open_desk(target)).reconcile()
    assert result.problems == ()
    assert codes(result) == Counter(
        {"short_delivery": 1, "markup": 1, "diversion": 1, "stock_loss": 1})
    markup = next(f for f in result.findings if f.code == "markup")
    assert markup.amount_fen == 50
    iou_matches = [m for m in result.matches if m.kind == "iou"]
    assert any(len([x for x in m.members]) == 3 and m.balanced for m in iou_matches)
    assert result.money.collected == result.money.matched + result.money.open
