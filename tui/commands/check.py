"""``baogong check [DESK]``: validate every file of a desk."""

from __future__ import annotations

import argparse
import sys

from core.check import check_desk
from tui.commands import MAX_JOBS, jobs
from tui.deskpath import resolve_desk

HELP = "validate every file of a desk; print each problem as path:line: message"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("desk_dir", nargs="?", metavar="DESK", help="the desk to check")
    parser.add_argument("--jobs", type=jobs, default=None,
                        help=f"processes used to read case files (default: one per core, at "
                             f"most {MAX_JOBS})")
    parser.add_argument("--sweep", action="store_true",
                        help="remove the temporary files that interrupted writes left behind")


def run(args: argparse.Namespace) -> int:
    root = resolve_desk(args.desk_dir or args.desk)
    report = check_desk(root, workers=args.jobs, sweep=args.sweep)
    for problem in report.problems:
        print(problem.render(), file=sys.stdout)
    if report.leftovers:
        count = len(report.leftovers)
        if report.swept:
            print(f"removed {count} temporary file(s) left by interrupted writes")
        else:
            for path in report.leftovers:
                print(f"{path}: temporary file left by an interrupted write (nothing saved is in "
                      f"it)", file=sys.stderr)
            print(f"{count} leftover temporary file(s): `baogong check --sweep` removes them",
                  file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {report.root}", file=sys.stderr)
        return 1 if report.opened else 2
    print(f"ok: {report.root}: {report.cases} case files, no problems")
    return 0
