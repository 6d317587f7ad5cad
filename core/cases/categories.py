"""Kinds and categories of hotline cases (工单性质与类别), with each category's Chinese and English
name, the department a case of it goes to by default and the classifier evidence it counts as.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

import attrs


class CaseKind(enum.StrEnum):
    REQUEST = "request"  # 需求
    COMPLAINT = "complaint"  # 投诉
    INQUIRY = "inquiry"  # 咨询
    RUMOUR = "rumour"  # 不实信息


@attrs.frozen
class CategoryInfo:
    kind: CaseKind
    name: str
    name_en: str
    department: str
    evidence: str | None = None  # "shortage", "panic_buying" or "price_rise" for the classifier


class Category(enum.StrEnum):
    GROCERIES = "groceries"
    CHRONIC_MEDICINE = "chronic_medicine"
    ORDERING_HELP = "ordering_help"
    HARDSHIP_RELIEF = "hardship_relief"
    UTILITY_REPAIR = "utility_repair"
    VEHICLE_PASS = "vehicle_pass"
    MEDICAL_SUPPLIES = "medical_supplies"
    PRICE_GOUGING = "price_gouging"
    HOARDING = "hoarding"
    COUNTERFEIT = "counterfeit"
    FOOD_SAFETY = "food_safety"
    SERVICE_FEE = "service_fee"
    DELIVERY_LATE = "delivery_late"
    DELIVERY_MISSING = "delivery_missing"
    DELIVERY_SHORT = "delivery_short"
    SUPERMARKET_SERVICE = "supermarket_service"
    SHORTAGE = "shortage"
    PANIC_BUYING = "panic_buying"
    WATER_OUTAGE = "water_outage"
    POWER_OUTAGE = "power_outage"
    GAS_OUTAGE = "gas_outage"
    HEATING_OUTAGE = "heating_outage"
    SUPPLY_INQUIRY = "supply_inquiry"
    POLICY_INQUIRY = "policy_inquiry"
    RUMOUR = "rumour"

    @property
    def info(self) -> CategoryInfo:
        return CATEGORIES[self]

    @property
    def kind(self) -> CaseKind:
        return CATEGORIES[self].kind


_R, _C, _I, _U = CaseKind.REQUEST, CaseKind.COMPLAINT, CaseKind.INQUIRY, CaseKind.RUMOUR
CATEGORIES: dict[Category, CategoryInfo] = {
    Category.GROCERIES: CategoryInfo(_R, "生活物资", "Groceries and daily goods", "commerce"),
    Category.CHRONIC_MEDICINE: CategoryInfo(_R, "慢性病购药", "Chronic patient medicine", "health"),
    Category.ORDERING_HELP: CategoryInfo(_R, "代购代办", "Cannot order online", "street"),
    Category.HARDSHIP_RELIEF: CategoryInfo(_R, "困难救助", "Hardship relief", "civil_affairs"),
    Category.UTILITY_REPAIR: CategoryInfo(_R, "水电气报修", "Utility repair", "urban_management"),
    Category.VEHICLE_PASS: CategoryInfo(_R, "车辆通行证", "Vehicle pass", "transport"),
    Category.MEDICAL_SUPPLIES: CategoryInfo(_R, "防疫物资", "Medical supplies", "health"),
    Category.PRICE_GOUGING: CategoryInfo(
        _C, "哄抬价格", "Price gouging", "market_regulation", "price_rise"
    ),
    Category.HOARDING: CategoryInfo(
        _C, "囤积居奇", "Hoarding", "market_regulation", "panic_buying"
    ),
    Category.COUNTERFEIT: CategoryInfo(_C, "制假售假", "Counterfeit goods", "market_regulation"),
    Category.FOOD_SAFETY: CategoryInfo(_C, "食品安全", "Food safety", "market_regulation"),
    Category.SERVICE_FEE: CategoryInfo(
        _C, "收取服务费或加价", "Service fee or markup", "market_regulation"
    ),
    Category.DELIVERY_LATE: CategoryInfo(_C, "配送延迟", "Late delivery", "commerce"),
    Category.DELIVERY_MISSING: CategoryInfo(_C, "未送达", "Missing delivery", "commerce"),
    Category.DELIVERY_SHORT: CategoryInfo(_C, "少送短缺", "Short delivery", "commerce"),
    Category.SUPERMARKET_SERVICE: CategoryInfo(
        _C, "超市服务", "Supermarket service", "commerce"
    ),
    Category.SHORTAGE: CategoryInfo(
        _C, "物资品种短缺", "Goods in short supply", "commerce", "shortage"
    ),
    Category.PANIC_BUYING: CategoryInfo(
        _C, "抢购", "Panic buying", "market_regulation", "panic_buying"
    ),
    Category.WATER_OUTAGE: CategoryInfo(_C, "停水", "Water outage", "urban_management"),
    Category.POWER_OUTAGE: CategoryInfo(_C, "停电", "Power outage", "power"),
    Category.GAS_OUTAGE: CategoryInfo(_C, "停气", "Gas outage", "urban_management"),
    Category.HEATING_OUTAGE: CategoryInfo(_C, "停暖", "Heating outage", "urban_management"),
    Category.SUPPLY_INQUIRY: CategoryInfo(_I, "保供咨询", "Supply inquiry", "street"),
    Category.POLICY_INQUIRY: CategoryInfo(_I, "政策咨询", "Policy inquiry", "publicity"),
    Category.RUMOUR: CategoryInfo(_U, "不实信息", "Rumour report", "police"),
}


def default_department(category: Category, routing: Mapping[str, str] | None = None,
                       owners: Mapping[str, Sequence[str]] | None = None) -> str:
    """The department a new case of ``category`` goes to when the operator names none: the
    desk's routing table (``desk.toml`` ``[routing]``); else the department that owns the
    category in ``departments.toml`` (``owners``: category -> the codes of the departments
    whose ``owns`` lists it; of several, the category's own department if it is one of them,
    else the first); else the category's own department.

    The one place this is decided: the intake form, the store and :func:`new_case` ask it."""
    routed = (routing or {}).get(category.value)
    if routed:
        return routed
    owning = (owners or {}).get(category.value, ())
    if owning and category.info.department not in owning:
        return owning[0]
    return category.info.department
