"""Box labels (箱贴) as PDF label sheets: ``per_page`` labels in a grid on each A4 page.

Each label carries what the seeds ask the supermarket to print (DOMAIN.md section 6): the
community and address, the drop point, the order and box number, the amount due or "paid" /
"on account" (已付/记账), the payment reference as a QR code and as text, and the contents.
The default, 8 a page, is the 2 x 4 grid of the common 99 x 68 mm A4 label sheets; thin grey
lines mark the cuts on plain paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.desk import Desk
from core.packing.orders import Label
from core.rounds import RoundPlan
from tui.i18n import _
from tui.printing.pages import A4_MM, FAMILY, document, qr, save

if TYPE_CHECKING:
    from fpdf import FPDF

DEFAULT_PER_PAGE = 8
#: the most labels a page may hold: beyond this a label is too small to read the contents
MAX_PER_PAGE = 24
MARGIN_TOP_MM = 10.0
MARGIN_SIDE_MM = 5.0
GAP_MM = 2.5
SMALLEST_PT = 5.5
PT_MM = 25.4 / 72


@attrs.frozen
class Grid:
    """How labels sit on a page: columns, rows and each label's size in mm."""

    columns: int
    rows: int
    width: float
    height: float

    @property
    def cells(self) -> int:
        return self.columns * self.rows


def grid(per_page: int) -> Grid:
    """The grid of ``per_page`` labels: one column up to 3, three from 18, two between."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"labels per page: from 1 to {MAX_PER_PAGE}, not {per_page}")
    columns = 1 if per_page <= 3 else 3 if per_page >= 18 else 2
    rows = -(-per_page // columns)
    width = (A4_MM[0] - 2 * MARGIN_SIDE_MM - (columns - 1) * GAP_MM) / columns
    height = (A4_MM[1] - 2 * MARGIN_TOP_MM) / rows
    return Grid(columns, rows, width, height)


@attrs.frozen
class PrintedLabel:
    """A box's label and the drop point the box goes to."""

    label: Label
    drop_point: str


def printed_labels(desk: Desk, plan: RoundPlan) -> list[PrintedLabel]:
    """Every box label of the round in the plan's order, with its drop point."""
    community_of = {order.id: order.community for order in plan.round.orders}
    found: list[PrintedLabel] = []
    for packing in plan.packings:
        community = desk.communities.get(community_of.get(packing.order, ""))
        drop_point = (community.drop_point or community.name) if community else ""
        found.extend(PrintedLabel(box.label, drop_point) for box in packing.boxes)
    return found


def kind_name(kind: str) -> str:
    names = {"food": _("food"), "chilled": _("chilled"),
             "chemical": _("chemicals: keep away from food")}
    return names.get(kind, _("mixed"))


def write_labels(desk: Desk, plan: RoundPlan, path: Path, *,
                 per_page: int = DEFAULT_PER_PAGE) -> tuple[int, int]:
    """Write the round's box labels to ``path``; ``(labels, pages)``.

    Raises :class:`tui.printing.FontMissing` when there is no CJK font and ValueError for a
    ``per_page`` out of range, before anything is written.
    """
    layout = grid(per_page)
    labels = printed_labels(desk, plan)
    pdf = document(f"{_('Labels')} {plan.round.code}", margin_mm=0)
    pdf.set_auto_page_break(False)
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.1)
    for start in range(0, len(labels), per_page):
        pdf.add_page()
        for slot, printed in enumerate(labels[start:start + per_page]):
            row, column = divmod(slot, layout.columns)
            x = MARGIN_SIDE_MM + column * (layout.width + GAP_MM)
            y = MARGIN_TOP_MM + row * layout.height
            pdf.rect(x, y, layout.width, layout.height)
            draw_label(pdf, printed, x, y, layout.width, layout.height)
    pages = pdf.pages_count
    save(pdf, path, mode=desk.file_mode)
    return len(labels), pages


