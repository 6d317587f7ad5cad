"""The CJK font the printouts are set in: found with fontconfig, or at Debian's known paths.

``BAOGONG_CJK_FONT`` (a ``.ttf`` or ``.ttc`` file, ``FILE`` or ``FILE:INDEX`` for a font
collection) chooses one explicitly. Otherwise ``fc-list`` is asked for a TrueType font covering
Simplified Chinese, and if fontconfig is missing the paths Debian's packages install to are
tried. Only TrueType outlines are used: they are what the PDF writer embeds as a subset.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import attrs

ENVIRONMENT = "BAOGONG_CJK_FONT"
#: what to install when no font is found (``.ci/run`` installs the first)
PACKAGES = ("fonts-wqy-microhei", "fonts-wqy-zenhei")
#: where Debian's packages put their TrueType CJK fonts, the preferred first
KNOWN_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
PREFERRED = ("wqy-microhei", "wqy-zenhei", "droid", "uming")


class FontMissing(LookupError):
    """No CJK font to print with; the message says what to install."""


@attrs.frozen
class Font:
    """A font file and, in a collection (``.ttc``), the font's number in it."""

    path: Path
    index: int = 0


def _from_environment(value: str) -> Font:
    path, _sep, index = value.rpartition(":")
    if not path or not index.isdigit():
        path, index = value, "0"
    font = Font(Path(path), int(index))
    if not font.path.is_file():
        raise FontMissing(f"{ENVIRONMENT}={value}: no such font file")
    return font


def _fontconfig() -> list[Font]:
    """TrueType fonts fontconfig knows for Simplified Chinese, the preferred first."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listing = subprocess.run(
            [fc_list, ":lang=zh-cn", "-f", "%{file}|%{index}|%{fontformat}\n"],
            capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in listing.splitlines():
        path, _sep, rest = line.partition("|")
        index, _sep, kind = rest.partition("|")
        if kind == "TrueType" and index.isdigit() and Path(path).is_file():
            found.append(Font(Path(path), int(index)))

    def rank(font: Font) -> tuple[int, str, int]:
        name = font.path.name.lower()
        place = next((n for n, want in enumerate(PREFERRED) if want in name), len(PREFERRED))
        return place, str(font.path), font.index

    return sorted(found, key=rank)


def cjk_font() -> Font:
    """The font to print Chinese with; :class:`FontMissing` naming the package to install."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return _from_environment(chosen)
    found = _fontconfig()
    if found:
        return found[0]
    for path in KNOWN_PATHS:
        if path.is_file():
            return Font(path)
    raise FontMissing(
        "no Chinese font to print with: install one, e.g. `apt-get install "
        f"{PACKAGES[0]}` (or {', '.join(PACKAGES[1:])}), or set {ENVIRONMENT} to a .ttf/.ttc "
        "file")
