"""Each supermarket's own price list (超市价目表): imported by supermarket and item given by code
or name, checked against the desk, and what ``check`` sees in the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import core
from core.check import check_desk
from core.desk import Desk
from core.deskload import IMPORTS_DIR
from core.registers import RegisterKind, import_register

HEADERS = "超市,商品编码,价格（元）\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_price_list_names_supermarkets_and_goods_by_code_or_name(
        demo_desk: Desk, tmp_path: Path) -> None:
    register = write(tmp_path / "prices.csv", HEADERS + (
        "永辉超市（滨河店）,rice-5kg,31.50\n"       # the supermarket by its Chinese name
        "yonghui,东北大米 10kg,59.90\n"            # the item by its name, price unchanged
        "Xinjiayi Neighbourhood Market,salt-400g,2.10\n"), "gb18030")
    result = import_register(demo_desk, RegisterKind.PRICE_LISTS, register)
    assert result.ok and result.written
    assert [c.key for c in result.updated] == ["yonghui/rice-5kg", "xinjiayi/salt-400g"]
    assert result.unchanged == 1
    desk = core.open_desk(demo_desk.root)
    assert desk.price_lists["yonghui"]["rice-5kg"] == 3150
    assert desk.price_lists["xinjiayi"]["salt-400g"] == 210
    assert desk.price_lists["hualian"]["rice-5kg"] == 3290  # other lines kept
    log = next((desk.root / IMPORTS_DIR).glob("*-pricelists.toml"))
    record = tomllib.loads(log.read_text(encoding="utf-8"))
    assert record["updated"][0] == {"key": "yonghui/rice-5kg", "fields": ["price_fen"]}


def test_a_price_list_naming_unknown_goods_or_supermarkets_writes_nothing(
        demo_desk: Desk, tmp_path: Path) -> None:
    before = (demo_desk.root / "pricelists.toml").read_bytes()
    register = write(tmp_path / "prices.csv", HEADERS + (
        "yonghui,rice-5kg,31.50\n"
        "沃尔玛,rice-5kg,30.00\n"
        "yonghui,caviar-50g,99.00\n"
        "yonghui,rice-10kg,3.333\n"
        "yonghui,rice-5kg,31.00\n"))
    result = import_register(demo_desk, RegisterKind.PRICE_LISTS, register)
    assert [(r.row, r.column) for r in result.rejected] == [
        (3, "超市"), (4, "商品编码"), (5, "价格（元）"), (6, "商品编码")]
    assert "沃尔玛" in result.rejected[0].message and "import supermarkets" in \
        result.rejected[0].message
    assert "also on row 2" in result.rejected[3].message
    assert not result.written
    assert (demo_desk.root / "pricelists.toml").read_bytes() == before


def test_check_reports_a_price_of_an_item_the_catalogue_does_not_have(
        demo_desk_dir: Path) -> None:
    path = demo_desk_dir / "pricelists.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('item = "soap"', 'item = "soap-bar"', 1), encoding="utf-8")
    messages = [p.render(demo_desk_dir) for p in check_desk(demo_desk_dir).problems]
    assert any("pricelists.toml" in m and "unknown catalogue item 'soap-bar'" in m
               for m in messages), messages


def test_a_supermarket_pricing_an_item_twice_is_a_problem(demo_desk_dir: Path) -> None:
    path = demo_desk_dir / "pricelists.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('item = "toothpaste", price_fen = 990',
                                 'item = "soap", price_fen = 1', 1), encoding="utf-8")
    desk = core.open_desk(demo_desk_dir)
    assert any("hualian prices 'soap' twice" in p.message for p in desk.problems)
    assert desk.price_lists["hualian"]["soap"] == 450  # the first line counts
