"""``baogong ledger import invoice FILE``: a supermarket's invoice (送货单) into the ledgers.

::

    baogong ledger import invoice FILE --supermarket CODE [--community C] [--round R]
                                  [--dry-run] [--json] [--desk DIR]

FILE is the supermarket's CSV or XLSX, headers in Chinese or English (see
:mod:`core.ledger.invoiceimport`). Every row is checked first; each bad cell is printed as
``FILE:SHEET:ROW:COLUMN: message`` and then nothing is written. An invoice already in the ledger
is not written again (its id is printed). ``--json`` prints ``{"invoices": N, "lines": N,
"written": [ids], "already": [...], "rejected": [...]}``.

Exit status: 0 written (or already recorded, or a dry run), 1 rows rejected, 2 the file, the
desk or the period cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from core.desk import Desk
from core.ledger import PeriodClosedError
from core.ledger.invoiceimport import InvoiceImport, import_invoice
from tui.commands import run_import

HELP = "enter ledger records from files: ledger import invoice FILE --supermarket CODE"


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="ledger_action", metavar="ACTION", required=True)
    imports = actions.add_parser("import", help="import records from a file",
                                 description="import records from a file")
    kinds = imports.add_subparsers(dest="ledger_kind", metavar="KIND", required=True)
    invoice = kinds.add_parser(
        "invoice", help="a supermarket's delivery invoice (送货单), CSV or XLSX",
        description="a supermarket's delivery invoice (送货单), CSV or XLSX")
    invoice.add_argument("file", metavar="FILE",
                         help="the invoice: .csv (UTF-8 or GB18030) or .xlsx; headers in "
                              "Chinese or English")
    invoice.add_argument("--supermarket", required=True, metavar="CODE",
                         help="the supermarket that sent it")
    invoice.add_argument("--community", metavar="C",
                         help="the community, when the file has no community column")
    invoice.add_argument("--round", metavar="R",
                         help="the round, when the file has no round column")
    invoice.add_argument("--dry-run", action="store_true",
                         help="write nothing; report what would be written and rejected")
    invoice.add_argument("--json", action="store_true", help="print JSON for scripts")
    invoice.add_argument("--desk", metavar="DIR", default=argparse.SUPPRESS,
                         help="the desk directory")


def run(args: argparse.Namespace) -> int:
    def read(desk: Desk) -> InvoiceImport:
        return import_invoice(
            desk, Path(args.file), supermarket=args.supermarket,
            time=datetime.now(desk.settings.zone).replace(microsecond=0),
            community=args.community, round_=args.round, dry_run=args.dry_run,
            operator=args.operator)

    return run_import("ledger", args, read, lambda result: _report(result, dry_run=args.dry_run),
                      refused=(PeriodClosedError,), refusal_note="; nothing was written")


def _report(result: InvoiceImport, *, dry_run: bool) -> None:
    for rejection in result.rejected:
        print(rejection.render(), file=sys.stderr)
    for header in result.ignored_columns:
        print(f"{result.source}: column {header!r} is not an invoice column; ignored",
              file=sys.stderr)
    if result.rejected:
        print(f"{len(result.rejected)} rejected: nothing was written (fix the rows above and "
              "import again)", file=sys.stderr)
        return
    for community, round_, known in result.already:
        print(f"= {community} {round_}: already recorded as {known}")
    for record in result.written:
        print(f"+ {record.id}")
    counts = f"{len(result.invoices)} invoices, {result.lines} lines"
    if dry_run:
        print(f"{counts} (dry run: nothing was written)")
    elif result.written:
        print(f"{counts}: {len(result.written)} written")
    else:
        print(f"{counts}: nothing new to write")
