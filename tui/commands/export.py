"""``baogong export``: the Open311 feed, the supervisors' reports and the case list.

::

    baogong export open311 --out FILE [--since D] [--until D] [--lang zh|en] [--no-descriptions]
    baogong export report shift|day|daily [--date D] [--csv FILE | --xlsx FILE] [--lang zh|en]
    baogong export cases (--csv FILE | --xlsx FILE) [--since D] [--until D] [--personal]
    baogong export communities|households|catalogue|supermarkets|departments (--csv F | --xlsx F)

Every subcommand takes ``--desk DIR``. Without ``--csv``/``--xlsx`` a report prints as text.
Times are the desk's: a date means midnight in its time zone, ``--until DATE`` includes that day.
Exit status: 0 written, 2 when the desk or an input file cannot be used (each problem printed as
``path:line: message``), an argument is wrong or the output cannot be written (a directory, a
directory that does not exist, no permission: one line naming the path; nothing is created).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from core.desk import Desk
from core.levels import desk_thresholds
from core.problems import DeskError, Problem
from core.registers import RegisterKind, register_table
from core.reports import (
    Report,
    case_rows,
    cases_table,
    daily_report,
    day_summary,
    render_text,
    service_requests,
    shift_bounds,
    shift_summary,
    write_csv,
    write_json_array,
)
from core.storage.atomic import replacing_text
from tui.commands import cannot_write, output_problem
from tui.deskpath import resolve_desk
from tui.progress import ProgressBar

HELP = "export the Open311 feed, supervisors' reports (日报/交接班/日汇总) and the case list"


class UsageError(ValueError):
    """A wrong argument: printed and exit status 2."""


def configure(parser: argparse.ArgumentParser) -> None:
    from tui.cli import add_desk_argument

    sub = parser.add_subparsers(dest="what", metavar="WHAT", required=True)

    feed = sub.add_parser("open311", help="cases as an Open311 GeoReport v2 JSON array "
                                          "(a public feed: no names, phones or rooms)")
    add_desk_argument(feed, main=False)
    feed.add_argument("--out", required=True, metavar="FILE", help="the JSON file ('-': stdout)")
    _period_arguments(feed)
    feed.add_argument("--lang", choices=["zh", "en"],
                      help="language of names in the feed (default: the desk's locale)")
    feed.add_argument("--no-descriptions", action="store_true",
                      help="leave the callers' descriptions out (they are masked otherwise)")
    feed.set_defaults(export=_open311)

    report = sub.add_parser("report", help="shift summary, day summary or daily report (日报)")
    add_desk_argument(report, main=False)
    report.add_argument("kind", choices=["shift", "day", "daily"],
                        help="shift: 交接班小结; day: 热线日汇总; daily: 高风险地区日报")
    report.add_argument("--date", metavar="D",
                        help="the day (YYYY-MM-DD; default today; for shift: the shift now)")
    report.add_argument("--night", action="store_true",
                        help="shift: the last shift starting on --date (the night shift, "
                             "20:00-08:00 by default; the shifts are desk.toml's [[shifts]])")
    report.add_argument("--from", dest="start", metavar="TIME",
                        help="shift: the start time (ISO 8601), instead of --date")
    report.add_argument("--to", dest="end", metavar="TIME", help="shift: the end time")
    report.add_argument("--district", action="append", default=[], metavar="CODE",
                        help="daily: report this district (repeatable; default the high-risk ones)")
    report.add_argument("--signals", action="append", default=[], metavar="FILE",
                        help="daily: a signals file of market signals and prices (repeatable)")
    _output_arguments(report)
    report.set_defaults(export=_report)

    cases = sub.add_parser("cases", help="the case list as CSV or XLSX")
    add_desk_argument(cases, main=False)
    _period_arguments(cases)
    cases.add_argument("--personal", action="store_true",
                       help="include callers' names, phones and addresses (file private 0600)")
    _output_arguments(cases, text=False)
    cases.set_defaults(export=_cases)

    for kind in RegisterKind:
        register = sub.add_parser(kind.value, help=f"the {kind.value} register as CSV or XLSX, "
                                                   f"the layout `baogong import` reads")
        add_desk_argument(register, main=False)
        out = register.add_mutually_exclusive_group(required=True)
        out.add_argument("--csv", metavar="FILE", help="write CSV (UTF-8 with BOM, for Excel)")
        out.add_argument("--xlsx", metavar="FILE", help="write an XLSX workbook")
        register.add_argument("--lang", choices=["zh", "en"], help="language of headers")
        register.set_defaults(export=_register, register=kind)


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="D", help="cases taken from this date or time on")
    parser.add_argument("--until", metavar="D",
                        help="cases taken before this time, or up to the end of this date")


def _output_arguments(parser: argparse.ArgumentParser, *, text: bool = True) -> None:
    out = parser.add_mutually_exclusive_group(required=not text)
    out.add_argument("--csv", metavar="FILE", help="write CSV (UTF-8 with BOM, for Excel)")
    out.add_argument("--xlsx", metavar="FILE", help="write an XLSX workbook")
    if text:
        parser.add_argument("--lang", choices=["zh", "en"],
                            help="language (default: the desk's locale)")
    else:
        parser.add_argument("--lang", choices=["zh", "en"], help="language of headers")
    parser.add_argument("--at", metavar="TIME",
                        help="judge open and overdue at this time (ISO 8601; default now)")


def run(args: argparse.Namespace) -> int:
    for option in ("out", "csv", "xlsx"):
        value = getattr(args, option, None)
        if value and value != "-" and (wrong := output_problem(Path(value))) is not None:
            print(f"baogong export: --{option} {value}: {wrong}", file=sys.stderr)
            return 2
    try:
        desk = Desk.open(resolve_desk(args.desk))
    except DeskError as exc:
        return _fail(exc.problems)
    lang = args.lang or ("en" if desk.settings.locale == "en" else "zh")
    export: Callable[[Desk, argparse.Namespace, str], int] = args.export
    try:
        return export(desk, args, lang)
    except UsageError as exc:
        print(f"baogong export: {exc}", file=sys.stderr)
        return 2
    except DeskError as exc:
        return _fail(exc.problems)
    except OSError as exc:
        outputs = [getattr(args, o, None) for o in ("out", "csv", "xlsx")]
        return cannot_write("export", exc, next((o for o in outputs if o and o != "-"), None))
    finally:
        desk.cases.index.close()


def _fail(problems: tuple[Problem, ...] | list[Problem]) -> int:
    for problem in problems:
        print(problem.render(Path.cwd()), file=sys.stderr)
    return 2


# --- times -------------------------------------------------------------------------------------


def parse_moment(desk: Desk, text: str, *, end_of_day: bool = False) -> datetime:
    """A date (midnight, or the next midnight with ``end_of_day``) or a time in the desk's zone."""
    zone = desk.settings.zone
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1 if end_of_day else 0), time(0),
                                    tzinfo=zone)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _day(desk: Desk, text: str | None, now: datetime) -> date:
    if not text:
        return now.astimezone(desk.settings.zone).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date: {text!r} is not a date (YYYY-MM-DD)") from None


