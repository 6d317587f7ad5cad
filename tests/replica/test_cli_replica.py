"""``baogong init --site``, ``init --existing``, ``clone`` and ``sync`` as a user runs them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import core
from core.replica.git import GITATTRIBUTES, is_repository
from tests.conftest import Run


def tracked(root: Path) -> list[str]:
    return subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True,
                          check=True).stdout.split()


def test_init_demo_with_a_site_is_a_repository_whose_new_ids_carry_it(
        tmp_path: Path, run: Run) -> None:
    root = tmp_path / "hexi"
    assert run("init", str(root), "--demo", "--site", "HX")[0] == 0
    assert is_repository(root)
    assert (root / ".gitattributes").read_text(encoding="utf-8") == GITATTRIBUTES
    files = tracked(root)
    assert "desk.toml" in files and ".gitignore" in files
    assert any(name.startswith("cases/") for name in files)
    desk = core.open_desk(root)
    assert desk.site == "HX"
    case = desk.cases.create(core.Category.GROCERIES, operator="wang")
    assert case.id.startswith("HX-")
    desk.cases.index.close()
    assert run("check", str(root))[0] == 0
    assert not [name for name in tracked(root) if name.startswith((".index", ".locks"))]


def test_an_existing_desk_becomes_a_repository_and_clones_sync_it(
        demo_desk_dir: Path, tmp_path: Path, run: Run) -> None:
    assert not is_repository(demo_desk_dir)
    status, out, _ = run("init", str(demo_desk_dir), "--existing", "--site", "HX")
    assert status == 0 and "git repository" in out
    assert "local.toml" not in tracked(demo_desk_dir)  # this replica's own, never replicated
    desk = core.open_desk(demo_desk_dir)
    assert desk.cases.create(core.Category.GROCERIES, operator="wang").id.startswith("HX-")
    desk.cases.index.close()
    hub = tmp_path / "hub.git"
    subprocess.run(["git", "init", "-q", "--bare", str(hub)], check=True)
    status, out, _ = run("sync", str(hub), "--desk", str(demo_desk_dir))
    assert status == 0 and "origin: fetched, pushed" in out
    other = tmp_path / "xc"
    assert run("clone", str(hub), str(other), "--site", "XC")[0] == 0
    assert core.open_desk(other).site == "XC"
    assert core.open_desk(demo_desk_dir).site == "HX"
    status, out, _ = run("sync", "--desk", str(other))
    assert status == 0 and out.strip() == "origin: fetched"  # nothing to merge or push
    # a third replica cannot take a site code another already uses
    status, _, err = run("clone", str(hub), str(tmp_path / "again"), "--site", "HX")
    assert status == 2 and "already used" in err and not (tmp_path / "again").exists()


def test_clone_refuses_a_bad_site_and_a_place_that_is_no_desk(tmp_path: Path, run: Run) -> None:
    hub = tmp_path / "hub.git"
    subprocess.run(["git", "init", "-q", "--bare", str(hub)], check=True)
    status, _, err = run("clone", str(hub), str(tmp_path / "a"), "--site", "XC")
    assert status == 2 and ("cannot clone" in err or "holds no desk" in err)
    status, _, err = run("clone", str(tmp_path / "nowhere.git"), str(tmp_path / "b"),
                         "--site", "XC")
    assert status == 2 and "cannot clone" in err


def test_sync_on_a_desk_that_is_not_a_repository_says_how_to_make_it_one(
        demo_desk_dir: Path, run: Run) -> None:
    status, _, err = run("sync", "--desk", str(demo_desk_dir))
    assert status == 2 and "init --existing" in err
