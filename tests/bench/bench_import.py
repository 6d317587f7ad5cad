"""Register import benchmark: a district's grid register of 30,000 households as XLSX.

    python tests/bench/bench_import.py [--households 30000] [--runs 3]

Generates a register of one row per resident (about 2.5 residents per household, so about 75,000
rows, as grid workers keep it) over 60 communities, then measures, each in a fresh process as a
user runs it (interpreter start and imports included), the median of ``--runs``:

- ``baogong import households FILE`` (this checkout's, ``python -m tui.cli``) into a desk that
  has the communities and no households (the whole import: read, check every row, group, write
  ``households.toml`` atomically, log);
- the peer: a bare read of the same workbook with python-calamine, the fastest XLSX reader for
  Python (``CalamineWorkbook.from_path(...).get_sheet_by_index(0).to_python()``), which is the
  floor of any import that reads the file.

Prints seconds and peak memory (the process's maximum resident set) of each and the ratios.
Goals (issue 15): within 3x of the bare read, and under 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from core.storage.tomlio import dumps  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
FLAGS = ["独居老人", "卧床", "残疾人", "无智能手机", "慢性病患者", "低保/特困", "失独家庭"]
COMMUNITIES = 60

BARE_READ = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\n"
    "assert len(rows) > 1\n"
)


def make_desk(root: Path) -> None:
    root.mkdir()
    (root / "desk.toml").write_text('name = "基准热线台"\ntime_zone = "Asia/Shanghai"\n',
                                    encoding="utf-8")
    communities = [{"code": f"c{n:03d}", "name": f"第{n}社区", "name_en": f"Community {n}",
                    "district": "d1"} for n in range(1, COMMUNITIES + 1)]
    data = {"district": [{"code": "d1", "name": "基准区", "name_en": "Bench district"}],
            "community": communities}
    (root / "communities.toml").write_text(dumps(data), encoding="utf-8")


def make_register(path: Path, households: int, seed: int = 7) -> int:
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民台账")
    sheet.append(["社区", "楼栋", "单元", "房号", "姓名", "电话", "年龄", "重点人群", "备注"])
    rows = 0
    for number in range(households):
        community = f"第{number % COMMUNITIES + 1}社区"
        building, rest = divmod(number // COMMUNITIES, 24)
        unit, room = divmod(rest, 8)
        for person in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 4, 5))):
            flags = "、".join(rng.sample(FLAGS, rng.choice((0, 0, 0, 0, 1, 2))))
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            sheet.append([community, str(building + 1), str(unit + 1),
                          f"{room // 2 + 1}0{room % 2 + 1}", name,
                          f"1380{number:05d}{person}" if person < 2 else "",
                          rng.randint(1, 95), flags, ""])
            rows += 1
    book.save(path)
    return rows


def measure(argv: list[str]) -> tuple[float, float, float]:
    """Seconds, CPU seconds (user and system: steadier than seconds on a shared machine) and peak
    resident MiB of one fresh process running ``argv``."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[:3]} failed with status {status}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        register = work / "register.xlsx"
        started = time.perf_counter()
        rows = make_register(register, args.households)
        print(f"register: {args.households:,} households, {rows:,} resident rows, "
              f"{register.stat().st_size / 2**20:.1f} MiB XLSX (made in "
              f"{time.perf_counter() - started:.1f} s)")
        # this checkout's command line (run from its root, so its packages come first), not
        # whichever one is installed
        baogong = [sys.executable, "-m", "tui.cli"]
        imports, bare = [], []
        for run in range(args.runs):
            desk = work / f"desk{run}"
            make_desk(desk)
            bare.append(measure([sys.executable, "-c", BARE_READ, str(register)]))
            imports.append(measure([*baogong, "import", "households", str(register),
                                    "--desk", str(desk)]))
            text = (desk / "households.toml").read_text(encoding="utf-8")
            assert text.count("[[household]]") == args.households, "import lost households"
        seconds = statistics.median(s for s, _, _ in imports)
        cpu = statistics.median(c for _, c, _ in imports)
        memory = max(m for _, _, m in imports)
        bare_seconds = statistics.median(s for s, _, _ in bare)
        bare_cpu = statistics.median(c for _, c, _ in bare)
        bare_memory = max(m for _, _, m in bare)
        print(f"baogong import: {seconds:.2f} s ({cpu:.2f} s CPU), peak {memory:.0f} MiB "
              f"({rows / seconds:,.0f} rows/s); runs: "
              + ", ".join(f"{s:.2f}" for s, _, _ in imports))
        print(f"bare calamine read: {bare_seconds:.2f} s ({bare_cpu:.2f} s CPU), peak "
              f"{bare_memory:.0f} MiB; runs: " + ", ".join(f"{s:.2f}" for s, _, _ in bare))
        print(f"ratio: {seconds / bare_seconds:.2f}x the time ({cpu / bare_cpu:.2f}x the CPU), "
              f"{memory / bare_memory:.2f}x the memory of the bare read (goal: within 3x and "
              f"under 60 s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
