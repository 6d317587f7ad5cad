"""Names of a desk's own things (departments, communities, districts, the desk) in both
languages, for report rows; names of domain values are in :mod:`core.names`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.levels.plans import Text

if TYPE_CHECKING:
    from core.desk import Desk

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
