"""A dropped connection (SIGHUP) keeps the call as a draft and ends the process, even when the
app's own teardown never returns (it writes to a terminal that is gone)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STUCK = """
import sys, time
from tui import launch

launch.HANG_UP_GRACE = 0.5

class Drafts:
    def flush(self) -> None:
        pass

class StuckApp:
    '''An app whose exit never finishes, as a teardown blocked on a dead terminal.'''
    drafts = Drafts()

    def save_drafts_now(self) -> None:
        print("draft saved", flush=True)

    def exit(self, code: int) -> None:
        pass

    def run(self) -> int:
        print("running", flush=True)
        while True:
            time.sleep(0.05)

launch.run_keeping_drafts(StuckApp())
"""


def test_a_hung_up_app_whose_teardown_blocks_still_ends_with_its_draft_kept() -> None:
    process = subprocess.Popen([sys.executable, "-c", STUCK], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "running"
        process.send_signal(signal.SIGHUP)
        assert process.wait(timeout=30) == 0
        assert process.stdout.read().split() == ["draft", "saved"]
    finally:
        process.kill()
        process.wait()
