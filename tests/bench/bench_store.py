"""Case store benchmark on a generated desk of 100,000 cases.

    python tests/bench/bench_store.py [--cases 100000]

Prints, with a baseline measured in the same run:
- creating one case (with fsync), median, against a bare write+fsync+link of the same bytes;
- opening the desk and listing the newest 100 cases with a warm index, against parsing the 100
  newest files with tomllib knowing their paths;
- ``baogong check`` over every file, against a bare loop that only parses them with tomllib.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import core
from core.cases.store import encode_case
from core.check import check_desk
from core.storage.atomic import fsync_directory
from tests.bench.gen_desk import generate

ZONE = ZoneInfo("Asia/Shanghai")


def bench_create(root: Path, samples: int) -> tuple[float, float]:
    desk = core.open_desk(root)
    store = desk.cases
    times = []
    for n in range(samples):
        created = datetime(2026, 11, 23, 10, 0, n % 60, tzinfo=ZONE)
        t0 = time.perf_counter()
        store.create(core.Category.GROCERIES, operator="bench", created=created,
                     caller=core.Caller(name="基准", phone="13900000000"), community="jinxiu",
                     description="基准测试来电")
        times.append(time.perf_counter() - t0)
    sample = store.get(f"20261123-{1:04d}")
    data = encode_case(sample)
    floor = []
    scratch = root / "floor"
    scratch.mkdir(exist_ok=True)
    for n in range(samples):
        t0 = time.perf_counter()
        tmp = scratch / f".{n}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.fsync(fd)
        os.close(fd)
        os.link(tmp, scratch / f"{n}.toml")
        tmp.unlink()
        fsync_directory(scratch)
        floor.append(time.perf_counter() - t0)
    desk.cases.index.close()
    return statistics.median(times), statistics.median(floor)


def bench_list(root: Path, repeats: int) -> tuple[float, float, int]:
    warm = core.open_desk(root)
    warm.cases.refresh()
    warm.cases.index.close()
    times = []
    rows: list[core.CaseRow] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        desk = core.open_desk(root)
        rows = desk.cases.newest(100)
        times.append(time.perf_counter() - t0)
        desk.cases.index.close()
    paths = [Path(r.path) for r in rows]
    floor = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for path in paths:
            tomllib.loads(path.read_bytes().decode())
        floor.append(time.perf_counter() - t0)
    return statistics.median(times), statistics.median(floor), len(rows)


def bench_check(root: Path) -> tuple[float, float, int]:
    paths = sorted((root / "cases").rglob("*.toml"))
    t0 = time.perf_counter()
    for path in paths:
        tomllib.loads(path.read_bytes().decode())
    parse_only = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = check_desk(root)
    elapsed = time.perf_counter() - t0
    assert report.ok, report.problems[:3]
    return elapsed, parse_only, report.cases


def main() -> None:
    parser = argparse.ArgumentParser(description="case store benchmark")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    t0 = time.perf_counter()
    root = generate(args.cases)
    print(f"desk: {root} ({args.cases} cases, ready in {time.perf_counter() - t0:.1f} s)")
    # a scratch copy for writes, so the cached desk stays as generated
    check_s, parse_s, files = bench_check(root)
    list_s, list_floor, listed = bench_list(root, 7)
    scratch = Path(f"{root}-scratch")
    if scratch.exists():
        import shutil

        shutil.rmtree(scratch)
    (scratch / "cases").mkdir(parents=True)
    for name in ("desk.toml", "communities.toml", "departments.toml", "supermarkets.toml",
                 "catalogue.toml", "households.toml"):
        (scratch / name).write_bytes((root / name).read_bytes())
    create_s, create_floor = bench_create(scratch, args.samples)
    rows = [
        ("create one case (fsync), median", f"{create_s * 1000:.2f} ms",
         f"{create_floor * 1000:.2f} ms bare write+fsync+link", f"{create_s / create_floor:.2f}x",
         "< 5 ms", create_s < 0.005),
        ("open desk + newest 100, warm index", f"{list_s * 1000:.0f} ms",
         f"{list_floor * 1000:.0f} ms parse 100 files", f"{list_s / list_floor:.2f}x",
         "< 300 ms", list_s < 0.3),
        (f"check {files} files", f"{check_s:.1f} s",
         f"{parse_s:.1f} s tomllib parse loop", f"speed {parse_s / check_s:.2f}x of floor",
         ">= 0.5x", parse_s / check_s >= 0.5),
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
    print(f"cores: {os.cpu_count()}")
    for row in rows:
        cells = [str(c).ljust(w) for c, w in zip(row[:5], widths, strict=True)]
        print("  ".join(cells) + ("  ok" if row[5] else "  MISSED"))
    del listed


if __name__ == "__main__":
    main()
