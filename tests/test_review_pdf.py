"""A real office suite prints the review: nothing is lost, whatever the length of the program.

Reviews of generated programs from 1 to 80 sessions (titles of every length, so page breaks fall
everywhere: before a day's table, after its header row, inside findings), of the shipped examples
and of the file that once lost a day of sessions are converted to PDF by LibreOffice in ONE call,
and every session title, every finding and every total is looked for in the printed text.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from coursereview import check, load_submission, review_reference
from coursereview.cli import main
from coursereview.documents import render
from coursereview.documents.finding_text import day_text, entries
from coursereview.documents.profile import load_profile
from coursereview.review import Decision, Review
from coursereview.tally import fmt
from coursereview.word.markup import TableLook, table_xml

DATA = Path(__file__).parent / "data"
REPRO = DATA / "libreoffice-lost-rows.yaml"  # a 5-day institute whose Tuesday rows LibreOffice once dropped
# Its review as coursereview wrote it before the fix (commit 2b5605a): LibreOffice 7.4 prints Tuesday's
# header row at the foot of page 2 and drops every Tuesday row after it. Its layout is so exact that one
# more point of space anywhere above hides the defect, so it is kept as the file itself.
OLD_LAYOUT = DATA / "lost-rows-old-layout.docx"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SIZES = (1, 2, 3, 5, 8, 12, 17, 23, 30, 38, 47, 57, 68, 80)
STAMP = dt.datetime(2027, 7, 20, tzinfo=dt.UTC)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AREAS = ("government", "clerk-role", "management", "interpersonal", "professional", "special-topics")
WORDS = ("Records", "Management", "Ethics", "Budgeting", "Elections", "Minutes", "Parliamentary", "Procedure",
         "Public", "Meetings", "Law", "Leadership", "Communication", "Customer", "Service", "Technology", "Archives",
         "Finance", "Planning", "Conflict", "Resolution", "Municipal", "Government", "Agendas", "Ordinances",
         "Resolutions", "Notary", "Licensing", "Stress", "Teamwork")


def _tool(name: str) -> str:
    """Return the path of ``name``; skip outside CI when it is missing, fail in CI."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed, and CI must run the LibreOffice tests")
    pytest.skip(f"{name} is not installed")


def generated_program(sessions: int, seed: int) -> dict:
    """Return an institute of ``sessions`` sessions: 1 to 9 a day, titles of 1 to 21 words, some findings.

    Every title ends in a serial ("No.7."), so each session can be counted wherever it is printed.
    Some sessions run in parallel tracks, some lack a level (an error), some last an odd number of
    minutes (a note); breaks and meals come and go.
    """
    rng = random.Random(seed)
    start = dt.date(2027, 5, 17)
    items: list[dict] = []
    day, minute, today, per_day = 0, 8 * 60, 0, rng.randint(1, 9)
    for i in range(sessions):
        if today >= per_day or minute >= 17 * 60:
            day, minute, today, per_day = day + 1, 8 * 60, 0, rng.randint(1, 9)
        length = rng.choice((30, 45, 50, 60, 60, 90, 120))
        words = " ".join(rng.choice(WORDS) for _ in range(rng.choice((1, 2, 3, 5, 8, 13, 21))))
        item = {"title": f"{words} No.{i + 1}.", "date": (start + dt.timedelta(days=day)).isoformat(),
                "start": f"{minute // 60:02d}:{minute % 60:02d}",
                "end": f"{(minute + length) // 60:02d}:{(minute + length) % 60:02d}"}
        draw = rng.random()
        if draw < 0.12:
            item["kind"] = rng.choice(("break", "meal"))
        else:
            item.update(area=rng.choice(AREAS), instructors=[rng.choice(("ann", "bob", "cy"))],
                        level=rng.choice(("basic", "intermediate", "advanced")), description="Content.")
            if draw < 0.2:
                del item["level"]
            if draw > 0.9 and items and "kind" not in items[-1] and items[-1]["date"] == item["date"]:
                item.update(start=items[-1]["start"], end=items[-1]["end"], track="B")  # alongside the last
                items[-1]["track"] = "A"
                length = 0
        items.append(item)
        minute += length
        today += 1
    return {
        "schema": "coursereview/submission@1",
        "provider": {"name": "Generated Clerks Institute", "institution": "Generated University",
                     "director": {"name": "Dana Director", "email": "dana@example.org"},
                     "association": "Generated Clerks Association"},
        "program": {"title": f"Generated Institute of {sessions} sessions", "kind": "institute", "part": 1,
                    "start": start.isoformat(), "end": (start + dt.timedelta(days=day)).isoformat(),
                    "location": "Testville", "delivery": "in-person", "assessment": "Written exam",
                    "attendance": "Sign-in sheet", "certificate": "certificate.pdf"},
        "instructors": [{"id": x, "name": f"{x.title()} Instructor", "position": "Clerk", "qualifications": "MMC"}
                        for x in ("ann", "bob", "cy")],
        "sessions": items,
    }


