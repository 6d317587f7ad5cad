"""Real system accounts for the tests that need them (the SSH deployment, the shared desk).

Such a test runs as root: it creates users and groups with ``useradd``/``groupadd``, lets them
traverse to this interpreter and checkout with a POSIX ACL (restored exactly afterwards) and
removes the accounts at the end. :func:`machine_lock` keeps two such tests from running at the
same time under xdist: they change machine-wide state (the ACLs on the way to the interpreter).
"""

from __future__ import annotations

import contextlib
import fcntl
import grp
import os
import pwd
import re
import shlex
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str, check: bool = True, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=check, capture_output=True, text=True,
                          **options)  # type: ignore[call-overload,no-any-return]


@contextlib.contextmanager
def machine_lock() -> Iterator[None]:
    """Hold the lock every test that creates accounts or changes ACLs takes."""
    with open("/tmp/baogong-test-accounts.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_accounts(users: Iterable[str], groups: Iterable[str]) -> None:
    for user in users:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(user)
            run("pkill", "-KILL", "-u", user, check=False)
            run("userdel", "-r", "-f", user, check=False)
    for group in groups:
        with contextlib.suppress(KeyError):
            grp.getgrnam(group)
            run("groupdel", group, check=False)


def paths_to_reach() -> set[Path]:
    paths = {ROOT, Path(sys.executable), Path(os.path.realpath(sys.executable)),
             Path(sys.prefix), Path(sys.base_prefix)}
    paths |= {Path(p) for p in sys.path if p and Path(p).exists()}
    return paths


def blocked_directories(paths: set[Path]) -> list[Path]:
    """Every directory on the way to ``paths`` that others may not enter."""
    blocked: set[Path] = set()
    for path in paths:
        for directory in [*reversed(path.parents), path] if path.is_dir() else path.parents:
            mode = directory.stat().st_mode
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
                blocked.add(directory)
    return sorted(blocked)


@contextlib.contextmanager
def traverse_granted(directories: list[Path], users: Iterable[str]) -> Iterator[None]:
    """Let ``users`` enter (not list) ``directories``; their ACLs are restored after."""
    saved = {d: run("getfacl", "-p", "--absolute-names", str(d)).stdout for d in directories}
    try:
        for directory in directories:
            for user in users:
                run("setfacl", "-m", f"u:{user}:x", str(directory))
        yield
    finally:
        for directory, acl in saved.items():
            subprocess.run(["setfacl", "--restore=-"], input=acl, text=True, check=False,
                           capture_output=True)
            had_named_entries = re.search(r"^(user|group):[^:]+:", acl, re.M) is not None
            if not had_named_entries:  # drop the mask entry the grant added
                subprocess.run(["setfacl", "-b", str(directory)], check=False,
                               capture_output=True)


def run_python_as(user: str, code: str, *args: str, umask: str = "007",
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (with ``args`` in ``sys.argv[1:]``) with this interpreter and checkout as
    ``user`` under ``umask``, with ``env`` added to the environment."""
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in (env or {}).items())
    return run("runuser", "-u", user, "--", "sh", "-c",
               f"umask {umask}; {exports} PYTHONPATH={ROOT} exec {sys.executable} "
               '-c "$0" "$@"', code, *args, check=False, timeout=120)
