"""Records taken from their fields without being built give what the built records give.

:func:`core.ledger.fastpicks.read_fast_picks` hands the reconciler the field values of the
commonest kinds instead of records (and their times as POSIX times), and
:meth:`core.ledger.fold.Fold.add_file` folds them straight in. These properties hold both to
the records: a file gives rows exactly when it gives records, the values are the records'
fields, and reconciling files the fast way equals reconciling the batches read record by
record, with reversals, fees, periods and scopes.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import core
from core import ledger as L
from core.demo import demo_desk_path
from core.ledger.fastpicks import (
    _captured,
    build_row,
    joined_values,
    picker,
    picks,
    posix,
    read_fast_picks,
    read_fast_picks_data,
)
from core.ledger.fastread import (
    _CHECKED_BY_PATTERN,
    _DATETIME,
    _READERS,
    _TEXT,
    DIRECT_KINDS,
    FIELD_ORDER,
    read_fast,
)
from core.ledger.files import batch_paths, encode_batch, read_batch, write_batch
from core.ledger.periods import ClosedPeriods, PeriodClose
from core.ledger.reconcile import Reconciler
from core.reference import check_not_blank

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 16, 8, tzinfo=ZONE)
COMMUNITIES = [("jinxiu", "hualian"), ("taoyuan", "yonghui")]
ITEMS = ["mask-kn95-10", "goggles"]
CATALOGUE = core.open_desk(demo_desk_path()).catalogue
PATH = Path("/x/ledgers/2026/11/16/20261116-0001.toml")
#: the first batch :func:`_write` writes: receipts, issues, returns and approvals name its records
FIRST = f"{START + timedelta(days=8):%Y%m%d}-0001"
#: every field of every kind that can be taken from its values
NAMES = {kind: FIELD_ORDER[L.KINDS[kind]] for kind in DIRECT_KINDS}
TAKES = picks({kind: picker(kind, names) for kind, names in NAMES.items()})


def _value(value: Any) -> Any:
    """A field's value as a row gives it: tables as tuples of their fields."""
    if isinstance(value, tuple) and value and attrs.has(type(value[0])):
        return tuple(attrs.astuple(v, recurse=False) for v in value)
    return value

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)

# (kind, community, amount or quantity, hours after START, fee, note, reverses an earlier one)
event = st.tuples(
    st.sampled_from(["collection", "collection", "iou", "invoice", "stock_receipt",
                     "stock_issue", "stock_return", "approval", "supply_request", "receipt",
                     "settlement"]),
    st.integers(0, len(COMMUNITIES) - 1),
    st.integers(1, 3_000),
    st.integers(0, 24 * 6),
    st.sampled_from([0, 0, 0, 150]),
    st.one_of(st.just(""), text),
    st.integers(0, 5),
)


