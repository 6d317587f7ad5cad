"""The columns of each register an office imports, with their Chinese and English headers.

A header matches a column when it equals the Chinese or English header, or an alias, after
dropping spaces, case and a unit in brackets (``价格（元）`` is ``价格``). Values are read as text
and parsed per column; a list cell separates its items with 、 , ， ; or ；.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

import attrs

from core.cases.case import Category
from core.levels.plans import Text
from core.names import FLAG_NAMES, GOODS_NAMES, category_name
from core.reference import PHONE_PATTERN, GoodsCategory, PriorityFlag


class RegisterKind(enum.StrEnum):
    """What ``baogong import KIND`` reads; each is one reference file of the desk."""

    COMMUNITIES = "communities"
    HOUSEHOLDS = "households"
    CATALOGUE = "catalogue"
    SUPERMARKETS = "supermarkets"
    DEPARTMENTS = "departments"
    #: each supermarket's own price list (超市价目表), one row per supermarket and item
    PRICE_LISTS = "pricelists"

    @property
    def file_name(self) -> str:
        return f"{self.value}.toml"


class BadValue(ValueError):
    """A cell that does not parse: the message says what was expected."""


_BRACKETS = re.compile(r"[（(\[【].*?[)）\]】]")


def header_key(header: str) -> str:
    """A header as it is matched: no bracketed unit, no spaces or underscores, lower case."""
    return re.sub(r"[\s_\-]", "", _BRACKETS.sub("", header)).lower()


def text(value: str) -> str:
    return value


def whole_number(value: str) -> int:
    try:
        number = int(value.replace(",", ""))
    except ValueError:
        raise BadValue(f"{value!r} is not a whole number") from None
    if number < 0:
        raise BadValue(f"must not be negative, got {number}")
    return number


def decimal_number(value: str) -> float:
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        raise BadValue(f"{value!r} is not a number") from None
    if not number >= 0:
        raise BadValue(f"must be a number from 0 up, got {value!r}")
    return number


def yuan_to_fen(value: str) -> int:
    """A price in yuan (``32.9``) as integer fen, exactly (no float rounding)."""
    try:
        amount = Decimal(value.replace(",", "").removeprefix("¥").removeprefix("￥"))
    except InvalidOperation:
        raise BadValue(f"{value!r} is not an amount in yuan") from None
    fen = amount * 100
    if not amount.is_finite() or fen != fen.to_integral_value() or amount < 0:
        raise BadValue(f"{value!r} is not an amount in yuan to the fen (分)")
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "x"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", ""}


def yes_no(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(f"{value!r} is not 是/否 (yes/no)")


def phone(value: str) -> str:
    """A phone number as the desk stores them (see :data:`core.reference.PHONE_PATTERN`)."""
    if not PHONE_PATTERN.match(value):
        raise BadValue(f"{value!r} is not a phone number (digits, spaces, '-', leading '+')")
    return value


MAX_ADDRESS_PART = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def address_part(value: str) -> str:
    """A building, unit or room: short, on one line, and without ``/``, which separates the
    parts of the address a household is matched by (building ``3/4`` and unit ``5`` would be
    the same household as building ``3`` and unit ``4/5``)."""
    if "/" in value:
        raise BadValue(f"{value!r} has a '/': give building, unit and room in their own columns")
    if _CONTROL.search(value):
        raise BadValue(f"{value!r} is not on one line")
    if len(value) > MAX_ADDRESS_PART:
        raise BadValue(f"{value!r} is longer than {MAX_ADDRESS_PART} characters")
    return value


_TO_COMMA = str.maketrans({separator: "," for separator in "、，;；\n"})


def items(value: str) -> tuple[str, ...]:
    parts = value.translate(_TO_COMMA).split(",")
    return tuple(stripped for part in parts if (stripped := part.strip()))


def by_name(names: Mapping[str, str], what: str, hint: str = "") -> Callable[[str], str]:
    """A parser of a value given by any of its names (a code, a Chinese or English name), in
    any case; ``names`` maps each name to the code it stands for."""
    lookup: dict[str, str] = {}
    for name, code in names.items():
        lookup.setdefault(name.strip().lower(), code)

    def parse(value: str) -> str:
        found = lookup.get(value.strip().lower())
        if found is None:
            raise BadValue(f"unknown {what} {value!r}{hint}")
        return found
    return parse


def _names_of(table: Mapping[str, Text]) -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in table.items():
        names.update({code: code, name.zh: code, name.en: code})
    return names


CATEGORY_NAMES = _names_of({c.value: category_name(c) for c in Category})
GOODS_CATEGORY_NAMES = _names_of({g.value: GOODS_NAMES[g] for g in GoodsCategory})
FLAG_NAME_LOOKUP = _names_of({f.value: FLAG_NAMES[f] for f in PriorityFlag})

goods_category = by_name(GOODS_CATEGORY_NAMES, "goods category (粮油, 蔬菜... or grain_oil...)")
_flag = by_name(FLAG_NAME_LOOKUP, "priority group (独居老人, 卧床... or elderly_alone...)")
_category = by_name(CATEGORY_NAMES, "case category")


def flags(value: str) -> tuple[str, ...]:
    return tuple(_flag(item) for item in items(value))


def categories(value: str) -> tuple[str, ...]:
    return tuple(_category(item) for item in items(value))


def tier(value: str) -> int:
    number = whole_number(value)
    if number not in (1, 2, 3):
        raise BadValue(f"medical supply tier must be 1, 2 or 3, got {number}")
    return number


@attrs.frozen
class RegisterColumn:
    """A column: its key in the record, headers in both languages, how a cell is read."""

    key: str
    zh: str
    en: str
    parse: Callable[[str], object] = text
    required: bool = False
    aliases: tuple[str, ...] = ()

    def matches(self, header: str) -> bool:
        wanted = header_key(header)
        return wanted in {header_key(h) for h in (self.zh, self.en, self.key, *self.aliases)}


_CODE = RegisterColumn("code", "代码", "code", required=True, aliases=("编码", "编号"))
_NAME = RegisterColumn("name", "名称", "name", required=True)
_NAME_EN = RegisterColumn("name_en", "英文名称", "English name", aliases=("英文名",))
_PHONE = RegisterColumn("phone", "电话", "phone", phone, aliases=("联系电话", "手机", "手机号"))

COLUMNS: dict[RegisterKind, tuple[RegisterColumn, ...]] = {
    RegisterKind.DEPARTMENTS: (
        _CODE, _NAME, _NAME_EN, _PHONE,
        RegisterColumn("owns", "负责类别", "owns", categories, aliases=("职责", "categories")),
    ),
    RegisterKind.COMMUNITIES: (
        _CODE, _NAME, _NAME_EN,
        RegisterColumn("district", "区", "district", required=True, aliases=("所属区", "区县")),
        RegisterColumn("district_name", "区名称", "district name"),
        RegisterColumn("street", "街道", "street"),
        RegisterColumn("households", "户数", "households", whole_number),
        RegisterColumn("population", "人口", "population", whole_number, aliases=("人数",)),
        RegisterColumn("drop_point", "投放点", "drop point", aliases=("物资投放点",)),
        RegisterColumn("supermarket", "保供超市", "supermarket", aliases=("超市",)),
        RegisterColumn("grid_workers", "网格员", "grid workers", items),
        RegisterColumn("distance_km", "距离（km）", "distance (km)", decimal_number,
                       aliases=("距离公里", "distance_km")),
    ),
    RegisterKind.SUPERMARKETS: (
        _CODE, _NAME, _NAME_EN, _PHONE,
        RegisterColumn("address", "地址", "address"),
        RegisterColumn("zone", "服务社区", "zone", items, aliases=("保供社区", "communities")),
        RegisterColumn("daily_order_capacity", "日订单能力", "daily order capacity",
                       whole_number, aliases=("日接单能力",)),
    ),
    RegisterKind.CATALOGUE: (
        _CODE, _NAME, _NAME_EN,
        RegisterColumn("unit", "单位", "unit", required=True),
        RegisterColumn("category", "类别", "category", goods_category, required=True,
                       aliases=("品类",)),
        RegisterColumn("kg", "重量（kg）", "weight (kg)", decimal_number),
        RegisterColumn("litres", "体积（L）", "volume (litres)", decimal_number),
        RegisterColumn("price_fen", "价格（元）", "price (yuan)", yuan_to_fen, required=True,
                       aliases=("单价",)),
        RegisterColumn("tier", "防疫物资分级", "tier", tier, aliases=("分级",)),
        RegisterColumn("chilled", "冷链", "chilled", yes_no),
        RegisterColumn("chemical", "危化品", "chemical", yes_no),
        RegisterColumn("necessity", "生活必需品", "necessity", yes_no, aliases=("必需品",)),
    ),
    RegisterKind.PRICE_LISTS: (
        RegisterColumn("supermarket", "超市", "supermarket", required=True,
                       aliases=("保供超市", "超市代码")),
        RegisterColumn("item", "商品编码", "item", required=True,
                       aliases=("商品", "商品代码", "item code")),
        RegisterColumn("price_fen", "价格（元）", "price (yuan)", yuan_to_fen, required=True,
                       aliases=("单价", "售价", "超市价")),
    ),
    RegisterKind.HOUSEHOLDS: (
        RegisterColumn("household", "户号", "household", aliases=("户编号", "household id")),
        RegisterColumn("community", "社区", "community", required=True),
        RegisterColumn("building", "楼栋", "building", address_part, aliases=("楼号", "栋")),
        RegisterColumn("unit", "单元", "unit", address_part),
        RegisterColumn("room", "房号", "room", address_part, aliases=("门牌号", "室")),
        RegisterColumn("household_phone", "户电话", "household phone", phone),
        RegisterColumn("name", "姓名", "name", required=True),
        _PHONE,
        RegisterColumn("age", "年龄", "age", whole_number),
        RegisterColumn("flags", "重点人群", "flags", flags,
                       aliases=("特殊群体", "人群类别", "priority groups")),
        RegisterColumn("note", "备注", "note"),
    ),
}
