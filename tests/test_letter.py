"""The decision letter: a US business letter, its parts in order, the numbered list in plain words, refusal, draft."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from test_intake_docx import FIXTURE, fill_form

from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.documents.letter import (
    DRAFT_MARK,
    LetterError,
    build_letter,
    inside_address,
    letter_kind,
    required_items,
    salutation,
)
from coursereview.documents.pdf import find_soffice
from coursereview.documents.plain import covered_codes
from coursereview.documents.profile import load_profile
from coursereview.documents.reference import review_reference
from coursereview.findings import CATALOG
from coursereview.location import Location
from coursereview.review import Decision, Review
from coursereview.staff.register import record_decision

DATA = Path(__file__).parent / "data"
CLEAN = DATA / "base-institute.yaml"
EXAMPLES = Path(__file__).parent.parent / "examples"
NOON = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)
APPROVED = Decision("approved", "Ann Staff", NOON)
RETURNED = Decision("returned", "Bob Staff", NOON, "Please also sign the certificate template.")
PNG = bytes.fromhex(  # a 4x2 PNG
    "89504e470d0a1a0a0000000d4948445200000004000000020802000000f0caea340000001049444154789c6390b3a980"
    "2306640e00529a06911af2afff0000000049454e44ae426082")
# What a provider must never read in a letter: finding codes, hashes, data keys, file positions, our folders.
LEAKS = re.compile(r"\b[STHAIDP]\d{3}\b|sha256|[0-9a-f]{12}|'[a-z_]+'|\.yaml:\d|sessions\[\d|\bprogram\.[a-z]|/tmp/")


@pytest.fixture
def faulty(tmp_path: Path) -> Path:
    """Return a submission with four errors (and a warning) in different places."""
    doc = copy.deepcopy(yaml.safe_load(CLEAN.read_text()))
    doc["sessions"][0]["end"] = "07:00"
    doc["sessions"][2]["instructors"] = ["zed"]
    doc["sessions"][3]["area"] = "astrology"
    del doc["provider"]["director"]["email"]
    path = tmp_path / "faulty.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def ohio(tmp_path: Path) -> Path:
    """Return an organisation profile of one's own, with a logo and the long date style."""
    (tmp_path / "logo.png").write_bytes(PNG)
    path = tmp_path / "ohio.yaml"
    path.write_text("name: Ohio Municipal Clerks Association\nshort_name: OMCA\ndepartment: Education Committee\n"
                    "address: [1 Main St, 'Columbus, OH 43215']\nphone: (614) 555-0100\nemail: ed@ohclerks.org\n"
                    "logo: logo.png\nsignatory: {name: Dana Whitaker, title: Education Chair}\ndate_style: long\n")
    return path


def _read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _lines(document) -> list[str]:
    """Return the document's lines of text (a line break inside a paragraph starts a new one)."""
    return [line for p in document.paragraphs for line in p.text.split("\n") if line.strip()]


def _items(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "List Number"]


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _in_order(lines: list[str], parts: list[str]) -> list[int]:
    """Return the index of the first line holding each part, each after the one before (fail if not found)."""
    found, start = [], 0
    for part in parts:
        index = next((i for i in range(start, len(lines)) if part in lines[i]), None)
        assert index is not None, f"{part!r} not found after line {start}: {lines[start:start + 5]}"
        found.append(index)
        start = index + 1
    return found


def _approved_parts(review: Review, profile_name: str, department: str, date: str, salute: str,
                    signatory: tuple[str, str]) -> list[str]:
    program = review.submission.program
    return [profile_name, department, date, review.submission.provider.director.name, review.submission.provider.name,
            salute, f"Re: {program.title}", f"Reference {review_reference(review)}", "Thank you for submitting",
            "Sincerely,", *signatory]


