"""Properties: the level never falls when a signal worsens; TOML thresholds equal to the defaults
behave exactly like them."""

from __future__ import annotations

from pathlib import Path

import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from core.levels import (
    DEFAULT_THRESHOLDS,
    Classifier,
    PanicBuying,
    Signals,
    classify,
    parse_thresholds,
    thresholds_to_data,
)

PANIC = list(PanicBuying)
rises = st.one_of(
    st.floats(min_value=-1.0, max_value=2.0, allow_nan=False),
    # the boundaries and their neighbours, where mistakes live
    st.sampled_from([0.0, 0.19, 0.199, 0.2, 0.2000001, 0.29, 0.3, 0.4, 0.5, 0.8,
                     1.2 - 1, 1.3 - 1, 1.5 - 1, 1.8 - 1]),
)
signals = st.builds(
    Signals,
    grain_oil_weekly_rise=rises,
    lean_pork_weekly_rise=rises,
    panic_buying=st.sampled_from(PANIC),
    tight_days=st.integers(min_value=0, max_value=40),
    persistently_tight=st.booleans(),
    stockout=st.booleans(),
)


@st.composite
def worse(draw: st.DrawFn, base: Signals) -> Signals:
    """``base`` with any of its signals made worse (or kept)."""
    return Signals(
        grain_oil_weekly_rise=min(2.0, base.grain_oil_weekly_rise + draw(
            st.floats(min_value=0, max_value=1, allow_nan=False))),
        lean_pork_weekly_rise=min(2.0, base.lean_pork_weekly_rise + draw(
            st.floats(min_value=0, max_value=1, allow_nan=False))),
        panic_buying=PANIC[draw(st.integers(base.panic_buying.rank, len(PANIC) - 1))],
        tight_days=base.tight_days + draw(st.integers(0, 30)),
        persistently_tight=base.persistently_tight or draw(st.booleans()),
        stockout=base.stockout or draw(st.booleans()),
    )


@given(st.data(), signals)
def test_level_never_falls_when_a_signal_worsens(data: st.DataObject, base: Signals) -> None:
    worse_signals = data.draw(worse(base))
    assert classify(worse_signals).level.rank >= classify(base).level.rank


@given(signals)
def test_fast_path_agrees_with_the_explained_one(s: Signals) -> None:
    assessment = classify(s)
    assert Classifier().level(s) is assessment.computed
    assert all(rule.level.rank <= assessment.level.rank for rule in assessment.fired)


_DEFAULTS_TOML = tomli_w.dumps(thresholds_to_data(DEFAULT_THRESHOLDS)).encode()
_FROM_TOML, _PROBLEMS = parse_thresholds(Path("levels.toml"), _DEFAULTS_TOML)


def test_thresholds_written_out_read_back_equal() -> None:
    assert _PROBLEMS == []
    assert _FROM_TOML == DEFAULT_THRESHOLDS


@given(signals)
def test_toml_thresholds_equal_to_the_defaults_behave_like_them(s: Signals) -> None:
    assert _FROM_TOML is not None
    from_toml = Classifier(_FROM_TOML).assess(s)
    default = classify(s)
    assert from_toml.level is default.level
    assert from_toml.fired == default.fired


@given(signals, st.sampled_from([
    b"",  # every key optional
    b"[grain_oil_weekly_rise]\nIV = 0.2\n",
    b"[lean_pork_weekly_rise]\nIII = 0.20\nII = 0.3\nI = 0.4\n[tight_days]\nIII = 10\n",
    b"[grain_oil_weekly_rise]\nIV = 0.20\nIII = 0.30\nII = 0.50\nI = 0.80\n",
]))
def test_partial_files_with_default_values_behave_like_the_defaults(
    s: Signals, text: bytes
) -> None:
    thresholds, problems = parse_thresholds(Path("levels.toml"), text or b"# nothing\n")
    assert problems == [] and thresholds == DEFAULT_THRESHOLDS
    assert Classifier(thresholds).level(s) is classify(s).level
