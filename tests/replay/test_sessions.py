"""Every recorded call in ``fixtures/sessions/`` is a test.

Each recording is replayed under Pilot, as fast as possible, on a fresh copy of the demo desk;
the screen at each of its checkpoints is compared with an SVG snapshot and the files it wrote
(case files, handover reports) with a text snapshot. Then it is replayed a second time on
another fresh copy and both runs must agree byte for byte: a replay is deterministic.

A new recording (``baogong record-test NAME``) is picked up by the glob; create its snapshots
with ``pytest tests/replay --snapshot-update -k NAME`` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.replay.conftest import SESSIONS
from tui.recording import load_recording, sessions_in
from tui.replay.player import replay_sync
from tui.replay.session import desk_fingerprint

RECORDINGS = sessions_in(SESSIONS)


#: the kinds of call DOMAIN.md asks the recordings to cover, by recording
COVERED = {
    "elderly resident without a smartphone ordering groceries": "elderly_no_smartphone_groceries",
    "chronic patient's medicine": "chronic_patient_medicine",
    "price-gouging complaint": "price_gouging_complaint",
    "short delivery": "short_delivery",
    "water outage": "water_outage_urgent",
    "rumour report": "rumour_report",
    "duplicate call": "duplicate_call",
    "call-back with a bad evaluation and a reopen": "callback_unsatisfied_reopen",
    "shift handover": "shift_handover",
    "hardship relief": "hardship_relief_kit",
    "vehicle pass": "vehicle_pass",
    "service fee or markup": "service_fee_markup",
    "inquiry answered on the spot": "supply_inquiry_answered",
    "English operator, 120x40": "power_outage_english",
}


def test_there_are_recordings_of_every_kind_of_call() -> None:
    names = {p.stem for p in RECORDINGS}
    assert len(RECORDINGS) >= 12
    assert {kind: name for kind, name in COVERED.items() if name not in names} == {}
    for path in RECORDINGS:
        recording = load_recording(path)
        assert recording.keys and recording.checkpoints, path


@pytest.mark.parametrize("path", RECORDINGS, ids=[p.stem for p in RECORDINGS])
def test_session_replays_to_its_snapshots_twice(
    path: Path, scratch_desk: Callable[[str], Path], snapshot: SnapshotAssertion,
    svg_snapshot: SnapshotAssertion,
) -> None:
    recording = load_recording(path)
    first_desk = scratch_desk("first")
    assert desk_fingerprint(first_desk) == recording.session.desk.fingerprint, (
        "the demo desk changed since this session was recorded: re-record it "
        "(python fixtures/make_sessions.py, or baogong record-test) and update the snapshots")
    first = replay_sync(recording, first_desk, screenshots=True)
    assert list(first.screens) == [c.name for c in recording.checkpoints]
    for name, svg in first.screens.items():
        assert svg == svg_snapshot(name=name)
    produced = {name: data.decode("utf-8") for name, data in sorted(first.files.items())}
    assert produced == snapshot(name="files")
    second = replay_sync(recording, scratch_desk("second"), screenshots=True)
    assert second.files == first.files
    assert second.screens == first.screens
