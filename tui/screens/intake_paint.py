"""A key's repaint on a form draws the widgets it touches, not the whole form.

When a field's text changes, Textual repaints the field's region only, but to do so it renders
every widget whose *clip* (the container it is shown in) overlaps that region: on the intake
form every row, the label, the header and the footer, about twenty widgets for one field of one
line, and more than the key itself costs. A widget whose own region does not meet the region
being repainted adds nothing to it (its lines are cut away afterwards), so the form's compositor
leaves it out. What reaches the terminal is the same: a cell of the region is drawn by the
front-most widget covering it, which overlaps the region by being there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual._compositor import Compositor
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip


class FormCompositor(Compositor):
    """Textual's compositor, rendering for a partial repaint only the widgets in its way."""

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:  # the whole screen: every widget
            yield from super()._get_renders(crop)
            return
        overlaps = crop.overlaps
        for widget, (region, clip) in list(self.visible_widgets.items()):
            if not (overlaps(clip) and overlaps(region)):
                continue
            # as Textual does: the part of the widget its clip shows, in its own coordinates
            x, y, width, height = Region.intersection(region, clip)
            if width and height:
                yield region, clip, widget.render_lines(
                    Region(x - region.x, y - region.y, width, height))


def paint_form_only(screen: Screen[Any]) -> None:
    """Give ``screen`` (before it is mounted) the form's compositor."""
    screen._compositor = FormCompositor()
