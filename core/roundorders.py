"""Orders entered into a round where they are taken (录入订单): the hotline, a 接龙 list.

:func:`add_orders` checks a batch of orders against the desk's households and catalogue
(all or nothing), then, holding the round's lock, re-reads the round file and appends one
``[[order]]`` table per new order to the file's text, so what a grid worker wrote in it
(comments, layout) stays, and writes it atomically. Each order names its ``source`` (``case
20261202-0001``, ``list 3f2a9c1e line 12``): a source already in the round is skipped, so
entering the same case or list twice adds nothing. The orders carry when they were taken and
by whom (the acting operator, :mod:`core.identity`).

:func:`open_round_for` says which round an order taken at a moment belongs to: rounds run
every ``round_days`` (``packing.toml``, 3 by default) and take orders until ``order_cutoff``
(11:00) on their first day, desk time; an order after the cut-off goes to the next round,
whose file is created when it does not exist yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from core.identity import acting_name
from core.levels.plans import Text
from core.packing.orders import OrderLine, Payment
from core.packing.templates import load_packing_config
from core.phones import normalize_phone
from core.problems import DeskError, Problem
from core.rounds import MAX_QUANTITY, ROUNDS_DIR, SCHEMA_VERSION, Round, read_round, round_paths
from core.storage.atomic import create_atomic, exclusive_lock, write_atomic
from core.storage.deskfiles import make_desk_directories, read_or_problem
from core.storage.tomlwrite import dumps, format_string

if TYPE_CHECKING:
    from core.cases.case import Case
    from core.desk import Desk

LOCKS_DIR = ".locks"
#: held while a round file is created, so two operators past the cut-off make one next round
ROUNDS_LOCK = "rounds.lock"
_ORDER_NUMBER = re.compile(r"-(\d+)\Z")


@attrs.frozen
class NewOrder:
    """An order to add to a round."""

    household: str  # a household code of households.toml
    lines: tuple[OrderLine, ...]
    taken_at: datetime  # aware: when the order was taken
    #: where the order comes from, e.g. ``case 20261202-0001`` or ``list 3f2a9c1e line 12``;
    #: a source already in the round is never added again
    source: str
    payment: Payment = Payment.DUE
    #: the reference a label's payment code carries; the order's id when not given
    payment_ref: str = ""
    #: who pays for an order ``on_account`` (代付): one of the community's grid workers
    grid_worker: str = ""


@attrs.frozen
class AddedOrders:
    """What :func:`add_orders` did: the ids of the new orders, the sources already there."""

    round: str
    added: tuple[str, ...]
    skipped: tuple[str, ...]


def round_lock(desk: Desk, round_code: str) -> Path:
    """The lock file held to write round ``round_code``'s file."""
    return desk.root / LOCKS_DIR / f"round-{round_code}.lock"


def find_round(desk: Desk, round_code: str) -> Path:
    """The file of round ``round_code`` (``rounds/<code>.toml``, or whichever file says
    ``round = "<code>"``); :class:`DeskError` if there is none."""
    named = desk.root / ROUNDS_DIR / f"{round_code}.toml"
    if named.is_file():
        return named
    for path in round_paths(desk.root):
        try:
            if read_round(desk, path).code == round_code:
                return path
        except DeskError:
            continue
    raise DeskError([Problem(desk.root / ROUNDS_DIR, None,
                             f"there is no round {round_code}; nothing was written", "round")])


