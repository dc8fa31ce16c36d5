"""A package's public names, each imported from its module the first time it is used (PEP 562).

`coursereview import` reads a Word form and writes YAML; it never checks, so it should not pay
for importing marshmallow, the criteria schema and the rules. A package that imported its whole
public API up front made every command pay for all of it. With ``lazy_exports`` the package
module holds only a table of where each name lives; ``coursereview.check`` (or ``from coursereview
import check``) imports ``coursereview.checking`` then, once, and is the same function as before.

Written here rather than taken from ``lazy_loader``: that library imports ``ast`` and ``threading``
for its stub-file reader, which would cost more than this saves on a short command.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def lazy_exports(package: str, names: Mapping[str, Sequence[str]]) -> tuple[Callable[[str], Any],
                                                                          Callable[[], list[str]]]:
    """Return the ``__getattr__`` and ``__dir__`` of ``package``, whose public ``names`` are {module: (name, ...)}.

    A name is imported from its module on first use and then kept on the package, so that later
    uses are plain attribute reads. An unknown name raises AttributeError, as for any module, so
    that ``from package import submodule`` still imports the submodule.
    """
    where = {name: module for module, exported in names.items() for name in exported}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
