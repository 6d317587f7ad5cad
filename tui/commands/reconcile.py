"""``baogong reconcile``: reconcile a desk's ledgers and report every finding.

Exit status: 0 everything balances, 1 there are findings, 2 the desk or a ledger file could not be
read (each problem is printed on stderr as ``path:line: message``) or an output cannot be written
(``--xlsx`` and ``--csv`` go into a directory that exists).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from core.desk import Desk
from core.ledger import Scope, write_matches
from core.ledger.export import (
    ledger_rows,
    report_tables,
    to_json,
    write_ledger_csv,
    write_report_csv,
)
from core.ledger.report import render_text
from core.problems import DeskError
from tui.commands import MAX_JOBS, cannot_write, iso_date, jobs, output_problem
from tui.deskpath import resolve_desk

HELP = "reconcile money and stock ledgers (对账): collected vs invoiced vs received, IOUs, stock"


def _datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date and time") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a UTC offset, e.g. 2026-11-23T18:00:00+08:00")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of the report")
    parser.add_argument("--from", dest="start", type=iso_date, metavar="DATE",
                        help="first day of the period (YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", type=iso_date, metavar="DATE",
                        help="last day of the period (YYYY-MM-DD)")
    parser.add_argument("--as-of", type=_datetime, metavar="TIME",
                        help="age open items as of this time (default: the latest record)")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--community", metavar="C", help="only this community")
    scope.add_argument("--grid-worker", metavar="W", help="only this grid worker")
    scope.add_argument("--supermarket", metavar="S", help="only this supermarket")
    parser.add_argument("--csv", metavar="DIR", type=Path,
                        help="write the findings, open items, matches, stock and ledgers as CSV")
    parser.add_argument("--xlsx", metavar="FILE", type=Path,
                        help="write the same as one XLSX workbook")
    parser.add_argument("--write-matches", action="store_true",
                        help="write match records to ledgers/matches/")
    parser.add_argument("--jobs", type=jobs, default=None, metavar="N",
                        help=f"accepted (1 to {MAX_JOBS}) and ignored: the ledgers are read in "
                             f"one process")


def run(args: argparse.Namespace) -> int:
    for option, value, is_dir in (("--csv", args.csv, True), ("--xlsx", args.xlsx, False)):
        if value and (wrong := output_problem(value, directory=is_dir)) is not None:
            print(f"baogong reconcile: {option} {value}: {wrong}", file=sys.stderr)
            return 2
    root = resolve_desk(args.desk)
    try:
        desk = Desk.open(root)
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        return 2
    lang = args.lang or ("en" if desk.settings.locale == "en" else "zh")
    if args.start and args.end and args.end < args.start:
        print(f"--to {args.end} is before --from {args.start}", file=sys.stderr)
        return 2
    book = desk.ledgers
    scope = Scope(community=args.community or "", grid_worker=args.grid_worker or "",
                  supermarket=args.supermarket or "")
    for name, value, known in (("community", scope.community, desk.communities),
                               ("supermarket", scope.supermarket, desk.supermarkets)):
        if value and value not in known:
            print(f"unknown {name} {value!r}", file=sys.stderr)
            return 2
    if args.jobs is not None and args.jobs > 1:
        print(f"baogong reconcile: --jobs {args.jobs} is ignored: the ledgers are read in one "
              f"process", file=sys.stderr)
    result = book.reconcile(start=args.start, end=args.end, scope=scope, as_of=args.as_of)
    if args.json:
        json.dump(to_json(result), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result, lang))
    try:
        if args.csv:
            write_report_csv(result, args.csv, lang, mode=desk.file_mode)
            write_ledger_csv(book.batches(), args.csv / "ledgers", desk.root,
                             mode=desk.file_mode)
        if args.xlsx:
            from tui.xlsx import write_xlsx

            ledgers = ((f"ledger_{table}", header, row)
                       for table, header, row in ledger_rows(book.batches(), result.root))
            write_xlsx(report_tables(result, lang), args.xlsx, lang=lang, streamed=ledgers,
                       mode=desk.file_mode)
        if args.write_matches:
            write_matches(result, mode=desk.file_mode)
    except OSError as exc:
        return cannot_write("reconcile", exc)
    for problem in result.problems:
        print(problem.render(desk.root), file=sys.stderr)
    if result.problems:
        return 2
    return 0 if result.balanced else 1
