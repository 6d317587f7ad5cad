"""A desk shared by a group, worked by real accounts with different umasks (issue 14, items 4-5).

Users ``bgsh1`` (umask 022, the usual default) and ``bgsh2`` (umask 007) are operators in the
group ``bgshare`` that owns the desk; ``bglead`` (umask 077) is also in ``bgleads``, the desk's
``supervisor_group``. Each creates cases on a day nobody has written yet (so they create the day's
directory), updates the other's cases, writes a ledger batch and a draft; whoever comes second must
be able to write into what the first created. Every file and directory the app made must have the
desk's mode (``0660``, ``2770``). Then identity: ``LOGNAME``/``USER``/``--operator`` claiming a
supervisor change nothing; an operator cannot set a level or sign a period off; the group's member
can, under their own name.

Needs root (it creates the accounts with ``useradd`` and removes them after); skipped otherwise.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import stat
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.demo import copy_demo_desk
from core.storage.atomic import not_shared
from tests.osusers import (
    blocked_directories,
    machine_lock,
    paths_to_reach,
    remove_accounts,
    run,
    run_python_as,
    traverse_granted,
)

GROUP = "bgshare"
LEADS = "bgleads"
UMASKS = {"bgsh1": "022", "bgsh2": "007", "bglead": "077"}
USERS = tuple(UMASKS)

pytestmark = pytest.mark.slow

#: as one user: create a case on a fresh day, update the given cases, write a batch and a draft
WORK = """
import json, sys
from datetime import datetime
from zoneinfo import ZoneInfo
import core
import core.identity
from core import ledger as L
from tui.drafts import Draft, DraftStore
desk = core.open_desk(sys.argv[1])
now = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
made = desk.cases.create(core.Category.RUMOUR, created=now, description="谣言")
for case_id in sys.argv[2:]:
    desk.cases.act(desk.cases.get(case_id), core.Action.NOTE, note="同事跟进")
L.Ledgers(desk).append([L.draft(L.StockReceipt, time=now, store="depot", item="mask-kn95-10",
                                quantity=1, source=L.Source.DONATION, donor="x", keeper="k")],
                       recorded=now)
DraftStore(desk.root, made.created_by, mode=desk.file_mode).save(
    Draft("d-" + made.id, {"phone": "1"}), now)
print(json.dumps({"id": made.id, "by": made.created_by}))
"""

#: as one user, claiming to be ``zhou.min``: what each supervisor's action gives
SUPERVISOR_ACTIONS = """
import json, sys
from datetime import date
import core
import core.identity
from core.ledger import Ledgers
from core.levels import Level, set_manual_level
desk = core.open_desk(sys.argv[1])
day = date(2026, 11, 30)
attempts = {
    "case as zhou.min": lambda: desk.cases.create(core.Category.RUMOUR, operator="zhou.min"),
    "level as zhou.min": lambda: set_manual_level(desk, Level.II, reason="排队",
                                                  supervisor="zhou.min"),
    "level": lambda: set_manual_level(desk, Level.II, reason="排队"),
    "close as zhou.min": lambda: Ledgers(desk).close(day, day, signed_by="zhou.min"),
    "close": lambda: Ledgers(desk).close(day, day),
}
outcome = {"operator": core.identity.os_account()}
for name, attempt in attempts.items():
    try:
        attempt()
        outcome[name] = "done"
    except PermissionError as exc:
        outcome[name] = type(exc).__name__
