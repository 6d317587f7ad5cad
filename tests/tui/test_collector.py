"""A real session leaves what its start loaded out of the garbage collector (``gc.freeze``), so
that a full collection while an operator types is short; tests, many apps in one process, do not."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import tui.launch
from tests.tui.conftest import AppFactory, settle
from tui.app import BaogongApp


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # what a test froze goes back to the collector


async def test_the_start_is_frozen_once_loaded(make_app: AppFactory, unfrozen: None) -> None:
    app = make_app()
    app.freeze_after_start = True
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app._queue_shown
        await app.later.drained()  # the preload waits for a pause in the typing (tui.later)
        await app.workers.wait_for_complete()
        assert "tui.screens.intake" in sys.modules
        frozen = gc.get_freeze_count()
        # the desk, the index and the intake's modules: far more than what is left to collect
        assert frozen > 10_000
        assert frozen > len(gc.get_objects())


async def test_an_app_made_by_a_test_freezes_nothing(make_app: AppFactory,
                                                     unfrozen: None) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.later.drained()
        await app.workers.wait_for_complete()
    assert "tui.screens.intake" in sys.modules  # the preload ran, and froze nothing
    assert gc.get_freeze_count() == 0


def test_run_app_makes_a_session_that_freezes(desk: object, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    started: list[BaogongApp] = []

    def run(app: BaogongApp) -> int:
        started.append(app)
        return 0

    monkeypatch.setattr(tui.launch, "run_keeping_drafts", run)
    root: Path = desk.root  # type: ignore[attr-defined]
    assert tui.launch.run_app(argparse.Namespace(desk=str(root), operator=None, lang="zh")) == 0
    assert started and started[0].freeze_after_start
    started[0].desk.cases.index.close()
