"""Import marshmallow and PyYAML with the patterns they compile at import time compiled on first use instead.

marshmallow.validate compiles ``Email.USER_REGEX`` and ``Email.DOMAIN_REGEX`` (a case-insensitive
class over U+00A1-U+FFFF) as the module is imported: about 20 ms, a fifth of a `validate` run, on
every run, though coursereview checks e-mail addresses with its own rule. PyYAML's pure-Python
reader compiles its class of printable characters (about 7 ms), unused when libyaml parses, and
its resolver and constructor some twenty patterns for plain scalars, unused by coursereview's
loader, which builds its data from the parser's events. Imported first by the package, this module
imports those modules once with the patterns they compile at their top level left uncompiled until
first used; then they are the same patterns, so validation and YAML are exactly what they were.
Nothing else is touched: calls from any other module compile as usual, and nothing changes once
the libraries have been imported.
"""

from __future__ import annotations

import re
import sys
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


def import_libraries() -> None:
    """Import marshmallow.validate and yaml with their top-level patterns deferred (nothing to do once imported)."""
    if all(name in sys.modules for name in _DEFERRED):
        return
    compile_now = re.compile

    def compile_later(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and _deferred(sys._getframe(1).f_globals.get("__name__")):
            return DeferredPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_later  # type: ignore[assignment]
    try:
        import marshmallow.validate  # noqa: F401
        import yaml  # noqa: F401
    finally:
        re.compile = compile_now


import_libraries()
