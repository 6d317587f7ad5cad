"""``baogong site-ids``: an existing desk's cases take its site code, out loud and searchable."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import core
from core.replica.renumber import plan, renumber
from core.replica.site import write_local
from tests.conftest import Run

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_every_case_is_renamed_listed_noted_and_still_found_by_its_old_id(
        demo_desk_dir: Path, run: Run) -> None:
    before = {p.stem for p in (demo_desk_dir / "cases").rglob("*.toml")}
    write_local(demo_desk_dir, "HX")
    status, out, _ = run("site-ids", "--desk", str(demo_desk_dir), "--dry-run")
    assert status == 0 and f"{len(before)} case(s) would be renamed" in out
    assert {p.stem for p in (demo_desk_dir / "cases").rglob("*.toml")} == before
    status, out, _ = run("site-ids", "--desk", str(demo_desk_dir))
    assert status == 0
    listed = dict(line.split(" -> ") for line in out.splitlines() if " -> " in line)
    assert listed == {old: f"HX-{old}" for old in before}
    after = {p.stem for p in (demo_desk_dir / "cases").rglob("*.toml")}
    assert after == {f"HX-{old}" for old in before}
    desk = core.open_desk(demo_desk_dir)
    old = sorted(before)[3]
    case = desk.cases.get(f"HX-{old}")
    assert case.former_id == old and old in case.history[-1].note
    desk.cases.refresh()
    assert [row.id for row in desk.cases.query(text=old)] == [f"HX-{old}"]
    assert run("check", str(demo_desk_dir))[0] == 0
    assert run("site-ids", "--desk", str(demo_desk_dir))[1].startswith("0 case(s) renamed")
    desk.cases.index.close()


def test_a_run_stopped_between_writing_and_removing_finishes_on_the_next(
        demo_desk: core.Desk) -> None:
    write_local(demo_desk.root, "HX")
    store = core.open_desk(demo_desk.root).case_store()
    first = next(plan(store, "HX"))
    kept = first.path.read_bytes()
    renumber(store, [first], operator="", now=NOW)
    first.path.write_bytes(kept)  # as if the old file's removal never happened
    renames = list(plan(store, "HX"))
    assert renames[0].old == first.old
    renumber(store, renames, operator="", now=NOW)
    assert not first.path.exists()
    assert store.get(first.new).former_id == first.old
    store.index.close()


def test_a_desk_without_a_site_code_is_told_to_set_one(demo_desk_dir: Path, run: Run) -> None:
    status, _, err = run("site-ids", "--desk", str(demo_desk_dir))
    assert status == 2 and "no site code" in err
