"""Site-qualified case ids: each replica of a desk numbers its own cases after its site code."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core.cases.case import CASE_ID_PATTERN
from core.cases.store import CaseNotFound, case_path
from core.problems import DeskError
from core.replica.site import write_local

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=ZONE)


def _set_site(root: Path, site: str) -> None:
    path = root / "desk.toml"
    path.write_text(path.read_text(encoding="utf-8") + f'site = "{site}"\n', encoding="utf-8")


def test_a_desk_with_a_site_code_puts_it_before_its_case_ids(empty_desk_dir: Path) -> None:
    _set_site(empty_desk_dir, "HX")
    desk = core.open_desk(empty_desk_dir)
    first = desk.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    second = desk.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    assert (first.id, second.id) == ("HX-20261123-0001", "HX-20261123-0002")
    assert desk.cases.path_for(first.id).relative_to(desk.root).as_posix() == (
        "cases/2026/11/23/HX-20261123-0001.toml")
    assert desk.cases.get(first.id) == first


def test_local_toml_names_this_replica_and_wins_over_desk_toml(empty_desk_dir: Path) -> None:
    _set_site(empty_desk_dir, "HX")
    write_local(empty_desk_dir, "XC")
    desk = core.open_desk(empty_desk_dir)
    assert desk.site == "XC"
    case = desk.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    assert case.id == "XC-20261123-0001"


def test_sites_number_apart_in_one_day_directory(empty_desk_dir: Path) -> None:
    plain = core.open_desk(empty_desk_dir)
    old = plain.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    write_local(empty_desk_dir, "HX")
    hx = core.open_desk(empty_desk_dir)
    new = hx.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    write_local(empty_desk_dir, "XC")
    xc = core.open_desk(empty_desk_dir)
    other = xc.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    assert (old.id, new.id, other.id) == ("20261123-0001", "HX-20261123-0001",
                                          "XC-20261123-0001")
    xc.cases.refresh()
    found = {row.id for row in xc.cases.query(text="20261123-0001")}
    assert found == {old.id, new.id, other.id}
    assert [row.id for row in xc.cases.query(text="HX-20261123-0001")] == [new.id]
    assert [row.id for row in xc.cases.query(text="xc-20261123-0001")] == [other.id]


def test_a_desk_without_a_site_keeps_its_ids(empty_desk: core.Desk) -> None:
    assert empty_desk.site == ""
    case = empty_desk.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    assert case.id == "20261123-0001"


@pytest.mark.parametrize("good", ["20261123-0042", "HX-20261123-0042", "A1-20261123-000042",
                                  "ABCDEF-20261123-0001"])
def test_ids_with_and_without_a_site_are_case_ids(good: str) -> None:
    assert CASE_ID_PATTERN.match(good)
    assert case_path(Path("cases"), good).as_posix() == f"cases/2026/11/23/{good}.toml"


@pytest.mark.parametrize("bad", ["hx-20261123-0042", "H-20261123-0042", "1X-20261123-0042",
                                 "ABCDEFG-20261123-0001", "HX-2026112-0042", "HX--20261123-0042",
                                 "../HX-20261123-0042", "HX-20261123-0042.toml"])
def test_what_is_not_a_case_id_finds_no_file(bad: str) -> None:
    assert not CASE_ID_PATTERN.match(bad)
    with pytest.raises(CaseNotFound):
        case_path(Path("cases"), bad)


@pytest.mark.parametrize("bad", ["hx", "H", "TOOLONG", "1X", "H-X", "华西"])
def test_a_bad_site_code_is_refused(empty_desk_dir: Path, bad: str) -> None:
    with pytest.raises(DeskError) as raised:
        write_local(empty_desk_dir, bad)
    assert "site code" in raised.value.problems[0].message
    assert not (empty_desk_dir / "local.toml").exists()
    _set_site(empty_desk_dir, bad)
    with pytest.raises(DeskError) as raised:
        core.open_desk(empty_desk_dir)
    assert any(p.field == "site" for p in raised.value.problems)
