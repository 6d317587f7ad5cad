"""Remote operation over SSH: two operators log in to a real OpenSSH server and take calls.

The test builds the deployment that the README's "Remote operation over SSH" describes, on loopback:

- system users ``bgop1`` and ``bgop2`` in the group ``hotline``, and ``bgout`` who is not;
- a copy of the demo desk owned by ``root:hotline``, directories ``2770`` (setgid, so new
  files and directories belong to the group), files ``0660``, ``shared_group = true``;
- ``/usr/sbin/sshd`` on a free port of 127.0.0.1 with its own host key and config, keys only,
  and a ``ForceCommand`` wrapper (``umask 007``; the desk app; nothing else) for those accounts;
- ed25519 keys made with ``ssh-keygen``.

Each operator logs in with ``ssh -tt`` inside a tmux session and types a call; the case files
must name them (``created_by`` and the history's operator are their login names) and be
``0660`` in the group. ``bgout`` logs in too and the app cannot open the desk (permission
denied), and cannot read a case file directly either.

The app must run under SSH with this test's interpreter (``sys.executable``) and this checkout
on ``PYTHONPATH``. Those may live under a directory the hotline users cannot enter (``/root`` is
``0700``; a pyenv or CI virtualenv often lives there): the test finds every such directory on
the way to the interpreter, its libraries, the site-packages and the checkout and grants the
three test users *traverse only* (``x``) on it with a POSIX ACL, restored exactly at the end
(``getfacl``/``setfacl --restore``). Nothing else on the machine changes; the users, group,
sshd and tmux sessions are removed afterwards.

Needs root; installs ``openssh-server``, ``openssh-client`` and ``acl`` with apt if missing
(``.ci/run`` installs the first two). Skipped, with the reason, only when not root or when they
truly cannot be installed.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.demo import copy_demo_desk
from tests.osusers import (
    ROOT,
    blocked_directories,
    machine_lock,
    paths_to_reach,
    remove_accounts,
    run,
    run_python_as,
    traverse_granted,
)
from tests.terminal import Terminal

OPERATORS = ("bgop1", "bgop2")
#: the desk's one supervisor (desk.toml ``supervisors``); bgop1 is an operator only
SUPERVISOR = "bgop2"
OUTSIDER = "bgout"
GROUP = "hotline"
USERS = (*OPERATORS, OUTSIDER)
SSHD = "/usr/sbin/sshd"

pytestmark = pytest.mark.slow


def ensure_installed() -> str | None:
    """Install what is missing; returns why the test cannot run, or None."""
    if os.geteuid() != 0:
        return "needs root: it creates system users, a group and runs sshd"
    needed = []
    if not Path(SSHD).exists():
        needed.append("openssh-server")
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        needed.append("openssh-client")
    if shutil.which("setfacl") is None:
        needed.append("acl")
    if shutil.which("tmux") is None:
        needed.append("tmux")
    if needed:
        if shutil.which("apt-get") is None:
            return f"{', '.join(needed)} missing and no apt-get to install them"
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", check=False, env=env)
        result = run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *needed,
                     check=False, env=env)
        if result.returncode != 0:
            return f"cannot install {', '.join(needed)}: {result.stderr.strip()[-300:]}"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def remove_users() -> None:
    remove_accounts(USERS, (GROUP,))


# --- the deployment --------------------------------------------------------------------------


class Deployment:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.desk = base / "desk"
        self.port = free_port()
        self.sshd: subprocess.Popen[bytes] | None = None
        self.sessions: list[str] = []

    def make_users(self) -> None:
        remove_users()
        run("groupadd", GROUP)
        for user in USERS:
            groups = ["-G", GROUP] if user in OPERATORS else []
            run("useradd", "-m", "-s", "/bin/sh", *groups, user)
            run("usermod", "-p", "*", user)  # no password, but not locked: keys only

    def make_desk(self) -> None:
        copy_demo_desk(self.desk)
        settings = self.desk / "desk.toml"
        text = settings.read_text(encoding="utf-8")
        text = re.sub(r"supervisors = \[[^]]*\]", f'supervisors = ["{SUPERVISOR}"]', text)
        text = text.replace("training = true", "training = false")
        settings.write_text(text.replace('locale = "zh_CN"',
                                         'locale = "zh_CN"\nshared_group = true'),
                            encoding="utf-8")
        gid = grp.getgrnam(GROUP).gr_gid
        for path in [self.desk, *self.desk.rglob("*")]:
            os.chown(path, 0, gid)
            os.chmod(path, 0o2770 if path.is_dir() else 0o660)

    def make_keys(self) -> None:
        """A host key, and a key pair per user in their own ``~/.ssh/authorized_keys``."""
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.base / "host_key"))
        for user in USERS:
            key = self.base / f"id_{user}"
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", user, "-f", str(key))
            account = pwd.getpwnam(user)
            ssh_dir = Path(account.pw_dir) / ".ssh"
            ssh_dir.mkdir(mode=0o700, exist_ok=True)
            authorized = ssh_dir / "authorized_keys"
            authorized.write_text(key.with_suffix(".pub").read_text())
            os.chmod(authorized, 0o600)
            for path in (ssh_dir, authorized):
                os.chown(path, account.pw_uid, account.pw_gid)

    def write_wrapper(self) -> Path:
        wrapper = self.base / "hotline-app"
        wrapper.write_text(
            "#!/bin/sh\n"
            "# ForceCommand for hotline accounts: the desk app and nothing else.\n"
            "umask 007\n"
            f"export BAOGONG_DESK={self.desk}\n"
            f"export PYTHONPATH={ROOT}\n"
            "export LANG=C.UTF-8 TEXTUAL_ANIMATIONS=none\n"
            f"exec {sys.executable} -m tui.cli --lang en\n", encoding="utf-8")
        os.chmod(wrapper, 0o755)
        return wrapper

    def start_sshd(self) -> None:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        config = self.base / "sshd_config"
        config.write_text("\n".join([
            f"HostKey {self.base / 'host_key'}",
            f"PidFile {self.base / 'sshd.pid'}",
            "AuthorizedKeysFile .ssh/authorized_keys",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin no",
            "UsePAM no",
            f"AllowUsers {' '.join(USERS)}",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "LogLevel VERBOSE",
            f"Match User {','.join(USERS)}",
            f"    ForceCommand {self.write_wrapper()}",
            "",
        ]), encoding="utf-8")
        check = run(SSHD, "-t", "-f", str(config), check=False)
        assert check.returncode == 0, check.stderr
        self.log = (self.base / "sshd.log").open("wb")
        self.sshd = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config), "-p", str(self.port),
             "-o", "ListenAddress=127.0.0.1"], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError(f"sshd did not start: {(self.base / 'sshd.log').read_text()}")

    def login(self, user: str) -> str:
        """``ssh -tt user@127.0.0.1`` in a new tmux session; returns the session's name."""
        name = f"bg-ssh-{user}-{uuid.uuid4().hex[:6]}"
        ssh = (f"ssh -tt -i {self.base / f'id_{user}'} -p {self.port} -o BatchMode=yes "
               f"-o IdentitiesOnly=yes -o StrictHostKeyChecking=no "
               f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR {user}@127.0.0.1")
        run("tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
            f"env TERM=xterm-256color {ssh}; sleep 60")
        self.sessions.append(name)
        return name

    def log_text(self) -> str:
        path = self.base / "sshd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for name in self.sessions:
            run("tmux", "kill-session", "-t", name, check=False)
        if self.sshd is not None:
            self.sshd.terminate()
            try:
                self.sshd.wait(10)
            except subprocess.TimeoutExpired:
                self.sshd.kill()
                self.sshd.wait()
            self.log.close()


def ssh_terminal(session: str) -> Terminal:
    """A terminal logged in over SSH: slower to answer than a local one."""
    return Terminal(session, timeout=30, key_pause=0.1, type_pause=0.4)


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    reason = ensure_installed()
    if reason:
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="baogong-ssh-", dir="/tmp"))
    os.chmod(base, 0o755)
    deployment = Deployment(base)
    with machine_lock():
        try:
            deployment.make_users()
            with traverse_granted(blocked_directories(paths_to_reach()), USERS):
                deployment.make_desk()
                deployment.make_keys()
                deployment.start_sshd()
                yield deployment
        finally:
            deployment.stop()
            remove_users()
            shutil.rmtree(base, ignore_errors=True)


