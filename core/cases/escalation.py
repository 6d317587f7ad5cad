"""What ``desk.toml`` says about escalation: the chase ladder (催办/督办) and closure approval.

``[ladder]`` names the tiers a case climbs once it is past its due time, each so many hours
after it (the seeds are silent; 12345 practice: at the due time the department is chased, 2
hours later the supervisor on duty, 24 hours later the command post 指挥部), and what a
department's reply does to the clock. ``[closure]`` names the categories whose resolution waits
for a supervisor's approval (审核办结) and those an operator may resolve straight from accepted,
answering on the spot (当场答复).

A desk.toml without these sections keeps the rules desks had before them: no ladder tiers, no
approval, every category may be resolved on the spot. ``baogong init`` writes them out.
"""

from __future__ import annotations

import enum

import attrs

from core.cases.categories import Category
from core.problems import InvalidField

STEP_PATTERN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


class ReplyRule(enum.StrEnum):
    """What a department's reply (答复) in a round does to the ladder."""

    #: no tier falls due after the round's first reply (the department has answered)
    HALT = "halt"
    #: replies do not stop the clock; only leaving open work (resolution, approval) does
    IGNORE = "ignore"


def _check_step(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or not set(value) <= STEP_PATTERN_CHARS or len(value) > 32:
        raise InvalidField(attribute.name, f"{value!r} is not a step name (lower-case letters, "
                                           f"digits and '_', at most 32)")


def _check_hours(_instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0 <= value <= 24 * 365:
        raise InvalidField(attribute.name, f"must be between 0 and 8760 hours, got {value}")


@attrs.frozen
class LadderTier:
    """One rung of the chase ladder: ``step`` (a code, e.g. ``department``) falls due
    ``after_hours`` after the case's due time; ``name`` and ``name_en`` say who is chased."""

    step: str = attrs.field(validator=_check_step)
    after_hours: float = attrs.field(validator=_check_hours)
    name: str = ""
    name_en: str = ""

    def label(self, lang: str) -> str:
        if lang == "zh":
            return self.name or self.name_en or self.step
        return self.name_en or self.name or self.step


def _check_tiers(_instance: object, attribute: attrs.Attribute[tuple[LadderTier, ...]],
                 value: tuple[LadderTier, ...]) -> None:
    seen: set[str] = set()
    previous = -1.0
    for index, tier in enumerate(value):
        if tier.step in seen:
            raise InvalidField(f"{attribute.name}[{index}].step",
                               f"step {tier.step!r} is named twice")
        if tier.after_hours <= previous:
            raise InvalidField(f"{attribute.name}[{index}].after_hours",
                               "each tier must fall due later than the one before it")
        seen.add(tier.step)
        previous = tier.after_hours


@attrs.frozen
class ChaseLadder:
    """``[ladder]`` in desk.toml: the tiers in the order they fall due, and :class:`ReplyRule`."""

    tiers: tuple[LadderTier, ...] = attrs.field(default=(), validator=_check_tiers)
    on_reply: ReplyRule = ReplyRule.HALT

    def tier(self, step: str) -> LadderTier | None:
        return next((t for t in self.tiers if t.step == step), None)

    def level(self, step: str) -> int:
        """1 for the first tier, 2 for the next...; 0 for a step the ladder no longer has."""
        return next((i for i, t in enumerate(self.tiers, start=1) if t.step == step), 0)


#: the tiers ``baogong init`` writes (12345 practice; the seeds name no hours)
DEFAULT_TIERS = (
    LadderTier("department", 0, "催办承办单位", "department"),
    LadderTier("supervisor", 2, "值班长督办", "supervisor"),
    LadderTier("command_post", 24, "指挥部督办", "command post"),
)


def _unknown_categories(name: str, value: frozenset[str] | None) -> None:
    known = {c.value for c in Category}
    for code in sorted(value or ()):
        if code not in known:
            raise InvalidField(name, f"unknown case category {code!r}")


def _check_categories(_instance: object, attribute: attrs.Attribute[frozenset[str]],
                      value: frozenset[str]) -> None:
    _unknown_categories(attribute.name, value)


def _check_optional_categories(_instance: object,
                               attribute: attrs.Attribute[frozenset[str] | None],
                               value: frozenset[str] | None) -> None:
    _unknown_categories(attribute.name, value)


@attrs.frozen
class ClosureRules:
    """``[closure]`` in desk.toml.

    ``approval``: categories whose resolution waits in 待审核 (awaiting approval) until a
    supervisor approves it or sends it back. ``on_the_spot``: categories an operator may
    resolve straight from accepted (当场答复); ``None`` (the section absent) allows every one.
    """

    approval: frozenset[str] = attrs.field(default=frozenset(), validator=_check_categories)
    on_the_spot: frozenset[str] | None = attrs.field(default=None,
                                                     validator=_check_optional_categories)

    def needs_approval(self, category: Category) -> bool:
        return category.value in self.approval

    def answers_on_the_spot(self, category: Category) -> bool:
        return self.on_the_spot is None or category.value in self.on_the_spot


#: what ``baogong init`` writes: complaints and hardship relief are approved by a supervisor
#: (投诉、救助审核办结); inquiries and rumour reports may be answered on the spot
DEFAULT_CLOSURE = ClosureRules(
    approval=frozenset(c.value for c in Category
                       if c.kind.value == "complaint" or c is Category.HARDSHIP_RELIEF),
    on_the_spot=frozenset(c.value for c in Category if c.kind.value in ("inquiry", "rumour")),
)
