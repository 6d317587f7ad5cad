"""Printed box labels and manifests, read back as a reader would: pypdf for the text, the pages
rendered (pypdfium2) and their QR codes decoded (zxing-cpp)."""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pypdfium2
import pytest
import segno
import zxingcpp
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

import core
from core.demo import copy_demo_desk
from core.desk import Desk
from core.ledger import yuan
from core.manifests import drop_manifests, vehicle_manifests
from core.rounds import RoundPlan, plan_round
from tests.conftest import Run
from tui import i18n
from tui.printing import FontMissing, fonts
from tui.printing.labels import grid, printed_labels, wrap, write_labels
from tui.printing.manifests import write_manifests
from tui.printing.pages import document


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    desk = core.open_desk(copy_demo_desk(tmp_path_factory.mktemp("p") / "desk"))
    yield desk
    desk.cases.index.close()


@pytest.fixture(scope="module")
def plan(desk: Desk) -> RoundPlan:
    rounds, _problems = desk.rounds
    return plan_round(desk, rounds[0])


@pytest.fixture(scope="module")
def small(desk: Desk) -> RoundPlan:
    """The round's first 11 orders: 15 boxes, enough for a partly filled last page."""
    rounds, _problems = desk.rounds
    return plan_round(desk, attrs.evolve(rounds[0], orders=rounds[0].orders[:11]))


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    before = i18n.language()
    i18n.set_language("zh")
    yield
    i18n.set_language(before)


def flat(text: str) -> str:
    """Text without the spaces and line breaks that wrapping puts anywhere."""
    return re.sub(r"\s+", "", text)


def decoded(path: Path, page: int, scale: float = 3.0) -> list[str]:
    """The QR codes on ``page`` of the PDF, rendered at 72 x ``scale`` dpi, decoded."""
    document = pypdfium2.PdfDocument(path)
    try:
        image = document[page].render(scale=scale).to_pil()
    finally:
        document.close()
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


def test_the_decoder_reads_a_payment_reference() -> None:
    """The decoder the tests rely on reads what segno encodes (a PNG, no PDF involved)."""
    from PIL import Image

    buffer = io.BytesIO()
    segno.make_qr("WX1125-0042", error="m").save(buffer, kind="png", scale=6)
    buffer.seek(0)
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(buffer))] == ["WX1125-0042"]


GOODS = st.text(alphabet="大白菜米油鸡蛋（约2kg）500ml×猪瘦肉 ", min_size=1, max_size=14)


@given(goods=st.lists(st.tuples(GOODS, st.integers(1, 100)), min_size=1, max_size=12),
       width=st.floats(8, 90))
def test_contents_wrap_between_goods_and_lose_nothing(goods: list[tuple[str, int]],
                                                      width: float) -> None:
    pdf = sample_document()
    items = [f"{name}×{n}" for name, n in goods]
    pieces = [*(f"{item}、" for item in items[:-1]), items[-1]]
    lines = wrap(pdf, pieces, width)
    assert "".join(lines) == "".join(pieces)
    assert all(pdf.get_string_width(line) <= width or len(line) == 1 for line in lines)
    fits = all(pdf.get_string_width(piece) <= width for piece in pieces)
    if fits:  # every line is whole goods: none starts with the separator or a quantity
        joined = iter(pieces)
        for line in lines:
            taken = ""
            while taken != line:
                taken += next(joined)
                assert len(taken) <= len(line)


@functools.cache
def sample_document() -> FPDF:
    """One page set in the CJK font, loaded once for every example of the wrapping property."""
    pdf = document("wrap")
    pdf.add_page()
    return pdf


@pytest.mark.parametrize("per_page", [1, 3, 8, 21])
def test_a_page_holds_per_page_labels(desk: Desk, small: RoundPlan, tmp_path: Path,
                                      per_page: int) -> None:
    path = tmp_path / "labels.pdf"
    labels, pages = write_labels(desk, small, path, per_page=per_page)
    assert labels == small.boxes == 15
    assert pages == len(PdfReader(path).pages) == math.ceil(15 / per_page)
    layout = grid(per_page)
    assert layout.cells >= per_page and layout.cells - per_page < layout.columns


