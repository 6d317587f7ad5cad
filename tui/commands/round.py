"""``baogong round [ROUND]``: plan a group-buying delivery round (配送轮次) from the command line;
``baogong round import ROUND FILE`` adds a group list's orders to it (:mod:`.round_import`).

Prints what the console's rounds page shows, every ration cut included: the schedule, boxes and
vehicle loads each beside its lower bound, rationing per person where a district is at the
ration's level on ``--day`` (default today), each supermarket's orders against its capacity, each
community's orders, boxes, staff and amount, the pick-up slots by building and unit at each drop
point, and the manifest per drop point; ``--labels`` adds every box label, ``--json`` prints the
plan for scripts (:func:`core.rounds.plan_json`).

``--pdf FILE`` writes the box labels to print on A4 label sheets (``--per-page N``, default 8)
and ``--manifests FILE`` the manifests per vehicle load and per drop point
(:mod:`tui.printing`); with either, the command says what it wrote instead of printing the plan.

Exit status: 0 when the round was planned (and the PDFs written); 2 when the desk, the round or
a file the levels rest on cannot be used (each problem printed on stderr as
``path:line: message``), or a PDF cannot be written (its path, or no Chinese font to print with:
one line saying what to install).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, time
from pathlib import Path

from core.desk import Desk
from core.problems import DeskError, Problem
from core.rounds import Round, RoundPlan, plan_json, plan_round, read_round
from tui import i18n
from tui.commands import MAX_TIME_LIMIT, cannot_write, iso_date, output_problem, time_limit
from tui.deskpath import resolve_desk
from tui.printing.labels import DEFAULT_PER_PAGE, MAX_PER_PAGE
from tui.roundview import plain, round_lines

HELP = "plan a delivery round (配送轮次): boxes, rationing, staff, vehicle loads and labels"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("round", nargs="?", metavar="ROUND",
                        help="a round's code (r1125) or file; default: the newest in rounds/; "
                             "or import, or delivered (see below)")
    parser.add_argument("--day", type=iso_date, metavar="DATE",
                        help="the day whose emergency levels decide rationing (default today)")
    parser.add_argument("--labels", action="store_true", help="print every box label")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument("--pdf", type=Path, metavar="FILE",
                        help="write the box labels as a PDF of A4 label sheets")
    parser.add_argument("--per-page", type=per_page, default=DEFAULT_PER_PAGE, metavar="N",
                        help=f"labels per page of --pdf (default {DEFAULT_PER_PAGE}: 2 x 4; "
                             f"1 to {MAX_PER_PAGE})")
    parser.add_argument("--manifests", type=Path, metavar="FILE",
                        help="write the manifests per vehicle load and drop point as a PDF")
    parser.add_argument("--dry-run", action="store_true",
                        help="import: read the list and report, add nothing")
    parser.add_argument("--community", action="append", metavar="CODE",
                        help="import: the community of the list's addresses when the list "
                             "names none (default: the communities of the round's orders)")
    parser.add_argument("--lang", choices=["zh", "en"],
                        help="language (default: the desk's locale)")
    parser.add_argument("rest", nargs="*", metavar="ARG",
                        help="`round import ROUND FILE`: add the orders of a group list (接龙 "
                             "text, or a CSV/XLSX order sheet) to the round; `round delivered "
                             "ROUND COMMUNITY`: the round reached the community's drop point; "
                             "write its pay-on-behalf IOUs")
    parser.add_argument("--time-limit", type=time_limit, default=0.5, metavar="S",
                        help=f"seconds the packer may search (default 0.5, at most "
                             f"{MAX_TIME_LIMIT:g})")


def per_page(text: str) -> int:
    """A ``--per-page``: labels on one page, from 1 to :data:`MAX_PER_PAGE`."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_PER_PAGE:
        raise argparse.ArgumentTypeError(f"{text!r}: give from 1 to {MAX_PER_PAGE} labels")
    return int(text)


def _fail(problems: list[Problem] | tuple[Problem, ...], root: Path | None = None) -> int:
    for problem in problems:
        print(problem.render(root), file=sys.stderr)
    return 2


