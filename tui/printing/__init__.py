"""Printable PDFs of a planned round: box labels (箱贴) on label sheets and the hand-over
manifests (交接清单) per vehicle and per drop point.

fpdf2 writes the pages (pure Python; it embeds only the glyphs used of a TrueType CJK font, so a
round's labels stay small) and segno makes the payment reference's QR code, drawn as vector
squares so it prints sharp at any size. Both are imported only when a PDF is written. The figures
come from :mod:`core.rounds` and :mod:`core.manifests`; nothing here decides anything.
"""

from __future__ import annotations

from tui.printing.fonts import FontMissing, cjk_font

__all__ = ["FontMissing", "cjk_font"]