def test_an_approval_is_a_business_letter_with_its_parts_in_order() -> None:
    review = check(load_submission(CLEAN))
    document = _read(build_letter(review, APPROVED))
    profile = load_profile()
    lines = _lines(document)
    _in_order(lines, _approved_parts(review, profile.name, profile.department, "March 1, 2027", "Dear Dana Director:",
                                     (profile.signatory_name, profile.signatory_title)))
    assert lines[2] == "janelong@iimc.com | www.iimc.com"  # the contact line under the letterhead
    assert "earns 20.0 points (40.0 contact hours) as CMC Education." in _text(document)
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Program", "Contact hours", "Points", "Category"], ["Part 1", "40.0", "20.0", "CMC Education"]]
    assert not _items(document)
    assert not LEAKS.search(_text(document))
    closing = next(p for p in document.paragraphs if p.text.startswith("Sincerely,"))
    assert closing.text.split("\n") == ["Sincerely,", "", "", "", profile.signatory_name, profile.signatory_title,
                                        profile.name]  # room to sign, in one paragraph that never splits
    assert closing.paragraph_format.keep_together


def test_the_letter_follows_the_organisation_profile(ohio: Path) -> None:
    review = check(load_submission(CLEAN))
    data = build_letter(review, APPROVED, profile=load_profile(ohio))
    document = _read(data)
    lines = _lines(document)
    _in_order(lines, ["Ohio Municipal Clerks Association", "Education Committee", "1 Main St", "Columbus, OH 43215",
                      "(614) 555-0100 | ed@ohclerks.org", "1 March 2027", "Dear Dana Director:",
                      "OMCA has approved the program", "contact the Education Committee at ed@ohclerks.org or "
                      "(614) 555-0100.", "Sincerely,"])
    assert "Dana Whitaker\nEducation Chair\nOhio Municipal Clerks Association" in _text(document)
    assert len(document.inline_shapes) == 1  # the logo
    assert document.core_properties.author == "Ohio Municipal Clerks Association"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert any(name.startswith("word/media/") for name in z.namelist())


