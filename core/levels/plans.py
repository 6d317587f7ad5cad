"""The response plan of each level (应急响应程序和措施), in Chinese and English.

Taken from the seeds' 五、应急响应: who activates the plan, whether necessities are rationed per
person (按人定量供应), whose reserves are requested, where outside sources are sought, whether the
police keep order (派出所维护现场秩序) and the public-opinion watch (舆情监测) every level keeps.
"""

from __future__ import annotations

import attrs

from core.levels.signals import Level


@attrs.frozen
class Text:
    """One piece of text in both languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@attrs.frozen
class Plan:
    """What the desk and its departments do at one level."""

    level: Level
    activated_by: Text  # 启动主体
    rationing_per_person: bool  # 按人定量供应
    reserves_requested_from: Text | None  # 申请动用储备
    outside_sources: Text | None  # 寻找货源的范围
    police_keep_order: bool  # 派出所维护现场秩序
    public_opinion_watch: bool  # 舆情监测预警
    measures: tuple[Text, ...]


_LOCAL_SUPPLY = Text(
    "就地就近组织本辖区内成品粮油、肉蛋奶、蔬菜、食盐进行市场供应",
    "Supply the market with finished grain and oil, meat, eggs, milk, vegetables and salt "
    "from local stock, nearest first",
)
_PROCESS_RESERVES = Text(
    "组织辖区内生产加工企业对粮食储备进行加工，投放市场",
    "Have local processors process the grain reserve and release it to the market",
)
_OPINION = Text(
    "加强舆情监测预警，及时回应社会关切，澄清不实信息，处置负面舆情，稳定预期",
    "Watch public opinion: answer public concerns quickly, correct false information, "
    "handle negative opinion, keep expectations steady",
)
_REPORT = Text(
    "生活必需品市场异常波动，1小时内向上级报告",
    "Report abnormal market fluctuation upward within 1 hour",
)
_POLICE = Text(
    "派出所维护现场秩序，防止哄抢粮油、肉蛋奶、蔬菜、食盐等重要生活物资",
    "Police keep order on site to prevent looting of grain, oil, meat, eggs, milk, "
    "vegetables and salt",
)
_OUTSIDE_AREA = Text("辖区外", "outside the area")
_OUTSIDE_CITY = Text("市外", "outside the city")
_CITY_COUNTY = Text("市级、县级储备", "city and county reserves")
_PROVINCE_CITY = Text("省级、市级储备", "provincial and city reserves")


def _sources(where: Text) -> Text:
    return Text(
        f"积极寻找{where.zh}粮油、肉蛋奶、蔬菜、食盐货源保障供应",
        f"Seek grain, oil, meat, eggs, milk, vegetables and salt from {where.en}",
    )


def _request(reserves: Text) -> Text:
    return Text(
        f"向疫情防控领导小组报告，申请动用{reserves.zh}保障供应",
        f"Report to the epidemic control leading group and request {reserves.en}",
    )


def _ration(verb_zh: str, verb_en: str) -> Text:
    return Text(
        f"对全街道粮油、肉蛋奶、蔬菜、食盐货源进行{verb_zh}，按人定量供应",
        f"{verb_en} all sources of grain, oil, meat, eggs, milk, vegetables and salt; "
        f"ration them per person",
    )


PLANS: dict[Level, Plan] = {
    Level.NONE: Plan(
        level=Level.NONE,
        activated_by=Text("无需启动应急预案", "no emergency plan is activated"),
        rationing_per_person=False,
        reserves_requested_from=None,
        outside_sources=None,
        police_keep_order=False,
        public_opinion_watch=True,
        measures=(
            Text(
                "常态监测：高风险地区每日报告供应、需求、库存和价格",
                "Routine monitoring: high-risk areas report supply, demand, stock and prices "
                "daily",
            ),
            _OPINION,
            _REPORT,
        ),
    ),
    Level.IV: Plan(
        level=Level.IV,
        activated_by=Text(
            "办事处启动IV级应急预案", "the street office activates the level IV plan"),
        rationing_per_person=False,
        reserves_requested_from=_CITY_COUNTY,
        outside_sources=_OUTSIDE_AREA,
        police_keep_order=False,
        public_opinion_watch=True,
        measures=(
            _LOCAL_SUPPLY, _PROCESS_RESERVES, _sources(_OUTSIDE_AREA), _request(_CITY_COUNTY),
            _OPINION, _REPORT,
        ),
    ),
    Level.III: Plan(
        level=Level.III,
        activated_by=Text(
            "经办事处同意后启动III级应急预案",
            "the level III plan is activated with the street office's approval",
        ),
        rationing_per_person=False,
        reserves_requested_from=_CITY_COUNTY,
        outside_sources=_OUTSIDE_AREA,
        police_keep_order=False,
        public_opinion_watch=True,
        measures=(
            _LOCAL_SUPPLY, _PROCESS_RESERVES, _sources(_OUTSIDE_AREA), _request(_CITY_COUNTY),
            _OPINION, _REPORT,
        ),
    ),
    Level.II: Plan(
        level=Level.II,
        activated_by=Text(
            "办事处向县人民政府提出建议，经县人民政府同意后由县人民政府发布启动II级应急预案",
            "the county government activates the level II plan on the street office's proposal",
        ),
        rationing_per_person=True,
        reserves_requested_from=_CITY_COUNTY,
        outside_sources=_OUTSIDE_CITY,
        police_keep_order=True,
        public_opinion_watch=True,
        measures=(
            _ration("监管", "Supervise"), _PROCESS_RESERVES, _sources(_OUTSIDE_CITY),
            _request(_CITY_COUNTY), _OPINION, _POLICE, _REPORT,
        ),
    ),
    Level.I: Plan(
        level=Level.I,
        activated_by=Text(
            "根据市人民政府发布启动的I级应急预案",
            "the city government activates the level I plan",
        ),
        rationing_per_person=True,
        reserves_requested_from=_PROVINCE_CITY,
        outside_sources=_OUTSIDE_CITY,
        police_keep_order=True,
        public_opinion_watch=True,
        measures=(
            _ration("管控", "Control"), _PROCESS_RESERVES, _sources(_OUTSIDE_CITY),
            _request(_PROVINCE_CITY), _OPINION, _POLICE, _REPORT,
        ),
    ),
}


def plan_for(level: Level) -> Plan:
    """The response plan of ``level``."""
    return PLANS[level]