def other_of(user: str) -> str:
    return "bgop2" if user == "bgop1" else "bgop1"


def take_call(term: Terminal, phone: str, name: str, description: str) -> None:
    term.keys("n")
    term.wait_for("Call time")
    term.type(phone)
    term.keys("Tab")
    term.type(name)
    term.keys("Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Enter")  # community, address: category
    term.wait_for("pinyin initials")
    term.type("tingshui")
    term.keys("Enter")
    term.wait_for("Water outage")
    term.keys("Tab", "Tab", "Tab")  # priority, flags, items: on to the description
    term.type(description)


def saved_case_id(term: Terminal) -> str:
    term.keys("C-s")
    screen = term.wait_for("Read the case number")
    match = re.search(r"(\d{8}) - (\d{4})", screen)
    assert match, screen
    term.keys("Enter")
    return f"{match.group(1)}-{match.group(2)}"


SUPERVISOR_ACTIONS = """
import json, sys
from datetime import date
import core
from core.ledger import Ledgers
from core.levels import Level, set_manual_level
desk = core.open_desk(sys.argv[1])
day = date(2026, 11, 20)
attempts = {
    "level as zhou.min": lambda: set_manual_level(desk, Level.II, reason="排队",
                                                  supervisor="zhou.min"),
    "level": lambda: set_manual_level(desk, Level.II, reason="排队"),
    "close as zhou.min": lambda: Ledgers(desk).close(day, day, signed_by="zhou.min"),
    "close": lambda: Ledgers(desk).close(day, day),
}
outcome = {}
for name, attempt in attempts.items():
    try:
        attempt()
        outcome[name] = "done"
    except PermissionError as exc:
        outcome[name] = type(exc).__name__
print(json.dumps(outcome))
"""


