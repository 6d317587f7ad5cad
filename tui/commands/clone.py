"""``baogong clone URL DIR --site CODE``: another replica of a desk, with its own site code.

The site code is written to the replica's ``local.toml``, which is never replicated
(:mod:`core.replica.site`); the replica's new case ids start with it.

Exit status: 0 cloned; 2 the directory is not empty, the site code is wrong or the URL holds no
desk.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.problems import DeskError
from core.replica.git import clone, driver_command

HELP = "make another replica of a desk (git clone) with its own site code"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the desk to clone: a path or git URL")
    parser.add_argument("directory", metavar="DIR", help="a new or empty directory")
    parser.add_argument("--site", required=True, metavar="CODE",
                        help="this replica's site code (e.g. XC), kept out of the replicated "
                             "files")


def run(args: argparse.Namespace) -> int:
    directory = Path(args.directory).expanduser().resolve()
    try:
        clone(args.url, directory, site=args.site, driver=driver_command())
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        return 2
    print(f"replica {args.site} of {args.url} in {directory}: baogong --desk {directory}")
    return 0
