"""``baogong init``: a new district's desk passes check, opens, takes its registers and calls."""

from __future__ import annotations

import tomllib
from pathlib import Path

import core
from core.check import check_desk
from core.registers import RegisterKind, register_table
from core.reports.table import write_csv
from tests.conftest import Run


def test_init_writes_a_desk_that_passes_check_and_opens(
        tmp_path: Path, run: Run) -> None:
    root = tmp_path / "changfeng"
    status, out, _ = run("init", str(root), "--name", "长风街道保供热线",
                         "--tz", "Asia/Urumqi", "--lang", "en")
    assert status == 0 and "baogong import households" in out
    report = check_desk(root, workers=1)
    assert report.ok, [p.render() for p in report.problems]
    desk = core.open_desk(root)
    assert (desk.settings.name, desk.settings.time_zone, desk.settings.locale) == (
        "长风街道保供热线", "Asia/Urumqi", "en")
    assert desk.settings.supervisors == (core.identity.os_account(),)
    assert {"commerce", "health", "street"} <= set(desk.departments)
    assert all(not d.phone for d in desk.departments.values())
    assert not desk.communities and not desk.households and not desk.catalogue
    for name in ("communities.toml", "supermarkets.toml", "catalogue.toml", "households.toml"):
        text = (root / name).read_text(encoding="utf-8")
        assert "baogong import" in text and tomllib.loads(text) == {}
    assert "template" not in tomllib.loads((root / "packing.toml").read_text(encoding="utf-8"))


def test_init_refuses_a_directory_that_holds_anything(
        tmp_path: Path, run: Run) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    status, _, err = run("init", str(tmp_path))
    assert status == 2 and "is not an empty directory" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_wrong_time_zone_is_refused_and_nothing_written(
        tmp_path: Path, run: Run) -> None:
    status, _, err = run("init", str(tmp_path / "d"), "--tz", "Mars/Olympus")
    assert status == 2 and "unknown time zone 'Mars/Olympus'" in err
    assert not (tmp_path / "d").exists()


def test_init_demo_writes_the_demo_desk(tmp_path: Path, run: Run) -> None:
    assert run("init", str(tmp_path / "demo"), "--demo")[0] == 0
    report = check_desk(tmp_path / "demo", workers=1)
    assert report.ok and report.cases > 100


def test_a_new_desk_takes_its_registers_and_then_a_call(
        tmp_path: Path, demo_desk: core.Desk, run: Run) -> None:
    root = tmp_path / "new"
    assert run("init", str(root), "--name", "新热线")[0] == 0
    for kind in (RegisterKind.COMMUNITIES, RegisterKind.SUPERMARKETS, RegisterKind.CATALOGUE,
                 RegisterKind.HOUSEHOLDS):
        register = write_csv(register_table(demo_desk, kind), tmp_path / f"{kind.value}.csv")
        status, _, err = run("import", kind.value, str(register), "--desk", str(root))
        assert status == 0, err
    desk = core.open_desk(root)
    household = next(iter(desk.households.values()))
    case = desk.cases.create(
        core.Category.CHRONIC_MEDICINE,
        caller=core.Caller(name=household.residents[0].name, phone=household.phone),
        community=household.community, description="降压药只剩两天的量")
    assert case.department == "health"
    desk.cases.index.close()
    report = check_desk(root, workers=1)
    assert report.ok and report.cases == 1, [p.render() for p in report.problems]


def test_cases_go_to_the_department_that_owns_their_category_unless_routing_says_otherwise(
        tmp_path: Path, run: Run) -> None:
    root = tmp_path / "desk"
    assert run("init", str(root), "--name", "测试")[0] == 0
    departments = root / "departments.toml"
    text = departments.read_text(encoding="utf-8")
    # this district's street office, not the health bureau, looks after chronic patients' medicine
    text = text.replace('"chronic_medicine",\n', "")
    text += '\n[[department]]\ncode = "neighbourhood"\nname = "社区卫生服务中心"\n' \
            'name_en = "Community health centre"\nowns = ["chronic_medicine"]\n'
    departments.write_text(text, encoding="utf-8")
    desk = core.open_desk(root)
    assert desk.department_for(core.Category.CHRONIC_MEDICINE) == "neighbourhood"
    case = desk.cases.create(core.Category.CHRONIC_MEDICINE,
                             caller=core.Caller(name="张桂兰", phone="13800000001"))
    assert case.department == "neighbourhood"
    assert desk.department_for(core.Category.GROCERIES) == core.Category.GROCERIES.info.department
    desk.cases.index.close()
    settings = root / "desk.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "[routing]\n", '[routing]\nchronic_medicine = "street"\n'), encoding="utf-8")
    desk = core.open_desk(root)
    assert desk.department_for(core.Category.CHRONIC_MEDICINE) == "street"
    desk.cases.index.close()
