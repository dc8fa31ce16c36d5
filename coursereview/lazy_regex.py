"""marshmallow and PyYAML, whenever they are imported, with the patterns they compile at import left for first use.

marshmallow.validate compiles ``Email.USER_REGEX`` and ``Email.DOMAIN_REGEX`` (a case-insensitive
class over U+00A1-U+FFFF) as the module is imported: about 20 ms, a fifth of a `validate` run, on
every run, though coursereview checks e-mail addresses with its own rule. PyYAML's pure-Python
reader compiles its class of printable characters (about 7 ms), unused when libyaml parses, and
its resolver and constructor some twenty patterns for plain scalars, unused by coursereview's
loader, which builds its data from the parser's events. Imported first by the package, this module
puts a finder on ``sys.meta_path`` that changes nothing but how those modules are executed: when
one of them is first imported (only where a command needs it: `coursereview import` never loads
marshmallow), the patterns it compiles at its top level are left uncompiled until first used; then
they are the same patterns, so validation and YAML are exactly what they were. Nothing else is
touched: calls from any other module compile as usual, and a module imported before coursereview
(or by a loader other than the usual one for .py files) is imported as usual.
"""

from __future__ import annotations

import importlib.machinery
import re
import sys
import types
from collections.abc import Sequence
from typing import Any

_DEFERRED = ("marshmallow.validate", "yaml")  # these modules and, for yaml, its submodules


class DeferredPattern:
    """A regular expression compiled the first time it is used, then the compiled pattern in every way."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> bool:
        """Return whether the pattern has been compiled yet."""
        return self._compiled is not None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # probes such as ABCMeta's __isabstractmethod__ must not compile it
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = re.compile(*self._source)
        return getattr(self._compiled, name)

    def __repr__(self) -> str:
        return f"DeferredPattern({self._source[0][:40]!r}..., compiled={self.compiled})"


def _deferred(module: object) -> bool:
    return isinstance(module, str) and (module == _DEFERRED[0] or module.partition(".")[0] == _DEFERRED[1])


class _Loader(importlib.machinery.SourceFileLoader):
    """The usual loader of a .py file, executing the module with its top-level patterns deferred."""

    def exec_module(self, module: types.ModuleType) -> None:
        compile_now = re.compile

        def compile_later(pattern: Any, flags: int = 0) -> Any:
            if isinstance(pattern, str) and _deferred(sys._getframe(1).f_globals.get("__name__")):
                return DeferredPattern(pattern, flags)
            return compile_now(pattern, flags)

        re.compile = compile_later  # type: ignore[assignment]
        try:
            super().exec_module(module)
        finally:
            re.compile = compile_now


class DeferringFinder:
    """On ``sys.meta_path``: finds the deferred modules where the import system would, and loads them with _Loader."""

    @classmethod
    def find_spec(cls, name: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not _deferred(name):
            return None
        for finder in sys.meta_path:  # as the import system would, after this finder
            find = getattr(finder, "find_spec", None) if finder is not cls else None
            spec = find(name, path, target) if find else None
            if spec is not None:
                break
        else:
            return None
        if type(spec.loader) is not importlib.machinery.SourceFileLoader or not spec.origin:
            return spec  # found some other way: imported as usual
        spec.loader = _Loader(name, spec.origin)
        return spec


if DeferringFinder not in sys.meta_path:
    sys.meta_path.insert(0, DeferringFinder)