def _cells(row: etree._Element) -> list[str]:
    """Return the text of each cell of a w:tr, a w:br as a line break."""
    cells = []
    for cell in row.findall(W + "tc"):
        parts = [(x.text or "") if x.tag == W + "t" else "\n" for run in cell.iter(W + "r") for x in run
                 if x.tag in (W + "t", W + "br")]
        cells.append("".join(parts))
    return cells


def rebuilt_tables(data: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """Return the docx ``data`` with every table written again by the Word layer from its own content.

    Also return each table's old XML and the new XML without ``keepNext``, which should be equal: the
    Word layer writes the very same table, but for keeping its header row with the row under it.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    pairs = []
    for old in list(root.iter(W + "tbl")):
        rows = old.findall(W + "tr")
        headed = rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        height = rows[-1].find(f"{W}trPr/{W}trHeight")
        look = TableLook(old.find(f"{W}tblPr/{W}tblStyle").get(W + "val"), header_fill="D9E2F3", points=9,
                         spacing=20)
        xml = table_xml([_cells(r) for r in rows[1 if headed else 0:]],
                        [int(col.get(W + "w")) for col in old.iter(W + "gridCol")], look,
                        _cells(rows[0]) if headed else None,
                        key_column=rows[-1].find(f"{W}tc/{W}p/{W}r/{W}rPr/{W}b") is not None,
                        min_height=int(height.get(W + "val")) if height is not None else None)
        new = etree.fromstring(xml)
        without = etree.fromstring(xml.replace("<w:keepNext/>", ""))
        pairs.append((etree.tostring(old, method="c14n", exclusive=True),
                      etree.tostring(without, method="c14n", exclusive=True)))
        old.getparent().replace(old, new)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return out.getvalue(), pairs


@dataclass
class Printed:
    """One review, its docx and what LibreOffice printed of it."""

    name: str
    review: Review
    docx: bytes
    pages: list[str]  # pdftotext of each page (reading order)
    layout: str  # pdftotext -layout, whitespace made single spaces

    @property
    def text(self) -> str:
        """Return the printed text, the pages joined without their running header and footer.

        A paragraph that runs on to the next page reads on as one, as the reader reads it.
        """
        header = f"Course Program Review: {self.review.submission.program.title} · Reference "
        header += review_reference(self.review)
        body = []
        for page in self.pages:
            text = " ".join(page.split())
            text = text.removeprefix(header).removeprefix(header.replace("-", "")).strip()
            body.append(re.sub(r"Page \d+ of \d+$", "", text).strip())
        return " ".join(body)


def _squeeze(text: str) -> str:
    """Return ``text`` without spaces, line breaks or hyphens: pdftotext joins a word hyphenated at a line end."""
    return "".join(text.split()).replace("-", "")


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    """Render every review to docx from a deep folder and print them all with LibreOffice in one call."""
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    tmp = tmp_path_factory.mktemp("pdf")
    deep = tmp / "home" / "reviewer" / "Submissions 2027"
    deep.mkdir(parents=True)
    sources = {f"generated-{n}": generated_program(n, seed=n) for n in SIZES}
    reviews: dict[str, tuple[Review, Decision | None]] = {}
    for name, data in sources.items():
        path = deep / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        reviews[name] = (check(load_submission(path)), None)
    shutil.copy(REPRO, deep / REPRO.name)
    reviews["repro"] = (check(load_submission(deep / REPRO.name)), None)
    failing = deep / "failing.yaml"
    failing.write_text((DATA / "base-institute.yaml").read_text(encoding="utf-8")
                       .replace("  certificate: certificate.pdf\n", ""), encoding="utf-8")
    decided = Decision("returned", "Jane Anne Long, Ed.D.", dt.datetime(2027, 7, 21, 15, 0, tzinfo=dt.UTC),
                       "Attach the certificate template")
    reviews["failing"] = (check(load_submission(failing)), decided)
    for example in ("not-approvable", "approvable-with-notes"):
        reviews[example] = (check(load_submission(EXAMPLES / f"{example}.yaml")), None)
    out = tmp / "out"
    out.mkdir()
    documents = {}
    for name, (review, decision) in reviews.items():
        documents[name] = render(review, "docx", decision, stamp=STAMP)
        (out / f"{name}.docx").write_bytes(documents[name])
    old = OLD_LAYOUT.read_bytes()
    extra = {"old-layout": old, "old-layout-rebuilt": rebuilt_tables(old)[0]}
    for name, data in extra.items():
        (out / f"{name}.docx").write_bytes(data)
    profile = (tmp / "lo-profile").as_uri()  # its own profile: parallel runs do not clash
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                    "--outdir", str(out), *(str(out / f"{name}.docx") for name in [*reviews, *extra])],
                   check=True, capture_output=True, timeout=600)
    result = {}
    for name, (review, _) in reviews.items():
        pdf = out / f"{name}.pdf"
        assert pdf.is_file(), f"LibreOffice wrote no PDF of {name}"
        plain = subprocess.run([pdftotext, str(pdf), "-"], check=True, capture_output=True, timeout=60)
        layout = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
        pages = plain.stdout.decode("utf-8").split("\f")
        result[name] = Printed(name, review, documents[name], [p for p in pages if p.strip()],
                               " ".join(layout.stdout.decode("utf-8").split()))
    for name, data in extra.items():
        plain = subprocess.run([pdftotext, str(out / f"{name}.pdf"), "-"], check=True, capture_output=True, timeout=60)
        pages = [p for p in plain.stdout.decode("utf-8").split("\f") if p.strip()]
        result[name] = Printed(name, reviews["repro"][0], data, pages, "")
    return result


def lost_sessions(doc: Printed) -> list[str]:
    """Return the titles of sessions printed fewer times than the docx holds them (timetable, trail, findings)."""
    printed_text, written = _squeeze(doc.text), _squeeze(_docx_text(doc.docx))
    return [s.label for s in doc.review.submission.sessions
            if printed_text.count(_squeeze(s.label)) < written.count(_squeeze(s.label))]


NAMES = [f"generated-{n}" for n in SIZES] + ["repro", "failing", "not-approvable", "approvable-with-notes"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", NAMES)
def test_every_session_finding_and_total_is_printed(printed: dict[str, Printed], name: str) -> None:
    doc = printed[name]
    review = doc.review
    lost = lost_sessions(doc)
    assert not lost, f"{name}: sessions missing from the PDF: {lost}"
    printed_text = _squeeze(doc.text)
    profile = load_profile()
    for entry in entries(review, profile):
        for sentence in entry.sentences:
            assert _squeeze(sentence) in printed_text, f"{name}: finding not printed: {sentence}"
    tally = review.tally
    assert f"Total contact hours {fmt(tally.contact_hours)}" in doc.layout
    assert f"Points a participant earns {fmt(tally.points)} {tally.category}" in doc.layout
    for day, minutes in tally.day_minutes.items():
        assert f"{day_text(day, profile)} {fmt(tally.hours(minutes))}" in doc.layout, f"{name}: total of {day}"
    titles = {a.id: a.title for a in review.criteria.areas}
    for area, hours in tally.area_hours().items():
        assert f"{titles.get(area, area)} {fmt(hours)}" in doc.layout, f"{name}: hours of {area}"


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", NAMES)
def test_pages_are_whole_and_headers_unbroken(printed: dict[str, Printed], name: str) -> None:
    doc = printed[name]
    pages = doc.pages
    assert "Page 1 of" in pages[0] and f"Page {len(pages)} of {len(pages)}" in pages[-1]
    first = " ".join(pages[0].split())
    for words in ("International Institute of Municipal Clerks", doc.review.submission.program.title,
                  f"Reference {review_reference(doc.review)}", doc.review.verdict_text.upper()):
        assert _squeeze(words) in _squeeze(first), f"{name}: page 1 lacks {words!r}"
    [approval] = [" ".join(p.split()) for p in pages if "Points approved" in p]
    for label in ("Approval", "Decision", "Conditions or note", "Name", "Title", "Signature", "Date"):
        assert label in approval, f"{name}: the approval block is split ({label!r} is on another page)"
    document = docx.Document(io.BytesIO(doc.docx))
    headed = [t for t in document.tables if t._tbl.tr_lst[0].find(f"{W}trPr/{W}tblHeader") is not None]
    assert headed, f"{name}: no table with a header row"
    headers = {cell.text for table in headed for cell in table.rows[0].cells}
    text = doc.text
    broken = [h for h in headers if h and len(h) < 40 and " ".join(h.split()) not in text]
    assert not broken, f"{name}: headers broken inside a word (or lost): {broken}"
    assert "home/reviewer" not in text and "Submissions 2027" not in text


def test_the_word_layer_writes_the_old_tables_again_but_for_keeping_headers_with_their_rows() -> None:
    _, pairs = rebuilt_tables(OLD_LAYOUT.read_bytes())
    assert len(pairs) == 12
    for old, new in pairs:
        assert new == old


@pytest.mark.libreoffice
def test_the_old_layout_loses_a_day_and_the_word_layer_keeps_it(printed: dict[str, Printed]) -> None:
    """The layout that lost Tuesday's sessions, its tables written by today's Word layer, loses nothing."""
    old, rebuilt = printed["old-layout"], printed["old-layout-rebuilt"]
    assert not lost_sessions(rebuilt)
    tuesday = {s.label for s in old.review.submission.sessions if s.date == dt.date(2027, 7, 13)} - {"Lunch"}
    if not lost_sessions(old):
        pytest.skip("this LibreOffice prints the old layout whole: the defect cannot be shown here")
    assert tuesday <= set(lost_sessions(old))


@pytest.mark.libreoffice
def test_the_old_checks_still_hold(printed: dict[str, Printed]) -> None:
    """What the first LibreOffice test asked of the not-approvable base institute: title, verdict, hours, pages."""
    doc = printed["failing"]
    words = doc.layout
    assert doc.review.submission.program.title in words
    assert "NOT APPROVABLE" in words
    assert f"Total contact hours {fmt(doc.review.tally.contact_hours)}" in words
    assert "Page 1 of" in words
    assert "Returned by Jane Anne Long, Ed.D. on July 21, 2027" in words  # the recorded decision, on page 1
    assert "Review date July 20, 2027" in words


@pytest.mark.libreoffice
def test_render_writes_pdf_with_the_same_content_as_the_docx(printed: dict[str, Printed], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    pdftotext = _tool("pdftotext")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(STAMP.timestamp())))
    shutil.copy(REPRO, tmp_path / REPRO.name)
    out = tmp_path / "review.pdf"
    result = CliRunner().invoke(main, ["render", str(tmp_path / REPRO.name), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    text = subprocess.run([pdftotext, str(out), "-"], check=True, capture_output=True).stdout.decode("utf-8")
    repro = printed["repro"]
    again = Printed("cli", repro.review, b"", [p for p in text.split("\f") if p.strip()], "")
    assert again.text == repro.text


def test_pdf_without_libreoffice_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coursereview.documents.pdf.find_soffice", lambda: None)
    out = tmp_path / "review.pdf"
    result = CliRunner().invoke(main, ["render", str(REPRO), "-o", str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "LibreOffice" in result.stderr
    assert not out.exists()


def test_the_generator_reaches_what_the_pdf_test_needs(tmp_path: Path) -> None:
    """The generated programs hold long and short titles, tracks, findings of each severity, many days."""
    programs = [generated_program(n, seed=n) for n in SIZES]
    sessions = [s for p in programs for s in p["sessions"]]
    lengths = [len(s["title"].split()) for s in sessions]
    assert min(lengths) <= 2 and max(lengths) >= 20
    assert any(s.get("track") for s in sessions)
    assert {s.get("kind") for s in sessions} >= {None, "break", "meal"}
    days = [len({s["date"] for s in p["sessions"]}) for p in programs]
    assert max(days) >= 10
    path = tmp_path / "program.yaml"
    path.write_text(yaml.safe_dump(programs[-1], sort_keys=False), encoding="utf-8")
    review = check(load_submission(path))
    assert {f.severity for f in review.findings} >= {"error", "info"}
