"""Widgets shared by the screens: translated labels, compact fields, pickers, dialogs, chrome.

Everything is compact (no borders drawn with box characters, whose width is ambiguous in
Chinese terminals) and works from the keyboard alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Self

import attrs
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, KeyPanel, OptionList, Static, TextArea
from textual.widgets._footer import FooterKey
from textual.widgets.option_list import Option

from core import identity
from tui import i18n
from tui.i18n import _
from tui.pinyin import matches, rank, search_keys


def _blink(widget: Widget) -> bool:
    return bool(getattr(widget.app, "cursor_blink", True))


class TextField(Input):
    """A one-line compact input whose placeholder is translated.

    A key typed into it repaints the field alone: Textual's ``Input`` asks for a layout of the
    whole screen on every change of its text (its scrollable width follows the text), which on
    a form of forty widgets costs more than the key itself. The field's own size does not
    follow its text unless its width is ``auto``, so only then is the screen laid out again.
    """

    #: the text is changing (Input's watcher runs): a layout it asks for is not needed
    _text_changing = False

    def __init__(self, value: str = "", *, placeholder: str = "", **kwargs: Any) -> None:
        super().__init__(value, placeholder=_(placeholder) if placeholder else "",
                         compact=True, **kwargs)
        self.msgid = placeholder

    def _watch_value(self, value: str) -> None:
        self._text_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._text_changing = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        if layout and self._text_changing and not self.styles.auto_dimensions:
            layout = False  # the text scrolls inside the field: nothing around it moves
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def on_mount(self) -> None:
        self.cursor_blink = _blink(self)

    def relabel(self) -> None:
        if self.msgid:
            self.placeholder = _(self.msgid)


class NoteArea(TextArea):
    """A compact multi-line text box."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(text, compact=True, soft_wrap=True, show_line_numbers=False, **kwargs)

    def on_mount(self) -> None:
        self.cursor_blink = _blink(self)


