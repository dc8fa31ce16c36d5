"""The batch summary as a staff dashboard: counts, order by verdict then received, decisions, colour, width, print."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.resources import templates_dir
from coursereview.staff.register import record_decision

DATA = Path(__file__).parent / "data"
BASE = yaml.safe_load((DATA / "base-institute.yaml").read_text())
DAY = 86400


def _write(folder: Path, name: str, change: dict | None = None, days_ago: int = 0, text: str | None = None) -> Path:
    """Write a submission (the base one, its program retitled ``name``) received ``days_ago`` days ago."""
    path = folder / name
    if text is None:
        doc = yaml.safe_load(yaml.safe_dump(BASE))
        doc["program"]["title"] = f"Program {path.stem}"
        for key, value in (change or {}).items():
            doc["program"][key] = value
        text = yaml.safe_dump(doc, sort_keys=False)
    path.write_text(text)
    when = 1_900_000_000 - days_ago * DAY
    os.utime(path, (when, when))
    return path


@pytest.fixture
def queue(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    _write(folder, "ok-new.yaml", days_ago=1)
    _write(folder, "ok-old.yaml", days_ago=9)
    _write(folder, "bad-new.yaml", {"certificate": None}, days_ago=2)
    _write(folder, "bad-old.yaml", {"certificate": None}, days_ago=5)
    _write(folder, "notes.yaml", {"attendance": None}, days_ago=3)
    _write(folder, "broken.yaml", text="a: 1\na: 2\n", days_ago=4)
    return folder


def _rows(page: str) -> list[tuple[str, str]]:
    """Return (verdict label, file) per table row of the dashboard, in page order."""
    body = page.split("<tbody>")[1]
    found = []
    for row in re.findall(r"<tr class=\"row-[^\"]+\">(.*?)</tr>", body, re.S):
        label = re.sub(r"<[^>]+>", "", re.search(r'<td class="verdict[^"]*">(.*?)</td>', row, re.S)[1])
        file = re.findall(r'<td class="small">([^<]*)', row)[-1]
        found.append((html.unescape(label)[1:].strip(), Path(file).name))
    return found


def _batch(queue: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["batch", str(queue), "-o", str(out), "--format", "md", "-j", "1", *extra])
    assert result.exit_code == 2, result.output  # one file could not be read
    return (out / "summary.html").read_text(encoding="utf-8")


def test_counts_by_verdict_and_rows_by_verdict_then_received(queue: Path, tmp_path: Path) -> None:
    page = _batch(queue, tmp_path / "out")
    tiles = re.findall(r'<li class="([a-z-]+)"><span class="tile-count">(\d+)</span>.*?</span>([^<]+)</li>', page)
    assert tiles == [("unreadable", "1", "Could not read"), ("not-approvable", "2", "Not approvable"),
                     ("with-notes", "1", "Approvable with notes"), ("approvable", "2", "Approvable")]
    assert _rows(page) == [("Could not read", "broken.yaml"), ("Not approvable", "bad-old.yaml"),
                           ("Not approvable", "bad-new.yaml"), ("Approvable with notes", "notes.yaml"),
                           ("Approvable", "ok-old.yaml"), ("Approvable", "ok-new.yaml")]
    assert "March 8, 2030, 17:46 UTC" in page  # ok-old: received 9 days before 2030-03-17 17:46:40
    assert "decision" not in page.split("<body>")[1].lower()  # no register, no decision column
    assert str(queue) not in page  # file names only, never the reviewer's folders


def test_every_verdict_has_a_symbol_and_words_not_colour_alone(queue: Path, tmp_path: Path) -> None:
    page = _batch(queue, tmp_path / "out")
    cells = re.findall(r'<td class="verdict ([a-z-]+)"><span class="symbol" aria-hidden="true">(.)</span>([^<]+)</td>',
                       page)
    assert {(css, symbol, words) for css, symbol, words in cells} == {
        ("unreadable", "?", "Could not read"), ("not-approvable", "\u2717", "Not approvable"),
        ("with-notes", "!", "Approvable with notes"), ("approvable", "\u2713", "Approvable")}


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_verdict_colours_have_accessible_contrast() -> None:
    css = (templates_dir() / "summary.html.j2").read_text()
    for name in ("unreadable", "not-approvable", "with-notes", "approvable"):
        rule = re.search(rf"^\.{name} \{{([^}}]*)\}}", css, re.M)[1]
        background = re.search(r"background: (#[0-9a-f]{6})", rule)[1]
        text = re.search(r"[^-]color: (#[0-9a-f]{6})", rule)[1]
        lighter, darker = sorted((_luminance(background), _luminance(text)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 7, name  # WCAG AAA for normal text


def test_iimcs_recorded_decision_shows_with_a_register(queue: Path, tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    record_decision(db, check(load_submission(queue / "bad-old.yaml")), "returned", "Bob Staff", "see the list")
    record_decision(db, check(load_submission(queue / "ok-new.yaml")), "returned", "Bob Staff", "first look")
    record_decision(db, check(load_submission(queue / "ok-new.yaml")), "approved", "Ann Staff")  # the latest wins
    page = _batch(queue, tmp_path / "out", "--db", str(db))
    assert "<th scope=\"col\">IIMC decision</th>" in page
    assert "2 with a decision recorded by IIMC" in " ".join(page.split())
    rows = re.findall(r"<tr class=\"row-[^\"]+\">(.*?)</tr>", page.split("<tbody>")[1], re.S)
    decisions = {Path(re.findall(r'<td class="small">([^<]*)', r)[-1]).name:
                 re.search(r"<td>(Approved[^<]*|Returned[^<]*|none recorded)</td>", r) for r in rows}
    assert decisions["ok-new.yaml"][1].startswith("Approved by Ann Staff, ")
    assert decisions["bad-old.yaml"][1].startswith("Returned by Bob Staff, ")
    assert decisions["notes.yaml"][1] == "none recorded"
    assert decisions["broken.yaml"] is None
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    by_name = {Path(s["file"]).name: s for s in summary["submissions"]}
    assert (by_name["ok-new.yaml"]["decision"], by_name["ok-new.yaml"]["decided_by"]) == ("approved", "Ann Staff")
    assert by_name["notes.yaml"]["decision"] is None


def test_a_register_named_but_absent_stops_the_batch_in_one_line(queue: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(queue), "-o", str(tmp_path / "out"), "--db",
                                       str(tmp_path / "typo.db")])
    assert result.exit_code == 2 and result.stderr == f"{tmp_path / 'typo.db'}: no such decision register\n"
    assert not (tmp_path / "out").exists()


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed, and CI must run the browser tests")
    pytest.skip("Chromium is not installed")


def test_the_dashboard_fits_1280_pixels_and_prints_every_row(queue: Path, tmp_path: Path) -> None:
    browser = _chromium()
    for i in range(12):  # long names and titles, which must wrap rather than widen the page
        _write(queue, f"a-very-long-submission-file-name-from-the-spring-inbox-{i:02d}.yaml",
               {"title": "Northwest Clerks Institute 2027, Professional Development II, Leadership " * 2},
               days_ago=i)
    page = _batch(queue, tmp_path / "out")
    probe = tmp_path / "out" / "probe.html"
    probe.write_text(page.replace("</body>", "<script>document.title = 'width ' + "
                                  "document.documentElement.scrollWidth;</script></body>"))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'c'}"]
    dom = subprocess.run([browser, *flags, "--window-size=1280,900", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert re.search(r"<title>width (\d+)</title>", dom)[1] == "1280"  # nothing runs off the right

    pdf = tmp_path / "dashboard.pdf"
    subprocess.run([browser, *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    (tmp_path / "out" / "summary.html").as_uri()], capture_output=True, timeout=120, check=True)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for label in ("Could not read", "Not approvable", "Approvable with notes", "Approvable"):
        assert label in text
    assert text.count("Northwest Clerks Institute 2027, Professional Development II") >= 12
    assert "broken.yaml" in text and "bad-old.yaml" in text
