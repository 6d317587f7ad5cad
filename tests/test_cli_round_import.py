"""``baogong round import ROUND FILE``: a group list's orders into a round, from a script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.desk import Desk
from core.rounds import read_round
from tests.conftest import Run

LIST = """#接龙
锦绣社区第25轮团购，11点截止
例 3栋2单元401 张三 蔬菜包x1 大米5kg×2

1. 13栋4单元404 邹伟 蔬菜包x1 大米5kg×2 鸡蛋30枚
2、11-3-1402 常国 西红柿1kg 两袋土豆 已付
3) 3-3-203 大白菜2棵 猪肉
"""
GOOD = "\n".join(LIST.splitlines()[:-1]) + "\n"


def _write(tmp_path: Path, text: str, name: str = "list.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _round(desk_dir: Path) -> Path:
    return desk_dir / "rounds" / "r1125.toml"


def _import(run: Run, desk_dir: Path, path: Path, *more: str) -> tuple[int, str, str]:
    return run("round", "import", "r1125", str(path), "--desk", str(desk_dir), *more)


def test_json_lists_each_unreadable_line_and_adds_the_readable_ones(
        run: Run, demo_desk_dir: Path, tmp_path: Path) -> None:
    before = len(read_round(Desk.open(demo_desk_dir), _round(demo_desk_dir)).orders)
    status, out, _ = _import(run, demo_desk_dir, _write(tmp_path, LIST), "--json", "--lang", "en")
    assert status == 1
    assert json.loads(out) == {"orders": 2, "lines": 3, "added": 2, "unreadable": [
        {"line": 7, "text": "3) 3-3-203 大白菜2棵 猪肉", "why": 'unknown goods "猪肉"'}]}
    orders = read_round(Desk.open(demo_desk_dir), _round(demo_desk_dir)).orders
    assert len(orders) == before + 2
    added = {o.household: o for o in orders[before:]}
    assert [(line.code, line.quantity) for line in added["h0001"].lines] == [
        ("veg-pack-5kg", 1), ("rice-5kg", 2), ("eggs-30", 1)]
    assert added["h0002"].payment.value == "paid"
    assert all(o.source.startswith("list ") for o in added.values())


def test_the_same_list_twice_adds_nothing(run: Run, demo_desk_dir: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    assert _import(run, demo_desk_dir, path, "--json")[0] == 0
    written = _round(demo_desk_dir).read_bytes()
    moved = "接龙（补发）\n" + GOOD.replace("1. ", "7. ").replace("2、", "8、")
    renumbered = _write(tmp_path, moved, "again.txt")
    status, out, _ = _import(run, demo_desk_dir, renumbered, "--json")
    assert status == 0 and json.loads(out)["added"] == 0 and json.loads(out)["orders"] == 2
    assert _round(demo_desk_dir).read_bytes() == written


def test_dry_run_writes_nothing(run: Run, demo_desk_dir: Path, tmp_path: Path) -> None:
    written = _round(demo_desk_dir).read_bytes()
    status, out, _ = _import(run, demo_desk_dir, _write(tmp_path, LIST), "--dry-run", "--json")
    assert status == 1 and json.loads(out)["added"] == 0 and json.loads(out)["orders"] == 2
    assert _round(demo_desk_dir).read_bytes() == written


def test_the_report_names_file_line_and_why(run: Run, demo_desk_dir: Path,
                                            tmp_path: Path) -> None:
    path = _write(tmp_path, LIST)
    status, out, _ = _import(run, demo_desk_dir, path, "--lang", "en")
    assert status == 1
    assert out == (f'{path}:7: unknown goods "猪肉"\n    3) 3-3-203 大白菜2棵 猪肉\n'
                   "2 orders read from 3 lines; 1 lines unreadable\n"
                   "2 added to round r1125, 0 already there\n")
    status, out, _ = _import(run, demo_desk_dir, path, "--lang", "zh", "--dry-run")
    assert out.endswith("共 3 行，读出 2 单；1 行读不懂\n试运行：未向第 r1125 轮添加订单\n")


def test_a_gb18030_list(run: Run, demo_desk_dir: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD, encoding="gb18030")
    status, out, _ = _import(run, demo_desk_dir, path, "--json", "--dry-run")
    assert status == 0 and json.loads(out)["orders"] == 2


@pytest.mark.parametrize("sheet", [
    "社区,楼栋,单元,房号,姓名,商品,数量\n锦绣社区,13,4,404,邹伟,蔬菜包,1\n,,,,,大米5kg,2\n"
    "锦绣社区,11,3,1402,常国,tomato-1kg,1\n",
    "address,name,veg-pack-5kg,东北大米5kg,西红柿,note\n锦绣 13-4-404,邹伟,1,2,,\n"
    "锦绣 11-3-1402,常国,,,1,afternoon\n"])
def test_order_sheets_long_and_wide(run: Run, demo_desk_dir: Path, tmp_path: Path,
                                    sheet: str) -> None:
    path = _write(tmp_path, sheet, "orders.csv")
    status, out, _ = _import(run, demo_desk_dir, path, "--json")
    assert (status, json.loads(out)) == (0, {"orders": 2, "lines": 3 if "商品" in sheet else 2,
                                             "added": 2, "unreadable": []})
    orders = read_round(Desk.open(demo_desk_dir), _round(demo_desk_dir)).orders
    assert [(line.code, line.quantity) for line in orders[-2].lines] == [
        ("veg-pack-5kg", 1), ("rice-5kg", 2)]
    assert [line.code for line in orders[-1].lines] == ["tomato-1kg"]


def test_a_sheet_row_numbered_as_the_sheet_shows_it(run: Run, demo_desk_dir: Path,
                                                    tmp_path: Path) -> None:
    sheet = ("地址,商品,数量\n13栋4单元404,蔬菜包,1\n\n13栋4单元404,猪肉,1\n"
             "11-3-1402,土豆,200\n")
    path = _write(tmp_path, sheet, "orders.csv")
    status, out, _ = _import(run, demo_desk_dir, path, "--json", "--lang", "en",
                             "--community", "jinxiu")
    data = json.loads(out)
    assert status == 1 and data["orders"] == 0
    assert [(u["line"], u["why"]) for u in data["unreadable"]] == [
        (2, "row 4 of this household cannot be read: none of it taken"),
        (4, 'unknown goods "猪肉"'),
        (5, "quantity 200 of 土豆 2kg must be 1 to 100")]


@pytest.mark.parametrize("argv", [
    ["round", "import", "r9999", "LIST"], ["round", "import", "r1125", "MISSING"],
    ["round", "import", "r1125"], ["round", "r1125", "--dry-run"],
    ["round", "import", "r1125", "LIST", "--community", "nowhere"]])
def test_a_file_or_round_that_cannot_be_used(run: Run, demo_desk_dir: Path, tmp_path: Path,
                                             argv: list[str]) -> None:
    path = _write(tmp_path, GOOD)
    written = _round(demo_desk_dir).read_bytes()
    argv = [str(path) if a == "LIST" else str(tmp_path / "none.txt") if a == "MISSING" else a
            for a in argv]
    status, out, err = run(*argv, "--desk", str(demo_desk_dir))
    assert status == 2 and out == "" and err.strip()
    assert _round(demo_desk_dir).read_bytes() == written


def test_round_still_plans_a_round(run: Run, demo_desk_dir: Path) -> None:
    status, out, _ = run("round", "r1125", "--desk", str(demo_desk_dir), "--json")
    assert status == 0 and json.loads(out)["round"] == "r1125"


def test_a_40_line_list_with_three_unreadable_lines(run: Run, demo_desk_dir: Path,
                                                    tmp_path: Path) -> None:
    """The issue's day: 40 lines from the demo desk's households, three of them unreadable."""
    desk = Desk.open(demo_desk_dir)
    communities = desk.communities
    items = sorted(desk.catalogue.values(), key=lambda item: item.code)
    households = sorted(desk.households.values(), key=lambda h: h.id)[:40]
    lines = ["#接龙", "第25轮团购 11点截止", ""]
    for number, household in enumerate(households, start=1):
        item = items[number % len(items)]
        lines.append(f"{number}. {communities[household.community].name}{household.building}栋"
                     f"{household.unit}单元{household.room} {item.name.replace(' ', '')}"
                     f"×{number % 3 + 1}")
    lines[3 + 4] = "5. 锦绣社区99栋9单元999 蔬菜包x1"
    lines[3 + 19] = lines[3 + 19] + " 猪肉"
    lines[3 + 32] = lines[3 + 32].split(" ")[0] + " " + lines[3 + 32].split(" ")[1] + " 蔬菜包x500"
    before = len(read_round(desk, _round(demo_desk_dir)).orders)
    status, out, _ = _import(run, demo_desk_dir, _write(tmp_path, "\n".join(lines)), "--json")
    data = json.loads(out)
    assert status == 1
    assert (data["orders"], data["lines"], data["added"]) == (37, 40, 37)
    assert [u["line"] for u in data["unreadable"]] == [8, 23, 36]
    assert len(read_round(Desk.open(demo_desk_dir), _round(demo_desk_dir)).orders) == before + 37
