"""``baogong import KIND FILE``: read a register (CSV or XLSX) into the desk's reference data.

::

    baogong import communities|households|catalogue|supermarkets|departments|pricelists FILE
                   [--dry-run] [--json] [--desk DIR]

Every row is checked before anything is written; each bad cell is printed as
``FILE:SHEET:ROW:COLUMN: message`` and then nothing is written. Exit status: 0 imported (or
nothing to change), 1 rows rejected, 2 the file or the desk cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.registers import ImportResult, RegisterKind, import_register
from tui.commands import run_import

HELP = "import a register (CSV or XLSX): communities, households, catalogue, supermarkets, " \
       "departments, pricelists (each supermarket's own prices)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=[k.value for k in RegisterKind], metavar="KIND",
                        help="communities, households, catalogue, supermarkets, departments or "
                             "pricelists")
    parser.add_argument("file", metavar="FILE",
                        help="the register: .csv (UTF-8 or GB18030) or .xlsx; headers in "
                             "Chinese or English")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; report what would be added, updated and rejected")
    parser.add_argument("--json", action="store_true",
                        help='print {"added": N, "updated": N, "unchanged": N, "rejected": [...]}')


def run(args: argparse.Namespace) -> int:
    return run_import(
        "import", args,
        lambda desk: import_register(desk, RegisterKind(args.kind), Path(args.file),
                                     dry_run=args.dry_run, operator=args.operator),
        lambda result: _report(result, dry_run=args.dry_run))


def _report(result: ImportResult, *, dry_run: bool) -> None:
    for rejection in result.rejected:
        print(rejection.render(), file=sys.stderr)
    for header in result.ignored_columns:
        print(f"{result.source}: column {header!r} is not a {result.kind.value} column; ignored",
              file=sys.stderr)
    for note in result.notes:
        print(f"{result.source}:{note}", file=sys.stderr)
    # one write: a district's register adds tens of thousands of households
    sys.stdout.write("".join(f"+ {change.key}\n" for change in result.added))
    sys.stdout.write("".join(f"~ {change.key}: {', '.join(change.fields)}\n"
                             for change in result.updated))
    counts = (f"{len(result.added)} added, {len(result.updated)} updated, "
              f"{result.unchanged} unchanged, {len(result.rejected)} rejected")
    if result.rejected:
        print(f"{counts}: nothing was written (fix the rows above and import again)",
              file=sys.stderr)
    elif dry_run:
        print(f"{counts} (dry run: nothing was written)")
    elif result.written:
        print(f"{counts} -> {result.kind.file_name}")
    else:
        print(f"{counts}: nothing to change")
