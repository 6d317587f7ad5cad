"""The desk clock, closure approval, level records and the case index on replicated desks.

Two sites run the clock (``tick``) while apart, decide the same awaiting resolution, record
activations and raise report-ups on the same day; after syncing in either order both hold the
same files, each ladder step once, and no sync fails.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import core
from core.cases.approval import decide
from core.cases.case import DESK_CLOCK, Action, CaseStatus, Category
from core.identity import os_account
from core.levels.authorities import Authority
from core.levels.authority import Change, activations_dir, load_activations, record_change
from core.levels.manual import decisions_dir, load_decisions, set_manual_level
from core.levels.reportup import load_report_ups, record_report, reportups_dir
from core.levels.signals import Level
from core.replica.casemerge import MERGE_OPERATOR
from core.tick import run_tick
from tests.replica.sites import at, bare, case_files, events, open_case, replica, start, sync

CASE = "HX-20261123-0001"
COMMUNITIES = """[[district]]
code = "hexi"
name = "河西区"
name_en = "Hexi"

[[community]]
code = "jinxiu"
name = "锦绣"
name_en = "Jinxiu"
district = "hexi"
population = 4000
"""


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two sites of one desk sharing a dispatched request (due 24 hours after it was taken)."""
    hub = bare(tmp_path / "hub.git")
    hx = start(tmp_path / "hx", hub)
    desk = core.open_desk(hx)
    case = desk.cases.create(Category.GROCERIES, operator="wang", created=at(0),
                             description="米面油")
    desk.cases.act(case, Action.DISPATCH, operator="wang", department="commerce", time=at(5))
    desk.cases.index.close()
    assert sync(hx).ok
    return hx, replica(hub, tmp_path / "xc", "XC")


def _tick(root: Path, minutes: int) -> None:
    desk = core.open_desk(root)
    try:
        run_tick(desk, at(minutes))
    finally:
        desk.cases.index.close()


def _ladder_steps(root: Path) -> list[str | None]:
    desk, case = open_case(root, CASE)
    desk.cases.index.close()
    return [e.step for e in case.history if e.action is Action.LADDER]


@pytest.mark.parametrize("first", [0, 1], ids=["HX-first", "XC-first"])
def test_both_sites_ticking_apart_write_each_ladder_step_once(
        pair: tuple[Path, Path], first: int) -> None:
    hx, xc = pair
    day = 24 * 60
    # each site's clock catches up at its own moments; both write the same due steps
    _tick(hx, day + 10)
    _tick(hx, day + 3 * 60)
    _tick(xc, day + 5 * 60)
    assert _ladder_steps(hx) == _ladder_steps(xc) == ["department", "supervisor"]
    sites = (hx, xc) if first == 0 else (xc, hx)
    for site in (*sites, *sites):
        assert sync(site).ok
    assert _ladder_steps(hx) == ["department", "supervisor"]
    assert case_files(hx) == case_files(xc)
    desk, case = open_case(xc, CASE)
    desk.cases.index.close()
    assert [e.operator for e in case.history if e.action is Action.LADDER] == [DESK_CLOCK] * 2
    assert not [e for e in case.history if e.operator == MERGE_OPERATOR]


def _awaiting(hx: Path, xc: Path) -> str:
    """A price complaint resolved by the department and awaiting approval at both sites."""
    desk = core.open_desk(hx)
    case = desk.cases.create(Category.PRICE_GOUGING, operator="wang", created=at(1))
    case = desk.cases.act(case, Action.DISPATCH, operator="wang", department="market",
                          time=at(2))
    case = desk.cases.act(case, Action.REPLY, operator="wang", note="已约谈商户", time=at(30))
    case = desk.cases.act(case, Action.RESOLVE, operator="wang", note="价格已回落", time=at(31))
    assert case.status is CaseStatus.AWAITING_APPROVAL
    desk.cases.index.close()
    assert sync(hx).ok and sync(xc).ok
    return case.id


@pytest.mark.parametrize(("first", "send_back_later"), [(0, True), (1, True), (0, False)],
                         ids=["HX-first", "XC-first", "approval-later"])
