"""A reconciliation as text for the terminal, in Chinese or English (no colours: core is plain)."""

from __future__ import annotations

from collections.abc import Iterator

from core.ledger.findings import SEVERITY_NAMES, Severity, yuan
from core.ledger.reconcile import Reconciliation

OPEN_ITEMS_SHOWN = 20

_WORDS = {
    "title": ("对账报告", "Reconciliation report"),
    "period": ("期间", "period"),
    "all_time": ("全部", "all time"),
    "scope": ("范围", "scope"),
    "everything": ("全部社区、网格员、超市", "all communities, grid workers and supermarkets"),
    "as_of": ("截至", "as of"),
    "records": ("记录", "records"),
    "money": ("资金", "money"),
    "collected": ("代收", "collected"),
    "matched": ("已匹配", "matched"),
    "open": ("未达", "open"),
    "invoiced": ("送货单", "invoiced"),
    "received": ("已签收", "received"),
    "ious": ("代付", "IOUs"),
    "settled": ("已结算", "settled"),
    "ious_open": ("代付未结", "IOUs open"),
    "markup": ("加价", "markups"),
    "fees": ("收费", "fees"),
    "findings": ("发现", "findings"),
    "none": ("无, 账平", "none, everything balances"),
    "action": ("建议", "next"),
    "open_items": ("未达账项", "open items"),
    "more": ("另有 {n} 项, 见 --csv/--json", "{n} more, see --csv/--json"),
    "days": ("天", "days"),
    "matches": ("匹配", "matches"),
    "stock": ("库存 (期末)", "stock (closing)"),
    "problems": ("无法读取的记录", "unreadable records"),
    "yuan": ("元", "yuan"),
}

_OPEN_KINDS = {
    "collection": ("代收未开单", "collected, not invoiced"),
    "iou": ("代付未结", "IOU not settled"),
    "invoice": ("送货单未付", "invoice not paid"),
    "delivery": ("送货未签收", "delivery not received"),
}


def render_text(result: Reconciliation, lang: str = "zh") -> str:
    return "\n".join(lines(result, lang)) + "\n"


def lines(result: Reconciliation, lang: str = "zh") -> Iterator[str]:
    i = 1 if lang == "en" else 0

    def w(key: str) -> str:
        return _WORDS[key][i]

    base = result.root
    period = w("all_time")
    if result.start or result.end:
        period = f"{result.start or '…'} – {result.end or '…'}"
    scope = result.scope
    scope_text = ", ".join(f"{k}={v}" for k, v in (
        ("community", scope.community), ("grid_worker", scope.grid_worker),
        ("supermarket", scope.supermarket)) if v) or w("everything")
    yield f"{w('title')}  {base}"
    yield (f"{w('period')}: {period}   {w('scope')}: {scope_text}   "
           f"{w('as_of')}: {result.as_of:%Y-%m-%d %H:%M}   {w('records')}: {result.records}")
    yield ""
    m = result.money
    yield f"{w('money')} ({w('yuan')}):"
    yield (f"  {w('collected')} {yuan(m.collected)} = {w('matched')} {yuan(m.matched)} + "
           f"{w('open')} {yuan(m.open)}")
    yield f"  {w('invoiced')} {yuan(m.invoiced)}   {w('received')} {yuan(m.received)}"
    yield (f"  {w('ious')} {yuan(m.ious)} = {w('settled')} {yuan(m.settled)} + "
           f"{w('ious_open')} {yuan(m.ious_open)}")
    yield f"  {w('markup')} {yuan(m.markup)}   {w('fees')} {yuan(m.fees)}"
    yield ""
    counts = ", ".join(f"{SEVERITY_NAMES[s][i]} {result.count(s)}" for s in Severity)
    yield f"{w('findings')} ({counts}):" if result.findings else f"{w('findings')}: {w('none')}"
    for severity in Severity:
        for f in result.findings:
            if f.severity is severity:
                label = SEVERITY_NAMES[severity][i]
                yield f"  {f.where(base)}: {label} [{f.code}] {f.message(lang)}"
                yield f"      → {w('action')}: {f.action(lang)}"
    if result.open_items:
        yield ""
        yield f"{w('open_items')} ({len(result.open_items)}):"
        shown = sorted(result.open_items, key=lambda o: -o.age_days)[:OPEN_ITEMS_SHOWN]
        for o in shown:
            who = " ".join(x for x in (o.community, o.household, o.grid_worker) if x)
            yield (f"  {o.path.relative_to(base) if o.path.is_relative_to(base) else o.path}:"
                   f"{o.line}: {_OPEN_KINDS[o.kind][i]} {o.record} {yuan(o.amount_fen)} "
                   f"{w('yuan')}, {o.age_days} {w('days')} ({o.since}) {who}")
        if len(result.open_items) > OPEN_ITEMS_SHOWN:
            yield "  " + w("more").format(n=len(result.open_items) - OPEN_ITEMS_SHOWN)
    if result.matches:
        yield ""
        balanced = sum(1 for x in result.matches if x.balanced)
        yield f"{w('matches')}: {len(result.matches)} ({balanced} ✓)"
    if result.stock:
        yield ""
        yield f"{w('stock')}:"
        closing: dict[tuple[str, str], int] = {}
        for line in result.stock:
            closing[(line.store, line.item)] = line.closing
        for (store, item), quantity in sorted(closing.items()):
            yield f"  {store} {item}: {quantity}"
    if result.problems:
        yield ""
        yield f"{w('problems')} ({len(result.problems)}):"
        for problem in result.problems:
            yield f"  {problem.render(base)}"
