"""On a shared desk every file and directory baogong creates gets the desk's mode, whatever the
umask; ``.locks/`` stays bounded. (The same with real accounts: tests/ssh/test_shared_desk.py.)"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core import ledger as L
from core.cases.store import LOCK_STRIPES, LOCKS_DIR, lock_path
from core.levels import Level, set_manual_level
from core.storage.atomic import exclusive_lock, make_directories
from tests.conftest import MINIMAL_SETTINGS
from tui.drafts import Draft, DraftStore

T = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


@pytest.fixture
def shared_desk(tmp_path: Path, umask: int) -> Iterator[core.Desk]:
    root = tmp_path / "desk"
    root.mkdir()
    (root / "desk.toml").write_text(
        MINIMAL_SETTINGS + 'shared_group = true\nsupervisors = ["zhou.min"]\n', encoding="utf-8")
    root.chmod(0o2770)  # as the README sets a shared desk up
    (root / "desk.toml").chmod(0o660)
    desk = core.open_desk(root)
    yield desk
    desk.cases.index.close()


def modes_below(root: Path, skip: set[Path]) -> dict[str, str]:
    found = {}
    for path in sorted(root.rglob("*")):
        if path not in skip:
            found[str(path.relative_to(root))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def test_everything_a_shared_desk_creates_gets_its_mode_whatever_the_umask(
        shared_desk: core.Desk) -> None:
    desk = shared_desk
    first = desk.cases.create(core.Category.RUMOUR, operator="li.na", created=T)
    desk.cases.create(core.Category.GROCERIES, operator="wang", created=T + timedelta(days=9))
    desk.cases.act(first, core.Action.NOTE, operator="wang", note="x")
    book = L.Ledgers(desk)
    book.append([L.draft(L.StockReceipt, time=T, store="depot", item="mask-kn95-10",
                         quantity=5, source=L.Source.DONATION, donor="红十字会", keeper="k")],
                operator="li.na", recorded=T)
    set_manual_level(desk, Level.II, reason="排队", supervisor="zhou.min", time=T)
    book.close(date(2026, 11, 16), date(2026, 11, 18), signed_by="zhou.min", signed=T)
    DraftStore(desk.root, "li.na", mode=desk.file_mode).save(Draft("d1", {"phone": "1"}), T)
    desk.cases.refresh()

    modes = modes_below(desk.root, {desk.root / "desk.toml"})
    wrong = {path: mode for path, mode in modes.items()
             if mode != (oct(0o2770) if (desk.root / path).is_dir() else oct(0o660))}
    assert wrong == {}
    for made in (".locks", ".index/cases.sqlite3", ".index/cases.sqlite3-wal", ".drafts/li.na",
                 "cases/2026/12/02", "levels/decisions", "ledgers/periods"):
        assert made in modes


def test_a_lock_file_is_born_with_the_desks_mode(tmp_path: Path, umask: int) -> None:
    make_directories(tmp_path / "locks", mode=0o660)
    with exclusive_lock(tmp_path / "locks" / "a.lock", mode=0o660):
        assert stat.S_IMODE((tmp_path / "locks" / "a.lock").stat().st_mode) == 0o660
    assert stat.S_IMODE((tmp_path / "locks").stat().st_mode) == 0o2770
    make_directories(tmp_path / "private" / "deeper", mode=0o600)
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "private" / "deeper").stat().st_mode) == 0o700
    make_directories(tmp_path / "public", mode=0o644)
    assert stat.S_IMODE((tmp_path / "public").stat().st_mode) == 0o755


def test_locks_stay_bounded_however_many_cases_are_updated(empty_desk: core.Desk) -> None:
    cases = [empty_desk.cases.create(core.Category.RUMOUR, operator="li", created=T)
             for _ in range(3 * LOCK_STRIPES)]
    for case in cases:
        empty_desk.cases.act(case, core.Action.NOTE, operator="li", note="x")
    names = sorted(p.name for p in (empty_desk.root / LOCKS_DIR).iterdir())
    assert 0 < len(names) <= LOCK_STRIPES
    assert all(name.startswith("case-") and name.endswith(".lock") for name in names)
    stripes = {lock_path(Path("x"), case.id).name for case in cases}
    assert len(stripes) > LOCK_STRIPES // 2  # the ids are spread over the stripes
    assert all(empty_desk.cases.get(c.id).revision == 2 for c in cases)


def test_check_reports_what_a_shared_desks_group_cannot_write(shared_desk: core.Desk) -> None:
    from core.check import check_desk

    case = shared_desk.cases.create(core.Category.RUMOUR, operator="li.na", created=T)
    assert check_desk(shared_desk.root).ok
    day = shared_desk.cases.path_for(case.id).parent
    day.chmod(0o2755)  # as an earlier version left it under umask 022
    shared_desk.cases.path_for(case.id).chmod(0o600)
    problems = [(p.path, p.message) for p in check_desk(shared_desk.root).problems]
    assert [path for path, _ in problems] == [day, shared_desk.cases.path_for(case.id)]
    assert "mode 2755" in problems[0][1] and "chmod 2770" in problems[0][1]
    assert "mode 0600" in problems[1][1] and "chmod 0660" in problems[1][1]
