"""``baogong round import ROUND FILE``: a group list's orders into a round (接龙导入).

FILE is a 接龙 list as text (UTF-8 or GB18030) or an order sheet (CSV/XLSX); see
:mod:`core.grouplist`. Every line that cannot be read is listed with its number and why; the
readable orders are added to the round unless ``--dry-run`` (an order already in the round, from
an earlier import of the same list, is not added again). ``--json`` prints
``{"orders": N, "lines": N, "added": N, "unreadable": [{"line": N, "text": "...", "why": "..."}]}``.

Exit status: 0 when every line was read; 1 when some were not (the readable ones still added);
2 when the file or the round cannot be used.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from core.desk import Desk
from core.grouplist import ListImport, Matcher, add_list, read_group_list, round_communities
from core.problems import DeskError, Problem
from core.roundorders import find_round
from tui import i18n
from tui.i18n import _


def _fail(problems: tuple[Problem, ...] | list[Problem], root: Path | None = None) -> int:
    for problem in problems:
        print(problem.render(root), file=sys.stderr)
    return 2


def run_import(desk: Desk, round_code: str, file: Path, args: argparse.Namespace) -> int:
    """Read ``file``, add its orders to ``round_code`` unless ``args.dry_run``, report."""
    try:
        find_round(desk, round_code)
    except DeskError as exc:
        return _fail(exc.problems, desk.root)
    communities = args.community or round_communities(desk, round_code)
    unknown = [c for c in communities if c not in desk.communities]
    if unknown:
        return _fail([Problem(desk.root / "communities.toml", None,
                              f"unknown community {code!r}", "--community")
                      for code in unknown])
    try:
        group = read_group_list(file, Matcher.for_desk(desk), communities)
    except DeskError as exc:
        return _fail(exc.problems, desk.root)
    result = ListImport(round_code, group)
    if not args.dry_run and group.orders:
        try:
            result = add_list(desk, round_code, group,
                              taken_at=datetime.now(desk.settings.zone))
        except DeskError as exc:
            return _fail(exc.problems, desk.root)
    lang = args.lang or ("en" if desk.settings.locale == "en" else "zh")
    if args.json:
        json.dump(result.as_json(lang), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        before = i18n.language()
        i18n.set_language(lang)
        try:
            sys.stdout.write(_report(result, file, lang, args.dry_run))
        finally:
            i18n.set_language(before)
    return 1 if group.unreadable else 0


def _report(result: ListImport, file: Path, lang: str, dry_run: bool) -> str:
    group = result.list
    out = [f"{file}:{bad.line}: {bad.why.get(lang)}\n    {bad.text}\n"
           for bad in group.unreadable]
    out.append(_("{orders} orders read from {lines} lines; {bad} lines unreadable").format(
        orders=len(group.orders), lines=group.lines, bad=len(group.unreadable)) + "\n")
    if dry_run:
        out.append(_("Dry run: nothing added to round {round}").format(round=result.round) + "\n")
    else:
        out.append(_("{added} added to round {round}, {skipped} already there").format(
            added=len(result.added), round=result.round, skipped=len(result.skipped)) + "\n")
    return "".join(out)
