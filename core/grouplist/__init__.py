"""Orders from group lists (接龙): the numbered lists grid leaders collect in WeChat groups, and
the order sheets (CSV/XLSX) some keep instead.

A 接龙 reads like this::

    #接龙
    锦绣社区第25轮团购，11点截止
    例 3栋2单元401 张三 蔬菜包x1 大米5kg×2
    1. 13栋4单元404 邹伟 蔬菜包x1 大米5kg×2 鸡蛋30枚
    2、11-3-1402 常国 西红柿1kg 两袋土豆 已付
    3) 林梅子 大白菜2棵

Lines before the first numbered one are its header (the title, the example): neither orders nor
errors; a community named there is where the list's addresses are. Each numbered line (``12.``,
``12、``, ``12)``, ``12：``, full-width forms too) is one household's order: see
:mod:`core.grouplist.lines` for how a line is read and :mod:`core.grouplist.matching` for how its
household and goods are found. A line that cannot be read is listed with its number, its text and
why; an unnumbered line after the first numbered one is one of them (a line the list broke).

:func:`read_list` reads text, :func:`read_order_sheet` a spreadsheet
(:mod:`core.grouplist.sheets`); :func:`read_group_list` picks by the file's kind. Nothing here
writes: :mod:`core.roundorders` adds the orders to a round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.grouplist.lines import GroupList, ListOrder, Reading, Unreadable, joined, read_order
from core.grouplist.matching import Matcher, normal
from core.grouplist.sheets import read_order_sheet
from core.levels.plans import Text
from core.packing.orders import Payment
from core.problems import DeskError, Problem
from core.registers.tabular import XLSX_SUFFIXES, read_register_file
from core.roundorders import NewOrder, add_orders, find_round
from core.rounds import read_round

if TYPE_CHECKING:
    from core.desk import Desk

__all__ = ["GroupList", "InRound", "ListImport", "ListOrder", "Matcher", "Unreadable", "add_list",
           "in_round", "new_orders", "read_group_list", "read_list", "round_communities"]

#: a list line's number: 12. 12、 12) 12: (full-width forms are made plain first)
NUMBERED = re.compile(r"^\s*(?P<number>\d{1,5})\s*[.、)\]:]\s*(?P<body>.*)$")
#: lines of a list read; a longer one (a register pasted by mistake) is cut, and says so
MAX_LIST_LINES = 20_000


class _Orders:
    """Orders as they are read, one per household: a household's second line is unreadable."""

    def __init__(self) -> None:
        self.orders: list[ListOrder] = []
        self.unreadable: list[Unreadable] = []
        self.first_line: dict[str, int] = {}

    def add(self, number: int, text: str, reading: Reading) -> None:
        household = reading.found.household
        if reading.whys or not household:
            self.unreadable.append(Unreadable(number, text, joined(reading.whys)))
        elif household in self.first_line:
            first = self.first_line[household]
            self.unreadable.append(Unreadable(number, text, Text(
                f"这一户在第 {first} 行已下单；请合并成一行",
                f"this household already ordered on line {first}: make it one line")))
        else:
            self.first_line[household] = number
            self.orders.append(ListOrder(number, text, household, reading.lines, reading.paid))

    def result(self, count: int) -> GroupList:
        return GroupList(tuple(self.orders), tuple(self.unreadable), count)


def read_list(text: str, matcher: Matcher, communities: Iterable[str] = ()) -> GroupList:
    """Read a 接龙 list's text; ``communities``: where its addresses and names are when neither
    the header nor a line names a community (every community of the matcher when empty)."""
    where = list(communities)
    seen_numbered = False
    orders = _Orders()
    count = 0
    lines = text.splitlines()
    for number, raw in enumerate(lines[:MAX_LIST_LINES], start=1):
        line = normal(raw).strip()
        if not line:
            continue
        numbered = NUMBERED.match(line)
        if not numbered:
            if not seen_numbered:  # the header: a community it names is the list's
                named = matcher.register.communities_named(line)
                if len(named) == 1:
                    where = list(named)
                continue
            count += 1
            orders.unreadable.append(Unreadable(number, raw.strip(), Text(
                "没有序号：接龙的每一行以序号开头（12. ……）",
                "not numbered: each line of a list starts with its number (12. ...)")))
            continue
        seen_numbered = True
        count += 1
        orders.add(number, raw.strip(),
                   read_order(numbered["body"], matcher.register, matcher.goods, where))
    if len(lines) > MAX_LIST_LINES:
        count += 1
        orders.unreadable.append(Unreadable(MAX_LIST_LINES + 1, lines[MAX_LIST_LINES].strip(), Text(
            f"只读前 {MAX_LIST_LINES} 行，此行及以后未读：请分开导入",
            f"only the first {MAX_LIST_LINES:,} lines are read, not this one or any after it: "
            f"split the list")))
    return orders.result(count)


