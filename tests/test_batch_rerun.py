"""A batch re-run: what it finds (one pass over the inputs), what it finds changed, and what it never loads."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import coursereview.io as io_module
from coursereview.cli import main
from coursereview.io import content_hash
from coursereview.staff.batch import MANIFEST, UNCHANGED, UNREADABLE, gather, plan, run_batch

DATA = Path(__file__).parent / "data"
BASE = yaml.safe_load((DATA / "base-institute.yaml").read_text())


def _write(folder: Path, name: str, doc: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _titled(title: str) -> dict:
    doc = copy.deepcopy(BASE)
    doc["program"]["title"] = title
    return doc


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    folder = tmp_path / "queue"
    folder.mkdir()
    _write(folder, "first.yaml", _titled("Institute A"))
    _write(folder, "second.yaml", _titled("Institute B"))
    return folder


def _statuses(result) -> dict[str, str]:
    return {Path(r.file).name: r.status for r in result.rows}


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_still_found(queue: Path, tmp_path: Path) -> None:
    """Unchanged means the same content (hashed), not the same size and time: an edit is never missed."""
    out = tmp_path / "out"
    run_batch([str(queue)], out, ("json",), workers=1, create_outdir=True)
    path = queue / "first.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Institute A", "Institute Z")
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    result = run_batch([str(queue)], out, ("json",), workers=1)
    assert _statuses(result) == {"first.yaml": "reviewed", "second.yaml": UNCHANGED}
    assert json.loads((out / "first-review.json").read_text())["program"]["title"] == "Institute Z"


@pytest.mark.parametrize("damage", ["folder", "dangling link", "removed"])
def test_an_output_that_is_no_longer_a_file_is_written_again(queue: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "out"
    run_batch([str(queue)], out, ("json",), workers=1, create_outdir=True)
    output = out / "second-review.json"
    output.unlink()
    if damage == "folder":  # seen as missing, and never replaced by a file: the row says why
        output.mkdir()
        result = run_batch([str(queue)], out, ("json",), workers=1)
        assert _statuses(result) == {"first.yaml": UNCHANGED, "second.yaml": UNREADABLE}
        assert "is a directory" in result.rows[1].reason and output.is_dir()
        return
    if damage == "dangling link":
        output.symlink_to(tmp_path / "nowhere.json")
    result = run_batch([str(queue)], out, ("json",), workers=1)
    assert _statuses(result) == {"first.yaml": UNCHANGED, "second.yaml": "reviewed"}
    assert json.loads((out / "second-review.json").read_text())["verdict"]


def test_a_manifest_written_by_an_earlier_version_is_still_read(queue: Path, tmp_path: Path) -> None:
    """Earlier versions wrote the manifest indented; the compact one holds the same data."""
    out = tmp_path / "out"
    run_batch([str(queue)], out, ("json",), workers=1, create_outdir=True)
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert (out / MANIFEST).read_text(encoding="utf-8").count("\n") == 1  # compact: one line
    (out / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert set(_statuses(run_batch([str(queue)], out, ("json",), workers=1)).values()) == {UNCHANGED}


def test_a_criteria_file_edited_since_the_last_run_has_every_submission_judged_again(queue: Path,
                                                                                     tmp_path: Path) -> None:
    runner = CliRunner()
    mine = tmp_path / "mine.yaml"
    shown = runner.invoke(main, ["criteria", "show", "iimc-institute", "--source", "-o", str(mine)])
    assert shown.exit_code == 0, shown.output
    mine.write_text(mine.read_text(encoding="utf-8").replace("id: iimc-institute", "id: my-institute"),
                    encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(queue), "-o", str(out), "--format", "json", "-j", "1", "--criteria", str(mine)]
    assert runner.invoke(main, args).exit_code in (0, 1)
    assert "(2 unchanged since the last run)" in runner.invoke(main, args).stdout
    mine.write_text(mine.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
    assert "(0 unchanged since the last run)" in runner.invoke(main, args).stdout


def test_a_link_loop_named_directly_is_a_row_not_a_traceback(queue: Path, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    result = CliRunner().invoke(main, ["batch", str(queue), str(tmp_path / "a.yaml"), "-o", str(tmp_path / "out"),
                                       "--format", "json", "-j", "1"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and "a.yaml" in result.stderr
    rows = json.loads((tmp_path / "out" / "summary.json").read_text())["submissions"]
    assert [r["status"] for r in rows] == ["reviewed", "reviewed", UNREADABLE]


def test_gather_finds_in_one_pass_what_is_reviewed_and_what_is_not(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    box = tmp_path / "box"
    (box / "sub").mkdir(parents=True)
    (box / ".hidden").mkdir()
    (box / "out").mkdir()
    for name in ("b.YAML", "a.json", "sub/c.yml", ".hidden/d.yaml", "~$e.docx", ".f.yaml", "g.txt", "out/h.yaml"):
        (box / name).write_text("x")
    (box / "sub" / "inside.yaml").symlink_to(box / "a.json")
    (box / "to-out.yaml").symlink_to(box / "out" / "h.yaml")
    (box / "dangling.yaml").symlink_to(box / "nowhere.yaml")
    (box / "folder.yaml").symlink_to(box / "sub")
    found = gather([str(box), str(box / "missing.yaml"), str(tmp_path / "none-*.yaml")], exclude=box / "out")
    names = [Path(f).relative_to(tmp_path).as_posix() for f in found.files]
    assert names == ["box/a.json", "box/b.YAML", "box/sub/c.yml", "box/missing.yaml"]
    assert list(found.keys) == [str(Path(f).resolve()) for f in found.files[:3]] + [str(box / "missing.yaml")]
    assert found.refused == ()
    assert [why for _, why in found.unmatched] == ["matches no submission files (.yaml, .yml, .json, .docx)"]
    # the link inside the folder to a file inside it is that file, already found: reviewed once
    assert str(box / "a.json") in found.files and not any("inside" in f for f in found.files)

    monkeypatch.chdir(box)  # names as the user gave them: "." / "a.json" is "a.json"
    assert list(gather(["."], exclude="out").files) == ["a.json", "b.YAML", "sub/c.yml"]


def test_planning_hashes_the_same_with_either_sha256(queue: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(queue.iterdir())
    expected = [content_hash(f.read_bytes()) for f in files]
    for threshold in (0, 1 << 40):  # OpenSSL's (hashlib) from the first byte; CPython's own always
        monkeypatch.setattr(io_module, "_OPENSSL_FROM", threshold)
        jobs = plan(files, tmp_path, ("json",))
        assert [j.sha256 for j in jobs] == expected
        assert [j.key for j in jobs] == [str(f.resolve()) for f in files]
    (queue / "fifo.yaml").unlink(missing_ok=True)
    os.mkfifo(queue / "fifo.yaml")
    [special] = plan([queue / "fifo.yaml"], tmp_path, ("json",))  # never opened: it would block
    assert (special.sha256, special.received is not None) == (None, True)


def test_an_unchanged_rerun_reads_no_profile_and_no_page_template(queue: Path, tmp_path: Path) -> None:
    """Without --profile the batch reads the shipped profile only when it writes a document or the register."""
    out = tmp_path / "out"
    args = [str(queue), "-o", str(out), "--format", "json", "-j", "1"]
    for _ in range(2):  # the second run writes the registers once more (the rows now say "unchanged")
        assert CliRunner().invoke(main, ["batch", *args]).exit_code == 0
    code = ("import sys\nfrom coursereview.cli import main\n"
            "try:\n    main(sys.argv[1:], prog_name='coursereview')\nexcept SystemExit as end:\n    code = end.code\n"
            "loaded = [m for m in ('coursereview.documents.profile', 'jinja2') if m in sys.modules]\n"
            "assert not loaded and code == 0, (loaded, code)\n")
    done = subprocess.run([sys.executable, "-c", code, "batch", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "(2 unchanged since the last run)" in done.stdout


def test_a_review_by_a_shipped_set_no_longer_shipped_is_done_again(queue: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A shipped set's stamp is current while a shipped file has its hash (no set is parsed to tell)."""
    import coursereview.staff.batch.manifest as manifest_module
    from coursereview.criteria import shipped_criteria, shipped_sha256s

    assert shipped_sha256s() == {criteria.sha256 for criteria in shipped_criteria()}
    out = tmp_path / "out"
    run_batch([str(queue)], out, ("json",), workers=1, create_outdir=True)
    assert set(_statuses(run_batch([str(queue)], out, ("json",), workers=1)).values()) == {UNCHANGED}
    monkeypatch.setattr(manifest_module, "shipped_sha256s", lambda: frozenset())  # as after an upgrade
    assert set(_statuses(run_batch([str(queue)], out, ("json",), workers=1)).values()) == {"reviewed"}


