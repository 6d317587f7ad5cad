"""The choices of the pickers that several screens share: case categories, priority people and
priorities, each with its Chinese name for pinyin search."""

from __future__ import annotations

from core.cases.case import Category, Priority
from core.reference import PriorityFlag
from tui.i18n import (
    FLAG_NAMES,
    PRIORITY_NAMES,
    _,
    category_name,
    chinese,
    flag_name,
    kind_name,
    priority_name,
)
from tui.widgets.common import Choice

#: the value of a filter's "any" choice
ALL = "*"


def category_choices(any_: bool = True) -> list[Choice]:
    head = [Choice.of(ALL, _("Any"))] if any_ else []
    return head + [
        Choice.of(c.value, f"{kind_name(c.kind)} / {category_name(c)}", c.info.name,
                  c.info.name_en)
        for c in Category
    ]


def flag_choices(any_: bool = True) -> list[Choice]:
    head = [Choice.of(ALL, _("Any"), chinese("Any"))] if any_ else []
    return head + [Choice.of(f.value, flag_name(f), chinese(FLAG_NAMES[f])) for f in PriorityFlag]


def priority_choices() -> list[Choice]:
    return [Choice.of(p.value, priority_name(p), chinese(PRIORITY_NAMES[p]))
            for p in (Priority.NORMAL, Priority.HIGH, Priority.URGENT)]
