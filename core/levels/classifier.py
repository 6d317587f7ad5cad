"""The emergency level classifier (应急状态分级): signals -> level, the rules that fired, the plan.

The rules are the seeds' table (see DOMAIN.md §3 and :mod:`core.levels.thresholds`):

======  ==============================================================================
level   any of these triggers it
======  ==============================================================================
IV      panic buying over a fairly large area; a necessity tight (1 day); grain/oil +20%
III     large-scale panic buying; tight 10 consecutive days; grain/oil +30%; lean pork +20%
II      concentrated panic buying; persistently tight (flag, or 20 days); grain/oil +50%;
        lean pork +30%
I       concentrated panic buying together with stock-outs; grain/oil +80%; lean pork +40%
======  ==============================================================================

The highest level whose condition holds wins. One addition to the table: a stock-out (断档脱销)
without concentrated panic buying still means supply of a necessity is at least tight (偏紧), so it
triggers level IV.

Every rule compares "at or above" (以上 includes the number) and every condition only gets truer
when a signal gets worse, so the level never falls when a signal worsens.

Floating point: rises are binary fractions, and one computed from prices can land a hair under
its threshold (``1.2 - 1 == 0.19999999999999996``). A rise reaches a threshold when it is at least
``threshold - TOLERANCE`` with ``TOLERANCE = 1e-9``. Prices are whole fen, so no real rise lies
that close below a threshold without being equal to it: +19.9% stays below +20%. Decimal
arithmetic would give the same answers several times slower.

For each signal only the most severe rule it fired is reported (grain/oil +85% reports the level I
rule, not also those of II, III and IV, which it plainly meets too).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from core.levels.manual import Decision
from core.levels.plans import Plan, Text, plan_for
from core.levels.signals import Level, PanicBuying, Signals
from core.levels.thresholds import DEFAULT_THRESHOLDS, Thresholds

TOLERANCE = 1e-9

#: rule ids, in the order they are reported within a level
RULES: tuple[str, ...] = (
    "concentrated_panic_with_stockout",
    "panic_buying",
    "persistently_tight",
    "tight_supply",
    "stockout",
    "grain_oil_rise",
    "lean_pork_rise",
)
_RULE_ORDER = {rule: position for position, rule in enumerate(RULES)}


@attrs.frozen
class FiredRule:
    """A rule whose condition held, with the value it saw and the threshold it met."""

    rule: str
    level: Level
    signal: str
    value: float | int | bool | str
    threshold: float | int | bool | str
    explanation: Text


@attrs.frozen
class Assessment:
    """The result of classifying one set of signals.

    ``computed`` is the level the rules give; a supervisor's manual decision (``manual``) can raise
    it, never silently lower it: ``level`` is the more severe of the two.
    """

    signals: Signals
    computed: Level
    fired: tuple[FiredRule, ...]
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    manual: Decision | None = None

    @property
    def level(self) -> Level:
        if self.manual is not None and self.manual.level.rank > self.computed.rank:
            return self.manual.level
        return self.computed

    @property
    def plan(self) -> Plan:
        return plan_for(self.level)


def percent(fraction: float) -> str:
    """``0.2`` -> ``20%``, ``0.199`` -> ``19.9%``, ``0.12345`` -> ``12.35%``."""
    text = f"{fraction * 100:.2f}".rstrip("0").rstrip(".")
    return f"{'0' if text == '-0' else text}%"


_PANIC_TEXT = {
    PanicBuying.WIDE: ("辖区内较大范围出现群众抢购", "panic buying over a fairly large area"),
    PanicBuying.LARGE: ("辖区出现群众大量抢购", "large-scale panic buying"),
    PanicBuying.CONCENTRATED: (
        "辖区出现群众大量集中抢购", "large-scale concentrated panic buying"),
}


class Classifier:
    """The rules compiled for one set of thresholds; reuse it to classify many records."""

    def __init__(self, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        self.thresholds = thresholds
        grain, pork, days = (
            thresholds.grain_oil_weekly_rise, thresholds.lean_pork_weekly_rise,
            thresholds.tight_days,
        )
        # most severe first: (level, threshold)
        self._grain = ((Level.I, grain.I), (Level.II, grain.II), (Level.III, grain.III),
                       (Level.IV, grain.IV))
        self._pork = ((Level.I, pork.I), (Level.II, pork.II), (Level.III, pork.III))
        self._days = ((Level.II, days.II), (Level.III, days.III), (Level.IV, days.IV))
        self._g1, self._g2, self._g3, self._g4 = (t - TOLERANCE for _, t in self._grain)
        self._p1, self._p2, self._p3 = (t - TOLERANCE for _, t in self._pork)
        self._d2, self._d3, self._d4 = (t for _, t in self._days)

    def level(self, signals: Signals) -> Level:
        """The level the rules give, without explanations: the fast path for bulk data."""
        grain = signals.grain_oil_weekly_rise
        pork = signals.lean_pork_weekly_rise
        panic = signals.panic_buying
        days = signals.tight_days
        concentrated = panic is PanicBuying.CONCENTRATED
        if grain >= self._g1 or pork >= self._p1 or (concentrated and signals.stockout):
            return Level.I
        if (grain >= self._g2 or pork >= self._p2 or concentrated
                or signals.persistently_tight or days >= self._d2):
            return Level.II
        if grain >= self._g3 or pork >= self._p3 or panic is PanicBuying.LARGE or days >= self._d3:
            return Level.III
        if grain >= self._g4 or panic is PanicBuying.WIDE or days >= self._d4 or signals.stockout:
            return Level.IV
        return Level.NONE

    def fired(self, signals: Signals) -> tuple[FiredRule, ...]:
        """Every rule that fired (the most severe one per signal), most severe level first."""
        found: list[FiredRule] = []
        grain = signals.grain_oil_weekly_rise
        for level, threshold in self._grain:
            if grain >= threshold - TOLERANCE:
                found.append(FiredRule(
                    "grain_oil_rise", level, "grain_oil_weekly_rise", grain, threshold, Text(
                        f"粮油价格一周内上涨{percent(grain)}，达到{level.value}级标准"
                        f"（{percent(threshold)}以上）",
                        f"grain and oil prices rose {percent(grain)} within a week, reaching "
                        f"the level {level.value} threshold ({percent(threshold)} or more)",
                    )))
                break
        pork = signals.lean_pork_weekly_rise
        for level, threshold in self._pork:
            if pork >= threshold - TOLERANCE:
                found.append(FiredRule(
                    "lean_pork_rise", level, "lean_pork_weekly_rise", pork, threshold, Text(
                        f"精瘦猪肉价格一周内上涨{percent(pork)}，达到{level.value}级标准"
                        f"（{percent(threshold)}以上）",
                        f"lean pork prices rose {percent(pork)} within a week, reaching "
                        f"the level {level.value} threshold ({percent(threshold)} or more)",
                    )))
                break
        panic = signals.panic_buying
        if panic is not PanicBuying.NONE:
            level = {PanicBuying.WIDE: Level.IV, PanicBuying.LARGE: Level.III,
                     PanicBuying.CONCENTRATED: Level.II}[panic]
            zh, en = _PANIC_TEXT[panic]
            found.append(FiredRule(
                "panic_buying", level, "panic_buying", panic.value, panic.value,
                Text(f"{zh}（抢购程度：{panic.name_zh}）", f"{en} (panic buying: {panic.value})"),
            ))
        if signals.stockout:
            if panic is PanicBuying.CONCENTRATED:
                found.append(FiredRule(
                    "concentrated_panic_with_stockout", Level.I, "stockout", True, True, Text(
                        "群众大量集中抢购，并出现粮油、肉蛋奶、蔬菜、食盐断档脱销",
                        "large-scale concentrated panic buying together with stock-outs of "
                        "necessities",
                    )))
            else:
                found.append(FiredRule(
                    "stockout", Level.IV, "stockout", True, True, Text(
                        "生活必需品出现断档脱销，供应至少处于偏紧状态",
                        "a necessity is out of stock, so its supply is at least tight",
                    )))
        if signals.persistently_tight:
            found.append(FiredRule(
                "persistently_tight", Level.II, "persistently_tight", True, True, Text(
                    "粮油、肉蛋奶、蔬菜、食盐供应处于常紧张状态",
                    "supply of necessities is persistently tight",
                )))
        days = signals.tight_days
        for level, threshold in self._days:
            if days >= threshold:
                if level is Level.II:
                    text = Text(
                        f"生活必需品供应连续{days}天紧张，达到常紧张标准（{threshold}天以上）",
                        f"a necessity has been tight for {days} consecutive days, which counts "
                        f"as persistently tight ({threshold} days or more)",
                    )
                elif level is Level.III:
                    text = Text(
                        f"生活必需品供应连续{days}天处于紧张状态（标准：连续{threshold}天）",
                        f"a necessity has been tight for {days} consecutive days "
                        f"(threshold: {threshold} days)",
                    )
                else:
                    text = Text(
                        f"生活必需品供应出现偏紧状态（已连续{days}天）",
                        f"supply of a necessity is tight ({days} consecutive days)",
                    )
                found.append(FiredRule("tight_supply", level, "tight_days", days, threshold, text))
                break
        found.sort(key=lambda r: (-r.level.rank, _RULE_ORDER[r.rule]))
        return tuple(found)

    def assess(self, signals: Signals, manual: Decision | None = None) -> Assessment:
        """The level, every rule that fired and (through ``plan``) the response plan."""
        fired = self.fired(signals)
        computed = fired[0].level if fired else Level.NONE
        return Assessment(signals, computed, fired, self.thresholds, manual)

    def levels(self, records: Iterable[Signals]) -> list[Level]:
        level = self.level
        return [level(signals) for signals in records]


_DEFAULT = Classifier()


def classify(
    signals: Signals,
    thresholds: Thresholds | None = None,
    *,
    manual: Decision | None = None,
) -> Assessment:
    """Classify ``signals`` under ``thresholds`` (the seeds' defaults if omitted)."""
    classifier = _DEFAULT if thresholds is None or thresholds == DEFAULT_THRESHOLDS else (
        Classifier(thresholds))
    return classifier.assess(signals, manual)