def _png(width: int, height: int) -> bytes:
    """Return a solid PNG image of ``width`` x ``height`` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x1e\x3c\x78" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_wide_logo_is_narrowed_to_the_text_width(ohio: Path) -> None:
    (ohio.parent / "logo.png").write_bytes(_png(2000, 100))
    document = _read(build_letter(check(load_submission(CLEAN)), APPROVED, profile=load_profile(ohio)))
    logo = document.inline_shapes[0]
    assert logo.width == 6.5 * 914400 and logo.height == logo.width // 20  # 6.5 inches: the text width


def test_a_damaged_logo_is_one_clear_error(ohio: Path) -> None:
    (ohio.parent / "logo.png").write_bytes(PNG[:20])  # the PNG signature, then nothing readable
    with pytest.raises(Exception, match="^the logo is not a readable PNG or JPEG image$"):
        build_letter(check(load_submission(CLEAN)), APPROVED, profile=load_profile(ohio))


@pytest.mark.parametrize(("name", "expected"), [
    ("Ms. Dana Whitaker, MMC", "Dear Ms. Whitaker:"),
    ("Dana Whitaker, MMC", "Dear Dana Whitaker:"),
    ("Dr Sam Lee", "Dear Dr. Lee:"),
    ("Mr. John Smith Jr.", "Dear Mr. Smith Jr.:"),
    ("Prof. Ada Byron King", "Dear Professor King:"),
    ("Ms.", "Dear Ms.:"),
    ("", "Dear Program Director:"),
    (None, "Dear Program Director:"),
], ids=["courtesy", "no-courtesy", "doctor", "suffix", "professor", "title-only", "empty", "none"])
def test_salutation(name: str | None, expected: str) -> None:
    assert salutation(name) == expected


def test_the_inside_address_names_director_provider_institution_and_associations() -> None:
    review = check(load_submission(EXAMPLES / "approvable-with-notes.yaml"))
    provider = review.submission.provider
    assert inside_address(review) == [provider.director.name, provider.name, provider.institution,
                                      *provider.association]


def test_a_return_numbers_what_is_still_required_in_plain_words(faulty: Path) -> None:
    review = check(load_submission(faulty))
    assert len(review.errors) == 4 and review.warnings
    document = _read(build_letter(review, RETURNED))
    assert _items(document) == [
        "Provider details: Director email. The director's e-mail address is missing; it is required. Fill it in.",
        "Session “Forms of Local Government”, Monday, May 17, 2027. The session ends at 7:00 AM, before it starts "
        "at 8:00 AM. Correct the times (on a 24-hour clock, 1:30 PM is 13:30).",
        "Session “Meetings, Minutes and Records Workshop”, Monday, May 17, 2027. The session names a presenter, "
        "“zed”, who is not in the instructors list. Add the presenter to the instructors list, or correct the name.",
        "Session “Meetings, Minutes and Records”, Tuesday, May 18, 2027. The session names a curriculum area, "
        "“astrology”, "
        "that is not one of the criteria's areas. Choose one of the curriculum areas: Public Administration and "
        "Government; Role of the Clerk (technical); Management and Finance; Interpersonal and Communication "
        "Skills; Personal and Professional Development; Special Topics and Emerging Issues.",
    ]
    text = _text(document)
    assert "cannot approve it as submitted. The following 4 items are still required." in text
    assert "The reviewer adds: Please also sign the certificate template." in text
    assert f"send the complete submission again to janelong@iimc.com, quoting reference {review_reference(review)}" \
        in text
    assert "please contact the Education Department (Professional Development) at janelong@iimc.com." in text
    for warning in review.warnings:  # warnings are not requirements
        assert warning.message not in text
    assert not LEAKS.search(text), LEAKS.search(text)
    assert str(faulty.parent) not in text


def test_a_word_form_return_names_the_forms_table_row_and_column(tmp_path: Path) -> None:
    blank = tmp_path / "blank.docx"
    assert CliRunner().invoke(main, ["new", "-o", str(blank)]).exit_code == 0
    data = copy.deepcopy(FIXTURE)
    data["sessions"][2]["end"] = "9:00"
    del data["program"]["certificate"]
    data["sessions"][4]["description"] = ""
    data["sessions"][6]["description"] = ""
    review = check(load_submission(fill_form(blank, data, tmp_path / "filled.docx")))
    items = [i.text for i in required_items(review)]
    assert items == [
        "Program details: Certificate (in your form: program table, row “Certificate”). The program names no "
        "certificate or transcript template. Name the template's file or describe it, and send the template with "
        "the program.",
        "Session “Forms of Government”, Monday, July 12, 2027 (in your form: sessions table, row 3, column “End”). "
        "The session ends at 9:00 AM, before it starts at 10:15 AM. Correct the times (on a 24-hour clock, 1:30 PM "
        "is 13:30).",
        "2 sessions: “Ethics for Clerks”, Monday, July 12, 2027 (in your form: sessions table, row 5, column "
        "“Description”); “Records Management”, Tuesday, July 13, 2027 (in your form: sessions table, row 7, column "
        "“Description”). Each of these sessions has no description of its content. Describe what each session "
        "teaches.",  # a missing value is named at its empty cell
        "Session “Budget Basics”, Monday, July 12, 2027 (in your form: sessions table, row 6, column “Area”). The "
        "session names a curriculum area, “mystery-area”, that is not one of the criteria's areas. Choose one of "
        "the curriculum areas: Public Administration and Government; Role of the Clerk (technical); Management and "
        "Finance; Interpersonal and Communication Skills; Personal and Professional Development; Special Topics and "
        "Emerging Issues.",
        "Session “Records Management”, Tuesday, July 13, 2027 (in your form: sessions table, row 7, column "
        "“Instructors”). The session names a presenter, “nobody”, who is not in the instructors list. Add the "
        "presenter to the instructors list, or correct the name.",
    ]
    text = _text(_read(build_letter(review, RETURNED)))
    assert "The following 5 items are still required." in text
    assert not LEAKS.search(text) and "filled.docx" not in text


def test_a_misspelt_area_or_presenter_gets_a_did_you_mean_in_words() -> None:
    review = check(load_submission(EXAMPLES / "not-approvable.yaml"))
    text = "\n".join(i.text for i in required_items(review))
    assert "Did you mean “Role of the Clerk (technical)”?" in text
    assert "overlaps “Minutes That Hold Up” (8:30 AM to 10:00 AM) on the same day" in text
    assert not LEAKS.search(text)


def test_every_finding_code_has_its_own_plain_sentence() -> None:
    assert covered_codes() == set(CATALOG)


def test_a_finding_at_an_unknown_place_still_reads_plainly(faulty: Path) -> None:
    review = check(load_submission(faulty))
    first = next(f for f in review.errors if f.code == "T001")
    nowhere = dataclasses.replace(first, path=(), location=None)
    outside = dataclasses.replace(first, path=("sessions", 999, "end"), location=Location("x.yaml", 3, 4))
    review = dataclasses.replace(review, findings=(nowhere, outside))
    items = required_items(review)
    assert [i.where for i in items] == ["The program as a whole"]  # the same request, one item
    assert items[0].what == "“Forms of Local Government” ends at 07:00, not after its start at 08:00."
    assert items[0].how == "Times use a 24-hour clock: 1:30 pm is 13:30."


def test_the_recorded_decision_chooses_the_letter_and_dates_it(faulty: Path) -> None:
    clean, bad = check(load_submission(CLEAN)), check(load_submission(faulty))
    assert letter_kind(clean, RETURNED) == "returned"
    text = _text(_read(build_letter(clean, RETURNED)))
    assert "March 1, 2027" in text and "Please also sign the certificate template." in text
    assert "What is still required is set out below." in text
    override = Decision("approved", "Ann Staff", NOON, "board agreed to the schedule", override=True)
    assert letter_kind(bad, override) == "approved"
    text = _text(_read(build_letter(bad, override)))
    assert "has approved the program" in text
    assert "The program is approved on our reviewer's judgement: board agreed to the schedule" in text


@pytest.mark.parametrize("note", ["", "   "], ids=["no-note", "blank-note"])
def test_a_return_without_errors_or_note_asks_the_provider_to_get_in_touch(note: str) -> None:
    clean = check(load_submission(CLEAN))
    text = _text(_read(build_letter(clean, Decision("returned", "Bob Staff", NOON, note))))
    assert "note" not in text.lower() and "reviewer adds" not in text
    assert "Please contact us to learn what is still required." in text


def test_without_a_decision_the_library_writes_only_a_draft() -> None:
    review = check(load_submission(CLEAN))
    with pytest.raises(LetterError, match="needs a recorded decision"):
        build_letter(review)
    document = _read(build_letter(review, draft=True))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert DRAFT_MARK in section.first_page_header.paragraphs[0].text  # page 1
    assert DRAFT_MARK in section.header.paragraphs[0].text  # every later page
    assert "[date of the decision]" in _text(document)
    assert document.core_properties.category == "DRAFT"
    decided = _read(build_letter(review, APPROVED))
    assert DRAFT_MARK not in decided.sections[0].header.paragraphs[0].text
    assert decided.sections[0].first_page_header.paragraphs[0].text == ""


def test_same_input_gives_the_same_bytes(faulty: Path) -> None:
    review = check(load_submission(faulty))
    first = build_letter(review, RETURNED)
    assert first == build_letter(check(load_submission(faulty)), RETURNED)
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"
    stamped = build_letter(review, RETURNED, dt.datetime(2030, 6, 1, tzinfo=dt.UTC))
    assert stamped != first
    assert _read(stamped).core_properties.modified == dt.datetime(2030, 6, 1, tzinfo=dt.UTC)


def test_the_points_table_fits_the_text_width() -> None:
    data = build_letter(check(load_submission(CLEAN)), APPROVED)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', xml)]
    assert widths and sum(widths) <= 9360  # US Letter, 1-inch side margins


# --- the command ----------------------------------------------------------------------------------------


def test_cli_refuses_a_letter_without_a_recorded_decision(faulty: Path, tmp_path: Path) -> None:
    out = tmp_path / "letter.docx"
    result = CliRunner().invoke(main, ["letter", str(faulty), "-o", str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"{faulty}: no decision recorded (no decision register coursereview.db here); record "
                             f"one with `coursereview decide {faulty} --approve --reviewer NAME` (or --return with "
                             "--note), or write a draft with --draft\n")
    assert not out.exists()
    db = tmp_path / "register.db"
    record_decision(db, check(load_submission(CLEAN)), "approved", "Ann Staff")  # a register, nothing on faulty
    result = CliRunner().invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db)])
    assert result.exit_code == 2 and f"no decision recorded in {db}; record one" in result.stderr
    assert not out.exists()


def test_cli_draft_then_decided_letter_and_never_overwrites(faulty: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db, out = tmp_path / "register.db", tmp_path / "letter.docx"
    draft = runner.invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db), "--draft"])
    assert draft.exit_code == 2 and f"{db}: no such decision register" in draft.stderr  # a named register must exist
    record_decision(db, check(load_submission(CLEAN)), "approved", "Ann Staff")
    draft = runner.invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db), "--draft"])
    assert draft.exit_code == 0, draft.output
    assert draft.stdout == f"{out}: DRAFT returned letter (no decision recorded; it follows the verdict: " \
                           "not approvable)\n"
    assert DRAFT_MARK in docx.Document(out).sections[0].header.paragraphs[0].text
    before = out.read_bytes()
    again = runner.invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db), "--draft"])
    assert again.exit_code == 2 and "already exists; use --force" in again.stderr
    assert out.read_bytes() == before

    record_decision(db, check(load_submission(faulty)), "approved", "Ann Staff", "board agreed", override=True,
                    now=NOON)
    forced = runner.invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db), "--force"],
                           env={"SOURCE_DATE_EPOCH": "1900000000"})
    assert forced.exit_code == 0 and forced.stdout == f"{out}: approved letter (decision by Ann Staff)\n"
    document = docx.Document(out)
    assert "has approved the program" in _text(document) and "March 1, 2027" in _text(document)
    assert document.core_properties.created == dt.datetime(2030, 3, 17, 17, 46, 40, tzinfo=dt.UTC)


def test_cli_letter_output_names_and_unreadable_input(faulty: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    wrong = runner.invoke(main, ["letter", str(faulty), "-o", str(tmp_path / "letter.txt"), "--draft"])
    assert wrong.exit_code == 2 and "give a .docx or .pdf name" in wrong.stderr
    unreadable = tmp_path / "dup.yaml"
    unreadable.write_bytes(b"a: 1\na: 2\n")
    bad = runner.invoke(main, ["letter", str(unreadable), "-o", str(tmp_path / "x.docx"), "--draft"])
    assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1 and not (tmp_path / "x.docx").exists()


def test_cli_pdf_without_libreoffice_is_one_line(faulty: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice anywhere
    out = tmp_path / "letter.pdf"
    result = CliRunner().invoke(main, ["letter", str(faulty), "-o", str(out), "--draft"])
    assert result.exit_code == 2
    assert result.stderr == f"{out}: a PDF needs LibreOffice (soffice), which is not installed; write .docx instead\n"
    assert not out.exists()


def test_a_register_named_but_absent_is_one_line_and_writes_no_letter(faulty: Path, tmp_path: Path) -> None:
    out = tmp_path / "letter.docx"
    typo = tmp_path / "coursereview.bd"
    for args, env in ((["--db", str(typo)], {}), ([], {"COURSEREVIEW_DB": str(typo)})):
        result = CliRunner().invoke(main, ["letter", str(faulty), "-o", str(out), *args], env=env)
        assert result.exit_code == 2
        assert result.stderr == f"{typo}: no such decision register\n" and result.stdout == ""
        assert not out.exists() and not typo.exists()


def test_the_default_register_in_the_working_folder_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    record_decision(tmp_path / "coursereview.db", check(load_submission(CLEAN)), "returned", "Bob Staff",
                    "sign the certificate template", now=NOON)
    decided = CliRunner().invoke(main, ["letter", str(CLEAN), "-o", "letter.docx"])
    assert decided.exit_code == 0 and decided.stdout == "letter.docx: returned letter (decision by Bob Staff)\n"
    assert decided.stderr == ""


# --- printed: the PDF LibreOffice makes -----------------------------------------------------------------


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _need_libreoffice() -> None:
    """Skip outside CI when LibreOffice or pdftotext is missing; in CI (where they must run) fail instead."""
    if find_soffice() and shutil.which("pdftotext"):
        return
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) and pdftotext must be installed for CI")
    pytest.skip("LibreOffice (soffice) or pdftotext is not installed")


@pytest.mark.libreoffice
def test_printed_letters_keep_their_parts_in_order(faulty: Path, tmp_path: Path) -> None:
    """Two soffice runs in all: `letter -o x.pdf` itself, then one conversion of several letters."""
    _need_libreoffice()
    db = tmp_path / "register.db"
    record_decision(db, check(load_submission(faulty)), "returned", "Bob Staff", "see the list", now=NOON)
    pdf = tmp_path / "returned.pdf"
    made = CliRunner().invoke(main, ["letter", str(faulty), "-o", str(pdf), "--db", str(db)])
    assert made.exit_code == 0, made.output
    assert pdf.read_bytes().startswith(b"%PDF")

    long_doc = yaml.safe_load(CLEAN.read_text())  # a long return: many distinct items, more than a page
    for i, session in enumerate(long_doc["sessions"]):
        session["area"] = f"unheard-of-{i}"
        session["instructors"] = [f"ghost{i}"]
    long_path = tmp_path / "long.yaml"
    long_path.write_text(yaml.safe_dump(long_doc, sort_keys=False))
    letters = {"approved": build_letter(check(load_submission(CLEAN)), APPROVED),
               "long-draft": build_letter(check(load_submission(long_path)), draft=True)}
    for name, data in letters.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *(str(tmp_path / f"{n}.docx") for n in letters)],
                   check=True, capture_output=True, timeout=180)

    returned = _pages(pdf)
    assert len(returned) == 1 and "Page 1" not in returned[0]  # a one-page letter has no page number
    lines = [line.strip() for line in returned[0].splitlines() if line.strip()]
    review = check(load_submission(faulty))
    _in_order(lines, ["International Institute of Municipal Clerks", "Education Department", "janelong@iimc.com",
                      "March 1, 2027", "Dana Director", "Dear Dana Director:", "Re: ",
                      f"Reference {review_reference(review)}", "still required", "1.", "2.", "3.", "4.",
                      "To resubmit", "Sincerely,", "Jane Anne Long, Ed.D.", "Director of Professional Development"])
    assert not LEAKS.search(returned[0])

    approved = _pages(tmp_path / "approved.pdf")
    assert len(approved) == 1
    _in_order([line.strip() for line in approved[0].splitlines()],
              ["International Institute of Municipal Clerks", "March 1, 2027", "Dear Dana Director:", "Re: ",
               "has approved the program", "Contact hours", "Sincerely,", "Jane Anne Long, Ed.D."])

    pages = _pages(tmp_path / "long-draft.pdf")
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert DRAFT_MARK in " ".join(page.split())  # on every page
        if number > 1:
            assert f"Page {number} of {len(pages)}" in page and "Dana Director" in page
    whole = "\n".join(pages)
    assert "Sincerely," in whole and whole.index("Sincerely,") < whole.index("Jane Anne Long, Ed.D.")
    last = [line for line in pages[-1].splitlines() if line.strip() and "DRAFT" not in line and "Page" not in line]
    assert len(last) > 5  # the closing never stands alone on the last page
