"""Large ledgers are read by forked worker processes; the result must not change.

Each test runs in a fresh interpreter: a process with other threads (pytest's workers have some)
reads its ledgers alone, by design, so the forked path is only taken in a single-threaded one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.demo import demo_desk_path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = f"""
import importlib, os, sys
sys.path.insert(0, {str(ROOT)!r})
import core
R = importlib.import_module("core.ledger.reconcile")
R.PARALLEL_BYTES = 0  # the demo desk is small: split it anyway
R.SEND_BYTES = 20_000  # and send parts every few files
desk = core.open_desk({str(demo_desk_path())!r})
parent = os.getpid()
"""


#: a share read in a worker process fails (the parent's own share reads fine)
FAILING_WORKER = """
real = R.read_batch
def failing(path):
    if os.getpid() != parent:
        raise OSError("disk on fire")
    return real(path)
R.read_batch = failing
"""


def run(body: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PRELUDE + body], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)


def test_reading_in_processes_gives_the_same_reconciliation() -> None:
    done = run("""
import json
shares = R._shares(list(R.batch_paths(desk.root)), 3)
alone = R.reconcile(desk, workers=1)
together = R.reconcile(desk, workers=3)
print(json.dumps([len(shares), R._can_fork(), alone == together, len(alone.findings),
                  alone.records]))
""")
    assert done.returncode == 0, done.stderr
    shares, forked, same, findings, records = json.loads(done.stdout)
    assert shares == 3 and forked
    assert same
    assert (findings, records) == (4, 402)  # the demo desk's seeded findings, every record


def test_a_worker_that_fails_is_reported_not_ignored() -> None:
    done = run(FAILING_WORKER + """
try:
    R.reconcile(desk, workers=2)
except RuntimeError as exc:
    print("raised:", exc)
""")
    assert done.returncode == 0, done.stderr
    assert "raised: a process reading ledger files failed" in done.stdout
    assert "disk on fire" in done.stdout


def test_a_worker_that_dies_is_reported_with_its_exit_code() -> None:
    done = run("""
real = R.read_batch
def dying(path):
    if os.getpid() != parent:
        os._exit(3)
    return real(path)
R.read_batch = dying
try:
    R.reconcile(desk, workers=2)
except RuntimeError as exc:
    print("raised:", exc)
""")
    assert done.returncode == 0, done.stderr
    assert "ended with exit code 3" in done.stdout


def test_a_process_with_threads_reads_alone() -> None:
    done = run("""
import threading
stop = threading.Event()
helper = threading.Thread(target=stop.wait, daemon=True)
helper.start()
print(R._can_fork())
stop.set()
helper.join()
print(R._can_fork())
""")
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_the_command_says_a_worker_failed_in_one_line_and_exits_2() -> None:
    done = run(FAILING_WORKER + """
from tui.cli import main
sys.exit(main(["reconcile", "--desk", str(desk.root), "--jobs", "2"]))
""")
    assert done.returncode == 2
    assert done.stdout == ""  # nothing half-read is reported
    assert done.stderr.strip() == ("cannot reconcile: a process reading ledger files failed: "
                                   "OSError: disk on fire (try --jobs 1)")
