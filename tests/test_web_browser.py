"""A director's afternoon in a real browser (Chromium through Playwright) against `coursereview serve`."""

from __future__ import annotations

import contextlib
import copy
import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from playwright.sync_api import expect, sync_playwright
from test_web import fill_form as fill_web_form

from coursereview.intake import load_document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "institute-part1.yaml"
SCREENSHOT = ROOT / "docs" / "screenshot-result.png"
CHROMIUM = "/usr/bin/chromium"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
FAULTY = 4  # the session whose end time is wrong in the first upload


def _needed(what: str, present: bool) -> None:
    """Skip when ``what`` is missing outside CI; in CI, fail: these tests must run there."""
    if present:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not available, and CI must run the browser tests")
    pytest.skip(f"{what} is not available")


@contextlib.contextmanager
def serving(data: Path, *options: str) -> Iterator[str]:
    """Run `coursereview serve --port 0 --data DATA OPTIONS`; yield its address (http://127.0.0.1:PORT/); stop it."""
    process = subprocess.Popen([sys.executable, "-m", "coursereview", "serve", "--port", "0", "--data", str(data),
                                *options], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        line = process.stderr.readline() if process.stderr else ""
        found = re.search(r"serving on (http://127\.0\.0\.1:\d+/)", line)
        assert found, f"the server did not start: {line}"
        yield found.group(1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Start `coursereview serve` on a free loopback port; yield its address and data folder; stop it."""
    data = tmp_path_factory.mktemp("served") / "data"
    with serving(data) as url:
        yield url, data


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _needed("Chromium at /usr/bin/chromium", Path(CHROMIUM).exists())
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("console", lambda message: errors.append(message.text) if _unexpected(message) else None)
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"the browser reported errors: {errors}"  # a CSP violation would show here


def _unexpected(message: Any) -> bool:
    """Return whether a console message is an error no test expects (a CSP refusal, a script error).

    An HTTP error status is logged by the browser too; the tests that cause one check it themselves.
    """
    return message.type == "error" and "the server responded with a status of 4" not in message.text


def fill_form(blank: Path, data: dict[str, Any], out: Path) -> Path:
    """Fill the blank Word form as a director would (test_web.fill_form), and save it as ``out``."""
    out.write_bytes(fill_web_form(blank.read_bytes(), data))
    return out


def assert_accessible(page: Any, where: str) -> None:
    """Run axe-core on the page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, f"{where}: axe-core finds {serious}"


def test_a_director_checks_fixes_submits_and_follows_the_status(server: tuple[str, Path], page: Any,
                                                                 tmp_path: Path) -> None:
    url, data_dir = server
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your course program before you send it")
    assert_accessible(page, "home page")

    # The blank form, downloaded from the home page and filled in with one mistake.
    with page.expect_download() as download:
        page.get_by_role("link", name="Word form for the institute program").click()
    blank = tmp_path / "blank.docx"
    download.value.save_as(blank)
    data = copy.deepcopy(load_document(EXAMPLE).data)
    session = data["sessions"][FAULTY]
    good_end = session["end"]
    session["end"] = "7:00 AM"  # written with AM: an end before the start, not a time missing its PM
    faulty = fill_form(blank, data, tmp_path / "nwci.docx")

    # Check it: the verdict, and the finding at its row of the form and of the timetable.
    page.get_by_label("Your filled-in program").set_input_files(str(faulty))
    page.get_by_role("button", name="Check the program").click()
    expect(page.get_by_role("heading", name="Verdict: Not approvable")).to_be_visible()
    finding = page.get_by_role("listitem").filter(has_text="Session ends before it starts")
    expect(finding).to_contain_text(f'At sessions table, row {FAULTY + 1}, column "End"')
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=session["title"], exact=True))
    expect(row).to_contain_text("7:00 AM")
    expect(row).to_have_class(re.compile("faulty"))
    expect(page.get_by_role("img", name="Contact hours offered by curriculum area")).to_be_visible()
    assert_accessible(page, "result page")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # The review as Word, read back.
    with page.expect_download() as download:
        page.get_by_role("button", name="Review as Word (.docx)").click()
    assert download.value.suggested_filename == "nwci-review.docx"
    review = docx.Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    cells = " ".join(c.text for t in review.tables for r in t.rows for c in r.cells)
    text = " ".join(p.text for p in review.paragraphs) + " " + cells
    assert "T001" in text and "7:00 AM" in text

    # Fix it and check again: approvable.
    session["end"] = good_end
    fixed = fill_form(blank, data, tmp_path / "nwci-fixed.docx")
    page.get_by_label("Your corrected program").set_input_files(str(fixed))
    page.get_by_role("button", name="Check the corrected file").click()
    expect(page.get_by_role("heading", name="Verdict: Approvable")).to_be_visible()

    # Submit it, with the director pre-filled and the certificate template attached.
    expect(page.get_by_label("Director's name")).to_have_value(data["provider"]["director"]["name"])
    expect(page.get_by_label("Director's e-mail")).to_have_value(data["provider"]["director"]["email"])
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Certificate or transcript template").set_input_files(str(certificate))
    page.get_by_label("I confirm this program is ready").check()
    page.get_by_role("button", name="Submit to IIMC").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Received: thank you")
    expect(page.get_by_text(re.compile(r"CR-\d{4}-00001"))).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="certificate.pdf")).to_be_visible()
    assert_accessible(page, "receipt")

    # The private status link.
    link = page.get_by_role("link", name=re.compile(r"^http"))
    status_url = link.get_attribute("href")
    assert status_url and status_url.startswith(url + "status/")
    link.click()
    expect(page.get_by_role("heading", name="Status: Received")).to_be_visible()
    expect(page.get_by_text("Place in the queue: 1 of 1 waiting")).to_be_visible()
    assert_accessible(page, "status page")
    assert (data_dir / "coursereview.db").is_file()


