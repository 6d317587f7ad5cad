"""``baogong classify SIGNALS.toml``: the emergency level of a district's market signals.

Prints the level, every rule that fired and the response plan, in Chinese (default, or the desk's
locale) or English (``--lang en``); ``--json`` prints the same as JSON for scripts (keys documented
in :mod:`core.levels.report`). With ``--desk DIR`` the desk's ``levels.toml`` thresholds apply, a
supervisor's manual level in force is shown, surges of hotline calls are listed as evidence, and
reserve cover is added when the desk has a ``reserves.toml``.

Exit status: 0 when the signals were classified (whatever the level); 2 when the signals file or
the desk's level files cannot be used, with every problem printed as ``path:line: message``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from core.desk import Desk
from core.identity import supervisors
from core.levels import (
    LEVELS_FILE,
    RESERVES_FILE,
    Classifier,
    Cover,
    MedicalLine,
    Report,
    decision_in_force,
    desk_surges,
    desk_thresholds,
    load_decisions,
    load_reserves,
    read_signals,
    render_report,
    report_json,
    reserve_figures,
)
from core.problems import DeskError, Problem
from core.storage.deskfiles import named_file
from core.storage.tomlio import line_of, locate_lines, read_toml

HELP = "classify market signals into an emergency level (应急状态分级) and show the plan"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("signals", metavar="SIGNALS.toml", help="the signals file to classify")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    parser.add_argument("--lang", choices=["zh", "en"], help="language of the printed report")
    parser.add_argument(
        "--at", metavar="TIME",
        help="with --desk: the time the hotline evidence is judged at (ISO 8601 with offset; "
             "default now)",
    )


def _fail(problems: list[Problem] | tuple[Problem, ...]) -> int:
    for problem in problems:
        print(problem.render(Path.cwd()), file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    desk: Desk | None = None
    thresholds_source = "defaults"
    if args.desk:
        try:
            desk = Desk.open(args.desk)
        except DeskError as exc:
            return _fail(exc.problems)
        lang = lang or ("en" if desk.settings.locale == "en" else "zh")
        thresholds, problems = desk_thresholds(desk.root)
        if thresholds is None:
            return _fail(problems)
        if (desk.root / LEVELS_FILE).exists():
            thresholds_source = str(desk.root / LEVELS_FILE)
        classifier = Classifier(thresholds)
    else:
        classifier = Classifier()
    signals = named_file(args.signals)
    reading, problems = read_signals(signals, classifier.thresholds)
    if reading is None:
        return _fail(problems)
    report = Report(
        classifier.assess(reading.signals), district=reading.district, day=reading.day,
        derived=reading.derived, thresholds_source=thresholds_source,
    )
    if desk is not None:
        decisions, problems = load_decisions(desk.root, supervisors(desk))
        if problems:
            return _fail(problems)
        if reading.district and desk.districts and reading.district not in desk.districts:
            lines = locate_lines(read_toml(signals)[1])
            return _fail([Problem(
                signals, line_of(lines, ("district",)),
                f"unknown district {reading.district!r} (this desk has: "
                f"{', '.join(sorted(desk.districts))})", "district")])
        manual = decision_in_force(decisions, reading.district)
        try:
            now = datetime.fromisoformat(args.at) if args.at else desk.cases.now()
        except ValueError:
            print(f"--at: {args.at!r} is not an ISO 8601 time", file=sys.stderr)
            return 2
        if now.tzinfo is None:
            now = now.replace(tzinfo=desk.settings.zone)
        surges = desk_surges(desk, now, classifier.thresholds, reading.district)
        reserves, problems = load_reserves(desk.root / RESERVES_FILE)
        if problems:
            return _fail(problems)
        covers: tuple[Cover, ...] = ()
        medical: tuple[MedicalLine, ...] = ()
        if reserves is not None:
            day = reading.day or now.astimezone(desk.settings.zone).date()
            figures = reserve_figures(desk, reserves, day)
            covers = tuple(c for c in figures.covers
                           if not reading.district or c.district in ("", reading.district))
            medical = figures.medical
        report = Report(
            classifier.assess(reading.signals, manual), district=reading.district,
            day=reading.day, derived=reading.derived, evidence=tuple(surges), reserves=covers,
            medical=medical, thresholds_source=thresholds_source,
        )
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2, default=_default))
    else:
        sys.stdout.write(render_report(report, lang or "zh"))
    return 0


def _default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
