"""The scenario's fixtures: the async hook of the app tests."""

from tests.tui.conftest import pytest_pyfunc_call  # noqa: F401 (runs ``async def`` tests)
