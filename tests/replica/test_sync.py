"""Three replicas of a desk sync through bare repositories and converge (issue 18's bar).

Operators at two sites create cases and act on the same case while apart; the sites sync in
every order; all three end with byte-identical case files and every event of every site. A field
both sites changed differently becomes a conflict note. A sync killed with SIGKILL mid-way
leaves a desk that opens and syncs again.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import core
from core.cases.case import Action, Category
from core.check import check_desk
from core.replica.casemerge import MERGE_OPERATOR
from tests.replica.sites import at, bare, case_files, events, open_case, replica, start, sync

ROOT = Path(__file__).resolve().parents[2]


def _act_apart(hx: Path, xc: Path) -> str:
    """Both sites take calls and work one case while apart; returns that case's id."""
    desk, case = open_case(hx, "HX-20261123-0001")
    desk.cases.act(case, Action.DISPATCH, operator="wang", department="commerce", time=at(10))
    case = desk.cases.get(case.id)
    desk.cases.act(case, Action.EDIT, operator="wang", time=at(11),
                   changes={"description": "要大米两袋"}, note="描述 米面油 -> 要大米两袋")
    desk.cases.create(Category.GROCERIES, operator="wang", created=at(12))
    desk.cases.index.close()
    desk, case = open_case(xc, "HX-20261123-0001")
    desk.cases.act(case, Action.NOTE, operator="li", note="居民再次来电催问", time=at(13))
    case = desk.cases.get(case.id)
    desk.cases.act(case, Action.EDIT, operator="li", time=at(14),
                   changes={"description": "要面粉一袋"}, note="描述 米面油 -> 要面粉一袋")
    desk.cases.create(Category.RUMOUR, operator="li", created=at(15))
    desk.cases.index.close()
    return case.id


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    hub = bare(tmp_path / "hub.git")
    hx = start(tmp_path / "hx", hub)
    desk = core.open_desk(hx)
    desk.cases.create(Category.GROCERIES, operator="wang", created=at(0), description="米面油")
    desk.cases.index.close()
    assert sync(hx).ok
    return hub, hx, replica(hub, tmp_path / "xc", "XC"), replica(hub, tmp_path / "zb", "ZB")


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))),
                         ids=lambda order: "-".join("ABC"[i] for i in order))
def test_three_sites_converge_whatever_order_they_sync_in(
        three: tuple[Path, Path, Path, Path], order: tuple[int, ...]) -> None:
    _hub, hx, xc, zb = three
    case_id = _act_apart(hx, xc)
    sites = (hx, xc, zb)
    before = events(hx) | events(xc) | events(zb)
    for _round in range(2):
        for index in order:
            assert sync(sites[index]).ok
    files = case_files(hx)
    assert case_files(xc) == files and case_files(zb) == files
    assert {"cases/2026/11/23/HX-20261123-0002.toml",
            "cases/2026/11/23/XC-20261123-0001.toml"} <= set(files)
    for site in sites:
        assert before <= events(site)  # no event lost anywhere
    desk, case = open_case(zb, case_id)
    notes = [e for e in case.history if e.operator == MERGE_OPERATOR]
    assert len(notes) == 1 and "要大米两袋" in notes[0].note and "要面粉一袋" in notes[0].note
    assert case.description == "要面粉一袋"  # the later change, the other kept in the note
    assert {e.operator for e in case.history} >= {"wang", "li"}
    desk.cases.index.close()
    assert check_desk(zb, workers=1).ok
    log = subprocess.run(["git", "-C", str(zb), "log", "--format=%an"], capture_output=True,
                         text=True, check=True).stdout.split()
    assert set(log) == {core.identity.os_account()}  # every commit by the operator who synced


