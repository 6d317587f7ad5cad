"""Report-up tasks: a surge or a level rise is reported upward within the hour; the clock
flags the ones not reported in time, once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core
from core.levels import NotASupervisor
from core.levels.reportup import (
    Cause,
    ReportRefused,
    load_report_ups,
    record_report,
    report_up_status,
)
from core.tick import TickResult, run_tick

ZONE = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 25) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def surge(desk: core.Desk) -> None:
    """Five shortage calls from Jinxiu between 09:00 and 09:20: the fifth makes a surge."""
    for minute in (0, 5, 10, 15, 20):
        desk.cases.create(core.Category.SHORTAGE, operator="wang", created=at(9, minute),
                          community="jinxiu", description="超市没有大米了")


def signals(desk: core.Desk, day: int, grain_rise: float) -> None:
    directory = desk.root / "signals"
    directory.mkdir(exist_ok=True)
    (directory / f"2026-11-{day}.toml").write_text(
        f'date = 2026-11-{day}\n[signals]\n'
        f'grain_oil_weekly_rise = {grain_rise}\nlean_pork_weekly_rise = 0.0\n'
        'panic_buying = "none"\ntight_days = 0\npersistently_tight = false\n'
        'stockout = false\n', encoding="utf-8")


def steps(result: TickResult) -> list[tuple[str, str, datetime]]:
    return [(d.subject, d.step, d.at) for d in result.written]


def test_a_surge_raises_a_task_that_goes_overdue_once(level_desk: core.Desk) -> None:
    assert run_tick(level_desk, at(8, 55)).written == ()
    surge(level_desk)
    first = run_tick(level_desk, at(9, 30))
    task_id = "surge-jinxiu-20261125T0920"
    assert steps(first) == [(f"reportup:{task_id}", "reportup.raised", at(9, 20))]
    [task] = load_report_ups(level_desk.root)[0]
    assert task.cause is Cause.SURGE and task.due == at(10, 20) and "锦绣" in task.detail
    assert run_tick(level_desk, at(9, 45)).written == ()  # the same surge: no second task
    assert run_tick(level_desk, at(10, 19)).written == ()  # never before its time
    late = run_tick(level_desk, at(10, 30))
    assert steps(late) == [(f"reportup:{task_id}", "reportup.overdue", at(10, 20))]
    again = run_tick(level_desk, at(10, 31))
    assert again.written == () and again.already_done == 1
    status = report_up_status(level_desk, at(10, 31))
    assert [t.id for t in status.overdue] == [task_id] and status.overdue_open == 1
    # reported late: still listed as late, and no longer open
    record_report(level_desk, task_id, to="区政府总值班室", reference="电话 0351-2345678",
                  at=at(10, 40), supervisor="zhou.min", now=at(10, 45))
    status = report_up_status(level_desk, at(10, 50))
    assert status.open == () and [t.id for t in status.overdue] == [task_id]
    assert status.overdue_open == 0


def test_a_report_within_the_hour_is_never_overdue(level_desk: core.Desk) -> None:
    surge(level_desk)
    run_tick(level_desk, at(9, 30))
    [task] = load_report_ups(level_desk.root)[0]
    done = record_report(level_desk, task.id, to="区政府总值班室", reference="区应急办 王 09:50",
                         at=at(9, 50), supervisor="zhou.min", now=at(9, 55))
    assert done.reported_by == "zhou.min" and done.reported_to == "区政府总值班室"
    assert run_tick(level_desk, at(11)).written == ()
    assert report_up_status(level_desk, at(11)).overdue == ()


def test_a_level_rise_raises_one_task_per_level(level_desk: core.Desk) -> None:
    signals(level_desk, 25, 0.55)
    written = steps(run_tick(level_desk, at(8)))
    assert written == [("reportup:level-desk-20261125-II", "reportup.raised", at(8))]
    assert run_tick(level_desk, at(8, 30)).written == ()
    signals(level_desk, 25, 0.85)
    written = steps(run_tick(level_desk, at(8, 40)))
    assert written == [("reportup:level-desk-20261125-I", "reportup.raised", at(8, 40))]
    # the next day at the same level is no rise
    signals(level_desk, 26, 0.85)
    written = steps(run_tick(level_desk, at(8, 0, day=26)))
    assert [s for s in written if s[1] == "reportup.raised"] == []


def test_who_may_record_a_report(level_desk: core.Desk) -> None:
    surge(level_desk)
    run_tick(level_desk, at(9, 30))
    [task] = load_report_ups(level_desk.root)[0]

    def report(**changes: object) -> object:
        args: dict[str, object] = {"to": "区政府", "reference": "电话", "at": at(9, 40),
                                   "supervisor": "zhou.min", "now": at(9, 45)}
        args.update(changes)
        return record_report(level_desk, str(changes.pop("task", task.id)), **args)  # type: ignore[arg-type]

    with pytest.raises(NotASupervisor):
        report(supervisor="wang")
    with pytest.raises(ReportRefused, match="to whom"):
        report(to=" ")
    with pytest.raises(ReportRefused, match="reference"):
        report(reference="")
    with pytest.raises(ReportRefused, match="to come"):
        report(at=at(10))
    with pytest.raises(ReportRefused, match="no report-up task"):
        record_report(level_desk, "nothing", to="区政府", reference="电话", at=at(9, 40),
                      supervisor="zhou.min", now=at(9, 45))
    report()
    with pytest.raises(ReportRefused, match="already reported"):
        report()


def test_two_supervisors_reporting_at_once_record_one_report(level_desk: core.Desk) -> None:
    """The lock: without it, both read the open task and both reports are written, the second
    silently replacing the first."""
    surge(level_desk)
    run_tick(level_desk, at(9, 30))
    [task] = load_report_ups(level_desk.root)[0]
    barrier = threading.Barrier(4)
    refused: list[Exception] = []

    def one(n: int) -> None:
        barrier.wait()
        try:
            record_report(level_desk, task.id, to=f"区政府 {n}", reference="电话",
                          at=at(9, 40), supervisor="zhou.min", now=at(9, 45))
        except ReportRefused as exc:
            refused.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(refused) == 3
    [done] = load_report_ups(level_desk.root)[0]
    assert done.reported


def test_a_restart_in_the_middle_catches_up_exactly_once(level_desk: core.Desk) -> None:
    surge(level_desk)
    # the desk was closed from 09:00 until 12:00: the first run raises and flags at once,
    # each at its own time
    first = run_tick(level_desk, at(12))
    task_id = "reportup:surge-jinxiu-20261125T0920"
    assert steps(first) == [(task_id, "reportup.raised", at(9, 20)),
                            (task_id, "reportup.overdue", at(10, 20))]
    reopened = core.open_desk(level_desk.root)
    try:
        assert run_tick(reopened, at(12, 1)).written == ()
    finally:
        reopened.cases.index.close()


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.lists(st.integers(0, 5 * 60), min_size=1, max_size=6),
       reopen=st.lists(st.booleans(), min_size=6, max_size=6))
def test_any_ticks_write_each_step_once_and_never_early(
        level_desk: core.Desk, minutes: list[int], reopen: list[bool]) -> None:
    """Clock runs at any moments between 08:00 and 13:00, with restarts between them: the
    surge's task is raised once and flagged overdue once, each no earlier than its time."""
    import shutil

    root = level_desk.root.parent / f"run-{len(list(level_desk.root.parent.iterdir()))}"
    shutil.copytree(level_desk.root, root, ignore=shutil.ignore_patterns(".index", ".locks"))
    desk = core.open_desk(root)
    surge(desk)
    seen: list[tuple[str, str, datetime]] = []
    try:
        for minute, restart in zip(sorted(minutes), reopen, strict=False):
            now = at(8) + timedelta(minutes=minute)
            if restart:
                desk.cases.index.close()
                desk = core.open_desk(root)
            for step in steps(run_tick(desk, now)):
                assert step[2] <= now
                seen.append(step)
    finally:
        desk.cases.index.close()
    last = at(8) + timedelta(minutes=max(minutes))
    task = "reportup:surge-jinxiu-20261125T0920"
    expected = [(task, "reportup.raised", at(9, 20))] if last >= at(9, 20) else []
    if last >= at(10, 20):
        expected.append((task, "reportup.overdue", at(10, 20)))
    assert seen == expected
