"""core.names: every domain value has a Chinese and an English name."""

from __future__ import annotations

import enum
from collections.abc import Mapping

import pytest

from core import names
from core.cases.case import Action, CaseKind, CaseStatus, Evaluation, Priority
from core.levels.plans import Text
from core.levels.signals import Level
from core.reference import GoodsCategory, PriorityFlag


@pytest.mark.parametrize(("table", "values"), [
    (names.STATUS_NAMES, CaseStatus), (names.KIND_NAMES, CaseKind),
    (names.PRIORITY_NAMES, Priority), (names.EVALUATION_NAMES, Evaluation),
    (names.FLAG_NAMES, PriorityFlag), (names.FLAG_MARKS, PriorityFlag),
    (names.ACTION_NAMES, Action), (names.LEVEL_NAMES, Level),
    (names.GOODS_NAMES, GoodsCategory),
])
def test_every_value_is_named_in_both_languages(table: Mapping[enum.Enum, Text],
                                                values: type[enum.Enum]) -> None:
    assert set(table) == set(values)
    assert all(name.zh and name.en for name in table.values())
