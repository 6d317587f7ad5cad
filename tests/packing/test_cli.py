from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main

GOOD = """\
[box]
max_kg = 10
max_l = 30

[[items]]
id = "rice"
kg = 5
l = 6
count = 2
class = "food"

[[items]]
id = "84"
kg = 0.5
l = 0.6
class = "chemical"

[[items]]
id = "veg"
kg = 0.4
count = 9
class = "food"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "items.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["pack", str(write(tmp_path, GOOD)), "--json", "--time-limit", "0.5"])
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    assert out["count"] == 3
    assert out["lower_bound"] == 3
    assert out["gap"] == 0
    assert sorted(i for b in out["boxes"] for i in b) == sorted(["rice"] * 2 + ["84"] + ["veg"] * 9)
    assert ["84"] in out["boxes"]


def test_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack", str(write(tmp_path, GOOD))]) == 0
    out = capsys.readouterr().out
    assert "veg×9" in out
    assert "boxes: 3  lower bound: 3  gap: 0 (optimal)" in out


def test_items_without_volume_or_class(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '[box]\nmax_kg = 10\n\n[[items]]\nid = "a"\nkg = 6\ncount = 3\n'
    assert main(["pack", str(write(tmp_path, text)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["boxes"] == [["a"], ["a"], ["a"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[box]\nmax_kg = 10\ncolour = "red"\n', ":3: box.colour: unknown field"),
        ('[box]\nmax_kg = 10\n\n[[items]]\nid = "a"\nkg = -1\n', ":6: items[0].kg: must not be"),
        ('[box]\nmax_kg = 10\n\n[[items]]\nid = "a"\nkg = 11\n', ":6: items[0].kg: item 'a'"),
        ('[box]\nmax_kg = 10\nmax_l = 2\n[[items]]\nid = "a"\nkg = 1\nl = 3\n', ":7: items[0].l"),
        ('[box]\nmax_kg = 10\n\n[[items]]\nid = "a"\nkg = 1\nwho = 1\n', ":7: items[0].who"),
        ('[box]\nmax_kg = 10\n\n[[items]]\nid = "a"\nkg = 1\ncount = 0\n', ":7: items[0].count"),
        ('[box]\nmax_kg = 10\n\n[[items]]\nid = "a"\nkg = "x"\n', ":6: items[0].kg: expected"),
        ('[box]\nmax_kg = 0\n', ":2: box.max_kg: must be positive"),
        ('[[items]]\nid = "a"\nkg = 1\n', ":1: box: missing [box]"),
        ("[box\nmax_kg = 1\n", ":1: TOML syntax error"),
    ],
)
def test_bad_input_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    assert main(["pack", str(write(tmp_path, text)), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert expected in captured.err
    assert captured.err.startswith(str(tmp_path / "items.toml"))


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack", str(tmp_path / "nope.toml")]) == 2
    assert "file not found" in capsys.readouterr().err
