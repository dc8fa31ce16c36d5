"""The batch: every submission reviewed, a correct register, unchanged work skipped, interruptions survived."""

from __future__ import annotations

import copy
import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.documents import render
from coursereview.errors import OutputError
from coursereview.staff.batch import MANIFEST, UNCHANGED, UNREADABLE, collect, plan, run_batch

DATA = Path(__file__).parent / "data"
BASE = yaml.safe_load((DATA / "base-institute.yaml").read_text())


def _supported_formats() -> tuple[str, ...]:
    """Return the review formats render() supports on this branch (json always; docx/html once merged)."""
    review = check(load_submission(DATA / "base-institute.yaml"))
    found = []
    for fmt in ("docx", "html"):
        try:
            render(review, fmt)
        except NotImplementedError:
            continue
        found.append(fmt)
    return (*found, "json")


FORMATS = _supported_formats()


def _write(folder: Path, name: str, doc: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _not_approvable() -> dict:
    doc = copy.deepcopy(BASE)
    doc["program"]["title"] = "Short Institute"
    doc["sessions"] = doc["sessions"][:3]
    doc["sessions"][0]["end"] = "07:00"
    return doc


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    """Return a folder mixing clean, not-approvable, hostile and docx submissions."""
    folder = tmp_path / "queue"
    (folder / "sub").mkdir(parents=True)
    clean = copy.deepcopy(BASE)
    clean["provider"]["name"] = "<b>Evil & Co</b>"
    _write(folder, "clean.yaml", clean)
    _write(folder / "sub", "short.yaml", _not_approvable())
    (folder / "clean-copy.json").write_text(json.dumps(BASE), encoding="utf-8")
    (folder / "bad-utf8.yaml").write_bytes(b"schema: coursereview/submission@1\nprovider: \xff\xfe\n")
    (folder / "dup.yaml").write_bytes(b"schema: coursereview/submission@1\nschema: coursereview/submission@1\n")
    (folder / "not-a-zip.docx").write_bytes(b"this is not a Word document")
    (folder / "notes.txt").write_text("not a submission")
    (folder / ".hidden.yaml").write_text("ignored")
    return folder


EXPECTED = {  # file name -> (status, verdict)
    "clean.yaml": ("reviewed", "approvable"),
    "short.yaml": ("reviewed", "not-approvable"),
    "clean-copy.json": ("reviewed", "approvable"),
    "bad-utf8.yaml": (UNREADABLE, None),
    "dup.yaml": (UNREADABLE, None),
    "not-a-zip.docx": (UNREADABLE, None),
}


def _by_name(rows) -> dict:
    return {Path(r.file).name: r for r in rows}


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "two-processes"])
def test_batch_reviews_every_submission_and_writes_a_correct_register(queue: Path, tmp_path: Path,
                                                                      workers: int) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run_batch([str(queue)], out, FORMATS, workers=workers)
    rows = _by_name(result.rows)
    assert {name: (r.status, r.verdict) for name, r in rows.items()} == EXPECTED
    assert result.exit_code == 2
    for row in result.rows:
        if row.status == UNREADABLE:
            assert row.reason.startswith(row.file) and "\n" not in row.reason
            assert row.outputs == ()
        else:
            assert row.outputs == tuple(f"{Path(row.file).stem}-review.{fmt}" for fmt in FORMATS)
            assert all((out / name).stat().st_size > 0 for name in row.outputs)
    short = rows["short.yaml"]
    assert (short.errors, short.contact_hours, short.criteria) == (1, 4.0, "iimc-institute@2026.2")
    assert rows["clean.yaml"].points == 20.0

    with (out / "summary.csv").open(newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert [Path(r["file"]).name for r in table] == [Path(r.file).name for r in result.rows]
    assert {Path(r["file"]).name: r["status"] for r in table} == {n: s for n, (s, _) in EXPECTED.items()}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"submissions": 6, "approvable": 2, "approvable-with-notes": 0, "not-approvable": 1,
                                 "could not read": 3, "reviewed": 3, "unchanged": 0}
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in html and "<b>Evil" not in html
    assert "duplicate key" in html
    review_json = json.loads((out / "short-review.json").read_text(encoding="utf-8"))
    assert review_json["verdict"] == "not-approvable"


