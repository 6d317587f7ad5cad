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
from core.levels.signals import LEVELS_BY_RANK, Level, PanicBuying, Signals
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


_RANK = {level: level.rank for level in Level}
_PANIC_LEVEL = {PanicBuying.WIDE: Level.IV, PanicBuying.LARGE: Level.III,
                PanicBuying.CONCENTRATED: Level.II}

#: a rule that held: (rule id, level, signal, value seen, threshold met)
_Hit = tuple[str, Level, str, float | int | bool | str, float | int | bool | str]


class Classifier:
    """The rules compiled for one set of thresholds; reuse it to classify many records."""

    def __init__(self, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        self.thresholds = thresholds
        grain, pork, days = (
            thresholds.grain_oil_weekly_rise, thresholds.lean_pork_weekly_rise,
            thresholds.tight_days,
        )
        # most severe first: (level, the value that reaches it, threshold)
        self._grain = tuple((level, t - TOLERANCE, t) for level, t in (
            (Level.I, grain.I), (Level.II, grain.II), (Level.III, grain.III), (Level.IV, grain.IV)))
        self._pork = tuple((level, t - TOLERANCE, t) for level, t in (
            (Level.I, pork.I), (Level.II, pork.II), (Level.III, pork.III)))
        self._days = ((Level.II, days.II, days.II), (Level.III, days.III, days.III),
                      (Level.IV, days.IV, days.IV))

    def hits(self, signals: Signals) -> list[_Hit]:
        """The rule table: for each signal the most severe rule that holds."""
        found: list[_Hit] = []
        grain = signals.grain_oil_weekly_rise
        for level, reach, threshold in self._grain:
            if grain >= reach:
                found.append(("grain_oil_rise", level, "grain_oil_weekly_rise", grain, threshold))
                break
        pork = signals.lean_pork_weekly_rise
        for level, reach, threshold in self._pork:
            if pork >= reach:
                found.append(("lean_pork_rise", level, "lean_pork_weekly_rise", pork, threshold))
                break
        panic = signals.panic_buying
        if panic is not PanicBuying.NONE:
            found.append(("panic_buying", _PANIC_LEVEL[panic], "panic_buying", panic.value,
                          panic.value))
        if signals.stockout:
            if panic is PanicBuying.CONCENTRATED:
                found.append(("concentrated_panic_with_stockout", Level.I, "stockout", True, True))
            else:
                found.append(("stockout", Level.IV, "stockout", True, True))
        if signals.persistently_tight:
            found.append(("persistently_tight", Level.II, "persistently_tight", True, True))
        days = signals.tight_days
        for level, reach, threshold in self._days:
            if days >= reach:
                found.append(("tight_supply", level, "tight_days", days, threshold))
                break
        return found

    def level(self, signals: Signals) -> Level:
        """The level the rules give, without explanations: the fast path for bulk data."""
        hits = self.hits(signals)
        if not hits:
            return Level.NONE
        return LEVELS_BY_RANK[max([_RANK[hit[1]] for hit in hits])]

    def fired(self, signals: Signals) -> tuple[FiredRule, ...]:
        """Every rule that fired (the most severe one per signal), most severe level first."""
        found = [FiredRule(rule, level, signal, value, threshold,
                           _explanation(rule, level, value, threshold))
                 for rule, level, signal, value, threshold in self.hits(signals)]
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


def _explanation(rule: str, level: Level, value: float | int | bool | str,
                 threshold: float | int | bool | str) -> Text:
    """Why ``rule`` fired, in both languages."""
    if rule == "grain_oil_rise":
        return Text(
            f"粮油价格一周内上涨{percent(float(value))}，达到{level.value}级标准"
            f"（{percent(float(threshold))}以上）",
            f"grain and oil prices rose {percent(float(value))} within a week, reaching "
            f"the level {level.value} threshold ({percent(float(threshold))} or more)")
    if rule == "lean_pork_rise":
        return Text(
            f"精瘦猪肉价格一周内上涨{percent(float(value))}，达到{level.value}级标准"
            f"（{percent(float(threshold))}以上）",
            f"lean pork prices rose {percent(float(value))} within a week, reaching "
            f"the level {level.value} threshold ({percent(float(threshold))} or more)")
    if rule == "panic_buying":
        panic = PanicBuying(str(value))
        zh, en = _PANIC_TEXT[panic]
        return Text(f"{zh}（抢购程度：{panic.name_zh}）", f"{en} (panic buying: {panic.value})")
    if rule == "concentrated_panic_with_stockout":
        return Text("群众大量集中抢购，并出现粮油、肉蛋奶、蔬菜、食盐断档脱销",
                    "large-scale concentrated panic buying together with stock-outs of "
                    "necessities")
    if rule == "stockout":
        return Text("生活必需品出现断档脱销，供应至少处于偏紧状态",
                    "a necessity is out of stock, so its supply is at least tight")
    if rule == "persistently_tight":
        return Text("粮油、肉蛋奶、蔬菜、食盐供应处于常紧张状态",
                    "supply of necessities is persistently tight")
    if level is Level.II:
        return Text(
            f"生活必需品供应连续{value}天紧张，达到常紧张标准（{threshold}天以上）",
            f"a necessity has been tight for {value} consecutive days, which counts "
            f"as persistently tight ({threshold} days or more)")
    if level is Level.III:
        return Text(
            f"生活必需品供应连续{value}天处于紧张状态（标准：连续{threshold}天）",
            f"a necessity has been tight for {value} consecutive days "
            f"(threshold: {threshold} days)")
    return Text(f"生活必需品供应出现偏紧状态（已连续{value}天）",
                f"supply of a necessity is tight ({value} consecutive days)")


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
