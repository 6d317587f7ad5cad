"""A new call kept as a draft (草稿) a moment after every change, so that a dropped connection
loses nothing; :mod:`tui.drafts` stores the drafts, in its writer thread while the operator
types (a key typed meanwhile never waits for the disk)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.timer import Timer

from core.problems import DeskError
from tui.drafts import Draft, new_draft_id
from tui.i18n import _
from tui.screens.intake_paint import paint_form_only

if TYPE_CHECKING:
    from tui.app import BaogongApp

DRAFT_DELAY = 0.4


class DraftedScreen(Screen[None]):
    """A screen whose form (:meth:`fields`) is written as a draft once a burst of changes
    (``_changed``) has been quiet for :data:`DRAFT_DELAY` seconds."""

    def __init__(self, draft: Draft | None = None) -> None:
        super().__init__()
        paint_form_only(self)
        self.draft = draft or Draft(id=new_draft_id())
        #: the draft's fields are being put back into the form: that is no change
        self.restoring = draft is not None
        #: changed and not on file as a case (a draft offered back is not on file either)
        self.dirty = draft is not None
        self._draft_timer: Timer | None = None
        self._last_change = 0.0

    @property
    def desk_app(self) -> BaogongApp:
        return self.app  # type: ignore[return-value]

    def fields(self) -> dict[str, Any]:
        """The form as data, as the draft keeps it."""
        raise NotImplementedError

    def _done_restoring(self) -> None:
        self.restoring = False

    def _changed(self) -> None:
        if self.restoring:
            return
        self.dirty = True
        self._last_change = time.monotonic()
        if self._draft_timer is None:  # one timer for a burst of changes, not one per key
            self._draft_timer = self.set_timer(DRAFT_DELAY, self._draft_due)

    def _draft_due(self) -> None:
        self._draft_timer = None
        quiet_for = time.monotonic() - self._last_change
        if quiet_for < DRAFT_DELAY:
            self._draft_timer = self.set_timer(DRAFT_DELAY - quiet_for, self._draft_due)
            return
        self.save_draft(wait=False)

    def save_draft(self, *, wait: bool = True) -> None:
        """Keep the form as a draft; ``wait``: until it is on disk (the app is about to go)."""
        if not self.dirty or not self.is_attached:
            return
        self.draft.fields = self.fields()
        app = self.desk_app
        if not wait:
            def failed(error: Exception) -> None:  # in the writer thread: told on the screen
                app.call_from_thread(self._tell_draft_failed, error)

            app.drafts.save_later(self.draft, app.clock(), failed)
            return
        try:
            app.drafts.save(self.draft, app.clock())
        except (OSError, DeskError) as exc:  # DeskError: .drafts is a link
            self._tell_draft_failed(exc)

    def _tell_draft_failed(self, error: Exception) -> None:
        self.notify(f"{_('Cannot save the draft')}: {error}", severity="error")

    def drop_draft(self) -> None:
        """The call is on file or discarded: nothing more to keep, and no draft left behind."""
        self.dirty = False
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        self.desk_app.drafts.discard(self.draft)
