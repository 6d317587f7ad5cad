"""Painting only the frames a replay looks at.

Headless, a frame Textual paints after a key goes nowhere: the terminal is not there, and a
checkpoint's screenshot (``App.export_screenshot``) and screen text paint the whole screen
themselves from the widgets as they are. Rendering every key's dirty regions in between was
half of a replay's CPU. While an app is in :func:`frames_on_demand`, its top screen still lays
out, sends its resize, show and hide events and runs its after-refresh callbacks as before; only
the partial repaint meant for the terminal is left out. Widgets keep their lines marked dirty,
so the next full paint draws them as they are then.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.app import App
from textual.screen import Screen

_on_demand: weakref.WeakSet[App[Any]] = weakref.WeakSet()
_textual_refresh = Screen._compositor_refresh


def _compositor_refresh(self: Screen[Any]) -> None:
    app = self.app
    if app in _on_demand and self is app.screen and not app.is_inline:
        self._compositor._dirty_regions.clear()
        self._dirty_widgets.clear()
        app._update_mouse_over(self)
        return
    _textual_refresh(self)


@contextmanager
def frames_on_demand(app: App[Any]) -> Iterator[None]:
    """Leave out ``app``'s terminal repaints (headless only) while inside."""
    if not app.is_headless:
        yield
        return
    Screen._compositor_refresh = _compositor_refresh  # type: ignore[method-assign]
    _on_demand.add(app)
    try:
        yield
    finally:
        _on_demand.discard(app)
