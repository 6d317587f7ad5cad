"""The medical allocation's deadlines on the desk clock (core.medicalclock): ``baogong tick``
flags a request approved and not delivered by 17:00, a late approval, a late delivery and a
report not sent by 17:30, each once and at its own time; the sending of the report is recorded
once by a supervisor."""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import ledger as L
from core.allocation import day_report, propose
from core.check import check_desk
from core.desk import Desk
from core.identity import NotASupervisor
from core.ledger.files import write_batch
from core.medicalclock import (
    LATE_DIR,
    SendRefused,
    allocation_rule,
    load_deadlines,
    load_flags,
    load_reports_sent,
    record_report_sent,
)
from core.tick import run_tick
from tests.conftest import Run
from tests.console.conftest import (
    ALLOCATION_TOML,
    OPERATOR,
    SUPERVISOR,
    ConsoleApp,
    at,
    settle,
)
from tests.tui.deskfactory import FakeClock, uid_sequence
from tui.app import BaogongApp
from tui.screens.console.allocation import AllocationScreen
from tui.screens.console.decisions import ReportDialog

DEADLINES = "[deadlines]\nsince = 2026-11-23\n"


def switch_on(desk: Desk, table: str = DEADLINES) -> None:
    (desk.root / "allocation.toml").write_text(ALLOCATION_TOML + "\n" + table, encoding="utf-8")


def late_day(desk: Desk) -> tuple[str, str]:
    """Two sheets approved at 16:00: the first issued at 17:20, the second never; their ids."""
    first, second = [s.id for s in propose(desk, at(11).date()).sheets[:2]]
    uids = uid_sequence(8000)
    write_batch(desk.root, [
        L.draft(L.Approval, time=at(16), request=first, approved_by=SUPERVISOR),
        L.draft(L.Approval, time=at(16), request=second, approved_by=SUPERVISOR)],
        operator=SUPERVISOR, zone=desk.settings.zone, recorded=at(16), mode=0o600,
        uid_factory=uids)
    write_batch(desk.root, [
        L.draft(L.StockIssue, time=at(17, 20), store="west-depot", item="mask-10", quantity=60,
                request=first, unit="光明社区居委会", signed_by="主任 李梅")],
        operator="keeper.liu", zone=desk.settings.zone, recorded=at(17, 20), mode=0o600,
        uid_factory=uids)
    return first, second


def steps(desk: Desk, now: datetime) -> list[tuple[str, str, datetime]]:
    return [(d.subject, d.step, d.at) for d in run_tick(desk, now).written]


def test_without_deadlines_the_clock_writes_nothing(desk: Desk) -> None:
    late_day(desk)
    assert load_deadlines(desk.root) == (None, [])
    assert allocation_rule(desk, at(20)).written == ()
    assert not (desk.root / LATE_DIR).exists()


def test_each_deadline_is_flagged_once_at_its_own_time(desk: Desk) -> None:
    switch_on(desk)
    first, second = late_day(desk)
    assert steps(desk, at(16, 59)) == []
    assert steps(desk, at(17)) == [
        (f"allocation:20261123-not_delivered-{first}", "allocation.not_delivered", at(17)),
        (f"allocation:20261123-not_delivered-{second}", "allocation.not_delivered", at(17))]
    assert steps(desk, at(17, 10)) == []
    # the 17:20 issue is late; the report is due by 17:30, so 17:30 itself is not late
    assert steps(desk, at(17, 30)) == [
        (f"allocation:20261123-delivery-{first}", "allocation.late_delivery", at(17, 20))]
    assert steps(desk, at(17, 31)) == [
        ("allocation:20261123-report", "allocation.report_late", at(17, 30))]
    result = run_tick(desk, at(23))
    assert result.written == () and result.already_done == 4
    flags = {f.id: f for f in load_flags(desk.root)[0]}
    delivery = flags[f"20261123-delivery-{first}"]
    assert (delivery.who, delivery.at, delivery.flagged_by) == (
        "主任 李梅 / keeper.liu", at(17, 20), "@clock")
    assert flags[f"20261123-not_delivered-{second}"].who == SUPERVISOR
    # the next day's report is flagged the next day, not before
    assert steps(desk, at(17, 31, day=24)) == [
        ("allocation:20261124-report", "allocation.report_late", at(17, 30, day=24))]


