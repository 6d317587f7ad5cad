"""The queue's reader in the TUI: :class:`core.cases.queue.Queue`, the ordering, paging and
search of a desk's cases (the SQL stays in ``core``). The app and the case list each open one,
so the list's worker thread never shares a connection with the header's counters."""

from __future__ import annotations

from core.cases.queue import Order, Queue

CaseSource = Queue

__all__ = ["CaseSource", "Order"]
