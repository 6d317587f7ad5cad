"""The chase ladder (催办/督办): tiers written by the desk clock, once, never early, caught up."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import core
from core.cases.case import DESK_CLOCK, Action, Case, CaseStatus, TransitionError, apply
from core.cases.ladder import chase_list, ladder_rule, tier_counts
from core.tick import run_tick
from tests.conftest import MINIMAL_SETTINGS

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
LADDER = """
[ladder]
on_reply = "{on_reply}"
tiers = [
    {{ step = "department", after_hours = 0, name = "催办承办单位", name_en = "department" }},
    {{ step = "supervisor", after_hours = 2, name = "值班长督办", name_en = "supervisor" }},
    {{ step = "command_post", after_hours = 24, name = "指挥部督办", name_en = "command post" }},
]
"""


def make_desk_dir(root: Path, on_reply: str = "halt") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "desk.toml").write_text(MINIMAL_SETTINGS + 'supervisors = ["zhou.min"]\n'
                                    + LADDER.format(on_reply=on_reply), encoding="utf-8")
    return root


@pytest.fixture
def desk_dir(tmp_path: Path) -> Path:
    return make_desk_dir(tmp_path / "desk")


@pytest.fixture
def desk(desk_dir: Path) -> Iterator[core.Desk]:
    opened = core.open_desk(desk_dir)
    yield opened
    opened.cases.index.close()


def dispatched(desk: core.Desk, created: datetime = T0) -> Case:
    """A request (due 24 hours after it was taken), dispatched to commerce an hour later."""
    case = desk.cases.create(core.Category.GROCERIES, operator="li", created=created)
    assert case.due == created + timedelta(hours=24)
    return desk.cases.act(case, Action.DISPATCH, operator="li", department="commerce",
                          time=created + timedelta(hours=1))


def ladder_events(case: Case) -> list[tuple[str | None, datetime, str]]:
    return [(e.step, e.time, e.operator) for e in case.history if e.action is Action.LADDER]


def test_a_case_climbs_tier_by_tier_as_the_clock_passes_each_time(desk: core.Desk) -> None:
    case = dispatched(desk)
    due = T0 + timedelta(hours=24)
    assert run_tick(desk, due - timedelta(seconds=1)).written == ()
    first = run_tick(desk, due)
    assert [(d.subject, d.step, d.at) for d in first.written] == [
        (case.id, "chase.department", due)]
    assert run_tick(desk, due + timedelta(hours=1, minutes=59)).written == ()
    second = run_tick(desk, due + timedelta(hours=2))
    assert [d.step for d in second.written] == ["chase.supervisor"]
    assert second.already_done == 1
    third = run_tick(desk, due + timedelta(hours=30))
    assert [(d.step, d.at) for d in third.written] == [
        ("chase.command_post", due + timedelta(hours=24))]
    saved = desk.cases.get(case.id)
    assert ladder_events(saved) == [
        ("department", due, DESK_CLOCK),
        ("supervisor", due + timedelta(hours=2), DESK_CLOCK),
        ("command_post", due + timedelta(hours=24), DESK_CLOCK),
    ]
    assert saved.status is CaseStatus.DISPATCHED  # the ladder records, it does not move work
    again = run_tick(desk, due + timedelta(hours=40))
    assert again.written == () and again.already_done == 3


def test_a_restart_in_the_middle_catches_up_each_missed_step_once_at_its_own_time(
        desk_dir: Path) -> None:
    desk = core.open_desk(desk_dir)
    case = dispatched(desk)
    due = T0 + timedelta(hours=24)
    assert len(run_tick(desk, due + timedelta(minutes=5)).written) == 1
    desk.cases.index.close()
    # the app is closed for a day and a half; the next start runs the clock up to now
    restarted = core.open_desk(desk_dir)
    caught_up = run_tick(restarted, due + timedelta(hours=36))
    assert [(d.step, d.at) for d in caught_up.written] == [
        ("chase.supervisor", due + timedelta(hours=2)),
        ("chase.command_post", due + timedelta(hours=24)),
    ]
    assert run_tick(restarted, due + timedelta(hours=36)).written == ()
    steps = [s for s, _at, _who in ladder_events(restarted.cases.get(case.id))]
    assert steps == ["department", "supervisor", "command_post"]
    restarted.cases.index.close()


def test_a_reply_halts_the_ladder_when_the_desk_says_so(desk: core.Desk) -> None:
    case = dispatched(desk)
    due = T0 + timedelta(hours=24)
    run_tick(desk, due)
    replied = desk.cases.act(desk.cases.get(case.id), Action.REPLY, operator="li",
                             note="已联系超市", time=due + timedelta(hours=1))
    assert run_tick(desk, due + timedelta(days=3)).written == ()
    assert [s for s, _at, _who in ladder_events(desk.cases.get(replied.id))] == ["department"]


def test_with_replies_ignored_only_leaving_open_work_stops_the_clock(tmp_path: Path) -> None:
    desk = core.open_desk(make_desk_dir(tmp_path / "d", on_reply="ignore"))
    case = dispatched(desk)
    due = T0 + timedelta(hours=24)
    desk.cases.act(case, Action.REPLY, operator="li", time=due - timedelta(hours=1))
    written = run_tick(desk, due + timedelta(hours=3)).written
    assert [d.step for d in written] == ["chase.department", "chase.supervisor"]
    resolved = desk.cases.act(desk.cases.get(case.id), Action.RESOLVE, operator="li",
                              time=due + timedelta(hours=4))
    assert run_tick(desk, due + timedelta(days=2)).written == ()
    assert resolved.status is CaseStatus.RESOLVED
    desk.cases.index.close()


def test_a_reopened_case_climbs_again_from_the_first_tier(desk: core.Desk) -> None:
    case = dispatched(desk)
    due = T0 + timedelta(hours=24)
    run_tick(desk, due + timedelta(hours=3))
    case = desk.cases.act(desk.cases.get(case.id), Action.RESOLVE, operator="li",
                          time=due + timedelta(hours=4))
    reopened = desk.cases.act(case, Action.REOPEN, operator="li", note="未送到",
                              time=due + timedelta(hours=5))
    assert reopened.due is not None
    written = run_tick(desk, reopened.due + timedelta(minutes=1)).written
    assert [(d.step, d.at) for d in written] == [("chase.department", reopened.due)]
    steps = [s for s, _at, _who in ladder_events(desk.cases.get(case.id))]
    assert steps == ["department", "supervisor", "department"]


def test_only_the_desk_clock_writes_ladder_steps(desk: core.Desk) -> None:
    case = dispatched(desk)
    forged = apply(case, Action.LADDER, operator="li", time=T0 + timedelta(hours=30),
                   rules=desk.settings.sla, step="department")
    with pytest.raises(ValueError, match="desk clock"):
        desk.cases.save(case, forged)
    with pytest.raises(TransitionError):
        apply(case, Action.LADDER, operator=DESK_CLOCK, time=T0, rules=desk.settings.sla)


def test_the_chase_list_orders_by_tier_then_age_and_the_board_counts_each_tier(
        desk: core.Desk) -> None:
    older = dispatched(desk, T0)
    newer = dispatched(desk, T0 + timedelta(hours=1))
    latest = dispatched(desk, T0 + timedelta(hours=2))
    now = T0 + timedelta(hours=24 + 3)
    ladder_rule(desk, now)
    listed = chase_list(desk, now)
    assert [(c.case.id, c.step.tier.step) for c in listed] == [
        (older.id, "supervisor"), (newer.id, "supervisor"), (latest.id, "department")]
    counts = [(tier.step, n) for tier, n in tier_counts(listed, desk.settings.ladder)]
    assert counts == [("department", 1), ("supervisor", 2), ("command_post", 0)]


def test_a_desk_without_tiers_writes_nothing(empty_desk: core.Desk) -> None:
    empty_desk.cases.create(core.Category.GROCERIES, operator="li", created=T0)
    assert run_tick(empty_desk, T0 + timedelta(days=5)).written == ()


#: a case's due time offset from T0 (hours), and when its department replies, if ever
CASES = st.lists(st.tuples(st.integers(0, 30), st.none() | st.integers(-3, 40)),
                 min_size=1, max_size=3)
#: the clock's readings, in any order (a clock can be set back), with restarts between them
TICKS = st.lists(st.tuples(st.integers(0, 60 * 80), st.booleans()), min_size=1, max_size=8)


@given(cases=CASES, ticks=TICKS)
def test_each_step_is_written_once_per_case_and_never_before_its_time(
        cases: list[tuple[int, int | None]], ticks: list[tuple[int, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_desk_dir(Path(tmp) / "desk")
        desk = core.open_desk(root)
        created: list[tuple[str, datetime]] = []
        for offset, reply in cases:
            start = T0 + timedelta(hours=offset) - timedelta(hours=24)
            case = dispatched(desk, start)
            if reply is not None:
                desk.cases.act(case, Action.REPLY, operator="li",
                               time=start + timedelta(hours=24 + reply))
            assert case.due is not None
            created.append((case.id, case.due))
        seen: list[tuple[str, str, datetime, datetime]] = []
        latest = T0 - timedelta(days=2)
        for minutes, restart in ticks:
            now = T0 + timedelta(minutes=minutes)
            latest = max(latest, now)
            if restart:
                desk.cases.index.close()
                desk = core.open_desk(root)
            for due in run_tick(desk, now).written:
                seen.append((due.subject, due.step, due.at, now))
        assert all(at <= now for _case, _step, at, now in seen)
        assert len({(c, s) for c, s, _at, _now in seen}) == len(seen)
        tiers = desk.settings.ladder.tiers
        for (case_id, due), (_offset, reply) in zip(created, cases, strict=True):
            saved = desk.cases.get(case_id)
            events = ladder_events(saved)
            assert len({s for s, _at, _who in events}) == len(events)
            halt = None if reply is None else due + timedelta(hours=reply)
            expected = [t.step for t in tiers
                        if due + timedelta(hours=t.after_hours) <= latest
                        and (halt is None or halt > due + timedelta(hours=t.after_hours))]
            # every step due by the latest tick is on file, at its own time, by the clock
            assert [s for s, _at, _who in events] == expected
            for step, at, who in events:
                tier = next(t for t in tiers if t.step == step)
                assert at == due + timedelta(hours=tier.after_hours) and who == DESK_CLOCK
        desk.cases.index.close()


_TICKER = """
import json, os, sys, time
from datetime import datetime
import core
from core.tick import run_tick
desk = core.open_desk(sys.argv[1])
desk.cases.refresh()
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.001)
print(json.dumps(run_tick(desk, datetime.fromisoformat(sys.argv[4])).to_json()))
"""


def test_apps_and_cron_ticking_at_once_write_each_step_once(desk_dir: Path) -> None:
    """Four processes run the clock over the same cases at the same moment: the case lock,
    and the decision taken on the file as read under it, let each step be written once."""
    import json
    import subprocess
    import sys
    import time

    desk = core.open_desk(desk_dir)
    ids = [dispatched(desk, T0 + timedelta(minutes=n)).id for n in range(30)]
    desk.cases.index.close()
    now = T0 + timedelta(days=3)
    go = desk_dir / "go"
    procs, ready = [], []
    for n in range(4):
        ready.append(desk_dir / f"ready{n}")
        procs.append(subprocess.Popen(
            [sys.executable, "-c", _TICKER, str(desk_dir), str(ready[-1]), str(go),
             now.isoformat()], stdout=subprocess.PIPE, text=True,
            cwd=Path(__file__).resolve().parents[2]))
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outputs = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    written = [(w["case"], w["step"]) for out in outputs for w in out["written"]]
    assert sorted(written) == sorted((i, f"chase.{s}") for i in ids
                                     for s in ("department", "supervisor", "command_post"))
    reopened = core.open_desk(desk_dir)
    for case_id in ids:
        steps = [s for s, _at, _who in ladder_events(reopened.cases.get(case_id))]
        assert steps == ["department", "supervisor", "command_post"]
    reopened.cases.index.close()