def test_a_restart_catches_up_each_flag_at_its_own_time(desk: Desk) -> None:
    switch_on(desk)
    first, second = late_day(desk)
    assert sorted(steps(desk, at(20))) == sorted([
        (f"allocation:20261123-not_delivered-{first}", "allocation.not_delivered", at(17)),
        (f"allocation:20261123-not_delivered-{second}", "allocation.not_delivered", at(17)),
        (f"allocation:20261123-delivery-{first}", "allocation.late_delivery", at(17, 20)),
        ("allocation:20261123-report", "allocation.report_late", at(17, 30))])


def test_the_report_says_what_was_late_and_when_it_was_sent(desk: Desk) -> None:
    switch_on(desk)
    first, second = late_day(desk)
    run_tick(desk, at(17, 5))
    run_tick(desk, at(17, 45))

    def notes(now: datetime) -> list[str]:
        return [n.en for n in day_report(desk, at(11).date(), now=now).notes[1:]]

    assert notes(at(17, 45)) == [
        f"not delivered by 17:00: {second} (和平社区居委会), approved by {SUPERVISOR}",
        f"late delivery: {first} (光明社区居委会) issued at 17:20, signed for by 主任 李梅 / "
        f"keeper.liu, due by 17:00",
        "report not sent by 11-23 17:30: no sending recorded"]
    with pytest.raises(NotASupervisor):
        record_report_sent(desk, at(11).date(), to="区指挥部", reference="传真 17:50",
                           at=at(17, 50), supervisor=OPERATOR, now=at(18))
    with pytest.raises(SendRefused, match="still to come"):
        record_report_sent(desk, at(11).date(), to="区指挥部", reference="传真",
                           at=at(19), supervisor=SUPERVISOR, now=at(18))
    with pytest.raises(SendRefused, match="reference"):
        record_report_sent(desk, at(11).date(), to="区指挥部", reference=" ",
                           at=at(17, 50), supervisor=SUPERVISOR, now=at(18))
    sent = record_report_sent(desk, at(11).date(), to="区指挥部", reference="传真 17:50",
                              at=at(17, 50), supervisor=SUPERVISOR, now=at(18))
    assert sent.sent_by == SUPERVISOR
    with pytest.raises(SendRefused, match=f"already recorded as sent by {SUPERVISOR}"):
        record_report_sent(desk, at(11).date(), to="区政府", reference="电话",
                           at=at(17, 55), supervisor=SUPERVISOR, now=at(18))
    report = day_report(desk, at(11).date(), now=at(18))
    assert report.notes[-1].en == (f"report sent late: at 11-23 17:50 by {SUPERVISOR} to 区指挥部 "
                                   f"(传真 17:50), due by 17:30")
    assert report.notes[-1].zh == (f"日报逾期报送：11-23 17:50 由 {SUPERVISOR} 报送区指挥部"
                                   f"（传真 17:50），应于 17:30 前")
    assert check_desk(desk.root, workers=1).problems == ()


def test_a_report_sent_in_time_is_not_flagged(desk: Desk) -> None:
    switch_on(desk, DEADLINES + "deliver_by = 18:00:00\nreport_by = 18:30:00\n")
    _first, second = late_day(desk)
    record_report_sent(desk, at(11).date(), to="区指挥部", reference="传真", at=at(18, 10),
                       supervisor=SUPERVISOR, now=at(18, 10))
    # with the desk's own deadlines the 17:20 issue was in time, and the report too
    assert steps(desk, at(23)) == [(f"allocation:20261123-not_delivered-{second}",
                                    "allocation.not_delivered", at(18))]
    assert [n.en for n in day_report(desk, at(11).date(), now=at(23)).notes[1:]] == [
        f"not delivered by 18:00: {second} (和平社区居委会), approved by {SUPERVISOR}",
        f"report sent at 18:10 by {SUPERVISOR} to 区指挥部 (传真)"]


