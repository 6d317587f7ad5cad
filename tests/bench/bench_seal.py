"""Benchmark: what sealing a period costs, at sign-off and at every reconciliation.

Run from the repository root::

    python tests/bench/bench_seal.py                    # 100,000 records
    python tests/bench/bench_seal.py --records 1000000

It generates N records with :func:`bench_ledger.generate` into a temporary desk (they span a few
days, in large batches that each cover more than one day), reconciles them in one process, signs
off all days but the first (every file holding a record of those days is parsed and sealed),
reconciles again (the seal is checked: every sealed file hashed, every record's file looked up in
the seal) and signs off the first day. It reports seconds for each.

Measured for 100,024 records (12 batch files over three days) on the 2-core development machine
with a load average of 9 (oversubscribed, so slow in absolute terms): sign-off of two days (8
files) 3.56 s, of one day (4 files) 2.12 s; reconciliation 4.59 s without a seal and 4.90 s with
the seal checked.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import core  # noqa: E402
from core import ledger as L  # noqa: E402
from core.demo import demo_desk_path  # noqa: E402
from tests.bench.bench_ledger import generate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="baogong-bench-seal-"))
    try:
        desk = work / "desk"
        shutil.copytree(demo_desk_path(), desk, ignore=shutil.ignore_patterns(
            "cases", "ledgers", ".index", ".locks"))
        count, _beancount = generate(desk, args.records)
        book = L.Ledgers(core.open_desk(desk))
        zone = book.desk.settings.zone
        days = sorted({r.time.astimezone(zone).date() for r in book.records()})

        started = time.perf_counter()
        book.reconcile()
        unsealed = time.perf_counter() - started
        started = time.perf_counter()
        close = book.close(days[1], days[-1], signed_by="zhou.min")
        sign_span = time.perf_counter() - started
        started = time.perf_counter()
        result = book.reconcile()
        sealed = time.perf_counter() - started
        breaches = [f for f in result.findings if f.code.startswith("sealed_file_")]
        assert not breaches, breaches
        started = time.perf_counter()
        day = book.close(days[0], days[0], signed_by="zhou.min")
        sign_day = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{count:,} records; {len(close.sealed or ()):,} files sealed for {days[1]}..{days[-1]}")
    print(f"sign-off of {days[1]}..{days[-1]}: {sign_span:.2f} s")
    print(f"sign-off of {days[0]} ({len(day.sealed or ()):,} files): {sign_day:.2f} s")
    print(f"reconcile in one process: {unsealed:.2f} s without a seal, {sealed:.2f} s with it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
