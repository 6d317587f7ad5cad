"""``baogong tick [--now TIME] [--json] [--desk DIR]``: run every clock rule of the desk up to now.

Writes each step that fell due and is not on file yet (chase ladder steps first of all, see
:mod:`core.tick`), each with the time it fell due; running it again writes nothing. The app runs
the same rules on a timer; on a desk with no app open a cron line runs it, e.g.
``*/5 * * * * baogong tick --desk /srv/desk``.

Prints one line per step written and a summary, or with ``--json``
``{"written": [{"case": ID, "step": STEP, "at": TIME}, ...], "already_done": N}``.
Exit status 0; 2 when the desk cannot be opened or ``--now`` is not a time.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from core.tick import run_tick
from tui.commands import open_desk

HELP = "write what fell due by now on the desk's clock: chase ladder steps (催办/督办) and more"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--now", metavar="TIME",
                        help="run the rules up to TIME instead of now (ISO 8601, e.g. "
                             "2026-11-18T09:00:00+08:00; without an offset, the desk's zone)")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def run(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    if desk is None:
        return 2
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            print(f"--now: {args.now!r} is not an ISO 8601 time (e.g. 2026-11-18T09:00:00+08:00)",
                  file=sys.stderr)
            return 2
        if now.tzinfo is None:
            now = now.replace(tzinfo=desk.settings.zone)
    else:
        now = desk.cases.now()
    result = run_tick(desk, now)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    zone = desk.settings.zone
    for due in result.written:
        print(f"{due.subject}  {due.step}  {due.at.astimezone(zone):%Y-%m-%d %H:%M}")
    print(f"{len(result.written)} step(s) written, {result.already_done} already on file "
          f"(up to {now.astimezone(zone):%Y-%m-%d %H:%M})")
    return 0
