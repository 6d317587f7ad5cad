"""Following the district desks: read-only git clones under the city desk, and what the city
last knew of each district.

A district followed by git (``git = URL`` in ``city.toml``) is cloned into
``districts/<code>/`` below the city desk with the ``git`` command line, and fetched again on
demand; its working tree is then set to what the remote's HEAD holds (``git reset --hard``), so
the clone is only ever what the district published: the city never commits to it. A first clone
is made beside its final name and renamed into place when it is whole, so an interrupted clone
never leaves a half clone that looks like a district. The case index and other derived state a
reader makes in the clone are kept out of git (``.git/info/exclude``). A district given by
``path`` is read in place.

What the city last knew of each district (``.city/<code>.toml``): when it was last fetched and
at which commit, when it was last read whole by the board, and the last failure, so a district
that cannot be fetched or opened is shown with the time of its last good state. Each is
rewritten atomically under the district's lock in ``.city/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from core.city.config import CityDistrict
from core.storage.atomic import (
    PRIVATE_FILE_MODE,
    directory_mode,
    exclusive_lock,
    make_directories,
    write_atomic,
)
from core.storage.tomlio import dumps, read_toml

#: the read-only clones of the districts followed by git, below the city desk
CLONES_DIR = "districts"
#: what the city last knew of each district, below the city desk
STATE_DIR = ".city"
#: derived and local state a reader of a district desk makes, never part of the district's files
EXCLUDED = (".index/", ".locks/", ".drafts/", ".*.tmp")
#: the longest one git command may take, seconds (a district on a poor link must not hang the
#: city: it is shown as not fetched)
GIT_TIMEOUT = 600.0


@attrs.frozen
class FollowState:
    """What the city last knew of a district."""

    fetched: datetime | None = None  # the last successful fetch (or clone)
    commit: str = ""  # the commit it brought
    fetch_failed: datetime | None = None  # a fetch failed after the last good one: when
    fetch_error: str = ""  # and why
    opened: datetime | None = None  # the last time the district was read whole
    read_failed: datetime | None = None  # it could not be read after that: when
    read_error: str = ""  # and why

    @property
    def last_good(self) -> datetime | None:
        """The latest moment the city had a good copy of the district."""
        known = [t for t in (self.fetched, self.opened) if t is not None]
        return max(known) if known else None


@attrs.frozen
class Fetched:
    """The outcome of fetching one district."""

    code: str
    ok: bool
    commit: str = ""
    error: str = ""
    cloned: bool = False  # the first clone, rather than a fetch into an existing one


def district_root(city_root: Path, district: CityDistrict) -> Path:
    """Where the city reads ``district``'s desk: its clone, or its own directory."""
    if district.followed_by_git:
        return city_root / CLONES_DIR / district.code
    return (city_root / district.path).resolve()


def state_path(city_root: Path, code: str) -> Path:
    return city_root / STATE_DIR / f"{code}.toml"


def read_state(city_root: Path, code: str) -> FollowState:
    """What the city last knew of district ``code`` (nothing, for a missing or unreadable
    record: it is the city's own derived state, rebuilt by the next fetch or board)."""
    path = state_path(city_root, code)
    if not path.exists():
        return FollowState()
    data, _text, problems = read_toml(path)
    if data is None or problems:
        return FollowState()

    def moment(key: str) -> datetime | None:
        value = data.get(key)
        return value if isinstance(value, datetime) else None

    return FollowState(fetched=moment("fetched"), commit=str(data.get("commit", "")),
                       fetch_failed=moment("fetch_failed"),
                       fetch_error=str(data.get("fetch_error", "")),
                       opened=moment("opened"), read_failed=moment("read_failed"),
                       read_error=str(data.get("read_error", "")))


def update_state(city_root: Path, code: str, change: Callable[[FollowState], FollowState], *,
                 mode: int = PRIVATE_FILE_MODE) -> FollowState:
    """Apply ``change`` to district ``code``'s record under its lock and write it atomically."""
    directory = city_root / STATE_DIR
    make_directories(directory, mode=mode)
    with exclusive_lock(directory / f"{code}.lock", mode=mode):
        state = change(read_state(city_root, code))
        data: dict[str, Any] = {key: value for key, value in attrs.asdict(state).items()
                                if value not in (None, "")}
        write_atomic(state_path(city_root, code), dumps(data).encode("utf-8"), mode=mode)
    return state


