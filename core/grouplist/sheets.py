"""Order sheets (订单表): a group list kept as a spreadsheet, CSV or XLSX.

Two layouts, headers in Chinese or English (``core.registers.columns.header_key`` rules):

- long, one row per goods: 社区/community (optional), 地址/address or 楼栋/building, 单元/unit,
  房号/room, or 姓名/name, then 商品/goods and 数量/quantity. A row without an address or name
  continues the household above it (a merged cell); every row of one household is one order.
- wide, one row per household: the same who-columns, then one column per goods, headed by the
  goods' name, pinyin or code, holding the quantity (blank or 0: none).

Optional columns: 付款/paid (已付, 是, yes, paid, 1: paid in advance), 序号/no., 电话/phone,
备注/note (not read). Rows are numbered as the spreadsheet shows them; a household whose row
cannot be read is not taken at all (its other rows say so), as a 接龙 line is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from core.grouplist.lines import (
    GroupList,
    ListOrder,
    Unreadable,
    counted,
    joined,
    merge,
    read_goods,
)
from core.grouplist.matching import Address, Found, Matcher, address_of, find_address, normal
from core.levels.plans import Text
from core.packing.orders import OrderLine
from core.problems import DeskError, Problem
from core.registers.columns import header_key
from core.registers.tabular import Sheet, SourceRow, read_sheets

COLUMNS: dict[str, tuple[str, ...]] = {
    "community": ("社区", "community", "小区"),
    "address": ("地址", "address", "住址", "门牌", "楼栋单元房号"),
    "building": ("楼栋", "building", "楼号", "栋"),
    "unit": ("单元", "unit"),
    "room": ("房号", "room", "室", "门牌号"),
    "name": ("姓名", "name", "联系人", "收货人", "住户"),
    "goods": ("商品", "goods", "品名", "item", "商品名称", "商品编码", "code"),
    "quantity": ("数量", "quantity", "qty", "份数"),
    "paid": ("付款", "paid", "已付", "是否付款", "payment"),
    "ignored": ("序号", "no.", "no", "#", "电话", "phone", "手机", "备注", "note", "remark",
                "金额", "amount"),
}
_KEYS = {header_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
#: rows above the header (a title, a date) looked through for it
TITLE_ROWS = 5
PAID_CELLS = frozenset({"已付", "是", "yes", "y", "paid", "1", "√", "✓"})


@attrs.frozen
class _Layout:
    """Which column holds what; ``goods_columns``: the wide layout's (column, item code)."""

    who: dict[str, int]
    goods_columns: tuple[tuple[int, str], ...]


def _layout(sheet: Sheet, header_row: int, matcher: Matcher
            ) -> tuple[_Layout, list[Unreadable]]:
    who: dict[str, int] = {}
    goods_columns: list[tuple[int, str]] = []
    bad: list[Unreadable] = []
    for index, header in enumerate(sheet.headers):
        if not header:
            continue
        column = _KEYS.get(header_key(header))
        if column is not None:
            who.setdefault(column, index)
            continue
        items = matcher.goods.match(header).items
        if len(items) == 1:
            goods_columns.append((index, items[0].code))
        else:
            why = (Text(f"第 {index + 1} 列“{header}”：商品不明确", f"column {index + 1} "
                        f"\"{header}\": ambiguous goods") if items else
                   Text(f"第 {index + 1} 列“{header}”：不是商品，也不是已知的列",
                        f"column {index + 1} \"{header}\": neither goods nor a known column"))
            bad.append(Unreadable(header_row, header, why))
    if "goods" in who:
        goods_columns = []  # a long sheet: other columns are notes, not goods
        bad = []
    return _Layout(who, tuple(goods_columns)), bad


def _cell(row: SourceRow, layout: _Layout, column: str) -> str:
    index = layout.who.get(column)
    return row.cells[index].strip() if index is not None and index < len(row.cells) else ""


def _household(row: SourceRow, layout: _Layout, matcher: Matcher,
               where: list[str]) -> Found | None:
    """The row's household; None when the row names none (it continues the one above)."""
    register = matcher.register
    community_cell = _cell(row, layout, "community")
    if community_cell:
        code, _ = register.community_in(normal(community_cell))
        if not code:
            return Found(why=Text(f"未知社区 {community_cell}",
                                  f"unknown community {community_cell}"))
        where = [code]
    address = normal(_cell(row, layout, "address"))
    building, unit, room = (normal(_cell(row, layout, c)) for c in ("building", "unit", "room"))
    name = _cell(row, layout, "name")
    if address:
        match = find_address(address)
        if match is None:
            return Found(why=Text(f"看不懂住址 {address}", f"unreadable address {address}"))
        before = address[: match.start()].rstrip()
        code, _ = register.community_in(before)
        return register.by_address_in(address_of(match), [code] if code else where)
    if building or room:
        if not (building and room):
            return Found(why=Text("楼栋和房号都要写", "give both building and room"))
        match = find_address(f"{building}-{unit}-{room}" if unit else f"{building}-{room}")
        if match is None:
            return Found(why=Text(f"看不懂住址 {building}-{unit}-{room}",
                                  f"unreadable address {building}-{unit}-{room}"))
        found_address: Address = address_of(match)
        return register.by_address_in(found_address, where)
    if name:
        return register.by_resident(name, where)
    return None


