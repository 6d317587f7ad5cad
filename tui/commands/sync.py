"""``baogong sync [REMOTE]``: replicate the desk with other sites (see :mod:`core.replica.git`).

::

    baogong sync [REMOTE] [--desk DIR]

Commits the desk's new and changed files (one commit, the operator as author), then fetches,
merges and pushes REMOTE (a remote's name, or a URL or path, added as a remote the first time),
or every remote of the desk. Case files merge by their history; a field two sites changed
differently becomes a conflict note on the case.

Exit status: 0 synced; 1 a remote could not be reached or a file could not be merged (the desk
is as it was before the merge, and syncs again); 2 the desk is not a repository or unusable.
"""

from __future__ import annotations

import argparse
import sys

from core.desk import Desk
from core.problems import DeskError
from core.replica.git import sync_desk
from tui.deskpath import resolve_desk

HELP = "commit the desk's changes, then fetch, merge and push (replicate with other sites)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("remote", nargs="?", metavar="REMOTE",
                        help="a remote's name, or a URL or path (default: every remote)")


def run(args: argparse.Namespace) -> int:
    root = resolve_desk(args.desk)
    try:
        desk = Desk.open(root)
        result = sync_desk(desk, args.remote)
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        return 2
    if result.committed:
        print(f"committed {result.changed_files} changed file(s) ({result.committed[:10]})")
    for outcome in result.remotes:
        if outcome.conflicts:
            print(f"{outcome.remote}: could not merge {', '.join(outcome.conflicts)}; nothing "
                  f"was merged: settle these files with the other site and sync again",
                  file=sys.stderr)
        elif outcome.error:
            print(f"{outcome.remote}: {outcome.error}", file=sys.stderr)
        else:
            done = [word for word, did in (("fetched", outcome.fetched),
                                           ("merged", outcome.merged),
                                           ("pushed", outcome.pushed)) if did]
            print(f"{outcome.remote}: {', '.join(done) or 'up to date'}")
    if not result.remotes:
        print("no remote to sync with: baogong sync URL adds one")
    return 0 if result.ok else 1