def _fields(kind: str, community: int, amount: int, at: datetime, fee: int, note: str
            ) -> dict[str, Any]:
    code, supermarket = COMMUNITIES[community]
    money = dict(community=code, supermarket=supermarket, round=f"r{amount % 2}",
                 order=f"o{amount}", grid_worker=f"grid.{code}.1", note=note, time=at)
    item = ITEMS[amount % len(ITEMS)]
    if kind == "collection":
        return dict(money, household=f"h{amount % 7:04d}", amount_fen=amount, fee_fen=fee)
    if kind == "iou":
        return dict(money, household=f"h{amount % 7:04d}", amount_fen=amount)
    if kind == "settlement":
        # one IOU or two of the first batch, in part or in full
        ious = tuple(f"{FIRST}-{n}" for n in range(1 + amount % 4, 2 + amount % 4 + (fee > 0)))
        return dict(time=at, ious=ious, household=f"h{amount % 7:04d}",
                    grid_worker=f"grid.{code}.1", amount_fen=amount, note=note)
    if kind == "supply_request":
        asked = tuple(L.RequestLine(item=i, quantity=amount) for i in ITEMS[: 1 + amount % 2])
        return dict(time=at, unit=note or "u", head="h" if fee else "", lines=asked, note=note)
    if kind == "receipt":
        # with a fee, a line that says why it differs (and names a substitute for one in two)
        short = (L.ReceiptLine(item="rice-5kg", quantity=0, difference=(
            L.Difference.SUBSTITUTED, L.Difference.SHORT)[amount % 2],
            substitute=("rice-5kg", "")[amount % 2]),) if fee else ()
        return dict(time=at, invoice=f"{FIRST}-{amount % 4 + 1}", received_by="v", note=note,
                    lines=(L.ReceiptLine(item="rice-5kg", quantity=amount % 9), *short))
    if kind == "invoice":
        return dict(time=at, supermarket=supermarket, community=code, round=f"r{amount % 2}",
                    lines=(L.InvoiceLine(item="rice-5kg", quantity=amount % 9 + 1,
                                         unit_price_fen=3000 + fee),), note=note,
                    fees=(L.Fee(name="服务费", amount_fen=fee),) if fee else ())
    where = dict(time=at, store="depot", item=item, quantity=amount, note=note)
    if kind == "stock_receipt":
        if fee:
            return dict(where, source=L.Source.DONATION, donor="红十字会", keeper="k")
        return dict(where, source=L.Source.PURCHASE, keeper="k")
    if kind == "stock_issue":
        return dict(where, unit="u", signed_by="s", request=f"{FIRST}-{amount % 3 + 1}")
    if kind == "stock_return":
        return dict(where, unit="u", issue=f"{FIRST}-{amount % 4 + 1}")
    return dict(time=at, request=f"{FIRST}-{amount % 3 + 1}", approved_by="zhou.min",
                note=note)


def _drafts(events: list[tuple[str, int, int, int, int, str, int]]
            ) -> list[list[L.Draft]]:
    """The events as batches of drafts, a batch for every fourth event; some reverse the record
    before them in their batch (``reverses`` is filled in by :func:`_write`)."""
    batches: list[list[L.Draft]] = []
    for n, (kind, community, amount, hours, fee, note, back) in enumerate(events):
        if n % 4 == 0:
            batches.append([])
        at = START + timedelta(hours=hours)
        batch = batches[-1]
        if batch and back == 1:
            batch.append(L.Draft(batch[-1].kind, {**batch[-1].fields, "reverses": "?",
                                                  "reason": "录错", "time": at}))
        else:
            batch.append(L.draft(L.KINDS[kind], **_fields(kind, community, amount, at, fee,
                                                          note)))
    return batches


def _write(root: Path, batches: list[list[L.Draft]]) -> None:
    recorded = START + timedelta(days=8)
    for number, drafts in enumerate(batches, start=1):
        stem = f"{recorded:%Y%m%d}-{number:04d}"
        fixed = [L.Draft(d.kind, {**d.fields, "reverses": f"{stem}-{place - 1}"})
                 if "reverses" in d.fields else d for place, d in enumerate(drafts, start=1)]
        write_batch(root, fixed, operator="prop", zone=ZONE, recorded=recorded,
                    uid_factory=lambda: str(uuid.uuid4()))


def _record(kind: str, n: int, fields: dict[str, Any]) -> L.Record:
    return L.KINDS[kind](id=f"20261116-0001-{n}", uid=str(uuid.UUID(int=n, version=4)),
                         recorded=START, operator="prop", **fields)


