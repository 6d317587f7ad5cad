"""Shows that the reliability tests guard what they claim: without a protection, they fail.

    .venv/bin/python tests/mutation_check.py [--keep]

For each mutation below it copies the repository's files (``git ls-files``, untracked ones
included) to a scratch directory, rewrites one call in ``core/storage/atomic.py`` there, checks
that the mutated ``core`` is the one the test interpreter imports and that it still works apart
from the protection it lost, then runs ``pytest -m reliability`` on the copy with this interpreter
(on the test files that use the mark). It prints one line per mutation and exits 1 unless the
unmutated copy passes and every mutation makes at least one test fail. A call that is no longer
found is an error, not a pass: a refactor of ``core/storage/atomic.py`` must update the mutation
here rather than silently disable it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[1]


@attrs.frozen
class Mutation:
    name: str
    #: what removing the protection would break
    breaks: str
    path: str
    pattern: str
    replacement: str


MUTATIONS = [
    Mutation("flock -> no-op", "per-case lock", "core/storage/atomic.py",
             r"fcntl\.flock\((\w+),\s*fcntl\.LOCK_EX\b[^)]*\)", "None"),
    Mutation("rename -> in-place write", "atomic replace", "core/storage/atomic.py",
             r"os\.replace\((\w+),\s*(\w+)\)",
             r'(open(\2, "wb").write(open(\1, "rb").read()), os.unlink(\1))'),
    Mutation("link -> in-place create", "atomic create", "core/storage/atomic.py",
             r"os\.link\((\w+),\s*(\w+)\)",
             r'open(\2, "xb").write(open(\1, "rb").read())'),
]

#: run in the scratch copy: its core is the one imported, and it still writes, creates and locks
VIABLE = """
import pathlib, sys, tempfile
import core.storage.atomic as atomic
here = pathlib.Path(atomic.__file__).resolve()
if here != pathlib.Path.cwd().resolve() / "core" / "storage" / "atomic.py":
    sys.exit(f"imported {here}, not the copy under test")
scratch = pathlib.Path(tempfile.mkdtemp())
atomic.write_atomic(scratch / "a", b"one")
atomic.write_atomic(scratch / "a", b"two")
atomic.create_atomic(scratch / "b", b"three")
try:
    atomic.create_atomic(scratch / "b", b"four")
    sys.exit("create_atomic overwrote an existing file")
except FileExistsError:
    pass
with atomic.exclusive_lock(scratch / "lock"):
    pass
names = sorted(p.name for p in scratch.iterdir())
contents = [(scratch / "a").read_bytes(), (scratch / "b").read_bytes()]
if names != ["a", "b", "lock"] or contents != [b"two", b"three"]:
    sys.exit(f"writes went wrong: {names} {contents}")
"""

#: runs pytest after importing core from the copy, so that nothing else can be imported instead
RUN_TESTS = """
import pathlib, sys
import core.storage.atomic
here = pathlib.Path(core.storage.atomic.__file__).resolve()
assert here.is_relative_to(pathlib.Path.cwd().resolve())
import pytest
sys.exit(pytest.main(sys.argv[1:]))
"""


def copy_repository(target: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if not source.exists() and not source.is_symlink():  # deleted, not yet committed
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name, follow_symlinks=False)


def mutate(copy: Path, mutation: Mutation) -> int:
    path = copy / mutation.path
    text = path.read_text(encoding="utf-8")
    mutated, count = re.subn(mutation.pattern, mutation.replacement, text)
    if count == 0:
        raise SystemExit(f"mutation {mutation.name}: {mutation.pattern!r} is not in "
                         f"{mutation.path} any more; update tests/mutation_check.py")
    path.write_text(mutated, encoding="utf-8")
    return count


def run(copy: Path, args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-c", *args], cwd=copy, env=env, capture_output=True,
                          text=True, timeout=timeout)


def marked_test_files(copy: Path) -> list[str]:
    """The test files that mark tests ``reliability``: collecting only those saves a minute."""
    return sorted(str(path.relative_to(copy)) for path in (copy / "tests").rglob("test_*.py")
                  if "mark.reliability" in path.read_text(encoding="utf-8"))


def run_tests(copy: Path) -> tuple[int, list[str], int]:
    """pytest's exit status, the failing tests and how many ran, on ``copy``."""
    viable = run(copy, [VIABLE], timeout=60)
    if viable.returncode != 0:
        raise SystemExit(f"the copy at {copy} does not work at all:\n{viable.stderr}")
    report = copy / "mutation-check.xml"
    report.unlink(missing_ok=True)
    done = run(copy, [RUN_TESTS, "-m", "reliability", "-n", "0", "-q", "-p", "no:cacheprovider",
                      f"--junitxml={report}", *marked_test_files(copy)], timeout=900)
    if not report.exists():
        raise SystemExit(f"pytest did not run on {copy}:\n{done.stdout}\n{done.stderr}")
    failing, ran = [], 0
    for case in ET.parse(report).getroot().iter("testcase"):
        ran += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failing.append(case.get("name", "?"))
    return done.returncode, failing, ran


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    args = parser.parse_args(argv)
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="baogong-mutation-"))
    try:
        baseline = scratch / "unmutated"
        copy_repository(baseline)
        status, failing, ran = run_tests(baseline)
        if status != 0 or ran == 0:
            print(f"unmutated copy: {ran} tests ran, {len(failing)} failed ({', '.join(failing)})"
                  " - the mutation check needs a passing suite")
            return 1
        print(f"unmutated copy: {ran} reliability tests pass")
        caught = 0
        for number, mutation in enumerate(MUTATIONS):
            copy = scratch / f"mutation-{number}"
            shutil.copytree(baseline, copy, symlinks=True)
            places = mutate(copy, mutation)
            status, failing, ran = run_tests(copy)
            if status == 1 and failing:
                caught += 1
                verdict = (f"caught by {len(failing)} failing test"
                           f"{'s' if len(failing) > 1 else ''} of {ran}")
            else:
                verdict = f"NOT caught: pytest exited {status}, {len(failing)} of {ran} failed"
            print(f"mutation {mutation.name} ({mutation.breaks}, {places} call"
                  f"{'s' if places > 1 else ''}): {verdict}")
            for name in failing:
                print(f"    {name}")
        print(f"mutation check: {caught} of {len(MUTATIONS)} mutations caught "
              f"in {time.monotonic() - started:.0f} s")
        return 0 if caught == len(MUTATIONS) else 1
    finally:
        if args.keep:
            print(f"scratch copies kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
