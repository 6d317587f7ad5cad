"""Findings (核对发现): what the reconciler reports, each pointing at a record and the next step.

A finding is a value: a stable ``code``, a severity, the message and the suggested action in
Chinese and English, and the record's file and line, like a ``bean-check`` or ``hledger check``
error. Messages come from one table so that every finding of a code reads the same.
"""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path
from typing import Any

import attrs


class Severity(enum.StrEnum):
    ERROR = "error"  # 错误: money or goods are wrong or unaccounted for
    WARNING = "warning"  # 警告: needs a person to look, may be fine
    INFO = "info"  # 提示: for the record


SEVERITY_NAMES = {
    Severity.ERROR: ("错误", "error"),
    Severity.WARNING: ("警告", "warning"),
    Severity.INFO: ("提示", "info"),
}


def yuan(fen: int) -> str:
    """``1234`` -> ``"12.34"``: fen as yuan, exactly."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


@attrs.frozen
class Finding:
    """One thing the reconciler found, with where it is and what to do next."""

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    action_zh: str
    action_en: str
    path: Path | None
    line: int | None
    record: str = ""
    amount_fen: int = 0
    community: str = ""
    supermarket: str = ""
    grid_worker: str = ""
    store: str = ""
    item: str = ""
    day: date | None = None
    related: tuple[str, ...] = ()

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def action(self, lang: str = "zh") -> str:
        return self.action_en if lang == "en" else self.action_zh

    def where(self, base: Path | None = None) -> str:
        if self.path is None:
            return "-"
        shown = self.path
        if base is not None:
            try:
                shown = self.path.relative_to(base)
            except ValueError:
                shown = self.path
        return f"{shown}:{self.line}" if self.line is not None else str(shown)

    def sort_key(self) -> tuple[str, int, str, str]:
        return (str(self.path or ""), self.line or 0, self.code, self.record)


#: code -> (severity, message zh, message en, action zh, action en); ``{}`` fields from the call
MESSAGES: dict[str, tuple[Severity, str, str, str, str]] = {
    "collected_invoiced_mismatch": (
        Severity.ERROR,
        "{community} 第 {round} 轮: 代收 {collected} 元(含代付 {ious} 元), "
        "送货单 {invoiced} 元, 差 {diff} 元",
        "{community} round {round}: collected {collected} yuan (incl. IOUs {ious}), invoiced "
        "{invoiced} yuan, difference {diff} yuan",
        "逐户核对订单与送货单, 多收的退还居民, 少收的补收或请超市更正送货单",
        "check each household's order against the invoice; refund what was over-collected, "
        "collect the shortfall or have the supermarket correct the invoice",
    ),
    "not_invoiced": (
        Severity.WARNING,
        "{community} 第 {round} 轮: {count} 笔代收/代付共 {amount} 元已 {age} 天没有送货单",
        "{community} round {round}: {count} collections and IOUs totalling {amount} yuan have "
        "had no invoice for {age} days",
        "联系 {supermarket} 确认是否已配送并索取送货单, 未配送的退款给居民",
        "ask {supermarket} whether the round was delivered and for its invoice; refund residents "
        "if it was not",
    ),
    "invoice_not_paid": (
        Severity.WARNING,
        "送货单 {record} ({supermarket}, {community} 第 {round} 轮) {amount} 元没有对应的代收款",
        "invoice {record} ({supermarket}, {community} round {round}) for {amount} yuan has no "
        "collections",
        "找到收款的网格员补录代收款记录, 或确认送货单是否重复",
        "find the grid worker who collected and record the collections, or check whether the "
        "invoice is a duplicate",
    ),
    "not_received": (
        Severity.WARNING,
        "送货单 {record} ({community} 第 {round} 轮) 已 {age} 天没有签收记录",
        "invoice {record} ({community} round {round}) has had no delivery receipt for {age} days",
        "向投放点核实是否到货, 补录签收单",
        "check with the drop point whether the goods arrived and record the receipt",
    ),
    "short_delivery": (
        Severity.WARNING,
        "{item_name} 短少 {quantity} {unit}: 应向 {supermarket} 追回 {amount} 元",
        "{item_name_en} short by {quantity}: {amount} yuan due back from {supermarket}",
        "请 {supermarket} 补送或开具红字送货单, 并把多收的钱退给相关居民",
        "ask {supermarket} to deliver the rest or issue a credit note, and refund the residents "
        "affected",
    ),
    "damaged_delivery": (
        Severity.WARNING,
        "{item_name} 破损 {quantity} {unit}: 应向 {supermarket} 追回 {amount} 元",
        "{item_name_en} damaged: {quantity}, {amount} yuan due back from {supermarket}",
        "拍照留证, 请 {supermarket} 补送或退款",
        "keep photos and ask {supermarket} to replace or refund",
    ),
    "refused_delivery": (
        Severity.WARNING,
        "{item_name} 拒收 {quantity} {unit}: 应向 {supermarket} 追回 {amount} 元",
        "{item_name_en} refused: {quantity}, {amount} yuan due back from {supermarket}",
        "请 {supermarket} 开具红字送货单, 退款给居民",
        "ask {supermarket} for a credit note and refund the residents",
    ),
    "substituted_delivery": (
        Severity.WARNING,
        "{item_name} {quantity} {unit} 以 {substitute} 替换",
        "{item_name_en}: {quantity} substituted by {substitute}",
        "确认居民同意替换且替换品价格不高于原价, 差价退还居民",
        "confirm the residents accepted the substitute and it costs no more; refund any difference",
    ),
    "unexplained_difference": (
        Severity.ERROR,
        "{item_name}: 送货单 {invoiced} {unit}, 签收 {received} {unit}, 未说明原因",
        "{item_name_en}: invoiced {invoiced}, received {received}, no reason given",
        "向签收人 {received_by} 核实差异原因 (短少/破损/替换/拒收) 并冲正签收单",
        "ask {received_by} why (short, damaged, substituted, refused) and correct the receipt "
        "with a reversal",
    ),
    "over_delivery": (
        Severity.WARNING,
        "{item_name}: 签收 {received} {unit}, 多于送货单 {invoiced} {unit}",
        "{item_name_en}: received {received}, more than the {invoiced} invoiced",
        "核实是否记错数量, 多送的与 {supermarket} 确认处理方式",
        "check the count; agree with {supermarket} what happens to the extra goods",
    ),
    "markup": (
        Severity.ERROR,
        "{item_name} 单价 {price} 元, 高于{basis_zh} {listed} 元 "
        "(每{unit}加价 {diff} 元, 共 {amount} 元)",
        "{item_name_en} charged {price} yuan, above {basis_en} of {listed} yuan ({diff} yuan a "
        "unit, {amount} yuan in all)",
        "禁止加价配送: 要求 {supermarket} 退还差价 {amount} 元, 并转市场监管部门",
        "markups are forbidden: have {supermarket} refund {amount} yuan and refer it to market "
        "regulation",
    ),
    "unknown_item": (
        Severity.ERROR,
        "商品 {item} 不在商品目录中",
        "item {item} is not in the catalogue",
        "核对商品编码, 或先把商品加入目录",
        "check the item code, or add the item to the catalogue first",
    ),
    "fee": (
        Severity.ERROR,
        "收取了费用「{name}」{amount} 元",
        "a fee '{name}' of {amount} yuan was charged",
        "不得收取服务费: 退还 {amount} 元, 并转市场监管部门",
        "no service fee is allowed: refund {amount} yuan and refer it to market regulation",
    ),
    "suspected_duplicate": (
        Severity.WARNING,
        "疑似重复收款: 住户 {household} 在 {day} 已有一笔 {amount} 元 ({first})",
        "suspected duplicate: household {household} already paid {amount} yuan on {day} "
        "({first})",
        "向网格员 {grid_worker} 和住户核实; 确属重复的, 冲正本记录并退款",
        "check with grid worker {grid_worker} and the household; if it is a duplicate, reverse "
        "this record and refund",
    ),
    "unknown_invoice": (
        Severity.ERROR,
        "签收单引用的送货单 {invoice} 不存在",
        "the receipt refers to invoice {invoice}, which does not exist",
        "核对送货单编号, 冲正后重新录入",
        "check the invoice id; reverse and record the receipt again",
    ),
    "unknown_iou": (
        Severity.ERROR,
        "结算引用的代付记录 {iou} 不存在",
        "the settlement refers to IOU {iou}, which does not exist",
        "核对代付编号, 冲正后重新录入",
        "check the IOU id; reverse and record the settlement again",
    ),
    "over_settled": (
        Severity.ERROR,
        "结算 {amount} 元超过所列代付未结余额 {open} 元, 多出 {diff} 元",
        "settlement of {amount} yuan exceeds the {open} yuan still open on its IOUs by {diff} yuan",
        "把多收的 {diff} 元退还居民, 或补列漏掉的代付记录",
        "refund the {diff} yuan over-paid, or list the IOUs the settlement was meant for",
    ),
    "count_mismatch": (
        Severity.ERROR,
        "{store} 库 {item_name} {day} 盘点 {counted} {unit}, 账面 {book} {unit}, 差 {diff} {unit}",
        "{store} store, {item_name_en} on {day}: counted {counted}, books say {book}, "
        "difference {diff}",
        "复盘; 查明原因后录入带原因的库存调整 (丢失/损坏/过期/盘盈/盘点), 不得直接改账",
        "count again; once the cause is known record an adjustment with its cause (lost, damaged, "
        "expired, found, counted); never edit the books",
    ),
    "negative_stock": (
        Severity.ERROR,
        "{store} 库 {item_name} {day} 结存为 {balance} {unit}",
        "{store} store, {item_name_en} balance is {balance} on {day}",
        "检查是否漏记入库或多记出库, 补录或冲正",
        "look for a missing receipt or an issue recorded twice; record or reverse it",
    ),
    "diversion": (
        Severity.ERROR,
        "疑似挪用: {item_name} {quantity} {unit} 发给 {unit_name}, {why}",
        "possible diversion (挪用): {quantity} of {item_name_en} issued to {unit_name}, {why_en}",
        "收回物资或补办经批准的申请审批单; 报专班和纪检部门",
        "recover the goods or obtain an approved request sheet; report to the task force and the "
        "discipline office",
    ),
    "over_issue": (
        Severity.ERROR,
        "申请 {request} 批准 {item_name} {approved} {unit}, 已发 {issued} {unit}",
        "request {request} approved {approved} of {item_name_en}, {issued} issued",
        "收回超发部分, 或补办追加申请",
        "recover the excess or obtain a further approved request",
    ),
    "unsigned_request": (
        Severity.ERROR,
        "申请审批单 {record} ({unit_name}) 没有单位负责人签字, 却已据此发放",
        "request {record} ({unit_name}) is not signed by the unit head, yet supplies were issued "
        "against it",
        "请单位负责人补签 (谁签字谁负责), 未补签前暂停发放",
        "have the unit head sign it (who signs is responsible); stop issuing until then",
    ),
    "stock_loss": (
        Severity.WARNING,
        "{store} 库 {item_name} {cause} {quantity} {unit}",
        "{store} store: {quantity} of {item_name_en} {cause_en}",
        "写明经过, 由保管员和负责人签字报专班; 可回收物品追查责任",
        "write down what happened, signed by the keeper and the head, for the task force; for "
        "reusable items find who is responsible",
    ),
    "return_unknown_issue": (
        Severity.WARNING,
        "回收记录引用的出库记录 {issue} 不存在",
        "the return refers to issue {issue}, which does not exist",
        "核对出库编号, 冲正后重新录入",
        "check the issue id; reverse and record the return again",
    ),
    "reversal_unknown": (
        Severity.ERROR,
        "冲正记录要冲正的 {target} 不存在",
        "the reversal names {target}, which does not exist",
        "核对被冲正记录的编号, 冲正本记录后重新录入",
        "check the id of the record to reverse; reverse this one and record it again",
    ),
    "reversal_mismatch": (
        Severity.ERROR,
        "冲正记录与被冲正的 {target} 内容不一致 ({why})",
        "the reversal does not repeat {target} ({why})",
        "红冲必须与原记录同类同内容; 冲正本记录后重新录入",
        "a reversal must have the kind and body of the record it reverses; reverse this one and "
        "record it again",
    ),
    "double_reversal": (
        Severity.ERROR,
        "{target} 已被 {first} 冲正过, 本次冲正无效",
        "{target} was already reversed by {first}; this reversal has no effect",
        "冲正本记录",
        "reverse this record",
    ),
    "closed_period": (
        Severity.ERROR,
        "记录日期 {day} 在已结账期间 {period} 内, 却在结账后 ({signed}) 录入",
        "dated {day}, inside the closed period {period}, but recorded after it was signed off "
        "({signed})",
        "已结账期间不得补录: 冲正本记录, 改在未结账期间录入冲正/更正记录",
        "a closed period takes no new records: reverse this one and record the correction dated "
        "in an open period",
    ),
    "sealed_file_changed": (
        Severity.ERROR,
        "台账文件 {file} 在期间 {period} 结账封存后被改动 ({why})",
        "ledger file {file} has changed since the period {period} was signed off and sealed "
        "({why_en})",
        "台账文件不得修改: 从备份恢复封存时的文件 (SHA-256 {sha256}), 查明谁改的; "
        "更正一律用冲正记录, 记在未结账期间",
        "ledger files are never edited: restore the file as sealed (SHA-256 {sha256}) from a "
        "backup and find out who changed it; corrections are reversals dated in an open period",
    ),
    "sealed_file_removed": (
        Severity.ERROR,
        "期间 {period} 结账封存的台账文件 {file} 已不存在",
        "ledger file {file}, sealed when the period {period} was signed off, is gone",
        "从备份恢复该文件 (SHA-256 {sha256}), 查明谁删的",
        "restore the file (SHA-256 {sha256}) from a backup and find out who removed it",
    ),
    "sealed_file_added": (
        Severity.ERROR,
        "台账文件 {file} 不在期间 {period} 的结账封存中, 却有 {day} 的记录 {record}",
        "ledger file {file} is not in the seal of the period {period}, yet holds {record} "
        "dated {day}",
        "结账后不得补录: 查明谁写的, 把该文件移出 ledgers/ 另行保管, "
        "其中的记录改在未结账期间重新录入",
        "a signed-off period takes no new records: find out who wrote the file, move it out of "
        "ledgers/ for safekeeping and record its entries again dated in an open period",
    ),
    "unauthorised_close": (
        Severity.ERROR,
        "结账签字人 {signed_by} 不是值班长 (desk.toml 中 supervisors)",
        "the period was signed off by {signed_by}, who is not a supervisor (desk.toml supervisors)",
        "由值班长重新签字结账; 本结账记录不生效",
        "have a supervisor sign the period off; this close does not count",
    ),
}

CAUSE_NAMES = {
    "lost": ("丢失", "lost"),
    "damaged": ("损坏", "damaged"),
    "expired": ("过期", "expired"),
    "found": ("盘盈", "found"),
    "counted": ("盘点调整", "adjusted after a count"),
}


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def finding(code: str, path: Path | None, line: int | None, *, record: str = "",
            amount_fen: int = 0, community: str = "", supermarket: str = "",
            grid_worker: str = "", store: str = "", item: str = "", day: date | None = None,
            related: tuple[str, ...] = (), **values: Any) -> Finding:
    """A finding of ``code`` with its messages filled in from ``values`` and the named fields."""
    severity, zh, en, action_zh, action_en = MESSAGES[code]
    values.setdefault("item_name_en", values.get("item_name", item))
    fill = _Default(record=record, community=community, supermarket=supermarket,
                    grid_worker=grid_worker, store=store, item=item, day=day,
                    amount=yuan(amount_fen), **values)
    return Finding(
        code=code, severity=severity,
        message_zh=zh.format_map(fill), message_en=en.format_map(fill),
        action_zh=action_zh.format_map(fill), action_en=action_en.format_map(fill),
        path=path, line=line, record=record, amount_fen=amount_fen, community=community,
        supermarket=supermarket, grid_worker=grid_worker, store=store, item=item, day=day,
        related=related,
    )
