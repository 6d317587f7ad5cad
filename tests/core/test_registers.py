"""Registers (台账) in and out: imports check every row first, match by key, write atomically and
attributed; exports are the layout imports read."""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.desk import Desk
from core.deskload import IMPORTS_DIR
from core.problems import DeskError
from core.registers import RegisterKind, import_register, register_table
from core.registers.columns import BadValue, fen_to_yuan, header_key, yuan_to_fen
from core.reports.table import csv_text, write_csv

ORDER = [RegisterKind.DEPARTMENTS, RegisterKind.COMMUNITIES, RegisterKind.SUPERMARKETS,
         RegisterKind.CATALOGUE, RegisterKind.PRICE_LISTS, RegisterKind.HOUSEHOLDS]

HOUSEHOLD_HEADERS_ZH = "社区,楼栋,单元,房号,姓名,电话,年龄,重点人群\n"
HOUSEHOLD_HEADERS_EN = "community,building,unit,room,name,phone,age,flags\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def reopen(desk: Desk) -> Desk:
    desk.cases.index.close()
    return core.open_desk(desk.root)


def export_all(desk: Desk, directory: Path) -> dict[RegisterKind, Path]:
    paths = {}
    for kind in ORDER:
        paths[kind] = write_csv(register_table(desk, kind), directory / f"{kind.value}.csv")
    return paths


def test_the_demo_registers_round_trip_into_an_empty_desk_byte_for_byte(
        demo_desk: Desk, empty_desk: Desk, tmp_path: Path) -> None:
    (tmp_path / "first").mkdir()
    exported = export_all(demo_desk, tmp_path / "first")
    desk = empty_desk
    for kind in ORDER:
        result = import_register(desk, kind, exported[kind])
        assert result.ok, [r.render() for r in result.rejected]
        assert result.written
        desk = reopen(desk)
    assert not desk.problems, [p.render() for p in desk.problems]
    assert len(desk.households) == len(demo_desk.households)
    assert desk.households == demo_desk.households
    assert desk.catalogue == demo_desk.catalogue
    assert desk.price_lists == demo_desk.price_lists and desk.price_lists["yonghui"]
    (tmp_path / "second").mkdir()
    again = export_all(desk, tmp_path / "second")
    for kind in ORDER:
        assert again[kind].read_bytes() == exported[kind].read_bytes(), kind


def test_reimporting_the_same_register_changes_nothing_and_writes_nothing(
        demo_desk: Desk, tmp_path: Path) -> None:
    path = write_csv(register_table(demo_desk, RegisterKind.HOUSEHOLDS), tmp_path / "h.csv")
    before = (demo_desk.root / "households.toml").stat().st_mtime_ns
    result = import_register(demo_desk, RegisterKind.HOUSEHOLDS, path)
    assert (len(result.added), len(result.updated)) == (0, 0)
    assert result.unchanged == len(demo_desk.households)
    assert not result.written
    assert (demo_desk.root / "households.toml").stat().st_mtime_ns == before
    assert not (demo_desk.root / IMPORTS_DIR).exists()


def test_an_edited_register_updates_by_address_and_says_what_changed(
        demo_desk: Desk, tmp_path: Path) -> None:
    table = register_table(demo_desk, RegisterKind.HOUSEHOLDS)
    text = csv_text([table])
    first = next(iter(demo_desk.households.values()))
    resident = first.residents[0]
    edited = text.replace(f",{resident.name},", ",改名字,", 1)
    path = write(tmp_path / "h.csv", edited, "utf-8-sig")
    result = import_register(demo_desk, RegisterKind.HOUSEHOLDS, path)
    assert [c.key for c in result.updated] == [first.id]
    assert result.updated[0].fields == ("residents",)
    desk = reopen(demo_desk)
    assert desk.households[first.id].residents[0].name == "改名字"
    log = next((desk.root / IMPORTS_DIR).glob("*-households.toml"))
    record = tomllib.loads(log.read_text(encoding="utf-8"))
    assert record["operator"] == core.identity.os_account()
    assert record["updated"] == [{"key": first.id, "fields": ["residents"]}]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("headers", [HOUSEHOLD_HEADERS_ZH, HOUSEHOLD_HEADERS_EN])
