"""Batch files: atomic creation, the fast and exact readers, located problems, corrections."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest

from core import ledger as L
from core.ledger.files import _read_exact, _read_fast, batch_paths, encode_batch, read_batch
from tests.ledger.conftest import Book, codes


def sample(book: Book) -> list[L.Record]:
    return book.write(
        L.draft(L.Collection, time=book.at(), household="h0001", community="jinxiu",
                supermarket="hualian", round="r1116", order="o-1", grid_worker="grid.jinxiu.1",
                amount_fen=3290, note='引号 "quoted" and a back\\slash'),
        L.draft(L.Invoice, time=book.at(2), supermarket="hualian", community="jinxiu",
                round="r1116", lines=(L.InvoiceLine(item="rice-5kg", quantity=1,
                                                    unit_price_fen=3290),),
                fees=(L.Fee(name="包装费 {x}, [y]", amount_fen=100),)),
        L.draft(L.Receipt, time=book.at(2, 16), invoice="20261116-0001-2", received_by="v",
                lines=(L.ReceiptLine(item="rice-5kg", quantity=0,
                                     difference=L.Difference.REFUSED),)),
        L.draft(L.Settlement, time=book.at(3), ious=("20261116-0001-1", "20261116-0001-9"),
                household="h0001", grid_worker="grid.jinxiu.1", amount_fen=1),
        L.draft(L.StockReceipt, time=book.at(), store="depot", item="mask-kn95-10",
                quantity=5, source=L.Source.DONATION, donor="红十字会", keeper="k"),
        L.draft(L.StockAdjust, time=book.at(), store="depot", item="mask-kn95-10",
                quantity=-2, cause=L.Cause.EXPIRED),
    )


def test_a_batch_is_read_back_equal_by_both_readers(book: Book) -> None:
    written = sample(book)
    (path,) = batch_paths(book.desk.root)
    assert path.relative_to(book.desk.root).parts[:4] == ("ledgers", "2026", "11", "19")
    text = path.read_text(encoding="utf-8")
    exact = _read_exact(path, text)
    assert exact.problems == ()
    assert exact.records == tuple(written)
    batch = read_batch(path)
    assert batch.records == tuple(written)
    assert batch.lines == exact.lines == (4, 5, 6, 7, 8, 9)
    # the record with an escaped string is not for the fast reader; the file still reads
    assert _read_fast(path, text) is None
    clean = [attrs.evolve(r, id=f"{path.stem}-{n}")
             for n, r in enumerate((r for r in written if "\\" not in r.note), start=1)]
    fast = _read_fast(path, encode_batch(path.stem, clean).decode())
    assert fast is not None and fast.records == tuple(clean)


def test_batches_take_the_next_free_name_and_ids_follow_it(book: Book) -> None:
    first = book.collection("h0001")
    second = book.collection("h0002")
    assert first.id.endswith("-0001-1") and second.id.endswith("-0002-1")
    # a name taken by someone else in between is skipped, never overwritten
    directory = next(batch_paths(book.desk.root)).parent
    taken = directory / f"{directory.parts[-3]}{directory.parts[-2]}{directory.parts[-1]}-0003.toml"
    taken.write_text("# someone else's\n", encoding="utf-8")
    third = book.collection("h0003")
    assert third.id.endswith("-0004-1")
    assert taken.read_text(encoding="utf-8") == "# someone else's\n"


def test_concurrent_writers_never_share_a_name(book: Book) -> None:
    results: list[L.Record] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        for k in range(5):
            record = book.collection(f"h{n:02d}{k:02d}", hour=9)
            with lock:
                results.append(record)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [r.id for r in results]
    assert len(set(ids)) == 20
    read = [r for p in batch_paths(book.desk.root) for r in read_batch(p).records]
    assert sorted(r.id for r in read) == sorted(ids)


def test_invalid_drafts_are_refused_before_writing(book: Book) -> None:
    with pytest.raises(ValueError, match=r"more than zero"):
        book.collection("h0001", amount=0)
    with pytest.raises(ValueError, match="donor"):
        book.one(L.StockReceipt, time=book.at(), store="depot", item="mask-kn95-10",
                 quantity=5, source=L.Source.DONATION, keeper="k")
    with pytest.raises(ValueError, match="reason"):
        book.one(L.StockAdjust, time=book.at(), store="depot", item="goggles", quantity=1,
                 cause=L.Cause.FOUND, reverses="20261116-0001-1")
    assert list(batch_paths(book.desk.root)) == []


HEAD = ('uid = "9a0b0c0d-0000-4000-8000-00000000000{n}", time = {time}, '
        'recorded = 2026-11-16T09:05:00+08:00, operator = "x", household = "h0001", '
        'community = "jinxiu", supermarket = "hualian", round = "r1", order = "o", '
        'grid_worker = "g"')
BAD = "\n".join([
    "# hand-edited",
    "schema_version = 1",
    "record = [",
    '  {kind = "collection", id = "20261116-0001-1", '
    + HEAD.format(n=1, time="2026-11-16T09:00:00+08:00") + ", amount_fen = 12},",
    '  {kind = "collection", id = "20261116-0001-2", '
    + HEAD.format(n=2, time="2026-11-16T09:00:00") + ', amount_fen = "12"},',
    '  {kind = "refund", id = "20261116-0001-3"},',
    '  {kind = "iou", id = "20261116-0001-9", '
    + HEAD.format(n=4, time="2026-11-16T09:00:00+08:00") + ', amount_fen = 5, colour = "red"},',
    "]",
    "",
])


def test_every_problem_is_reported_with_its_line(book: Book) -> None:
    path = book.desk.root / "ledgers" / "2026" / "11" / "16" / "20261116-0001.toml"
    path.parent.mkdir(parents=True)
    path.write_text(BAD, encoding="utf-8")
    batch = read_batch(path)
    assert [r.id for r in batch.records] == ["20261116-0001-1"]
    found = {(p.line, p.field): p.message for p in batch.problems}
    assert any(line == 5 and field.endswith(".time") and "offset" in message
               for (line, field), message in found.items())
    assert any(line == 5 and field.endswith(".amount_fen") for (line, field) in found)
    assert any(line == 6 and "unknown kind" in message for (line, _), message in found.items())
    assert any(line == 7 and field.endswith(".colour") for (line, field) in found)
    rendered = [p.render(book.desk.root) for p in batch.problems]
    assert all(r.startswith("ledgers/2026/11/16/20261116-0001.toml:") for r in rendered)


def test_syntax_errors_and_tables_form(book: Book) -> None:
    directory = book.desk.root / "ledgers" / "2026" / "11" / "16"
    directory.mkdir(parents=True)
    broken = directory / "20261116-0001.toml"
    broken.write_text('schema_version = 1\nrecord = [\n  {kind = "iou", \n]\n', encoding="utf-8")
    (problem,) = read_batch(broken).problems
    assert problem.line == 3 and "syntax" in problem.message
    tables = directory / "20261116-0002.toml"
    tables.write_text(
        'schema_version = 1\n\n[[record]]\nkind = "stock_count"\nid = "20261116-0002-1"\n'
        'uid = "9a0b0c0d-0000-4000-8000-000000000001"\ntime = 2026-11-16T19:00:00+08:00\n'
        'recorded = 2026-11-16T19:00:00+08:00\noperator = "k"\nstore = "depot"\n'
        'item = "goggles"\nquantity = -1\ncounted_by = "k"\n', encoding="utf-8")
    (problem,) = read_batch(tables).problems
    assert problem.line == 12 and problem.field == "record[0].quantity"


def test_reversal_restores_and_is_checked(book: Book) -> None:
    original = book.collection("h0001", amount=5000)
    before = book.reconcile()
    book.ledgers.reverse(original, reason="录错了", time=book.at(1), operator="grid.jinxiu.1")
    after = book.reconcile()
    assert after.money.collected == 0 and after.open_items == ()
    assert before.money.collected == 5000
    # a second reversal of the same record has no effect and is an error
    book.ledgers.reverse(original, reason="again", time=book.at(1))
    assert codes(book.reconcile())["double_reversal"] == 1


def test_a_reversal_must_mirror_its_record(book: Book) -> None:
    original = book.collection("h0001", amount=5000)
    book.one(L.Collection, time=book.at(1), household="h0001", community="jinxiu",
             supermarket="hualian", round="r1116", order="other", grid_worker="grid.jinxiu.1",
             amount_fen=4000, reverses=original.id, reason="typo")
    book.one(L.Iou, time=book.at(1), household="h0001", community="jinxiu",
             supermarket="hualian", round="r1116", order="o", grid_worker="grid.jinxiu.1",
             amount_fen=4000, reverses="20261101-0001-1", reason="nothing there")
    result = book.reconcile()
    assert codes(result)["reversal_mismatch"] == 1
    assert codes(result)["reversal_unknown"] == 1
    mismatch = next(f for f in result.findings if f.code == "reversal_mismatch")
    assert "order" in mismatch.message("en") and "amount_fen" in mismatch.message("en")


def test_stock_reversal_restores_the_balance(book: Book) -> None:
    receipt = book.one(L.StockReceipt, time=book.at(), store="depot", item="goggles",
                       quantity=7, source=L.Source.PURCHASE, keeper="k")
    book.ledgers.reverse(receipt, reason="送错仓库", time=book.at(1))
    lines = book.reconcile().stock
    assert [(s.day.day, s.closing) for s in lines] == [(16, 7), (17, 0)]


def test_closed_period(book: Book, desk_dir: Path) -> None:
    book.collection("h0001", amount=1000)
    close = book.ledgers.close(date(2026, 11, 16), date(2026, 11, 18), signed_by="zhou.min",
                               signed=book.at(3, 9))
    assert close.name == "2026-11-16--2026-11-18"
    with pytest.raises(FileExistsError):
        book.ledgers.close(date(2026, 11, 16), date(2026, 11, 18), signed_by="sun.hao",
                           signed=book.at(3, 10))
    with pytest.raises(PermissionError):
        book.ledgers.close(date(2026, 11, 19), date(2026, 11, 20), signed_by="grid.jinxiu.1")
    # after sign-off nothing more may be dated inside the period...
    with pytest.raises(L.PeriodClosedError):
        book.write(L.draft(L.Collection, time=book.at(1), household="h0002", community="jinxiu",
                           supermarket="hualian", round="r1116", order="late",
                           grid_worker="grid.jinxiu.1", amount_fen=100),
                   recorded=book.at(3, 12))
    # ...but a reversal dated in an open period is how a correction is made
    records = list(book.ledgers.records())
    book.ledgers.reverse(records[0], reason="退款", time=book.at(4), recorded=book.at(4))
    assert book.reconcile().findings == ()


def test_a_close_not_signed_by_a_supervisor_does_not_count(book: Book) -> None:
    from core.ledger.periods import close_period

    close_period(book.desk.root, date(2026, 11, 16), date(2026, 11, 18),
                 signed_by="intruder", supervisors=["intruder"], zone=book.zone,
                 signed=book.at(3))
    result = book.reconcile()
    assert codes(result) == {"unauthorised_close": 1}
    assert result.findings[0].path is not None and result.findings[0].line == 3
    book.collection("h0001", day=1)  # not refused: the close does not count
    assert book.ledgers.closes().closes == ()


def test_write_matches_is_stable(book: Book) -> None:
    book.collection("h0001", amount=3290)
    book.one(L.Invoice, time=book.at(2), supermarket="hualian", community="jinxiu",
             round="r1116",
             lines=(L.InvoiceLine(item="rice-5kg", quantity=1, unit_price_fen=3290),))
    result = book.reconcile(as_of=book.at(2, 1))
    (written,) = L.write_matches(result)
    assert written.name == f"{result.matches[0].id}.toml"
    assert L.write_matches(book.reconcile(as_of=book.at(2, 1))) == []
    # match files are not ledger batches
    assert all("matches" not in p.parts for p in batch_paths(book.desk.root))
    assert timedelta(0) == timedelta(0)