@given(st.lists(event, min_size=1, max_size=12), st.integers(0, 10_000), st.characters())
def test_a_file_gives_rows_when_it_gives_records_and_their_values_are_the_fields(
        events: list[tuple[str, int, int, int, int, str, int]], where: int, put: str) -> None:
    records = []
    for kind, community, amount, hours, fee, note, _back in events:
        try:
            records.append(_record(kind, len(records) + 1, _fields(
                kind, community, amount, START + timedelta(hours=hours), fee, note)))
        except ValueError:
            continue
    if not records:
        return
    good = encode_batch(PATH.stem, records).decode()
    # and the same file with one character changed: both readers refuse it or read it alike
    spoiled = good[: where % len(good)] + put + good[where % len(good) + 1 :]
    for data in (good, spoiled):
        fast = read_fast(PATH.stem, data)
        rows = read_fast_picks(PATH.stem, data, TAKES)
        assert (fast is None) == (rows is None)
        assert read_fast_picks_data(PATH.stem, data.encode(), TAKES) == rows
        if fast is None or rows is None:
            continue
        assert rows[1] == fast[1]
        assert [build_row(row) for row in rows[0]] == list(fast[0])
        for row, record in zip(rows[0], fast[0], strict=True):
            if isinstance(row, tuple):
                assert row[0] == record.KIND and not record.reverses
                assert row[2] == record.time.timestamp()
                assert row[3:] == tuple(_value(getattr(record, n)) for n in NAMES[record.KIND])


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 59), st.integers(0, 999_999),
                          st.sampled_from([None, 0, 8 * 60, -150])), min_size=1, max_size=10))
def test_times_in_one_minute_give_each_its_own_posix_time(
        times: list[tuple[int, int, int, int | None]]) -> None:
    """Lines mostly share the minute of the line before, whose POSIX time a take keeps: seconds,
    fractions and offsets that differ within it still give each line its own time."""
    records = []
    for minute, second, micro, offset in times:
        zone = ZONE if offset is None else timezone(timedelta(minutes=offset))
        at = datetime(2026, 11, 16, 8, minute, second, micro % 2 * micro, tzinfo=zone)
        records.append(_record("collection", len(records) + 1, _fields(
            "collection", 0, 100, at, 0, "")))
    rows = read_fast_picks(PATH.stem, encode_batch(PATH.stem, records).decode(), TAKES)
    assert rows is not None
    assert [row[2] for row in rows[0]] == [r.time.timestamp() for r in records]


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
       st.integers(-15 * 60, 15 * 60), st.booleans())
def test_a_written_time_gives_the_posix_time_of_its_datetime(at: datetime, minutes: int,
                                                           utc: bool) -> None:
    zone = UTC if utc else timezone(timedelta(minutes=minutes))
    for text in (at.replace(tzinfo=zone).isoformat(timespec="seconds"),
                 at.replace(tzinfo=zone).isoformat()):
        if utc:
            text = text.replace("+00:00", "Z")
        for _twice in range(2):  # the second time from the hour known
            assert posix(text) == datetime.fromisoformat(text).timestamp()


@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                     r"(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})\Z"))
def test_a_written_time_is_refused_where_the_datetime_is(text: str) -> None:
    try:
        expected: float | None = datetime.fromisoformat(text).timestamp()
    except ValueError:
        expected = None
    for _twice in range(2):
        try:
            got: float | None = posix(text)
        except ValueError:
            got = None
        assert got == expected


def _close(start: date, end: date, sealed: bool) -> PeriodClose:
    """A period signed off before the batches were written (each of its records is reported),
    sealed without them or from before seals (each of its files is reported)."""
    return PeriodClose(start=start, end=end, signed_by="zhou.min",
                       signed=START + timedelta(days=7), uid=str(uuid.UUID(int=1, version=4)),
                       sealed=() if sealed else None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, min_size=1, max_size=24),
       st.sampled_from([None, (0, 1, False), (2, 3, False), (1, 2, True)]),
       st.sampled_from([None, (1, 4)]),
       st.sampled_from([None, "jinxiu"]))
# an invoice with a fee, delivered short with a substitute named
@example([("invoice", 0, 5, 1, 150, "", 0), ("receipt", 0, 4, 2, 150, "", 0),
          ("collection", 0, 5, 1, 0, "", 0)], None, None, None)
# two IOUs settled together
@example([("iou", 0, 300, 1, 0, "", 0), ("iou", 0, 500, 1, 0, "", 0),
          ("settlement", 0, 4, 2, 150, "", 0)], None, None, None)