def read_group_list(path: Path, matcher: Matcher, communities: Iterable[str] = ()) -> GroupList:
    """Read a list from a file: CSV or XLSX as an order sheet, anything else as 接龙 text
    (UTF-8 or GB18030). :class:`DeskError` when the file cannot be read at all."""
    if path.suffix.lower() in (*XLSX_SUFFIXES, ".csv"):
        return read_order_sheet(path, matcher, communities)
    data = read_register_file(path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return read_list(data.decode(encoding), matcher, communities)
        except UnicodeDecodeError:
            continue
    raise DeskError([Problem(path, None, "neither UTF-8 nor GB18030 text")])


def round_communities(desk: Desk, round_code: str) -> list[str]:
    """The communities whose households already ordered in the round: where a list for it
    most likely comes from (empty for a new round, or one that cannot be read)."""
    try:
        round_ = read_round(desk, find_round(desk, round_code))
    except DeskError:
        return []
    return sorted({order.community for order in round_.orders})


@attrs.frozen
class InRound:
    """What the round already holds for a list's order: the order itself (its id, "" when it is
    not there yet: an earlier paste of the same list), and the household's other orders."""

    same: str = ""
    others: tuple[str, ...] = ()


def in_round(desk: Desk, round_code: str, group: GroupList) -> dict[int, InRound]:
    """For each order of ``group`` (by its line) that the round already holds or whose
    household already ordered in the round (by phone, another list): what is there."""
    try:
        round_ = read_round(desk, find_round(desk, round_code))
    except DeskError:
        return {}
    by_source = {order.source: order.id for order in round_.orders if order.source}
    by_household: dict[str, list[str]] = {}
    for held in round_.orders:
        by_household.setdefault(held.household, []).append(held.id)
    found = {}
    for order in group.orders:
        same = by_source.get(order.key, "")
        others = tuple(i for i in by_household.get(order.household, []) if i != same)
        if same or others:
            found[order.line] = InRound(same, others)
    return found


def new_orders(group: GroupList, taken_at: datetime) -> list[NewOrder]:
    """The list's orders as :func:`core.roundorders.add_orders` takes them, each with its
    content key as its source (the same order from the same list is never added twice)."""
    return [NewOrder(order.household, order.lines, taken_at, order.key,
                     Payment.PAID if order.paid else Payment.DUE)
            for order in group.orders]


@attrs.frozen
class ListImport:
    """A list read for a round, and what adding it did (``added``/``skipped`` empty when only
    previewed)."""

    round: str
    list: GroupList
    added: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()

    def as_json(self, lang: str = "en") -> dict[str, object]:
        """``{"orders", "lines", "added", "unreadable"}``, as ``baogong round import --json``."""
        data = self.list.as_json(lang)
        return {"orders": data["orders"], "lines": data["lines"], "added": len(self.added),
                "unreadable": data["unreadable"]}


def add_list(desk: Desk, round_code: str, group: GroupList, *, taken_at: datetime,
             operator: str | None = None) -> ListImport:
    """Add the list's readable orders to round ``round_code`` (:func:`add_orders`: checked
    first, under the round's lock, atomically, attributed); an order already in the round
    (the same household and goods from this list or an earlier paste) is skipped."""
    done = add_orders(desk, round_code, new_orders(group, taken_at), operator=operator)
    return ListImport(done.round, group, done.added, done.skipped)
