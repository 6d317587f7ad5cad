"""The thresholds of the level rules (分级标准), read from ``levels.toml`` at the desk root.

Every city sets its own thresholds, so each one can be changed; every key is optional and the
defaults are the seeds' values (街道生活物资保障应急预案, 四、应急状态分级)::

    # levels.toml
    [grain_oil_weekly_rise]     # 粮油价格一周内上涨 (fractions: 0.2 is +20%)
    IV = 0.20
    III = 0.30
    II = 0.50
    I = 0.80

    [lean_pork_weekly_rise]     # 精瘦猪肉价格一周内上涨 (no level IV rule in the seeds)
    III = 0.20
    II = 0.30
    I = 0.40

    [tight_days]                # consecutive days a necessity has been tight (连续偏紧天数)
    IV = 1                      # 供应出现偏紧状态: tight today
    III = 10                    # 连续10天处于紧张状态
    II = 20                     # 常紧张: not in the seeds, see below

    [prices]
    window_days = 7             # 一周内: the window of the weekly rise

    [stock]
    tight_cover_days = 3.0      # stock covering fewer days of demand than this is tight (偏紧)

    [evidence]                  # hotline evidence, see core.levels.evidence
    window_hours = 24
    baseline_days = 7
    min_cases = 5
    ratio = 3.0

    [authority]                 # who starts each level (启动主体), see core.levels.authority
    IV = "street_office"
    III = "street_office"
    II = "county"
    I = "city"

Thresholds the seeds leave open, with the defaults chosen here:

- ``tight_days.II``: the seeds make "persistently tight" (常紧张) a level II trigger without a
  number of days. A signals record can say so directly (``persistently_tight = true``); besides,
  a run of tight days twice as long as level III's 10 counts as persistent (20 days).
- ``stock.tight_cover_days``: when tightness is derived from stock levels, a necessity is tight on
  a day when its stock covers fewer than 3 days of demand.

A threshold is reached when the value is equal to it or above (以上 includes the number); see
:data:`core.levels.classifier.TOLERANCE` for how floating point is handled at the boundary.
Unknown keys, wrong types, non-positive values and thresholds that fall as the level rises are
errors, each reported with its file and line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import attrs

from core.levels.authorities import Authorities, authority_order_problems
from core.levels.signals import MAX_RISE
from core.problems import InvalidField, Problem
from core.storage.convert import converter
from core.storage.tomlio import line_of, locate_lines, parse_toml, read_toml, structure

LEVELS_FILE = "levels.toml"


def _positive_rise(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 < value <= MAX_RISE:
        raise InvalidField(
            attribute.name,
            f"must be a fraction above 0 and at most {MAX_RISE:g} (0.2 is +20%), got {value}"
        )


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if not value > 0:
        raise InvalidField(attribute.name, f"must be above 0, got {value}")


@attrs.frozen
class GrainOilRise:
    """Weekly rise of grain/oil prices that triggers each level (粮油价格一周内上涨)."""

    IV: float = attrs.field(default=0.20, validator=_positive_rise)
    III: float = attrs.field(default=0.30, validator=_positive_rise)
    II: float = attrs.field(default=0.50, validator=_positive_rise)
    I: float = attrs.field(default=0.80, validator=_positive_rise)  # noqa: E741


@attrs.frozen
class LeanPorkRise:
    """Weekly rise of lean pork prices that triggers each level (精瘦猪肉价格一周内上涨)."""

    III: float = attrs.field(default=0.20, validator=_positive_rise)
    II: float = attrs.field(default=0.30, validator=_positive_rise)
    I: float = attrs.field(default=0.40, validator=_positive_rise)  # noqa: E741


@attrs.frozen
class TightDays:
    """Consecutive days of tight supply that trigger each level (供应偏紧/紧张/常紧张)."""

    IV: int = attrs.field(default=1, validator=_positive)
    III: int = attrs.field(default=10, validator=_positive)
    II: int = attrs.field(default=20, validator=_positive)


@attrs.frozen
class PriceRule:
    window_days: int = attrs.field(default=7, validator=_positive)


@attrs.frozen
class StockRule:
    tight_cover_days: float = attrs.field(default=3.0, validator=_positive)


@attrs.frozen
class EvidenceRule:
    """When hotline calls in one community count as a surge (see core.levels.evidence)."""

    window_hours: int = attrs.field(default=24, validator=_positive)
    baseline_days: int = attrs.field(default=7, validator=_positive)
    min_cases: int = attrs.field(default=5, validator=_positive)
    ratio: float = attrs.field(default=3.0, validator=_positive)


@attrs.frozen
class Thresholds:
    """All thresholds of one desk; ``Thresholds()`` is the seeds' defaults."""

    grain_oil_weekly_rise: GrainOilRise = GrainOilRise()
    lean_pork_weekly_rise: LeanPorkRise = LeanPorkRise()
    tight_days: TightDays = TightDays()
    prices: PriceRule = PriceRule()
    stock: StockRule = StockRule()
    evidence: EvidenceRule = EvidenceRule()
    authority: Authorities = attrs.Factory(Authorities)


