"""Reading 接龙 group lists: one test per rule of a line, and what happens to lines that fail."""

from __future__ import annotations

import pytest

from core.grouplist import GroupList, Matcher, read_list
from core.grouplist.lines import chinese_number
from core.packing.orders import OrderLine
from core.reference import CatalogueItem, Community, GoodsCategory, Household, Resident

COMMUNITIES = {
    "jinxiu": Community("jinxiu", "锦绣社区", "Jinxiu", "hexi"),
    "yangguang": Community("yangguang", "阳光花园社区", "Sunshine Garden", "hexi"),
}


def _item(code: str, name: str, unit: str = "袋") -> CatalogueItem:
    return CatalogueItem(code, name, code, unit, GoodsCategory.GRAIN_OIL, 1.0, 1.0, 100)


CATALOGUE = {item.code: item for item in [
    _item("rice-5kg", "东北大米 5kg"), _item("rice-10kg", "东北大米 10kg"),
    _item("eggs-30", "鲜鸡蛋 30枚", "盒"), _item("eggs-10", "鲜鸡蛋 10枚", "盒"),
    _item("veg-pack-5kg", "蔬菜包（5kg 六样菜）", "包"),
    _item("cabbage-2kg", "大白菜（约2kg）", "棵"),
    _item("milk-uht-12", "纯牛奶 250ml×12", "箱"), _item("soap", "香皂", "块"),
    _item("potato-2kg", "土豆 2kg"),
]}


def _household(id_: str, community: str, address: str, *names: str) -> Household:
    building, unit, room = address.split("-")
    return Household(id_, community, building, unit, room,
                     residents=tuple(Resident(name) for name in names))


