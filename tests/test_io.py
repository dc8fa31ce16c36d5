"""Atomic output writing: all or nothing, never over an existing file unless forced."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from coursereview.errors import OutputError
from coursereview.io import content_hash, write_atomic


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


def test_unwritable_folder_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(OutputError, match=r"out.md: cannot write: Read-only file system"):
        write_atomic(tmp_path / "out.md", "x")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_through_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    from click.testing import CliRunner

    from coursereview.cli import main

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = CliRunner().invoke(main, ["new", "-o", str(tmp_path / "form.yaml")])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("form.yaml: cannot write: Permission denied")


@pytest.mark.parametrize("data", [b"", b"schema: coursereview/submission@1\n", bytes(range(256)) * 4096])
def test_a_files_content_hash_is_its_sha256(data: bytes) -> None:
    assert content_hash(data) == hashlib.sha256(data).hexdigest()
