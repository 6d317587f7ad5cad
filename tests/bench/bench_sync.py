"""Sync benchmark: a site brings 10,000 new cases from another, beside git itself doing the same.

    python tests/bench/bench_sync.py [--cases 10000]

Two replicas of a desk share a bare hub. Site XC takes ``--cases`` new calls (case files written
as the store writes them); site HX has taken one call of its own meanwhile, so its sync is a real
merge, not a fast-forward. Measured, each as its user runs it (a fresh process, wall time and
the peak memory of the process and everything it starts; git's automatic gc runs in the
foreground in every repository, so no measurement pays for another's background gc):

- XC's ``baogong sync``: commit the new files, fetch, push;
- HX's ``baogong sync``: commit its one case, fetch the 10,000, merge, push;

and beside them, in the same run on the same machine, plain ``git`` doing the same with the same
bytes in a plain repository (``git add -A && git commit``, then ``git fetch``, ``git merge``,
``git push``). The goal (issue 18): a sync costs no more than twice what git itself takes for
the same fetch and merge (MET or MISSED is printed). Taking the new cases into the index is the
app's next refresh, not the sync: it is printed after, for the record, with no peer.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import core  # noqa: E402
from core.cases.case import Caller, Category, new_case  # noqa: E402
from core.cases.store import encode_case  # noqa: E402
from core.deskinit import init_desk  # noqa: E402
from core.identity import os_account  # noqa: E402
from core.replica.git import clone, driver_command, make_repository, sync_desk  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
GOAL_RATIO = 2.0
#: runs a command and prints its wall time and the peak RSS (KiB) of it and its descendants
MEASURE = ("import resource, subprocess, sys, time\n"
           "t = time.perf_counter()\n"
           "done = subprocess.run(sys.argv[1], shell=True, stdout=subprocess.DEVNULL)\n"
           "took = time.perf_counter() - t\n"
           "print(done.returncode, took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def measure(command: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(seconds, peak MiB) of ``command`` run by a shell in a fresh measuring process."""
    out = subprocess.run([sys.executable, "-c", MEASURE, command], cwd=cwd, env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    status, took, peak = int(out[0]), float(out[1]), int(out[2])
    if status != 0:
        raise SystemExit(f"{command!r} failed ({status}) in {cwd}")
    return took, peak / 1024


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def write_cases(root: Path, site: str, count: int, seed: int) -> None:
    """``count`` new cases of ``site`` written as the store writes them (bytes and places)."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=ZONE)
    rules = core.open_desk(root).settings.sla
    per_day: dict[str, int] = {}
    for n in range(count):
        created = start + timedelta(seconds=n * 37)
        day = created.strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        case = new_case(case_id=f"{site}-{day}-{per_day[day]:04d}",
                        uid=f"{rng.getrandbits(128):032x}", category=Category.GROCERIES,
                        created=created, operator="li", rules=rules,
                        caller=Caller(name="基准", phone=f"139{n:08d}"),
                        description="想订米面油，家里老人行动不便。")
        directory = root / "cases" / day[:4] / day[4:6] / day[6:8]
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{case.id}.toml").write_bytes(encode_case(case))


def plain_copy(desk: Path, target: Path) -> None:
    """The same files in a plain directory (no baogong files), for plain git."""
    shutil.copytree(desk, target, ignore=shutil.ignore_patterns(
        ".git", ".index", ".locks", "local.toml", ".gitattributes"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    baogong = f"{sys.executable} -m tui.cli"
    try:
        # the two replicas and their hub
        hub = base / "hub.git"
        subprocess.run(["git", "init", "-q", "--bare", str(hub)], check=True)
        hx = base / "hx"
        init_desk(hx, name="基准热线台", site="HX")
        settings = hx / "desk.toml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            "training = false", "training = true"), encoding="utf-8")
        make_repository(hx, driver=driver_command(), operator=os_account())
        assert sync_desk(core.open_desk(hx), str(hub)).ok
        xc = clone(str(hub), base / "xc", site="XC", driver=driver_command())
        # the same start in plain git
        plain_hub = base / "plain-hub.git"
        subprocess.run(["git", "init", "-q", "--bare", str(plain_hub)], check=True)
        plain_hx = base / "plain-hx"
        plain_copy(hx, plain_hx)
        git(plain_hx, "init", "-q", "-b", "main")
        git(plain_hx, "add", "-A")
        git(plain_hx, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "start")
        git(plain_hx, "push", "-q", str(plain_hub), "HEAD:refs/heads/main")
        git(plain_hx, "remote", "add", "origin", str(plain_hub))
        plain_xc = base / "plain-xc"
        subprocess.run(["git", "clone", "-q", "-b", "main", str(plain_hub), str(plain_xc)],
                       check=True)

        # git's automatic gc (10,000 new loose objects trigger it) runs in the foreground, so
        # its cost is counted in the command that set it off, never in the next measurement
        for repository in (hub, plain_hub, hx, xc, plain_hx, plain_xc):
            git(repository, "config", "gc.autoDetach", "false")
        # XC takes the calls; HX takes one of its own
        write_cases(xc, "XC", args.cases, seed=1)
        desk = core.open_desk(hx)
        desk.cases.create(Category.RUMOUR, operator="wang")
        desk.cases.index.close()
        shutil.copytree(xc / "cases", plain_xc / "cases", dirs_exist_ok=True)
        shutil.copytree(hx / "cases", plain_hx / "cases", dirs_exist_ok=True)

        identity = "-c user.name=b -c user.email=b@b"
        rows = []
        took, peak = measure(f"{baogong} sync --desk {xc}", xc, env)
        ptook, ppeak = measure(f"git add -A && git {identity} commit -qm calls && "
                               f"git fetch -q origin && git push -q origin HEAD:main",
                               plain_xc)
        rows.append(("send: commit + push", took, peak, ptook, ppeak))
        took, peak = measure(f"{baogong} sync --desk {hx}", hx, env)
        ptook, ppeak = measure(f"git add -A && git {identity} commit -qm call && "
                               f"git fetch -q origin && "
                               f"git {identity} merge -q --no-edit origin/main && "
                               f"git push -q origin HEAD:main", plain_hx)
        rows.append(("receive: fetch + merge + push", took, peak, ptook, ppeak))
        got = len(list((hx / "cases").rglob("XC-*.toml")))
        plain_got = len(list((plain_hx / "cases").rglob("XC-*.toml")))
        assert got == plain_got == args.cases, (got, plain_got)

        load = os.getloadavg()
        print(f"sync of {args.cases:,} new cases from another site "
              f"(load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, {os.cpu_count()} cores)")
        print(f"{'':32} {'baogong':>16} {'plain git':>16} {'ratio':>7}")
        worst = 0.0
        for name, took, peak, ptook, ppeak in rows:
            ratio = took / ptook
            worst = max(worst, ratio)
            print(f"{name:32} {took:7.2f} s {peak:5.0f} MiB {ptook:7.2f} s {ppeak:5.0f} MiB "
                  f"{ratio:6.2f}x")
        verdict = "MET" if worst <= GOAL_RATIO else "MISSED"
        print(f"goal: within {GOAL_RATIO:.0f}x of git doing the same: {verdict} "
              f"(worst {worst:.2f}x)")
        t0 = time.perf_counter()
        desk = core.open_desk(hx)
        desk.cases.refresh()
        desk.cases.index.close()
        print(f"then the index takes in the new cases (the app's next refresh): "
              f"{time.perf_counter() - t0:.2f} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
