"""When the screen's compositor finished an update, for the key-to-paint benchmarks.

Importing this module times every ``Compositor.render_update`` (render_line calls included);
headless Textual skips only the final write of escape codes to the terminal.
"""

from __future__ import annotations

import time
from typing import Any

from textual._compositor import Compositor

PAINTS: list[float] = []
_render_update = Compositor.render_update


def _timed_render_update(self: Compositor, *args: Any, **kwargs: Any) -> Any:
    update = _render_update(self, *args, **kwargs)
    PAINTS.append(time.perf_counter())
    return update


Compositor.render_update = _timed_render_update  # type: ignore[method-assign]
