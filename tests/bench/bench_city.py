"""City desk benchmark: 16 district desks of 20,000 cases each, followed through git.

    python tests/bench/bench_city.py [--districts 16] [--cases 20000]

A district desk is generated (``gen_desk``) and copied to each district, each committed and
published to a bare repository of its own on this machine, once (cached). Then, in one run on
the same cores, each step as its users run it (a ``baogong`` process) beside a peer doing the
same work, with the wall time and the peak memory (the largest resident set of its processes):

- ``baogong city fetch`` into a new city desk (a read-only clone of every district) against
  ``git clone`` of the same 16 repositories, one after another;
- ``baogong city board`` on the fresh clones (each district's case index built on the way:
  every case file parsed once) against a bare loop that reads and parses the same case files
  with ``tomllib`` and nothing else;
- ``baogong city board`` again (the indexes up to date) against a bare loop that only reads
  the same files' bytes;
- ``baogong city fetch`` bringing 100 new cases to each district against ``git fetch`` and
  ``git reset --hard`` in the peer's clones.

Issue 18 sets no number for these: it asks for the figures beside git. The ratios are printed
so a change that slows the city down shows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.gen_desk import generate

REPO = Path(__file__).resolve().parents[2]
AT = "2026-11-20T12:00:00+08:00"
FORMAT = 1  # bump when the generated districts change
GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]
#: a bare loop over every case file of every clone: read (and parse) each, nothing else
READ_LOOP = """\
import os, sys, tomllib
parse = sys.argv[1] == "parse"
count = 0
for root in sys.argv[2:]:
    for top, dirs, files in os.walk(os.path.join(root, "cases")):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".toml"):
                with open(os.path.join(top, name), "rb") as handle:
                    data = handle.read()
                if parse:
                    tomllib.loads(data.decode("utf-8"))
                count += 1
print(count)
"""
#: runs a command and reports its peak memory: the largest resident set of its processes
MEASURE = """\
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, peak, done.stderr.decode()[-300:].replace(chr(10), " | "))
"""


def git(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(["git", *GIT_ID, *args], cwd=cwd, check=True, capture_output=True)


def districts(count: int, cases: int) -> Path:
    """``count`` published district desks of ``cases`` cases each: ``site-NN`` working copies
    and ``site-NN.git`` bare remotes, cached. One desk is generated and copied to the others
    (generating 16 on a shared machine takes longer than measuring them): each district is its
    own repository with its own copy of every file, so each clone and board does all the work."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    base = cache / "baogong-bench" / f"city-{count}x{cases}-v{FORMAT}"
    first = base / "site-00"
    for n in range(count):
        site, remote = base / f"site-{n:02d}", base / f"site-{n:02d}.git"
        done = base / f"site-{n:02d}.done"
        if done.exists():
            continue
        shutil.rmtree(remote, ignore_errors=True)
        if n == 0:
            print(f"  generating a district desk of {cases:,} cases...", flush=True)
            generate(cases, site, seed=100)
            shutil.rmtree(site / ".git", ignore_errors=True)
        else:
            print(f"  copying it to district {n + 1}/{count}...", flush=True)
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(first, site, ignore=shutil.ignore_patterns(".git", ".index"))
        (site / ".gitignore").write_text(".index/\n.locks/\n.generated\n", encoding="utf-8")
        git("init", "-q", "-b", "main", str(site))
        git("add", "-A", cwd=site)
        git("commit", "-q", "-m", "district desk", cwd=site)
        git("clone", "-q", "--bare", str(site), str(remote))
        git("remote", "add", "origin", str(remote), cwd=site)
        done.write_text("published\n", encoding="utf-8")
    return base


