"""Entering records by hand: a draft checked field by field, typed lines read and written back,
the day's records."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import ledger as L
from core.ledger.entry import (
    EntryError,
    amount_fen,
    check_draft,
    format_fees,
    format_invoice_lines,
    format_receipt_lines,
    parse_fees,
    parse_invoice_lines,
    parse_receipt_lines,
    quantity,
    written_on,
)
from tests.ledger.conftest import DAY, Book

CATALOGUE_CODES = ["rice-5kg", "rice-10kg", "flour-5kg", "noodles-1kg", "oil-soy-5l"]


def collection(book: Book, **extra: object) -> L.Draft:
    fields = dict(time=book.at(), household="h0001", community="jinxiu", supermarket="hualian",
                  round="r1116", order="o-1", grid_worker="grid.jinxiu.1", amount_fen=3290)
    fields.update(extra)
    return L.draft(L.Collection, **fields)


def test_a_good_draft_passes(book: Book) -> None:
    assert check_draft(collection(book), operator="tester") == []


@pytest.mark.parametrize(("extra", "field", "words"), [
    ({"amount_fen": 0}, "amount_fen", "more than zero"),
    ({"household": "Not A Code"}, "household", "not a valid code"),
    ({"grid_worker": " "}, "grid_worker", ""),
])
def test_a_refused_field_is_named(book: Book, extra: dict[str, object], field: str,
                                  words: str) -> None:
    [error] = check_draft(collection(book, **extra), operator="tester")
    assert error.field == field and words in error.message


def test_a_rule_over_fields_names_no_field(book: Book) -> None:
    donation = L.draft(L.StockReceipt, time=book.at(), store="depot", item="rice-5kg",
                       quantity=3, source=L.Source.DONATION, keeper="liu")
    [error] = check_draft(donation, operator="tester")
    assert error.field == "" and "donor" in error.message


def test_amounts_and_quantities() -> None:
    assert amount_fen("32.9") == 3290 and amount_fen("1,200") == 120000
    assert quantity("-3", signed=True) == -3
    for bad in ("", "abc", "1.234", "-1"):
        with pytest.raises(ValueError):
            amount_fen(bad)
    with pytest.raises(ValueError):
        quantity("-3")
    with pytest.raises(ValueError):
        quantity("2.5")


def test_bad_lines_are_all_named(book: Book) -> None:
    with pytest.raises(EntryError) as caught:
        parse_invoice_lines("rice-5kg 2 32.90\nnothing-here 1 1\n\nrice-5kg two 1\n",
                            book.desk.catalogue)
    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "lines"), (4, "lines")]
    assert "no item 'nothing-here'" in caught.value.errors[0].message


def test_items_by_name(book: Book) -> None:
    rice = book.desk.catalogue["rice-5kg"]
    for name in (rice.name, rice.name_en):
        [line] = parse_invoice_lines(f"{name} 1 32.90", book.desk.catalogue)
        assert line.item == "rice-5kg"


invoice_lines = st.lists(st.builds(
    L.InvoiceLine, item=st.sampled_from(CATALOGUE_CODES), quantity=st.integers(1, 10_000),
    unit_price_fen=st.integers(0, 10_000_000)), min_size=1, max_size=8)
receipt_lines = st.lists(st.builds(
    L.ReceiptLine, item=st.sampled_from(CATALOGUE_CODES), quantity=st.integers(0, 10_000),
    difference=st.none() | st.sampled_from(list(L.Difference)),
    substitute=st.just("")), min_size=1, max_size=8)
fees = st.lists(st.builds(L.Fee, name=st.sampled_from(["配送费", "packing fee", "服务 费"]),
                          amount_fen=st.integers(1, 100_000)), max_size=3)


@given(invoice_lines)
def test_invoice_lines_read_back(desk_catalogue: dict[str, object],
                                 lines: list[L.InvoiceLine]) -> None:
    assert parse_invoice_lines(format_invoice_lines(lines), desk_catalogue) == tuple(lines)


@given(receipt_lines)
def test_receipt_lines_read_back(desk_catalogue: dict[str, object],
                                 lines: list[L.ReceiptLine]) -> None:
    assert parse_receipt_lines(format_receipt_lines(lines), desk_catalogue) == tuple(lines)


@given(fees)
def test_fees_read_back(items: list[L.Fee]) -> None:
    assert parse_fees(format_fees(items)) == tuple(items)


@pytest.fixture(scope="module")
def desk_catalogue() -> dict[str, object]:
    import core
    from core.demo import demo_desk_path

    return dict(core.open_desk(demo_desk_path()).catalogue)


def test_written_on_lists_the_day_newest_first(book: Book) -> None:
    first = book.collection(hour=9)
    second = book.collection(hour=10, household="h0002")
    book.one(L.Iou, time=book.at(), household="h0003", community="jinxiu",
             supermarket="hualian", round="r1116", order="o-3", grid_worker="grid.jinxiu.1",
             amount_fen=100)
    book.collection(day=1)
    assert [r.id for r in written_on(book.desk.root, DAY, L.Collection)] == [second.id, first.id]
    assert len(written_on(book.desk.root, DAY)) == 3
