"""A supermarket's invoice imported from CSV or XLSX: good files, bad rows (nothing written),
the same invoice again (nothing written), and the command."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import core
from core import ledger as L
from core.demo import demo_desk_path
from core.ledger.files import batch_paths
from core.ledger.invoiceimport import import_invoice
from core.problems import DeskError
from tests.conftest import Run
from tests.ledger.conftest import Book

GOOD_CSV = """\
社区,轮次,商品,数量,单价（元）,金额（元）,费用
锦绣社区,r1116,rice-5kg,10,32.90,329.00,
jinxiu,r1116,flour-5kg,4,27.90,,
yangguang,r1116,rice-5kg,2,32.90,65.80,
jinxiu,r1116,,,,5.00,配送费
合计,,,,,511.40,
"""


def write(tmp_path: Path, text: str, name: str = "invoice.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def batches(book: Book) -> list[Path]:
    return list(batch_paths(book.desk.root))


def test_a_good_csv_becomes_one_invoice_per_community(book: Book, tmp_path: Path) -> None:
    result = import_invoice(book.desk, write(tmp_path, GOOD_CSV), supermarket="hualian",
                            time=book.at(hour=15), operator="li-na")
    assert result.ok and not result.already and len(result.written) == 2
    [batch] = [L.Ledgers(book.desk).batches()][0]
    invoices = {r.community: r for r in batch.records}
    jinxiu, yangguang = invoices["jinxiu"], invoices["yangguang"]
    assert isinstance(jinxiu, L.Invoice) and isinstance(yangguang, L.Invoice)
    assert jinxiu.operator == "li-na" and jinxiu.supermarket == "hualian"
    assert jinxiu.lines == (L.InvoiceLine(item="rice-5kg", quantity=10, unit_price_fen=3290),
                            L.InvoiceLine(item="flour-5kg", quantity=4, unit_price_fen=2790))
    assert jinxiu.fees == (L.Fee(name="配送费", amount_fen=500),)
    assert yangguang.total_fen == 6580 and yangguang.round == "r1116"
    assert result.as_json()["lines"] == 3


def test_an_xlsx_with_english_headers(book: Book, tmp_path: Path) -> None:
    book_ = Workbook()
    sheet = book_.active
    sheet.title = "送货单"
    sheet.append(["Item", "Quantity", "Unit price (yuan)", "Amount"])
    sheet.append(["rice-5kg", 3, 32.9, 98.7])
    sheet.append([book.desk.catalogue["flour-5kg"].name, 1, "27.90", None])
    path = tmp_path / "invoice.xlsx"
    book_.save(path)
    result = import_invoice(book.desk, path, supermarket="yonghui", community="binhe",
                            round_="r1119", time=book.at())
    assert result.ok
    [invoice] = result.written
    assert isinstance(invoice, L.Invoice)
    assert [(x.item, x.quantity, x.unit_price_fen) for x in invoice.lines] == [
        ("rice-5kg", 3, 3290), ("flour-5kg", 1, 2790)]


def test_bad_rows_are_all_reported_and_nothing_is_written(book: Book, tmp_path: Path) -> None:
    text = GOOD_CSV.replace("jinxiu,r1116,flour-5kg,4,27.90", "jinxiu,r1116,flour-5kg,four,27.90")
    text = text.replace("yangguang,r1116,rice-5kg,2,32.90,65.80",
                        "nowhere,r1116,caviar,2,32.90,65.80")
    text += "jinxiu,r1116,rice-5kg,1,32.90,30.00,\n"
    source = write(tmp_path, text)
    result = import_invoice(book.desk, source, supermarket="hualian", time=book.at())
    assert not result.ok and not result.written
    rendered = [r.render() for r in result.rejected]
    assert rendered == [
        f"{source}:csv:3:数量/quantity: 'four' is not a whole number",
        f"{source}:csv:4:社区/community: no community 'nowhere' on this desk",
        f"{source}:csv:4:商品/item: no item 'caviar' in the catalogue",
        f"{source}:csv:7:金额/amount: 30.00 is not 1 x 32.90 = 32.90",
    ]
    assert batches(book) == []


def test_a_total_that_does_not_add_up_is_rejected(book: Book, tmp_path: Path) -> None:
    source = write(tmp_path, GOOD_CSV.replace("511.40", "470.00"))
    result = import_invoice(book.desk, source, supermarket="hualian", time=book.at())
    assert [(r.row, r.column) for r in result.rejected] == [(6, "金额/amount")]
    assert batches(book) == []


def test_the_same_invoice_again_writes_nothing(book: Book, tmp_path: Path) -> None:
    """Importing twice is a no-op: a script or an operator may run it again safely; a second,
    different invoice of the same round is still taken."""
    source = write(tmp_path, GOOD_CSV)
    first = import_invoice(book.desk, source, supermarket="hualian", time=book.at())
    again = import_invoice(book.desk, source, supermarket="hualian", time=book.at(hour=16))
    assert again.ok and again.written == ()
    assert sorted(again.already) == sorted((r.community, r.round, r.id) for r in first.written
                                           if isinstance(r, L.Invoice))
    assert len(batches(book)) == 1
    other = write(tmp_path, GOOD_CSV.replace("10,32.90,329.00", "11,32.90,361.90")
                  .replace("511.40", "544.30"), "second.csv")
    third = import_invoice(book.desk, other, supermarket="hualian", time=book.at(hour=17))
    assert [r.community for r in third.written if isinstance(r, L.Invoice)] == ["jinxiu"]
    assert [a[0] for a in third.already] == ["yangguang"]


def test_a_reversed_invoice_can_be_imported_again(book: Book, tmp_path: Path) -> None:
    source = write(tmp_path, GOOD_CSV)
    first = import_invoice(book.desk, source, supermarket="hualian", time=book.at())
    for record in first.written:
        L.Ledgers(book.desk).reverse(record, reason="wrong supermarket", time=book.at(hour=10),
                                     recorded=book.at(hour=10))
    again = import_invoice(book.desk, source, supermarket="hualian", time=book.at(hour=11))
    assert len(again.written) == 2 and again.already == ()


def test_a_dry_run_writes_nothing(book: Book, tmp_path: Path) -> None:
    result = import_invoice(book.desk, write(tmp_path, GOOD_CSV), supermarket="hualian",
                            time=book.at(), dry_run=True)
    assert result.ok and len(result.invoices) == 2 and result.written == ()
    assert batches(book) == []


def test_unusable_files(book: Book, tmp_path: Path) -> None:
    with pytest.raises(DeskError, match="no supermarket 'nope'"):
        import_invoice(book.desk, write(tmp_path, GOOD_CSV), supermarket="nope", time=book.at())
    with pytest.raises(DeskError, match="has no column 社区/community"):
        import_invoice(book.desk, write(tmp_path, "商品,数量,单价\nrice-5kg,1,3\n"),
                       supermarket="hualian", time=book.at())


def test_a_closed_period_is_refused(book: Book, tmp_path: Path) -> None:
    L.Ledgers(book.desk).close(book.at().date(), book.at().date(), signed_by="zhou.min",
                               signed=book.at(day_offset=1))
    with pytest.raises(L.PeriodClosedError, match="signed off"):
        import_invoice(book.desk, write(tmp_path, GOOD_CSV), supermarket="hualian",
                       time=book.at())
    assert batches(book) == []


def test_the_command(book: Book, tmp_path: Path, run: Run) -> None:
    source = write(tmp_path, GOOD_CSV)
    desk = str(book.desk.root)
    status, out, err = run("ledger", "import", "invoice", str(source), "--supermarket",
                           "hualian", "--desk", desk, "--json")
    assert status == 0, err
    shown = json.loads(out)
    assert shown["invoices"] == 2 and shown["lines"] == 3 and len(shown["written"]) == 2
    status, out, err = run("ledger", "import", "invoice", str(source), "--supermarket",
                           "hualian", "--desk", desk)
    assert status == 0 and out.count("already recorded as") == 2
    bad = write(tmp_path, GOOD_CSV.replace(",4,", ",x,"), "bad.csv")
    status, out, err = run("ledger", "import", "invoice", str(bad), "--supermarket", "hualian",
                           "--desk", desk)
    assert status == 1 and f"{bad}:csv:3:数量/quantity:" in err and "nothing was written" in err
    status, out, err = run("ledger", "import", "invoice", str(tmp_path / "missing.csv"),
                           "--supermarket", "hualian", "--desk", desk)
    assert status == 2 and "missing.csv" in err



def test_two_imports_at_once_write_the_invoice_once(book: Book, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The look for an invoice already recorded and the write are one step under the ledger
    lock: a colleague importing the same file a moment later waits, then finds it."""
    import core.ledger.invoiceimport as module

    looked = threading.Event()
    real = module._known

    def slow(book_: L.Ledgers, drafts: object) -> object:
        found = real(book_, drafts)  # type: ignore[arg-type]
        looked.set()
        time.sleep(0.5)  # the other import runs meanwhile
        return found

    monkeypatch.setattr(module, "_known", slow)
    source = write(tmp_path, GOOD_CSV)
    results: list[object] = []

    def one() -> None:
        results.append(import_invoice(book.desk, source, supermarket="hualian", time=book.at()))

    first = threading.Thread(target=one)
    first.start()
    assert looked.wait(10)
    second = threading.Thread(target=one)
    second.start()
    first.join(20)
    second.join(20)
    assert sorted(len(r.written) for r in results) == [0, 2]  # type: ignore[attr-defined]
    assert len(batches(book)) == 1


