"""The review document read back: the docx, HTML and Markdown say what the check found, the same way."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from coursereview import check, load_submission, review_reference
from coursereview.documents import render, source_date
from coursereview.documents.review_context import SECTIONS
from coursereview.errors import CourseReviewError
from coursereview.review import Decision, Review
from coursereview.tally import fmt

SCRIPT = "<script>alert(1)</script>"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# A two-day institute part: a break, a meal, a hostile title, an unused instructor (a provisional
# warning) and no certificate (an error), so it is not approvable.
FIXTURE = f"""\
schema: coursereview/submission@1
provider:
  name: Fixture Clerks Institute
  institution: Fixture State University
  director: {{name: Dana Director, email: dana@example.org}}
program:
  title: Fixture Institute 2027, Part 1
  kind: institute
  part: 1
  start: 2027-05-17
  end: 2027-05-18
  location: Testville, MN
  assessment: Final written exercise
  attendance: Sign-in sheet
instructors:
  - {{id: ann, name: "Ann Author, MMC", position: City Clerk, qualifications: 20 years as a clerk}}
  - {{id: bob, name: Bob Builder, qualifications: PhD in public administration}}
  - {{id: cat, name: Cat Unused, qualifications: none}}
sessions:
  - {{title: Forms of Local Government, date: 2027-05-17, start: 08:00, end: 10:00, area: government,
      instructors: [ann], level: basic, description: Forms of government.}}
  - {{title: Morning break, date: 2027-05-17, start: 10:00, end: 10:30, kind: break}}
  - {{title: "{SCRIPT}", date: 2027-05-17, start: 10:30, end: 12:00, area: clerk-role,
      instructors: [bob], level: intermediate, description: Records.}}
  - {{title: Lunch, date: 2027-05-17, start: 12:00, end: 13:00, kind: meal}}
  - {{title: Budgeting for Clerks, date: 2027-05-17, start: 13:00, end: 17:00, area: management,
      instructors: [ann], level: basic, description: Budgets.}}
  - {{title: Ethics and Leadership, date: 2027-05-18, start: 08:00, end: 12:00, area: professional,
      instructors: [bob], level: intermediate, description: Ethics.}}
  - {{title: Lunch, date: 2027-05-18, start: 12:00, end: 13:00, kind: meal}}
  - {{title: Communicating with the Public, date: 2027-05-18, start: 13:00, end: 16:30, area: interpersonal,
      instructors: [ann], level: basic, description: Communication.}}