def test_a_manifest_row_with_a_column_this_version_does_not_know_is_still_used(queue: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_batch([str(queue)], out, ("json",), workers=1, create_outdir=True)
    data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for entry in data["entries"].values():
        entry["row"]["column_of_a_later_version"] = "x"
    (out / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    result = run_batch([str(queue)], out, ("json",), workers=1)
    assert set(_statuses(result).values()) == {UNCHANGED}
    assert [r.program for r in result.rows] == ["Institute A", "Institute B"]


def test_short_options_mean_the_same_as_their_long_names(queue: Path, tmp_path: Path) -> None:
    """`-o DIR -j 1` is `--output DIR --jobs 1`, and a short option's errors name it as given."""
    runner = CliRunner()
    short = runner.invoke(main, ["batch", str(queue), "-o", str(tmp_path / "a"), "-j", "1", "--format", "json"])
    spelled = runner.invoke(main, ["batch", str(queue), "--output", str(tmp_path / "b"), "--jobs", "1", "--format",
                                   "json"])
    assert (short.exit_code, short.stdout.replace("/a/", "/b/")) == (spelled.exit_code, spelled.stdout)
    missing = runner.invoke(main, ["batch", str(queue), "-o"])
    assert missing.exit_code == 2 and "Option '-o' requires an argument" in missing.stderr
    zero = runner.invoke(main, ["batch", str(queue), "-o", str(tmp_path / "c"), "-j", "0"])
    assert zero.exit_code == 2 and "Invalid value for '-j' / '--jobs'" in zero.stderr
