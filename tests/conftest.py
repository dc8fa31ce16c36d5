"""Shared test setup: every test runs away from the developer's own decision register."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--refresh-clerk-cases", action="store_true",
                     help="rewrite tests/data/clerk-cases/*.expected.yaml from what the check says now (read them!)")


@pytest.fixture(autouse=True)
def _no_ambient_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty folder without $COURSEREVIEW_DB, so no coursereview.db of the developer's is read."""
    monkeypatch.delenv("COURSEREVIEW_DB", raising=False)
    monkeypatch.delenv("COURSEREVIEW_PROFILE", raising=False)  # nor a profile of the developer's
    monkeypatch.chdir(tmp_path)
