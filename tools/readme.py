"""Regenerate the generated parts of README.md (the finding codes table) from the catalog.

Run: python tools/readme.py        (rewrites README.md in place)
     python tools/readme.py --check (exit 1 when README.md is out of date)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from coursereview.findings import codes_table

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"(<!-- codes:start -->\n).*?(\n<!-- codes:end -->)", re.DOTALL)


def updated(text: str) -> str:
    """Return ``text`` with the codes block replaced by the catalog's table."""
    return _BLOCK.sub(lambda m: m.group(1) + codes_table() + m.group(2), text)


def main() -> int:
    text = README.read_text()
    new = updated(text)
    if "--check" in sys.argv:
        return 0 if new == text else 1
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
