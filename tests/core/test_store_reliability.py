"""The case store's protections under real contention and real kills.

Each test runs ``tests/store_stress.py`` in a fresh interpreter (it forks its workers, which is
only safe without other threads) and judges its report. ``tests/mutation_check.py`` reruns these
tests on copies of the repository with the per-case lock or the atomic write removed: each of
those copies must fail them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.reliability]


def stress(command: str, desk: Path, *options: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.store_stress", command, str(desk),
                           *options], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    # the worker processes ran this tree's core, not some other installed copy
    assert Path(report["core"]).resolve() == ROOT / "core" / "atomic.py"
    return report


def test_one_revision_saved_by_four_processes_at_once_has_exactly_one_winner(
    empty_desk_dir: Path,
) -> None:
    rounds = 8
    report = stress("race", empty_desk_dir, "--workers", "4", "--rounds", str(rounds))
    assert report["rounds"] == [{"saved": 1, "conflict": 3}] * rounds
    assert len(report["notes"]) == rounds
    assert report["revision"] == rounds + 1


def test_four_processes_updating_one_case_lose_no_update(empty_desk_dir: Path) -> None:
    workers, updates = 4, 8
    report = stress("contend", empty_desk_dir, "--workers", str(workers),
                    "--updates", str(updates))
    expected = sorted(f"worker {w} update {n}" for w in range(workers) for n in range(updates))
    assert sorted(report["saved"]) == expected
    assert sorted(report["notes"]) == expected  # every save is in the history, exactly once
    assert report["revision"] == 1 + workers * updates
    assert report["conflicts"] > 0  # they really collided, and retrying resolved it


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
