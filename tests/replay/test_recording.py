"""The recording machinery on its own: format, clock, ids, masking, and a tiny app recorded live."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input

from core.demo import demo_desk_path
from core.problems import DeskError
from tests.replay.conftest import SESSIONS
from tui.cli import main
from tui.commands import replay as replay_command
from tui.recording import (
    CHECKPOINT_KEY,
    Checkpoint,
    DeskIdentity,
    KeyPress,
    Recording,
    SessionInfo,
    dumps_recording,
    load_recording,
    loads_recording,
)
from tui.replay.masking import mask_recording
from tui.replay.recorder import Recorder
from tui.replay.session import KeyClock, desk_fingerprint, uid_factory
from tui.replay.settling import quiesce

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def session(**changes: object) -> SessionInfo:
    values: dict[str, object] = dict(size=(80, 24), language="zh", operator="wang", start=START,
                                     uid_seed=3, desk=DeskIdentity("demo", "sha256:x", 1))
    values.update(changes)
    return SessionInfo(**values)  # type: ignore[arg-type]


def test_a_recording_survives_writing_and_reading(tmp_path: Path) -> None:
    recording = Recording(session(title="测试", duration=12.5), (
        KeyPress(0.5, "n"), KeyPress(1.0, "1", field="phone"), KeyPress(1.2, "space", " "),
        KeyPress(1.5, "enter", "\r"), KeyPress(2.0, paste="和平路 12号", field="street"),
        KeyPress(3.0, "米", field="description"), KeyPress(4.0, "ctrl+s"),
    ), (Checkpoint(2.5, "form"),))
    text = dumps_recording(recording)
    assert text.index("[session]") < text.index("[[key]]") < text.index("[[checkpoint]]")
    again, problems = loads_recording(tmp_path / "r.toml", text.encode())
    assert problems == [] and again == recording
    assert dumps_recording(again) == text


def test_bad_recordings_are_refused_with_where_and_why(tmp_path: Path) -> None:
    good = dumps_recording(Recording(session(), (KeyPress(1.0, "a"),)))
    path = tmp_path / "r.toml"
    path.write_text(good.replace('language = "zh"', 'language = "fr"'), encoding="utf-8")
    with pytest.raises(DeskError) as info:
        load_recording(path)
    assert "language" in str(info.value)
    path.write_text(good.replace("format = 1", "format = 99"), encoding="utf-8")
    with pytest.raises(DeskError, match="newer"):
        load_recording(path)
    path.write_text(good + "\n[[key]]\nt = 0.5\nkey = \"b\"\n", encoding="utf-8")
    with pytest.raises(DeskError, match="backwards"):
        load_recording(path)
    path.write_text(good + "\n[[key]]\nt = 2\n", encoding="utf-8")
    with pytest.raises(DeskError, match="key or paste"):
        load_recording(path)
    path.write_text(good + "\n[[key]]\nt = 2\nkey = \"x\"\ncolour = 1\n", encoding="utf-8")
    with pytest.raises(DeskError) as info:
        load_recording(path)
    assert "unknown field" in str(info.value) and "r.toml:" in str(info.value)


def test_checkpoints_come_after_every_key_at_or_before_them() -> None:
    recording = Recording(session(), (KeyPress(1, "a"), KeyPress(2, "b"), KeyPress(3, "c")),
                          (Checkpoint(2, "two"), Checkpoint(0.5, "start")))
    order = [s.name if isinstance(s, Checkpoint) else s.key for s in recording.steps()]
    assert order == ["start", "a", "b", "two", "c"]


def test_the_key_clock_moves_in_whole_seconds_of_the_key_stream() -> None:
    clock = KeyClock(START)
    assert clock() == START
    clock.offset = 59.999
    assert clock() == START + timedelta(seconds=59)


def test_uids_come_from_the_seed() -> None:
    first, second, other = uid_factory(7), uid_factory(7), uid_factory(8)
    a = [first() for _ in range(3)]
    assert a == [second() for _ in range(3)]
    assert a[0] != other() and len(set(a)) == 3
    assert all(u[14] == "4" for u in a)  # version 4


def test_the_demo_desk_fingerprint_is_stable_and_sensitive(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "desk"
    shutil.copytree(demo_desk_path(), copy)
    assert desk_fingerprint(copy) == desk_fingerprint(demo_desk_path())
    (copy / ".index").mkdir(exist_ok=True)
    (copy / ".index" / "x").write_text("derived data is not part of the desk")
    assert desk_fingerprint(copy) == desk_fingerprint(demo_desk_path())
    case = next((copy / "cases").rglob("*.toml"))
    case.write_text(case.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert desk_fingerprint(copy) != desk_fingerprint(demo_desk_path())


def test_masking_replaces_what_was_typed_into_personal_fields() -> None:
    keys = [KeyPress(1 + i / 10, c, field="phone") for i, c in enumerate("13912345678")]
    keys += [KeyPress(3, "tab"), KeyPress(3.1, "张", field="name"),
             KeyPress(3.2, "桂", field="name"), KeyPress(3.3, "d", field="filter"),
             KeyPress(3.4, "m", field="filter"), KeyPress(4, "需", field="description"),
             KeyPress(5, paste="和平路12号", field="street"), KeyPress(6, "ctrl+s")]
    masked = mask_recording(Recording(session(), tuple(keys)))
    typed = {f: "".join(k.paste or k.character or "" for k in masked.keys if k.field == f)
             for f in ("phone", "name", "filter", "description", "street")}
    assert typed["phone"][:3] == "139" and typed["phone"] != "13912345678"
    assert typed["phone"].isdigit() and len(typed["phone"]) == 11
    assert typed["name"] == "某某"
    assert typed["filter"] == "dm" and typed["description"] == "需"  # pickers and free text kept
    assert typed["street"] == "某某某" + typed["street"][3:] and "12" not in typed["street"][3:5]
    assert masked.keys[-1] == KeyPress(6, "ctrl+s")
    assert "phone" in masked.session.masked
    text_too = mask_recording(masked, {"description"})
    assert "".join(k.character or "" for k in text_too.keys if k.field == "description") == "某"


# --- recording a tiny app -----------------------------------------------------------------------


class Form(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="name")
        yield Input(id="note")


async def _record_tiny() -> Recorder:
    now = {"t": 0.0}
    recorder = Recorder(size=(40, 5), language="en", operator="op", start=START, uid_seed=1,
                        desk=DeskIdentity(), time_source=lambda: now["t"])
    app = Form()
    recorder.attach(app)
    async with app.run_test(size=(40, 5)) as pilot:
        for key, char in [("a", "a"), ("tab", None), (CHECKPOINT_KEY, None), ("b", "b")]:
            now["t"] += 1.25
            event = events.Key(key, char)
            event.set_sender(app)
            app.post_message(event)
            await quiesce(pilot)
        now["t"] += 1
        app.post_message(events.Paste("pasted"))
        await quiesce(pilot)
        assert app.query_one("#name", Input).value == "a"
        assert app.query_one("#note", Input).value == "bpasted"
    return recorder


def test_the_recorder_records_keys_fields_and_checkpoints_of_a_running_app() -> None:
    recorder = asyncio.run(_record_tiny())
    recording = recorder.recording()
    assert [(k.t, k.key, k.field) for k in recording.keys] == [
        (1.25, "a", "name"), (2.5, "tab", ""), (5.0, "b", "note"), (6.0, "", "note")]
    assert recording.keys[-1].paste == "pasted"
    assert recording.checkpoints == (Checkpoint(3.75, "checkpoint-1"),)  # f12 is not delivered
    assert recorder.clock() == START + timedelta(seconds=6)


# --- the command -----------------------------------------------------------------------------


def test_replay_command_lists_the_cases_and_writes_screens(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          ) -> None:
    recording = SESSIONS / "short_delivery.toml"
    keep = tmp_path / "kept"
    status = main(["replay", str(recording), "--keep", str(keep), "--screens",
                   str(tmp_path / "screens")])
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"case 20261123-0001  {keep}/cases/2026/11/23/20261123-0001.toml" in out
    assert (keep / "cases/2026/11/23/20261123-0001.toml").is_file()
    assert sorted(p.name for p in (tmp_path / "screens").iterdir()) == ["01-intake.svg",
                                                                        "02-queue.svg"]
    assert main(["replay", str(recording), "--keep", str(keep)]) == 2  # exists already


def test_replay_command_refuses_a_different_desk_and_masks(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          ) -> None:
    import shutil

    desk = tmp_path / "desk"
    shutil.copytree(demo_desk_path(), desk)
    (desk / "cases/2026/11/16/20261116-0001.toml").unlink()
    recording = SESSIONS / "short_delivery.toml"
    assert main(["--desk", str(desk), "replay", str(recording)]) == 2
    assert "not the one this session was recorded on" in capsys.readouterr().err
    out = tmp_path / "masked.toml"
    assert main(["replay", str(recording), "--export-masked", str(out)]) == 0
    masked = load_recording(out)
    phone = "".join(k.key for k in masked.keys if k.field == "phone")
    assert phone[:3] == "138" and phone != "13800000061" and len(phone) == 11
    assert masked.session.masked and len(masked.keys) == len(load_recording(recording).keys)
    assert replay_command.HELP
