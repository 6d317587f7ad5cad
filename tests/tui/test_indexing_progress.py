"""A desk opened without its case index: the header shows how far indexing is, and the queue
fills as batches of cases are indexed."""

from __future__ import annotations

import shutil

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