def draw_label(pdf: FPDF, printed: PrintedLabel, x: float, y: float, width: float,
               height: float) -> None:
    """One label in the ``width`` x ``height`` mm box at x, y."""
    label = printed.label
    pad = min(3.0, height * 0.06)
    base = max(6.0, min(11.0, height / 6.5))
    code = min(height - 2 * pad - base * 1.4 * PT_MM, width * 0.4, 34.0)
    has_code = bool(label.payment_ref) and code >= 12.0
    left = width - 2 * pad - (code + pad if has_code else 0)
    cursor = y + pad
    for text, size in (
        (f"{label.community} {label.address}", base * 1.3),
        (f"{_('Drop point')}: {printed.drop_point}", base * 0.9),
        (f"{_('Order')} {label.order}  {label.household}  "
         f"{_('box {box} of {of}').format(box=label.box, of=label.of)}", base * 0.9),
        (kind_name(label.kind), base * 0.9),
        (label.payment, base * 1.6),
    ):
        used = fit(pdf, text, left, size)
        pdf.set_xy(x + pad, cursor)
        pdf.cell(left, used * PT_MM * 1.25, pdf_text(pdf, text, left))
        cursor += used * PT_MM * 1.3
    goods = [f"{name}×{n}" for name, n in label.contents]
    pieces = [f"{_('Contents')}: ", *(f"{piece}、" for piece in goods[:-1]), *goods[-1:]]
    contents(pdf, pieces, x + pad, cursor, left, y + height - pad - cursor, base)
    if has_code:
        right = x + width - pad - code
        qr(pdf, label.payment_ref, right, y + pad, code)
        size = fit(pdf, label.payment_ref, code, base * 0.9)
        pdf.set_xy(right, y + pad + code)
        pdf.cell(code, size * PT_MM * 1.2, label.payment_ref, align="C")


def fit(pdf: FPDF, text: str, width: float, size: float) -> float:
    """Set and return the largest font size up to ``size`` at which ``text`` fits ``width``."""
    pdf.set_font(FAMILY, size=size)
    while size > SMALLEST_PT and pdf.get_string_width(text) > width:
        size = max(SMALLEST_PT, size - 0.5)
        pdf.set_font(FAMILY, size=size)
    return size


def pdf_text(pdf: FPDF, text: str, width: float, *, cut: bool = False) -> str:
    """``text``, cut with an ellipsis where even the smallest size does not fit ``width`` (or
    always, when ``cut``: there is more that does not fit)."""
    if not cut and pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def wrap(pdf: FPDF, pieces: Sequence[str], width: float) -> list[str]:
    """``pieces`` (the goods, each with its separator) in lines of at most ``width`` mm at the
    current font size, broken between goods, so that no line starts with "、" or "×2"; a piece
    longer than a line is broken between its characters."""
    lines: list[str] = []
    current = ""
    for piece in pieces:
        if pdf.get_string_width(current + piece) <= width:
            current += piece
            continue
        if current:
            lines.append(current)
        current = ""
        for char in piece:
            if current and pdf.get_string_width(current + char) > width:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def contents(pdf: FPDF, pieces: Sequence[str], x: float, y: float, width: float,
             height: float, size: float) -> None:
    """``pieces`` wrapped into the box, the font made smaller until they fit, then cut short."""
    while True:
        pdf.set_font(FAMILY, size=size)
        line = size * PT_MM * 1.25
        lines = wrap(pdf, pieces, width)
        if len(lines) * line <= height or size <= SMALLEST_PT:
            break
        size = max(SMALLEST_PT, size - 0.5)
    room = max(1, int(height // line))
    if len(lines) > room:
        lines = [*lines[:room - 1], pdf_text(pdf, lines[room - 1], width, cut=True)]
    for number, text_line in enumerate(lines):
        pdf.set_xy(x, y + number * line)
        pdf.cell(width, line, text_line)
