"""Every row of the seeds' table (应急状态分级) is a test, with each boundary."""

from __future__ import annotations

import pytest

from core.levels import (
    PLANS,
    Classifier,
    Level,
    PanicBuying,
    Signals,
    Thresholds,
    classify,
)
from core.levels.thresholds import GrainOilRise

P = PanicBuying


@pytest.mark.parametrize(
    ("signals", "level", "rule"),
    [
        # IV 一般: 较大范围抢购; 供应偏紧; 粮油一周内上涨20%
        (Signals(panic_buying=P.WIDE), Level.IV, "panic_buying"),
        (Signals(tight_days=1), Level.IV, "tight_supply"),
        (Signals(grain_oil_weekly_rise=0.20), Level.IV, "grain_oil_rise"),
        # III 紧张: 大量抢购; 连续10天紧张; 粮油30%; 精瘦猪肉20%以上
        (Signals(panic_buying=P.LARGE), Level.III, "panic_buying"),
        (Signals(tight_days=10), Level.III, "tight_supply"),
        (Signals(grain_oil_weekly_rise=0.30), Level.III, "grain_oil_rise"),
        (Signals(lean_pork_weekly_rise=0.20), Level.III, "lean_pork_rise"),
        # II 紧急: 大量集中抢购; 常紧张; 粮油50%以上; 精瘦猪肉30%以上
        (Signals(panic_buying=P.CONCENTRATED), Level.II, "panic_buying"),
        (Signals(persistently_tight=True), Level.II, "persistently_tight"),
        (Signals(tight_days=20), Level.II, "tight_supply"),
        (Signals(grain_oil_weekly_rise=0.50), Level.II, "grain_oil_rise"),
        (Signals(lean_pork_weekly_rise=0.30), Level.II, "lean_pork_rise"),
        # I 特急: 大量集中抢购并断档脱销; 粮油80%; 精瘦猪肉40%以上
        (Signals(panic_buying=P.CONCENTRATED, stockout=True), Level.I,
         "concentrated_panic_with_stockout"),
        (Signals(grain_oil_weekly_rise=0.80), Level.I, "grain_oil_rise"),
        (Signals(lean_pork_weekly_rise=0.40), Level.I, "lean_pork_rise"),
    ],
    ids=lambda v: repr(v) if not isinstance(v, Signals) else None,
)
def test_each_row_of_the_seed_table(signals: Signals, level: Level, rule: str) -> None:
    assessment = classify(signals)
    assert assessment.level is level
    assert assessment.fired[0].level is level
    assert rule in {r.rule for r in assessment.fired if r.level is level}
    assert assessment.plan is PLANS[level]


@pytest.mark.parametrize(
    ("signals", "level"),
    [
        (Signals(), Level.NONE),
        # 以上 includes the number; just below is not enough
        (Signals(grain_oil_weekly_rise=0.20), Level.IV),
        (Signals(grain_oil_weekly_rise=0.199), Level.NONE),
        (Signals(grain_oil_weekly_rise=0.1999999), Level.NONE),
        (Signals(grain_oil_weekly_rise=0.29999), Level.IV),
        (Signals(grain_oil_weekly_rise=0.30), Level.III),
        (Signals(grain_oil_weekly_rise=0.499), Level.III),
        (Signals(grain_oil_weekly_rise=0.50), Level.II),
        (Signals(grain_oil_weekly_rise=0.799), Level.II),
        (Signals(grain_oil_weekly_rise=0.80), Level.I),
        # lean pork has no level IV rule: 19% triggers nothing, 20% is III
        (Signals(lean_pork_weekly_rise=0.19), Level.NONE),
        (Signals(lean_pork_weekly_rise=0.199), Level.NONE),
        (Signals(lean_pork_weekly_rise=0.20), Level.III),
        (Signals(lean_pork_weekly_rise=0.299), Level.III),
        (Signals(lean_pork_weekly_rise=0.30), Level.II),
        (Signals(lean_pork_weekly_rise=0.399), Level.II),
        (Signals(lean_pork_weekly_rise=0.40), Level.I),
        # tight days: 1 is tight (IV), 9 still IV, 10 is III, 19 III, 20 persistent (II)
        (Signals(tight_days=0), Level.NONE),
        (Signals(tight_days=9), Level.IV),
        (Signals(tight_days=10), Level.III),
        (Signals(tight_days=19), Level.III),
        (Signals(tight_days=20), Level.II),
        # stock-out without concentrated panic buying: supply at least tight (IV), not I
        (Signals(stockout=True), Level.IV),
        (Signals(stockout=True, panic_buying=P.LARGE), Level.III),
        (Signals(stockout=True, panic_buying=P.CONCENTRATED), Level.I),
        # the highest level whose condition holds wins
        (Signals(grain_oil_weekly_rise=0.25, lean_pork_weekly_rise=0.35,
                 panic_buying=P.WIDE), Level.II),
        # prices fall: no rule
        (Signals(grain_oil_weekly_rise=-0.3, lean_pork_weekly_rise=-0.5), Level.NONE),
    ],
)
def test_boundaries(signals: Signals, level: Level) -> None:
    assert classify(signals).level is level
    assert Classifier().level(signals) is level


