"""Import marshmallow with the e-mail patterns it compiles at import time compiled on first use instead.

marshmallow.validate compiles ``Email.USER_REGEX`` and ``Email.DOMAIN_REGEX`` (a case-insensitive
class over U+00A1-U+FFFF) as the module is imported: about 20 ms, a fifth of a `validate` run, on
every run, though coursereview checks e-mail addresses with its own rule. Imported first by the
package, this module imports marshmallow.validate once with the patterns that module compiles
at its top level left uncompiled until first used; then they are the same patterns, so
marshmallow's e-mail validation is exactly what it was. Nothing else is touched: calls from
any other module compile as usual, and nothing changes once marshmallow has been imported.
"""

from __future__ import annotations

import re
import sys
from typing import Any

_MODULE = "marshmallow.validate"


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


def import_marshmallow() -> None:
    """Import marshmallow.validate with its top-level patterns deferred (nothing to do if it is imported)."""
    if _MODULE in sys.modules:
        return
    compile_now = re.compile

    def compile_later(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and sys._getframe(1).f_globals.get("__name__") == _MODULE:
            return DeferredPattern(pattern, flags)
        return compile_now(pattern, flags)

    re.compile = compile_later  # type: ignore[assignment]
    try:
        import marshmallow.validate  # noqa: F401
    finally:
        re.compile = compile_now


import_marshmallow()
