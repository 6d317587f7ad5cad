"""Many operators, one desk: real processes racing for ids and for the same case."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import core
from core.cases.store import decode_case
from core.storage.atomic import leftover_temporaries

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _create_many(desk_dir: str, operator: str, count: int) -> list[str]:
    desk = core.open_desk(desk_dir)
    ids = []
    for n in range(count):
        case = desk.cases.create(core.Category.GROCERIES, operator=operator, created=T0,
                                 description=f"{operator} #{n}")
        ids.append(case.id)
    return ids


@pytest.mark.slow
def test_eight_writers_never_collide_or_lose_a_case(empty_desk_dir: Path) -> None:
    writers, per_writer = 8, 200
    with ProcessPoolExecutor(writers) as pool:
        results = list(pool.map(_create_many, [str(empty_desk_dir)] * writers,
                                [f"op{n}" for n in range(writers)], [per_writer] * writers))
    ids = [case_id for chunk in results for case_id in chunk]
    assert len(ids) == len(set(ids)) == writers * per_writer
    desk = core.open_desk(empty_desk_dir)
    on_disk = list(desk.cases)
    assert sorted(c.id for c in on_disk) == sorted(ids)
    assert {(c.created_by, c.description) for c in on_disk} == {
        (f"op{w}", f"op{w} #{n}") for w in range(writers) for n in range(per_writer)}
    numbers = sorted(int(i.split("-")[1]) for i in ids)
    assert numbers == list(range(1, writers * per_writer + 1))
    desk.cases.refresh()
    assert desk.cases.count() == writers * per_writer


_UPDATER = textwrap.dedent("""
    import sys, time, core
    desk = core.open_desk(sys.argv[1])
    case = desk.cases.get(sys.argv[2])
    open(sys.argv[3], "w").close()          # loaded: tell the parent
    while not __import__("os").path.exists(sys.argv[4]):
        time.sleep(0.005)                   # wait until both have loaded
    time.sleep(float(sys.argv[5]))
    try:
        desk.cases.act(case, core.Action.NOTE, operator=sys.argv[6], note=sys.argv[6])
        print("saved")
    except core.ConflictError as exc:
        print("conflict", exc.current.history[-1].operator)
""")


@pytest.mark.slow
def test_two_processes_updating_one_case_the_second_gets_a_conflict(
    empty_desk: core.Desk, tmp_path: Path
) -> None:
    case = empty_desk.cases.create(core.Category.SHORTAGE, operator="wang", created=T0)
    go = tmp_path / "go"
    procs = []
    for name, delay in (("first", "0"), ("second", "0.3")):
        ready = tmp_path / f"ready-{name}"
        procs.append((ready, subprocess.Popen(
            [sys.executable, "-c", _UPDATER, str(empty_desk.root), case.id, str(ready), str(go),
             delay, name], cwd=ROOT, stdout=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 20
    while not all(ready.exists() for ready, _ in procs) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    outputs = [proc.communicate(timeout=30)[0].strip() for _, proc in procs]
    assert outputs == ["saved", "conflict first"]
    final = empty_desk.cases.get(case.id)
    assert [e.note for e in final.history[1:]] == ["first"]
    assert final.revision == 2


_CRASHER = textwrap.dedent("""
    import sys, core
    from core.storage.atomic import write_atomic
    desk = core.open_desk(sys.argv[1])
    case = desk.cases.get(sys.argv[2])
    n = 0
    print("ready", flush=True)
    while True:
        n += 1
        case = desk.cases.act(case, core.Action.NOTE, operator="crash", note="x" * 4000 + str(n))
""")


@pytest.mark.slow
def test_a_writer_killed_mid_write_leaves_a_whole_file(empty_desk: core.Desk) -> None:
    case = empty_desk.cases.create(core.Category.GROCERIES, operator="wang", created=T0)
    path = empty_desk.cases.path_for(case.id)
    revisions = set()
    for round_number in range(12):
        proc = subprocess.Popen([sys.executable, "-c", _CRASHER, str(empty_desk.root), case.id],
                                cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.05 + 0.013 * round_number)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        raw = path.read_bytes()
        loaded, problems = decode_case(path, raw)
        assert problems == [] and loaded is not None, f"torn file after kill: {problems}"
        revisions.add(loaded.revision)
        case = loaded
    assert len(revisions) > 1  # the writer really was writing when it was killed
    leftovers = [p.name for p in path.parent.iterdir() if p.name != path.name]
    # a killed writer may leave its temporary file; it is hidden and never read as a case
    assert all(name.startswith(".") and name.endswith(".tmp") for name in leftovers)
    assert leftover_temporaries(empty_desk.root, older_than=0) == sorted(
        path.parent / name for name in leftovers)
    assert core.open_desk(empty_desk.root).cases.get(case.id) == case