def test_each_label_reads_back_in_chinese_with_its_qr(desk: Desk, plan: RoundPlan,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "labels.pdf"
    labels, pages = write_labels(desk, plan, path)
    assert (labels, pages) == (147, 19)
    reader = PdfReader(path)
    printed = printed_labels(desk, plan)
    for number, page in enumerate(reader.pages):
        text = flat(page.extract_text())
        on_page = printed[number * 8:(number + 1) * 8]
        for item in on_page:
            label = item.label
            assert flat(f"{label.community}{label.address}") in text
            assert flat(label.payment) in text
            assert flat(f"第{label.box}/{label.of}箱") in text
            for name, count in label.contents:
                assert flat(f"{name}×{count}") in text
        # the page holds its own labels and no other's
        orders = set(re.findall(r"r1125-\d{4}", text))
        assert orders == {item.label.order for item in on_page}
    # the QR codes of the first pages decode to their labels' payment references
    for number in (0, 1, pages - 1):
        refs = sorted(item.label.payment_ref for item in printed[number * 8:(number + 1) * 8])
        assert decoded(path, number) == refs


def test_the_qr_still_decodes_on_the_smallest_labels(desk: Desk, small: RoundPlan,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "labels.pdf"
    write_labels(desk, small, path, per_page=24)
    refs = sorted(item.label.payment_ref for item in printed_labels(desk, small))
    assert decoded(path, 0, scale=300 / 72) == refs


def test_an_order_without_a_payment_reference_gets_no_qr(desk: Desk, tmp_path: Path) -> None:
    rounds, _problems = desk.rounds
    orders = tuple(attrs.evolve(order, payment_ref="") for order in rounds[0].orders[:4])
    plan = plan_round(desk, attrs.evolve(rounds[0], orders=orders))
    path = tmp_path / "labels.pdf"
    write_labels(desk, plan, path)
    assert decoded(path, 0) == []
    text = flat(PdfReader(path).pages[0].extract_text())
    assert "WX1125" not in text
    assert all(flat(item.label.payment) in text for item in printed_labels(desk, plan))


def test_labels_per_page_out_of_range_are_refused(desk: Desk, small: RoundPlan,
                                                  tmp_path: Path) -> None:
    for wrong in (0, 25):
        with pytest.raises(ValueError, match="from 1 to 24"):
            write_labels(desk, small, tmp_path / "labels.pdf", per_page=wrong)
    assert not (tmp_path / "labels.pdf").exists()


def test_manifests_read_back_with_their_totals(desk: Desk, plan: RoundPlan,
                                               tmp_path: Path) -> None:
    path = tmp_path / "manifests.pdf"
    vehicles, drops, pages = write_manifests(desk, plan, path)
    expected_vehicles, expected_drops = vehicle_manifests(plan), drop_manifests(desk, plan)
    assert (vehicles, drops) == (len(expected_vehicles), len(expected_drops)) == (5, 14)
    reader = PdfReader(path)
    assert pages == len(reader.pages) >= vehicles + drops
    texts = [page.extract_text() for page in reader.pages]
    # each manifest starts a page: the vehicles' first, then the drop points'
    starts = [n for n, text in enumerate(texts) if "交接清单" in text.splitlines()[0]]
    assert len(starts) == vehicles + drops
    for vehicle, start in zip(expected_vehicles, starts, strict=False):
        text = texts[start]
        assert flat(f"车次交接清单 r1125 #{vehicle.number}") in flat(text)
        total = next(line for line in text.splitlines() if line.startswith("合计"))
        assert total.split()[1:4] == [str(vehicle.boxes), f"{vehicle.kg:.1f}",
                                      f"{vehicle.litres:.1f}"]
    for drop, start in zip(expected_drops, starts[vehicles:], strict=True):
        end = starts[vehicles + expected_drops.index(drop) + 1] \
            if drop is not expected_drops[-1] else len(texts)
        text = "\n".join(texts[start:end])
        assert flat(f"投放点交接清单 r1125 {drop.place}") in flat(text)
        for box in drop.boxes:
            assert f"{box.order} {box.box}/{box.of}" in text
        assert flat(f"{len(drop.boxes)} 箱，{drop.orders} 单，{drop.kg:.1f} 公斤") in flat(text)
        assert flat(yuan(drop.due_fen)) in flat(text.split("合计")[-1])
    assert sum(len(d.boxes) for d in expected_drops) == plan.boxes


def test_no_font_says_what_to_install(monkeypatch: pytest.MonkeyPatch, desk: Desk,
                                      small: RoundPlan, tmp_path: Path) -> None:
    monkeypatch.delenv(fonts.ENVIRONMENT, raising=False)
    monkeypatch.setattr(fonts, "_fontconfig", list)
    monkeypatch.setattr(fonts, "KNOWN_PATHS", ())
    with pytest.raises(FontMissing, match="apt-get install fonts-wqy-microhei"):
        fonts.cjk_font()
    # nothing is written, and a file printed before stays as it was
    path = tmp_path / "labels.pdf"
    path.write_bytes(b"the labels printed this morning")
    with pytest.raises(FontMissing):
        write_labels(desk, small, path)
    assert path.read_bytes() == b"the labels printed this morning"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.pdf"]


def test_the_font_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    found = fonts.cjk_font()
    assert found.path.is_file()
    monkeypatch.setenv(fonts.ENVIRONMENT, f"{found.path}:{found.index}")
    assert fonts.cjk_font() == found
    monkeypatch.setenv(fonts.ENVIRONMENT, "/no/such/font.ttf")
    with pytest.raises(FontMissing, match="no such font file"):
        fonts.cjk_font()


def test_round_command_writes_both_pdfs(run: Run, tmp_path: Path) -> None:
    desk_dir = copy_demo_desk(tmp_path / "desk")
    labels, manifests = tmp_path / "labels.pdf", tmp_path / "manifests.pdf"
    status, out, err = run("round", "r1125", "--desk", str(desk_dir), "--pdf", str(labels),
                           "--per-page", "24", "--manifests", str(manifests))
    assert status == 0, err
    assert out.splitlines() == [f"{labels}: 147 labels on 7 pages",
                                f"{manifests}: 5 vehicle loads and 14 drop points on 19 pages"]
    assert len(PdfReader(labels).pages) == 7 and len(PdfReader(manifests).pages) == 19
    status, _out, err = run("round", "--desk", str(desk_dir), "--pdf",
                            str(tmp_path / "missing" / "labels.pdf"))
    assert status == 2 and "no directory" in err
    status, _out, err = run("round", "--desk", str(desk_dir), "--pdf", str(labels),
                            "--per-page", "30")
    assert status == 2 and "give from 1 to 24 labels" in err