print(json.dumps(outcome))
"""


@pytest.fixture(scope="module")
def desk() -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("needs root: it creates system users and groups")
    if shutil.which("runuser") is None or shutil.which("useradd") is None:
        pytest.skip("needs runuser and useradd")
    blocked = blocked_directories(paths_to_reach())
    if blocked and shutil.which("setfacl") is None:
        pytest.skip(f"needs setfacl to let the test users reach {blocked[0]}")
    base = Path(tempfile.mkdtemp(prefix="baogong-shared-", dir="/tmp"))
    os.chmod(base, 0o755)
    with machine_lock():
        try:
            remove_accounts(USERS, (GROUP, LEADS))
            run("groupadd", GROUP)
            run("groupadd", LEADS)
            for user in USERS:
                groups = f"{GROUP},{LEADS}" if user == "bglead" else GROUP
                run("useradd", "-M", "-s", "/bin/sh", "-G", groups, user)
            root = copy_demo_desk(base / "desk")
            settings = root / "desk.toml"
            settings.write_text(settings.read_text(encoding="utf-8").replace(
                "training = true", f'training = false\nshared_group = true\n'
                f'supervisor_group = "{LEADS}"'), encoding="utf-8")
            gid = grp.getgrnam(GROUP).gr_gid
            for path in [root, *root.rglob("*")]:
                os.chown(path, 0, gid)
                os.chmod(path, 0o2770 if path.is_dir() else 0o660)
            with traverse_granted(blocked, USERS):
                yield root
        finally:
            remove_accounts(USERS, (GROUP, LEADS))
            shutil.rmtree(base, ignore_errors=True)


def work_as(user: str, desk: Path, *case_ids: str) -> dict[str, str]:
    done = run_python_as(user, WORK, str(desk), *case_ids, umask=UMASKS[user])
    assert done.returncode == 0, f"{user} (umask {UMASKS[user]}): {done.stderr[-800:]}"
    result: dict[str, str] = json.loads(done.stdout)
    return result


def test_colleagues_with_any_umask_keep_working_on_each_others_cases(desk: Path) -> None:
    before = {p for p in desk.rglob("*")}
    first = work_as("bgsh1", desk)  # umask 022: makes the day directory, .locks, .index...
    second = work_as("bgsh2", desk, first["id"])
    third = work_as("bglead", desk, first["id"], second["id"])  # umask 077
    work_as("bgsh1", desk, second["id"], third["id"])
    assert [first["by"], second["by"], third["by"]] == ["bgsh1", "bgsh2", "bglead"]
    history = tomllib.loads(next(desk.glob(f"cases/*/*/*/{first['id']}.toml"))
                            .read_text(encoding="utf-8"))["history"]
    assert [e["operator"] for e in history] == ["bgsh1", "bgsh2", "bglead"]

    gid = grp.getgrnam(GROUP).gr_gid
    made = sorted(p for p in desk.rglob("*") if p not in before)
    assert any(p.name.endswith(".lock") for p in made)
    assert any(p.name == "cases.sqlite3" for p in made)
    wrong = {}
    for path in made:
        info = path.lstat()
        wanted = 0o2770 if stat.S_ISDIR(info.st_mode) else 0o660
        if stat.S_IMODE(info.st_mode) != wanted or info.st_gid != gid:
            wrong[str(path.relative_to(desk))] = (oct(stat.S_IMODE(info.st_mode)), info.st_gid)
    assert wrong == {}
    assert not_shared(desk) == []  # what baogong check reports on a shared desk


def test_identity_is_the_account_and_only_supervisors_act_as_supervisors(desk: Path) -> None:
    spoof = {"LOGNAME": "zhou.min", "USER": "zhou.min"}
    operator = run_python_as("bgsh1", SUPERVISOR_ACTIONS, str(desk), env=spoof)
    assert operator.returncode == 0, operator.stderr[-800:]
    assert json.loads(operator.stdout) == {
        "operator": "bgsh1", "case as zhou.min": "NotTheOperator",
        "level as zhou.min": "NotTheOperator", "level": "NotASupervisor",
        "close as zhou.min": "NotTheOperator", "close": "NotASupervisor"}
    assert not (desk / "levels" / "decisions").exists()

    # the member of the supervisor group acts, under their own name
    lead = run_python_as("bglead", SUPERVISOR_ACTIONS, str(desk), env=spoof, umask="077")
    assert lead.returncode == 0, lead.stderr[-800:]
    assert json.loads(lead.stdout) == {
        "operator": "bglead", "case as zhou.min": "NotTheOperator",
        "level as zhou.min": "NotTheOperator", "level": "done",
        "close as zhou.min": "NotTheOperator", "close": "done"}
    (decision,) = (desk / "levels" / "decisions").glob("*.toml")
    assert tomllib.loads(decision.read_text(encoding="utf-8"))["supervisor"] == "bglead"
    close = desk / "ledgers" / "periods" / "2026-11-30--2026-11-30.toml"
    assert tomllib.loads(close.read_text(encoding="utf-8"))["signed_by"] == "bglead"
    for path in (decision, close):
        assert path.stat().st_uid == pwd.getpwnam("bglead").pw_uid
        assert stat.S_IMODE(path.stat().st_mode) == 0o660

    # the app: --operator naming someone else is refused before anything opens
    app = run_python_as("bgsh1", "import sys; from tui.cli import main; sys.exit(main())",
                        "--desk", str(desk), "--operator", "zhou.min", env=spoof)
    assert app.returncode == 2, app.stderr
    assert "'bgsh1' and cannot act as 'zhou.min'" in app.stderr
