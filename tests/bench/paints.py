"""When the screen's compositor finished an update, for the key-to-paint benchmarks.

Importing this module times every ``Compositor.render_update`` (render_line calls included);
headless Textual skips only the final write of escape codes to the terminal. A benchmark that
sets :data:`probe` (say, the text of the field being typed into) gets with each paint what the
probe said then (:data:`SHOWN`), so a key's echo is the first paint that shows the key, not
merely the first paint after it (a repaint already under way when the key came shows nothing
of it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual._compositor import Compositor

PAINTS: list[float] = []
#: the process's CPU seconds at each paint: what a machine loaded by other work does not inflate
CPU: list[float] = []
SHOWN: list[object] = []
probe: Callable[[], object] | None = None
_render_update = Compositor.render_update


def clear() -> None:
    PAINTS.clear()
    CPU.clear()
    SHOWN.clear()


def _timed_render_update(self: Compositor, *args: Any, **kwargs: Any) -> Any:
    update = _render_update(self, *args, **kwargs)
    PAINTS.append(time.perf_counter())
    CPU.append(time.process_time())
    SHOWN.append(probe() if probe is not None else None)
    return update


Compositor.render_update = _timed_render_update  # type: ignore[method-assign]
