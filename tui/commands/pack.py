"""``baogong pack ITEMS.toml``: pack an item list into boxes, for people and for scripts.

Prints a table of boxes (weight, volume, class, contents) with the box count, the lower bound and
the gap; ``--json`` prints ``{"count", "lower_bound", "gap", "ffd_count", "boxes"}`` where
``boxes`` is a list of lists of item ids (an item with ``count = 3`` appears three times). A file
that cannot be used (numbers that are not finite, out of range, or counts over the ceiling
:data:`core.packing.MAX_COPIES` included) gives ``path:line: message`` lines on stderr and exit
status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from core.packing import Packing, pack_items
from core.packing.itemfile import read_item_file
from core.storage.deskfiles import named_file
from tui.commands import MAX_TIME_LIMIT, time_limit

HELP = "pack an item list (TOML) into as few boxes as possible"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("items", metavar="ITEMS.toml", type=Path, help="the item list")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument(
        "--time-limit",
        metavar="SECONDS",
        type=time_limit,
        default=1.0,
        help=f"stop searching for fewer boxes after this long (default 1, at most "
             f"{MAX_TIME_LIMIT:g}); the command ends within about twice this",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of the search")


def run(args: argparse.Namespace) -> int:
    parsed, problems = read_item_file(named_file(args.items))
    if parsed is None:
        for problem in problems:
            print(problem.render(), file=sys.stderr)
        return 2
    packing = pack_items(parsed.items, parsed.box, args.time_limit, args.seed)
    if args.json:
        print(json.dumps(as_json(packing), ensure_ascii=False))
    else:
        print(render(packing))
    return 0


def as_json(packing: Packing) -> dict[str, object]:
    return {
        "count": packing.count,
        "lower_bound": packing.lower_bound,
        "gap": packing.gap,
        "ffd_count": packing.ffd_count,
        "boxes": [list(b.items) for b in packing.boxes],
    }


def _contents(ids: tuple[str, ...]) -> str:
    counts = Counter(ids)
    return ", ".join(f"{i}×{n}" if n > 1 else i for i, n in counts.items())


def render(packing: Packing) -> str:
    rows = [("box", "kg", "L", "class", "contents")]
    for number, box in enumerate(packing.boxes, start=1):
        rows.append(
            (str(number), f"{box.kg:g}", f"{box.litres:g}", box.kind or "-", _contents(box.items))
        )
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    lines = [
        "  ".join(
            [
                r[0].rjust(widths[0]),
                r[1].rjust(widths[1]),
                r[2].rjust(widths[2]),
                r[3].ljust(widths[3]),
                r[4],
            ]
        ).rstrip()
        for r in rows
    ]
    proved = " (optimal)" if packing.gap == 0 else ""
    lines.append("")
    lines.append(
        f"boxes: {packing.count}  lower bound: {packing.lower_bound}  gap: {packing.gap}{proved}"
        f"  first fit decreasing: {packing.ffd_count}"
    )
    return "\n".join(lines)
