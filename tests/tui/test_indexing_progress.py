"""A desk opened without its case index: the header shows how far indexing is, and the queue
fills as batches of cases are indexed."""

from __future__ import annotations

import asyncio
import shutil
import threading
from typing import Any

import pytest

from core.desk import Desk
from tests.tui.conftest import AppFactory, settle
from tests.tui.screen_text import screen_lines
from tui.widgets.case_list import CaseList


async def test_the_header_shows_indexing_progress_and_the_queue_fills(
        make_app: AppFactory, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    desk.cases.index.close()
    shutil.rmtree(desk.root / ".index")
    monkeypatch.setattr("core.cases.index.BATCH", 2)
    monkeypatch.setattr("core.cases.indexing.CHUNK", 2)
    app = make_app()
    heard: list[tuple[int, int]] = []
    shown = app._indexed

    def indexed(done: int, total: int) -> None:
        heard.append((done, total))
        shown(done, total)

    app._indexed = indexed  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert heard == [(2, 8), (4, 8), (6, 8), (8, 8)]
        assert app.indexing is None and "Indexing" not in screen_lines(app)[0]
        assert len(app.screen.query_one(CaseList).ids) == 8
        app._indexed(2, 8)
        await pilot.pause()
        assert "Indexing 25%" in screen_lines(app)[0]
        app._indexed(8, 8)
        await pilot.pause()
        assert "Indexing" not in screen_lines(app)[0]


async def test_polls_asked_for_during_a_long_one_wait_and_run_once_after_it(
        make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Building a big desk's index takes minutes while the app polls every 2 s: the polls must
    not pile up, each holding a worker thread the list and the search need."""
    app = make_app()
    release = threading.Event()
    running: list[int] = []
    refreshes = 0
    real_refresh = app.reader.refresh

    def slow_refresh(progress: Any = None) -> int:
        nonlocal refreshes
        refreshes += 1
        running.append(1)
        try:
            release.wait(30)
            return real_refresh(progress)
        finally:
            running.pop()

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.reader, "refresh", slow_refresh)
        refreshes = 0
        app.poll()
        await pilot.pause()
        for _ in range(5):
            app.poll()
            await pilot.pause()
        await asyncio.sleep(0.2)
        assert len(running) == 1 and refreshes == 1
        release.set()
        await settle(pilot)
        assert refreshes == 2 and not running  # the five asked for meanwhile: one more
