"""``baogong city``: the city desk over the district desks (:mod:`core.city`).

::

    baogong city [--desk CITY] [--lang zh|en]          the city board (the app)
    baogong city fetch [--json]                        clone or fetch every district followed by git
    baogong city board [--at TIME] [--csv F | --xlsx F] [--lang zh|en]
    baogong city search TEXT [--json]                  a phone number or case id in every district
    baogong city export open311 --out FILE [--since D] [--until D] [--lang] [--no-descriptions]
    baogong city export daily [--date D] [--at TIME] [--csv F | --xlsx F] [--lang zh|en]

``--desk`` names the city desk (a desk with ``city.toml``). Exit status: 0 all good; 1 some
district could not be fetched, read or searched, or a record of ``city.toml`` is wrong (the rest
is done and printed; each district or problem named on stderr); 2 the city desk cannot be
opened, names no usable district, an argument is wrong or an output cannot be written.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from core.city import City, city_board, fetch_all
from core.city.boardreport import CityBoardReport
from core.city.reports import CityFeed, city_daily_report
from core.city.search import search_city
from core.problems import DeskError
from core.reports import Report, render_text, write_csv, write_json_array
from core.storage.atomic import replacing_text
from tui.commands import cannot_write, output_problem
from tui.commands.export import parse_moment
from tui.deskpath import resolve_desk

HELP = "the city desk: follow the district desks, the city board, search and reports"


def configure(parser: argparse.ArgumentParser) -> None:
    from tui.cli import add_desk_argument

    parser.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                        help="language (default: the desk's)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")

    fetch = sub.add_parser("fetch", help="clone or fetch every district followed by git")
    add_desk_argument(fetch, main=False)
    fetch.add_argument("--json", action="store_true", help="print the outcomes as JSON")

    board = sub.add_parser("board", help="the city board as text, CSV or XLSX")
    add_desk_argument(board, main=False)
    board.add_argument("--at", metavar="TIME", help="judge open and overdue at this time")
    _outputs(board)

    search = sub.add_parser("search", help="a phone number or case id in every district")
    add_desk_argument(search, main=False)
    search.add_argument("text", help="a phone number (any form), a case id or words")
    search.add_argument("--json", action="store_true", help="print the hits as JSON")

    export = sub.add_parser("export", help="the whole city's Open311 feed or daily report")
    add_desk_argument(export, main=False)
    what = export.add_subparsers(dest="what", metavar="WHAT", required=True)
    feed = what.add_parser("open311", help="every district's cases as one GeoReport v2 array")
    add_desk_argument(feed, main=False)
    feed.add_argument("--out", required=True, metavar="FILE", help="the JSON file ('-': stdout)")
    feed.add_argument("--since", metavar="D", help="cases taken from this date or time on")
    feed.add_argument("--until", metavar="D", help="cases taken up to the end of this date")
    feed.add_argument("--no-descriptions", action="store_true",
                      help="leave the callers' descriptions out (they are masked otherwise)")
    daily = what.add_parser("daily", help="every district's daily report (日报) in one")
    add_desk_argument(daily, main=False)
    daily.add_argument("--date", metavar="D", help="the day (YYYY-MM-DD; default today)")
    daily.add_argument("--at", metavar="TIME", help="judge open and overdue at this time")
    _outputs(daily)
    for each in (fetch, board, search, export, feed, daily):
        if not any(a.dest == "lang" for a in each._actions):
            each.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                              help="language (default: the desk's)")


def _outputs(parser: argparse.ArgumentParser) -> None:
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--csv", metavar="FILE", help="write CSV (UTF-8 with BOM, for Excel)")
    out.add_argument("--xlsx", metavar="FILE", help="write an XLSX workbook")


def run(args: argparse.Namespace) -> int:
    for option in ("out", "csv", "xlsx"):
        value = getattr(args, option, None)
        if value and value != "-" and (wrong := output_problem(Path(value))) is not None:
            print(f"baogong city: --{option} {value}: {wrong}", file=sys.stderr)
            return 2
    try:
        city = City.open(resolve_desk(args.desk))
    except DeskError as exc:
        for problem in exc.problems:
            print(problem.render(Path.cwd()), file=sys.stderr)
        return 2
    if city.problems:
        for problem in city.problems:
            print(problem.render(Path.cwd()), file=sys.stderr)
        if not city.config.districts:
            print("baogong city: city.toml names no district desk it can follow",
                  file=sys.stderr)
            return 2
    status = _act(city, args)
    # the districts city.toml could not name are findings too, like districts not read
    return max(status, 1) if city.problems and status == 0 else status


def _act(city: City, args: argparse.Namespace) -> int:
    lang = args.lang or ("en" if city.desk.settings.locale == "en" else "zh")
    action = args.action
    if action is None:
        from tui.screens.city import run_city_app

        return run_city_app(city, lang)
    try:
        now = parse_moment(city.desk, args.at) if getattr(args, "at", None) else \
            city.desk.cases.now()
        if action == "fetch":
            return _fetch(city, now, args.json)
        if action == "board":
            board = city_board(city, now, recorded=city.desk.cases.now())
            return _write(CityBoardReport(board), args, lang,
                          [(f.district.code, f.unavailable) for f in board.districts
                           if not f.ok])
        if action == "search":
            return _search(city, args.text, args.json)
        if args.what == "open311":
            return _open311(city, args, lang)
        day = date.fromisoformat(args.date) if args.date else \
            now.astimezone(city.desk.settings.zone).date()
        report = city_daily_report(city, day, now)
        return _write(report, args, lang, [(d.code, why) for d, why in report.not_read])
    except ValueError as exc:  # a date or time that is none
        print(f"baogong city: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        outputs = [getattr(args, o, None) for o in ("out", "csv", "xlsx")]
        return cannot_write("city", exc, next((o for o in outputs if o and o != "-"), None))
    finally:
        city.desk.cases.index.close()


def _missing(missing: list[tuple[str, str]], what: str) -> int:
    """Name each district left out on stderr; 1 if there is any."""
    for code, why in missing:
        print(f"baogong city: district {code} {what}: {why}", file=sys.stderr)
    return 1 if missing else 0


def _fetch(city: City, now: datetime, as_json: bool) -> int:
    outcomes = fetch_all(city.root, city.config.districts, now, mode=city.desk.file_mode)
    if as_json:
        print(json.dumps([{"district": o.code, "ok": o.ok, "commit": o.commit,
                           "error": o.error, "cloned": o.cloned} for o in outcomes],
                         ensure_ascii=False, indent=1))
    else:
        for o in outcomes:
            if o.ok:
                print(f"{o.code}: {'cloned' if o.cloned else 'fetched'} {o.commit[:12]}")
    in_place = [d.code for d in city.config.districts if not d.followed_by_git]
    if in_place and not as_json:
        print(f"read in place: {', '.join(in_place)}")
    return _missing([(o.code, o.error) for o in outcomes if not o.ok], "not fetched")


def _write(report: Report, args: argparse.Namespace, lang: str,
           missing: list[tuple[str, str]]) -> int:
    if getattr(args, "csv", None):
        write_csv(report.tables(), Path(args.csv), lang=lang)
        print(f"{report.title.get(lang)} -> {args.csv}", file=sys.stderr)
    elif getattr(args, "xlsx", None):
        from tui.xlsx import write_xlsx

        write_xlsx(report.tables(), Path(args.xlsx), lang=lang, heading=report.heading(lang))
        print(f"{report.title.get(lang)} -> {args.xlsx}", file=sys.stderr)
    else:
        sys.stdout.write(render_text(report, lang))
    return _missing(missing, "not read")


def _search(city: City, text: str, as_json: bool) -> int:
    found = search_city(city, text)
    if as_json:
        print(json.dumps([{"district": h.district, "id": h.row.id, "created":
                           h.row.created.isoformat(), "status": h.row.status.value,
                           "category": h.row.category.value, "name": h.row.name,
                           "phone": h.row.phone} for h in found.hits],
                         ensure_ascii=False, indent=1))
    else:
        for h in found.hits:
            r = h.row
            print(f"{h.district}\t{r.id}\t{r.created:%Y-%m-%d %H:%M}\t{r.status.value}\t"
                  f"{r.category.value}\t{r.name}\t{r.phone}")
        print(f"{len(found.hits)} case(s)", file=sys.stderr)
    return _missing(list(found.not_searched), "not searched")


def _open311(city: City, args: argparse.Namespace, lang: str) -> int:
    since = parse_moment(city.desk, args.since) if args.since else None
    until = parse_moment(city.desk, args.until, end_of_day=True) if args.until else None
    feed = CityFeed(city, since, until, lang=lang, descriptions=not args.no_descriptions)
    if args.out == "-":
        count = write_json_array(iter(feed), sys.stdout)
    else:
        with replacing_text(Path(args.out), mode=0o644) as out:
            count = write_json_array(iter(feed), out)
        print(f"{count} service requests -> {args.out}", file=sys.stderr)
    return _missing(feed.not_read, "not read")
