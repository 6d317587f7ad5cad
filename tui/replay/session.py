"""The desk a session runs on: its identity (fingerprint), the files a replay produced,
and the session's clock and case UUIDs.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from core.storage.deskfiles import read_or_problem
from tui.recording import DeskIdentity, SessionInfo

if TYPE_CHECKING:
    from core.desk import Desk

#: what a desk's fingerprint covers: settings, reference data, cases and handover reports
FINGERPRINT_FILES = ("desk.toml", "departments.toml", "communities.toml", "supermarkets.toml",
                     "catalogue.toml", "households.toml")
FINGERPRINT_DIRS = ("cases", "handovers")
#: derived or private directories a replay never reports
IGNORED_DIRS = frozenset({".index", ".locks", ".drafts"})


def _fingerprint_paths(root: Path) -> Iterator[Path]:
    for name in FINGERPRINT_FILES:
        if (root / name).is_file():
            yield root / name
    for directory in FINGERPRINT_DIRS:
        if (root / directory).is_dir():
            yield from sorted(p for p in (root / directory).rglob("*")
                              if p.is_file() and not p.name.startswith("."))


def desk_fingerprint(root: Path) -> str:
    """A hash of what the app reads from a desk: settings, reference data, cases, handovers."""
    digest = hashlib.sha256()
    for path in _fingerprint_paths(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        data, problem = read_or_problem(path)
        content = data if data is not None else (problem.message if problem else "").encode()
        digest.update(hashlib.sha256(content).digest())
    return f"sha256:{digest.hexdigest()}"


def desk_identity(root: Path, source: str) -> DeskIdentity:
    cases = sum(1 for p in (root / "cases").rglob("*.toml") if not p.name.startswith(".")) \
        if (root / "cases").is_dir() else 0
    return DeskIdentity(source, desk_fingerprint(root), cases)


def snapshot_files(root: Path) -> dict[str, bytes]:
    """Every file of a desk but the derived and private ones, by relative path."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in IGNORED_DIRS or not path.is_file() or path.name.endswith(".tmp"):
            continue
        data, _problem = read_or_problem(path)
        if data is not None:  # a link or an oversized file is not part of the desk
            files[relative.as_posix()] = data
    return files


def produced_files(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, bytes]:
    """Files created or changed between two snapshots."""
    return {name: data for name, data in after.items() if before.get(name) != data}


# --- clock and ids ----------------------------------------------------------------------------


class KeyClock:
    """The desk's clock during a recorded session: start + whole seconds at the last key."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.offset = 0.0

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=int(self.offset))


def uid_factory(seed: int) -> Callable[[], str]:
    """Version-4 UUIDs drawn from a seeded generator: the same seed, the same UUIDs."""
    rng = random.Random(seed)

    def make() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    return make


def prepare_desk(desk_root: Path, session: SessionInfo, clock: KeyClock | None = None
                 ) -> tuple[Desk, KeyClock]:
    """Open the desk with the session's clock (``clock``, else a new one) and UUIDs."""
    from core.desk import Desk

    clock = clock or KeyClock(session.start)
    return Desk.open(desk_root, clock=clock, uid_factory=uid_factory(session.uid_seed)), clock
