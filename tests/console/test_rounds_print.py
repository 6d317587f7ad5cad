"""``p`` on the rounds page prints the round: labels and manifests as PDFs in ``exports/``."""

from __future__ import annotations

from pypdf import PdfReader

from core.desk import Desk
from tests.console.conftest import ConsoleApp
from tests.tui.conftest import settle
from tui.screens.console.rounds import RoundsScreen


async def test_p_writes_the_labels_and_manifests_and_says_where(console_app: ConsoleApp,
                                                                desk: Desk) -> None:
    app = console_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b", "3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RoundsScreen) and screen.plan is not None
        boxes = screen.plan.boxes
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await settle(pilot)
        labels, manifests = screen.printed
        shown = [n.message for n in app._notifications]
    assert labels.parent == manifests.parent == desk.root / "exports"
    assert (labels.name, manifests.name) == ("labels-r1123-20261123-1130.pdf",
                                             "manifests-r1123-20261123-1130.pdf")
    assert f"Saved exports/{labels.name}, exports/{manifests.name}" in shown
    text = "".join(page.extract_text() for page in PdfReader(labels).pages)
    assert len(PdfReader(labels).pages) == 1 and text.count("WX1123-000") == boxes
    assert {"WX1123-0001", "WX1123-0002", "WX1123-0003"} <= set(text.split())
    manifest = "".join(page.extract_text() for page in PdfReader(manifests).pages)
    assert "Drop point manifest" in manifest and "Vehicle manifest" in manifest