def check_orders(desk: Desk, orders: Sequence[NewOrder]) -> list[Problem]:
    """Every problem of ``orders`` against the desk's households and catalogue."""
    problems: list[Problem] = []
    where = desk.root / "households.toml"
    for number, order in enumerate(orders, start=1):
        name = f"order {number} ({order.source or 'no source'})"

        def bad(field: str, message: str, path: Path = where, name: str = name) -> None:
            problems.append(Problem(path, None, f"{name}: {message}", field))

        if not order.source.strip():
            bad("source", "says nowhere where it comes from (a case, a list line)")
        if order.taken_at.utcoffset() is None:
            bad("taken_at", "the time it was taken has no time zone")
        if order.household not in desk.households:
            bad("household", f"unknown household {order.household!r}")
        if not order.lines:
            bad("lines", "no goods", desk.root / "catalogue.toml")
        for line in order.lines:
            if line.code not in desk.catalogue:
                bad("lines", f"unknown goods {line.code!r}", desk.root / "catalogue.toml")
            elif (not isinstance(line.quantity, int) or isinstance(line.quantity, bool)
                  or not 0 < line.quantity <= MAX_QUANTITY):
                bad("lines", f"quantity of {line.code} must be a whole number from 1 to "
                    f"{MAX_QUANTITY}, not {line.quantity!r}", desk.root / "catalogue.toml")
        if "\n" in order.payment_ref or "\n" in order.source or "\n" in order.grid_worker:
            bad("source", "the source, payment reference and grid worker must be one line")
        household = desk.households.get(order.household)
        if order.payment is Payment.ON_ACCOUNT and household is not None:
            community = desk.communities.get(household.community)
            workers = community.grid_workers if community is not None else ()
            if not order.grid_worker.strip():
                bad("grid_worker", "on account (代付) needs the grid worker who pays")
            elif workers and order.grid_worker not in workers:
                bad("grid_worker", f"{order.grid_worker} is not a grid worker of "
                    f"{household.community} ({', '.join(workers)})",
                    desk.root / "communities.toml")
    return problems


def add_orders(desk: Desk, round_code: str, orders: Sequence[NewOrder], *,
               operator: str | None = None) -> AddedOrders:
    """Add ``orders`` to round ``round_code``; raises :class:`DeskError` and writes nothing
    when any order is wrong or the round file cannot be read.

    Orders whose source is already in the round (or earlier in ``orders``) are skipped.
    """
    problems = check_orders(desk, orders)
    if problems:
        raise DeskError(problems)
    taken_by = acting_name(desk, operator)
    path = find_round(desk, round_code)
    lock = round_lock(desk, round_code)
    make_desk_directories(desk.root, lock.parent, mode=desk.file_mode)
    with exclusive_lock(lock, mode=desk.file_mode):
        current = read_round(desk, path)  # inside the lock: what a colleague just added counts
        raw, problem = read_or_problem(path)
        if raw is None:
            raise DeskError([problem] if problem else [Problem(path, None, "cannot be read")])
        text = raw.decode("utf-8")
        taken = {o.source for o in current.orders if o.source}
        number = _last_number(current)
        tables: list[dict[str, object]] = []
        added: list[str] = []
        skipped: list[str] = []
        zone = desk.settings.zone
        for order in orders:
            if order.source in taken:
                skipped.append(order.source)
                continue
            taken.add(order.source)
            number += 1
            order_id = f"{current.code}-{number:04d}"
            added.append(order_id)
            table: dict[str, object] = {"id": order_id, "household": order.household,
                                        "payment": order.payment.value}
            # without a payment of its own, the order's id is what its label's code carries and
            # what the grid worker's collection names (Collection.order)
            table["payment_ref"] = order.payment_ref or order_id
            table["lines"] = [{"code": line.code, "quantity": line.quantity}
                              for line in order.lines]
            table["taken_at"] = order.taken_at.astimezone(zone).replace(microsecond=0)
            table["taken_by"] = taken_by
            table["source"] = order.source
            if order.grid_worker:
                table["grid_worker"] = order.grid_worker
            tables.append(table)
        if tables:
            if not text.endswith("\n"):
                text += "\n"
            text += "\n" + dumps({"order": tables})
            write_atomic(path, text.encode("utf-8"), mode=desk.file_mode)
    return AddedOrders(current.code, tuple(added), tuple(skipped))


def _last_number(round_: Round) -> int:
    """The highest order number of ``round_`` (``r1125-0007`` -> 7), or its count of orders."""
    numbers = [int(m.group(1)) for o in round_.orders
               if (m := _ORDER_NUMBER.search(o.id)) is not None]
    return max([len(round_.orders), *numbers])


