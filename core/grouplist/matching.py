"""Who and what a group list's line means: a household by address or name, goods by name, pinyin
or code (接龙匹配).

:class:`Register` indexes the households of the communities a list may come from; a line's
address (``3栋2单元401``, ``3-2-401``, ``3号楼2单元401室``, ``3-401`` when the building has no
units) or the name of one of its residents finds the household. :class:`Goods` indexes the
catalogue; a list writes goods as people write them (``大米5kg``, ``鸡蛋30枚``, ``dami``,
``rice-5kg``) and a token matches the item whose name contains it, whose pinyin or initials
begin with it at a syllable, or whose code it is. Anything that matches two households or two
items is ambiguous, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from core.levels.plans import Text
from core.pinyin import char_initials, char_syllable, is_chinese
from core.reference import CatalogueItem, Community, Household

if TYPE_CHECKING:
    from core.desk import Desk

#: an address as lists write it: building (栋/幢/号楼/座/#/-), unit (单元/-), room (室/号)
ADDRESS = re.compile(
    r"(?<![a-z\d.\-])(?P<building>\d+|[a-z])\s*(?:号楼|栋|幢|座|号|#|-)\s*"
    r"(?:(?P<unit>\d+)\s*(?:单元|-)\s*)?(?P<room>\d+)(?:室|号|房)?(?!\d)")
#: a word that may be pinyin: letters first, then letters, digits and the signs of a size
_SPELLING = re.compile(r"[a-z][a-z0-9.%]*\Z")
_NOT_A_NAME_PART = re.compile(r"[\s()（）\[\]【】约]")
_COMMUNITY_SUFFIXES = ("社区", "小区", "村")


def normal(text: str) -> str:
    """Text as it is compared: full-width letters, digits and signs made plain (NFKC), lower
    case, ``＊`` and ``X`` as quantity signs unchanged (``x`` after lower case)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower()


def _number(text: str | None) -> str:
    """A building, unit or room number without leading zeros (``0401`` is ``401``)."""
    if not text:
        return ""
    return text.lstrip("0") or "0" if text.isdigit() else text.lower()


@attrs.frozen
class Address:
    """A building, unit and room as a line wrote them (unit "" when the line has none)."""

    building: str
    unit: str
    room: str

    def __str__(self) -> str:
        return "-".join(part for part in (self.building, self.unit, self.room) if part)


@attrs.frozen
class Found:
    """One household found, or why none was: ``household`` "" and ``why`` set."""

    household: str = ""
    why: Text | None = None


def _short(name: str) -> str:
    for suffix in _COMMUNITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


class Register:
    """The households of some communities, by address and by resident name."""

    def __init__(self, households: Iterable[Household], communities: Mapping[str, Community],
                 scope: Iterable[str] = ()) -> None:
        """``scope``: the communities a list may come from (all of ``communities`` when empty)."""
        self.communities = dict(communities)
        self.scope = frozenset(scope) or frozenset(communities)
        self.by_address: dict[tuple[str, str, str, str], list[Household]] = defaultdict(list)
        self.by_room: dict[tuple[str, str, str], list[Household]] = defaultdict(list)
        self.by_name: dict[str, list[Household]] = defaultdict(list)
        for household in households:
            if household.community not in self.scope:
                continue
            b, u, r = (_number(normal(part)) for part in
                       (household.building, household.unit, household.room))
            self.by_address[household.community, b, u, r].append(household)
            self.by_room[household.community, b, r].append(household)
            for name in {normal(resident.name) for resident in household.residents}:
                self.by_name[name].append(household)
        names: dict[str, str] = {}
        for code, community in communities.items():
            for name in {normal(community.name), normal(_short(community.name)), code.lower()}:
                names.setdefault(name, code)
        #: longest first, so 阳光花园社区 is tried before 阳光花园
        self.community_names = sorted(names.items(), key=lambda kv: -len(kv[0]))

    def community_in(self, text: str) -> tuple[str, int]:
        """The community ``text`` ends with (by name, short name or code), and the length of
        its name there; ("", 0) when none."""
        for name, code in self.community_names:
            if text.endswith(name):
                return code, len(name)
        return "", 0

    def communities_named(self, text: str) -> set[str]:
        """Every community whose name (or short name) appears in ``text``: a list's title."""
        text = normal(text)
        return {code for name, code in self.community_names
                if not name.isascii() and name in text}

    def is_name(self, token: str) -> bool:
        return normal(token) in self.by_name

    def _place(self, household: Household) -> str:
        community = self.communities.get(household.community)
        where = community.name if community else household.community
        return f"{where} {Address(household.building, household.unit, household.room)}"

    def _pick(self, found: list[Household], what: str, hint: Text) -> Found:
        if not found:
            return Found(why=Text(f"未知住址 {what}", f"unknown address {what}"))
        if len(found) > 1:
            places = "、".join(self._place(h) for h in found[:3])
            return Found(why=Text(f"{what} 不唯一：{places}；{hint.zh}",
                                  f"{what} is ambiguous: {places}; {hint.en}"))
        return Found(found[0].id)

    def by_address_in(self, address: Address, communities: Iterable[str]) -> Found:
        """The household at ``address`` in one of ``communities`` (all in scope when empty)."""
        where = [c for c in communities if c in self.scope] or sorted(self.scope)
        b, u, r = address.building, address.unit, address.room
        found: list[Household] = []
        for community in where:
            if u:
                found += self.by_address.get((community, b, u, r), [])
            else:
                found += self.by_room.get((community, b, r), [])
        return self._pick(found, str(address),
                          Text("请写明社区或单元", "name the community or the unit"))

    def by_resident(self, name: str, communities: Iterable[str]) -> Found:
        """The one household with a resident called ``name`` in one of ``communities``."""
        where = set(communities) & self.scope or self.scope
        found = [h for h in self.by_name.get(normal(name), []) if h.community in where]
        if not found:
            return Found(why=Text(f"登记中没有 {name}，请写住址",
                                  f"no resident {name} in the register: give the address"))
        return self._pick(found, name, Text("请写住址", "give the address"))


