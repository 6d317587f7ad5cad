"""git's merge driver for case files: ``python -m core.replica.mergedriver %O %A %B %P``.

It merges report-up task files too (``levels/reportups/``), which both sites' clocks may raise
(:func:`core.levels.reportup.merge_report_up_files`), and the medical allocation's flags and
report sendings (``allocation/late/``, ``allocation/reports/``;
:func:`core.medicalclock.merge_allocation_files`).

Git gives the common ancestor (``%O``), this replica's version (``%A``, where the result goes),
the other's (``%B``) and the file's path in the desk (``%P``). The merged case is written over
``%A`` atomically and the exit status is 0; a version that cannot be read is named on stderr and
the status is 1, so git reports the file unmerged (and :func:`core.replica.git.sync` undoes the
merge): a case file is never written with conflict markers.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from core.levels.reportup import REPORTUPS_DIR, merge_report_up_files
from core.medicalclock import LATE_DIR, SENT_DIR, merge_allocation_files
from core.problems import DeskError
from core.replica.casemerge import merge_case_files
from core.storage.atomic import write_atomic


def main(argv: Sequence[str]) -> int:
    if len(argv) != 4:
        print("usage: python -m core.replica.mergedriver BASE OURS THEIRS PATH", file=sys.stderr)
        return 2
    base_file, ours_file, theirs_file, name = (Path(a) for a in argv)
    try:
        base = base_file.read_bytes() if base_file.exists() else None
        ours, theirs = ours_file.read_bytes(), theirs_file.read_bytes()
        if name.parent == REPORTUPS_DIR:
            merged = merge_report_up_files(ours, theirs, name)
        elif name.parent in (LATE_DIR, SENT_DIR):
            merged = merge_allocation_files(ours, theirs, name)
        else:
            merged = merge_case_files(base, ours, theirs, name)
    except DeskError as exc:
        for problem in exc.problems:
            print(f"baogong merge-case: {problem.render()}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"baogong merge-case: {name}: {exc}", file=sys.stderr)
        return 1
    mode = ours_file.stat().st_mode & 0o777
    write_atomic(ours_file, merged, mode=mode)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
