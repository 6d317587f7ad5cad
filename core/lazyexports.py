"""A package's public names imported on first use (PEP 562 module ``__getattr__``).

``core``, ``core.levels`` and ``core.registers`` offer short public APIs gathered from many
modules. Importing one module of such a package runs its ``__init__`` first, so an eager
``__init__`` made ``baogong import households`` load the case store, the packer, the reports and
every level module before reading a row: a third of an import's time on a 30,000-household
register. With :func:`lazy_exports` a name is imported when it is first used, and
``from core import Desk`` works as before; type checkers read the same names from the package's
``if TYPE_CHECKING:`` imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence


def lazy_exports(package: str, exports: Mapping[str, Sequence[str]]) -> Callable[[str], object]:
    """The module ``__getattr__`` of ``package``, whose public names are ``exports`` (module ->
    the names it gives; the package's ``__all__`` lists the same names).

    A name's module is imported on first use and the name is kept in the package's namespace,
    so later uses are plain attribute reads; an unknown name is an :class:`AttributeError`, so
    ``from package import submodule`` still imports the submodule."""
    home = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__
