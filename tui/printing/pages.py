"""An A4 document set in the CJK font, and writing it: what the labels and manifests share."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.storage.atomic import make_directories, write_atomic
from tui.printing.fonts import cjk_font

if TYPE_CHECKING:
    from fpdf import FPDF

FAMILY = "cjk"
A4_MM = (210.0, 297.0)


def document(title: str, *, margin_mm: float = 12.0) -> FPDF:
    """An empty A4 portrait document whose font is the CJK one (:class:`FontMissing` if none)."""
    from fpdf import FPDF

    font = cjk_font()
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("baogong")
    pdf.set_margins(margin_mm, margin_mm, margin_mm)
    pdf.set_auto_page_break(True, margin=margin_mm)
    pdf.add_font(FAMILY, fname=str(font.path), collection_font_number=font.index)
    pdf.set_font(FAMILY, size=10)
    return pdf


def save(pdf: FPDF, path: Path, *, mode: int = 0o644) -> Path:
    """Write ``pdf`` to ``path`` atomically: a reader never sees half a file."""
    make_directories(path.parent, mode=mode)
    write_atomic(path, bytes(pdf.output()), mode=mode)
    return path


def qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """``text`` as a QR code (segno, error correction M) filling a ``size`` mm square at x, y.

    Drawn as filled rectangles, one per run of dark modules in a row; the square includes the
    quiet zone of four modules that scanners need.
    """
    matrix = qr_matrix(text)
    modules = len(matrix) + 8
    unit = size / modules
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        start = None
        for column, dark in enumerate([*cells, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:  # a run of dark modules, one rectangle
                pdf.rect(x + (4 + start) * unit, y + (4 + row) * unit, (column - start) * unit,
                         unit, style="F")
                start = None


@lru_cache(maxsize=64)
def qr_matrix(text: str) -> tuple[tuple[int, ...], ...]:
    """The modules of ``text``'s QR code, rows of 1 (dark) and 0; an order's boxes share one."""
    import segno

    return tuple(tuple(row) for row in segno.make_qr(text, error="m").matrix)
