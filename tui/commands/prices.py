"""``baogong prices FILE``: import a price monitoring sheet (CSV or XLSX) into the day's prices.

::

    baogong prices FILE [--date YYYY-MM-DD] [--dry-run] [--json] [--desk DIR]

Every row is checked before anything is written; each bad row is printed as
``FILE:SHEET:ROW: why`` and then nothing is written. Exit status: 0 imported, 1 rows rejected,
2 the file or the desk cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from core.levels.priceimport import PriceImport, import_prices
from tui.commands import run_import

HELP = "import a price monitoring sheet (CSV or XLSX): supermarket, necessity, price, stock"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE",
                        help="the sheet: .csv or .xlsx with 超市/supermarket, 品类/necessity, "
                             "价格/price and optionally 日期/date and 货源/stock columns")
    parser.add_argument("--date", metavar="YYYY-MM-DD",
                        help="the day of rows that have no date column")
    parser.add_argument("--dry-run", action="store_true", help="check the rows, write nothing")
    parser.add_argument("--json", action="store_true",
                        help='print {"rows": N, "days": [...], "written": bool, "rejected": [...]}')


def run(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(f"baogong prices: --date {args.date!r} is not YYYY-MM-DD", file=sys.stderr)
        return 2

    def report(result: PriceImport) -> None:
        for rejected in result.rejected:
            print(f"{args.file}:{rejected.sheet}:{rejected.row}: {rejected.why}", file=sys.stderr)
        verb = "would enter" if args.dry_run else "entered" if result.written else "entered none of"
        days = ", ".join(d.isoformat() for d in result.entries) or "no day"
        print(f"{verb} {result.rows} prices ({days}); {len(result.rejected)} rows rejected")

    return run_import(
        "prices", args,
        lambda desk: import_prices(desk, Path(args.file), day=day, dry_run=args.dry_run,
                                   operator=args.operator),
        report)
