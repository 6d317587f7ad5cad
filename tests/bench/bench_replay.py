"""Replay benchmark: a five-minute call replayed as fast as possible, against the 3 s goal.

    python tests/bench/bench_replay.py [--runs 3] [RECORDING.toml]

By default it replays the longest recording in ``fixtures/sessions/`` (a call of over five
minutes) on a fresh copy of the demo desk, ``--runs`` times, and prints for each run the wall
time, the CPU time of the process (the wall time on a machine busy with other work can be much
longer than the CPU time) and the ratio to the recorded duration; then the median against
issue 20's goal 7 (under 3 s on a quiet machine: the load average is printed beside it), MET or
MISSED. The baseline measured in the same run is starting and stopping the app headless on the
same desk with no keys at all: what any replay costs before its first key.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.demo import copy_demo_desk
from tui.recording import Recording, load_recording, sessions_in
from tui.replay.player import replay

ROOT = Path(__file__).resolve().parents[2]
BAR = 3.0


def once(recording: Recording) -> tuple[float, float, int]:
    scratch = Path(tempfile.mkdtemp(prefix="baogong-bench-replay-"))
    try:
        desk = copy_demo_desk(scratch / "desk")
        wall, cpu = time.perf_counter(), time.process_time()
        result = asyncio.run(replay(recording, desk))
        return time.perf_counter() - wall, time.process_time() - cpu, result.keys
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", nargs="?", help="default: the longest fixture session")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.recording:
        path = Path(args.recording)
    else:
        path = max(sessions_in(ROOT / "fixtures" / "sessions"),
                   key=lambda p: load_recording(p).session.duration)
    recording = load_recording(path)
    print(f"{path.name}: {len(recording.keys)} keys, {len(recording.checkpoints)} checkpoints, "
          f"recorded duration {recording.session.duration:.0f} s, "
          f"load average {os.getloadavg()[0]:.1f}")
    empty = Recording(recording.session)
    base = [once(empty) for _ in range(args.runs)]
    base_wall = statistics.median(w for w, _c, _k in base)
    base_cpu = statistics.median(c for _w, c, _k in base)
    print(f"baseline (start and stop the app, no keys): {base_wall:.2f} s wall, "
          f"{base_cpu:.2f} s CPU")
    walls = []
    cpus = []
    for run in range(1, args.runs + 1):
        wall, cpu, keys = once(recording)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU, {keys} keys, "
              f"{recording.session.duration / wall:.0f}x real speed")
    median = statistics.median(walls)
    verdict = "MET" if median < BAR else "MISSED"
    print(f"median {median:.2f} s wall, {statistics.median(cpus):.2f} s CPU "
          f"({median / base_wall:.1f}x the baseline) for a "
          f"{recording.session.duration / 60:.1f}-minute call: {verdict} (goal under {BAR:.0f} s, "
          f"load average {os.getloadavg()[0]:.1f})")
    return 0 if median < BAR else 1


if __name__ == "__main__":
    sys.exit(main())
