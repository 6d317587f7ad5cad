"""Markups (不得加价) are measured against the supermarket's own list price; the catalogue's
price stands in only for an item the supermarket lists no price for, and the finding says so."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import core
from core import ledger as L
from core.registers import RegisterKind, import_register
from tests.ledger.conftest import Book, codes
from tests.ledger.test_scenarios import group_round

CATALOGUE_RICE = 3290  # rice-5kg in the demo catalogue


def priced(desk_dir: Path, tmp_path: Path, lines: str) -> Book:
    """The desk with hualian's price list changed by ``lines`` (CSV rows), through an import."""
    register = tmp_path / "prices.csv"
    register.write_text("超市,商品编码,价格（元）\n" + lines, encoding="utf-8")
    desk = core.open_desk(desk_dir)
    assert import_register(desk, RegisterKind.PRICE_LISTS, register).ok
    desk.cases.index.close()
    return Book(core.open_desk(desk_dir))


@pytest.fixture
def unlisted(desk_dir: Path) -> Iterator[Book]:
    """hualian's price list without rice-5kg."""
    path = desk_dir / "pricelists.toml"
    text = path.read_text(encoding="utf-8")
    line = '    { supermarket = "hualian", item = "rice-5kg", price_fen = 3290 },\n'
    assert line in text
    path.write_text(text.replace(line, "", 1), encoding="utf-8")
    yield Book(core.open_desk(desk_dir))


def test_charging_the_catalogue_price_above_the_supermarkets_own_is_a_markup(
        desk_dir: Path, tmp_path: Path) -> None:
    book = priced(desk_dir, tmp_path, "hualian,rice-5kg,31.00\n")
    invoice, _receipt = group_round(book, rice_price=CATALOGUE_RICE)
    result = book.reconcile()
    assert codes(result) == Counter({"markup": 1})
    (found,) = result.findings
    assert found.record == invoice.id and found.amount_fen == 3 * 190
    assert "above hualian's list price of 31.00 yuan" in found.message("en")
    assert "超市 hualian 价目表价 31.00" in found.message("zh")


def test_charging_a_supermarkets_own_price_above_the_catalogue_is_no_markup(
        desk_dir: Path, tmp_path: Path) -> None:
    book = priced(desk_dir, tmp_path, "hualian,rice-5kg,34.50\n")
    group_round(book, rice_price=3450)
    result = book.reconcile()
    assert "markup" not in codes(result)
    assert result.money.markup == 0


def test_an_item_the_supermarket_does_not_list_is_measured_against_the_catalogue(
        unlisted: Book) -> None:
    group_round(unlisted, rice_price=CATALOGUE_RICE + 50)
    result = unlisted.reconcile()
    (found,) = result.findings
    assert found.code == "markup" and found.amount_fen == 150
    assert "the catalogue price (hualian lists no price for it)" in found.message("en")
    assert "目录价 (超市 hualian 价目表未列此商品)" in found.message("zh")


def test_an_unlisted_item_at_the_catalogue_price_is_no_markup(unlisted: Book) -> None:
    group_round(unlisted, rice_price=CATALOGUE_RICE)
    assert unlisted.reconcile().findings == ()


def test_the_demo_lists_differ_from_the_catalogue_and_its_markup_is_still_the_one_found(
        ) -> None:
    from core.demo import demo_desk_path

    desk = core.open_desk(demo_desk_path())
    assert desk.price_lists["yonghui"]["beef-500g"] != desk.catalogue["beef-500g"].price_fen
    result = L.reconcile(desk)
    assert [(f.code, f.supermarket, f.item, f.amount_fen) for f in result.findings
            if f.code == "markup"] == [("markup", "yonghui", "pork-lean-500g", 50)]
