"""Atomic output writing: all or nothing, never over an existing file unless forced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from coursereview.errors import OutputError
from coursereview.io import write_atomic


def test_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    write_atomic(path, "first")
    with pytest.raises(OutputError, match="already exists; use --force"):
        write_atomic(path, "second")
    assert path.read_text() == "first"
    write_atomic(path, "third", force=True)
    assert path.read_text() == "third"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temporary files left


def test_output_gets_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = write_atomic(tmp_path / "out.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_missing_folder_and_directory_target(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.md", "x")
    with pytest.raises(OutputError, match="is a directory"):
        write_atomic(tmp_path, "x")
