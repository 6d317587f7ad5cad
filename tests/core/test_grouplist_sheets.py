"""Order sheets: the matching and error rules of 接龙 lines, rows numbered as the sheet shows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from core.grouplist import Matcher, read_group_list
from core.packing.orders import OrderLine
from core.problems import DeskError
from tests.core.test_grouplist import CATALOGUE, COMMUNITIES, HOUSEHOLDS


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(HOUSEHOLDS, COMMUNITIES, CATALOGUE)


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding=encoding)
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / "orders.xlsx"
    book.save(path)
    return path


def test_a_wide_xlsx_sheet_one_column_per_goods(matcher: Matcher, tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["订单表"], [], ["序号", "社区", "地址", "姓名", "大米5kg", "dami10kg",
                                           "香皂", "备注"],
                            [1, "锦绣社区", "3栋2单元401", "王秀英", 2, None, 1, "下午送"],
                            [2, "阳光花园", "3-2-401", "赵敏", None, 1, 0, None]])
    result = read_group_list(path, matcher)
    assert result.unreadable == () and result.lines == 2
    assert [(o.line, o.household, o.lines) for o in result.orders] == [
        (4, "h1", (OrderLine("rice-5kg", 2), OrderLine("soap", 1))),
        (5, "h3", (OrderLine("rice-10kg", 1),))]


def test_a_long_sheet_with_building_unit_room_and_merged_cells(matcher: Matcher,
                                                               tmp_path: Path) -> None:
    path = _csv(tmp_path, "Building,Unit,Room,Goods,Qty,Paid\n3,2,401,rice-5kg,2,已付\n"
                          ",,,香皂,,\n3,2,402,土豆,两,\n3,2,401,xiangzao,1,\n",
                encoding="gb18030")
    result = read_group_list(path, matcher, ["jinxiu"])
    assert result.unreadable == () and result.lines == 4
    assert [(o.line, o.household, o.lines, o.paid) for o in result.orders] == [
        (2, "h1", (OrderLine("rice-5kg", 2), OrderLine("soap", 2)), True),
        (4, "h2", (OrderLine("potato-2kg", 2),), False)]


def test_a_household_with_a_bad_row_is_not_taken(matcher: Matcher, tmp_path: Path) -> None:
    path = _csv(tmp_path, "姓名,商品,数量\n王秀英,香皂,1\n王秀英,猪肉,1\n张伟,土豆,1\n"
                          "钱多多,土豆,1\n,土豆,1\n")
    result = read_group_list(path, matcher, ["jinxiu"])
    assert [o.household for o in result.orders] == ["h2"]
    assert [(u.line, u.why.en) for u in result.unreadable] == [
        (2, "row 3 of this household cannot be read: none of it taken"),
        (3, 'unknown goods "猪肉"'),
        (5, "no resident 钱多多 in the register: give the address"),
        (6, "no address or name")]


def test_a_wide_sheet_names_a_column_that_is_not_goods(matcher: Matcher,
                                                       tmp_path: Path) -> None:
    path = _csv(tmp_path, "地址,香皂,大米,猪肉\n3-2-401,1,,\n")
    result = read_group_list(path, matcher, ["jinxiu"])
    assert [(u.line, u.text, u.why.en) for u in result.unreadable] == [
        (1, "大米", 'column 3 "大米": ambiguous goods'),
        (1, "猪肉", 'column 4 "猪肉": neither goods nor a known column')]
    assert [o.lines for o in result.orders] == [(OrderLine("soap", 1),)]


def test_an_unknown_community_cell(matcher: Matcher, tmp_path: Path) -> None:
    path = _csv(tmp_path, "社区,地址,商品\n幸福里,3-2-401,香皂\n")
    (bad,) = read_group_list(path, matcher).unreadable
    assert (bad.line, bad.why.en) == (2, "unknown community 幸福里")


@pytest.mark.parametrize(("text", "message"), [
    ("商品,数量\n香皂,1\n", "no column says whose order a row is"),
    ("地址,备注\n3-2-401,x\n", "no goods"),
    ("", "an empty sheet")])
def test_a_sheet_that_cannot_be_used(matcher: Matcher, tmp_path: Path, text: str,
                                     message: str) -> None:
    with pytest.raises(DeskError) as error:
        read_group_list(_csv(tmp_path, text), matcher)
    assert message in error.value.problems[0].message