def test_reconciling_files_equals_reconciling_their_records(
        events: list[tuple[str, int, int, int, int, str, int]],
        closed: tuple[int, int, bool] | None, period: tuple[int, int] | None,
        community: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="baogong-ledger-rows-"))
    try:
        root = work / "desk"
        root.mkdir()
        try:
            _write(root, _drafts(events))
        except ValueError:
            return  # a draft the record classes refuse: nothing to compare
        day = START.date()
        closes = ClosedPeriods(() if closed is None else (_close(
            day + timedelta(days=closed[0]), day + timedelta(days=closed[1]), closed[2]),), ())
        kwargs: dict[str, Any] = dict(
            catalogue=CATALOGUE, zone=ZONE, closes=closes,
            start=None if period is None else day + timedelta(days=period[0]),
            end=None if period is None else day + timedelta(days=period[1]),
            scope=L.Scope(community=community) if community else None,
            as_of=START + timedelta(days=10))
        by_files, by_records = Reconciler(root, **kwargs), Reconciler(root, **kwargs)
        for path in batch_paths(root):
            by_files.add_file(path)
            by_records.add_batch(read_batch(path))
        assert by_files.finish() == by_records.finish()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_donation_without_its_donor_is_not_taken_from_its_fields() -> None:
    """A stock receipt's own check (a donation names its donor) runs after construction: a
    hand-edited donation without one sends the file down the exact path, which says where."""
    donation = _record("stock_receipt", 1, _fields("stock_receipt", 0, 5, START, 150, ""))
    data = encode_batch(PATH.stem, [donation]).decode()
    assert read_fast_picks(PATH.stem, data, TAKES) is not None
    edited = data.replace(', donor = "红十字会"', "")
    assert edited != data
    assert read_fast_picks(PATH.stem, edited, TAKES) is None
    assert read_fast(PATH.stem, edited) is None


def test_a_designated_receipt_that_is_no_donation_is_not_taken_from_its_fields() -> None:
    """Only a donation is designated for a unit or use: a hand-edited purchase that names one
    sends the file down the exact path too."""
    donation = _record("stock_receipt", 1, dict(
        _fields("stock_receipt", 0, 5, START, 150, ""), designated="街道卫生院"))
    data = encode_batch(PATH.stem, [donation]).decode()
    assert read_fast_picks(PATH.stem, data, TAKES) is not None
    edited = data.replace('source = "donation"', 'source = "purchase"')
    assert edited != data
    assert read_fast(PATH.stem, edited) is None
    assert read_fast_picks(PATH.stem, edited, TAKES) is None


def test_a_time_of_writing_out_of_range_on_a_later_line_is_refused() -> None:
    """The lines of a batch share their time of writing, which is read once; a line whose own
    differs is read again."""
    records = [_record("collection", n, _fields("collection", 0, 5, START, 0, ""))
               for n in (1, 2)]
    data = encode_batch(PATH.stem, records).decode()
    amounts = picks({"collection": picker("collection", ("id", "amount_fen"))})
    assert read_fast_picks(PATH.stem, data, amounts) is not None
    written = f"recorded = {START.isoformat()}"
    assert data.count(written) == 2
    last = data.rindex(written)
    edited = data[:last] + written.replace("-11-", "-13-") + data[last + len(written):]
    assert read_fast(PATH.stem, edited) is None
    assert read_fast_picks(PATH.stem, edited, amounts) is None


@given(st.text(st.sampled_from(' \t\u3000\xa0\x1f"\\a中'), max_size=8) | st.text(max_size=8))
def test_text_that_is_not_blank_is_read_as_the_field_checks_it(value: str) -> None:
    pattern = re.compile(_CHECKED_BY_PATTERN[check_not_blank])
    assert bool(pattern.fullmatch(f'"{value}"')) == (
        re.fullmatch(_TEXT, value) is not None and value.strip() != "")


