"""The city desk over district desks: following git remotes read-only and directories in place,
the city board, search across districts, the city's Open311 feed and daily report, and districts
that cannot be fetched or read."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from core.cases.case import Address, Caller, Category
from core.cases.index import Query
from core.city import City, city_board, fetch_all, fetch_district, read_state
from core.city.boardreport import CityBoardReport
from core.city.follow import CLONES_DIR, update_state
from core.city.reports import CityFeed, city_daily_report, qualified_id
from core.city.search import search_city
from core.desk import Desk
from core.levels.authority import Authority, Change, activations_dir, record_change
from core.levels.district import signals_for
from core.levels.reportup import Cause, ReportUp, ReportUpStatus, reportups_dir
from core.levels.signals import Level
from core.problems import DeskError
from core.reports import daily_report, validate_request
from core.storage.convert import converter
from core.storage.tomlio import dumps
from tests.tui.deskfactory import START, FakeClock, make_desk

NOW = START
CITY_SETTINGS = 'name = "全市保供指挥部"\nname_en = "City command"\ntime_zone = "Asia/Shanghai"\n'


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


def publish(desk_dir: Path, remote: Path | None = None) -> None:
    """Commit everything the district desk holds (not its index) and push it to ``remote``."""
    (desk_dir / ".gitignore").write_text(".index/\n.locks/\n", encoding="utf-8")
    if not (desk_dir / ".git").exists():
        git("init", "-q", "-b", "main", str(desk_dir))
    git("add", "-A", cwd=desk_dir)
    git("commit", "-q", "--allow-empty", "-m", "cases", cwd=desk_dir)
    if remote is not None:
        if not remote.exists():
            git("init", "-q", "--bare", "-b", "main", str(remote))
            git("remote", "add", "origin", str(remote), cwd=desk_dir)
        git("push", "-q", "origin", "main", cwd=desk_dir)


@attrs.frozen
class Setting:
    root: Path  # the city desk
    hexi: Path  # a district desk published to hexi.git
    nan: Path  # a district desk read in place
    remote: Path


@pytest.fixture
def setting(tmp_path: Path) -> Iterator[Setting]:
    hexi = tmp_path / "sites" / "hexi"
    nan = tmp_path / "sites" / "nan"
    for root in (hexi, nan):
        make_desk(root, FakeClock()).cases.index.close()
    remote = tmp_path / "hexi.git"
    publish(hexi, remote)
    city = tmp_path / "city"
    city.mkdir()
    (city / "desk.toml").write_text(CITY_SETTINGS, encoding="utf-8")
    (city / "city.toml").write_text(f"""\
[[district]]
code = "hexi"
name = "河西区"
name_en = "Hexi"
git = "{remote}"

