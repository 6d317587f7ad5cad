"""``baogong site-ids``: give the desk's existing cases its site code (see
:mod:`core.replica.renumber`).

::

    baogong site-ids [--desk DIR] [--dry-run]

Prints every rename (``20261123-0042 -> HX-20261123-0042``); each case keeps its old id as
``former_id``, which search still finds, and a note in its history. ``--dry-run`` prints the
renames and changes nothing.

Exit status: 0 done (or nothing to rename); 2 the desk has no site code or a case file cannot be
read.
"""

from __future__ import annotations

import argparse
import sys

from core.desk import Desk
from core.identity import os_account
from core.problems import DeskError
from core.replica.renumber import Rename, plan, renumber
from tui.deskpath import resolve_desk

HELP = "put the desk's site code before its existing case ids, listing every rename"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true",
                        help="list the renames without changing anything")


def run(args: argparse.Namespace) -> int:
    root = resolve_desk(args.desk)

    def say(rename: Rename) -> None:
        print(f"{rename.old} -> {rename.new}")

    try:
        desk = Desk.open(root)
        store = desk.case_store()
        renames = list(plan(store, desk.site))
        if args.dry_run:
            for rename in renames:
                say(rename)
            print(f"{len(renames)} case(s) would be renamed (nothing changed)")
            return 0
        count = renumber(store, renames, operator=os_account(), now=store.now(), report=say)
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        return 2
    print(f"{count} case(s) renamed; their old ids still find them")
    return 0