@given(st.sampled_from(sorted(L.KINDS)), st.sets(st.integers(1, 30)))
def test_a_lean_line_pattern_captures_only_what_is_kept(kind: str, kept: set[int]) -> None:
    full = _READERS[kind].pattern
    fields = len(FIELD_ORDER[L.KINDS[kind]])
    assert re.compile(full).groups == fields
    assert _captured(full, set(range(1, fields + 1))) == full
    lean = re.compile(_captured(full, kept))
    assert lean.groups == len(kept & set(range(1, fields + 1)))
    # the same language: only what is captured differs
    assert lean.pattern.replace("(?:", "(") == full.replace("(?:", "(")


def test_a_request_line_its_check_refuses_is_refused_when_taken_from_values() -> None:
    """A supply request's lines are checked whole when taken from their values: a hand-edited
    quantity of nought, or a field no line has, sends the file down the exact path."""
    request = _record("supply_request", 1, _fields("supply_request", 0, 5, START, 0, ""))
    data = encode_batch(PATH.stem, [request]).decode()
    assert read_fast_picks(PATH.stem, data, TAKES) is not None
    for edited in (data.replace("quantity = 5", "quantity = 0"),
                   data.replace("quantity = 5}", "quantity = 5, colour = 1}")):
        assert edited != data
        assert read_fast(PATH.stem, edited) is None
        assert read_fast_picks(PATH.stem, edited, TAKES) is None


@given(st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                     r"(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})\Z")
       | st.text(st.sampled_from("0123456789-T:.Z+"), max_size=34))
def test_a_time_s_pattern_accepts_what_a_time_of_the_written_form_is(text: str) -> None:
    """The fast patterns spell a time's digits out one by one; they accept the same texts."""
    written = (r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
               r"(?:Z|[+-][0-9]{2}:[0-9]{2})")
    assert bool(re.fullmatch(_DATETIME, text)) == bool(re.fullmatch(written, text))


def test_a_settlement_naming_no_iou_or_no_record_id_is_refused_when_taken_from_values() -> None:
    """A settlement's IOUs are checked by its line's pattern (at least one, each a record id):
    a hand-edited empty list or id sends the file down the exact path, which says where."""
    settlement = _record("settlement", 1, _fields("settlement", 0, 4, START, 150, ""))
    data = encode_batch(PATH.stem, [settlement]).decode()
    assert read_fast_picks(PATH.stem, data, TAKES) is not None
    listed = f'ious = ["{FIRST}-1", "{FIRST}-2"]'
    assert listed in data
    for edited in (data.replace(listed, "ious = []"),
                   data.replace(listed, f'ious = ["{FIRST}-1", "IOU-2"]')):
        assert read_fast(PATH.stem, edited) is None
        assert read_fast_picks(PATH.stem, edited, TAKES) is None
        assert _exact_problems(edited)


def _exact_problems(text: str) -> tuple[object, ...]:
    """The problems the exact path finds in a batch file of ``text``."""
    work = Path(tempfile.mkdtemp(prefix="baogong-ledger-rows-"))
    try:
        path = work / PATH.name
        path.write_text(text, encoding="utf-8")
        return read_batch(path).problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_table_the_take_reads_is_checked_by_the_line_s_pattern() -> None:
    """An invoice's lines and fees and a delivery receipt's lines are stated table by table in
    the lean line pattern, so the take reads them without checking them again: a hand-edited
    table (a number with a leading nought, a field no table has, a field missing, a difference
    no receipt names) still sends the file down the exact path, which says where."""
    invoice = _record("invoice", 1, _fields("invoice", 0, 5, START, 150, ""))
    receipt = _record("receipt", 2, _fields("receipt", 0, 5, START, 0, ""))
    data = encode_batch(PATH.stem, [invoice, receipt]).decode()
    assert read_fast_picks(PATH.stem, data, TAKES) is not None
    invoice_line, receipt_line = data.splitlines()[3:5]
    edits = [
        (invoice_line, "unit_price_fen = ", "unit_price_fen = 0"),
        (invoice_line, "}]", ", colour = 1}]"),
        (invoice_line, ', unit_price_fen = ', ', price = '),
        (invoice_line, 'fees = [{name = "', 'fees = [{label = "'),
        (invoice_line, "fees = [{", "fees = [{amount_fen = 1, "),
        (receipt_line, "quantity = ", "quantity = 01"),
        (receipt_line, "}]", ', difference = "lost"}]'),
    ]
    for line, old, new in edits:
        assert old in line, old
        edited = data.replace(line, line.replace(old, new, 1))
        assert read_fast(PATH.stem, edited) is None
        assert read_fast_picks(PATH.stem, edited, TAKES) is None
        assert _exact_problems(edited)


