"""``baogong record-test NAME``: record a call on the demo desk and make it a replay test.

Opens the desk app in this terminal on a scratch copy of the demo desk, its clock starting at
``--start`` (by default the morning after the demo desk's week, 2026-11-23 09:00 +08:00). Take the
call as usual; press ``f12`` wherever the screen should be compared (a checkpoint); quit with
``ctrl+q``. The recording is saved to ``fixtures/sessions/NAME.toml``, which
``tests/replay/test_sessions.py`` picks up by globbing the directory, and then the snapshots of
the new test (the checkpoint screens and the case files) are written by running that test with
``--snapshot-update`` (``--no-snapshots`` skips it). Look at the SVGs before committing them.

Record at 80x24 (the size the other recordings use), e.g. ``tmux new -x 80 -y 24``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from core.demo import copy_demo_desk

HELP = "record a call on the demo desk into fixtures/sessions/NAME.toml and snapshot it as a test"

DEFAULT_START = "2026-11-23T09:00:00+08:00"
NAME = re.compile(r"^[a-z0-9_]+\Z")
SOURCE_ROOT = Path(__file__).resolve().parents[2]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", metavar="NAME", help="the test's name: lower-case a-z, 0-9, _")
    parser.add_argument("--title", default="", help="what the call is about")
    parser.add_argument("--lang", choices=["zh", "en"], default=None,
                        help="the app's language (default: the demo desk's, Chinese)")
    parser.add_argument("--operator", default="wang.li", help="the operator (default wang.li)")
    parser.add_argument("--start", default=DEFAULT_START,
                        help=f"the desk's clock at the start (default {DEFAULT_START})")
    parser.add_argument("--dir", default=str(SOURCE_ROOT / "fixtures" / "sessions"),
                        help="where recordings go (default fixtures/sessions of this checkout)")
    parser.add_argument("--force", action="store_true", help="replace an existing recording")
    parser.add_argument("--no-snapshots", action="store_true",
                        help="only record; do not run the test with --snapshot-update")


def run(args: argparse.Namespace) -> int:
    from tui.replay.recorder import run_recording

    if not NAME.match(args.name):
        print("baogong record-test: NAME must be lower-case a-z, 0-9 and _", file=sys.stderr)
        return 2
    try:
        start = datetime.fromisoformat(args.start)
    except ValueError:
        print(f"baogong record-test: --start {args.start!r} is not an ISO 8601 time",
              file=sys.stderr)
        return 2
    if start.tzinfo is None:
        print("baogong record-test: --start needs a UTC offset, e.g. +08:00", file=sys.stderr)
        return 2
    target = Path(args.dir) / f"{args.name}.toml"
    if target.exists() and not args.force:
        print(f"baogong record-test: {target} exists (--force replaces it)", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="baogong-record-"))
    try:
        desk = copy_demo_desk(scratch / "desk")
        status = run_recording(desk, target, operator=args.operator, language=args.lang,
                               start=start, source="demo", title=args.title)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if status != 0:
        return status
    test = SOURCE_ROOT / "tests" / "replay" / "test_sessions.py"
    if args.no_snapshots or not test.exists():
        print(f"recorded {target}; make its snapshots with:\n  {sys.executable} -m pytest "
              f"tests/replay/test_sessions.py -k {args.name} --snapshot-update")
        return 0
    command = [sys.executable, "-m", "pytest", str(test.relative_to(SOURCE_ROOT)), "-q",
               "-p", "no:xdist", "-k", args.name, "--snapshot-update"]
    print("$", " ".join(command))
    return subprocess.run(command, cwd=SOURCE_ROOT, check=False).returncode
