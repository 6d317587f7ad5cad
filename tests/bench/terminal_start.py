"""Start-up as an operator lives it: a command typed into a real terminal, to a queue that
answers a key.

A tmux session of the given size runs a shell; the clock starts when the command line is
entered (imports, opening the desk and the first paint all count) and stops when the screen
shows what the app must show, read with ``tmux capture-pane`` every few milliseconds. As soon as
the first mark is on screen, ``/`` and a few letters are sent: the app is interactive when they
show (typed again every 0.1 s while they do not: a Textual app can drop keys that arrive while
it is still mounting its first screen). Every app measured pays the same polling and tmux.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import statistics
import subprocess
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import attrs

TMUX = shutil.which("tmux")
#: what is typed once the app is painted, echoed by every app: digits, a phone number being
#: searched (a word of Latin letters would also measure the first pinyin lookup, which loads
#: pypinyin: about 0.3 s of CPU, on the queue's worker thread)
PROBE = "4739"
POLL = 0.005
#: the probe is typed again after this long without an echo
RESEND = 0.1


@attrs.frozen
class Start:
    painted: float  # command entered -> the mark on screen
    interactive: float  # command entered -> the keys sent at the first paint are on screen
    #: CPU seconds the app's process had used by then: what a loaded machine does not inflate
    cpu_painted: float
    cpu_interactive: float


def _cpu(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far (Linux ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tmux(socket: str, *args: str) -> str:
    return subprocess.run([TMUX or "tmux", "-L", socket, *args], check=True,
                          capture_output=True, text=True).stdout


def _wait(socket: str, mark: re.Pattern[str], timeout: float) -> str:
    deadline = time.perf_counter() + timeout
    screen = ""
    while time.perf_counter() < deadline:
        screen = _tmux(socket, "capture-pane", "-p")
        if mark.search(screen):
            return screen
        time.sleep(POLL)
    raise RuntimeError(f"{mark.pattern!r} did not appear; the screen shows:\n{screen}")


def start_once(command: Sequence[str], mark: str, *, env: dict[str, str], cwd: Path,
               size: tuple[int, int] = (80, 24), timeout: float = 120) -> Start:
    """Type ``command`` into a fresh shell in tmux; time the first screen matching ``mark``
    (a regular expression) and then the echo of :data:`PROBE` typed into the app."""
    # a server of its own: other tmux users on the machine are neither seen nor disturbed
    socket = f"baogong-bench-{uuid.uuid4().hex[:8]}"
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    ready = f"ready-{uuid.uuid4().hex[:6]}"
    _tmux(socket, "new-session", "-d", "-x", str(size[0]), "-y", str(size[1]),
          "-c", str(cwd), f"env -i {exports} PS1='$ ' sh")
    try:
        _tmux(socket, "send-keys", f"echo '{ready[:3]}''{ready[3:]}'", "Enter")
        _wait(socket, re.compile(ready), 10)
        _tmux(socket, "send-keys", "clear", "Enter")
        _wait(socket, re.compile(r"\A\$ *\n"), 10)
        line = " ".join(shlex.quote(part) for part in command)
        _tmux(socket, "send-keys", "-l", f"exec {line}")
        started = time.perf_counter()
        _tmux(socket, "send-keys", "Enter")
        _wait(socket, re.compile(mark), timeout)
        painted = time.perf_counter() - started
        # the shell exec'd the app: the pane's process is the app
        pid = int(_tmux(socket, "display-message", "-p", "#{pane_pid}").strip())
        cpu_painted = _cpu(pid)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            _tmux(socket, "send-keys", "/")
            _tmux(socket, "send-keys", "-l", PROBE)
            try:
                _wait(socket, re.compile(PROBE), RESEND)
            except RuntimeError:
                continue  # keys lost while the app was still starting: an operator types again
            interactive = time.perf_counter() - started
            return Start(painted, interactive, cpu_painted, _cpu(pid))
        raise RuntimeError(f"{PROBE!r} typed into the app never showed")
    finally:
        subprocess.run([TMUX or "tmux", "-L", socket, "kill-server"], capture_output=True)


def median(starts: Sequence[Start]) -> Start:
    return Start(*(statistics.median(getattr(s, field.name) for s in starts)
                   for field in attrs.fields(Start)))
