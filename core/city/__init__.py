"""The city desk (市级保供指挥台): many district desks seen as one city.

- :mod:`core.city.config`: ``city.toml``, the district desks the city follows;
- :mod:`core.city.follow`: read-only git clones of the districts and what the city last knew;
- :mod:`core.city.board`: the city board (level, work, evidence, reserves per district);
- :mod:`core.city.search`: a caller's cases in every district, by phone or id;
- :mod:`core.city.reports`: the Open311 feed and the daily report of the whole city.
"""

from __future__ import annotations

from core.city.board import CityBoard, DepartmentTotal, DistrictFigures, city_board
from core.city.citydesk import City
from core.city.config import CITY_FILE, CityConfig, CityDistrict, load_city
from core.city.follow import Fetched, FollowState, fetch_all, fetch_district, read_state

__all__ = [
    "CITY_FILE", "City", "CityBoard", "CityConfig", "CityDistrict", "DepartmentTotal",
    "DistrictFigures", "Fetched", "FollowState", "city_board", "fetch_all", "fetch_district",
    "load_city", "read_state",
]