def test_an_approval_at_one_site_and_a_send_back_at_the_other_keep_both_decisions(
        pair: tuple[Path, Path], first: int, send_back_later: bool) -> None:
    hx, xc = pair
    case_id = _awaiting(hx, xc)
    supervisor = os_account()
    approved, sent_back = (40, 45) if send_back_later else (45, 40)
    for root, approve, minute in ((hx, True, approved), (xc, False, sent_back)):
        desk = core.open_desk(root)
        decide(desk, case_id, approve=approve, supervisor=supervisor,
               note="同意办结" if approve else "请核实价格", time=at(minute))
        desk.cases.index.close()
    before = events(hx) | events(xc)
    sites = (hx, xc) if first == 0 else (xc, hx)
    for site in (*sites, *sites):
        assert sync(site).ok
    assert case_files(hx) == case_files(xc)
    assert before <= events(hx)
    desk, case = open_case(hx, case_id)
    desk.cases.index.close()
    actions = [e.action for e in case.history]
    assert Action.APPROVE in actions and Action.SEND_BACK in actions
    # the later decision stands, and the merge notes the one set aside for a supervisor
    kept, set_aside = ("send_back", "approve") if send_back_later else ("approve", "send_back")
    assert case.status is (CaseStatus.IN_PROGRESS if send_back_later else CaseStatus.RESOLVED)
    notes = [e.note for e in case.history if e.operator == MERGE_OPERATOR]
    assert len(notes) == 1
    assert f"status: kept '{case.status.value} ({kept})'" in notes[0]
    assert f"set aside '{set_aside}'" in notes[0]


def test_the_clock_at_one_site_and_a_resolution_at_the_other_lose_nothing(
        pair: tuple[Path, Path]) -> None:
    hx, xc = pair
    day = 24 * 60
    desk, case = open_case(hx, CASE)
    desk.cases.act(case, Action.RESOLVE, operator="wang", note="已送达",
                   time=at(day + 30))
    desk.cases.index.close()
    _tick(xc, day + 3 * 60)  # XC, not knowing, chases the case twice
    before = events(hx) | events(xc)
    for site in (xc, hx, xc):
        assert sync(site).ok
    assert case_files(hx) == case_files(xc)
    assert before <= events(hx)
    desk, case = open_case(xc, CASE)
    desk.cases.index.close()
    assert case.status is CaseStatus.RESOLVED  # a chase step does not reopen a resolution
    assert [e.step for e in case.history if e.action is Action.LADDER] == [
        "department", "supervisor"]
    assert not [e for e in case.history if e.operator == MERGE_OPERATOR]


def _signals(root: Path, grain_rise: float) -> None:
    directory = root / "signals"
    directory.mkdir(exist_ok=True)
    (directory / "2026-11-23.toml").write_text(
        f'date = 2026-11-23\n[signals]\ngrain_oil_weekly_rise = {grain_rise}\n'
        'lean_pork_weekly_rise = 0.0\npanic_buying = "none"\ntight_days = 0\n'
        'persistently_tight = false\nstockout = false\n', encoding="utf-8")


def _report_ups(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(reportups_dir(root).glob("*.toml"))}


@pytest.mark.parametrize("first", [0, 1], ids=["HX-first", "XC-first"])
def test_a_level_rise_seen_by_both_clocks_apart_ends_as_one_task(
        pair: tuple[Path, Path], first: int) -> None:
    hx, xc = pair
    _signals(hx, 0.55)
    assert sync(hx).ok and sync(xc).ok
    _tick(hx, 60)  # HX's clock sees the rise at 10:30
    _tick(xc, 100)  # XC's, apart, at 11:10, and flags it late at 12:20 (its own hour ran out)
    _tick(xc, 170)
    desk = core.open_desk(hx)  # HX reports it at 11:00 meanwhile
    record_report(desk, "level-desk-20261123-II", to="区政府总值班室", reference="电话 王",
                  at=at(90), supervisor=os_account(), now=at(91))
    desk.cases.index.close()
    sites = (hx, xc) if first == 0 else (xc, hx)
    for site in (*sites, *sites):
        assert sync(site).ok
    assert _report_ups(hx) == _report_ups(xc)
    [task] = load_report_ups(xc)[0]
    # the deadline runs from the first sighting; the report at 11:00 was within it
    assert task.seen_at == at(60) and task.due == at(120) and task.reported_at == at(90)
    assert task.overdue_at is None


def test_level_records_made_at_both_sites_the_same_second_all_arrive(
        pair: tuple[Path, Path]) -> None:
    hx, xc = pair
    # one supervisor's account at both replicas: the same second, two different records
    for root, level in ((hx, Level.IV), (xc, Level.III)):
        desk = core.open_desk(root)
        record_change(desk, Change.ACTIVATE, level, authority=Authority.STREET_OFFICE,
                      person="街道办 主任", reference=f"电话 {level.value}", time=at(20),
                      supervisor=os_account(), now=at(25))
        set_manual_level(desk, level, reason=f"手动 {level.value}", supervisor=os_account(),
                         time=at(25))
        desk.cases.index.close()
    for site in (hx, xc, hx):
        assert sync(site).ok
    for directory in (activations_dir, decisions_dir):
        names = sorted(p.name for p in directory(hx).glob("*.toml"))
        assert names == sorted(p.name for p in directory(xc).glob("*.toml"))
        assert len(names) == 2
    assert len(load_activations(xc)[0]) == 2
    assert len(load_decisions(xc)[0]) == 2