def test_grid_registers_in_excel_encodings_and_either_language_group_residents_by_address(
        demo_desk: Desk, tmp_path: Path, encoding: str, headers: str) -> None:
    text = headers + (
        "锦绣社区,99,1,101,张桂兰,13800009901,81,独居老人、慢性病患者\n"
        "锦绣社区,99,1,101,张小明,13800009902,45,\n"
        "jinxiu,99,1,102,李四,13800009903,70,bedridden; no_smartphone\n")
    path = write(tmp_path / "register.csv", text, encoding)
    result = import_register(demo_desk, RegisterKind.HOUSEHOLDS, path)
    assert result.ok, [r.render() for r in result.rejected]
    assert len(result.added) == 2
    desk = reopen(demo_desk)
    added = [desk.households[c.key] for c in result.added]
    assert [h.room for h in added] == ["101", "102"]
    assert [r.name for r in added[0].residents] == ["张桂兰", "张小明"]
    assert {f.value for f in added[0].flags} == {"elderly_alone", "chronic_patient"}
    assert {f.value for f in added[1].flags} == {"bedridden", "no_smartphone"}
    assert all(h.community == "jinxiu" for h in added)


def test_a_register_with_bad_rows_reports_every_one_and_writes_nothing(
        demo_desk: Desk, tmp_path: Path) -> None:
    before = (demo_desk.root / "households.toml").read_bytes()
    path = write(tmp_path / "bad.csv", HOUSEHOLD_HEADERS_ZH + (
        "锦绣社区,99,1,101,张桂兰,13800009901,81,独居老人\n"
        "不存在社区,99,1,102,李四,13800009903,70,\n"
        "锦绣社区,99,1,103,,13800009904,70,\n"
        "锦绣社区,99,1,104,王五,phone?,七十,外星人\n"))
    result = import_register(demo_desk, RegisterKind.HOUSEHOLDS, path)
    assert not result.written
    where = [(r.row, r.column) for r in result.rejected]
    assert where == [(3, "社区"), (4, "姓名"), (5, "电话"), (5, "年龄"), (5, "重点人群")]
    rendered = result.rejected[0].render()
    assert rendered.startswith(f"{path}:csv:3:社区: unknown community '不存在社区'")
    assert (demo_desk.root / "households.toml").read_bytes() == before


def test_a_file_that_is_not_a_register_of_that_kind_names_the_missing_columns(
        demo_desk: Desk, tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "foo,bar\n1,2\n")
    with pytest.raises(DeskError, match=r"has no column 代码/code, 名称/name, 单位/unit"):
        import_register(demo_desk, RegisterKind.CATALOGUE, path)


