"""``baogong city``: fetch, board, search and the city's reports from the command line, with a
district that cannot be fetched named on stderr and exit status 1."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from core.city import read_state
from core.levels.signals import Level
from core.reports import validate_request
from tests.conftest import Run
from tests.core.test_city import Setting, activate_and_miss_a_report_up, add_case, publish
from tests.core.test_city import setting as setting  # the fixture

AT = "2026-11-23T09:30:00+08:00"


def _unreachable(setting: Setting) -> None:
    with (setting.root / "city.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[district]]\ncode = "bei"\nname = "北区"\nname_en = "Beiqu"\n'
                     'git = "../nowhere.git"\n')


def test_fetch_board_search_and_reports(run: Run, setting: Setting, tmp_path: Path) -> None:
    city = str(setting.root)
    status, out, err = run("city", "--desk", city, "fetch", "--json")
    assert status == 0, err
    [hexi] = json.loads(out)
    assert hexi["district"] == "hexi" and hexi["ok"] and hexi["cloned"]

    status, out, err = run("city", "--desk", city, "board", "--at", AT, "--lang", "en")
    assert status == 0, err
    assert "City supply board" in out and "Hexi" in out and "Nanqu" in out
    assert "none in force" in out and "Level in force in 0 of 2 districts" in out
    # judged as of --at, recorded as read when it really was
    opened = read_state(setting.root, "nan").opened
    assert opened is not None and opened > datetime.fromisoformat(AT)
    status, _out, err = run("city", "--desk", city, "board", "--at", AT,
                            "--csv", str(tmp_path / "board.csv"))
    assert status == 0, err
    rows = list(csv.reader((tmp_path / "board.csv").read_text(encoding="utf-8-sig")
                           .splitlines()))
    assert rows[0] == ["各区态势"] and rows[1][:3] == ["区", "状态", "应急状态"]

    in_hexi = add_case(setting.hexi, phone="13911112222")
    publish(setting.hexi, setting.remote)
    assert run("city", "--desk", city, "fetch")[0] == 0
    status, out, err = run("city", "--desk", city, "search", "139-1111-2222", "--json")
    assert status == 0, err
    assert [(h["district"], h["id"]) for h in json.loads(out)] == [("hexi", in_hexi)]

    feed = tmp_path / "city.json"
    status, _out, err = run("city", "--desk", city, "export", "open311", "--out", str(feed))
    assert status == 0 and "service requests" in err, err
    records = json.loads(feed.read_text(encoding="utf-8"))
    assert f"hexi-{in_hexi}" in {r["service_request_id"] for r in records}
    assert all(validate_request(r) == [] for r in records)

    status, out, err = run("city", "--desk", city, "export", "daily", "--date", "2026-11-23",
                           "--at", AT, "--lang", "en")
    assert status == 0, err
    assert "City daily supply report" in out and "district desk" in out


def test_the_board_shows_a_districts_level_in_force_and_overdue_report_ups(
        run: Run, setting: Setting, tmp_path: Path) -> None:
    activate_and_miss_a_report_up(setting.nan)
    city = str(setting.root)
    assert run("city", "--desk", city, "fetch")[0] == 0
    status, out, err = run("city", "--desk", city, "board", "--at", AT, "--lang", "en")
    assert status == 0, err
    [hexi] = [line for line in out.splitlines() if line.strip().startswith("Hexi  ")]
    [nan] = [line for line in out.splitlines() if line.strip().startswith("Nanqu  ")]
    assert "none in force" in hexi and "level III (tense)" in nan
    assert "Level in force in 1 of 2 districts  report-ups open 2 (1 overdue)" in out
    status, _out, err = run("city", "--desk", city, "board", "--at", AT,
                            "--csv", str(tmp_path / "board.csv"))
    assert status == 0, err
    rows = list(csv.reader((tmp_path / "board.csv").read_text(encoding="utf-8-sig")
                           .splitlines()))
    header = rows[1]
    nan_row = dict(zip(header, next(r for r in rows if r and r[0] == "南区"), strict=True))
    assert nan_row["启动等级"] == Level.III.label("zh")
    assert (nan_row["待上报"], nan_row["上报超时"]) == ("2", "1")


def test_a_district_that_cannot_be_fetched_is_named_and_the_rest_is_done(
        run: Run, setting: Setting) -> None:
    _unreachable(setting)
    city = str(setting.root)
    status, out, err = run("city", "--desk", city, "fetch")
    assert status == 1 and out.startswith("hexi: cloned")
    assert "district bei not fetched: fatal:" in err
    status, out, err = run("city", "--desk", city, "board", "--at", AT, "--lang", "en")
    assert status == 1 and "Hexi" in out and "cannot be read" in out
    assert "district bei not read" in err
    status, out, err = run("city", "--desk", city, "search", "13800000001")
    assert status == 1 and "district bei not searched" in err


def test_a_wrong_city_toml_record_is_a_finding_and_none_at_all_unusable(
        run: Run, setting: Setting) -> None:
    city = str(setting.root)
    with (setting.root / "city.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[district]]\ncode = "x"\nname = "x"\n')  # no git, no path
    status, out, err = run("city", "--desk", city, "board", "--at", AT, "--lang", "en")
    assert status == 1 and "Nanqu" in out and "city.toml:" in err and "either git" in err
    (setting.root / "city.toml").write_text("[[district]]\ncode = 7\n", encoding="utf-8")
    status, out, err = run("city", "--desk", city, "board")
    assert status == 2 and out == "" and "names no district desk" in err