class Tr(Static):
    """A label shown in the current language (looked up again on every redraw)."""

    def __init__(self, msgid: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.msgid = msgid

    def render(self) -> Text:
        return Text(_(self.msgid))

    def relabel(self) -> None:
        self.refresh(layout=True)


#: bindings offered (footer, command palette) only to the desk's supervisors
SUPERVISOR_BINDINGS = frozenset({"queue.console"})


def is_supervisor(app: object) -> bool:
    """Whether the operator at the keyboard is one of the desk's supervisors."""
    desk = getattr(app, "desk", None)
    return desk is not None and identity.is_supervisor(desk, getattr(app, "operator", ""))


def offered(app: object, binding: Binding) -> bool:
    """Whether ``binding`` is offered to this operator (the console is for supervisors)."""
    return binding.id not in SUPERVISOR_BINDINGS or is_supervisor(app)


#: keys of every screen, the first to leave a footer too narrow for all
_GLOBAL_KEYS = frozenset({"app.quit", "app.language"})


class DeskFooter(Footer):
    """Textual's footer with the binding descriptions translated, compact to fit 80 columns."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        #: what the footer shows now: (key, description, enabled, tooltip) of each key
        self._showing: list[tuple[str, str, bool, str]] | None = None
        self._looking = False

    def bindings_changed(self, screen: Screen[Any]) -> None:
        # Every focus change refreshes the bindings, often several times over: mounting every
        # key of the footer again each time made a key that moves the focus pay for a footer
        # that had not changed. It is looked at once, after the refresh, and redone if changed.
        self._bindings_ready = True
        if (screen.app.app_focus and self.is_attached and screen is self.screen
                and not self._looking):
            self._looking = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._looking = False
        if self.is_attached and self._showing != self._keys():
            await self.recompose()

    def _keys(self) -> list[tuple[str, str, bool, str]]:
        return [(binding.key, _(binding.description), enabled, tooltip)
                for binding, enabled, tooltip in self._offered()]

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._showing = self._keys()
        for binding, enabled, tooltip in self._offered():
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                _(binding.description),
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)

    def _offered(self) -> list[tuple[Binding, bool, str]]:
        """The screen's keys this operator is offered that fit the line."""
        seen: set[str] = set()
        shown: list[tuple[Binding, bool, str]] = []
        keys_binding: Binding | None = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.id == "app.keys":
                keys_binding = binding
            if not offered(self.app, binding):
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            shown.append((binding, enabled, tooltip))
        return self._fitting(shown, keys_binding)

    def _fitting(self, shown: list[tuple[Binding, bool, str]],
                 keys_binding: Binding | None) -> list[tuple[Binding, bool, str]]:
        """The keys that fit the line whole: when they do not, the keys every screen has
        (quit, language) give way to ``f1 Keys``, which lists them all, then the last ones go."""
        width = self.app.size.width

        def cells(items: list[tuple[Binding, bool, str]]) -> int:
            return sum(cell_len(self.app.get_key_display(b)) + cell_len(_(b.description)) + 2
                       for b, _e, _t in items)

        if cells(shown) <= width:
            return shown
        kept = [item for item in shown if item[0].id not in _GLOBAL_KEYS]
        if keys_binding is not None:
            help_item = (Binding(keys_binding.key, keys_binding.action, "Keys",
                                 id=keys_binding.id), True, "")
            while kept and cells([*kept, help_item]) > width:
                kept.pop()
            return [*kept, help_item]
        while kept and cells(kept) > width:
            kept.pop()
        return kept


class DeskKeys(Widget):
    """Every key of the current screen (the desk's own bindings, each with an id), translated."""

    DEFAULT_CSS = """
    DeskKeys { width: auto; height: auto; }
    """

    def render(self) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", style="bold")
        table.add_column()
        seen: set[str] = set()
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            # Textual's own bindings (cursor keys inside a field...) carry no id
            if not binding.id or binding.system or not offered(self.app, binding):
                continue
            if binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            table.add_row(self.app.get_key_display(binding), _(binding.description))
        return table


class DeskKeyPanel(KeyPanel):
    """The f1 panel: Textual's key panel listing :class:`DeskKeys` instead."""

    # no line drawn at its edge: the box characters have ambiguous width in Chinese terminals
    DEFAULT_CSS = """
    DeskKeyPanel { border-left: none; background: $panel; }
    """

    def compose(self) -> ComposeResult:
        yield DeskKeys()


@attrs.frozen
class Choice:
    """One thing a picker offers: the value returned, the label shown, what typing matches."""

    value: str
    label: str
    keys: str = ""

    @classmethod
    def of(cls, value: str, label: str, *extra: str) -> Choice:
        return cls(value, label, search_keys(value, label, *extra))


class Picker(ModalScreen[str | None]):
    """Type to narrow (name, pinyin initials or code), arrows to move, enter to pick, esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="picker.page_down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="picker.page_up"),
    ]
    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker > Vertical {
        width: 60; max-width: 100%; height: auto; max-height: 90%;
        background: $panel; padding: 0 1;
    }
    Picker .title { text-style: bold; }
    Picker OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, choices: Sequence[Choice], current: str | None = None):
        super().__init__()
        self.title_msgid = title
        self.choices = list(choices)
        self.current = current
        self.shown: list[Choice] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_(self.title_msgid), classes="title")
            yield TextField(placeholder="Type a name, pinyin initials or code", id="filter")
            yield OptionList(compact=True, id="options")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#filter", Input).focus()

    def _fill(self, typed: str) -> None:
        self.shown = [c for c in self.choices if not typed or matches(typed, c.keys)]
        if typed:
            # an exact match first (typing bmy picks 不满意, not 基本满意); otherwise list order
            self.shown.sort(key=lambda c: rank(typed, c.keys))
        options = self.query_one("#options", OptionList)
        options.set_options([Option(c.label, id=str(i)) for i, c in enumerate(self.shown)])
        if self.shown:
            index = 0
            if not typed and self.current is not None:
                for i, c in enumerate(self.shown):
                    if c.value == self.current:
                        index = i
            options.highlighted = index

    @on(Input.Changed, "#filter")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _submitted(self) -> None:
        options = self.query_one("#options", OptionList)
        if options.highlighted is not None and self.shown:
            self.dismiss(self.shown[options.highlighted].value)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[int(event.option_id or 0)].value)

    def action_move(self, delta: int) -> None:
        options = self.query_one("#options", OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + delta))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickerField(Widget, can_focus=True):
    """A field whose value is picked from a list: enter or space opens the picker."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "pick", "Choose", id="field.pick"),
    ]
    DEFAULT_CSS = """
    PickerField { height: 1; width: 1fr; background: $surface; }
    PickerField:focus { background: $accent 30%; }
    """

    class Changed(Message):
        def __init__(self, field: PickerField, value: str | None) -> None:
            super().__init__()
            self.field = field
            self.value = value

        @property
        def control(self) -> PickerField:
            return self.field

    def __init__(self, title: str, choices: Callable[[], Sequence[Choice]],
                 value: str | None = None, *, empty: str = "(none)", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_msgid = title
        self.choices = choices
        self.value = value
        self.empty = empty

    def render(self) -> Text:
        label = _(self.empty)
        if self.value is not None:
            for choice in self.choices():
                if choice.value == self.value:
                    label = choice.label
                    break
            else:
                label = self.value
        return Text(f"[{label}]" if self.has_focus else f" {label}")

    def set_value(self, value: str | None, *, notify: bool = True) -> None:
        self.value = value
        self.refresh()
        if notify:
            self.post_message(self.Changed(self, value))

    def action_pick(self) -> None:
        def picked(value: str | None) -> None:
            if value is not None:
                self.set_value(value)

        self.app.push_screen(Picker(self.title_msgid, self.choices(), self.value), picked)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def relabel(self) -> None:
        self.refresh()


class Confirm(ModalScreen[bool]):
    """A yes/no question: y or enter for yes, n or escape for no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 60; max-width: 100%; height: auto; background: $panel;
                         padding: 1 2; }
    Confirm .keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Static(f"y {_(self.yes)}    n {_(self.no)}", classes="keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class Notice(ModalScreen[None]):
    """A message that waits for enter or escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "close", "Close", id="notice.close"),
    ]
    DEFAULT_CSS = """
    Notice { align: center middle; }
    Notice > Vertical { width: 64; max-width: 100%; height: auto; background: $panel;
                        padding: 1 2; }
    Notice .big { text-style: bold; color: $success; content-align: center middle;
                  width: 100%; margin: 1 0; }
    Notice .keys { color: $text-muted; }
    """

    def __init__(self, title: str, big: str = "", body: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.big = big
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text)
            if self.big:
                yield Static(self.big, classes="big")
            if self.body:
                yield Static(self.body)
            yield Static(f"enter {_('Close')}", classes="keys")

    def action_close(self) -> None:
        self.dismiss(None)


def speak(app: App[Any], language: str) -> None:
    """``app`` in ``language`` (zh or en): the catalogue, every widget that labels itself
    (``relabel``) on every screen, and the footer's keys."""
    i18n.set_language(language)
    for screen in app.screen_stack:
        for widget in [screen, *screen.walk_children()]:
            relabel = getattr(widget, "relabel", None)
            if callable(relabel):
                relabel()
    app.refresh_bindings()
    app.refresh(layout=True)
