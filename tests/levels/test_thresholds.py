"""``levels.toml``: all keys optional, strict validation with ``path:line`` errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.levels import DEFAULT_THRESHOLDS, desk_thresholds, load_thresholds, parse_thresholds

PATH = Path("levels.toml")


def problems_of(text: str) -> list[str]:
    thresholds, problems = parse_thresholds(PATH, text.encode())
    assert thresholds is None
    return [p.render() for p in problems]


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_thresholds(tmp_path / "levels.toml") == (DEFAULT_THRESHOLDS, [])
    assert desk_thresholds(tmp_path) == (DEFAULT_THRESHOLDS, [])


def test_one_key_changes_one_threshold() -> None:
    thresholds, problems = parse_thresholds(PATH, b"[tight_days]\nII = 14\n")
    assert problems == [] and thresholds is not None
    assert thresholds.tight_days.II == 14
    assert thresholds.tight_days.III == 10
    assert thresholds.grain_oil_weekly_rise == DEFAULT_THRESHOLDS.grain_oil_weekly_rise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[grain_oil_weekly_rise]\nIV = 0.2\nV = 0.1\n",
         "levels.toml:3: grain_oil_weekly_rise.V: unknown field"),
        ("[grain_oil]\nIV = 0.2\n", "levels.toml:1: grain_oil: unknown field"),
        ('\n[lean_pork_weekly_rise]\nIII = "20%"\n',
         "levels.toml:3: lean_pork_weekly_rise.III: expected a number, got str '20%'"),
        ("[grain_oil_weekly_rise]\nIV = 20\n",
         "levels.toml:2: grain_oil_weekly_rise.IV: must be a fraction above 0 and at most 10"),
        ("[grain_oil_weekly_rise]\nIV = 0\n",
         "levels.toml:2: grain_oil_weekly_rise.IV: must be a fraction above 0"),
        ("[tight_days]\nIII = 10.5\n",
         "levels.toml:2: tight_days.III: expected a whole number"),
        ("[grain_oil_weekly_rise]\nIV = 0.4\n",
         "levels.toml:2: grain_oil_weekly_rise.IV: level III threshold 0.3 is below level "
         "IV's 0.4"),
        ("[tight_days]\nIII = 10\nII = 5\n",
         "levels.toml:3: tight_days.II: level II threshold 5 is below level III's 10"),
        ("[evidence]\nmin_cases = -1\n", "levels.toml:2: evidence.min_cases: must be above 0"),
        ("[prices\n", "levels.toml:1: TOML syntax error"),
    ],
)
def test_bad_files_name_the_line(text: str, expected: str) -> None:
    rendered = problems_of(text)
    assert any(line.startswith(expected) for line in rendered), rendered


def test_every_problem_is_reported_together() -> None:
    rendered = problems_of("[grain_oil_weekly_rise]\nIV = -1\nIII = 'x'\n[tight_days]\nX = 1\n")
    assert len(rendered) == 3


def test_the_demo_desk_thresholds_are_valid() -> None:
    root = Path(__file__).resolve().parents[2] / "fixtures" / "desk"
    thresholds, problems = desk_thresholds(root)
    assert problems == [] and thresholds is not None
    assert thresholds.tight_days.II == 15
