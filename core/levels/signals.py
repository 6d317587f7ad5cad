"""Market signals for a district and day (市场监测信号), and the levels they lead to.

A :class:`Signals` record is what the classifier reads: the weekly rise of grain/oil and of lean
pork prices as fractions (0.25 is +25%), the extent of panic buying, how many consecutive days a
necessity (粮油、肉蛋奶、蔬菜、食盐) has been tight, whether supply is persistently tight and
whether any necessity is out of stock. :mod:`core.levels.derive` computes some of them from
price series and stock levels.
"""

from __future__ import annotations

import enum
import math

import attrs

from core.problems import InvalidField


class Level(enum.StrEnum):
    """Emergency level for daily necessities (应急状态分级); ``I`` is the most severe."""

    NONE = "none"
    IV = "IV"  # 一般
    III = "III"  # 紧张
    II = "II"  # 紧急
    I = "I"  # 特急  # noqa: E741

    @property
    def rank(self) -> int:
        """0 for none, 1 for IV ... 4 for I: a larger rank is a more severe level."""
        return _LEVEL_RANK[self]

    @property
    def name_zh(self) -> str:
        return _LEVEL_NAMES[self][0]

    @property
    def name_en(self) -> str:
        return _LEVEL_NAMES[self][1]

    def label(self, lang: str = "zh") -> str:
        """``IV级 一般状态`` or ``level IV (general)``."""
        zh, en = _LEVEL_NAMES[self]
        if self is Level.NONE:
            return zh if lang == "zh" else en
        return f"{self.value}级 {zh}" if lang == "zh" else f"level {self.value} ({en})"

    @classmethod
    def from_rank(cls, rank: int) -> Level:
        return LEVELS_BY_RANK[rank]


LEVELS_BY_RANK: tuple[Level, ...] = (Level.NONE, Level.IV, Level.III, Level.II, Level.I)
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS_BY_RANK)}
_LEVEL_NAMES = {
    Level.NONE: ("未达到应急状态", "no emergency"),
    Level.IV: ("一般状态", "general"),
    Level.III: ("紧张状态", "tense"),
    Level.II: ("紧急状态", "urgent"),
    Level.I: ("特急状态", "extreme"),
}


class PanicBuying(enum.StrEnum):
    """How widely people are panic buying (群众抢购); each value includes the ones before it."""

    NONE = "none"
    WIDE = "wide"  # 较大范围出现群众抢购
    LARGE = "large"  # 群众大量抢购
    CONCENTRATED = "concentrated"  # 群众大量集中抢购

    @property
    def rank(self) -> int:
        return _PANIC_RANK[self]

    @property
    def name_zh(self) -> str:
        return _PANIC_NAMES[self]


_PANIC_RANK = {value: rank for rank, value in enumerate(PanicBuying)}
_PANIC_NAMES = {
    PanicBuying.NONE: "无抢购",
    PanicBuying.WIDE: "较大范围抢购",
    PanicBuying.LARGE: "大量抢购",
    PanicBuying.CONCENTRATED: "大量集中抢购",
}

#: a weekly rise above this is almost surely a percentage written where a fraction was meant
MAX_RISE = 10.0


def check_rise(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value):
        raise InvalidField(attribute.name, f"must be a finite number, got {value}")
    if value < -1.0:
        raise InvalidField(attribute.name, f"a price cannot fall by more than 100% (got {value})")
    if value > MAX_RISE:
        raise InvalidField(
            attribute.name,
            f"{value} would be a rise of {value:.0%}; rises are fractions (0.25 is +25%)"
        )


def check_days(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        raise InvalidField(attribute.name, f"must not be negative, got {value}")


#: the keys of the ``[signals]`` table of a signals file, in order; scripts rely on them
SIGNAL_KEYS: tuple[str, ...] = (
    "grain_oil_weekly_rise",
    "lean_pork_weekly_rise",
    "panic_buying",
    "tight_days",
    "persistently_tight",
    "stockout",
)


@attrs.frozen
class Signals:
    """Market signals for a district and day (市场信号). The defaults mean "all calm"."""

    grain_oil_weekly_rise: float = attrs.field(default=0.0, validator=check_rise)  # 粮油周涨幅
    lean_pork_weekly_rise: float = attrs.field(default=0.0, validator=check_rise)  # 精瘦猪肉周涨幅
    panic_buying: PanicBuying = attrs.field(default=PanicBuying.NONE, converter=PanicBuying)
    tight_days: int = attrs.field(default=0, validator=check_days)  # 连续偏紧天数
    persistently_tight: bool = False  # 供应常紧张
    stockout: bool = False  # 断档脱销