def test_docx_submission_is_reviewed_when_the_importer_exists(tmp_path: Path) -> None:
    if importlib.util.find_spec("coursereview.intake.form") is None:
        pytest.skip("the docx importer (coursereview.intake.form) is not on this branch")
    form_docx = pytest.importorskip("coursereview.documents.form")
    from coursereview.criteria import resolve_criteria

    queue = tmp_path / "queue"
    queue.mkdir()
    (queue / "blank-form.docx").write_bytes(form_docx.build_form(resolve_criteria(None, "institute"), "institute"))
    _write(queue, "clean.yaml", BASE)
    out = tmp_path / "out"
    out.mkdir()
    rows = _by_name(run_batch([str(queue)], out, FORMATS, workers=2).rows)
    blank = rows["blank-form.docx"]
    assert (blank.status, blank.verdict) == ("reviewed", "not-approvable")  # an empty form is readable, not done
    assert all((out / name).exists() for name in blank.outputs)
    assert rows["clean.yaml"].verdict == "approvable"


def test_rerun_skips_unchanged_work_and_redoes_changed_files(queue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    run_batch([str(queue)], out, ("json",), workers=1)
    again = _by_name(run_batch([str(queue)], out, ("json",), workers=1).rows)
    assert {n: r.status for n, r in again.items() if r.status != UNREADABLE} == {
        "clean.yaml": UNCHANGED, "short.yaml": UNCHANGED, "clean-copy.json": UNCHANGED}
    assert again["short.yaml"].verdict == "not-approvable"  # the register keeps what was found

    _write(queue, "clean.yaml", _not_approvable())
    changed = _by_name(run_batch([str(queue)], out, ("json",), workers=1).rows)
    assert (changed["clean.yaml"].status, changed["clean.yaml"].verdict) == ("reviewed", "not-approvable")
    assert changed["short.yaml"].status == UNCHANGED

    (out / "short-review.json").unlink()  # a missing output is redone
    assert _by_name(run_batch([str(queue)], out, ("json",), workers=1).rows)["short.yaml"].status == "reviewed"

    forced = run_batch([str(queue)], out, ("json",), workers=1, force=True)
    assert forced.count(UNCHANGED) == 0


def test_a_run_that_changes_nothing_writes_no_register_and_loads_no_page_template(queue: Path,
                                                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    run_batch([str(queue)], out, ("json",), workers=1)
    run_batch([str(queue)], out, ("json",), workers=1)  # the rows now say "unchanged": written once more
    registers = {name: (out / name).stat().st_mtime_ns for name in ("summary.csv", "summary.json", "summary.html")}
    code = ("import sys; from coursereview.staff.batch import run_batch; "
            f"run_batch([{str(queue)!r}], {str(out)!r}, ('json',), workers=1); "
            "assert 'jinja2' not in sys.modules, 'the page template was loaded'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert {name: (out / name).stat().st_mtime_ns for name in registers} == registers

    (out / "summary.html").write_text("edited by hand", encoding="utf-8")  # a register someone changed is made again
    (out / "summary.csv").unlink()  # and one removed
    run_batch([str(queue)], out, ("json",), workers=1)
    assert "<table" in (out / "summary.html").read_text(encoding="utf-8") and (out / "summary.csv").is_file()

    _write(queue, "clean.yaml", _not_approvable())  # what the registers show changed: written again
    before = (out / "summary.json").read_text(encoding="utf-8")
    run_batch([str(queue)], out, ("json",), workers=1)
    assert (out / "summary.json").read_text(encoding="utf-8") != before


@pytest.mark.parametrize("workers", [1, 2], ids=["in-process", "two-processes"])
def test_killed_half_way_then_rerun_completes_without_duplicates(tmp_path: Path, workers: int) -> None:
    queue = tmp_path / "queue"
    queue.mkdir()
    for i in range(8):
        doc = copy.deepcopy(BASE)
        doc["program"]["title"] = f"Institute {i}"
        _write(queue, f"program-{i}.yaml", doc)
    out = tmp_path / "out"
    out.mkdir()
    seen = []

    def kill_after_three(row, total) -> None:
        seen.append(row.file)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([str(queue)], out, ("json",), workers=workers, progress=kill_after_three)
    assert not (out / "summary.json").exists()

    result = run_batch([str(queue)], out, ("json",), workers=workers)
    assert len(result.rows) == 8
    assert len({r.file for r in result.rows}) == 8
    assert result.count(UNCHANGED) >= 3
    assert result.count(UNCHANGED) + result.count("reviewed") == 8
    outputs = sorted(p.name for p in out.iterdir() if p.name.endswith("-review.json"))
    assert outputs == [f"program-{i}-review.json" for i in range(8)]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sorted(Path(s["file"]).name for s in summary["submissions"]) == [f"program-{i}.yaml" for i in range(8)]


def test_a_crash_reviewing_one_submission_never_stops_the_batch(queue: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import coursereview.checking as checking  # where a batch job finds check when it first judges a submission

    real = checking.check

    def crash_on_short(submission, criteria):
        if submission.program.title == "Short Institute":
            raise RuntimeError("boom")
        return real(submission, criteria)

    monkeypatch.setattr(checking, "check", crash_on_short)
    out = tmp_path / "out"
    out.mkdir()
    rows = _by_name(run_batch([str(queue)], out, ("json",), workers=1).rows)
    assert rows["short.yaml"].status == UNREADABLE
    assert rows["short.yaml"].reason.endswith("internal error: RuntimeError: boom")
    assert rows["clean.yaml"].status == "reviewed"


def test_files_the_batch_did_not_write_are_never_replaced_without_force(queue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "clean-review.json").write_text("mine")
    with pytest.raises(OutputError, match="clean-review.json: already exists; use --force"):
        run_batch([str(queue)], out, ("json",), workers=1)
    assert (out / "clean-review.json").read_text() == "mine"
    assert not (out / MANIFEST).exists()
    run_batch([str(queue)], out, ("json",), workers=1, force=True)
    assert json.loads((out / "clean-review.json").read_text())["verdict"] == "approvable"


def test_collect_and_plan_give_stable_distinct_names(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        _write(tmp_path / folder, "institute.yaml", BASE)
    _write(tmp_path / "a", "academy.yml", BASE)
    files = collect([str(tmp_path / "a"), str(tmp_path / "b" / "*.yaml"), str(tmp_path / "a" / "academy.yml")])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a/academy.yml", "a/institute.yaml",
                                                                  "b/institute.yaml"]
    names = [job.outputs()[0] for job in plan(files, tmp_path, ("docx",))]
    assert names[0] == "academy-review.docx"
    assert len(set(names)) == 3 and all(n.startswith("institute-") for n in names[1:])
    assert names == [job.outputs()[0] for job in plan(files, tmp_path, ("docx",))]


def test_cli_batch_exit_code_is_the_worst_outcome(tmp_path: Path) -> None:
    queue = tmp_path / "queue"
    queue.mkdir()
    _write(queue, "clean.yaml", BASE)
    runner = CliRunner()
    ok = runner.invoke(main, ["batch", str(queue), "-o", str(tmp_path / "out"), "--format", "json", "-j", "1"])
    assert ok.exit_code == 0, ok.output
    assert "1 submissions: 1 approvable" in ok.stdout and "Reviewing" not in ok.stderr
    _write(queue, "short.yaml", _not_approvable())
    assert runner.invoke(main, ["batch", str(queue), "-o", str(tmp_path / "out"), "--format", "json"]).exit_code == 1
    (queue / "dup.yaml").write_bytes(b"a: 1\na: 2\n")
    bad = runner.invoke(main, ["batch", str(queue), "-o", str(tmp_path / "out"), "--format", "json"])
    assert bad.exit_code == 2
    assert "dup.yaml:2:1: duplicate key 'a'" in bad.stderr
    unknown = runner.invoke(main, ["batch", str(queue), "-o", str(tmp_path / "out"), "--format", "pdf"])
    assert unknown.exit_code == 2 and unknown.stderr.startswith("unknown format pdf")


def test_the_output_folder_inside_the_queue_is_not_reviewed(tmp_path: Path) -> None:
    _write(tmp_path, "clean.yaml", BASE)
    out = tmp_path / "reviews"
    out.mkdir()
    run_batch([str(tmp_path)], out, ("json",), workers=1)
    again = run_batch([str(tmp_path), str(tmp_path / "missing.yaml")], out, ("json",), workers=1)
    assert [(Path(r.file).name, r.status) for r in again.rows] == [("clean.yaml", UNCHANGED),
                                                                  ("missing.yaml", UNREADABLE)]
    assert again.rows[1].reason.endswith("missing.yaml: no such file")


def test_source_date_epoch_reaches_batch_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch writes the same bytes as render for the same SOURCE_DATE_EPOCH, and redoes work when it changes."""
    import zipfile

    source = Path(__file__).parent / "data" / "base-institute.yaml"
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"]).exit_code == 0
    single = tmp_path / "single.docx"
    assert CliRunner().invoke(main, ["render", str(source), "-o", str(single)]).exit_code == 0
    batch_doc = out / "base-institute-review.docx"
    assert batch_doc.read_bytes() == single.read_bytes()
    with zipfile.ZipFile(batch_doc) as z:
        assert z.infolist()[0].date_time[:3] == (2023, 11, 14)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0
    assert batch_doc.read_bytes() != single.read_bytes()  # a new stamp is new work, not a skip


def test_a_folder_or_pattern_that_holds_no_submission_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a submission")
    out = tmp_path / "reviews"
    runner = CliRunner()
    pattern = str(tmp_path / "nomatch" / "*.yaml")
    nothing = runner.invoke(main, ["batch", pattern, str(empty), "-o", str(out), "--format", "json"])
    assert nothing.exit_code == 2 and nothing.stdout == ""
    assert nothing.stderr.splitlines() == [
        f"{pattern}: matches no submission files (.yaml, .yml, .json, .docx)",
        f"{empty}: no submission files (.yaml, .yml, .json, .docx) in this folder"]
    assert not out.exists()  # nothing found: no register, not even the folder

    _write(tmp_path, "clean.yaml", BASE)
    mixed = runner.invoke(main, ["batch", str(tmp_path / "clean.yaml"), pattern, "-o", str(out), "--format", "json"])
    assert mixed.exit_code == 2
    assert mixed.stderr == f"{pattern}: matches no submission files (.yaml, .yml, .json, .docx)\n"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [(Path(s["file"]).name, s["status"]) for s in summary["submissions"]] == [
        ("clean.yaml", "reviewed"), ("*.yaml", UNREADABLE)]
    before = (out / "summary.json").read_bytes()
    result = run_batch([pattern], out, ("json",), workers=1)
    assert (result.written, result.exit_code, [r.file for r in result.rows]) == (False, 2, [pattern])
    assert (out / "summary.json").read_bytes() == before  # the last real register is kept


@pytest.mark.parametrize("option", [["--format", "pdf"], ["--criteria", "nosuch"]], ids=["format", "criteria"])
def test_bad_options_leave_no_output_folder_behind(tmp_path: Path, option: list[str]) -> None:
    _write(tmp_path, "clean.yaml", BASE)
    out = tmp_path / "new" / "reviews"
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "clean.yaml"), "-o", str(out), *option])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert not (tmp_path / "new").exists()


_SLOW_BATCH = '''
import os
import sys
import time

import coursereview.staff.batch as batch
from coursereview.cli import main

_real = batch.process


def slow(job):
    """Note the worker's pid, then review slowly enough for the test to stop the batch half way."""
    with open(os.environ["BATCH_WORKER_PIDS"], "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    time.sleep(0.3)
    return _real(job)


batch.process = slow
if __name__ == "__main__":
    main(sys.argv[1:], prog_name="coursereview")
'''


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _stat(int(entry.name))[1:2] == [str(pid)]:
            found.add(int(entry.name))
    return found


def _stat(pid: int) -> list[str]:
    """Return the fields of /proc/PID/stat after the command name: state, ppid, ... (empty when gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _running(pid: int) -> bool:
    return _stat(pid)[:1] not in ([], ["Z"], ["X"])


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
def test_sigterm_stops_the_batch_and_its_workers(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    queue = tmp_path / "queue"
    queue.mkdir()
    for i in range(40):
        _write(queue, f"program-{i}.yaml", BASE)
    script = tmp_path / "slow_batch.py"
    script.write_text(_SLOW_BATCH, encoding="utf-8")
    pids_file = tmp_path / "worker-pids"
    pids_file.touch()
    repo = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "BATCH_WORKER_PIDS": str(pids_file),
           "PYTHONPATH": os.pathsep.join(p for p in (repo, os.environ.get("PYTHONPATH")) if p)}
    with (tmp_path / "stderr").open("wb") as err:
        proc = subprocess.Popen([sys.executable, str(script), "batch", str(queue), "-o", str(tmp_path / "out"),
                                 "--format", "json", "-j", "2"], env=env, stdout=subprocess.DEVNULL, stderr=err)
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while not pids_file.read_text().split() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the batch ended before it could be stopped"
        seen = _children(proc.pid) | {int(p) for p in pids_file.read_text().split()}
        assert seen, "the batch started no worker processes"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM, (tmp_path / "stderr").read_text()
        deadline = time.monotonic() + 30
        while any(_running(p) for p in seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in seen if _running(p)], "worker processes survived the batch"
        assert not (tmp_path / "out" / "summary.json").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in seen | {int(p) for p in pids_file.read_text().split()}:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def test_the_batch_restores_the_signal_handlers_it_installs(queue: Path, tmp_path: Path) -> None:
    import signal

    previous_hup = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup: stays ignored
    try:
        before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
        out = tmp_path / "out"
        out.mkdir()
        run_batch([str(queue)], out, ("json",), workers=2)
        assert {sig: signal.getsignal(sig) for sig in before} == before
    finally:
        signal.signal(signal.SIGHUP, previous_hup)


def _stuck_unless_first(job):
    """Review program-0 at once; hang on every other submission (a worker stuck in a pathological file)."""
    import time

    import coursereview.staff.batch as batch

    if not job.file.endswith("program-0.yaml"):
        time.sleep(120)
    return batch.Row(job.file, UNREADABLE, "test")


def test_a_stop_terminates_workers_still_busy_after_the_grace_time(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    import time

    import coursereview.staff.batch as batch

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the stand-in review function reaches the workers only when they are forked")
    monkeypatch.setattr(batch, "process", _stuck_unless_first)
    monkeypatch.setattr(batch, "_GRACE_SECONDS", 0.5)
    queue = tmp_path / "queue"
    queue.mkdir()
    for i in range(3):
        _write(queue, f"program-{i}.yaml", BASE)
    out = tmp_path / "out"
    out.mkdir()

    def stop(row, total) -> None:
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_batch([str(queue)], out, ("json",), workers=3, progress=stop)
    assert time.monotonic() - started < 60  # not the 120 s the stuck workers would take
    assert not multiprocessing.active_children()


def _start_slow_batch(tmp_path: Path, new_session: bool = False) -> tuple:
    """Start `coursereview batch -j 2` on 40 slow submissions in a child process; return it, once a worker is busy,
    with the file its workers note their pids in."""
    import os
    import subprocess
    import sys
    import time

    queue = tmp_path / "queue"
    queue.mkdir()
    for i in range(40):
        _write(queue, f"program-{i}.yaml", BASE)
    script = tmp_path / "slow_batch.py"
    script.write_text(_SLOW_BATCH, encoding="utf-8")
    pids_file = tmp_path / "worker-pids"
    pids_file.touch()
    repo = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "BATCH_WORKER_PIDS": str(pids_file),
           "PYTHONPATH": os.pathsep.join(p for p in (repo, os.environ.get("PYTHONPATH")) if p)}
    with (tmp_path / "stderr").open("wb") as err:
        proc = subprocess.Popen([sys.executable, str(script), "batch", str(queue), "-o", str(tmp_path / "out"),
                                 "--format", "json", "-j", "2"], env=env, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=new_session)
    deadline = time.monotonic() + 60
    while not pids_file.read_text().split() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc, pids_file


def _workers_of(proc, pids_file: Path) -> set[int]:
    return _children(proc.pid) | {int(p) for p in pids_file.read_text().split()}


def _none_left(pids: set[int], seconds: float = 30) -> list[int]:
    """Return the processes of ``pids`` still running after waiting up to ``seconds`` for them to end."""
    import time

    deadline = time.monotonic() + seconds
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads child processes from /proc")
@pytest.mark.parametrize(("stop", "exit_code"), [("SIGHUP", 128 + 1), ("SIGINT", 130), ("SIGKILL", -9)],
                         ids=["hangup", "ctrl-c-to-the-process-group", "batch-killed"])
def test_every_stop_ends_the_workers(tmp_path: Path, stop: str, exit_code: int) -> None:
    """SIGHUP ends the batch as SIGTERM does; Ctrl-C reaches the whole process group; a batch killed outright
    (no cleanup possible) still leaves no worker behind: each notices its parent is gone."""
    import os
    import signal

    proc, pids_file = _start_slow_batch(tmp_path, new_session=True)
    seen: set[int] = set()
    try:
        assert proc.poll() is None, "the batch ended before it could be stopped"
        seen = _workers_of(proc, pids_file)
        assert len(seen) >= 1, "the batch started no worker processes"
        sig = getattr(signal, stop)
        if stop == "SIGINT":
            os.killpg(proc.pid, sig)  # as the terminal does on Ctrl-C
        else:
            proc.send_signal(sig)
        assert proc.wait(timeout=60) == exit_code, (tmp_path / "stderr").read_text()
        assert not _none_left(seen), "worker processes survived the batch"
        if stop == "SIGINT":
            assert (tmp_path / "stderr").read_text() == "interrupted\n"  # no worker printed a traceback
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in seen | {int(p) for p in pids_file.read_text().split()}:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


_ATTEMPTS_LOG: list[Path] = []


def _dies_on_short(job):
    """Kill the worker (as a crash in C code would) on short.yaml, noting each attempt; review the others."""
    import os

    from coursereview.staff.batch.job import process

    if job.file.endswith("short.yaml"):
        with _ATTEMPTS_LOG[0].open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        os._exit(70)
    return process(job)


def test_a_worker_that_dies_is_replaced_and_its_submission_reported(queue: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing
    import sys

    import coursereview.staff.batch as batch

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the stand-in review function reaches the workers only when they are forked")
    log = tmp_path / "attempts"
    log.touch()
    monkeypatch.setattr(batch, "process", _dies_on_short)
    monkeypatch.setattr(sys.modules[__name__], "_ATTEMPTS_LOG", [log])
    out = tmp_path / "out"
    out.mkdir()
    rows = _by_name(run_batch([str(queue)], out, ("json",), workers=2).rows)
    assert rows["short.yaml"].status == UNREADABLE
    assert rows["short.yaml"].reason == f"{rows['short.yaml'].file}: the worker process crashed while reviewing it"
    assert len(set(log.read_text().split())) == 2  # tried once more, in a fresh worker, then reported
    assert {n: (r.status, r.verdict) for n, r in rows.items() if n != "short.yaml"} == {
        n: v for n, v in EXPECTED.items() if n != "short.yaml"}
    assert not multiprocessing.active_children()
