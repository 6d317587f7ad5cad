"""The case store's protections under real contention and real kills.

Each test runs ``tests/store_stress.py`` in a fresh interpreter (it forks its workers, which is
only safe without other threads) and judges its report. ``tests/mutation_check.py`` reruns these
tests on copies of the repository with the per-case lock or the atomic write removed: each of
those copies must fail them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import core

ROOT = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.reliability


def stress(command: str, desk: Path, *options: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.store_stress", command, str(desk),
                           *options], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    # the worker processes ran this tree's core, not some other installed copy
    assert Path(report["core"]).resolve() == ROOT / "core" / "storage" / "atomic.py"
    return report


@pytest.mark.slow
def test_one_revision_saved_by_four_processes_at_once_has_exactly_one_winner(
    empty_desk_dir: Path,
) -> None:
    rounds = 8
    report = stress("race", empty_desk_dir, "--workers", "4", "--rounds", str(rounds))
    assert report["rounds"] == [{"saved": 1, "conflict": 3}] * rounds
    assert len(report["notes"]) == rounds
    assert report["revision"] == rounds + 1


@pytest.mark.slow
def test_four_processes_updating_one_case_lose_no_update(empty_desk_dir: Path) -> None:
    workers, updates = 4, 8
    report = stress("contend", empty_desk_dir, "--workers", str(workers),
                    "--updates", str(updates))
    expected = sorted(f"worker {w} update {n}" for w in range(workers) for n in range(updates))
    assert sorted(report["saved"]) == expected
    assert sorted(report["notes"]) == expected  # every save is in the history, exactly once
    assert report["revision"] == 1 + workers * updates
    assert report["conflicts"] > 0  # they really collided, and retrying resolved it


@pytest.mark.slow
def test_four_processes_creating_at_once_get_every_number_once(empty_desk_dir: Path) -> None:
    workers, each = 4, 20
    report = stress("create", empty_desk_dir, "--workers", str(workers), "--each", str(each))
    acknowledged = dict(report["acknowledged"])
    assert len(acknowledged) == len(report["acknowledged"]) == workers * each
    assert report["on_disk"] == acknowledged
    assert sorted(acknowledged) == [f"20261123-{n:04d}" for n in range(1, workers * each + 1)]
    assert Counter(d.split(" case ")[0] for d in acknowledged.values()) == {
        f"worker {w}": each for w in range(workers)}
    assert report["collisions"] > 0  # they really raced for the same numbers


@pytest.mark.slow
def test_two_hundred_kills_leave_whole_files_and_every_acknowledged_write(
    empty_desk_dir: Path,
) -> None:
    report = stress("kill", empty_desk_dir, "--kills", "200")
    findings = {key: report[key] for key in
                ("torn", "seen_torn", "lost", "duplicates", "gaps", "writer_errors")}
    assert findings == {key: [] for key in findings}
    assert report["kills"] == 200
    assert report["creates_acknowledged"] > 0 and report["notes_acknowledged"] > 0
    # kills landed between a write and its acknowledgement, not only between writes
    assert report["unacknowledged_writes"] > 0


def test_the_directory_is_flushed_after_a_case_file_is_moved_in(
    empty_desk: core.Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the directory's fsync a power cut can lose the new name, file written or not."""
    events: list[tuple[str, str]] = []
    real_fsync, real_link, real_replace = os.fsync, os.link, os.replace

    def fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        events.append(("fsync directory" if os.path.isdir(target) else "fsync file", target))
        real_fsync(fd)

    def link(source: str, destination: str) -> None:
        events.append(("link", str(destination)))
        real_link(source, destination)

    def replace(source: str, destination: str) -> None:
        events.append(("rename", str(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "link", link)
    monkeypatch.setattr(os, "replace", replace)
    case = empty_desk.cases.create(core.Category.GROCERIES, operator="wang",
                                   created=datetime(2026, 11, 23, 10, 0, tzinfo=ZONE))
    path = empty_desk.cases.path_for(case.id)
    empty_desk.cases.act(case, core.Action.NOTE, operator="wang", note="回访")
    # the case's own files only: the index and the lock stripes are written on their own terms
    events = [(kind, target) for kind, target in events
              if path.parent in (Path(target), Path(target).parent)]
    moves = [(kind, Path(target)) for kind, target in events if not kind.startswith("fsync f")]
    assert moves == [("link", path), ("fsync directory", path.parent),
                     ("rename", path), ("fsync directory", path.parent)]
    # each file was flushed before it was moved in
    assert [kind for kind, _ in events] == ["fsync file", "link", "fsync directory",
                                            "fsync file", "rename", "fsync directory"]
