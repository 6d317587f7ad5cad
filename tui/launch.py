"""Starting the operators' desk from the command line (``baogong``): open the desk, make the
app, and keep a call being logged as a draft if the terminal hangs up."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

from core.desk import Desk
from core.identity import NotTheOperator
from core.problems import DeskError
from tui.app import BaogongApp
from tui.deskpath import resolve_desk


def run_app(args: argparse.Namespace) -> int:
    try:
        path = resolve_desk(getattr(args, "desk", None))
    except OSError as exc:
        print(f"baogong: cannot prepare your desk: {exc}", file=sys.stderr)
        return 2
    try:
        desk = Desk.open(path)
    except DeskError as exc:
        print("baogong: cannot open the desk:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem.render()}", file=sys.stderr)
        return 2
    try:
        app = BaogongApp(desk, operator=getattr(args, "operator", None),
                         language=getattr(args, "lang", None))
    except NotTheOperator as exc:
        print(f"baogong: --operator: {exc}", file=sys.stderr)
        return 2

    app.freeze_after_start = True
    return run_keeping_drafts(app)


#: seconds a hung-up app has to close before its process ends anyway: the terminal is gone, and
#: Textual's teardown, which writes to it, was seen to block for good (about one drop in six),
#: leaving a process behind for every dropped connection; a save under way has this long to end
HANG_UP_GRACE = 10.0


def run_keeping_drafts(app: BaogongApp) -> int:
    """Run the app; if the terminal hangs up (a dropped SSH connection), keep the call being
    logged as a draft before leaving, and leave within :data:`HANG_UP_GRACE` seconds."""

    def hang_up(_signum: int, _frame: object) -> None:
        app.save_drafts_now()
        threading.Thread(target=_end_after, args=(HANG_UP_GRACE,), daemon=True,
                         name="hang-up").start()
        app.exit(0)

    previous = signal.signal(signal.SIGHUP, hang_up)
    try:
        result = app.run()
    finally:
        signal.signal(signal.SIGHUP, previous)
        app.drafts.flush()  # a draft still being written in its thread is on disk before exit
    return int(result or 0)


def _end_after(seconds: float) -> None:
    """End the process ``seconds`` from now, whatever its threads are doing."""
    time.sleep(seconds)
    os._exit(0)


__all__ = ["run_app", "run_keeping_drafts"]
