"""The plain data of one submission file with the source map that says where each value came from."""

from __future__ import annotations

from typing import Any

from coursereview.location import SourceMap
from coursereview.records import record


@record
class Document:
    """Plain data (dicts, lists, str, int, float, bool, None) with its source map and hash."""

    data: dict[str, Any]
    sources: SourceMap
    file: str
    sha256: str
