"""Closing the books (对账): match, check and report what :class:`Fold` gathered."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from itertools import compress, repeat
from operator import floordiv, ne
from typing import Any, cast

import attrs

from core.ledger.columns import Column, Entry, InvoiceEntry, ReceiptEntry
from core.ledger.files import batch_of, path_of_batch, read_batch
from core.ledger.findings import Finding, finding, yuan
from core.ledger.fold import Fold
from core.ledger.periods import seal_breaches
from core.ledger.records import Record, StockRecord, by_time_and_id, id_key
from core.ledger.results import Match, MoneyTotals, OpenItem, Reconciliation

#: why a sealed file counts as changed, in Chinese and English
_BREACHES = {
    "changed": ("SHA-256 不符", "its SHA-256 differs"),
    "unreadable": ("已不是可读的普通文件", "it is no longer a regular file that can be read"),
}

#: a round's invoice is due this many days after the first collection (rounds are every 3 days)
INVOICE_DUE_DAYS = 3
#: a delivery receipt is due this many days after the invoice
RECEIPT_DUE_DAYS = 1


class Reconciler(Fold):
    """Fold ledger records into a :class:`Reconciliation`; see :mod:`core.ledger.reconcile`."""

    def finish(self) -> Reconciliation:
        """Match, check and report; the reconciler should not be used afterwards."""
        as_of = self.as_of
        if as_of is None:
            latest = self._latest if self._latest != float("-inf") else datetime.now().timestamp()
            as_of = datetime.fromtimestamp(latest, self.zone)
        self._as_of = as_of.timestamp()
        self._verify_reversals()
        for target, again, again_path, again_line in self._reversed_again:
            self.emit("", finding("double_reversal", again_path, again_line, record=again.id,
                                  target=target, first=self._reversed[target][0].id))
        # a reversal takes effect on its own date: one dated after the period does not touch it
        reversed_ids = {target for target, (reversal, _path, _line) in self._reversed.items()
                        if self._to is None or reversal.time.timestamp() < self._to}
        for reversal, at_path, at_line in self._reversed.values():
            if isinstance(reversal, StockRecord):
                self.stock.add(reversal, at_path, at_line,
                               self._ordinal(reversal.time.timestamp()), -1)
        open_items: list[OpenItem] = []
        matches: list[Match] = []
        money = self._deliveries(reversed_ids, open_items, matches)
        money = self._settle(reversed_ids, open_items, matches, money)
        first_day = self.start.toordinal() if self.start else None
        last_day = self.end.toordinal() if self.end else None
        stock_lines = self.stock.finish(reversed_ids, self.emit, first_day, last_day)
        if not self.scope.everything:
            stock_lines = []
        for close, path, line in self.closes.rejected:
            self.emit("", finding("unauthorised_close", path, line, signed_by=close.signed_by))
        self._check_seals()
        for entry, first in self._duplicates(reversed_ids):
            self.emit(entry.id, finding(
                "suspected_duplicate", entry.path, entry.line, record=entry.id,
                amount_fen=entry.amount, community=entry.community,
                supermarket=entry.supermarket, grid_worker=entry.grid_worker,
                household=entry.household, first=first.id, related=(first.id,),
                day=datetime.fromtimestamp(entry.at, self.zone).date()))
        findings = sorted(
            (f for record_id, f in self._pending
             if record_id not in reversed_ids and self._in_scope(f)),
            key=Finding.sort_key)
        markup = sum(f.amount_fen for f in findings if f.code == "markup")
        fees = sum(f.amount_fen for f in findings if f.code == "fee")
        money = attrs.evolve(money, markup=markup, fees=fees)
        problems = sorted((*self.closes.problems, *self._problems),
                          key=lambda p: (str(p.path), p.line or 0))
        return Reconciliation(
            root=self.root, start=self.start, end=self.end, scope=self.scope, as_of=as_of,
            records=self._records, findings=tuple(findings),
            open_items=tuple(open_items),
            matches=tuple(sorted(matches, key=lambda m: id_key(m.id[2:]))), money=money,
            stock=tuple(stock_lines), problems=tuple(problems))

    def _check_seals(self) -> None:
        for close in self.closes.closes:
            for sealed, breach in seal_breaches(self.root, close):
                why, why_en = _BREACHES.get(breach, ("", ""))
                self.emit("", finding(
                    "sealed_file_removed" if breach == "removed" else "sealed_file_changed",
                    self.root / sealed.file, None, file=sealed.file, period=close.name,
                    sha256=sealed.sha256, why=why, why_en=why_en))

    def _duplicates(self, reversed_ids: set[str]) -> Iterator[tuple[Entry, Entry]]:
        """(later, earliest) collections of one household with the same amount on the same day.

        Looked for one community at a time (a household lives in one), so the table of what has
        been seen stays small.
        """
        by_community: dict[str, list[Column]] = {}
        for (community, _supermarket, _round), group in self._groups.items():
            by_community.setdefault(community, []).append(group.collections.live(reversed_ids))
        known_day = self._day_cache.get
        ordinal = self._ordinal

        def earliest(entry: Entry) -> tuple[float, tuple[int, str, int, int]]:
            return entry.at, id_key(entry.id)

        for _community, columns in sorted(by_community.items()):
            # a collection is known by its place among the community's collections
            seen: dict[tuple[str, int, int], int] = {}
            claim = seen.setdefault
            repeated: dict[tuple[str, int, int], list[int]] = {}
            starts: list[int] = []
            place = 0
            for column in columns:
                starts.append(place)
                # each collection's day from :meth:`_ordinal`'s cache, in line, and what was
                # seen first of each (household, amount, day): a column at a time, without a
                # step of Python for each collection
                cached = list(map(known_day, map(int, map(floordiv, column.at, repeat(900)))))
                days = cast("list[int]", cached) if None not in cached else [
                    ordinal(at) if day is None else day
                    for day, at in zip(cached, column.at, strict=True)]
                keys = list(zip(column.households, column.amounts, days, strict=True))
                here = range(place, place + len(keys))
                firsts = list(map(claim, keys, here))
                later = map(ne, firsts, here)
                for key, first, again in compress(zip(keys, firsts, here, strict=True), later):
                    repeated.setdefault(key, [first]).append(again)
                place += len(keys)
            for places in repeated.values():
                entries = sorted((self._at_place(columns, starts, p) for p in places),
                                 key=earliest)
                for entry in entries[1:]:
                    yield entry, entries[0]

    @staticmethod
    def _at_place(columns: list[Column], starts: list[int], place: int) -> Entry:
        which = bisect_right(starts, place) - 1
        return columns[which].entry(place - starts[which])

    def _in_scope(self, found: Finding) -> bool:
        scope = self.scope
        if scope.everything:
            return True
        if found.code.startswith(("reversal_", "double_reversal", "closed_period",
                                  "unauthorised_close", "sealed_file_")):
            return True
        if found.store:
            return False  # stock belongs to the desk, not to a community
        if scope.grid_worker and not found.grid_worker:
            return bool(found.community) and found.community in self._worker_communities
        return scope.admits(found.community, found.supermarket,
                            found.grid_worker if scope.grid_worker else "")

    def _age(self, at: float) -> int:
        return max(0, int((self._as_of - at) // 86400))

    def _day(self, at: float) -> date:
        return datetime.fromtimestamp(at, self.zone).date()

    def _deliveries(self, reversed_ids: set[str], open_items: list[OpenItem],
                    matches: list[Match]) -> MoneyTotals:
        scope = self.scope
        collected = matched = open_ = invoiced_total = received_total = 0
        receipts: dict[str, list[ReceiptEntry]] = {}
        for receipt in self._receipts:
            if receipt.id in reversed_ids:
                continue
            if receipt.invoice not in self._invoice_ids:
                self.emit(receipt.id, finding("unknown_invoice", receipt.path, receipt.line,
                                              record=receipt.id, invoice=receipt.invoice))
                continue
            receipts.setdefault(receipt.invoice, []).append(receipt)
        for (community, supermarket, round_), group in sorted(self._groups.items()):
            # collections stay in their column: entries are made only for what is reported
            column = group.collections.live(reversed_ids)
            ious = [e for e in group.ious if e.id not in reversed_ids]
            invoices = sorted((i for i in group.invoices if i.id not in reversed_ids),
                              key=lambda i: id_key(i.id))
            counted: Iterable[int]
            if scope.grid_worker:
                counted = [i for i, w in enumerate(column.workers) if w == scope.grid_worker]
                if not counted and all(e.grid_worker != scope.grid_worker for e in ious):
                    continue
                self._worker_communities.add(community)
                group_collected = sum(column.amounts[i] for i in counted)
            elif not scope.admits(community, supermarket):
                continue
            else:
                counted = range(len(column))
                group_collected = sum(column.amounts)
            where: dict[str, Any] = dict(community=community, supermarket=supermarket)
            collected += group_collected
            collections_fen = sum(column.amounts)
            ious_fen = sum(e.amount for e in ious)
            funded = collections_fen + ious_fen
            if not invoices:
                open_ += group_collected
                for index in counted:
                    open_items.append(self._open("collection", column.entry(index)))
                if column or ious:
                    oldest = min((*column, *ious), key=lambda e: e.at)
                    age = self._age(oldest.at)
                    if age > INVOICE_DUE_DAYS:
                        self.emit("", finding(
                            "not_invoiced", oldest.path, oldest.line, record=oldest.id,
                            amount_fen=funded, round=round_, count=len(column) + len(ious),
                            age=age, related=(*column.ids, *(e.id for e in ious)), **where))
                continue
            matched += group_collected
            first = invoices[0]
            invoiced = sum(i.total_fen for i in invoices)
            invoiced_total += invoiced
            received = 0
            members: list[str] = [*column.ids, *(e.id for e in ious)]
            for invoice in invoices:
                members.append(invoice.id)
                got = receipts.get(invoice.id, [])
                members.extend(r.id for r in got)
                received += self._compare_receipt(invoice, where, got, open_items)
            received_total += received
            if not column and not ious:
                for invoice in invoices:
                    self.emit(invoice.id, finding(
                        "invoice_not_paid", invoice.path, invoice.line, record=invoice.id,
                        amount_fen=invoice.total_fen, round=round_, **where))
                    open_items.append(OpenItem(
                        "invoice", invoice.id, invoice.path, invoice.line, invoice.total_fen,
                        self._day(invoice.at), self._age(invoice.at), community, supermarket))
            elif funded != invoiced:
                self.emit("", finding(
                    "collected_invoiced_mismatch", first.path, first.line, record=first.id,
                    amount_fen=abs(funded - invoiced), round=round_, collected=yuan(funded),
                    ious=yuan(ious_fen), invoiced=yuan(invoiced),
                    diff=yuan(funded - invoiced), **where))
            matches.append(Match(
                id=f"M-{first.id}", kind="delivery",
                members=tuple(members), community=community,
                supermarket=supermarket, round=round_,
                collected_fen=collections_fen, iou_fen=ious_fen, invoiced_fen=invoiced,
                received_fen=received, balanced=funded == invoiced))
        return MoneyTotals(collected=collected, matched=matched, open=open_,
                           invoiced=invoiced_total, received=received_total)

    def _open(self, kind: str, e: Entry, amount: int | None = None) -> OpenItem:
        return OpenItem(kind, e.id, e.path, e.line, e.amount if amount is None else amount,
                        self._day(e.at), self._age(e.at), e.community, e.supermarket,
                        e.grid_worker, e.household)

    def _compare_receipt(self, invoice: InvoiceEntry, where: dict[str, Any],
                         receipts: list[ReceiptEntry], open_items: list[OpenItem]) -> int:
        """Check what arrived against ``invoice``; returns the value received, in fen."""
        path, line, at = invoice.path, invoice.line, invoice.at
        if not receipts:
            open_items.append(OpenItem("delivery", invoice.id, path, line, invoice.goods_fen,
                                       self._day(at), self._age(at), where["community"],
                                       where["supermarket"]))
            age = self._age(at)
            if age > RECEIPT_DUE_DAYS:
                self.emit(invoice.id, finding("not_received", path, line, record=invoice.id,
                                              round=invoice.round, age=age, **where))
            return 0
        invoiced: dict[str, int] = {}
        price: dict[str, int] = {}
        for item, quantity, unit_price in invoice.lines:
            invoiced[item] = invoiced.get(item, 0) + quantity
            price.setdefault(item, unit_price)
        received: dict[str, int] = {}
        reasons: dict[str, list[tuple[str, str]]] = {}
        for receipt in receipts:
            for item, quantity, difference, substitute in receipt.lines:
                received[item] = received.get(item, 0) + quantity
                if difference:
                    reasons.setdefault(item, []).append((difference, substitute))
        receipt = receipts[-1]
        receipt_path, receipt_line_no = receipt.path, receipt.line
        value = 0
        for item, quantity in invoiced.items():
            got = received.get(item, 0)
            value += min(got, quantity) * price[item]
            if got == quantity:
                continue
            known = self.catalogue.get(item)
            common: dict[str, Any] = dict(
                record=receipt.id, item=item, item_name=known.name if known else item,
                item_name_en=known.name_en if known else item,
                unit=known.unit if known else "", invoiced=quantity, received=got,
                received_by=receipt.received_by, related=(invoice.id,), **where)
            if got > quantity:
                self.emit(receipt.id, finding("over_delivery", receipt_path, receipt_line_no,
                                              **common))
                continue
            missing = quantity - got
            given = reasons.get(item)
            if not given:
                self.emit(receipt.id, finding("unexplained_difference", receipt_path,
                                              receipt_line_no, **common))
                continue
            difference, substitute = given[0]
            code = f"{difference}_delivery"
            self.emit(receipt.id, finding(
                code, receipt_path, receipt_line_no, amount_fen=missing * price[item],
                quantity=missing, substitute=substitute or "?", **common))
        return value

    def _settle(self, reversed_ids: set[str], open_items: list[OpenItem], matches: list[Match],
                money: MoneyTotals) -> MoneyTotals:
        ious = {k: e for k, e in self._ious.items() if k not in reversed_ids}
        remaining = {k: e.amount for k, e in ious.items()}
        parent: dict[str, str] = {}
        keys: dict[str, tuple[int, str, int, int]] = {}

        def key(record_id: str) -> tuple[int, str, int, int]:
            found = keys.get(record_id)
            if found is None:
                found = keys[record_id] = id_key(record_id)
            return found

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                if key(ra) > key(rb):
                    ra, rb = rb, ra
                parent[rb] = ra

        settled_by: dict[str, int] = {}
        live = by_time_and_id(s for s in self._settlements if s.id not in reversed_ids)
        for settlement in live:
            path, line = settlement.path, settlement.line
            rest = settlement.amount_fen
            was_open = 0
            first_iou: Entry | None = None
            for iou_id in settlement.ious:
                entry = ious.get(iou_id)
                if entry is None:
                    self.emit(settlement.id, finding("unknown_iou", path, line,
                                                     record=settlement.id, iou=iou_id,
                                                     grid_worker=settlement.grid_worker))
                    continue
                first_iou = first_iou or entry
                was_open += remaining[iou_id]
                pay = min(rest, remaining[iou_id])
                remaining[iou_id] -= pay
                rest -= pay
                settled_by[settlement.id] = settled_by.get(settlement.id, 0) + pay
                union(settlement.id, iou_id)
            if rest > 0:
                self.emit(settlement.id, finding(
                    "over_settled", path, line, record=settlement.id,
                    amount_fen=settlement.amount_fen, open=yuan(was_open), diff=yuan(rest),
                    grid_worker=settlement.grid_worker,
                    community=first_iou.community if first_iou else "",
                    supermarket=first_iou.supermarket if first_iou else ""))
        components: dict[str, list[str]] = {}
        for member in {*parent, *parent.values()}:
            components.setdefault(find(member), []).append(member)
        scope = self.scope
        total = settled = still_open = 0
        for iou_id, entry in ious.items():
            if not scope.admits(entry.community, entry.supermarket,
                                entry.grid_worker if scope.grid_worker else ""):
                continue
            total += entry.amount
            settled += entry.amount - remaining[iou_id]
            if remaining[iou_id] > 0:
                still_open += remaining[iou_id]
                open_items.append(self._open("iou", entry, remaining[iou_id]))
        for members in components.values():
            iou_ids = sorted((m for m in members if m in ious), key=key)
            if not iou_ids:
                continue
            anchor = ious[iou_ids[0]]
            if not scope.admits(anchor.community, anchor.supermarket,
                                anchor.grid_worker if scope.grid_worker else ""):
                continue
            matches.append(Match(
                id=f"M-{iou_ids[0]}", kind="iou", members=tuple(sorted(members, key=key)),
                community=anchor.community, supermarket=anchor.supermarket,
                iou_fen=sum(ious[i].amount for i in iou_ids),
                settled_fen=sum(settled_by.get(m, 0) for m in members),
                balanced=all(remaining[i] == 0 for i in iou_ids)))
        return attrs.evolve(money, ious=total, settled=settled, ious_open=still_open)

    def _verify_reversals(self) -> None:
        cache: dict[str, dict[str, Record]] = {}
        for target, (reversal, path, line) in sorted(self._reversed.items()):
            stem = batch_of(target)
            original: Record | None = None
            if stem is not None:
                records = cache.get(stem)
                if records is None:
                    batch_path = path_of_batch(self.root, stem)
                    batch = read_batch(batch_path) if batch_path.exists() else None
                    records = {r.id: r for r in batch.records} if batch else {}
                    cache[stem] = records
                original = records.get(target)
            if original is None:
                self.emit("", finding("reversal_unknown", path, line, record=reversal.id,
                                      target=target))
                continue
            why = ""
            if type(original) is not type(reversal):
                why = f"{original.KIND} ≠ {reversal.KIND}"
            elif original.reverses:
                why = "reversing a reversal; record the original again instead"
            else:
                body, mirror = original.body(), reversal.body()
                differ = [k for k in body if body[k] != mirror.get(k)]
                if differ:
                    why = ", ".join(differ)
            if why:
                self.emit("", finding("reversal_mismatch", path, line, record=reversal.id,
                                      target=target, why=why))

