"""Replicas of one desk on this machine, syncing through a bare repository (the tests' sites)."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import core
from core.cases.case import Case
from core.deskinit import init_desk
from core.identity import os_account
from core.replica.casemerge import event_id
from core.replica.git import SyncResult, clone, driver_command, make_repository, sync_desk

ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 30, tzinfo=ZONE)


def bare(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    return path


def start(root: Path, hub: Path, site: str = "HX") -> Path:
    """A new (training) desk at ``root`` with ``site``, pushed to the bare ``hub``."""
    init_desk(root, name="测试热线台", site=site)
    settings = root / "desk.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("training = false", "training = true", 1),
                        encoding="utf-8")
    make_repository(root, driver=driver_command(), operator=os_account())
    assert sync(root, str(hub)).ok
    return root


def replica(hub: str | Path, root: Path, site: str) -> Path:
    return clone(str(hub), root, site=site, driver=driver_command())


def sync(root: Path, remote: str | None = None) -> SyncResult:
    desk = core.open_desk(root)
    try:
        return sync_desk(desk, remote)
    finally:
        desk.cases.index.close()


def case_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "cases").rglob("*.toml"))}


def events(root: Path) -> set[tuple[str, str]]:
    """(case id, event id) of every event of every case at ``root``."""
    desk = core.open_desk(root)
    try:
        return {(case.id, event_id(e)) for case in desk.cases for e in case.history}
    finally:
        desk.cases.index.close()


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def open_case(root: Path, case_id: str) -> tuple[core.Desk, Case]:
    desk = core.open_desk(root)
    return desk, desk.cases.get(case_id)
