"""Drafts written in the writer thread: in order, the latest kept, a save or discard waited for."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.drafts
from core.problems import DeskError
from tests.tui.conftest import AppFactory, settle
from tui.drafts import Draft, DraftStore
from tui.screens.intake import IntakeScreen

NOW = datetime(2026, 11, 23, 9, 30)
WAIT = 10.0


class SlowDisk:
    """``write_atomic`` that records what it wrote and, while ``hold`` is on, keeps the first
    write waiting until the test lets it go (a busy disk's ``fsync``)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.written: list[str] = []
        self.hold = True
        self.inside = threading.Event()
        self.go = threading.Event()

    def __call__(self, path: Path, data: bytes, **kwargs: Any) -> None:
        if self.hold:
            self.hold = False
            self.inside.set()
            assert self.go.wait(WAIT)
        self.real(path, data, **kwargs)
        self.written.append(json.loads(data)["fields"]["phone"])


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowDisk]:
    slow = SlowDisk(tui.drafts.write_atomic)
    monkeypatch.setattr(tui.drafts, "write_atomic", slow)
    yield slow
    slow.go.set()


def on_file(store: DraftStore, draft: Draft) -> str | None:
    path = store.path(draft)
    return json.loads(path.read_bytes())["fields"]["phone"] if path.exists() else None


def typed(draft: Draft, phone: str) -> Draft:
    draft.fields = {"phone": phone}
    return draft


def test_a_slow_write_never_lands_over_a_later_one(tmp_path: Path, disk: SlowDisk) -> None:
    store = DraftStore(tmp_path, "wang")
    draft = Draft("d1")
    store.save_later(typed(draft, "139"), NOW)
    assert disk.inside.wait(WAIT)  # the first write is on its way, and slow
    store.save_later(typed(draft, "1391"), NOW)
    store.save_later(typed(draft, "13912"), NOW)
    disk.go.set()
    store.flush()
    assert on_file(store, draft) == "13912"
    # the middle one was replaced before it was written; nothing older came after newer
    assert disk.written == ["139", "13912"]


def test_a_save_waited_for_replaces_the_one_waiting(tmp_path: Path, disk: SlowDisk) -> None:
    store = DraftStore(tmp_path, "wang")
    draft = Draft("d1")
    store.save_later(typed(draft, "139"), NOW)
    assert disk.inside.wait(WAIT)
    store.save_later(typed(draft, "1391"), NOW)
    quitting = threading.Thread(target=store.save, args=(Draft("d1", {"phone": "13912"}), NOW))
    quitting.start()
    quitting.join(0.2)
    assert quitting.is_alive()  # save() waits for the disk
    disk.go.set()
    quitting.join(WAIT)
    assert not quitting.is_alive()
    assert on_file(store, draft) == "13912"  # on disk when save() returned
    store.flush()
    assert disk.written == ["139", "13912"]
    assert on_file(store, draft) == "13912"


def test_a_discard_leaves_no_draft_behind_a_write_under_way(tmp_path: Path,
                                                            disk: SlowDisk) -> None:
    store = DraftStore(tmp_path, "wang")
    draft = Draft("d1")
    store.save_later(typed(draft, "139"), NOW)
    assert disk.inside.wait(WAIT)
    store.save_later(typed(draft, "1391"), NOW)
    saved = threading.Thread(target=store.discard, args=(draft,))
    saved.start()
    disk.go.set()
    saved.join(WAIT)
    assert not saved.is_alive()
    assert on_file(store, draft) is None
    store.flush()
    assert on_file(store, draft) is None
    assert disk.written == ["139"]


def test_a_failed_write_is_told(tmp_path: Path) -> None:
    store = DraftStore(tmp_path, "wang")
    store.directory.parent.mkdir()
    store.directory.write_text("in the way")  # .drafts/wang is a file
    with pytest.raises(DeskError, match="in the way"):
        store.save(Draft("d1", {"phone": "139"}), NOW)
    told: list[Exception] = []
    store.save_later(Draft("d2", {"phone": "139"}), NOW, told.append)
    store.flush()
    assert len(told) == 1 and isinstance(told[0], DeskError)


#: a change typed into one of two calls' forms (save later), a save waited for, a discard
OPS = st.lists(st.tuples(st.sampled_from(["later", "save", "discard"]),
                         st.sampled_from(["d1", "d2"])), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_the_file_is_the_last_thing_asked_for(ops: list[tuple[str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        store = DraftStore(Path(directory), "wang")
        last: dict[str, str | None] = {}
        for number, (op, draft_id) in enumerate(ops):
            draft = Draft(draft_id, {"phone": f"1390000{number:04d}"})
            if op == "later":
                store.save_later(draft, NOW)
            elif op == "save":
                store.save(draft, NOW)
                assert on_file(store, draft) == draft.fields["phone"]
            else:
                store.discard(draft)
                assert on_file(store, draft) is None
            last[draft_id] = None if op == "discard" else draft.fields["phone"]
        store.flush()
        for draft_id, phone in last.items():
            assert on_file(store, Draft(draft_id)) == phone


async def test_a_draft_that_cannot_be_written_is_told_on_the_screen(make_app: AppFactory) -> None:
    app = make_app()
    app.drafts.directory.parent.mkdir(parents=True)
    app.drafts.directory.write_text("in the way")  # .drafts/<operator> is a file
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"13600000004")
        await asyncio.sleep(0.6)  # the draft is due a moment after the last change
        app.drafts.flush()
        await settle(pilot)
        assert "Cannot save the draft" in " ".join(
            str(n.message) for n in app._notifications)
        assert isinstance(app.screen, IntakeScreen)  # the call goes on