DEFAULT_THRESHOLDS = Thresholds()

#: (table, keys from the least to the most severe level): each must not fall
_ORDERED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("grain_oil_weekly_rise", ("IV", "III", "II", "I")),
    ("lean_pork_weekly_rise", ("III", "II", "I")),
    ("tight_days", ("IV", "III", "II")),
)


#: tables whose values are weekly rises (fractions); every other value must just be above 0
_RISE_TABLES = frozenset({"grain_oil_weekly_rise", "lean_pork_weekly_rise"})


def _order_problems(thresholds: Thresholds, path: Path, text: str) -> Iterator[Problem]:
    lines = locate_lines(text)
    for table, keys in _ORDERED:
        group = getattr(thresholds, table)
        for lower, higher in pairwise(keys):
            if getattr(group, higher) < getattr(group, lower):
                # point at the key the file sets (the other one may be a default)
                key = higher if (table, higher) in lines else lower
                yield Problem(
                    path,
                    line_of(lines, (table, key)),
                    f"level {higher} threshold {getattr(group, higher)} is below level {lower}'s "
                    f"{getattr(group, lower)}; a more severe level needs a larger value",
                    f"{table}.{key}",
                )


def _range_problems(data: dict[str, Any], path: Path, text: str) -> list[Problem]:
    """Values out of range, checked on the raw data so that each names its own key and line
    (an attrs validator's error would only name the table)."""
    lines = locate_lines(text)
    problems: list[Problem] = []
    for table, values in data.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if table in _RISE_TABLES and not 0 < value <= MAX_RISE:
                message = (f"must be a fraction above 0 and at most {MAX_RISE:g} "
                           f"(0.2 is +20%), got {value}")
            elif table not in _RISE_TABLES and not value > 0:
                message = f"must be above 0, got {value}"
            else:
                continue
            problems.append(Problem(path, line_of(lines, (table, key)), message, f"{table}.{key}"))
    return problems


def thresholds_from_data(
    data: dict[str, Any], path: Path, text: str
) -> tuple[Thresholds | None, list[Problem]]:
    problems = _range_problems(data, path, text)
    if problems:
        # report the other problems too, without the values already reported
        bad = {tuple(str(p.field).split(".")) for p in problems}
        data = {
            table: ({k: v for k, v in values.items() if (table, k) not in bad}
                    if isinstance(values, dict) else values)
            for table, values in data.items()
        }
    thresholds, found = structure(converter, data, Thresholds, path, text)
    problems.extend(found)
    if thresholds is None or problems:
        return None, problems
    problems = list(_order_problems(thresholds, path, text))
    problems.extend(authority_order_problems(thresholds.authority, path, text))
    return (None if problems else thresholds), problems


def parse_thresholds(path: Path, raw: bytes) -> tuple[Thresholds | None, list[Problem]]:
    """Thresholds from the bytes of a ``levels.toml``; ``None`` and every problem if invalid."""
    data, text, problems = parse_toml(path, raw)
    if data is None:
        return None, problems
    return thresholds_from_data(data, path, text)


def load_thresholds(path: Path) -> tuple[Thresholds | None, list[Problem]]:
    """Thresholds from ``path``; the defaults if the file does not exist."""
    if not os.path.lexists(path):
        return DEFAULT_THRESHOLDS, []
    data, text, problems = read_toml(path)
    if data is None:
        return None, problems
    return thresholds_from_data(data, path, text)


def desk_thresholds(root: Path) -> tuple[Thresholds | None, list[Problem]]:
    """The thresholds of the desk at ``root`` (``levels.toml``), or the defaults without one."""
    return load_thresholds(root / LEVELS_FILE)


def thresholds_to_data(thresholds: Thresholds) -> dict[str, Any]:
    """TOML-ready data; writing it and reading it back gives equal thresholds."""
    data: dict[str, Any] = converter.unstructure(thresholds)
    return data
