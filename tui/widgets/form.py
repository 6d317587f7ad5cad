"""The modal forms (表单对话框): one look, one set of keys, and a key line that tells the truth.

Every form is a panel of labelled rows over the screen beneath; ``ctrl+s`` saves, ``esc``
cancels, the arrow keys move between fields. A desk may remap any of those keys by binding id
(``desk.toml`` ``[keys]``), so the line of keys under a form is built from the bindings as they
are live, never written out by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from tui.i18n import _
from tui.text import key_name

ResultT = TypeVar("ResultT")


def form_bindings(prefix: str) -> list[BindingType]:
    """A form's keys, with ids ``<prefix>.save``, ``.cancel``, ``.next`` and ``.previous``."""
    return [
        Binding("ctrl+s", "submit", "Save", id=f"{prefix}.save"),
        Binding("escape", "cancel", "Cancel", id=f"{prefix}.cancel"),
        *field_moves(prefix),
    ]


def field_moves(prefix: str) -> list[BindingType]:
    """The arrow keys that move between a form's fields."""
    return [
        Binding("down", "app.focus_next", "Next", show=False, id=f"{prefix}.next"),
        Binding("up", "app.focus_previous", "Previous", show=False, id=f"{prefix}.previous"),
    ]


def live_bindings(node: Widget) -> dict[str, tuple[str, Binding]]:
    """Binding id -> the first key that runs it on ``node`` (after the desk's remapping), and
    the binding."""
    bindings: BindingsMap = node._bindings.copy()
    # the keymap is applied by Textual only while it looks a key up; do the same here
    bindings.apply_keymap(node.app._keymap)
    found: dict[str, tuple[str, Binding]] = {}
    for key, key_bindings in bindings.key_to_bindings.items():
        for binding in key_bindings:
            if binding.id:
                found.setdefault(binding.id, (key, binding))
    return found


#: a key line's entry: a binding id, or a key that is not a binding and its label (enter in a
#: text field)
Hint = str | tuple[str, str]


class KeyHints(Static):
    """The line of keys under a form, each key as bound now: by default every shown binding of
    the screen's own class, in order; or the ``hints`` given."""

    def __init__(self, hints: Sequence[Hint] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hints = hints

    def render(self) -> Text:
        screen = self.screen
        live = live_bindings(screen)
        hints = self.hints if self.hints is not None else [
            b.id for b in screen.BINDINGS if isinstance(b, Binding) and b.show and b.id]
        enter = getattr(screen, "ENTER_SUBMITS", False)
        parts = []
        for hint in hints:
            if isinstance(hint, tuple):
                parts.append(f"{hint[0]} {_(hint[1])}")
                continue
            if hint not in live:
                continue
            key, binding = live[hint]
            shown = key_name(key)
            if enter and binding.action == "submit" and shown != "enter":
                shown = f"enter/{shown}"
            parts.append(f"{shown} {_(binding.description)}")
        return Text("   ".join(parts))

    def relabel(self) -> None:
        self.refresh(layout=True)


class FormDialog(ModalScreen[ResultT]):
    """A modal form: :meth:`fields` inside a panel, then the line of keys.

    Subclasses declare ``BINDINGS`` (usually :func:`form_bindings` with their own id prefix,
    so a desk can remap one form's keys without the others) and implement ``action_submit``.
    """

    BINDINGS: ClassVar[list[BindingType]] = []
    #: enter in a text field submits the form too (said in the key line)
    ENTER_SUBMITS: ClassVar[bool] = False
    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical { width: 76; max-width: 100%; height: auto; max-height: 100%;
                            background: $panel; padding: 0 1; }
    FormDialog .title { text-style: bold; margin-bottom: 1; }
    FormDialog Horizontal { height: 1; }
    FormDialog Tr.label { width: 14; color: $text-muted; }
    FormDialog .error { display: none; color: $error; text-style: bold; padding-left: 14; }
    FormDialog .error.shown { display: block; }
    FormDialog .keys { color: $text-muted; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield from self.fields()
            yield KeyHints(classes="keys")

    def fields(self) -> ComposeResult:
        """The form's title, rows and error lines."""
        yield from ()

    def action_cancel(self) -> None:
        self.dismiss(None)