DEMO_ITEMS = ["rice-5kg", "rice-10kg", "flour-5kg", "noodles-1kg", "oil-soy-5l"]
HEADERS = {"zh": ["社区", "轮次", "商品", "数量", "单价（元）", "金额（元）"],
           "en": ["Community", "Round", "Item", "Quantity", "Unit price (yuan)", "Amount"]}
invoice_rows = st.lists(st.tuples(
    st.sampled_from(["jinxiu", "binhe", "xinhua"]), st.sampled_from(["r1116", "r1119"]),
    st.sampled_from(DEMO_ITEMS), st.integers(1, 5000), st.integers(0, 500_000),
    st.booleans()), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(rows=invoice_rows, language=st.sampled_from(["zh", "en"]))
def test_a_printed_invoice_reads_back(demo_desk: core.Desk,
                                      tmp_path_factory: pytest.TempPathFactory,
                                      rows: list[tuple[str, str, str, int, int, bool]],
                                      language: str) -> None:
    """Any invoice printed as a CSV the way a supermarket's system would reads back as the same
    invoices, one per community and round, lines in order."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(HEADERS[language])
    expected: dict[tuple[str, str], list[L.InvoiceLine]] = {}
    for community, round_, item, quantity, price, with_amount in rows:
        amount = f"{quantity * price / 100:.2f}" if with_amount else ""
        out.writerow([community, round_, item, quantity, f"{price / 100:.2f}", amount])
        expected.setdefault((community, round_), []).append(
            L.InvoiceLine(item=item, quantity=quantity, unit_price_fen=price))
    path = tmp_path_factory.mktemp("invoice") / "invoice.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = import_invoice(demo_desk, path, supermarket="hualian", time=DEMO_TIME, dry_run=True)
    assert result.ok, [r.render() for r in result.rejected]
    assert {(d.fields["community"], d.fields["round"]): list(d.fields["lines"])
            for d in result.invoices} == expected
    assert result.written == ()


DEMO_TIME = datetime(2026, 11, 16, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def demo_desk() -> core.Desk:
    return core.open_desk(demo_desk_path())
