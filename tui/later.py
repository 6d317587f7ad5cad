"""Work the start leaves for after the first paint (稍后加载): the new-call screen and pypinyin,
the queue's search text, the desk clock's first run.

Each of these is CPU work in a thread, and Python runs one thread at a time: started together at
the first paint they took the process from the keys an operator typed at that moment (typed
ahead while the desk was starting, or right after seeing the queue), which then waited a second
or more to show. So they wait their turn here: one at a time, in the order asked, each started
only once no key has come for :data:`QUIET_FOR` seconds and the app holds no key typed ahead.
A job never waits for another's result: the screens that need what it loads load it themselves
if asked first (``n`` before the new-call screen is loaded imports it then).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

#: seconds without a key before the next job starts: longer than the gap between the keys of a
#: word typed, shorter than an operator takes to read the screen before typing
QUIET_FOR = 0.3
#: how often a job's turn is looked at while keys keep coming
RECHECK = 0.1

#: a job: run on the app's thread when its turn comes; returns the work for a worker thread,
#: or None when there is nothing left to do (the screen that asked is gone, it was done meanwhile)
Job = Callable[[], Callable[[], None] | None]


class Later:
    """The app's queue of work left for after the first paint (see the module docstring)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.jobs: deque[tuple[str, Job]] = deque()
        self.last_key = time.monotonic()
        #: the first paint is done: jobs may start
        self.open = False
        self._running: str | None = None
        self._scheduled = False
        self._drained = asyncio.Event()
        self._drained.set()

    def add(self, name: str, job: Job) -> None:
        """Queue ``job`` (named for its worker group); it runs after those queued before it. A
        job of the same name still waiting is replaced: only the newest request is worth it."""
        self.jobs = deque((n, j) for n, j in self.jobs if n != name)
        self.jobs.append((name, job))
        self._drained.clear()
        self._schedule(0)

    def key(self) -> None:
        """A key came from the terminal: the next job waits for a pause in the typing."""
        self.last_key = time.monotonic()

    def start(self) -> None:
        """The first screen is painted: the queued jobs may run, and any added later."""
        self.open = True
        self.last_key = max(self.last_key, time.monotonic())
        self._schedule(0)

    async def drained(self) -> None:
        """Wait until every job queued so far has run (tests, benchmarks)."""
        await self._drained.wait()

    @property
    def busy(self) -> bool:
        return bool(self.jobs) or self._running is not None

    def _schedule(self, delay: float) -> None:
        if self._scheduled or not self.open or self._running is not None:
            return
        self._scheduled = True
        if delay > 0:
            self.app.set_timer(delay, self._turn)
        else:  # a timer of no time fails in Textual
            self.app.call_later(self._turn)

    def _typing(self) -> float:
        """Seconds to wait before the next job may start (0: now)."""
        wait = QUIET_FOR - (time.monotonic() - self.last_key)
        type_ahead = getattr(self.app, "type_ahead", None)
        if type_ahead is not None and (type_ahead.held or type_ahead.unsettled):
            wait = max(wait, RECHECK)
        return max(wait, 0.0)

    def _turn(self) -> None:
        self._scheduled = False
        if self._running is not None or not self.app.is_running:
            return
        wait = self._typing()
        if wait > 0:
            self._schedule(wait)
            return
        while self.jobs:
            name, job = self.jobs.popleft()
            work = job()
            if work is None:
                continue
            self._running = name
            self.app.run_worker(self._run(work), group=name, exit_on_error=False)
            return
        self._drained.set()

    async def _run(self, work: Callable[[], None]) -> None:
        try:
            await asyncio.to_thread(work)
        finally:
            self._running = None
            if self.jobs:
                self._schedule(0)
            else:
                self._drained.set()
