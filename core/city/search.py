"""A caller's cases in every district (跨区查询): by phone number or case id.

An operator who moves to another district's desk, or the city's command post, finds a caller's
earlier cases wherever they were taken. A whole phone number (in any of the forms
:func:`core.phones.normalize_phone` accepts) matches the number exactly; anything else (a case
id, part of a number, a name) is the queue's search (:class:`core.cases.index.Query` ``text``)
in each district's index. A district that cannot be read is named, never skipped silently.
"""

from __future__ import annotations

import attrs

from core.cases.index import CaseRow, Query
from core.city.citydesk import City, why
from core.desk import Desk
from core.phones import normalize_phone, phone_kind

#: the most hits read from each district
LIMIT = 200


@attrs.frozen
class CityHit:
    """A case found in a district."""

    district: str  # the district's code in city.toml
    row: CaseRow


@attrs.frozen
class CitySearch:
    """What a search across the districts found, newest first, and where it could not look."""

    text: str
    hits: tuple[CityHit, ...]
    #: (district code, why it could not be searched)
    not_searched: tuple[tuple[str, str], ...] = ()


def district_query(text: str, limit: int = LIMIT) -> Query:
    """A whole phone number matches exactly; anything else is the queue's text search."""
    if phone_kind(text) is not None:
        return Query(phone=normalize_phone(text), limit=limit)
    return Query(text=text, limit=limit)


def search_city(city: City, text: str, *, limit: int = LIMIT) -> CitySearch:
    """The cases matching ``text`` in every district the city follows, newest first."""
    text = text.strip()
    if not text:
        return CitySearch(text, ())
    query = district_query(text, limit)
    hits: list[CityHit] = []
    missed: list[tuple[str, str]] = []
    for district in city.config.districts:
        root = city.district_root(district)
        try:
            desk = Desk.open(root)
        except Exception as exc:  # an unreadable district is named, the others searched
            missed.append((district.code, why(exc)))
            continue
        try:
            desk.cases.refresh()
            hits.extend(CityHit(district.code, row) for row in desk.cases.query(query))
        except Exception as exc:
            missed.append((district.code, why(exc)))
        finally:
            desk.cases.index.close()
    hits.sort(key=lambda h: (h.row.created, h.district, h.row.id), reverse=True)
    return CitySearch(text, tuple(hits), tuple(missed))


__all__ = ["LIMIT", "CityHit", "CitySearch", "district_query", "search_city"]