def test_drag_and_drop_chooses_the_file(server: tuple[str, Path], page: Any) -> None:
    url, _ = server
    page.goto(url + "check")
    text = EXAMPLE.read_text(encoding="utf-8")
    page.locator(".dropzone").evaluate(
        """(zone, text) => {
            const files = new DataTransfer();
            files.items.add(new File([text], "dropped.yaml", {type: "application/yaml"}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true, cancelable: true}));
        }""", text)
    expect(page.get_by_text("Chosen: dropped.yaml")).to_be_visible()
    page.get_by_role("button", name="Check the program").click()
    expect(page.get_by_role("heading", name="Verdict: Approvable")).to_be_visible()
    expect(page.get_by_text("Result of the check of dropped.yaml")).to_be_visible()


def test_a_file_over_the_limit_is_named_before_it_is_sent(server: tuple[str, Path], page: Any) -> None:
    url, _ = server
    page.goto(url + "check")
    page.get_by_label("Your filled-in program").set_input_files(
        files=[{"name": "huge.yaml", "mimeType": "application/yaml", "buffer": b"#" * (3 * 1024 * 1024)}])
    expect(page.get_by_text("huge.yaml is larger than 2 MiB")).to_be_visible()
    page.get_by_role("button", name="Check the program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too large")


def test_everything_works_without_javascript(server: tuple[str, Path], browser: Any) -> None:
    url, _ = server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Your filled-in program").set_input_files(str(ROOT / "examples" / "not-approvable.yaml"))
    page.get_by_role("button", name="Check the program").click()
    expect(page.get_by_role("heading", name="Verdict: Not approvable")).to_be_visible()
    page.get_by_role("link", name="Criteria", exact=True).click()
    page.get_by_role("link", name=re.compile("IIMC CMC institute")).first.click()
    expect(page.get_by_role("heading", name="Curriculum areas")).to_be_visible()
    context.close()


@pytest.mark.parametrize("path", ["check", "criteria", "criteria/iimc-institute", "criteria/iimc-association",
                                  "no-such-page"])
def test_other_pages_pass_axe(server: tuple[str, Path], page: Any, path: str) -> None:
    url, _ = server
    page.goto(url + path)
    assert_accessible(page, path)


def test_a_phone_sees_the_result_without_sideways_scrolling(server: tuple[str, Path], browser: Any) -> None:
    url, _ = server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Your filled-in program").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Check the program").click()
    expect(page.get_by_role("heading", name=re.compile("^Verdict: "))).to_be_visible()  # the result, not the form
    page.wait_for_load_state("load")  # its pictures and styles too
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    context.close()
