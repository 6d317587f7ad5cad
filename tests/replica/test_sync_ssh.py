"""Sync over SSH: a replica clones, pushes and pulls a desk through a real OpenSSH server.

``/usr/sbin/sshd`` runs on a free port of 127.0.0.1 with its own host key and a key made for
this test (keys only, this account only); the hub is a bare repository reached as
``ssh://USER@127.0.0.1:PORT/...``, as a district's desk reaches its city's server. Needs root
(sshd) and OpenSSH, which ``.ci/run`` installs; skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import core
from core.cases.case import Action, Category
from core.identity import os_account
from tests.replica.sites import at, bare, case_files, events, open_case, replica, start, sync

pytestmark = pytest.mark.slow
SSHD = "/usr/sbin/sshd"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def ssh_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    if os.geteuid() != 0:
        pytest.skip("needs root to run sshd")
    if not Path(SSHD).exists() or shutil.which("ssh-keygen") is None:
        pytest.skip("OpenSSH is not installed (.ci/run installs it)")
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    for name in ("host_key", "id_user"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)],
                       check=True)
    shutil.copy(keys / "id_user.pub", keys / "authorized_keys")
    port = _free_port()
    config = keys / "sshd_config"
    config.write_text("\n".join([
        f"HostKey {keys / 'host_key'}", f"PidFile {keys / 'sshd.pid'}",
        f"AuthorizedKeysFile {keys / 'authorized_keys'}", "StrictModes no",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "UsePAM no", "UseDNS no",
        f"AllowUsers {os_account()}", "X11Forwarding no", "AllowTcpForwarding no", ""]),
        encoding="utf-8")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    log = (keys / "sshd.log").open("wb")
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config), "-p", str(port),
                               "-o", "ListenAddress=127.0.0.1"], stdout=log,
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while True:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert time.monotonic() < deadline, (keys / "sshd.log").read_text()
        time.sleep(0.1)
    monkeypatch.setenv("GIT_SSH_COMMAND", (
        f"ssh -i {keys / 'id_user'} -o BatchMode=yes -o IdentitiesOnly=yes "
        f"-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "
        f"-o GSSAPIAuthentication=no"))
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_two_sites_sync_through_an_ssh_server(tmp_path: Path, ssh_server: int) -> None:
    hub = bare(tmp_path / "hub.git")
    url = f"ssh://{os_account()}@127.0.0.1:{ssh_server}{hub}"
    hx = start(tmp_path / "hx", hub)
    desk = core.open_desk(hx)
    first = desk.cases.create(Category.GROCERIES, operator="wang", created=at(0))
    desk.cases.index.close()
    assert sync(hx).ok
    xc = replica(url, tmp_path / "xc", "XC")
    desk, case = open_case(xc, first.id)
    desk.cases.act(case, Action.NOTE, operator="li", note="已上门", time=at(5))
    desk.cases.create(Category.GROCERIES, operator="li", created=at(6))
    desk.cases.index.close()
    desk, case = open_case(hx, first.id)
    desk.cases.act(case, Action.DISPATCH, operator="wang", department="commerce", time=at(7))
    desk.cases.index.close()
    written = events(hx) | events(xc)
    for root in (xc, hx, xc):
        result = sync(root)
        assert result.ok, result
    assert case_files(hx) == case_files(xc)
    assert written <= events(hx)
    remote = subprocess.run(["git", "-C", str(xc), "remote", "get-url", "origin"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert remote == url  # the replica really went over SSH
