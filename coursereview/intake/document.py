"""The plain data of one submission file with the source map that says where each value came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coursereview.location import SourceMap


@dataclass(frozen=True)
class Document:
    """Plain data (dicts, lists, str, int, float, bool, None) with its source map and hash."""

    data: dict[str, Any]
    sources: SourceMap
    file: str
    sha256: str
