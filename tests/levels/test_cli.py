"""``baogong classify``: text in zh/en, JSON for scripts, path:line errors with exit status 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TENSE = FIXTURES / "signals" / "tense.toml"
FROM_DATA = FIXTURES / "signals" / "from_data.toml"
#: a complete [signals] table, all calm
CALM = """[signals]
grain_oil_weekly_rise = 0.0
lean_pork_weekly_rise = 0.0
panic_buying = "none"
tight_days = 0
persistently_tight = false
stockout = false
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["classify", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_prints_level_rules_and_plan_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(TENSE))
    assert status == 0 and err == ""
    assert out.startswith("应急状态：III级 紧张状态\n")
    assert "精瘦猪肉价格一周内上涨20%" in out
    assert "经办事处同意后启动III级应急预案" in out


def test_english(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--lang", "en", str(TENSE))
    assert status == 0
    assert out.startswith("Emergency level: level III (tense)\n")
    assert "Rationing per person: no" in out


def test_json_for_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--json", str(TENSE))
    assert status == 0
    data = json.loads(out)
    assert data["level"] == "III"
    assert list(data) == [
        "level", "level_name", "computed_level", "manual", "district", "date", "signals",
        "derived", "rules", "plan", "evidence", "reserves", "medical", "thresholds"]
    assert list(data["signals"]) == [
        "grain_oil_weekly_rise", "lean_pork_weekly_rise", "panic_buying", "tight_days",
        "persistently_tight", "stockout"]
    assert data["rules"][0] == {
        "rule": "lean_pork_rise", "level": "III", "signal": "lean_pork_weekly_rise",
        "value": 0.2, "threshold": 0.2,
        "zh": "精瘦猪肉价格一周内上涨20%，达到III级标准（20%以上）",
        "en": "lean pork prices rose 20% within a week, reaching the level III threshold "
              "(20% or more)"}
    assert data["plan"]["rationing_per_person"] is False
    assert data["plan"]["police_keep_order"] is False
    assert data["plan"]["reserves_requested_from"] == {
        "zh": "市级、县级储备", "en": "city and county reserves"}
    assert data["thresholds"] == "defaults"


def test_signals_derived_from_data(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--json", str(FROM_DATA))
    data = json.loads(out)
    assert status == 0
    assert data["signals"]["grain_oil_weekly_rise"] == 0.2
    assert data["derived"] == [
        "grain_oil_weekly_rise", "lean_pork_weekly_rise", "tight_days", "stockout"]
    assert data["level"] == "III"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[signals]\ngrain_oil_weekly_rise = \"20%\"\n",
         "bad.toml:2: signals.grain_oil_weekly_rise: expected a number, got str '20%'"),
        ("[signals]\ntight_days = 3\npanic = \"wide\"\n",
         "bad.toml:3: signals.panic: unknown field"),
        ("[signals]\n\npanic_buying = \"huge\"\n",
         "bad.toml:3: signals.panic_buying: 'huge' is not one of: none, wide, large, concentrated"),
        ("[signals]\nstockout = \"yes\"\n", "bad.toml:2: signals.stockout: expected true or false"),
        ("[signals]\ngrain_oil_weekly_rise = 25\n",
         "bad.toml:2: signals.grain_oil_weekly_rise: 25.0 would be a rise of 2500%"),
        ("[signals]\ntight_days = 2.5\n",
         "bad.toml:2: signals.tight_days: expected a whole number"),
        ("[signals\n", "bad.toml:1: TOML syntax error"),
        ("signals = 3\n", "bad.toml:1: signals: expected a table [signals]"),
        ("# nothing here\n", "bad.toml:1: no [signals] table"),
        ("", "bad.toml:1: file is empty"),
    ],
)
def test_malformed_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    text: str, expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.toml").write_text(text, encoding="utf-8")
    status, out, err = run(capsys, "bad.toml")
    assert status == 2 and out == ""
    assert err.startswith(expected), err


@pytest.mark.parametrize("key", ["grain_oil_weekly_rise", "lean_pork_weekly_rise",
                                 "panic_buying", "tight_days", "persistently_tight", "stockout"])
