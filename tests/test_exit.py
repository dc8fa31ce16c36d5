"""The program ends at once when a command is done and nothing is left to do at exit, losing nothing."""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from coursereview.__main__ import _end_now

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _program(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coursereview", *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("args", "status"), [
    (("validate", "institute-part1.yaml"), 0),
    (("validate", "not-approvable.yaml"), 1),
    (("validate", "no-such-file.yaml"), 2),
], ids=["approvable", "not-approvable", "unreadable"])
def test_the_exit_status_is_the_commands(args: tuple[str, ...], status: int) -> None:
    proc = subprocess.run([sys.executable, "-m", "coursereview", *args], cwd=EXAMPLES, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == status, proc.stderr


def test_every_line_of_a_long_output_reaches_a_pipe() -> None:
    files = sorted(str(p) for p in EXAMPLES.glob("*.yaml")) * 40  # more than a pipe holds at once
    proc = _program("validate", "--format", "json", *files)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(files) and all(json.loads(line)["verdict"] for line in lines)


def test_stderr_is_not_lost_either() -> None:
    proc = _program("validate", "no-such-file.yaml")
    assert proc.returncode == 2 and proc.stderr.strip() == "no-such-file.yaml: no such file"


class _Ended(Exception):
    """Raised in place of os._exit, so that a test sees the process would have ended."""


@pytest.fixture
def quiet_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ending at once observable, with nothing registered to run at exit (as in the real program)."""

    def ended(code: int) -> None:
        raise _Ended(code)

    monkeypatch.setattr("coursereview.__main__.os._exit", ended)
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)


@pytest.mark.usefixtures("quiet_exit")
def test_it_ends_at_once_with_the_status_when_nothing_is_left_to_do() -> None:
    with pytest.raises(_Ended) as ended:
        _end_now(3)
    assert ended.value.args == (3,)


@pytest.mark.usefixtures("quiet_exit")
def test_it_does_not_end_at_once_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _end_now(0) is None  # returned: the caller exits the ordinary way
    finally:
        stop.set()
        other.join()


@pytest.mark.usefixtures("quiet_exit")
def test_it_does_not_end_at_once_when_something_must_run_at_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 1)
    assert _end_now(0) is None


@pytest.mark.usefixtures("quiet_exit")
def test_an_exit_message_is_left_to_python_to_print() -> None:
    assert _end_now("a message for stderr") is None