@pytest.mark.parametrize("table, field", [
    ("[deadlines]\ndeliver_by = 17:00:00\n", "deadlines.since"),
    ('[deadlines]\nsince = 2026-11-23\nreport_by = "half past five"\n', "deadlines.report_by"),
    ("[deadlines]\nsince = 2026-11-23\nremind = true\n", "deadlines.remind")])
def test_bad_deadlines_are_named_by_check(desk: Desk, table: str, field: str) -> None:
    switch_on(desk, table)
    problems = check_desk(desk.root, workers=1).problems
    assert [(p.path.name, p.field) for p in problems] == [("allocation.toml", field)]
    assert all(p.line is not None for p in problems)
    assert allocation_rule(desk, at(20)).written == ()


TICK_MINUTES = st.lists(st.integers(15 * 60, 33 * 60), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=TICK_MINUTES, restarts=st.lists(st.booleans(), min_size=6, max_size=6))
def test_any_ticks_and_restarts_write_each_flag_once_never_early(
        desk: Desk, tmp_path_factory: pytest.TempPathFactory, minutes: list[int],
        restarts: list[bool]) -> None:
    root = tmp_path_factory.mktemp("clock") / "desk"
    if "[deadlines]" not in (desk.root / "allocation.toml").read_text(encoding="utf-8"):
        switch_on(desk)
        late_day(desk)
    shutil.copytree(desk.root, root, ignore=shutil.ignore_patterns(".index", ".locks"))
    here = Desk.open(root)
    start = at(0)
    written: list[tuple[str, str, datetime, datetime]] = []
    for minute, restart in zip(sorted(minutes), restarts, strict=False):
        now = start + timedelta(minutes=minute)
        if restart:
            here = Desk.open(root)
        written += [(d.subject, d.step, d.at, now) for d in run_tick(here, now).written]
    last = start + timedelta(minutes=max(minutes))
    assert len({(s, step) for s, step, _at, _now in written}) == len(written)
    assert all(when <= now for _s, _step, when, now in written)
    # the same flags as one tick at the end would have written
    fresh = tmp_path_factory.mktemp("once") / "desk"
    shutil.copytree(desk.root, fresh, ignore=shutil.ignore_patterns(".index", ".locks"))
    assert {(s, step, when) for s, step, when, _now in written} == {
        (d.subject, d.step, d.at) for d in run_tick(Desk.open(fresh), last).written}


def _tick_in_process(root: str, now: str, out: multiprocessing.Queue[list[str]]) -> None:
    desk = Desk.open(Path(root))
    out.put([d.subject for d in allocation_rule(desk, datetime.fromisoformat(now)).written])


def test_clocks_racing_write_each_flag_once(desk: Desk) -> None:
    switch_on(desk)
    late_day(desk)
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[list[str]] = context.Queue()
    runs = [context.Process(target=_tick_in_process,
                            args=(str(desk.root), at(20).isoformat(), out)) for _ in range(4)]
    for run in runs:
        run.start()
    got = [out.get(timeout=60) for _ in runs]
    for run in runs:
        run.join(timeout=60)
    subjects = [s for found in got for s in found]
    assert len(subjects) == 4 and len(set(subjects)) == 4