# --- which round is open -----------------------------------------------------------------------


def round_code(day_one: date) -> str:
    """A round's code from its first day: ``r<MMDD>``."""
    return f"r{day_one:%m%d}"


def _cutoff(desk: Desk) -> tuple[int, time]:
    """``packing.toml``'s round length in days and order cut-off; :class:`DeskError` with its
    problems when it cannot be read (a guessed cut-off would put orders in the wrong round)."""
    config, problems = load_packing_config(desk.root)
    if config is None:
        raise DeskError(problems)
    hours, minutes = config.order_cutoff.split(":")
    return config.round_days, time(int(hours), int(minutes))


@attrs.frozen
class OpenRound:
    """The round an order taken at a moment goes to, and why (empty when it is simply the
    round taking orders)."""

    code: str
    day_one: date
    message: Text
    exists: bool


def round_for(desk: Desk, at: datetime) -> OpenRound:
    """Which round an order taken at ``at`` (aware) goes to; nothing is written.

    The round taking orders is the first, by its cut-off, whose cut-off (``order_cutoff`` on
    its first day, desk time) is not past at ``at``. With none, the next one follows the
    latest round every ``round_days`` days; on a desk without rounds it starts on ``at``'s day
    (the next day after the cut-off).
    """
    if at.utcoffset() is None:
        raise ValueError("an order's time needs its time zone")
    days, cutoff = _cutoff(desk)
    zone = desk.settings.zone
    local = at.astimezone(zone)

    def closes(day: date) -> datetime:
        return datetime.combine(day, cutoff, zone)

    rounds, _problems = desk.rounds
    open_ = [r for r in rounds if local <= closes(r.day_one)]
    if open_:
        chosen = min(open_, key=lambda r: r.day_one)
        return OpenRound(chosen.code, chosen.day_one,
                         _moved(rounds, chosen.day_one, local, days, closes), True)
    if rounds:
        latest = max(rounds, key=lambda r: r.day_one)
        day = latest.day_one + timedelta(days=days)
        while local > closes(day):
            day += timedelta(days=days)
    else:
        day = local.date() if local <= closes(local.date()) else local.date() + timedelta(1)
    return OpenRound(round_code(day), day, _moved(rounds, day, local, days, closes), False)


def _moved(rounds: Sequence[Round], day: date, local: datetime, days: int,
           closes: Callable[[date], datetime]) -> Text:
    """Why an order taken at ``local`` goes to the round starting on ``day``: the cut-off of
    the round before it (every ``days`` days) has passed; empty when the desk had no round
    then, or when that cut-off has not passed."""
    before = day - timedelta(days=days)
    if local <= closes(before) or not any(r.day_one <= before for r in rounds):
        return Text("", "")
    hhmm = f"{closes(before):%H:%M}"
    return Text(
        f"已过 {round_code(before)} 轮截单时间 ({before:%m-%d} {hhmm})，订单记入下一轮 "
        f"{round_code(day)} (首日 {day:%m-%d})",
        f"past round {round_code(before)}'s cut-off ({before:%m-%d} {hhmm}); the order goes "
        f"to the next round, {round_code(day)} (day one {day:%m-%d})")


