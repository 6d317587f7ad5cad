"""Names of the desk's domain values in Chinese and English: the one table that reports, exports
and the terminal app all read.

The English is written as it reads inside a sentence or a report cell (``accepted``); the
terminal app shows it as a label with a capital letter (``Accepted``). Names of things a desk
defines itself (departments, communities, districts) come from its reference files instead.
"""

from __future__ import annotations

from core.cases.case import Action, CaseStatus, Evaluation, Priority
from core.cases.categories import CaseKind, Category
from core.levels.plans import Text
from core.levels.prices import Necessity, StockState
from core.levels.signals import Level
from core.reference import GoodsCategory, PriorityFlag

STATUS_NAMES: dict[CaseStatus, Text] = {
    CaseStatus.ACCEPTED: Text("已受理", "accepted"),
    CaseStatus.DISPATCHED: Text("已派单", "dispatched"),
    CaseStatus.IN_PROGRESS: Text("办理中", "in progress"),
    CaseStatus.REPLIED: Text("已答复", "replied"),
    CaseStatus.CHASED: Text("已催办", "chased"),
    CaseStatus.RESOLVED: Text("已办结", "resolved"),
    CaseStatus.CALLED_BACK: Text("已回访", "called back"),
    CaseStatus.EVALUATED: Text("已评价", "evaluated"),
    CaseStatus.REOPENED: Text("重新办理", "reopened"),
    CaseStatus.AWAITING_APPROVAL: Text("待审核", "awaiting approval"),
}
KIND_NAMES: dict[CaseKind, Text] = {
    CaseKind.REQUEST: Text("需求", "request"),
    CaseKind.COMPLAINT: Text("投诉", "complaint"),
    CaseKind.INQUIRY: Text("咨询", "inquiry"),
    CaseKind.RUMOUR: Text("不实信息", "rumour"),
}
PRIORITY_NAMES: dict[Priority, Text] = {
    Priority.URGENT: Text("特急", "urgent"),
    Priority.HIGH: Text("紧急", "high"),
    Priority.NORMAL: Text("一般", "normal"),
}
EVALUATION_NAMES: dict[Evaluation, Text] = {
    Evaluation.SATISFIED: Text("满意", "satisfied"),
    Evaluation.BASICALLY_SATISFIED: Text("基本满意", "basically satisfied"),
    Evaluation.UNSATISFIED: Text("不满意", "unsatisfied"),
}
FLAG_NAMES: dict[PriorityFlag, Text] = {
    PriorityFlag.ELDERLY_ALONE: Text("独居老人", "elderly living alone"),
    PriorityFlag.BEDRIDDEN: Text("卧床", "bedridden"),
    PriorityFlag.DISABLED: Text("残疾人", "disabled"),
    PriorityFlag.NO_SMARTPHONE: Text("无智能手机", "no smartphone"),
    PriorityFlag.CHRONIC_PATIENT: Text("慢性病患者", "chronic patient"),
    PriorityFlag.LOW_INCOME: Text("低保/特困", "low income"),
    PriorityFlag.LOST_ONLY_CHILD: Text("失独家庭", "lost only child"),
}
#: one character (Chinese) or one letter (English) per flag, for a list's narrow column
FLAG_MARKS: dict[PriorityFlag, Text] = {
    PriorityFlag.ELDERLY_ALONE: Text("独", "E"),
    PriorityFlag.BEDRIDDEN: Text("卧", "B"),
    PriorityFlag.DISABLED: Text("残", "D"),
    PriorityFlag.NO_SMARTPHONE: Text("机", "P"),
    PriorityFlag.CHRONIC_PATIENT: Text("病", "C"),
    PriorityFlag.LOW_INCOME: Text("困", "L"),
    PriorityFlag.LOST_ONLY_CHILD: Text("失", "O"),
}
#: what each step of a case's history records
ACTION_NAMES: dict[Action, Text] = {
    Action.CREATE: Text("受理来电", "accepted the call"),
    Action.EDIT: Text("已修改", "edited"),
    Action.DISPATCH: Text("已派单", "dispatched"),
    Action.START: Text("开始办理", "started work"),
    Action.NOTE: Text("备注", "note"),
    Action.REPLY: Text("已答复", "replied"),
    Action.CHASE: Text("已催办", "chased"),
    Action.RESOLVE: Text("已办结", "resolved"),
    Action.CALL_BACK: Text("已回访", "called back"),
    Action.EVALUATE: Text("评价", "evaluation"),
    Action.REOPEN: Text("重新办理", "reopened"),
    Action.CALL: Text("再次来电", "called again"),
    Action.LADDER: Text("超时督办", "chase ladder step"),
    Action.APPROVE: Text("审核通过", "approved"),
    Action.SEND_BACK: Text("退回重办", "sent back"),
}
#: a level in a few words, for a list or a status line (:meth:`Level.label` is the report's)
LEVEL_NAMES: dict[Level, Text] = {
    Level.NONE: Text("未进入应急状态", "no emergency level"),
    Level.IV: Text("IV级（一般）", "level IV (general)"),
    Level.III: Text("III级（紧张）", "level III (tense)"),
    Level.II: Text("II级（紧急）", "level II (urgent)"),
    Level.I: Text("I级（特急）", "level I (extreme)"),
}
GOODS_NAMES: dict[GoodsCategory, Text] = {
    GoodsCategory.GRAIN_OIL: Text("粮油", "grain and oil"),
    GoodsCategory.MEAT: Text("肉", "meat"),
    GoodsCategory.EGGS: Text("蛋", "eggs"),
    GoodsCategory.MILK: Text("奶", "milk"),
    GoodsCategory.VEGETABLES: Text("蔬菜", "vegetables"),
    GoodsCategory.FRUIT: Text("水果", "fruit"),
    GoodsCategory.SALT: Text("食盐", "salt"),
    GoodsCategory.CONDIMENTS: Text("调味品", "condiments"),
    GoodsCategory.DAILY_GOODS: Text("日用品", "daily goods"),
    GoodsCategory.MEDICINE: Text("药品", "medicine"),
    GoodsCategory.MEDICAL_SUPPLIES: Text("防疫物资", "medical supplies"),
    GoodsCategory.DISINFECTANT: Text("消毒用品", "disinfectant"),
}
UNSPECIFIED_GOODS = Text("未指明商品", "no catalogue goods named")


def category_name(category: Category) -> Text:
    """A case category's name (its English already reads as a label)."""
    return Text(category.info.name, category.info.name_en)

NECESSITY_NAMES: dict[Necessity, Text] = {
    Necessity.GRAIN: Text("粮食", "grain"),
    Necessity.OIL: Text("食用油", "cooking oil"),
    Necessity.PORK: Text("猪肉", "pork"),
    Necessity.EGGS: Text("鸡蛋", "eggs"),
    Necessity.MILK: Text("牛奶", "milk"),
    Necessity.VEGETABLES: Text("蔬菜", "vegetables"),
    Necessity.SALT: Text("食盐", "salt"),
}
STOCK_STATE_NAMES: dict[StockState, Text] = {
    StockState.OK: Text("充足", "in stock"),
    StockState.LOW: Text("偏紧", "low"),
    StockState.OUT: Text("断货", "out"),
}
