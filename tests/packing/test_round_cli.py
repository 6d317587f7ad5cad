"""``baogong round``: a delivery round planned from the command line, rationing included."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

import core
from core.demo import copy_demo_desk
from core.levels import Level, set_manual_level
from core.levels.authority import Authority, Change, record_change
from tui.cli import main

DAY = "2026-11-23"  # the demo desk has market signals for this day: Hexi is at level III


@pytest.fixture
def desk_dir(tmp_path: Path) -> Path:
    return copy_demo_desk(tmp_path / "desk")


def test_the_newest_round_in_english(desk_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["round", "--desk", str(desk_dir), "--day", DAY, "--lang", "en"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Round r1125  orders close 11-25 11:00, delivered 11-27 14:00"
    assert out[1] == "99 orders, 147 boxes (lower bound 147), 14 delivery staff for 126 households"
    # the vehicle plan beside its lower bound, with the desk's vehicle types
    assert out[2] == ("5 vehicle loads (lower bound 5): 4.2 m box truck x 2 to the transfer "
                      "stations, Van x 3 to the drop points")
    at = out.index("Pick-up by building and unit, at most 20 households in a 30-minute slot")
    assert out[at + 1:at + 3] == [
        "  滨河社区服务站",
        "    15:00-15:30  bldg 4 unit 4; bldg 5 unit 3; bldg 10 unit 2; bldg 13 unit 3, 4 "
        "(5 households)"]
    assert "Rationing per person: not in force; Hexi District Level III (tense)" in out
    assert "Per community" in out and "Manifests per drop point" in out
    assert not any("WX1125-0001" in line for line in out)  # labels only when asked for


def test_labels_and_chinese_by_round_code_or_file(
    desk_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["round", "r1125", "--desk", str(desk_dir), "--day", DAY, "--labels"]) == 0
    by_code = capsys.readouterr().out
    assert by_code.startswith("轮次 r1125  11-25 11:00 截单")
    assert "\n按人定量供应: 未实行; 河西区 III级（紧张）\n" in by_code
    assert "WX1125-0001" in by_code and "WX1125-0099" in by_code  # every order's labels
    path = desk_dir / "rounds" / "r1125.toml"
    assert main(["round", str(path), "--desk", str(desk_dir), "--day", DAY, "--labels"]) == 0
    assert capsys.readouterr().out == by_code


def test_json_at_level_two_carries_the_cuts(
    desk_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = core.open_desk(desk_dir)
    supervisor = desk.settings.supervisors[0]
    # a computed or manual level II is advice: nothing is cut until the county's consent is
    # recorded
    at = datetime(2026, 11, 23, 8, 0, tzinfo=desk.settings.zone)
    set_manual_level(desk, Level.II, reason="大量集中抢购，米面油断档", supervisor=supervisor,
                     district="hexi", time=at)
    assert main(["round", "--desk", str(desk_dir), "--day", DAY, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cuts"] == []
    record_change(desk, Change.ACTIVATE, Level.II, authority=Authority.COUNTY,
                  person="县长 刘建国", reference="县政发〔2026〕12号", time=at,
                  district="hexi", supervisor=supervisor, now=at)
    assert main(["round", "--desk", str(desk_dir), "--day", DAY, "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["round"] == "r1125" and plan["levels"] == {"hexi": "II"}
    assert plan["rationed"] == ["hexi"] and plan["ration_missing"] == []
    hexi = {code for code, c in desk.communities.items() if c.district == "hexi"}
    community_of = {d["community"] for d in plan["drops"]}
    assert plan["cuts"] and hexi <= community_of
    assert all(cut["kept"] < cut["ordered"] for cut in plan["cuts"])
    assert {cut["category"] for cut in plan["cuts"]} <= {
        "grain_oil", "meat", "eggs", "milk", "vegetables", "salt"}
    assert len(plan["labels"]) == plan["boxes"]
    assert sum(len(stop["parcels"]) for trip in plan["trips"] for stop in trip["stops"]
               if trip["leg"] == "station->drop") == plan["boxes"]
    # the next day has no signals and the activation still stands: rationing still applies
    assert main(["round", "--desk", str(desk_dir), "--day", "2026-11-24", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rationed"] == ["hexi"]


def test_unusable_input_exits_2_naming_the_file(
    desk_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["round", "r0101", "--desk", str(desk_dir)]) == 2
    assert "rounds: no readable round 'r0101'" in capsys.readouterr().err
    broken = desk_dir / "rounds" / "r1125.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        'household = "h0001"', 'household = "nobody"', 1), encoding="utf-8")
    assert main(["round", "--desk", str(desk_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rounds/r1125.toml:") and "nobody" in err
    assert main(["round", str(broken), "--desk", str(desk_dir)]) == 2
    assert "nobody" in capsys.readouterr().err
    copy_demo_desk(desk_dir.parent / "again")
    # rations follow the recorded activations: one that cannot be read stops the plan
    activation = desk_dir.parent / "again" / "levels" / "activations" / "x.toml"
    activation.write_text("[[goods\n", encoding="utf-8")
    assert main(["round", "--desk", str(desk_dir.parent / "again"), "--day", DAY]) == 2
    assert "levels/activations/x.toml:1" in capsys.readouterr().err
    assert main(["round", "--desk", str(desk_dir.parent / "nowhere")]) == 2
