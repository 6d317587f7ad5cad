"""``baogong --record`` in a real terminal (tmux): the recording replays to the same case file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from core.demo import copy_demo_desk
from tui.cli import main
from tui.recording import load_recording

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)"),
]


def tmux(*args: str) -> str:
    return subprocess.run([TMUX or "tmux", *args], check=True, capture_output=True,
                          text=True).stdout


def wait_for(session: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} did not appear; the screen shows:\n{screen}")


def test_a_session_recorded_in_a_terminal_replays_to_the_same_case(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desk = copy_demo_desk(tmp_path / "desk")
    pristine = tmp_path / "pristine"
    shutil.copytree(desk, pristine)
    record = tmp_path / "call.toml"
    session = f"baogong-record-{uuid.uuid4().hex[:8]}"
    command = (f"cd {ROOT} && env PYTHONPATH={ROOT} TERM=xterm-256color LANG=C.UTF-8 "
               f"{sys.executable} -m tui.cli --desk {desk} --lang en --operator rec.op "
               f"--record {record}; sleep 30")
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    try:
        def keys(*names: str) -> None:
            for name in names:
                tmux("send-keys", "-t", session, name)
                time.sleep(0.15)

        def type_(text: str) -> None:
            tmux("send-keys", "-t", session, "-l", text)
            time.sleep(0.4)

        wait_for(session, "Queue")
        keys("n")
        wait_for(session, "Call time")
        type_("13800000022")  # the demo desk household of 武建国
        wait_for(session, "Registered household")
        keys(*["Tab"] * 7, "Enter")  # past name, community and address to the category
        wait_for(session, "pinyin initials")
        type_("dgdb")
        keys("Enter")
        wait_for(session, "Request /")
        keys("F12", "Tab", "Tab", "Enter")  # past priority and flags to the items
        wait_for(session, "Add an item")
        type_("rice-5kg")
        keys("Enter")
        wait_for(session, "quantity")
        keys("Enter", "Tab")
        type_("needs rice 需要米")
        keys("C-s")
        screen = wait_for(session, "Read the case number")
        keys("Enter")
        wait_for(session, "Queue")
        keys("C-q")
        deadline = time.monotonic() + 10
        while not record.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True)
    assert record.exists(), screen
    recording = load_recording(record)
    assert recording.session.operator == "rec.op" and len(recording.checkpoints) == 1
    assert oct(record.stat().st_mode & 0o777) == "0o600"
    written = sorted((desk / "cases").rglob("*.toml"))
    new = [p for p in written if not (pristine / p.relative_to(desk)).exists()]
    assert len(new) == 1
    kept = tmp_path / "replayed"
    assert main(["--desk", str(pristine), "replay", str(record), "--keep", str(kept)]) == 0
    assert f"case {new[0].stem}" in capsys.readouterr().out
    assert (kept / new[0].relative_to(desk)).read_bytes() == new[0].read_bytes()
