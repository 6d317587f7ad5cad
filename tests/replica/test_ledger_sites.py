"""Ledger batches on a replicated desk: each site names its own, so two never take one name."""

from __future__ import annotations

import shutil
from pathlib import Path

import core
from core import ledger as L
from core.demo import demo_desk_path
from core.ledger.files import _read_fast, batch_of, path_of_batch, read_batch
from core.ledger.records import id_key
from core.replica.site import write_local
from tests.ledger.conftest import Book


def _book(tmp_path: Path, site: str) -> Book:
    target = tmp_path / "desk"
    if not target.exists():
        shutil.copytree(demo_desk_path(), target, ignore=shutil.ignore_patterns(
            "cases", "ledgers", ".index", ".locks"))
    write_local(target, site)
    return Book(core.open_desk(target))


def test_two_sites_writing_the_same_day_make_different_batches_that_both_count(
        tmp_path: Path) -> None:
    hx = _book(tmp_path, "HX")
    first = hx.collection("h0001", amount=3290)
    xc = _book(tmp_path, "XC")
    other = xc.collection("h0002", amount=1000)
    again = xc.collection("h0003", amount=500)
    assert first.id.startswith("HX-") and first.id.endswith("-0001-1")
    assert (other.id.startswith("XC-"), other.id.endswith("-0001-1"),
            again.id.endswith("-0002-1")) == (True, True, True)
    for record in (first, other, again):
        stem = batch_of(record.id)
        assert stem is not None
        path = path_of_batch(xc.desk.root, stem)
        assert path.exists() and record in read_batch(path).records
    assert xc.reconcile().money.collected == 4790
    # a record of either site can be reversed where it is found
    xc.ledgers.reverse(first, reason="录错了", time=xc.at(1))
    assert xc.reconcile().money.collected == 1500
    assert id_key("HX-20261116-0002-1") < id_key("XC-20261116-0001-1") \
        < id_key("20261117-0001-1")
    assert id_key("HX-20261116-0002-10") > id_key("HX-20261116-0002-9")


def test_a_record_id_with_a_site_is_read_by_both_readers(tmp_path: Path) -> None:
    hx = _book(tmp_path, "HX")
    hx.collection("h0001")
    (path,) = (tmp_path / "desk" / "ledgers").rglob("HX-*.toml")
    batch = read_batch(path)
    assert batch.problems == () and len(batch.records) == 1
    # the compiled fast path reads it, not only the exact one
    assert _read_fast(path, path.read_text(encoding="utf-8")) is not None
    assert L.Ledgers(hx.desk).reconcile().money.collected == 3290
