"""A key's repaint on the intake form renders the widgets in its way only, and draws the same."""

from __future__ import annotations

import random
from typing import Any

import pytest
from rich.console import Console
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.widget import Widget

from tests.tui.conftest import AppFactory, settle
from tui.screens.intake import IntakeScreen
from tui.screens.intake_paint import FormCompositor
from tui.widgets.chrome import DeskHeader


async def open_intake(app: Any, pilot: Any) -> IntakeScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    intake = app.screen
    assert isinstance(intake, IntakeScreen)
    # a known caller fills the name, the address and the history under the phone
    await pilot.press(*"13800000001")
    await settle(pilot)
    return intake


def drawn(compositor: Compositor, regions: list[Region], size: Region) -> str:
    """What a partial repaint of ``regions`` writes to the terminal."""
    crop = Region.from_union(regions).intersection(size)
    spans = list(compositor._regions_to_spans(regions))
    lines = {y for y, _, _ in spans}
    chops = compositor._render_chops(crop, lines.__contains__)
    update = ChopsUpdate(chops, spans, [cuts[1:] for cuts in compositor.cuts])
    return update.render_segments(Console(width=size.width, color_system="truecolor"))


def as_textual_draws(compositor: Compositor, regions: list[Region], size: Region) -> str:
    compositor.__class__ = Compositor
    try:
        return drawn(compositor, regions, size)
    finally:
        compositor.__class__ = FormCompositor


async def test_a_repaint_draws_what_textual_draws(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        intake = await open_intake(app, pilot)
        compositor = intake._compositor
        assert isinstance(compositor, FormCompositor)
        size = intake.size.region
        chance = random.Random(13)
        regions = [[region.intersection(size)]
                   for region, _clip in compositor.visible_widgets.values()
                   if region.intersection(size)]
        for _ in range(300):
            x, y = chance.randrange(80), chance.randrange(24)
            regions.append([Region(x, y, chance.randint(1, 80 - x), chance.randint(1, 24 - y))])
            if chance.random() < 0.3:  # two fields at once, apart
                x, y = chance.randrange(80), chance.randrange(24)
                regions[-1].append(Region(x, y, chance.randint(1, 80 - x), 1))
        for parts in regions:
            assert drawn(compositor, parts, size) == as_textual_draws(compositor, parts, size), \
                parts


async def test_a_key_in_a_field_renders_the_widgets_in_its_way(
        make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        intake = await open_intake(app, pilot)
        intake.query_one("#room").focus()
        await settle(pilot)
        rendered: list[Widget] = []
        render_lines = Widget.render_lines

        def counted(widget: Widget, crop: Region) -> Any:
            rendered.append(widget)
            return render_lines(widget, crop)

        monkeypatch.setattr(Widget, "render_lines", counted)
        await pilot.press("8")
        await pilot.pause()
        assert intake.query_one("#room").value.endswith("8")
        names = {f"{type(w).__name__}#{w.id}" for w in rendered}
        assert "TextField#room" in names
        # nothing of the other rows, nor the header and footer
        for other in ("#phone", "#name", "#history", "#warning", "#description-row"):
            assert all(f"#{w.id}" != other for w in rendered), names
        assert not any(type(w).__name__ in ("DeskFooter", "DeskHeader") for w in rendered)


async def test_a_poll_that_changes_nothing_repaints_no_header(
        make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_intake(app, pilot)
        repainted: list[DeskHeader] = []
        refresh = DeskHeader.refresh

        def counted(header: DeskHeader, *args: Any, **kwargs: Any) -> Any:
            repainted.append(header)
            return refresh(header, *args, **kwargs)

        monkeypatch.setattr(DeskHeader, "refresh", counted)
        for _ in range(3):
            app.poll()
            await settle(pilot)
        assert repainted == []  # the intake's header, nor the queue's under it
        counts = (app.open_count + 1, app.overdue_count, app.late_callback_count)
        app._polled(1, counts, app.case_problems, False)  # another operator saved a case
        await settle(pilot)
        assert len(repainted) == 2
        assert f"{app.open_count}" in str(intake_header(app).render())


def intake_header(app: Any) -> DeskHeader:
    return app.screen.query_one(DeskHeader)