HOUSEHOLDS = [
    _household("h1", "jinxiu", "3-2-401", "王秀英", "李强"),
    _household("h2", "jinxiu", "3-2-402", "张伟"),
    _household("h3", "yangguang", "3-2-401", "赵敏"),
    _household("h4", "yangguang", "5-1-101", "张伟"),
    _household("h5", "jinxiu", "12--8", "孙丽"),  # a bungalow: no unit
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(HOUSEHOLDS, COMMUNITIES, CATALOGUE)


def _read(matcher: Matcher, body: str, communities: tuple[str, ...] = ("jinxiu",)) -> GroupList:
    return read_list(body, matcher, communities)


def _one(matcher: Matcher, line: str, communities: tuple[str, ...] = ("jinxiu",)
         ) -> tuple[str, tuple[OrderLine, ...]]:
    result = _read(matcher, line, communities)
    assert not result.unreadable, [u.why.en for u in result.unreadable]
    (order,) = result.orders
    return order.household, order.lines


@pytest.mark.parametrize("line", [
    "12. 3栋2单元401 王秀英 大米5kg", "12、3栋2单元401 王秀英 大米5kg",
    "12) 3栋2单元401 王秀英 大米5kg", "12：3栋2单元401 王秀英 大米5kg",
    "１２．３栋２单元４０１　王秀英　大米５ｋｇ", "12.3栋2单元401 大米5kg"])
def test_every_numbering_and_full_width_text(matcher: Matcher, line: str) -> None:
    assert _one(matcher, line) == ("h1", (OrderLine("rice-5kg", 1),))


@pytest.mark.parametrize("address", [
    "3栋2单元401", "3-2-401", "3号楼2单元401室", "3幢2单元401", "3#2单元401", "3栋2单元0401"])
def test_address_forms(matcher: Matcher, address: str) -> None:
    assert _one(matcher, f"1. {address} 大米5kg")[0] == "h1"


def test_a_building_without_units(matcher: Matcher) -> None:
    assert _one(matcher, "1. 12-8 大米5kg")[0] == "h5"


def test_the_community_named_on_the_line_wins(matcher: Matcher) -> None:
    assert _one(matcher, "1. 阳光花园3-2-401 大米5kg")[0] == "h3"
    assert _one(matcher, "1. 阳光花园社区 3栋2单元401 大米5kg")[0] == "h3"


def test_the_community_named_in_the_header_is_the_lists(matcher: Matcher) -> None:
    result = _read(matcher, "#接龙\n阳光花园社区第25轮团购\n例 3栋2单元401 张三 蔬菜包x1\n"
                            "1. 3-2-401 大米5kg")
    assert [o.household for o in result.orders] == ["h3"]
    assert result.lines == 1 and not result.unreadable


def test_an_address_in_two_communities_is_ambiguous_without_one(matcher: Matcher) -> None:
    result = _read(matcher, "1. 3-2-401 大米5kg", ())
    (bad,) = result.unreadable
    assert "ambiguous" in bad.why.en and "锦绣社区" in bad.why.zh and "阳光花园社区" in bad.why.zh


def test_a_unique_name_finds_the_household(matcher: Matcher) -> None:
    assert _one(matcher, "7. 王秀英 大米5kg")[0] == "h1"
    assert _one(matcher, "7. 李强 大米5kg")[0] == "h1"


def test_a_name_in_two_households_is_ambiguous(matcher: Matcher) -> None:
    (bad,) = _read(matcher, "7. 张伟 大米5kg", ()).unreadable
    assert bad.line == 1 and "张伟 is ambiguous" in bad.why.en
    assert _one(matcher, "7. 张伟 大米5kg", ("jinxiu",))[0] == "h2"


def test_an_unknown_name_and_no_address(matcher: Matcher) -> None:
    (bad,) = _read(matcher, "7. 钱多多 大米5kg").unreadable
    assert bad.why.en == "no resident 钱多多 in the register: give the address"


def test_an_unregistered_name_beside_an_address_is_not_goods(matcher: Matcher) -> None:
    assert _one(matcher, "7. 3-2-401 钱多多 大米5kg") == ("h1", (OrderLine("rice-5kg"),))


@pytest.mark.parametrize(("word", "line"), [
    ("大米5kg×2", OrderLine("rice-5kg", 2)), ("大米5kgx2", OrderLine("rice-5kg", 2)),
    ("大米5kgX2", OrderLine("rice-5kg", 2)), ("大米5kg*2", OrderLine("rice-5kg", 2)),
    ("大米5kg＊2", OrderLine("rice-5kg", 2)), ("大米5kg ×2", OrderLine("rice-5kg", 2)),
    ("大米 5kg", OrderLine("rice-5kg", 1)), ("东北大米 10kg", OrderLine("rice-10kg", 1)),
    ("大米10kg两袋", OrderLine("rice-10kg", 2)), ("两袋大米10kg", OrderLine("rice-10kg", 2)),
    ("蔬菜包2份", OrderLine("veg-pack-5kg", 2)), ("蔬菜包x1", OrderLine("veg-pack-5kg", 1)),
    ("大白菜2棵", OrderLine("cabbage-2kg", 2)), ("大白菜十二棵", OrderLine("cabbage-2kg", 12)),
    ("鸡蛋30枚", OrderLine("eggs-30", 1)), ("鸡蛋10枚×3", OrderLine("eggs-10", 3)),
    ("纯牛奶250ml×12", OrderLine("milk-uht-12", 1)),
    ("纯牛奶250ml×12×2", OrderLine("milk-uht-12", 2)),
    ("dami5kg", OrderLine("rice-5kg", 1)), ("dm10kg*2", OrderLine("rice-10kg", 2)),
    ("xiangzao 3", OrderLine("soap", 3)), ("xz", OrderLine("soap", 1)),
    ("rice-5kg", OrderLine("rice-5kg", 1)), ("RICE-10KG x 2", OrderLine("rice-10kg", 2)),
    ("香皂", OrderLine("soap", 1)), ("土豆", OrderLine("potato-2kg", 1)),
])
def test_goods_and_quantities(matcher: Matcher, word: str, line: OrderLine) -> None:
    assert _one(matcher, f"1. 3-2-401 {word}")[1] == (line,)


def test_the_same_goods_twice_on_a_line_add_up(matcher: Matcher) -> None:
    assert _one(matcher, "1. 3-2-401 香皂 土豆 xiangzao×2")[1] == (
        OrderLine("soap", 3), OrderLine("potato-2kg", 1))


@pytest.mark.parametrize(("word", "why"), [
    ("大米", 'goods "大米" is ambiguous: 东北大米 5kg、东北大米 10kg'),
    ("鸡蛋2盒", 'goods "鸡蛋" is ambiguous: 鲜鸡蛋 30枚、鲜鸡蛋 10枚'),
    ("猪肉", 'unknown goods "猪肉"'),
    ("大米5斤", 'unknown goods "大米5斤"'),
    ("土豆3斤", "土豆 2kg is sold by the 袋, not by the 斤"),
    ("蔬菜包x101", "quantity 101 of 蔬菜包（5kg 六样菜） must be 1 to 100"),
    ("蔬菜包x0", "quantity 0 of 蔬菜包（5kg 六样菜） must be 1 to 100"),
])
def test_goods_that_cannot_be_read_say_why(matcher: Matcher, word: str, why: str) -> None:
    (bad,) = _read(matcher, f"#接龙\n1. 3-2-401 香皂 {word}").unreadable
    assert (bad.line, bad.text, bad.why.en) == (2, f"1. 3-2-401 香皂 {word}", why)


def test_a_line_with_nothing_to_order(matcher: Matcher) -> None:
    (bad,) = _read(matcher, "1. 3-2-401 王秀英").unreadable
    assert bad.why.en == "no goods"


def test_every_problem_of_a_line_is_named(matcher: Matcher) -> None:
    (bad,) = _read(matcher, "3. 9-9-909 大米 猪肉").unreadable
    assert bad.why.en == ('unknown address 9-9-909; goods "大米" is ambiguous: 东北大米 5kg、东北'
                          '大米 10kg; unknown goods "猪肉"')
    assert "未知住址 9-9-909" in bad.why.zh


def test_the_header_is_neither_orders_nor_errors(matcher: Matcher) -> None:
    result = _read(matcher, "#接龙\n锦绣社区团购 11点截止\n\n例 3栋2单元401 张三 蔬菜包x1\n"
                            "1. 3-2-401 香皂\n2. 3-2-402 土豆\n")
    assert [(o.line, o.household) for o in result.orders] == [(5, "h1"), (6, "h2")]
    assert result.unreadable == () and result.lines == 2


def test_an_unnumbered_line_inside_the_list_is_unreadable(matcher: Matcher) -> None:
    result = _read(matcher, "1. 3-2-401 香皂\n3-2-402 土豆\n2. 3-2-402 土豆")
    assert [u.line for u in result.unreadable] == [2] and result.lines == 3
    assert "not numbered" in result.unreadable[0].why.en


def test_a_household_twice_is_read_once(matcher: Matcher) -> None:
    result = _read(matcher, "1. 3-2-401 香皂\n2. 王秀英 土豆")
    assert [o.line for o in result.orders] == [1]
    (bad,) = result.unreadable
    assert bad.line == 2 and bad.why.en.startswith("this household already ordered on line 1")


def test_paid_lines_are_marked_paid(matcher: Matcher) -> None:
    result = _read(matcher, "1. 3-2-401 香皂 已付\n2. 3-2-402 香皂")
    assert [o.paid for o in result.orders] == [True, False]


def test_the_key_is_the_household_and_goods_not_the_line(matcher: Matcher) -> None:
    first = _read(matcher, "1. 3-2-401 香皂 土豆").orders[0]
    again = _read(matcher, "#接龙\n\n5、王秀英 土豆 xiangzao").orders[0]
    other = _read(matcher, "1. 3-2-401 香皂x2 土豆").orders[0]
    assert first.key == again.key != other.key


@pytest.mark.parametrize(("text", "number"), [
    ("1", 1), ("12", 12), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99),
    ("十十", None), ("百", None), ("一二", None)])
def test_chinese_numbers(text: str, number: int | None) -> None:
    assert chinese_number(text) == number


def test_goods_beside_the_address_are_not_taken_for_a_name(matcher: Matcher) -> None:
    (bad,) = _read(matcher, "1. 3-2-401 猪肉 香皂").unreadable
    assert bad.why.en == 'unknown goods "猪肉"'


def test_a_name_before_the_address(matcher: Matcher) -> None:
    assert _one(matcher, "1. 钱多多 3-2-401 香皂") == ("h1", (OrderLine("soap"),))


def test_a_list_too_long_is_cut_and_says_so(matcher: Matcher,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.grouplist.MAX_LIST_LINES", 3)
    result = _read(matcher, "#接龙\n1. 3-2-401 香皂\n2. 3-2-402 香皂\n3. 12-8 香皂\n4. x\n")
    assert [o.line for o in result.orders] == [2, 3]
    (cut,) = result.unreadable
    assert (cut.line, cut.text) == (4, "3. 12-8 香皂") and "only the first 3 lines" in cut.why.en
