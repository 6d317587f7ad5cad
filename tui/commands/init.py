"""``baogong init DIR``: start a new desk (see :mod:`core.deskinit`).

::

    baogong init DIR [--name NAME] [--name-en NAME] [--tz ZONE] [--lang zh|en] [--demo]
                     [--site CODE] [--no-git]
    baogong init DIR --existing [--site CODE]

The desk is also a git repository (:mod:`core.replica.git`), ready for ``baogong sync`` to
replicate it to other sites; ``--no-git`` leaves it a plain directory. ``--existing`` makes a
desk that is already there a repository (``--site`` then names this replica's site code, in
``local.toml``).

Exit status: 0 created; 2 the directory is not empty or a setting is wrong (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.deskinit import init_desk
from core.identity import os_account
from core.problems import DeskError
from core.replica.git import driver_command, make_repository
from tui.deskpath import demo_yesterday

HELP = "start a new desk in an empty directory (--demo: the demo desk)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR", help="a new or empty directory")
    parser.add_argument("--name", help="the desk's name (default: the directory's name)")
    parser.add_argument("--name-en", default="", help="its English name")
    parser.add_argument("--tz", default="Asia/Shanghai",
                        help="IANA time zone (default Asia/Shanghai)")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh",
                        help="the app's language on this desk (default zh)")
    parser.add_argument("--demo", action="store_true",
                        help="write the demo desk (a district in lockdown, a week of calls)")
    parser.add_argument("--site", default="", metavar="CODE",
                        help="the desk's site code (e.g. HX): its case ids start with it")
    parser.add_argument("--no-git", action="store_true",
                        help="do not make the desk a git repository")
    parser.add_argument("--existing", action="store_true",
                        help="make the desk already in DIR a git repository, ready to sync")


def run(args: argparse.Namespace) -> int:
    root = Path(args.directory).expanduser()
    try:
        if args.existing:
            commit = make_repository(root.resolve(), driver=driver_command(),
                                     operator=os_account(), site=args.site)
            print(f"{root} is a git repository (commit {commit[:10]}): "
                  f"baogong sync REMOTE --desk {root} replicates it")
            return 0
        init_desk(root, name=args.name or root.resolve().name, name_en=args.name_en,
                  time_zone=args.tz, lang=args.lang, demo=args.demo,
                  yesterday=demo_yesterday() if args.demo else None, site=args.site)
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"baogong init: cannot write {exc.filename or root}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    if not args.no_git:
        try:
            make_repository(root.resolve(), driver=driver_command(), operator=os_account())
        except (DeskError, OSError) as exc:  # the desk is written and works, unreplicated
            said = "; ".join(p.message for p in exc.problems) if isinstance(exc, DeskError) \
                else str(exc)
            print(f"baogong init: {root} is not a git repository ({said}); "
                  f"baogong init {root} --existing makes it one later", file=sys.stderr)
    if args.demo:
        print(f"demo desk written to {root}: baogong --desk {root}")
    else:
        print(f"desk written to {root}. Next, fill it from your registers:\n"
              f"  baogong import communities FILE --desk {root}\n"
              f"  baogong import supermarkets FILE --desk {root}\n"
              f"  baogong import catalogue FILE --desk {root}\n"
              f"  baogong import households FILE --desk {root}\n"
              f"then: baogong check {root} && baogong --desk {root}")
    return 0