def supervisor_actions(user: str, desk: Path) -> dict[str, str]:
    """What ``user`` gets trying a supervisor's actions, claiming to be ``zhou.min`` too."""
    done = run_python_as(user, SUPERVISOR_ACTIONS, str(desk),
                         env={"LOGNAME": "zhou.min", "USER": "zhou.min"})
    assert done.returncode == 0, done.stderr[-600:]
    outcome: dict[str, str] = json.loads(done.stdout)
    return outcome


def test_operators_over_ssh_write_cases_under_their_own_names_and_outsiders_are_kept_out(
        deployment: Deployment) -> None:
    # one test, not several: the users, group and sshd are machine-wide, so two tests of this
    # module running at once under xdist would trip over each other
    first = ssh_terminal(deployment.login("bgop1"))
    second = ssh_terminal(deployment.login("bgop2"))
    for term, user in ((first, "bgop1"), (second, "bgop2")):
        try:
            screen = term.wait_for("Queue")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nsshd log:\n{deployment.log_text()}") from None
        assert user in screen.splitlines()[0]  # the header shows who is logged in
    # both calls are taken at the same time, interleaved
    take_call(first, "13800001111", "Chen", "no water in building 3 since noon")
    take_call(second, "13800002222", "Zhou", "no water in building 9")
    ids = {"bgop1": saved_case_id(first), "bgop2": saved_case_id(second)}
    assert len(set(ids.values())) == 2
    first.wait_for("Queue")
    first.keys("b")  # the console: bgop1 is no supervisor
    first.wait_for("Supervisors only")
    for term in (first, second):
        term.wait_for("Queue")
        term.keys("C-q")
    gid = grp.getgrnam(GROUP).gr_gid
    for user, case_id in ids.items():
        path = deployment.desk / "cases" / case_id[:4] / case_id[4:6] / case_id[6:8] \
            / f"{case_id}.toml"
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        assert case["created_by"] == user
        assert [e["operator"] for e in case["history"]] == [user]
        info = path.stat()
        assert stat.S_IMODE(info.st_mode) == 0o660, oct(info.st_mode)
        assert info.st_uid == pwd.getpwnam(user).pw_uid and info.st_gid == gid
        day = path.parent
        assert stat.S_IMODE(day.stat().st_mode) & 0o2070 == 0o2070  # setgid, group rwx
        # the colleague can read it; someone outside the group cannot
        other = "bgop2" if user == "bgop1" else "bgop1"
        assert run("runuser", "-u", other, "--", "cat", str(path), check=False).returncode == 0
        refused = run("runuser", "-u", OUTSIDER, "--", "cat", str(path), check=False)
        assert refused.returncode != 0 and "Permission denied" in refused.stderr

    # a colleague acts on the other's case, then the owner again (the lock file the colleague
    # created must not lock the owner out): as the app does, lock, compare-and-swap, rename
    for user, other in (("bgop2", "bgop1"), ("bgop1", "bgop2"), ("bgop1", "bgop1"),
                        ("bgop2", "bgop2")):
        script = (f"import core; d = core.open_desk({str(deployment.desk)!r}); "
                  f"c = d.cases.get({ids[other]!r}); "
                  "d.cases.act(c, core.Action.NOTE, note='colleague')")
        acted = run("runuser", "-u", user, "--", "sh", "-c",
                    f"umask 007; PYTHONPATH={ROOT} {sys.executable} -c \"{script}\"",
                    check=False)
        assert acted.returncode == 0, acted.stderr[-600:]
    for user, case_id in ids.items():
        path = deployment.desk / "cases" / case_id[:4] / case_id[4:6] / case_id[6:8] \
            / f"{case_id}.toml"
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        assert [e["operator"] for e in case["history"]] == [user, other_of(user), user]
        assert stat.S_IMODE(path.stat().st_mode) == 0o660

    # an operator cannot set a level or sign a period off, not even by giving a supervisor's
    # name (LOGNAME, USER, an argument); the supervisor can, and it is recorded under their login
    refused = supervisor_actions("bgop1", deployment.desk)
    assert refused == {"level as zhou.min": "NotTheOperator", "level": "NotASupervisor",
                       "close as zhou.min": "NotTheOperator", "close": "NotASupervisor"}
    assert supervisor_actions(SUPERVISOR, deployment.desk) == {
        "level as zhou.min": "NotTheOperator", "level": "done",
        "close as zhou.min": "NotTheOperator", "close": "done"}
    decisions = list((deployment.desk / "levels" / "decisions").glob("*.toml"))
    assert [tomllib.loads(p.read_text(encoding="utf-8"))["supervisor"] for p in decisions] \
        == [SUPERVISOR]
    close = deployment.desk / "ledgers" / "periods" / "2026-11-20--2026-11-20.toml"
    assert tomllib.loads(close.read_text(encoding="utf-8"))["signed_by"] == SUPERVISOR
    for path in (*decisions, close):
        assert path.stat().st_uid == pwd.getpwnam(SUPERVISOR).pw_uid
        assert stat.S_IMODE(path.stat().st_mode) == 0o660

    # an account outside the desk's group logs in: the app cannot open the desk
    outsider = ssh_terminal(deployment.login(OUTSIDER))
    screen = outsider.wait_for("cannot open the desk")
    assert "Permission denied" in screen
    listing = run("runuser", "-u", OUTSIDER, "--", "ls", str(deployment.desk), check=False)
    assert listing.returncode != 0 and "Permission denied" in listing.stderr
