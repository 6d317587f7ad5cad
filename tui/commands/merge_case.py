"""``baogong merge-case BASE OURS THEIRS PATH``: git's merge driver for case files.

Registered by ``baogong init``, ``clone`` and ``sync`` in each replica's ``.git/config``; see
:mod:`core.replica.mergedriver`.
"""

from __future__ import annotations

import argparse

from core.replica.mergedriver import main

HELP = "merge two versions of a case file by their history (git's merge driver)"


def configure(parser: argparse.ArgumentParser) -> None:
    for name in ("base", "ours", "theirs", "path"):
        parser.add_argument(name, metavar=name.upper())


def run(args: argparse.Namespace) -> int:
    return main([args.base, args.ours, args.theirs, args.path])