def _now(desk: Desk, args: argparse.Namespace) -> datetime:
    at = getattr(args, "at", None)
    return parse_moment(desk, at) if at else desk.cases.now()


def current_shift(desk: Desk, now: datetime) -> tuple[datetime, datetime]:
    shift = desk.shifts.at(now)
    return shift.start, shift.end


# --- open311 -----------------------------------------------------------------------------------


def _open311(desk: Desk, args: argparse.Namespace, lang: str) -> int:
    since = parse_moment(desk, args.since) if args.since else None
    until = parse_moment(desk, args.until, end_of_day=True) if args.until else None
    progress = ProgressBar(sys.stderr, "Open311") if sys.stderr.isatty() else None
    records = service_requests(desk, since, until, lang=lang,
                               descriptions=not args.no_descriptions,
                               progress=progress)
    if args.out == "-":
        count = write_json_array(records, sys.stdout)
    else:
        with replacing_text(Path(args.out), mode=0o644) as out:
            count = write_json_array(records, out)
    if progress is not None:
        progress.close()
    if args.out != "-":
        print(f"{count} service requests -> {args.out}", file=sys.stderr)
    return 0


# --- reports -----------------------------------------------------------------------------------


def _report(desk: Desk, args: argparse.Namespace, lang: str) -> int:
    now = _now(desk, args)
    report: Report
    if args.kind == "shift":
        if args.start or args.end:
            if not (args.start and args.end):
                raise UsageError("--from and --to go together")
            start, end = parse_moment(desk, args.start), parse_moment(desk, args.end)
            if not start < end:
                raise UsageError("--from must be before --to")
        elif args.date:
            start, end = shift_bounds(desk, _day(desk, args.date, now), night=args.night)
        else:
            start, end = current_shift(desk, now)
        report = shift_summary(desk, start, end, now)
    elif args.kind == "day":
        thresholds, problems = desk_thresholds(desk.root)
        if thresholds is None:
            raise DeskError(problems)
        report = day_summary(desk, _day(desk, args.date, now), now, thresholds)
    else:
        report = daily_report(desk, _day(desk, args.date, now), districts=args.district,
                              signals=[Path(s) for s in args.signals], now=now)
    if args.csv:
        write_csv(report.tables(), Path(args.csv), lang=lang)
        print(f"{report.title.get(lang)} -> {args.csv}", file=sys.stderr)
    elif args.xlsx:
        from tui.xlsx import write_xlsx

        write_xlsx(report.tables(), Path(args.xlsx), lang=lang, heading=report.heading(lang))
        print(f"{report.title.get(lang)} -> {args.xlsx}", file=sys.stderr)
    else:
        sys.stdout.write(render_text(report, lang))
    return 0


# --- the case list -----------------------------------------------------------------------------


def _register(desk: Desk, args: argparse.Namespace, lang: str) -> int:
    kind: RegisterKind = args.register
    table = register_table(desk, kind)
    # households name residents and their phones: private like case files
    mode = desk.file_mode if kind is RegisterKind.HOUSEHOLDS else 0o644
    if args.csv:
        write_csv(table, Path(args.csv), lang=lang, mode=mode)
    else:
        from tui.xlsx import write_xlsx

        write_xlsx([table], Path(args.xlsx), lang=lang, mode=mode)
    print(f"{len(table.rows)} rows -> {args.csv or args.xlsx}", file=sys.stderr)
    return 0


def _cases(desk: Desk, args: argparse.Namespace, lang: str) -> int:
    since = parse_moment(desk, args.since) if args.since else None
    until = parse_moment(desk, args.until, end_of_day=True) if args.until else None
    table = cases_table(desk, case_rows(desk, since, until), _now(desk, args),
                        personal=args.personal)
    mode = desk.file_mode if args.personal else 0o644
    if args.csv:
        write_csv(table, Path(args.csv), lang=lang, mode=mode)
        out = args.csv
    else:
        from tui.xlsx import write_xlsx

        write_xlsx([table], Path(args.xlsx), lang=lang, mode=mode)
        out = args.xlsx
    print(f"{len(table.rows)} cases -> {out}", file=sys.stderr)
    return 0
