"""The mutation check's anchors are still in the code it mutates (it only runs after the suite)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.mutation_check import MUTATIONS, ROOT, Mutation, mutate


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
def test_each_mutation_finds_the_call_it_removes(mutation: Mutation, tmp_path: Path) -> None:
    source = ROOT / mutation.path
    assert re.search(mutation.pattern, source.read_text(encoding="utf-8")), (
        f"{mutation.path} no longer has {mutation.pattern!r}: update tests/mutation_check.py")
    (tmp_path / mutation.path).parent.mkdir(parents=True)
    shutil.copy(source, tmp_path / mutation.path)
    assert mutate(tmp_path, mutation) >= 1
    assert not re.search(mutation.pattern, (tmp_path / mutation.path).read_text(encoding="utf-8"))


def test_a_missing_call_stops_the_check_instead_of_passing(tmp_path: Path) -> None:
    (tmp_path / "core" / "storage").mkdir(parents=True)
    (tmp_path / "core" / "storage" / "atomic.py").write_text(
        "def write_atomic(): ...\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"is not in core/storage/atomic\.py any more"):
        mutate(tmp_path, MUTATIONS[1])