def test_a_record_id_out_of_its_place_is_refused_when_taken_from_values() -> None:
    """A record's id names its batch and place; a line taken from its values whose id is
    another place's (or one that is reversed or built, and so not taken) is refused as the
    exact reading refuses it."""
    first = _record("collection", 1, _fields("collection", 0, 5, START, 0, ""))
    second = _record("collection", 2, _fields("collection", 1, 6, START, 0, ""))
    data = encode_batch(PATH.stem, [first, second]).decode()
    assert read_fast_picks(PATH.stem, data, TAKES) is not None
    edited = data.replace(f'id = "{PATH.stem}-2"', f'id = "{PATH.stem}-3"')
    assert edited != data
    assert read_fast(PATH.stem, edited) is None
    assert read_fast_picks(PATH.stem, edited, TAKES) is None
    assert _exact_problems(edited)


def test_a_batch_read_from_its_bytes_gives_the_rows_of_its_text_or_none_when_not_utf8() -> None:
    """Its header and its records' lines are decoded apart; a byte that is not UTF-8 in
    either gives no rows (the exact path reports it), and Chinese in a line reads as
    in the whole text."""
    donation = _record("stock_receipt", 1, _fields("stock_receipt", 0, 5, START, 150, ""))
    data = encode_batch(PATH.stem, [donation])
    assert "红十字会".encode() in data and "台账".encode() in data.split(b"\n")[0]
    rows = read_fast_picks_data(PATH.stem, data, TAKES)
    assert rows is not None and rows == read_fast_picks(PATH.stem, data.decode(), TAKES)
    for spoiled in (data.replace("台".encode(), b"\xff", 1),
                    data.replace("红".encode(), b"\xe7\xba", 1)):
        assert read_fast_picks_data(PATH.stem, spoiled, TAKES) is None


def test_fields_taken_joined_give_their_text_as_written_and_their_values_back() -> None:
    """A collection's community, supermarket and round as one text (its group's key): the
    same lines are taken, and the text gives back the three values."""
    records = [_record("collection", n, _fields("collection", n % 2, 5 + n, START, n % 2, ""))
               for n in range(1, 5)]
    data = encode_batch(PATH.stem, records).decode()
    joined = ("community", "supermarket", "round")
    take = picks({"collection": picker("collection", ("id", "community"), joined)})
    read = read_fast_picks(PATH.stem, data, take)
    assert read is not None
    for row, record in zip(read[0], records, strict=True):
        assert isinstance(row, tuple) and row[3] == record.id
        assert row[4] == (f'community = "{record.community}", supermarket = '
                          f'"{record.supermarket}", round = "{record.round}"')
        assert joined_values(row[4]) == (record.community, record.supermarket, record.round)
    # a line the pattern refuses without joining is refused with it
    edited = data.replace('supermarket = "', 'supermarket = "Hu', 1)
    assert read_fast(PATH.stem, edited) is None
    assert read_fast_picks(PATH.stem, edited, take) is None


@pytest.mark.parametrize("joined", [("community", "round"), ("supermarket", "round"),
                                    ("community", "supermarket", "round", "order", "grid_worker",
                                     "amount_fen")])
def test_only_text_fields_that_follow_one_another_the_first_asked_for_are_joined(
        joined: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match=r"follow|text"):
        picker("collection", ("id", "community"), joined)
