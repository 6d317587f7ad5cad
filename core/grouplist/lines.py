"""One order as a group list writes it: who (address or name) and what (goods and quantities).

A line's words are split at spaces and commas (，、；+ and their ASCII forms); a quantity or size
written apart (``大米 5kg``, ``蔬菜包 x2``) joins the goods before it. A goods word takes its
quantity from ``×2``/``x2``/``X2``/``*2``/``＊2`` at its end, or from a count in the item's unit,
份 or 个 (``大白菜2棵``, ``两袋土豆``); a size that is part of the item's name is not a quantity
(``鸡蛋30枚`` is one box of 鲜鸡蛋 30枚). Default quantity 1; the same goods twice on a line add up.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

import attrs

from core.grouplist.matching import Found, Goods, Register, address_of, find_address, normal
from core.levels.plans import Text
from core.packing.orders import OrderLine
from core.reference import CatalogueItem
from core.rounds import MAX_QUANTITY

COUNTERS = "份个袋包盒桶瓶箱只条棵把提块支组件套副台双卷斤枚片杯"
NUMERALS = "零一二两三四五六七八九十"
_QUANTITY = rf"(?P<q>\d+|[{NUMERALS}]+)"
_SEPARATORS = re.compile(r"[\s,，、;；+＋|]+")
_TIMES = re.compile(rf"^(?P<goods>.+?)\s*[x×*]\s*{_QUANTITY}\s*(?P<c>[{COUNTERS}]?)$")
_COUNT = re.compile(rf"^(?P<goods>.+?){_QUANTITY}(?P<c>[{COUNTERS}])$")
_COUNT_FIRST = re.compile(rf"^{_QUANTITY}(?P<c>[{COUNTERS}])(?P<goods>.+)$")
#: a word that only says how much (``x2``, ``5kg``, ``2份``, ``枚``): it belongs to the word before
_ONLY_AMOUNT = re.compile(
    rf"^(?:[x×*]\s*(?:\d+|[{NUMERALS}]+)?[{COUNTERS}]?"
    rf"|(?:\d+(?:\.\d+)?|[{NUMERALS}]+)[a-z]{{0,2}}[{COUNTERS}]?|[{COUNTERS}])$")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$")
#: common surnames (百家姓, the most frequent first): a word starting with one may be a name
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
PAID_WORDS = frozenset({"已付", "已付款", "已支付", "已转", "已转账", "已交", "paid"})
GENERIC_COUNTERS = frozenset("份个")


@attrs.frozen
class ListOrder:
    """One household's order read from a list: the line (or sheet row) it came from, as the list
    numbers it, the household and its goods; ``paid`` when the line says it was paid (已付)."""

    line: int
    text: str
    household: str
    lines: tuple[OrderLine, ...]
    paid: bool = False

    @property
    def key(self) -> str:
        """What makes two orders the same order: the household and its goods, so pasting the same
        list again (or a list with the same line renumbered) adds nothing."""
        goods = ",".join(f"{line.code}*{line.quantity}" for line in sorted(
            self.lines, key=lambda line: line.code))
        digest = hashlib.sha256(f"{self.household}|{goods}".encode()).hexdigest()[:16]
        return f"list {digest}"


@attrs.frozen
class Unreadable:
    """A line (or row) that is not an order the desk can take, and why."""

    line: int
    text: str
    why: Text


def chinese_number(text: str) -> int | None:
    """A count written in digits or in Chinese numerals up to 99 (两, 十二, 二十三)."""
    if text.isdigit():
        return int(text)
    digits = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"两": 2}
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or (tens and tens not in digits) or (ones and ones not in digits):
            return None
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return digits.get(text) if len(text) == 1 else None


def words(text: str) -> list[str]:
    """The words of (normalised) ``text``, a quantity or size written apart joined to the word
    before it."""
    out: list[str] = []
    for word in _SEPARATORS.split(text):
        if not word:
            continue
        if out and _ONLY_AMOUNT.match(word):
            bare = word.isdigit() and out[-1][-1] not in "x×*"
            out[-1] += f"×{word}" if bare else word  # 香皂 3: three of them
        else:
            out.append(word)
    return out


def _counted(item: CatalogueItem, counter: str) -> bool:
    return not counter or counter == item.unit or counter in GENERIC_COUNTERS


def _names(items: Sequence[CatalogueItem]) -> str:
    return "、".join(item.name for item in items[:3]) + ("…" if len(items) > 3 else "")


def read_goods(word: str, goods: Goods) -> tuple[OrderLine | None, Text | None]:
    """One goods word as an order line, or why it cannot be one."""
    ways: list[tuple[str, str, str]] = [(word, "1", "")]
    for pattern in (_TIMES, _COUNT, _COUNT_FIRST):
        match = pattern.match(word)
        if match:
            ways.append((match["goods"], match["q"], match["c"]))
    why: Text | None = None
    for name, count, counter in ways:
        named = goods.match(name).items
        items = [item for item in named if _counted(item, counter)]
        if len(items) > 1:
            why = why or Text(f"商品“{name}”不明确：{_names(items)}",
                              f"goods \"{name}\" is ambiguous: {_names(items)}")
        elif items:
            return counted(items[0], count)
        elif len(named) == 1:  # 西红柿2斤: the goods are known, the unit is not theirs
            item = named[0]
            why = why or Text(f"{item.name} 按{item.unit}卖，不按{counter}",
                              f"{item.name} is sold by the {item.unit}, not by the {counter}")
    return None, why or Text(f"未知商品“{word}”", f"unknown goods \"{word}\"")


def counted(item: CatalogueItem, count: str) -> tuple[OrderLine | None, Text | None]:
    """``count`` (digits or Chinese numerals) of ``item``, or why it is not a quantity."""
    quantity = chinese_number(count)
    if quantity is None or not 0 < quantity <= MAX_QUANTITY:
        return None, Text(f"{item.name} 的数量 {count} 须为 1 至 {MAX_QUANTITY}",
                          f"quantity {count} of {item.name} must be 1 to {MAX_QUANTITY}")
    return OrderLine(item.code, quantity), None


def merge(lines: Iterable[OrderLine]) -> tuple[OrderLine, ...]:
    """The same goods written twice on one order: one line, the quantities added."""
    total: dict[str, int] = {}
    for line in lines:
        total[line.code] = total.get(line.code, 0) + line.quantity
    return tuple(OrderLine(code, quantity) for code, quantity in total.items())


@attrs.frozen
class Reading:
    """What one line says: the household (or why not), the goods read, the whys, paid or not."""

    found: Found
    lines: tuple[OrderLine, ...]
    whys: tuple[Text, ...]
    paid: bool


def _looks_like_name(word: str, goods: Goods) -> bool:
    """A word that is a person's name the register may not have (a relative, a tenant): two to
    five Chinese characters starting with a common surname, and no goods."""
    return (bool(_HAN_NAME.match(word)) and word[0] in SURNAMES
            and not goods.match(word).items)


def read_order(text: str, register: Register, goods: Goods,
               communities: Iterable[str] = ()) -> Reading:
    """Read one order's text (a list line without its number): an address (with a community
    name before it, or in ``communities``), or a resident's name, then goods. A name beside the
    address that is not in the register is taken as the orderer's, not as goods."""
    body = normal(text)
    where = list(communities)
    found: Found | None = None
    match = find_address(body)
    before, after = "", body
    if match:
        before = body[: match.start()].rstrip()
        community, length = register.community_in(before)
        if community:
            where = [community]
            before = before[: len(before) - length]
        found = register.by_address_in(address_of(match), where)
        after = body[match.end():]
    leading = words(before)
    beside = {len(leading) - 1, len(leading)} if match else {0}
    name = ""
    lines: list[OrderLine] = []
    whys: list[Text] = []
    paid = False
    for index, word in enumerate([*leading, *words(after)]):
        if word in PAID_WORDS:
            paid = True
            continue
        if not name and (register.is_name(word) or (
                index in beside and _looks_like_name(word, goods))):
            name = word  # who ordered: finds the household when the line has no address
            continue
        line, why = read_goods(word, goods)
        if line is not None:
            lines.append(line)
        if why is not None:
            whys.append(why)
    if found is None:
        found = (register.by_resident(name, where) if name else
                 Found(why=Text("没有住址或姓名", "no address or name")))
    if found.why is not None:
        whys.insert(0, found.why)
    if not lines and not whys:
        whys.append(Text("没有商品", "no goods"))
    return Reading(found, merge(lines), tuple(whys), paid)


def joined(whys: Sequence[Text]) -> Text:
    return Text("；".join(why.zh for why in whys), "; ".join(why.en for why in whys))


@attrs.frozen
class GroupList:
    """What a list says: the orders read and the lines that could not be, in the list's order;
    ``lines`` counts the order lines (numbered lines, or sheet rows) read or not."""

    orders: tuple[ListOrder, ...]
    unreadable: tuple[Unreadable, ...]
    lines: int

    def as_json(self, lang: str = "en") -> dict[str, object]:
        """The preview as ``baogong round import --json`` prints it (without ``added``)."""
        return {"orders": len(self.orders), "lines": self.lines,
                "unreadable": [{"line": u.line, "text": u.text, "why": u.why.get(lang)}
                               for u in self.unreadable]}
