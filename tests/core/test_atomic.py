"""Streamed writes through core.storage.atomic: whole files or none, with the asked mode."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from core.storage.atomic import leftover_temporaries, replacing, replacing_text


def test_a_streamed_text_file_appears_whole_with_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text("old", encoding="utf-8")
    with replacing_text(path, mode=0o640) as out:
        out.write("[\n")
        assert path.read_text(encoding="utf-8") == "old"  # nothing shows before the end
        out.write("]\n")
    assert path.read_text(encoding="utf-8") == "[\n]\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftover_temporaries(tmp_path, older_than=-1) == []


def test_an_error_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(path, mode=0o600) as out:
        out.write(b"half")
        raise RuntimeError("stopped")
    assert path.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [path]


def test_text_keeps_the_encoding_and_newlines_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    with replacing_text(path, encoding="utf-8-sig", newline="") as out:
        out.write("名称\r\n")
    assert path.read_bytes() == "\ufeff名称\r\n".encode()