[[district]]
code = "nan"
name = "南区"
name_en = "Nanqu"
path = "../sites/nan"
""", encoding="utf-8")
    yield Setting(city, hexi, nan, remote)


def add_case(desk_dir: Path, phone: str = "13811112222") -> str:
    desk = Desk.open(desk_dir, clock=lambda: NOW - timedelta(hours=1))
    try:
        case = desk.cases.create(Category.GROCERIES, operator="li",
                                 caller=Caller("钱多多", phone, Address("和平路", "1", "1", "101")),
                                 community="hx-01", description="需要大米")
    finally:
        desk.cases.index.close()
    return case.id


def activate_and_miss_a_report_up(desk_dir: Path) -> None:
    """The district desk at ``desk_dir`` records a level III activation for its district (the
    street office's) and has two report-ups still open, one past its hour at ``NOW``, and one
    reported late (no longer open)."""
    desk = Desk.open(desk_dir, clock=lambda: NOW)
    try:
        record_change(desk, Change.ACTIVATE, Level.III, authority=Authority.STREET_OFFICE,
                      person="街道办主任 陈明", reference="电话 0351-1234 08:50",
                      time=NOW - timedelta(minutes=40), district="west", supervisor="zhao",
                      now=NOW - timedelta(minutes=30))
    finally:
        desk.cases.index.close()
    seen = NOW - timedelta(minutes=90)
    tasks = [
        ReportUp("surge-hx-01-20261123T0800", Cause.SURGE, "hx-01", Level.III, seen,
                 seen + timedelta(hours=1), "和平社区热线反映激增",
                 overdue_at=seen + timedelta(hours=1)),
        ReportUp("level-west-20261123-III", Cause.LEVEL, "west", Level.III,
                 NOW - timedelta(minutes=20), NOW + timedelta(minutes=40), "测算应急等级升至III级"),
        ReportUp("surge-hx-02-20261123T0700", Cause.SURGE, "hx-02", Level.IV,
                 seen - timedelta(hours=1), seen, "光明社区热线反映激增",
                 reported_to="区政府总值班室", reported_at=seen + timedelta(minutes=5),
                 reference="电话 0351-2345678", reported_by="zhao"),
    ]
    directory = reportups_dir(desk_dir)
    directory.mkdir(parents=True, exist_ok=True)
    for task in tasks:
        data = {k: v for k, v in converter.unstructure(task).items() if v not in ("", None)}
        (directory / f"{task.id}.toml").write_text(dumps(data), encoding="utf-8")


def test_a_city_desk_fetches_git_districts_read_only_and_reads_directories_in_place(
        setting: Setting) -> None:
    city = City.open(setting.root)
    [fetched] = fetch_all(city.root, city.config.districts, NOW)
    assert fetched.ok and fetched.cloned and len(fetched.commit) == 40
    board = city_board(city, NOW)
    by_code = {f.district.code: f for f in board.districts}
    source = Desk.open(setting.hexi)
    source.cases.refresh()
    assert by_code["hexi"].ok and by_code["hexi"].open == source.cases.count(Query(open_only=True))
    assert by_code["nan"].ok and by_code["nan"].open > 0
    assert board.open == by_code["hexi"].open + by_code["nan"].open
    clone = setting.root / CLONES_DIR / "hexi"
    # the index the board built in the clone is kept out of git: the clone stays the district's
    assert (clone / ".index").is_dir()
    assert git("status", "--porcelain", "--ignored", cwd=clone).strip() == "!! .index/"
    # case files hold personal data: the clone of a private city desk is private whatever the umask
    modes = {path.stat().st_mode & 0o077 for path in (clone / "cases").rglob("*.toml")}
    assert modes == {0}

    new_id = add_case(setting.hexi)
    publish(setting.hexi, setting.remote)
    assert city_board(city, NOW).districts[0].open == by_code["hexi"].open  # not fetched yet
    [again] = fetch_all(city.root, city.config.districts, NOW + timedelta(minutes=5))
    assert again.ok and not again.cloned and again.commit != fetched.commit
    assert city_board(city, NOW).districts[0].open == by_code["hexi"].open + 1
    assert (clone / "cases" / new_id[:4] / new_id[4:6] / new_id[6:8] / f"{new_id}.toml").exists()


def test_a_district_that_cannot_be_fetched_keeps_its_last_good_copy_and_says_so(
        setting: Setting) -> None:
    city = City.open(setting.root)
    first = NOW - timedelta(hours=2)
    fetch_all(city.root, city.config.districts, first)
    setting.remote.rename(setting.remote.with_suffix(".gone"))
    [failed] = fetch_all(city.root, city.config.districts, NOW)
    assert not failed.ok and "not appear to be a git repository" in failed.error
    hexi = city_board(city, NOW).districts[0]
    assert hexi.ok and hexi.stale and hexi.open > 0  # the copy of two hours ago, shown
    assert hexi.state.fetched == first and hexi.state.fetch_failed == NOW
    assert hexi.state.fetch_error == failed.error


def test_a_district_never_fetched_or_unreadable_is_named_never_a_crash(setting: Setting) -> None:
    city = City.open(setting.root)
    board = city_board(city, NOW)  # hexi not fetched yet
    hexi, nan = board.districts
    assert not hexi.ok and "baogong city fetch" in hexi.unavailable
    assert nan.ok
    good = nan.state.opened
    assert good == NOW
    (setting.nan / "desk.toml").write_text('time_zone = "Mars/Olympus"\n', encoding="utf-8")
    later = NOW + timedelta(minutes=10)
    board = city_board(city, later)
    nan = board.districts[1]
    assert not nan.ok and "desk.toml" in nan.unavailable
    assert nan.state.last_good == good and nan.state.read_failed == later
    assert read_state(city.root, "nan").read_error == nan.unavailable
    assert board.unavailable == 2


def test_an_interrupted_or_empty_clone_never_looks_like_a_district(setting: Setting,
                                                                   tmp_path: Path) -> None:
    empty = tmp_path / "empty.git"
    git("init", "-q", "--bare", str(empty))
    city = City.open(setting.root)
    district = attrs.evolve(city.config.districts[0], git=str(empty))
    outcome = fetch_district(city.root, district, NOW)
    assert not outcome.ok and "no commits" in outcome.error
    target = city.root / CLONES_DIR / "hexi"
    assert not target.exists()  # the partial clone was made beside it and removed
    assert list((city.root / CLONES_DIR).iterdir()) == []
    assert fetch_district(city.root, city.config.districts[0], NOW).ok
    assert (target / "desk.toml").exists()


def test_the_board_shows_each_districts_own_figures(setting: Setting) -> None:
    city = City.open(setting.root)
    fetch_all(city.root, city.config.districts, NOW)
    nan = city_board(city, NOW).districts[1]
    desk = Desk.open(setting.nan)
    desk.cases.refresh()
    day = NOW.date()
    report = daily_report(desk, day, signals=signals_for(desk.root, day), now=NOW)
    assert [a.level for a in nan.areas] == [a.level for a in report.areas]
    assert nan.past_due == desk.cases.count(Query.past_due(NOW)) > 0
    assert nan.late_callbacks == desk.cases.count(Query.late_callbacks(NOW))
    assert sum(d.open for d in nan.departments) == nan.open
    # no activation recorded: no level in force (not "unknown"); no report-up task either
    assert nan.activated is None and nan.activated_problem == ""
    assert nan.report_ups == ReportUpStatus() and nan.report_ups_problem == ""
    board = city_board(city, NOW)
    totals = {t.department: t for t in board.departments}
    for load in nan.departments:
        total = totals[load.department]
        assert total.open == sum(d.open for f in board.districts for d in f.departments
                                 if d.department == load.department)
        assert total.past_due == sum(n for _code, n in total.past_due_by_district)


def test_a_districts_level_in_force_and_overdue_report_up_are_on_the_board(
        setting: Setting) -> None:
    activate_and_miss_a_report_up(setting.nan)
    city = City.open(setting.root)
    fetch_all(city.root, city.config.districts, NOW)
    board = city_board(city, NOW)
    hexi, nan = board.districts
    assert hexi.activated is None and hexi.report_ups == ReportUpStatus()
    assert nan.activated is Level.III and nan.activated_problem == ""
    assert nan.report_ups is not None
    assert [t.id for t in nan.report_ups.open] == ["surge-hx-01-20261123T0800",
                                                   "level-west-20261123-III"]
    assert nan.report_ups.overdue_open == 1
    assert (board.activated, board.report_ups_open, board.report_ups_overdue) == (1, 2, 1)
    # before the activation and the tasks, the district had neither
    earlier = city_board(city, NOW - timedelta(hours=3)).districts[1]
    assert earlier.activated is None and earlier.report_ups == ReportUpStatus()

    report = CityBoardReport(board)
    districts = {t.name: t for t in report.tables()}["districts"]
    keys = [c.key for c in districts.columns]
    rows = {row[0].en: dict(zip(keys, row, strict=True))  # type: ignore[union-attr]
            for row in districts.rows}
    assert rows["Nanqu"]["activated"].en == "level III (tense)"  # type: ignore[union-attr]
    assert (rows["Nanqu"]["report_ups_open"], rows["Nanqu"]["report_ups_overdue"]) == (2, 1)
    assert rows["Hexi"]["activated"].zh == "未启动"  # type: ignore[union-attr]
    assert (rows["Hexi"]["report_ups_open"], rows["Hexi"]["report_ups_overdue"]) == (0, 0)
    assert "Level in force in 1 of 2 districts  report-ups open 2 (1 overdue)" in \
        report.heading("en")


def test_unusable_activation_records_are_not_taken_for_no_level_in_force(
        setting: Setting) -> None:
    activate_and_miss_a_report_up(setting.nan)
    [record] = activations_dir(setting.nan).glob("*.toml")
    record.write_text(record.read_text(encoding="utf-8").replace('"III"', '"V"'),
                      encoding="utf-8")
    (reportups_dir(setting.nan) / "broken.toml").write_text('id = "broken"\n', encoding="utf-8")
    nan = city_board(City.open(setting.root), NOW).districts[1]
    assert nan.ok and nan.activated is None
    assert record.name in nan.activated_problem and "level" in nan.activated_problem
    assert "broken.toml" in nan.report_ups_problem
    assert nan.report_ups is not None and len(nan.report_ups.open) == 2  # the usable ones
    rows = {t.name: t for t in CityBoardReport(city_board(City.open(setting.root), NOW))
            .tables()}["districts"].rows
    activated = rows[1][4]
    assert activated.en == "activation records unusable"  # type: ignore[union-attr]
    assert record.name in str(rows[1][-1]) and "broken.toml" in str(rows[1][-1])


def test_search_finds_a_callers_cases_in_every_district(setting: Setting) -> None:
    in_hexi = add_case(setting.hexi, phone="13911112222")
    publish(setting.hexi, setting.remote)
    in_nan = add_case(setting.nan, phone="139 1111 2222")
    city = City.open(setting.root)
    fetch_all(city.root, city.config.districts, NOW)
    found = search_city(city, "+86 139-1111-2222")
    assert {(h.district, h.row.id) for h in found.hits} == {("hexi", in_hexi), ("nan", in_nan)}
    assert found.not_searched == ()
    by_id = search_city(city, in_hexi)
    assert ("hexi", in_hexi) in {(h.district, h.row.id) for h in by_id.hits}
    assert search_city(city, "13900009999").hits == ()
    shutil.rmtree(setting.root / CLONES_DIR / "hexi")
    missing = search_city(city, "13911112222")
    assert [h.district for h in missing.hits] == ["nan"]
    assert [code for code, _why in missing.not_searched] == ["hexi"]


def test_the_city_open311_feed_keeps_ids_apart(setting: Setting) -> None:
    city = City.open(setting.root)
    fetch_all(city.root, city.config.districts, NOW)
    feed = CityFeed(city)
    records = list(feed)
    ids = [r["service_request_id"] for r in records]
    assert len(ids) == len(set(ids)) > 0
    assert {i.split("-")[0] for i in ids} == {"hexi", "nan"}
    assert all(validate_request(r) == [] for r in records)
    assert feed.not_read == []
    assert qualified_id("hexi", "hexi-20261123-0001") == "hexi-20261123-0001"
    assert qualified_id("hexi", "HEXI-20261123-0001") == "HEXI-20261123-0001"


def test_the_city_daily_report_names_each_rows_district_and_the_districts_not_read(
        setting: Setting) -> None:
    city = City.open(setting.root)  # hexi not fetched: not read
    report = city_daily_report(city, NOW.date(), NOW)
    tables = {t.name: t for t in report.tables()}
    assert tables["level"].columns[0].key == "district"
    assert {row[0].en for row in tables["level"].rows} == {"Nanqu"}  # type: ignore[union-attr]
    assert [row[0].en for row in tables["not_read"].rows] == ["Hexi"]  # type: ignore[union-attr]
    assert any("Hexi" in line for line in report.heading("en"))
    fetch_all(city.root, city.config.districts, NOW)
    report = city_daily_report(city, NOW.date(), NOW)
    tables = {t.name: t for t in report.tables()}
    assert {row[0].en for row in tables["level"].rows} == {"Hexi", "Nanqu"}  # type: ignore[union-attr]
    assert tables["not_read"].rows == ()


def test_city_toml_problems_name_the_line_and_a_desk_without_it_is_not_a_city(
        setting: Setting, tmp_path: Path) -> None:
    (setting.root / "city.toml").write_text(
        '[[district]]\ncode = "hexi"\nname = "河西区"\n\n'
        '[[district]]\ncode = "Bad Code"\nname = "x"\npath = "."\n'
        '\n[[district]]\ncode = "nan"\nname = "南区"\npath = "../sites/nan"\n'
        '\n[[district]]\ncode = "nan"\nname = "又一个南区"\npath = "."\n', encoding="utf-8")
    city = City.open(setting.root)
    assert [d.code for d in city.config.districts] == ["nan"]
    rendered = [p.render() for p in city.problems]
    assert any(":1:" in r and "either git" in r for r in rendered), rendered
    assert any(":6:" in r and "not a valid code" in r for r in rendered), rendered
    assert any(":15:" in r and "duplicate code 'nan'" in r for r in rendered), rendered
    assert city.config.districts[0].name == "南区"  # the first one wins
    with pytest.raises(DeskError, match="not a city desk"):
        City.open(setting.nan)


def _count_up(root: str, times: int, start: Any) -> None:
    start.wait()
    for _ in range(times):
        update_state(Path(root), "hexi",
                     lambda s: attrs.evolve(s, commit=str(int(s.commit or 0) + 1)))


def test_what_the_city_knows_of_a_district_is_updated_under_its_lock(tmp_path: Path) -> None:
    """A fetch and a board (two processes) record the same district at once: no update lost."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(3)
    workers = [context.Process(target=_count_up, args=(str(tmp_path), 60, start))
               for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert read_state(tmp_path, "hexi").commit == "180"