def test_the_case_index_of_an_open_desk_picks_up_cases_arriving_by_sync(
        pair: tuple[Path, Path]) -> None:
    hx, xc = pair
    app = core.open_desk(hx)  # an app open at HX all along, its index up to date
    app.cases.refresh()
    assert [row.id for row in app.cases.query()] == [CASE]
    desk = core.open_desk(xc)
    new = desk.cases.create(Category.RUMOUR, operator="li", created=at(20), community="jinxiu")
    desk.cases.act(desk.cases.get(CASE), Action.RESOLVE, operator="li", note="已送达",
                   time=at(21))
    desk.cases.index.close()
    assert sync(xc).ok and sync(hx).ok
    try:
        app.cases.refresh()
        rows = {row.id: row for row in app.cases.query()}
        assert set(rows) == {CASE, new.id} and new.id.startswith("XC-")
        assert rows[CASE].status is CaseStatus.RESOLVED
        assert [row.id for row in app.cases.query(community="jinxiu")] == [new.id]
        assert app.cases.get(new.id).created_by == "li"
    finally:
        app.cases.index.close()
    # the index is local state: never replicated, and rebuilt from relative paths if moved
    tracked = subprocess.run(["git", "-C", str(hx), "ls-files"], capture_output=True,
                             text=True, check=True).stdout.split()
    assert not [name for name in tracked if name.startswith((".index", ".locks"))]
    moved = hx.parent / "hx-moved"
    hx.rename(moved)
    desk = core.open_desk(moved)
    try:
        desk.cases.refresh()
        assert {row.id for row in desk.cases.query()} == {CASE, new.id}
    finally:
        desk.cases.index.close()


def _shortage_calls(root: Path, minutes: list[int], operator: str) -> None:
    desk = core.open_desk(root)
    for minute in minutes:
        desk.cases.create(Category.SHORTAGE, operator=operator, created=at(minute),
                          community="jinxiu", description="超市没有大米了")
    desk.cases.index.close()


@pytest.fixture
def surge_pair(pair: tuple[Path, Path]) -> tuple[Path, Path]:
    hx, xc = pair
    (hx / "communities.toml").write_text(COMMUNITIES, encoding="utf-8")
    assert sync(hx).ok and sync(xc).ok
    return hx, xc


@pytest.mark.parametrize("split", [False, True], ids=["same-calls", "calls-at-both-sites"])
def test_a_surge_seen_by_both_clocks_apart_ends_as_one_task(
        surge_pair: tuple[Path, Path], split: bool) -> None:
    hx, xc = surge_pair
    if split:  # each site takes five of the calls while apart
        _shortage_calls(hx, [30, 35, 40, 45, 50], "wang")
        _shortage_calls(xc, [32, 37, 42, 47, 52, 54], "li")
    else:  # both hold the five calls; XC takes a sixth before its clock runs
        _shortage_calls(hx, [30, 35, 40, 45, 50], "wang")
        assert sync(hx).ok and sync(xc).ok
        _shortage_calls(xc, [54], "li")
    _tick(hx, 55)
    _tick(xc, 58)
    desk = core.open_desk(xc)  # XC's supervisor reports the surge as XC saw it
    [seen_at_xc] = load_report_ups(xc)[0]
    record_report(desk, seen_at_xc.id, to="区政府总值班室", reference="电话 李", at=at(58),
                  supervisor=os_account(), now=at(59))
    desk.cases.index.close()
    for site in (hx, xc, hx):
        assert sync(site).ok
    assert _report_ups(hx) == _report_ups(xc)
    tasks = load_report_ups(hx)[0]
    assert [(t.cause.value, t.area) for t in tasks] == [("surge", "jinxiu")]
    # the first sighting (the call at HX that tipped it, 10:15) with the report made at XC
    assert tasks[0].seen_at == at(45) and tasks[0].reported_at == at(58)
    desk = core.open_desk(hx)
    try:
        assert [d for d in run_tick(desk, at(60)).written if d.step == "reportup.raised"] == []
    finally:
        desk.cases.index.close()
