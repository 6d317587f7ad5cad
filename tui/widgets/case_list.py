"""The queue's list of cases: a virtual list drawing only the rows on screen (line API).

Like Toolong's log view, it is a :class:`~textual.scroll_view.ScrollView` whose ``virtual_size``
is the number of matching cases; :meth:`CaseList.render_line` draws one row, fetching the rows
of the visible page from the index by id when they are not cached. The list holds ids only (a
filter of 100,000 cases is a list of 100,000 short strings), rows in an LRU cache, and rendered
lines in a second LRU cache keyed by everything that changes how a line looks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.cases.case import Priority
from core.cases.index import CaseRow
from core.desk import Desk
from tui.i18n import _, category_name, flag_marks, language, record_name, status_name
from tui.text import fit, fit_label, time_left
from tui.widgets.source import CaseSource

ROW_CACHE = 5000
LINE_CACHE = 2000
PAGE = 100

#: (column key, English title, width) in the order they are shown; None width takes the rest
COLUMNS: list[tuple[str, str, int | None]] = [
    ("mark", "", 1),
    ("id", "Case", 13),
    ("status", "Status", 9),
    ("left", "Time left", 10),
    ("category", "Category", 14),
    ("name", "Caller", 8),
    ("flags", "Flags", 6),
    ("community", "Community", 10),
    ("department", "Department", 12),
    ("phone", "Phone", 12),
    ("text", "Address", None),
]
#: columns of names, shortened by whole words when too long
_LABELS = {"status", "category", "community", "department"}
#: columns dropped, in this order, when the terminal is narrow
_DROP_ORDER = ["phone", "department", "community"]


#: wider columns for English, whose words are longer than the Chinese ones
_ENGLISH_WIDTHS = {"status": 11, "category": 16}


def layout(width: int) -> list[tuple[str, int]]:
    """The columns that fit ``width`` cells and their widths (the last one takes the rest)."""
    wider = _ENGLISH_WIDTHS if language() == "en" else {}
    shown = [(k, wider.get(k, w)) for k, _t, w in COLUMNS]
    for drop in _DROP_ORDER:
        fixed = sum((w or 0) + 1 for _k, w in shown)
        if fixed + 12 <= width:
            break
        shown = [(k, w) for k, w in shown if k != drop]
    fixed = sum((w or 0) + 1 for _k, w in shown if w is not None)
    return [(k, w if w is not None else max(0, width - fixed)) for k, w in shown]


def header_text(width: int) -> str:
    titles = {k: t for k, t, _w in COLUMNS}
    return " ".join(fit(_(titles[k]) if titles[k] else "", w) for k, w in layout(width))


class CaseList(ScrollView, can_focus=True):
    """A cursor over the ids of the cases matching the queue's filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False, id="list.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("home", "jump(0)", "First", show=False, id="list.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="list.last"),
        Binding("enter", "open", "View", id="list.open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "case-list--cursor",
        "case-list--overdue",
        "case-list--priority",
        "case-list--closed",
        "case-list--late-callback",
        "case-list--loading",
    }
    DEFAULT_CSS = """
    CaseList { height: 1fr; overflow-x: hidden; overflow-y: auto; }
    CaseList > .case-list--cursor { background: $accent 40%; }
    CaseList:focus > .case-list--cursor { background: $accent; color: $text; }
    CaseList > .case-list--overdue { color: $error; text-style: bold; }
    CaseList > .case-list--priority { color: $warning; }
    CaseList > .case-list--closed { color: $text-muted; }
    CaseList > .case-list--late-callback { color: $warning; }
    CaseList > .case-list--loading { color: $text-disabled; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, case_id: str | None) -> None:
            super().__init__()
            self.case_id = case_id

    class Opened(Message):
        def __init__(self, case_id: str) -> None:
            super().__init__()
            self.case_id = case_id

    def __init__(self, desk: Desk, clock: Callable[[], datetime], *, id: str | None = None):
        super().__init__(id=id)
        self.desk = desk
        self.clock = clock
        self.source = CaseSource(desk)
        self.ids: Sequence[str] = []
        self._rows: OrderedDict[str, CaseRow] = OrderedDict()
        self._lines: OrderedDict[tuple[object, ...], Strip] = OrderedDict()
        self._minute = ""

    # --- data -----------------------------------------------------------------------------

    def set_ids(self, ids: Sequence[str], *, keep: str | None = None) -> None:
        """Show these ids (in order); keep the cursor on ``keep`` (or the current case)."""
        current = keep or self.current_id
        self.ids = ids
        self.virtual_size = Size(self.size.width, len(ids))
        position = 0
        if current is not None:
            try:
                position = ids.index(current)
            except ValueError:
                position = min(self.cursor, max(0, len(ids) - 1))
        self.cursor = position
        self.refresh()

    def forget(self, ids: set[str] | None = None) -> None:
        """Drop cached rows (all, or these ids) so they are read again from the index."""
        if ids is None:
            self._rows.clear()
        else:
            for case_id in ids:
                self._rows.pop(case_id, None)
        self.refresh()

    @property
    def current_id(self) -> str | None:
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    def row(self, index: int) -> CaseRow | None:
        if not 0 <= index < len(self.ids):
            return None
        case_id = self.ids[index]
        row = self._rows.get(case_id)
        if row is not None:
            self._rows.move_to_end(case_id)
            return row
        self._fetch_around(index)
        return self._rows.get(case_id)

    def _fetch_around(self, index: int) -> None:
        height = max(self.size.height, 1)
        start = max(0, index - PAGE // 2)
        wanted = [i for i in self.ids[start : start + PAGE + height] if i not in self._rows]
        for case_id, row in self.source.rows(wanted).items():
            self._rows[case_id] = row
        while len(self._rows) > ROW_CACHE:
            self._rows.popitem(last=False)

    # --- drawing --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if index >= len(self.ids):
            return Strip.blank(width, self.rich_style)
        row = self.row(index)
        now = self.clock()
        minute = now.strftime("%Y%m%d%H%M")
        if minute != self._minute:
            self._minute = minute
            self._lines.clear()
        selected = index == self.cursor
        key = (self.ids[index], row.revision if row else -1, width, selected, self.has_focus,
               language())
        strip = self._lines.get(key)
        if strip is None:
            strip = self._render_row(row, self.ids[index], width, selected, now)
            self._lines[key] = strip
            while len(self._lines) > LINE_CACHE:
                self._lines.popitem(last=False)
        return strip

    def _render_row(self, row: CaseRow | None, case_id: str, width: int, selected: bool,
                    now: datetime) -> Strip:
        base = self.rich_style
        if row is None:
            text = fit(f"  {case_id}", width)
            style = base + self.get_component_rich_style("case-list--loading")
            return Strip([Segment(text, style)], width)
        # overdue is open work past its due time; a late call-back is marked apart, not red
        late_callback = row.is_callback_late(now)
        left, overdue = time_left(now, row.due if row.is_open else row.callback_due)
        overdue = overdue and row.is_open
        if not row.is_open and not late_callback:
            left = ""
        priority = bool(row.flags) or row.priority is Priority.URGENT
        if overdue:
            style = self.get_component_rich_style("case-list--overdue")
        elif late_callback:
            style = self.get_component_rich_style("case-list--late-callback")
        elif not row.is_open:
            style = self.get_component_rich_style("case-list--closed")
        elif priority:
            style = self.get_component_rich_style("case-list--priority")
        else:
            style = Style()
        mark = "!" if overdue else "~" if late_callback else (
            "*" if priority and row.is_open else " ")
        values = {
            "mark": mark,
            "id": row.id,
            "status": status_name(row.status),
            "left": left,
            "category": category_name(row.category),
            "name": row.name,
            "flags": flag_marks(row.flags),
            "community": record_name(self.desk.communities.get(row.community), row.community),
            "department": record_name(self.desk.departments.get(row.department),
                                      row.department),
            "phone": row.phone,
            "text": row.address,
        }
        text = " ".join(fit_label(values[k], w) if k in _LABELS else fit(values[k], w)
                        for k, w in layout(width))
        style = base + style
        if selected:
            style += self.get_component_rich_style("case-list--cursor")
        return Strip([Segment(fit(text, width), style)], width)

    def notify_style_update(self) -> None:
        self._lines.clear()
        super().notify_style_update()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.ids))
        self._lines.clear()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def relabel(self) -> None:
        """Redraw in the current language."""
        self._lines.clear()
        self.refresh()

    # --- cursor ---------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh_line(old)
        self.refresh_line(new)
        self.post_message(self.Highlighted(self.current_id))

    def refresh_line(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if self.ids:
            self.cursor = max(0, min(len(self.ids) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        if self.ids:
            self.cursor = len(self.ids) - 1 if where < 0 else 0

    def action_open(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Opened(self.current_id))

    def on_click(self, event: object) -> None:
        offset = getattr(event, "y", None)
        if isinstance(offset, int):
            self.cursor = max(0, min(len(self.ids) - 1, self.scroll_offset.y + offset))

    def on_unmount(self) -> None:
        self.source.close()