"""


def fixture_review(tmp_path: Path, text: str = FIXTURE) -> Review:
    path = tmp_path / "fixture.yaml"
    path.write_text(text, encoding="utf-8")
    return check(load_submission(path))


@pytest.fixture
def review(tmp_path: Path) -> Review:
    return fixture_review(tmp_path)


def read_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def table_with(document: docx.document.Document, first_header: str, second: str | None = None) -> list:
    """Return every table whose first cell is ``first_header`` (and second ``second``), as lists of row texts."""
    found = []
    for table in document.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows and rows[0][0] == first_header and (second is None or rows[0][1] == second):
            found.append(rows)
    return found


def key_values(document: docx.document.Document, first_label: str) -> dict[str, str]:
    """Return the label/value table whose first label is ``first_label`` as a dict."""
    [rows] = table_with(document, first_label)
    return {row[0]: row[1] for row in rows}


def what_the_document_says(review: Review) -> list:
    """Return the findings as the documents list them (documents.finding_text, default profile's dates)."""
    from coursereview.documents.finding_text import entries
    from coursereview.documents.profile import load_profile

    return entries(review, load_profile())


def test_fixture_is_not_approvable_with_a_provisional_warning(review: Review) -> None:
    assert review.verdict == "not-approvable"
    assert {"D003", "I002"} <= {f.code for f in review.findings}
    assert any(f.provisional for f in review.findings)


def test_docx_headings_in_order(review: Review) -> None:
    document = read_docx(render(review, "docx"))
    styles = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert styles[0] == ("Title", "Fixture Institute 2027, Part 1")
    assert [text for style, text in styles if style == "Heading 1"] == list(SECTIONS)
    days = [text for style, text in styles if style == "Heading 2" and text.endswith("2027")]
    assert days == ["Monday, May 17, 2027", "Tuesday, May 18, 2027"]  # the profile's date style, with the weekday


def test_docx_area_table_equals_the_tally(review: Review) -> None:
    document = read_docx(render(review, "docx"))
    [rows] = table_with(document, "Area")
    assert rows[0] == ["Area", "Hours offered", "Status"]  # no Required column: no area of the set has a minimum
    ids = {a.title: a.id for a in review.criteria.areas}
    offered = {ids[row[0]]: row[1] for row in rows[1:]}
    assert offered == {area: fmt(h) for area, h in review.tally.area_hours().items()}
    assert sum(float(h) for h in offered.values()) == pytest.approx(sum(review.tally.area_hours().values()))


def test_docx_hours_and_points(review: Review) -> None:
    document = read_docx(render(review, "docx"))
    [hours] = [t for t in document.tables if t.rows[0].cells[0].text == "Total contact hours"]
    values = {row.cells[0].text: row.cells[1].text for row in hours.rows}
    assert values["Total contact hours"] == fmt(review.tally.contact_hours) == "15.0"
    assert values["Points a participant earns"] == f"{fmt(review.tally.points)} CMC Education"
    body = "\n".join(p.text for p in document.paragraphs)
    for step in review.tally.steps():
        assert step[0].upper() + step[1:] + "." in body  # each step as a sentence


def test_docx_timetable_has_one_row_per_session_breaks_and_meals_count_zero(review: Review) -> None:
    document = read_docx(render(review, "docx"))
    tables = table_with(document, "No.", "Time")
    rows = [row for table in tables for row in table[1:]]
    assert len(rows) == len(review.submission.sessions) == 8
    assert [r[2] for r in rows].count("Lunch") == 2
    for row in rows:
        if row[3] in ("Break", "Meal"):  # kinds in words, not codes
            assert row[7] == "0.0"
    assert SCRIPT in [r[2] for r in rows]
    assert sorted(int(r[0]) for r in rows) == list(range(1, 9))  # sessions numbered from 1
    assert {r[4] for r in rows} >= {"Public Administration and Government", "Role of the Clerk (technical)"}


def test_docx_every_finding_appears_with_code_location_and_hint(review: Review) -> None:
    document = read_docx(render(review, "docx"))
    rows = [row for table in table_with(document, "Code") for row in table[1:]]
    assert sorted(r[0] for r in rows) == sorted({f.code for f in review.findings})
    by_code = {r[0]: r for r in rows}
    for entry in what_the_document_says(review):
        row = by_code[entry.code]
        for sentence, place in zip(entry.sentences, entry.places, strict=True):
            assert sentence in row[1] and sentence[0].isupper() and sentence.endswith(".")
            assert place in row[2] and "fixture.yaml" not in row[2]
        assert row[3] == ("\n".join(entry.hints) or "—")
        assert ("Provisional rule" in row[1]) == entry.provisional
        assert "(unused-instructor)" not in row[1] and "data integrity" not in row[1]


def test_docx_word_structure(review: Review) -> None:
    data = render(review, "docx")
    document = read_docx(data)
    for table in document.tables:
        assert table.style.name == "Table Grid"
    headed = [t for t in document.tables if t.rows[0].cells[0].text in ("Area", "No.", "Code")]
    assert len(headed) == 1 + 2 + 2 + 1  # areas, a timetable per day, errors and warnings, trail
    for table in headed:
        assert table._tbl.tr_lst[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(tr.find(f"{W}trPr/{W}tblHeader") is None for tr in table._tbl.tr_lst[1:])
    footer = document.sections[0].footer._element
    instructions = [f.get(f"{W}instr") for f in footer.iter(f"{W}fldSimple")]
    assert any("PAGE" in i.split() for i in instructions)
    props = document.core_properties
    assert props.title == "Fixture Institute 2027, Part 1"
    assert props.author == "Fixture Clerks Institute"
    assert "Course Program Review" in props.subject and "IIMC" in props.keywords
    assert review_reference(review) in props.keywords
    assert props.created == props.modified == props.last_printed == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def test_docx_approval_block_blank_or_recorded(review: Review) -> None:
    blank = read_docx(render(review, "docx"))
    [rows] = table_with(blank, "Decision")
    assert [r[0] for r in rows] == ["Decision", "Conditions or note", "Points approved", "Name", "Title",
                                    "Signature", "Date"]
    values = dict((r[0], r[1]) for r in rows)
    assert values["Decision"].split("   ") == ["☐ Approved", "☐ Approved with conditions", "☐ Returned"]
    assert (values["Name"], values["Title"]) == ("Jane Anne Long, Ed.D.", "Director of Professional Development")
    assert values["Signature"] == values["Date"] == values["Points approved"] == ""
    [table] = [t for t in blank.tables if t.rows[0].cells[0].text == "Decision"]
    signature = table.rows[5]
    assert signature.height is not None and signature.height.inches >= 0.5  # room to sign
    when = dt.datetime(2027, 6, 1, 14, 30, tzinfo=dt.UTC)
    decision = Decision("returned", "Robin Reviewer", when, "Add a certificate")
    recorded = read_docx(render(review, "docx", decision))
    values = key_values(recorded, "Decision")
    assert values["Decision"] == "Returned" and values["Name"] == "Robin Reviewer"
    assert values["Date"] == "June 1, 2027" and values["Conditions or note"] == "Add a certificate"
    assert values["Signature"] == "" and values["Points approved"] == "None"
    summary = key_values(recorded, "Verdict")
    assert summary["IIMC decision"] == "Returned by Robin Reviewer on June 1, 2027"


def test_docx_render_twice_is_byte_identical(review: Review) -> None:
    first = render(review, "docx")
    assert render(review, "docx") == first
    stamp = source_date({"SOURCE_DATE_EPOCH": "1800000000"})
    stamped = render(review, "docx", stamp=stamp)
    assert render(review, "docx", stamp=stamp) == stamped != first
    assert read_docx(stamped).core_properties.created == dt.datetime.fromtimestamp(1800000000, dt.UTC)
    with zipfile.ZipFile(io.BytesIO(stamped)) as zf:
        names = zf.namelist()
        # [Content_Types].xml first; then the parts every review shares, by name; then the review's own, by name
        own = ["docProps/core.xml", "word/_rels/document.xml.rels", "word/document.xml", "word/footer1.xml",
               "word/header1.xml", "word/media/image1.png"]
        shared = names[1:-len(own)]
        assert names[0] == "[Content_Types].xml" and names[-len(own):] == own and shared == sorted(shared)
        assert "word/styles.xml" in shared
        assert {i.date_time for i in zf.infolist()} == {(2027, 1, 15, 8, 0, 0)}


def test_source_date() -> None:
    assert source_date({}) == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert source_date({"SOURCE_DATE_EPOCH": "0"}) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(CourseReviewError, match="SOURCE_DATE_EPOCH"):
        source_date({"SOURCE_DATE_EPOCH": "yesterday"})


def test_docx_survives_control_characters(tmp_path: Path) -> None:
    """The loader refuses control characters; a review built through the library still renders."""
    import dataclasses

    from coursereview.errors import InputError

    text = FIXTURE.replace("title: Fixture Institute 2027, Part 1", 'title: "Fixture\\x07 Institute"')
    with pytest.raises(InputError, match="U\\+0007 is not allowed"):
        fixture_review(tmp_path, text)
    review = fixture_review(tmp_path)
    program = dataclasses.replace(review.submission.program, title="Fixture\x07 Institute")
    review = dataclasses.replace(review, submission=dataclasses.replace(review.submission, program=program))
    document = read_docx(render(review, "docx"))
    assert document.core_properties.title == "Fixture Institute"


class _Page(HTMLParser):
    """Collect the tags, the text and the tables of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse_html(data: bytes) -> _Page:
    page = _Page()
    page.feed(data.decode("utf-8"))
    page.close()
    return page


def test_html_is_escaped_self_contained_and_has_the_same_tables_as_the_docx(review: Review) -> None:
    data = render(review, "html")
    page = parse_html(data)
    assert "script" not in page.tags
    assert SCRIPT in "".join(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in data.decode()
    assert "style" in page.tags and "link" not in page.tags and "@media print" in data.decode()
    assert "svg" in page.tags  # the hours chart, inline
    assert page.tags.count("h2") == len(SECTIONS)
    document = read_docx(render(review, "docx"))
    docx_tables = [[[c.text for c in r.cells] for r in table.rows] for table in document.tables]
    assert len(page.tables) == len(docx_tables)  # the same tables in the same order
    for html, rows in zip(page.tables, docx_tables, strict=True):
        if rows[0][0] in ("Verdict", "Code"):  # rich cells (a coloured verdict, findings of many lines)
            assert [row[0] for row in html] == [row[0] for row in rows]
            continue
        if rows[0][:2] == ["No.", "Time"]:  # a timetable day: the session's note is on its own line in Word
            rows = [[cell.replace("\n", "") for cell in row] for row in rows]
        assert html == rows


def test_html_shows_every_finding_and_provisional_marker(review: Review) -> None:
    text = "".join(parse_html(render(review, "html")).text)
    for entry in what_the_document_says(review):
        assert entry.code in text and all(s in text for s in entry.sentences)
        assert all(place.replace("\n", "") in text for place in entry.places)
    assert "Provisional rule" in text


def test_markdown_has_the_same_content(review: Review) -> None:
    text = render(review, "md").decode()
    assert text.startswith("# Fixture Institute 2027, Part 1\n")
    assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == list(SECTIONS)
    assert "\\<script\\>alert(1)\\</script\\>" in text and SCRIPT not in text
    assert "| **Total contact hours** | 15.0 |" in text
    assert "| **Verdict** | **NOT APPROVABLE.** The program does not meet" in text
    for entry in what_the_document_says(review):
        assert f"**{entry.code}**" in text
    titles = {a.id: a.title for a in review.criteria.areas}
    for area, hours in review.tally.area_hours().items():
        assert f"| {titles[area]} | {fmt(hours)} |" in text
    assert "\n\n\n" not in text