def _git(args: Sequence[str], cwd: Path | None = None, timeout: float = GIT_TIMEOUT,
         mode: int = PRIVATE_FILE_MODE) -> str:
    """Run ``git ARGS``; its output, or :class:`GitFailed` with git's own words (its first
    ``fatal:`` or ``error:`` line, else its last). The files
    git writes get no more access than the city desk's ``mode`` allows (case files hold
    personal data)."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, check=False, stdin=subprocess.DEVNULL,
                              umask=0o777 & ~directory_mode(mode))
    except FileNotFoundError:
        raise GitFailed("git is not installed (apt-get install git)") from None
    except subprocess.TimeoutExpired:
        raise GitFailed(f"git {args[0]} took longer than {timeout:g} s") from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        said = [line for line in lines if line.startswith(("fatal:", "error:"))] or lines[-1:]
        raise GitFailed(said[0] if said else f"git {args[0]} failed ({done.returncode})")
    return done.stdout


class GitFailed(Exception):
    """A git command failed; the message is git's."""


def fetch_district(city_root: Path, district: CityDistrict, now: datetime, *,
                   mode: int = PRIVATE_FILE_MODE, timeout: float = GIT_TIMEOUT) -> Fetched:
    """Clone or fetch ``district`` (followed by git) and record the outcome; never raises for
    a district that cannot be reached: the outcome says why."""
    target = district_root(city_root, district)
    cloned = not (target / ".git").is_dir()
    try:
        if cloned:
            _clone(district.git, target, mode, timeout, city_root)
        else:
            _git(["fetch", "--quiet", "origin", "HEAD"], cwd=target, timeout=timeout, mode=mode)
            _git(["reset", "--quiet", "--hard", "FETCH_HEAD"], cwd=target, timeout=timeout,
                 mode=mode)
        commit = _git(["rev-parse", "HEAD"], cwd=target, timeout=timeout).strip()
    except (GitFailed, OSError) as exc:
        message = str(exc)
        update_state(city_root, district.code,
                     lambda s: attrs.evolve(s, fetch_failed=now, fetch_error=message),
                     mode=mode)
        return Fetched(district.code, False, error=message, cloned=cloned)
    update_state(city_root, district.code,
                 lambda s: attrs.evolve(s, fetched=now, commit=commit, fetch_failed=None,
                                       fetch_error=""),
                 mode=mode)
    return Fetched(district.code, True, commit=commit, cloned=cloned)


def _clone(url: str, target: Path, mode: int, timeout: float, city_root: Path) -> None:
    parent = target.parent
    make_directories(parent, mode=mode)
    partial = parent / f".{target.name}.clone-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        # a relative remote path is taken from the city desk, as a relative ``path`` is
        _git(["clone", "--quiet", "--", url, str(partial)], cwd=city_root, timeout=timeout,
             mode=mode)
        try:
            _git(["rev-parse", "--verify", "--quiet", "HEAD"], cwd=partial, timeout=timeout)
        except GitFailed:
            raise GitFailed("the district's repository has no commits yet") from None
        exclude = partial / ".git" / "info" / "exclude"
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with exclude.open("a", encoding="utf-8") as handle:
            handle.write("# derived state of readers of this clone (baogong city)\n")
            handle.write("".join(f"{pattern}\n" for pattern in EXCLUDED))
        os.chmod(partial, directory_mode(mode))
        os.rename(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def fetch_all(city_root: Path, districts: Sequence[CityDistrict], now: datetime, *,
              mode: int = PRIVATE_FILE_MODE, workers: int = 4,
              timeout: float = GIT_TIMEOUT) -> list[Fetched]:
    """Fetch every district followed by git, ``workers`` at a time (git does the work in its
    own processes); the outcomes in ``districts``' order."""
    followed = [d for d in districts if d.followed_by_git]
    if not followed:
        return []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(
            lambda d: fetch_district(city_root, d, now, mode=mode, timeout=timeout), followed))


__all__ = ["CLONES_DIR", "EXCLUDED", "STATE_DIR", "Fetched", "FollowState", "GitFailed",
           "district_root", "fetch_all", "fetch_district", "read_state", "update_state"]