def open_round_for(desk: Desk, at: datetime) -> tuple[str, Text]:
    """The round still open at ``at`` and a message when the order was moved to the next
    round (:func:`round_for`); the next round's file is created if needed, under the rounds'
    lock, atomically."""
    found = round_for(desk, at)
    if found.exists:
        return found.code, found.message
    lock = desk.root / LOCKS_DIR / ROUNDS_LOCK
    make_desk_directories(desk.root, desk.root / ROUNDS_DIR, mode=desk.file_mode)
    make_desk_directories(desk.root, lock.parent, mode=desk.file_mode)
    with exclusive_lock(lock, mode=desk.file_mode):
        found = round_for(desk, at)  # a colleague may have just made it
        if found.exists:
            return found.code, found.message
        path = desk.root / ROUNDS_DIR / f"{found.code}.toml"
        if path.exists():
            raise DeskError([Problem(path, None, f"cannot start round {found.code} on "
                                     f"{found.day_one}: the file is taken by another round",
                                     "round")])
        text = (f"# 社区团购第 {found.code} 轮订单 Round {found.code}'s orders\n\n"
                f"schema_version = {SCHEMA_VERSION}\nround = {format_string(found.code)}\n"
                f"day_one = {found.day_one.isoformat()}\n")
        create_atomic(path, text.encode("utf-8"), mode=desk.file_mode)
    message = found.message
    created = Text(f"新建 {found.code} 轮", f"round {found.code} started")
    return found.code, Text("；".join(filter(None, [message.zh, created.zh])),
                            "; ".join(filter(None, [message.en, created.en])))


# --- a hotline case as an order -----------------------------------------------------------------


@attrs.frozen
class CaseOrder:
    """What a case would order: its household and goods, or what is missing for an order."""

    household: str
    lines: tuple[OrderLine, ...]
    missing: tuple[Text, ...]


def case_source(case: Case) -> str:
    """The source an order from ``case`` is added under: ``case <id>``."""
    return f"case {case.id}"


def find_source(desk: Desk, source: str) -> tuple[str, str] | None:
    """``(round, order id)`` of the order added from ``source`` in any readable round."""
    rounds, _problems = desk.rounds
    for round_ in rounds:
        for order in round_.orders:
            if order.source == source:
                return round_.code, order.id
    return None


def order_from_case(desk: Desk, case: Case) -> CaseOrder:
    """The household (the case's, else the only one with the caller's phone) and the goods (the
    case's items, by catalogue code) of an order from ``case``, and what is missing."""
    missing: list[Text] = []
    household = case.household if case.household in desk.households else ""
    if not household:
        phone = normalize_phone(case.caller.phone) if case.caller.phone else ""
        found = desk.households_by_phone().get(phone, []) if phone else []
        if len(found) > 1 and case.community:
            found = [h for h in found if h.community == case.community]
        if len(found) == 1:
            household = found[0].id
        elif case.household:
            missing.append(Text(f"户 {case.household} 不在居民户登记中",
                                f"household {case.household} is not in households.toml"))
        elif len(found) > 1:
            missing.append(Text(f"来电号码对应 {len(found)} 户，请先在工单中指定户",
                                f"the caller's phone matches {len(found)} households: "
                                "set the case's household first"))
        else:
            missing.append(Text("工单未指定户，来电号码也未登记",
                                "the case names no household and the caller's phone is not "
                                "in households.toml"))
    quantities: dict[str, float] = {}
    for item in case.items:
        if item.code not in desk.catalogue:
            missing.append(Text(f"“{item.name or item.code}”不是商品目录中的商品",
                                f"'{item.name or item.code}' is not in the catalogue"))
            continue
        quantities[item.code] = quantities.get(item.code, 0) + item.quantity
    lines: list[OrderLine] = []
    for code, quantity in quantities.items():
        if quantity != int(quantity) or not 0 < quantity <= MAX_QUANTITY:
            missing.append(Text(f"{code} 的数量 {quantity:g} 须为 1 到 {MAX_QUANTITY} 的整数",
                                f"{code}: quantity {quantity:g} must be a whole number from 1 "
                                f"to {MAX_QUANTITY}"))
        else:
            lines.append(OrderLine(code, int(quantity)))
    if not case.items:
        missing.append(Text("工单未列出商品", "the case lists no goods"))
    return CaseOrder(household, tuple(lines), tuple(missing))


__all__ = ["AddedOrders", "CaseOrder", "NewOrder", "OpenRound", "add_orders", "case_source",
           "check_orders", "find_round", "find_source", "open_round_for", "order_from_case",
           "round_code", "round_for", "round_lock"]