def test_a_file_in_neither_excel_encoding_is_refused(demo_desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("社区\n".encode("utf-16"))
    with pytest.raises(DeskError, match="neither UTF-8 nor GB18030"):
        import_register(demo_desk, RegisterKind.HOUSEHOLDS, path)


def test_a_dry_run_reports_and_writes_nothing(demo_desk: Desk, tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", HOUSEHOLD_HEADERS_ZH + "锦绣社区,99,1,101,张桂兰,,81,\n")
    before = (demo_desk.root / "households.toml").read_bytes()
    result = import_register(demo_desk, RegisterKind.HOUSEHOLDS, path, dry_run=True)
    assert len(result.added) == 1 and not result.written
    assert (demo_desk.root / "households.toml").read_bytes() == before


def test_duplicate_codes_in_a_register_are_rejected_with_both_rows(
        demo_desk: Desk, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "代码,名称,单位,类别,价格（元）\n"
                                     "salt,食盐,袋,食盐,2.5\nsalt,海盐,袋,食盐,3\n")
    result = import_register(demo_desk, RegisterKind.CATALOGUE, path)
    assert [r.render().split(": ", 1)[1] for r in result.rejected] == [
        "code 'salt' is also on row 2"]


def test_a_workbook_register_reads_like_its_csv(demo_desk: Desk, tmp_path: Path) -> None:
    from tui.xlsx import write_xlsx

    table = register_table(demo_desk, RegisterKind.CATALOGUE)
    path = write_xlsx([table], tmp_path / "catalogue.xlsx", lang="en")
    result = import_register(demo_desk, RegisterKind.CATALOGUE, path)
    assert result.ok and result.unchanged == len(demo_desk.catalogue)
    assert not result.added and not result.updated


def test_a_corrupt_reference_file_is_reported_and_left_untouched(
        demo_desk: Desk, tmp_path: Path) -> None:
    target = demo_desk.root / "catalogue.toml"
    target.write_text("[[item]]\ncode = \n", encoding="utf-8")
    path = write(tmp_path / "c.csv", "代码,名称,单位,类别,价格（元）\nsalt,食盐,袋,食盐,2.5\n")
    with pytest.raises(DeskError) as caught:
        import_register(demo_desk, RegisterKind.CATALOGUE, path)
    assert any(p.path == target and p.line == 2 for p in caught.value.problems)
    assert target.read_text(encoding="utf-8") == "[[item]]\ncode = \n"


def test_headers_match_without_units_spaces_or_case() -> None:
    assert header_key("价格（元）") == header_key("价格") == "价格"
    assert header_key("Price (yuan)") == header_key("price")
    assert header_key("Household_Phone") == header_key("household phone")


@given(st.integers(min_value=0, max_value=10**9))
def test_yuan_and_fen_convert_exactly_both_ways(fen: int) -> None:
    assert yuan_to_fen(fen_to_yuan(fen)) == fen


@pytest.mark.parametrize("text", ["1.234", "-1", "abc", "nan", "inf"])
def test_amounts_that_are_not_whole_fen_are_refused(text: str) -> None:
    with pytest.raises(BadValue):
        yuan_to_fen(text)


def test_a_household_export_is_a_row_per_resident(demo_desk: Desk) -> None:
    table = register_table(demo_desk, RegisterKind.HOUSEHOLDS)
    rows = list(csv.reader(io.StringIO(csv_text([table]))))
    assert len(rows) - 1 == sum(h.size for h in demo_desk.households.values())


SLOW_IMPORT = """
import sys, time
import core
import core.registers.imports as imports
plan = imports._plan
def slow_plan(*args, **kwargs):
    result = plan(*args, **kwargs)
    time.sleep(0.6)  # the window in which a colleague's import could be lost
    return result
imports._plan = slow_plan
desk = core.open_desk(sys.argv[1])
result = imports.import_register(desk, imports.RegisterKind.HOUSEHOLDS, imports.Path(sys.argv[2]))
assert result.written, result
"""


@pytest.mark.reliability
def test_two_operators_importing_at_once_both_keep_their_households(
        demo_desk: Desk, tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    first = write(tmp_path / "a.csv", HOUSEHOLD_HEADERS_ZH + "锦绣社区,98,1,101,甲,,80,\n")
    second = write(tmp_path / "b.csv", HOUSEHOLD_HEADERS_ZH + "锦绣社区,98,1,102,乙,,81,\n")
    processes = []
    for path in (first, second):
        processes.append(subprocess.Popen([sys.executable, "-c", SLOW_IMPORT,
                                           str(demo_desk.root), str(path)]))
        time.sleep(0.2)
    assert [p.wait(timeout=60) for p in processes] == [0, 0]
    desk = reopen(demo_desk)
    names = {r.name for h in desk.households.values() for r in h.residents}
    assert {"甲", "乙"} <= names