def _goods(row: SourceRow, layout: _Layout, matcher: Matcher
           ) -> tuple[list[OrderLine], list[Text]]:
    lines: list[OrderLine] = []
    whys: list[Text] = []
    if layout.goods_columns:
        for index, code in layout.goods_columns:
            cell = normal(row.cells[index]).strip() if index < len(row.cells) else ""
            if not cell or cell == "0":
                continue
            line, why = counted(matcher.goods.catalogue[code], cell)
            lines += [line] if line else []
            whys += [why] if why else []
        return lines, whys
    goods = _cell(row, layout, "goods")
    count = normal(_cell(row, layout, "quantity"))
    if not goods:
        return lines, [Text("没有商品", "no goods")]
    line, why = read_goods(normal(goods), matcher.goods)
    if line is not None and count:  # the quantity column says how many
        line, why = counted(matcher.goods.catalogue[line.code], count)
    if line is not None:
        lines.append(line)
    if why is not None:
        whys.append(why)
    return lines, whys


@attrs.define
class _Household:
    """A household's rows as they are read: the first row's number and text, goods, whys."""

    first: int
    text: str
    household: str
    rows: list[int]
    lines: list[OrderLine] = attrs.field(factory=list)
    whys: list[tuple[int, Text]] = attrs.field(factory=list)
    paid: bool = False


def read_order_sheet(path: Path, matcher: Matcher, communities: Iterable[str] = ()) -> GroupList:
    """Read an order sheet (its first sheet with a header); :class:`DeskError` when the file
    cannot be read or has no column saying whose order a row is."""
    sheets = [sheet for sheet in read_sheets(path) if sheet.headers]
    if not sheets:
        raise DeskError([Problem(path, None, "an empty sheet: no header row")])
    sheet, header_row = _below_title(sheets[0])
    layout, unreadable = _layout(sheet, header_row, matcher)
    if not {"address", "building", "room", "name"} & set(layout.who):
        raise DeskError([Problem(path, header_row,
                                 "no column says whose order a row is: 地址/address, "
                                 "楼栋/building + 房号/room, or 姓名/name")])
    if "goods" not in layout.who and not layout.goods_columns:
        raise DeskError([Problem(path, None, "no goods: a 商品/goods column (with 数量/quantity),"
                                             " or one column per goods")])
    where = list(communities)
    households: dict[str, _Household] = {}
    current: _Household | None = None
    for row in sheet.rows:
        text = "  ".join(cell for cell in row.cells if cell)
        found = _household(row, layout, matcher, where)
        if found is None and current is None:
            unreadable.append(Unreadable(row.number, text,
                                         Text("没有住址或姓名", "no address or name")))
            continue
        if found is not None and found.why is not None:
            current = None
            unreadable.append(Unreadable(row.number, text, found.why))
            continue
        if found is not None:
            current = households.get(found.household)
            if current is None:
                current = households[found.household] = _Household(
                    row.number, text, found.household, [])
        assert current is not None
        current.rows.append(row.number)
        current.paid = current.paid or normal(_cell(row, layout, "paid")) in PAID_CELLS
        lines, whys = _goods(row, layout, matcher)
        current.lines += lines
        current.whys += [(row.number, why) for why in whys]
    orders: list[ListOrder] = []
    for household in households.values():
        if not household.whys and not household.lines:
            household.whys.append((household.first, Text("没有商品", "no goods")))
        if household.whys:
            bad_rows = {number for number, _ in household.whys}
            for number in household.rows:
                whys = [why for n, why in household.whys if n == number] or [Text(
                    f"这一户的第 {min(bad_rows)} 行读不懂，整户未收",
                    f"row {min(bad_rows)} of this household cannot be read: none of it taken")]
                unreadable.append(Unreadable(number, _row_text(sheet, number), joined(whys)))
            continue
        orders.append(ListOrder(household.first, household.text, household.household,
                                merge(household.lines), household.paid))
    unreadable.sort(key=lambda u: u.line)
    return GroupList(tuple(orders), tuple(unreadable), len(sheet.rows))


def _below_title(sheet: Sheet) -> tuple[Sheet, int]:
    """The sheet from its header row, and that row's number: the first of its first rows that
    names whose order a row is (a title such as 锦绣社区第25轮订单 may stand above it)."""
    first = min((row.number for row in sheet.rows), default=2) - 1
    rows = [SourceRow(sheet.name, first, sheet.headers), *sheet.rows]
    who = {"address", "building", "room", "name"}
    for index, row in enumerate(rows[:TITLE_ROWS + 1]):
        if any(_KEYS.get(header_key(cell)) in who for cell in row.cells):
            return Sheet(sheet.name, row.cells, tuple(rows[index + 1:])), row.number
    return sheet, first


def _row_text(sheet: Sheet, number: int) -> str:
    row = next(r for r in sheet.rows if r.number == number)
    return "  ".join(cell for cell in row.cells if cell)
