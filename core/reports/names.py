"""Names of the desk's things in both languages, for report rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.cases.case import CaseStatus, Category
from core.levels.plans import Text
from core.reference import GoodsCategory, PriorityFlag

if TYPE_CHECKING:
    from core.desk import Desk

GOODS_NAMES: dict[GoodsCategory, Text] = {
    GoodsCategory.GRAIN_OIL: Text("粮油", "grain and oil"),
    GoodsCategory.MEAT: Text("肉", "meat"),
    GoodsCategory.EGGS: Text("蛋", "eggs"),
    GoodsCategory.MILK: Text("奶", "milk"),
    GoodsCategory.VEGETABLES: Text("蔬菜", "vegetables"),
    GoodsCategory.FRUIT: Text("水果", "fruit"),
    GoodsCategory.SALT: Text("食盐", "salt"),
    GoodsCategory.CONDIMENTS: Text("调味品", "condiments"),
    GoodsCategory.DAILY_GOODS: Text("日用品", "daily goods"),
    GoodsCategory.MEDICINE: Text("药品", "medicine"),
    GoodsCategory.MEDICAL_SUPPLIES: Text("防疫物资", "medical supplies"),
    GoodsCategory.DISINFECTANT: Text("消毒用品", "disinfectant"),
}
STATUS_NAMES: dict[CaseStatus, tuple[str, str]] = {
    CaseStatus.ACCEPTED: ("已受理", "accepted"),
    CaseStatus.DISPATCHED: ("已派单", "dispatched"),
    CaseStatus.IN_PROGRESS: ("办理中", "in progress"),
    CaseStatus.REPLIED: ("已答复", "replied"),
    CaseStatus.CHASED: ("已催办", "chased"),
    CaseStatus.RESOLVED: ("已办结", "resolved"),
    CaseStatus.CALLED_BACK: ("已回访", "called back"),
    CaseStatus.EVALUATED: ("已评价", "evaluated"),
    CaseStatus.REOPENED: ("重新办理", "reopened"),
}
#: priority people (特殊群体), as registers and reports name them
FLAG_NAMES: dict[PriorityFlag, Text] = {
    PriorityFlag.ELDERLY_ALONE: Text("独居老人", "Elderly living alone"),
    PriorityFlag.BEDRIDDEN: Text("卧床", "Bedridden"),
    PriorityFlag.DISABLED: Text("残疾人", "Disabled"),
    PriorityFlag.NO_SMARTPHONE: Text("无智能手机", "No smartphone"),
    PriorityFlag.CHRONIC_PATIENT: Text("慢性病患者", "Chronic patient"),
    PriorityFlag.LOW_INCOME: Text("低保/特困", "Low income"),
    PriorityFlag.LOST_ONLY_CHILD: Text("失独家庭", "Lost only child"),
}
UNSPECIFIED_GOODS = Text("未指明商品", "no catalogue goods named")


def category_name(category: Category) -> Text:
    return Text(category.info.name, category.info.name_en)


def department_name(desk: Desk, code: str) -> Text:
    department = desk.departments.get(code)
    if department is None:
        return Text(code or "（未派单）", code or "(none)")
    return Text(department.name, department.name_en)


def community_name(desk: Desk, code: str) -> Text:
    community = desk.communities.get(code)
    if community is None:
        return Text(code or "（未知社区）", code or "(unknown community)")
    return Text(community.name, community.name_en)


def district_name(desk: Desk, code: str) -> Text:
    if not code:
        return Text("全辖区", "whole area")
    district = desk.districts.get(code)
    if district is None:
        return Text(code, code)
    return Text(district.name, district.name_en)


def desk_name(desk: Desk) -> Text:
    return Text(desk.settings.name, desk.settings.name_en or desk.settings.name)
