"""Hostile files in and out: special files answer at once, outputs are never turned into regular files,
a full disk is one line, and a batch folder's links never carry other files' content into the reviews."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursereview.cli import main
from coursereview.errors import InputError, OutputError
from coursereview.io import read_bytes, write_atomic

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "academy.yaml"
CRITERIA = Path(__file__).parent / "data" / "criteria-custom.yaml"
BUDGET = 30.0  # seconds: every case here answers in well under one; a hang is stopped and fails


def _cli(*args: str, stdout: object = subprocess.PIPE) -> tuple[subprocess.CompletedProcess, float]:
    """Run the real command in its own process (a hang ends at BUDGET and fails the test); return it and its time."""
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "coursereview", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=BUDGET, check=False)
    return done, time.monotonic() - began


def _one_line(done: subprocess.CompletedProcess, *expected: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for text in expected:
        assert text in lines[0]
    return lines[0]


@pytest.fixture()
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


# --- special files given as input ------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["validate", "{special}"],
    ["validate", "--criteria", "{special}", str(EXAMPLE)],
    ["criteria", "check", "{special}"],
    ["criteria", "show", "{special}"],
    ["history", "{special}"],
], ids=["submission", "criteria-option", "criteria-check", "criteria-show", "history-file"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_special_file_as_input_is_refused_at_once(tmp_path: Path, fifo: Path, args: list[str], kind: str) -> None:
    special = str(fifo)
    if kind == "dev-zero":  # a name a criteria file may have, leading to an endless device
        special = str(tmp_path / "zero.yaml")
        os.symlink("/dev/zero", special)
    done, took = _cli(*[a.replace("{special}", special) for a in args])
    _one_line(done, "not a regular file")
    assert took < BUDGET
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_special_file_in_a_batch_is_a_row_and_the_others_are_reviewed(tmp_path: Path, fifo: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "academy.yaml")
    out = tmp_path / "out"
    done, _took = _cli("batch", str(tmp_path / "academy.yaml"), str(fifo), "/dev/zero", "-o", str(out), "-j", "1")
    assert done.returncode == 2, done.stderr
    rows = {row["file"]: row for row in json.loads((out / "summary.json").read_text())["submissions"]}
    assert rows[str(tmp_path / "academy.yaml")]["status"] == "reviewed"
    assert "is a named pipe, not a regular file" in rows[str(fifo)]["reason"]
    assert "is a character device, not a regular file" in rows["/dev/zero"]["reason"]


def test_read_bytes_refuses_special_files_and_applies_its_limit(tmp_path: Path, fifo: Path) -> None:
    with pytest.raises(InputError, match="is a named pipe, not a regular file"):
        read_bytes(fifo)
    with pytest.raises(InputError, match="is a character device, not a regular file"):
        read_bytes(Path("/dev/zero"))
    big = tmp_path / "big.yaml"
    big.write_bytes(b"x" * 2049)
    with pytest.raises(InputError, match=r"file is 2,049 bytes; the limit for a criteria file is 2 KiB"):
        read_bytes(big, 2048, "criteria file")


def test_the_size_limit_applies_to_criteria_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(CRITERIA.read_bytes() + b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    for args in (["criteria", "check", str(big)], ["validate", "--criteria", str(big), str(EXAMPLE)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "the limit for a criteria file is 2.0 MiB" in result.stderr and result.stderr.count("\n") == 1


# --- outputs: only regular files are replaced ------------------------------------------------------------


def test_force_writes_through_a_device_and_never_replaces_it(tmp_path: Path) -> None:
    link = tmp_path / "null.md"
    os.symlink("/dev/null", link)
    result = CliRunner().invoke(main, ["render", str(EXAMPLE), "-o", str(link)])
    assert result.exit_code == 2 and "already exists; use --force" in result.stderr
    result = CliRunner().invoke(main, ["render", str(EXAMPLE), "-o", str(link), "--force"])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert stat.S_ISCHR(link.stat().st_mode)


def test_force_writes_into_a_read_pipe_and_refuses_one_nobody_reads(tmp_path: Path) -> None:
    pipe = tmp_path / "out.md"
    os.mkfifo(pipe)
    with pytest.raises(OutputError, match="a named pipe that no one is reading; refused"):
        write_atomic(pipe, "text", force=True)
    reader = subprocess.Popen(["cat", str(pipe)], stdout=subprocess.PIPE)
    try:
        for _ in range(200):  # until cat has the pipe open for reading
            try:
                write_atomic(pipe, "through the pipe\n", force=True)
                break
            except OutputError:
                time.sleep(0.02)
        out, _ = reader.communicate(timeout=BUDGET)
    finally:
        reader.kill()
    assert out == b"through the pipe\n"
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]  # no temporary file left beside it


def test_other_special_files_are_refused_even_with_force(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = CliRunner().invoke(main, ["render", str(EXAMPLE), "-o", str(path), "--force"])
        assert result.exit_code == 2
        assert result.stderr.strip().endswith("out.md: is a socket, not a regular file; refused")
        assert stat.S_ISSOCK(path.stat().st_mode)
    finally:
        server.close()


def test_force_still_replaces_a_regular_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "review.md"
    path.write_text("old")
    write_atomic(path, "new", force=True)
    assert path.read_text() == "new" and stat.S_ISREG(path.lstat().st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["validate", str(EXAMPLE)],
    ["validate", "--format", "json", str(EXAMPLE)],
    ["render", str(EXAMPLE), "-o", "-", "--format", "md"],
    ["criteria", "show", "iimc-institute"],
], ids=["validate", "validate-json", "render-stdout", "criteria-show"])
def test_a_full_disk_on_stdout_is_one_line_exit_2(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done, _took = _cli(*args, stdout=full)
    _one_line(done, "cannot write the output: No space left on device")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_as_the_output_file_is_one_line(tmp_path: Path) -> None:
    link = tmp_path / "full.md"
    os.symlink("/dev/full", link)
    result = CliRunner().invoke(main, ["render", str(EXAMPLE), "-o", str(link), "--force"])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("full.md: cannot write: No space left on device")
    assert link.is_symlink()


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_a_register_path_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "register.db"
    if kind == "fifo":
        os.mkfifo(db)
    elif kind == "device":
        os.symlink("/dev/null", db)
    else:
        db.mkdir()
    for args in (["decide", str(EXAMPLE), "--approve", "--reviewer", "Ann", "--db", str(db)],
                 ["history", "--db", str(db)],
                 ["render", str(EXAMPLE), "-o", str(tmp_path / "r.md"), "--db", str(db)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and "decision register" in result.stderr
    assert os.path.lexists(db) and not stat.S_ISREG(os.lstat(db).st_mode)
    assert not (tmp_path / "r.md").exists()


# --- a batch folder: what is inside it, and only that --------------------------------------------------------


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    """An inbox with one submission, a link to a file outside it, a linked folder and a name that is not UTF-8."""
    outside = tmp_path / "private"
    outside.mkdir()
    secret = EXAMPLE.read_text().replace("Illinois Master Academy 2027", "SECRET-PROGRAM-TITLE")
    (outside / "secret.yaml").write_text(secret)
    box = tmp_path / "inbox"
    (box / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLE, box / "academy.yaml")
    os.symlink(outside / "secret.yaml", box / "leak.yaml")
    os.symlink(outside, box / "sub" / "elsewhere")
    shutil.copy(EXAMPLE, os.fsdecode(bytes(box) + b"/caf\xe9.yaml"))  # a Latin-1 name, not UTF-8
    return box


def test_a_batch_folder_never_follows_links_out_of_it(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(inbox), "-o", str(out), "--format", "md,json", "-j", "1"])
    assert result.exit_code == 2, result.output
    for written in out.iterdir():
        assert b"SECRET-PROGRAM-TITLE" not in written.read_bytes(), written.name
    rows = {row["file"]: row for row in json.loads((out / "summary.json").read_text())["submissions"]}
    assert rows[str(inbox / "academy.yaml")]["status"] == "reviewed"
    leak = rows[str(inbox / "leak.yaml")]
    assert leak["status"] == "could not read" and "leads out of the folder" in leak["reason"]
    assert "private" not in leak["reason"]  # not even where it leads
    assert not any("elsewhere" in name for name in rows)  # a linked folder is not entered
    assert sorted(name for name in os.listdir(out) if name.endswith(".md")) == ["academy-review.md"]


def test_a_name_that_is_not_utf8_is_a_row_and_never_stops_the_batch(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(inbox), "-o", str(out), "--format", "json", "-j", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    name = f"{inbox}/caf\ufffd.yaml"  # the byte that is not UTF-8 as a replacement character
    assert f"{name}: the file name is not valid UTF-8; rename the file" in result.stderr
    rows = json.loads((out / "summary.json").read_text())["submissions"]
    assert [r["status"] for r in rows if r["file"] == name] == ["could not read"]
    assert name in (out / "summary.csv").read_text()
    assert "caf\ufffd.yaml" in (out / "summary.html").read_text()  # the dashboard shows file names only


def test_a_link_named_directly_is_the_users_choice(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(inbox / "leak.yaml"), "-o", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads((out / "summary.json").read_text())["submissions"]
    assert (row["status"], row["program"]) == ("reviewed", "SECRET-PROGRAM-TITLE")