def _choose(desk: Desk, wanted: str | None) -> tuple[Round | None, list[Problem]]:
    """The round asked for (by code or file), or the newest, with the problems met on the way."""
    if wanted and (wanted.endswith(".toml") or "/" in wanted):
        try:
            return read_round(desk, Path(wanted)), []
        except DeskError as exc:
            return None, list(exc.problems)
    rounds, problems = desk.rounds
    if wanted:
        rounds = [r for r in rounds if r.code == wanted]
        if not rounds:
            return None, [*problems, Problem(desk.root / "rounds", None,
                                             f"no readable round {wanted!r}")]
    if not rounds:
        return None, [*problems, Problem(desk.root / "rounds", None,
                                         "no rounds: put the orders of a round in rounds/")]
    return rounds[0], problems


def run(args: argparse.Namespace) -> int:
    if args.round == "delivered":
        from tui.commands.round_delivered import run_delivered

        return run_delivered(args, args.rest)
    importing = args.round == "import"
    if importing and len(args.rest) != 2:
        print("usage: baogong round import ROUND FILE [--dry-run] [--json] [--community CODE]",
              file=sys.stderr)
        return 2
    if not importing and args.rest:
        print(f"baogong round: unexpected {' '.join(args.rest)}", file=sys.stderr)
        return 2
    if not importing and (args.dry_run or args.community):
        print("baogong round: --dry-run and --community are for round import", file=sys.stderr)
        return 2
    try:
        desk = Desk.open(resolve_desk(args.desk))
    except DeskError as exc:
        return _fail(exc.problems)
    if importing:
        from tui.commands.round_import import run_import

        return run_import(desk, args.rest[0], Path(args.rest[1]), args)
    round_, problems = _choose(desk, args.round)
    if round_ is None:
        return _fail(problems, desk.root)
    for problem in problems:  # other round files that cannot be read: say so, plan this one
        print(problem.render(desk.root), file=sys.stderr)
    now = datetime.now(desk.settings.zone)
    day = args.day or now.date()
    try:
        # the level in force (a recorded activation) at the end of the day, or now for today
        end = datetime.combine(day, time.max, desk.settings.zone).replace(microsecond=0)
        levels = desk.levels.in_force(min(now, end))
        plan = plan_round(desk, round_, time_limit=args.time_limit, levels=levels)
    except DeskError as exc:
        return _fail(exc.problems, desk.root)
    if args.pdf or args.manifests:
        return _print(desk, plan, args)
    if args.json:
        json.dump(plan_json(plan), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    before = i18n.language()
    i18n.set_language(args.lang or ("en" if desk.settings.locale == "en" else "zh"))
    try:
        text = plain(round_lines(desk, plan, labels_shown=None if args.labels else 0))
    finally:
        i18n.set_language(before)
    sys.stdout.write(text)
    return 0


def _print(desk: Desk, plan: RoundPlan, args: argparse.Namespace) -> int:
    """Write the PDFs asked for and say where; 2 (nothing more written) at the first failure."""
    from tui.printing import FontMissing
    from tui.printing.labels import write_labels
    from tui.printing.manifests import write_manifests

    for path in (args.pdf, args.manifests):
        problem = output_problem(path) if path else None
        if problem:
            print(f"baogong round: {path}: {problem}", file=sys.stderr)
            return 2
    before = i18n.language()
    i18n.set_language(args.lang or ("en" if desk.settings.locale == "en" else "zh"))
    try:
        if args.pdf:
            labels, pages = write_labels(desk, plan, args.pdf, per_page=args.per_page)
            print(f"{args.pdf}: {labels} labels on {pages} pages")
        if args.manifests:
            vehicles, drops, pages = write_manifests(desk, plan, args.manifests)
            print(f"{args.manifests}: {vehicles} vehicle loads and {drops} drop points on "
                  f"{pages} pages")
    except FontMissing as exc:
        print(f"baogong round: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        return cannot_write("round", exc)
    finally:
        i18n.set_language(before)
    return 0