def test_a_sync_killed_mid_merge_leaves_a_desk_that_opens_and_syncs_again(
        three: tuple[Path, Path, Path, Path]) -> None:
    _hub, hx, xc, zb = three
    # many cases both sites worked on: the merge driver runs for each, so the merge takes long
    # enough to be killed in the middle
    desk = core.open_desk(hx)
    ids = [desk.cases.create(Category.GROCERIES, operator="wang", created=at(1)).id
           for _ in range(12)]
    desk.cases.index.close()
    assert sync(hx).ok and sync(xc).ok
    for root, operator, minute in ((hx, "wang", 20), (xc, "li", 30)):
        desk = core.open_desk(root)
        for case_id in ids:
            desk.cases.act(desk.cases.get(case_id), Action.NOTE, operator=operator,
                           note=f"{operator} 已回电", time=at(minute))
        desk.cases.index.close()
    assert sync(xc).ok
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # its own process group: the sync, the git it runs and git's merge drivers all die at once
    process = subprocess.Popen([sys.executable, "-m", "tui.cli", "sync", "--desk", str(hx)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    # git's merge driver works on .merge_file_* copies in the desk: the merge is under way
    while not any(hx.glob(".merge_file_*")):
        assert process.poll() is None, "the sync ended before its merge could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert (hx / ".git" / "index.lock").exists()  # git was killed holding its lock
    # the desk opens and every case file reads, none with conflict markers
    report = check_desk(hx, workers=1)
    assert report.ok, [p.render() for p in report.problems]
    assert not any(b"<<<<<<<" in data for data in case_files(hx).values())
    assert sync(hx).ok and sync(xc).ok and sync(zb).ok
    assert case_files(hx) == case_files(xc) == case_files(zb)
    tracked = subprocess.run(["git", "-C", str(hx), "ls-files"], capture_output=True, text=True,
                             check=True).stdout.split()
    assert not [name for name in tracked if "merge_file" in name or name.startswith(".index")]
    assert not any(hx.glob(".merge_file_*"))
    desk, case = open_case(zb, ids[-1])
    assert {e.note for e in case.history} >= {"wang 已回电", "li 已回电"}
    desk.cases.index.close()


def test_no_case_is_saved_while_a_sync_commits_and_merges(
        three: tuple[Path, Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """An operator's save waits for the merge instead of racing git over the same file."""
    from core.cases.store import LOCKS_DIR, lock_path
    from core.replica import git as replica_git
    from core.storage.atomic import LockTimeout, exclusive_lock

    _hub, hx, _xc, _zb = three
    case_id = "HX-20261123-0001"
    seen: list[str] = []

    def watching(name: str) -> object:
        step = getattr(replica_git, name)

        def run(root: Path, *args: object) -> object:
            try:
                with exclusive_lock(lock_path(root / LOCKS_DIR, case_id), timeout=0.05):
                    seen.append(f"{name}: a save could have slipped in")
            except LockTimeout:
                seen.append(f"{name}: locked")
            return step(root, *args)

        return run

    for name in ("_commit", "_merge"):
        monkeypatch.setattr(replica_git, name, watching(name))
    assert sync(hx).ok
    assert seen == ["_commit: locked", "_merge: locked"]


def test_ledger_batches_written_at_two_sites_the_same_day_both_arrive(
        three: tuple[Path, Path, Path, Path]) -> None:
    from core import ledger as L

    _hub, hx, xc, zb = three
    for root, household in ((hx, "h0001"), (xc, "h0002")):
        desk = core.open_desk(root)
        L.Ledgers(desk).append([L.draft(
            L.Collection, time=at(30), household=household, community="jinxiu",
            supermarket="hualian", round="r1123", order=f"o-{household}",
            grid_worker="grid.1", amount_fen=3290)], operator="wang", recorded=at(31))
    for root in (hx, xc, zb, hx):
        assert sync(root).ok
    for root in (hx, xc, zb):
        names = sorted(p.name for p in (root / "ledgers").rglob("*.toml"))
        assert names == ["HX-20261123-0001.toml", "XC-20261123-0001.toml"]
