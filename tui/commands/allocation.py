"""``baogong allocation report [--day DATE]``: the medical allocation's 17:30 report (防疫物资日报)
of a day, what was late and whether it was sent; with ``--sent TIME --to WHOM --reference REF``
record that it was sent (once per day, by a supervisor: the process's own account, or
``--operator`` on a training desk).

``--now TIME`` reads the report (and checks the sending time) as of TIME instead of now, for
catch-up and tests. Exit status 0; 1 when the sending is refused (already recorded, blank field,
a time to come, not a supervisor), the reason on stderr; 2 when the desk, a time or a desk file
cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from core.allocation import day_report
from core.desk import Desk
from core.identity import NotASupervisor, NotTheOperator
from core.medicalclock import SendRefused, record_report_sent, report_due
from core.problems import DeskError
from core.reports.table import render_table
from tui.commands import iso_date, open_desk

HELP = "the medical allocation's 17:30 report of a day, and recording that it was sent"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["report"], help="report: the day's 17:30 report")
    parser.add_argument("--day", type=iso_date, metavar="DATE",
                        help="the report's day (default: today on the desk's clock)")
    parser.add_argument("--sent", metavar="TIME",
                        help="record that the report was sent at TIME (ISO 8601; without an "
                             "offset, the desk's zone; HH:MM on --day)")
    parser.add_argument("--to", default="", metavar="WHOM",
                        help="with --sent: to whom it was sent (报送对象)")
    parser.add_argument("--reference", default="", metavar="REF",
                        help="with --sent: the document or call reference (文号或电话记录)")
    parser.add_argument("--now", metavar="TIME",
                        help="as of TIME instead of now (ISO 8601)")


def _when(text: str, desk: Desk, day: datetime | None = None) -> datetime:
    if day is not None and len(text) <= 5 and ":" in text:
        text = f"{day:%Y-%m-%d}T{text}"
    when = datetime.fromisoformat(text)
    return when.replace(tzinfo=desk.settings.zone) if when.tzinfo is None else when


def run(args: argparse.Namespace) -> int:
    desk = open_desk(args)
    if desk is None:
        return 2
    zone = desk.settings.zone
    try:
        now = _when(args.now, desk) if args.now else desk.cases.now().astimezone(zone)
    except ValueError:
        print(f"--now: {args.now!r} is not an ISO 8601 time (e.g. 2026-11-23T18:10:00+08:00)",
              file=sys.stderr)
        return 2
    day = args.day or now.astimezone(zone).date()
    lang = args.lang or "zh"
    try:
        if args.sent:
            try:
                sent_at = _when(args.sent, desk, datetime.combine(day, now.timetz()))
            except ValueError:
                print(f"--sent: {args.sent!r} is not a time (18:10, or 2026-11-23T18:10)",
                      file=sys.stderr)
                return 2
            try:
                sent = record_report_sent(desk, day, to=args.to, reference=args.reference,
                                          at=sent_at, supervisor=args.operator, now=now)
            except (SendRefused, NotASupervisor, NotTheOperator) as exc:
                print(f"baogong allocation report: {exc}", file=sys.stderr)
                return 1
            print(sent.text(report_due(desk, day)).get(lang))
            return 0
        print(render_table(day_report(desk, day, now=now), lang))
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        return 2
    return 0

