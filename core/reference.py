"""The desk's reference data: departments, districts, communities, supermarkets, goods, households.

Every class is a frozen attrs record; reading and writing them is done by
:mod:`core.storage.convert`.
"""

from __future__ import annotations

import enum
import re
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from core.cases.escalation import ChaseLadder, ClosureRules
from core.problems import InvalidField
from core.shifts import DEFAULT_SHIFTS, ShiftTime, check_shifts

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]{2,22}\Z")


def check_code(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not CODE_PATTERN.match(value):
        raise InvalidField(
            attribute.name,
            f"{value!r} is not a valid code (lower-case letters, digits, '-' and '_', "
            f"at most 64 characters)"
        )


def check_optional_code(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value:
        check_code(instance, attribute, value)


#: a site code (站点代码): two to six capital letters and digits, a letter first; the replica of a
#: desk that takes a call puts it before the case id (``HX-20261123-0042``)
SITE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,5}\Z", re.ASCII)


def check_site(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value and not SITE_PATTERN.match(value):
        raise InvalidField(attribute.name, f"{value!r} is not a site code (2 to 6 capital "
                                           "letters and digits, a letter first, e.g. HX)")


def check_phone(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value and not PHONE_PATTERN.match(value):
        raise InvalidField(
            attribute.name, f"{value!r} is not a phone number (digits, spaces, '-', leading '+')"
        )


def check_tier(_instance: object, attribute: attrs.Attribute[int | None],
               value: int | None) -> None:
    """Medical supply tiers (防疫物资分级) are 1, 2 or 3."""
    if value is not None and value not in (1, 2, 3):
        raise InvalidField(attribute.name, f"medical supply tier must be 1, 2 or 3, got {value}")


def check_not_blank(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise InvalidField(attribute.name, "must not be empty")


def check_non_negative(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise InvalidField(attribute.name, f"must not be negative, got {value}")


class PriorityFlag(enum.StrEnum):
    """Priority people (特殊群体) who get proactive, door-to-door service."""

    ELDERLY_ALONE = "elderly_alone"  # 空巢/孤寡老人
    BEDRIDDEN = "bedridden"  # 卧床
    DISABLED = "disabled"  # 残疾人
    NO_SMARTPHONE = "no_smartphone"  # 无智能手机/微信
    CHRONIC_PATIENT = "chronic_patient"  # 慢性病患者
    LOW_INCOME = "low_income"  # 低保户/特困人员/建档立卡贫困户
    LOST_ONLY_CHILD = "lost_only_child"  # 失独家庭


class GoodsCategory(enum.StrEnum):
    GRAIN_OIL = "grain_oil"  # 粮油
    MEAT = "meat"  # 肉
    EGGS = "eggs"  # 蛋
    MILK = "milk"  # 奶
    VEGETABLES = "vegetables"  # 蔬菜
    FRUIT = "fruit"  # 水果
    SALT = "salt"  # 食盐
    CONDIMENTS = "condiments"  # 调味品
    DAILY_GOODS = "daily_goods"  # 日用品
    MEDICINE = "medicine"  # 药品
    MEDICAL_SUPPLIES = "medical_supplies"  # 防疫物资
    DISINFECTANT = "disinfectant"  # 消毒用品


@attrs.frozen
class Department:
    """A member unit (成员单位) that owns some case categories."""

    code: str = attrs.field(validator=check_code)
    name: str = attrs.field(validator=check_not_blank)
    name_en: str = attrs.field(validator=check_not_blank)
    phone: str = attrs.field(default="", validator=check_phone)
    owns: tuple[str, ...] = ()


@attrs.frozen
class District:
    """A district (区) with its transfer station (区级物资转运站)."""

    code: str = attrs.field(validator=check_code)
    name: str = attrs.field(validator=check_not_blank)
    name_en: str = attrs.field(validator=check_not_blank)
    transfer_station: str = ""
    high_risk: bool = False


@attrs.frozen
class Community:
    """A community (社区) with its drop point (物资投放点) and assigned supermarket."""

    code: str = attrs.field(validator=check_code)
    name: str = attrs.field(validator=check_not_blank)
    name_en: str = attrs.field(validator=check_not_blank)
    district: str = attrs.field(validator=check_code)
    street: str = ""
    households: int = attrs.field(default=0, validator=check_non_negative)
    population: int = attrs.field(default=0, validator=check_non_negative)
    drop_point: str = ""
    supermarket: str = ""
    grid_workers: tuple[str, ...] = ()
    distance_km: float = attrs.field(default=0.0, validator=check_non_negative)


@attrs.frozen
class Supermarket:
    """A designated supermarket (保供超市) serving a zone of communities."""

    code: str = attrs.field(validator=check_code)
    name: str = attrs.field(validator=check_not_blank)
    name_en: str = attrs.field(validator=check_not_blank)
    phone: str = attrs.field(default="", validator=check_phone)
    address: str = ""
    zone: tuple[str, ...] = ()
    daily_order_capacity: int = attrs.field(default=0, validator=check_non_negative)


@attrs.frozen
class CatalogueItem:
    """One line of the goods catalogue (商品目录). Prices are integer fen (分)."""

    code: str = attrs.field(validator=check_code)
    name: str = attrs.field(validator=check_not_blank)
    name_en: str = attrs.field(validator=check_not_blank)
    unit: str = attrs.field(validator=check_not_blank)
    category: GoodsCategory
    kg: float = attrs.field(validator=check_non_negative)
    litres: float = attrs.field(validator=check_non_negative)
    price_fen: int = attrs.field(validator=check_non_negative)
    tier: int | None = attrs.field(default=None, validator=check_tier)
    chilled: bool = False
    chemical: bool = False
    necessity: bool = False


@attrs.frozen
class ListPrice:
    """One line of a supermarket's own price list (超市商品价目表): what that supermarket asks
    for a catalogue item, in integer fen. A resident pays no more than this (不得加价)."""

    supermarket: str = attrs.field(validator=check_code)
    item: str = attrs.field(validator=check_code)
    price_fen: int = attrs.field(validator=check_non_negative)


@attrs.frozen
class Resident:
    """A person living in a household (居民)."""

    name: str = attrs.field(validator=check_not_blank)
    phone: str = attrs.field(default="", validator=check_phone)
    age: int | None = None
    flags: frozenset[PriorityFlag] = frozenset()
    note: str = ""


@attrs.frozen
class Household:
    """A household (户) at an address in a community."""

    id: str = attrs.field(validator=check_code)
    community: str = attrs.field(validator=check_code)
    building: str = ""
    unit: str = ""
    room: str = ""
    phone: str = attrs.field(default="", validator=check_phone)
    residents: tuple[Resident, ...] = ()

    @property
    def size(self) -> int:
        return len(self.residents)

    @property
    def flags(self) -> frozenset[PriorityFlag]:
        found: set[PriorityFlag] = set()
        for resident in self.residents:
            found |= resident.flags
        return frozenset(found)


@attrs.frozen
class SlaRules:
    """When a case falls due (办理时限), following 12345 practice; hours unless said otherwise."""

    urgent_same_day: bool = True
    urgent_min_hours: float = attrs.field(default=2.0, validator=check_non_negative)
    request_hours: float = attrs.field(default=24.0, validator=check_non_negative)
    complaint_days: float = attrs.field(default=3.0, validator=check_non_negative)
    inquiry_hours: float = attrs.field(default=24.0, validator=check_non_negative)
    rumour_hours: float = attrs.field(default=4.0, validator=check_non_negative)
    callback_days: int = attrs.field(default=1, validator=check_non_negative)
    priority_people_hours: float = attrs.field(default=12.0, validator=check_non_negative)


def check_time_zone(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField(
            attribute.name,
            f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)",
        ) from None


@attrs.frozen
class DeskSettings:
    """``desk.toml``: who runs this desk and how (热线台设置)."""

    name: str = attrs.field(validator=check_not_blank)
    name_en: str = ""
    time_zone: str = attrs.field(default="Asia/Shanghai", validator=check_time_zone)
    locale: str = attrs.field(default="zh_CN")
    hotline: str = ""
    complaint_line: str = ""
    supervisors: tuple[str, ...] = ()
    supervisor_group: str = ""
    shared_group: bool = False
    training: bool = False
    #: the site code of the desk's own replica (``HX``); a replica made by ``baogong clone``
    #: names its own in ``local.toml`` (:mod:`core.replica.site`)
    site: str = attrs.field(default="", validator=check_site)
    #: on a desk that is a git repository, the app syncs it this often (minutes; 0: only
    #: ``baogong sync``)
    sync_minutes: int = attrs.field(default=0, validator=check_non_negative)
    sla: SlaRules = SlaRules()
    routing: dict[str, str] = attrs.Factory(dict)
    keys: dict[str, str] = attrs.Factory(dict)
    #: ``[[shifts]]`` in desk.toml (班次); see :mod:`core.shifts`
    shifts: tuple[ShiftTime, ...] = attrs.field(default=DEFAULT_SHIFTS, validator=check_shifts)
    #: ``[ladder]`` and ``[closure]``: the chase ladder and closure approval
    #: (:mod:`core.cases.escalation`)
    ladder: ChaseLadder = attrs.field(factory=ChaseLadder)
    closure: ClosureRules = attrs.field(factory=ClosureRules)

    @locale.validator
    def _check_locale(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in ("zh_CN", "en"):
            raise InvalidField(
                attribute.name, f"locale must be 'zh_CN' or 'en', got {value!r}"
            )

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.time_zone)