def test_a_missing_signal_is_an_error_not_calm(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "".join(line + "\n" for line in CALM.splitlines() if not line.startswith(key))
    Path("s.toml").write_text(text, encoding="utf-8")
    status, out, err = run(capsys, "s.toml")
    assert status == 2 and out == ""
    assert err.startswith(f"s.toml:1: signals.{key}: missing signal: give it in [signals]"), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_an_empty_signals_table_names_every_missing_signal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.toml").write_text("[signals]\n", encoding="utf-8")
    status, out, err = run(capsys, "s.toml")
    assert status == 2 and out == ""
    assert [line.split(": ")[1] for line in err.splitlines()] == [
        "signals.grain_oil_weekly_rise", "signals.lean_pork_weekly_rise", "signals.panic_buying",
        "signals.tight_days", "signals.persistently_tight", "signals.stockout"]


@pytest.mark.parametrize(("value", "message"), [
    ("nan", "must be a finite number, got nan"), ("inf", "must be a finite number, got inf"),
    ("-inf", "must be a finite number, got -inf")])
def test_a_signal_that_is_not_finite_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    value: str, message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    text = CALM.replace("grain_oil_weekly_rise = 0.0", f"grain_oil_weekly_rise = {value}")
    Path("s.toml").write_text(text, encoding="utf-8")
    status, _, err = run(capsys, "s.toml")
    assert status == 2 and f"s.toml:2: signals.grain_oil_weekly_rise: {message}" in err, err


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, str(tmp_path / "nope.toml"))
    assert status == 2 and "nope.toml: file not found" in err


def test_with_the_demo_desk(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    desk = shutil.copytree(FIXTURES / "desk", tmp_path / "desk")
    status, out, _ = run(capsys, "--desk", str(desk), "--json", "--at",
                         "2026-11-23T08:00:00+08:00", str(TENSE))
    data = json.loads(out)
    assert status == 0
    assert data["thresholds"].endswith("levels.toml")
    assert data["district"] == "hexi"
    assert {c["district"] for c in data["reserves"]} == {"", "hexi"}
    assert any(c["broken"] for c in data["reserves"])
    assert data["medical"]
    status, out, _ = run(capsys, "--desk", str(desk), str(TENSE))
    assert "储备保障天数" in out and "防疫物资" in out


def test_desk_thresholds_apply(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    desk = shutil.copytree(FIXTURES / "desk", tmp_path / "desk")
    (desk / "levels.toml").write_text("[lean_pork_weekly_rise]\nIII = 0.25\n", encoding="utf-8")
    status, out, _ = run(capsys, "--desk", str(desk), "--json", str(TENSE))
    assert status == 0 and json.loads(out)["level"] == "IV"
    (desk / "levels.toml").write_text("[lean_pork_weekly_rise]\nIII = 0.5\n", encoding="utf-8")
    status, out, err = run(capsys, "--desk", str(desk), str(TENSE))
    assert status == 2 and "levels.toml:2: lean_pork_weekly_rise.III: level II threshold" in err


def test_unknown_district_for_the_desk(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    desk = shutil.copytree(FIXTURES / "desk", tmp_path / "desk")
    signals = tmp_path / "s.toml"
    signals.write_text('district = "atlantis"\n' + CALM, encoding="utf-8")
    status, _, err = run(capsys, "--desk", str(desk), str(signals))
    assert status == 2 and "s.toml:1: district: unknown district 'atlantis'" in err


def test_manual_level_shown(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import core
    from core.levels import Level, set_manual_level

    root = shutil.copytree(FIXTURES / "desk", tmp_path / "desk")
    desk = core.open_desk(root)
    set_manual_level(desk, Level.II, reason="超市断货传言引发排队", supervisor="zhou.min",
                     district="hexi")
    status, out, _ = run(capsys, "--desk", str(root), "--json", str(TENSE))
    data = json.loads(out)
    assert status == 0
    assert data["level"] == "II" and data["computed_level"] == "III"
    assert data["manual"]["supervisor"] == "zhou.min"
    assert data["plan"]["rationing_per_person"] is True