def measure(argv: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of ``argv``, run as its users run it."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], cwd=cwd, check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    status, peak, err = done.stdout.split(" ", 2)
    if status not in ("0",):
        raise SystemExit(f"{argv[:4]} exited {status}: {err}")
    return wall, int(peak) / 1024


def baogong(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui.cli", *args]


def add_cases(site: Path, count: int, seed: int) -> None:
    """``count`` new cases at a district, committed and pushed."""
    code = (
        "import sys, core\n"
        "from datetime import datetime, timedelta\nfrom zoneinfo import ZoneInfo\n"
        "desk = core.open_desk(sys.argv[1])\n"
        "start = datetime(2026, 11, 20, 8, 0, tzinfo=ZoneInfo('Asia/Shanghai'))\n"
        "for n in range(int(sys.argv[2])):\n"
        "    desk.cases.create(core.Category.GROCERIES, operator='bench', "
        "created=start + timedelta(seconds=n + int(sys.argv[3])),\n"
        "        caller=core.Caller(name='基准', phone='13900000000'), community='jinxiu',\n"
        "        description='基准测试来电')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(site), str(count), str(seed)], cwd=REPO,
                   check=True)
    git("add", "-A", cwd=site)
    git("commit", "-q", "-m", "new cases", cwd=site)
    git("push", "-q", "origin", "main", cwd=site)


def line(what: str, ours: tuple[float, float], peer: tuple[float, float], peer_name: str) -> None:
    (wall, mem), (peer_wall, peer_mem) = ours, peer
    print(f"{what:<34} {wall:7.2f} s {mem:7.0f} MiB   {peer_name:<28} {peer_wall:7.2f} s "
          f"{peer_mem:6.0f} MiB   x{wall / peer_wall:5.2f} time  x{mem / peer_mem:5.2f} memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--new", type=int, default=100, help="new cases per district to fetch")
    args = parser.parse_args()
    print(f"city desk over {args.districts} districts of {args.cases:,} cases "
          f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    base = districts(args.districts, args.cases)
    sites = sorted(p for p in base.glob("site-??") if p.is_dir())[: args.districts]
    with tempfile.TemporaryDirectory(prefix="bench-city-") as scratch:
        work = Path(scratch)
        city = work / "city"
        city.mkdir()
        (city / "desk.toml").write_text('name = "全市"\nname_en = "City"\n'
                                        'time_zone = "Asia/Shanghai"\n', encoding="utf-8")
        (city / "city.toml").write_text("".join(
            f'[[district]]\ncode = "d{n:02d}"\nname = "区{n:02d}"\ngit = "{site}.git"\n\n'
            for n, site in enumerate(sites)), encoding="utf-8")
        peers = work / "peers"
        peers.mkdir()
        clone_script = "; ".join(f"git clone -q {site}.git {peers / site.name}" for site in sites)
        peer = measure(["sh", "-c", clone_script])
        ours = measure(baogong("city", "--desk", str(city), "fetch"), cwd=REPO)
        line("baogong city fetch (first clone)", ours, peer, f"git clone x{len(sites)}")
        clones = [str(p) for p in sorted((city / "districts").iterdir())]
        peer = measure([sys.executable, "-c", READ_LOOP, "parse", *clones])
        ours = measure(baogong("city", "--desk", str(city), "board", "--at", AT), cwd=REPO)
        line("baogong city board (cold)", ours, peer, "read+tomllib every case")
        peer = measure([sys.executable, "-c", READ_LOOP, "read", *clones])
        ours = measure(baogong("city", "--desk", str(city), "board", "--at", AT), cwd=REPO)
        line("baogong city board (warm)", ours, peer, "read every case file")
        if args.new:
            first = {site: subprocess.run(["git", "rev-parse", "HEAD"], cwd=site, check=True,
                                          capture_output=True, text=True).stdout.strip()
                     for site in sites}
            for n, site in enumerate(sites):
                add_cases(site, args.new, seed=n * 100_000)
            script = "; ".join(f"git -C {peers / site.name} fetch -q origin HEAD && "
                               f"git -C {peers / site.name} reset -q --hard FETCH_HEAD"
                               for site in sites)
            peer = measure(["sh", "-c", script])
            ours = measure(baogong("city", "--desk", str(city), "fetch"), cwd=REPO)
            line(f"baogong city fetch (+{args.new}/district)", ours, peer, "git fetch+reset")
            ours = measure(baogong("city", "--desk", str(city), "board", "--at", AT), cwd=REPO)
            print(f"{'baogong city board (after fetch)':<34} {ours[0]:7.2f} s {ours[1]:7.0f} MiB")
            for site, commit in first.items():  # the cached districts as they were generated
                git("reset", "-q", "--hard", commit, cwd=site)
                git("push", "-q", "--force", "origin", "main", cwd=site)
    print(f"load afterwards {os.getloadavg()[0]:.1f}; issue 18 sets no numeric bar for the city "
          "board: figures and ratios only")


if __name__ == "__main__":
    main()