def find_address(text: str) -> re.Match[str] | None:
    """The first address in (normalised) ``text``."""
    return ADDRESS.search(text)


def address_of(match: re.Match[str]) -> Address:
    return Address(_number(match["building"]), _number(match["unit"]), _number(match["room"]))


def _keys(name: str) -> tuple[str, tuple[str, ...]]:
    """An item's name as compared (no spaces or brackets) and its pinyin spellings from each
    syllable on: 东北大米 5kg -> dongbeidami5kg, beidami5kg, ..., dbdm5kg, bdm5kg, ..."""
    plain = _NOT_A_NAME_PART.sub("", normal(name))
    full = [char_syllable(ch) if is_chinese(ch) else ch for ch in plain]
    first = [char_initials(ch)[0] if is_chinese(ch) else ch for ch in plain]
    starts = [i for i, ch in enumerate(plain) if is_chinese(ch) or i == 0]
    spellings = {"".join(full[i:]) for i in starts} | {"".join(first[i:]) for i in starts}
    return plain, tuple(sorted(spellings))


@attrs.frozen
class GoodsMatch:
    """The items a goods word matches (one: found; several: ambiguous; none: unknown)."""

    items: tuple[CatalogueItem, ...]


class Goods:
    """The catalogue, searchable as lists write goods."""

    def __init__(self, catalogue: Mapping[str, CatalogueItem]) -> None:
        self.catalogue = dict(catalogue)
        self.by_code = {code.lower(): item for code, item in catalogue.items()}
        self.keys = [(item, *_keys(item.name)) for item in catalogue.values()]
        self._memo: dict[str, GoodsMatch] = {}

    def match(self, word: str) -> GoodsMatch:
        """The items ``word`` names: its code; else the items whose name is ``word``; else those
        whose name contains it; else (Latin letters) those with a pinyin spelling beginning with
        it at a syllable."""
        key = _NOT_A_NAME_PART.sub("", normal(word))
        known = self._memo.get(key)
        if known is None:
            known = self._memo[key] = GoodsMatch(self._match(key))
        return known

    def _match(self, key: str) -> tuple[CatalogueItem, ...]:
        if not key:
            return ()
        if key in self.by_code:
            return (self.by_code[key],)
        exact = tuple(item for item, plain, _ in self.keys if plain == key)
        if exact:
            return exact
        if any(is_chinese(ch) for ch in key):
            if len(key) < 2:
                return ()
            return tuple(item for item, plain, _ in self.keys if key in plain)
        if len(key) < 2 or not _SPELLING.match(key):
            return ()
        return tuple(item for item, _, spellings in self.keys
                     if any(s.startswith(key) for s in spellings))


class Matcher:
    """The register and catalogue a list is read against, indexed once: the households of
    ``communities`` (every community when empty) and the whole catalogue."""

    def __init__(self, households: Iterable[Household], communities: Mapping[str, Community],
                 catalogue: Mapping[str, CatalogueItem], scope: Iterable[str] = ()) -> None:
        self.register = Register(households, communities, scope)
        self.goods = Goods(catalogue)

    @classmethod
    def for_desk(cls, desk: Desk, scope: Iterable[str] = ()) -> Matcher:
        return cls(desk.households.values(), desk.communities, desk.catalogue, scope)
