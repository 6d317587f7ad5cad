"""Waiting for the app: after a key, until everything it caused is handled; before a
screenshot, until the screen is repainted with the session's clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message_pump import MessagePump
from textual.widget import Widget

from tui.typeahead import barrier as wait_for_pumps

if TYPE_CHECKING:
    from textual.pilot import Pilot


def _pumps(app: App[Any], *, screen_only: bool = False) -> Iterator[MessagePump]:
    """The app and the widgets of its screens (of its current screen only, if asked)."""
    yield app
    for screen in [app.screen] if screen_only else app.screen_stack:
        yield from screen.walk_children(with_self=True)


def busy(app: App[Any]) -> bool:
    """Whether any message or callback of the app is still queued, a worker running, or a key
    held or not yet confirmed handled by the type-ahead (:mod:`tui.typeahead`)."""
    if any(not worker.is_finished for worker in app.workers):
        return True
    type_ahead = getattr(app, "type_ahead", None)
    if type_ahead is not None and (type_ahead.held or type_ahead.unsettled):
        return True
    for pump in _pumps(app):
        if pump._message_queue.qsize() or pump._next_callbacks:
            return True
        if getattr(pump, "_callbacks", None):
            return True
    return False


def update_due(app: App[Any]) -> bool:
    """Make now the update the screen's timer would make at its next tick, if the app is
    waiting for nothing else.

    A screen lays out and runs its after-refresh callbacks (``call_after_refresh``: a field
    focused once a screen is shown, a draft restored) on the tick of its update timer, up to a
    frame (1/60 s) after a key; the type-ahead holds the next key until they have run. When no
    message or callback is queued anywhere and no worker runs, nothing can happen before that
    tick, so making it at once changes nothing but the time: a replay does not sit idle for it
    after every key. :func:`quiesce` makes it only while the type-ahead is confirming a key:
    made also after the barrier that finds the app busy, the shift handover's screen came out
    scrolled otherwise than recorded. True if an update was made.
    """
    screen = app.screen
    if not screen.is_current or app._batch_count or not screen.is_mounted:
        return False
    if not (screen._callbacks or screen._layout_required or screen._scroll_required
            or screen._repaint_required or screen._recompose_required or screen._dirty_widgets):
        return False
    if any(not worker.is_finished for worker in app.workers):
        return False
    for pump in _pumps(app):
        if pump._message_queue.qsize() or pump._next_callbacks:
            return False
        if isinstance(pump, Widget) and not pump.is_mounted and not pump._closed:
            return False
    screen._on_timer_update()
    return True


async def barrier(app: App[Any], *, timeout: float = 30.0) -> None:
    """Wait until the app and every widget of its screen have handled what they had queued.

    As ``Pilot._wait_for_screen``: a callback queued behind each one's messages, which catches a
    handler still awaiting, but only where one is needed (:func:`tui.typeahead.barrier`). A pump
    parked waiting for its next message has nothing before such a callback, and the callback
    would only wake it, dispatch, and send it idle again; most of a screen's widgets are parked
    after most keys.
    """
    await wait_for_pumps(_pumps(app, screen_only=True), timeout, abort=app._exception_event)


async def quiesce(pilot: Pilot[Any], *, timeout: float = 30.0) -> None:
    """Wait until the app has handled everything the last key caused (screens, workers).

    Event-driven, so the app has the whole process while it works: waits for running workers,
    for the type-ahead's keys (:mod:`tui.typeahead`) to be let go and confirmed handled, then
    for a :func:`barrier` (which catches a handler still awaiting, such as a screen being
    mounted); repeats until a barrier finds nothing new. Checking the queues in a loop instead
    looked at every widget between any two steps of the app's own work, and cost more than the
    work.
    """
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle after a key")
        running = [worker for worker in app.workers if not worker.is_finished]
        if running:
            await app.workers.wait_for_complete(running)
            continue
        type_ahead = getattr(app, "type_ahead", None)
        if type_ahead is not None and (type_ahead.held or type_ahead.unsettled):
            update_due(app)
            await asyncio.sleep(0.001)  # its own barriers let the keys go, one at a time
            continue
        screen = app.screen
        await barrier(app)
        await asyncio.sleep(0)
        if app.screen is screen and not busy(app):
            return


def refresh_displays(app: App[Any]) -> None:
    """Recompute every time-dependent text (clocks, time left) from the app's clock now.

    The recorder calls it when a checkpoint is taken and the replay before each screenshot, so a
    checkpoint's screen does not depend on when a one-second timer last fired.
    """
    relabel = getattr(app, "set_language", None)
    language = getattr(app, "language", None)
    if callable(relabel) and language:
        relabel(language)


async def settle(pilot: Pilot[Any]) -> None:
    """Let everything finish and the screen repaint (before a screenshot).

    The repaint is the one the screen's update timer would make next (a layout, then the
    widgets marked dirty), made now: waiting for the process to look idle instead
    (``Pilot.pause``) took at least 20 ms, and up to a second on a busy machine, each time.
    """
    app = pilot.app
    await quiesce(pilot)
    refresh_displays(app)
    for _ in range(2):
        await quiesce(pilot)
        app.screen._on_timer_update()
    await quiesce(pilot)


def screen_text(app: App[Any]) -> str:
    """The text on the app's screen, line by line."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)