def test_a_rise_computed_from_prices_reaches_its_threshold() -> None:
    # 1.2 - 1 is 0.19999999999999996 in binary floating point; it must count as +20%
    rise = 12000 / 10000 - 1
    assert rise < 0.2
    assert classify(Signals(grain_oil_weekly_rise=rise)).level is Level.IV
    assert classify(Signals(lean_pork_weekly_rise=1.3 - 1)).level is Level.II


def test_only_the_most_severe_rule_of_each_signal_is_reported() -> None:
    fired = classify(Signals(grain_oil_weekly_rise=0.85, lean_pork_weekly_rise=0.2)).fired
    assert [(r.rule, r.level) for r in fired] == [
        ("grain_oil_rise", Level.I), ("lean_pork_rise", Level.III)]
    assert fired[0].threshold == 0.8
    assert "85%" in fired[0].explanation.zh and "85%" in fired[0].explanation.en


def test_explanations_in_both_languages() -> None:
    for rule in classify(Signals(
        grain_oil_weekly_rise=0.2, lean_pork_weekly_rise=0.2, panic_buying=P.LARGE,
        tight_days=3, persistently_tight=True, stockout=True,
    )).fired:
        assert rule.explanation.zh and rule.explanation.en
        assert rule.explanation.zh != rule.explanation.en


def test_plans_follow_the_seeds() -> None:
    assert not PLANS[Level.IV].rationing_per_person
    assert not PLANS[Level.III].rationing_per_person
    assert PLANS[Level.II].rationing_per_person and PLANS[Level.I].rationing_per_person
    assert PLANS[Level.II].police_keep_order and PLANS[Level.I].police_keep_order
    assert not PLANS[Level.III].police_keep_order
    assert all(plan.public_opinion_watch for plan in PLANS.values())
    assert "办事处" in PLANS[Level.IV].activated_by.zh
    assert "县人民政府" in PLANS[Level.II].activated_by.zh
    assert "市人民政府" in PLANS[Level.I].activated_by.zh
    assert PLANS[Level.I].reserves_requested_from is not None
    assert "省" in PLANS[Level.I].reserves_requested_from.zh
    assert PLANS[Level.III].reserves_requested_from is not None
    assert "市级、县级" in PLANS[Level.III].reserves_requested_from.zh


def test_custom_thresholds() -> None:
    strict = Thresholds(grain_oil_weekly_rise=GrainOilRise(IV=0.1, III=0.2, II=0.3, I=0.4))
    assert classify(Signals(grain_oil_weekly_rise=0.1), strict).level is Level.IV
    assert classify(Signals(grain_oil_weekly_rise=0.2), strict).level is Level.III
    assert classify(Signals(grain_oil_weekly_rise=0.1)).level is Level.NONE


def test_signals_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="fractions"):
        Signals(grain_oil_weekly_rise=20)
    with pytest.raises(ValueError):
        Signals(tight_days=-1)
    with pytest.raises(ValueError):
        Signals(panic_buying="huge")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Signals(lean_pork_weekly_rise=float("nan"))
