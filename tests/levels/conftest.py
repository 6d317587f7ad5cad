from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import core

SETTINGS = '''name = "测试热线台"
name_en = "Test desk"
time_zone = "Asia/Shanghai"
supervisors = ["zhou.min"]
training = true
'''

COMMUNITIES = '''[[district]]
code = "hexi"
name = "河西区"
name_en = "Hexi"

[[community]]
code = "jinxiu"
name = "锦绣"
name_en = "Jinxiu"
district = "hexi"
population = 4000

[[community]]
code = "binhe"
name = "滨河"
name_en = "Binhe"
district = "hexi"
population = 6000
'''


@pytest.fixture
def level_desk(tmp_path: Path) -> Iterator[core.Desk]:
    """A small desk: one district, two communities, one supervisor."""
    root = tmp_path / "desk"
    root.mkdir()
    (root / "desk.toml").write_text(SETTINGS, encoding="utf-8")
    (root / "communities.toml").write_text(COMMUNITIES, encoding="utf-8")
    desk = core.open_desk(root)
    assert desk.problems == []
    yield desk
    desk.cases.index.close()
