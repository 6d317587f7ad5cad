"""Type-ahead (键入缓冲): every key an operator types lands, in order, where it was meant to go.

Textual decides where a key goes when the app first takes it from the terminal (the focused
widget), but what a key *does* happens later and elsewhere: the key travels through the focused
widget's message queue, bubbles up to the screen and back to the app, whose bindings then run;
a binding may push a screen that has still to be composed and mounted before its first field
takes the focus (``Widget.focus`` is itself deferred), and ``enter`` in a field posts a message
whose handler moves the focus on. Keys typed meanwhile were routed with the old state: after
``n`` the phone number went to the queue screen and was lost, after a burst of text in the
description a ``tab`` and ``enter`` raced the keys before them.

So the app holds a key while the previous one is still being handled: until no message
queue of the app and its current screen's widgets holds anything but drawing, the screen and
its widgets are mounted, and a barrier (a callback queued behind the app's and the screen's
messages) finds nothing new. A key let through counts as being handled until that barrier
has confirmed it: in between, its handler may be suspended half-way (a binding awaiting the
screen it pushed), which no queue shows, and a loaded machine makes that moment long. Held
keys (and pastes) are then let go one at a time, in the order they were typed, each once the
previous one's effects have settled. A key typed while the app is idle goes straight through,
so typing at a normal pace costs nothing; a burst
(``tmux send-keys``, a fast typist after ``n``) is delivered as if typed slowly.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from textual import events, messages
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widget import Widget

#: a held key is let go after this long even if the app never looks settled (a widget animating
#: without end): late is better than never, but a key let go too early may land in the wrong
#: field, so this is far beyond what any key takes, even on a loaded machine
MAX_HOLD = 10.0
#: how often the app is looked at while keys are held
POLL = 0.001


class ReleasedKey(Message, bubble=False):
    """A held key or paste, posted back to the app to be dispatched in order."""

    def __init__(self, event: events.Key | events.Paste) -> None:
        super().__init__()
        self.event = event


def _pumps(app: App[Any]) -> Iterator[MessagePump]:
    yield app
    try:
        screen = app.screen
    except Exception:  # no screen yet (starting) or none left (closing)
        return
    yield from screen.walk_children(with_self=True)


def quiet(app: App[Any]) -> bool:
    """Whether nothing is queued anywhere in the app and its current screen, and the screen
    and all its widgets are mounted. (A handler suspended half-way, such as one awaiting a
    mount, is not seen here: :func:`settle` confirms with a barrier.)"""
    try:
        if not app.screen.is_mounted:
            return False
    except Exception:
        return False
    for pump in _pumps(app):
        if pump._next_callbacks or _pending(pump):
            return False
        # callbacks waiting for the screen's next repaint (``call_after_refresh``): the first
        # field of a screen just opened, a restored draft... run there, after any key
        if getattr(pump, "_callbacks", None):
            return False
        if isinstance(pump, Widget) and not pump.is_mounted and not pump._closed:
            return False
    return True


#: messages about drawing, which never move the focus or change a screen: a key need not wait
#: for the repaint its predecessor caused
_DRAWING = (messages.Update, messages.Layout, messages.UpdateScroll, messages.Prompt,
            messages.Prune, events.Resize, events.Show, events.Hide, events.Idle)


def _pending(pump: MessagePump) -> bool:
    """Whether ``pump`` has a message queued that is not just about drawing."""
    queue: Any = pump._message_queue
    queued: Iterable[Message] | None = getattr(queue, "values", None)  # Textual's own deque
    if queued is None:
        return bool(queue.qsize())
    return any(not isinstance(message, _DRAWING) for message in queued)


def parked(pump: MessagePump) -> bool:
    """Whether ``pump``'s loop waits for its next message with none queued: it has handled
    everything sent to it, its idle handlers and its ``call_next`` callbacks included, so a
    barrier callback queued to it would only wake it."""
    queue: Any = pump._message_queue  # Textual's own queue: a deque and the event it waits on
    return not queue.values and any(not waiter.done() for waiter in queue.ready_event._waiters)


async def barrier(pumps: Iterable[MessagePump], timeout: float, *,
                  abort: asyncio.Event | None = None) -> bool:
    """Wait until each of ``pumps`` that is not :func:`parked` has run a callback queued behind
    its messages (so a handler suspended half-way has finished); False if ``timeout`` passed or
    ``abort`` was set first."""
    pending = 0
    done = asyncio.Event()

    def arrived() -> None:
        nonlocal pending
        pending -= 1
        if pending == 0:
            done.set()

    for pump in pumps:
        if not parked(pump) and pump.call_later(arrived):
            pending += 1
    if not pending:
        return True
    waits = [asyncio.create_task(done.wait())]
    if abort is not None:
        waits.append(asyncio.create_task(abort.wait()))
    _finished, unfinished = await asyncio.wait(waits, timeout=timeout,
                                               return_when=asyncio.FIRST_COMPLETED)
    for task in unfinished:
        task.cancel()
    return done.is_set()


async def settle(app: App[Any]) -> bool:
    """Wait until every pump has handled what it had (a callback queued behind the messages
    of each one not :func:`parked` has run); True if the app is then still quiet and on the
    same screen."""
    screen = app.screen
    # widgets are covered by quiet(): a widget still mounting is not mounted yet; the app and
    # the screen are where a handler may be suspended half-way (pushing or mounting a screen),
    # and the focused widget is where the key just let go was sent
    pumps: list[MessagePump] = [app, screen]
    focused = screen.focused
    if focused is not None:
        pumps.append(focused)
    if not await barrier(pumps, MAX_HOLD):
        return False
    return app.screen is screen and quiet(app)


class TypeAhead:
    """The keys an app holds while it is busy with earlier ones (see the module docstring)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.held: deque[events.Key | events.Paste] = deque()
        self._releasing: asyncio.Task[None] | None = None
        #: a key was let go and its handling is not confirmed finished yet
        self.unsettled = False
        self._settling: asyncio.Task[None] | None = None
        #: keys let go so far: a barrier confirms only the keys let go before it was queued
        self._let_go_count = 0

    def hold(self, event: events.Event) -> bool:
        """Called by the app for every event it takes from the terminal; True if the event is
        a key or paste that must wait for the ones before it (it is then delivered later)."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        if not self.held and not self.unsettled and quiet(self.app):
            self._let_go()
            return False
        self.held.append(event)
        if self._releasing is None or self._releasing.done():
            self._releasing = asyncio.create_task(self._release())
        return True

    def _let_go(self) -> None:
        """A key goes on: the next one waits until a barrier confirms this one was handled."""
        self.unsettled = True
        self._let_go_count += 1
        if self._settling is None or self._settling.done():
            self._settling = asyncio.create_task(self._confirm_settled())

    async def _confirm_settled(self) -> None:
        started = time.monotonic()
        while time.monotonic() - started < MAX_HOLD and self.app.is_running:
            await asyncio.sleep(POLL)
            # a key let go while the barrier was on its way is not confirmed by it
            let_go = self._let_go_count
            if quiet(self.app) and await settle(self.app) and let_go == self._let_go_count:
                break
        self.unsettled = False

    async def _release(self) -> None:
        held_since = time.monotonic()
        while self.held:
            await asyncio.sleep(POLL)
            if not self.app.is_running:
                self.held.clear()
                return
            overdue = time.monotonic() - held_since > MAX_HOLD
            if overdue or (quiet(self.app) and await settle(self.app)):
                self.app.post_message(ReleasedKey(self.held.popleft()))
                self._let_go()
                held_since = time.monotonic()
