"""Shared test setup: every test runs away from the developer's own decision register."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture
def smtp() -> Iterator[tuple[Any, int]]:
    """Run an SMTP server on a free loopback port (aiosmtpd); yield its inbox (test_web_staff_mail.Inbox) and port."""
    from aiosmtpd.controller import Controller
    from test_web_staff_mail import Inbox, free_port

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
