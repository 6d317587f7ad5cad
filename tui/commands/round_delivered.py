"""``baogong round delivered ROUND COMMUNITY``: the round reached the community; write the IOUs.

Once the drop point's receipt for the round is in the ledgers, each on-account order (代付) of
the community gets its IOU, once (:func:`core.deliveries.record_delivery`). Prints what was
written and what was there already, or ``--json``::

    {"round": "r1125", "community": "jinxiu", "receipts": [...], "written": [...],
     "already": [...], "unattributed": [...]}

Exit status: 0 when every on-account order has its IOU; 1 when some name no grid worker (the
others are written; each is listed); 2 when the desk, round, community or receipt is missing.
"""

from __future__ import annotations

import argparse
import json
import sys

import attrs

from core.deliveries import record_delivery
from core.desk import Desk
from core.identity import NotTheOperator
from core.ledger import PeriodClosedError
from core.problems import DeskError
from core.storage.atomic import LockTimeout
from tui.deskpath import resolve_desk

USAGE = "baogong round delivered ROUND COMMUNITY [--json] [--desk DIR]"


def run_delivered(args: argparse.Namespace, rest: list[str]) -> int:
    if len(rest) != 2:
        print(f"usage: {USAGE}", file=sys.stderr)
        return 2
    round_code, community = rest
    try:
        desk = Desk.open(resolve_desk(args.desk))
        done = record_delivery(desk, round_code, community)
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        return 2
    except (PeriodClosedError, LockTimeout, NotTheOperator, ValueError) as exc:
        print(f"baogong round delivered: {exc}; no IOU was written", file=sys.stderr)
        return 2
    if args.json:
        json.dump(attrs.asdict(done), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(f"{done.round} {done.community}: delivered (receipt {', '.join(done.receipts)})")
        print(f"IOUs written: {len(done.written)} {' '.join(done.written)}".rstrip())
        if done.already:
            print(f"already in the ledgers: {' '.join(done.already)}")
    for order in done.unattributed:
        print(f"{order}: on account but names no grid worker; add grid_worker to the order in "
              "the round file and run this again", file=sys.stderr)
    return 1 if done.unattributed else 0