def test_the_report_and_its_sending_from_the_command_line(desk: Desk, run: Run) -> None:
    switch_on(desk)
    _first, second = late_day(desk)
    root = str(desk.root)
    status, out, _err = run("--lang", "en", "allocation", "report", "--desk", root, "--day",
                            "2026-11-23", "--now", "2026-11-23T18:00")
    assert status == 0
    assert f"not delivered by 17:00: {second}" in out
    assert "report not sent by 11-23 17:30: no sending recorded" in out
    status, _out, err = run("--operator", OPERATOR, "allocation", "report", "--desk", root,
                            "--day", "2026-11-23", "--now", "2026-11-23T18:20", "--sent",
                            "18:10", "--to", "区指挥部", "--reference", "传真")
    assert status == 1 and "supervisor" in err
    status, out, _err = run("--operator", SUPERVISOR, "--lang", "en", "allocation", "report",
                            "--desk", root, "--day", "2026-11-23", "--now", "2026-11-23T18:20",
                            "--sent", "18:10", "--to", "区指挥部", "--reference", "传真")
    assert (status, out) == (0, f"report sent late: at 11-23 18:10 by {SUPERVISOR} to 区指挥部 "
                                "(传真), due by 17:30\n")
    status, _out, err = run("--operator", SUPERVISOR, "allocation", "report", "--desk", root,
                            "--day", "2026-11-23", "--now", "2026-11-23T18:30", "--sent",
                            "18:25", "--to", "区政府", "--reference", "电话")
    assert status == 1 and "already recorded as sent by zhao" in err
    status, _out, err = run("allocation", "report", "--desk", root, "--sent", "soon",
                            "--to", "x", "--reference", "y", "--now", "2026-11-23T18:30")
    assert status == 2 and "--sent" in err


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_the_report_is_recorded_as_sent_from_the_allocation_page(
        console_app: ConsoleApp, desk: Desk, clock: FakeClock, language: str,
        snap: Callable[[BaogongApp, str], None]) -> None:
    switch_on(desk)
    late_day(desk)
    clock.now = at(17, 50)
    app = console_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "2")
        await settle(pilot)
        assert isinstance(app.screen, AllocationScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ReportDialog)
        await pilot.press(*"district HQ", "down", *"fax 17:45", "down")
        await pilot.press(*["backspace"] * 5, *"17:45")
        await settle(pilot)
        snap(app, f"report-sent-form-{language}")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AllocationScreen)
        sent = load_reports_sent(desk.root)[0][at(11).date()]
        assert (sent.sent_at, sent.sent_to, sent.reference, sent.sent_by) == (
            at(17, 45), "district HQ", "fax 17:45", SUPERVISOR)
        app.screen.recompute()
        await settle(pilot)
        page = str(app.screen.query_one("#body").render())
        assert ("report sent late: at 11-23 17:45 by zhao to district HQ (fax 17:45), due by "
                "17:30" if language == "en" else "日报逾期报送：11-23 17:45 由 zhao 报送district HQ"
                ) in page
        # a second sending of the day is refused, and nothing is overwritten
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"city", "down", *"call", "ctrl+s")
        await settle(pilot)
        assert load_reports_sent(desk.root)[0][at(11).date()] == sent


def test_two_replicas_flags_and_sendings_merge_to_the_earlier(tmp_path: Path) -> None:
    from core.medicalclock import SENT_DIR, LateFlag, ReportSent, merge_allocation_files
    from core.problems import DeskError
    from core.replica.mergedriver import main as merge_driver
    from core.storage.convert import converter
    from core.storage.tomlio import dumps

    def encoded(value: object) -> bytes:
        data = {k: v for k, v in converter.unstructure(value).items() if v is not None}
        return dumps(data).encode("utf-8")

    name = LATE_DIR / "20261123-delivery-r1.toml"
    here = encoded(LateFlag("20261123-delivery-r1", "delivery", "r1", "u", "王 / keeper.liu",
                            at(17), at(17, 20)))
    there = encoded(LateFlag("20261123-delivery-r1", "delivery", "r1", "u", "李 / keeper.wu",
                             at(17), at(17, 10)))
    assert merge_allocation_files(here, there, name) == merge_allocation_files(
        there, here, name) == there
    sent = SENT_DIR / "2026-11-23.toml"
    first = encoded(ReportSent(at(11).date(), at(17, 25), "区指挥部", "传真", "zhao", at(17, 26)))
    second = encoded(ReportSent(at(11).date(), at(17, 40), "区政府", "电话", "zhou", at(17, 41)))
    assert merge_allocation_files(second, first, sent) == first
    with pytest.raises(DeskError):
        merge_allocation_files(here, b"kind = 3\n", name)
    # as git runs it: the merged version written over ours
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.write_bytes(here)
    theirs.write_bytes(there)
    assert merge_driver([str(tmp_path / "none"), str(ours), str(theirs), str(name)]) == 0
    assert ours.read_bytes() == there
