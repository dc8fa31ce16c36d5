"""The staff workspace in a real browser (Chromium through Playwright) against `coursereview serve`, with real SMTP.

A director submits; a reviewer signs in, assigns, returns it with a note; the e-mail arrives with the
letter; the director's link shows "returned" and the letter; the director sends a corrected version;
the reviewer sees what changed and approves; the approval e-mail arrives.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from test_web_browser import serving
from test_web_staff import late_end, program
from test_web_staff_mail import Inbox

from coursereview.staff.register import history

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a browser-typed password"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                reason="needs Debian's Chromium at /usr/bin/chromium (CI installs it)")


@pytest.fixture
def server(tmp_path: Path, smtp: tuple[Inbox, int]) -> Iterator[str]:
    """Start `coursereview serve` on a free loopback port with a reviewer account; yield its address."""
    data = tmp_path / "data"
    cli = [sys.executable, "-m", "coursereview"]
    subprocess.run([*cli, "user", "add", "rita", "--email", "rita@iimc.example", "--password-stdin", "--data",
                    str(data)], input=PASSWORD + "\n", text=True, check=True, capture_output=True, timeout=60)
    with serving(data, "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp[1]), "--no-starttls") as url:
        yield url.rstrip("/")


def wait_for(inbox: Inbox, count: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(inbox.messages) >= count, f"{len(inbox.messages)} of {count} e-mails arrived"


def test_return_correct_and_approve_in_the_browser(server: str, smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    inbox, _ = smtp
    faulty, fixed = tmp_path / "institute.yaml", tmp_path / "institute-corrected.yaml"
    faulty.write_bytes(program(late_end))
    fixed.write_bytes(program())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            director = browser.new_context(accept_downloads=True).new_page()
            reviewer = browser.new_context(accept_downloads=True).new_page()

            # the director checks and submits a program with one fault
            director.goto(f"{server}/check")
            director.set_input_files("#file", str(faulty))
            director.get_by_role("button", name="Check the program").click()
            director.get_by_label("I confirm").check()
            director.get_by_role("button", name="Submit to IIMC").click()
            expect(director.get_by_role("heading", name="Received: thank you")).to_be_visible()
            status_link = director.locator(".link a").inner_text()
            reference = re.search(r"CR-\d{4}-\d{5}", director.content()).group(0)  # type: ignore[union-attr]

            # a reviewer signs in, takes it, returns it with a note
            reviewer.goto(f"{server}/staff/")
            expect(reviewer).to_have_url(re.compile(r"/staff/login$"))
            reviewer.get_by_label("User name").fill("rita")
            reviewer.get_by_label("Password").fill(PASSWORD)
            reviewer.get_by_role("button", name="Sign in").click()
            expect(reviewer.get_by_role("heading", name="The queue")).to_be_visible()
            reviewer.get_by_role("button", name=f"Assign {reference} to me").click()
            expect(reviewer.get_by_role("row", name=re.compile(reference))).to_contain_text("rita")
            reviewer.get_by_role("link", name=reference).click()
            expect(reviewer.get_by_role("heading", name="Status: In review")).to_be_visible()
            reviewer.get_by_label("Return for correction").check()
            reviewer.get_by_label("Note to the director").fill("Session 3 ends before it starts; correct the time.")
            reviewer.get_by_role("button", name="Record the decision and e-mail the director").click()
            expect(reviewer.get_by_role("heading", name="Status: Returned")).to_be_visible()

            # the e-mail arrives at the SMTP server with the letter attached
            wait_for(inbox, 1)
            returned = inbox.messages[0]
            assert reference in returned["Subject"] and "status update" in returned["Subject"]
            assert "Session 3 ends before it starts" in returned.get_body(("plain",)).get_content()
            letters = {a.get_filename(): a for a in returned.iter_attachments()}
            attached = letters.pop(f"{reference}-letter.docx")
            assert set(letters) <= {f"{reference}-letter.pdf"}  # the PDF too when LibreOffice is installed
            words = "\n".join(par.text for par in docx.Document(io.BytesIO(attached.get_content())).paragraphs)
            assert "Session 3 ends before it starts" in words

            # the director's link shows "returned" and the letter
            director.goto(status_link)
            expect(director.get_by_role("heading", name="Status: Returned")).to_be_visible()
            with director.expect_download() as download:
                director.get_by_role("link", name="Word (.docx)").click()
            assert Path(download.value.path()).read_bytes() == attached.get_content()

            # the director sends a corrected version
            director.set_input_files("#file", str(fixed))
            director.get_by_role("button", name="Check the corrected version").click()
            director.get_by_label("I confirm").check()
            director.get_by_role("button", name="Submit to IIMC").click()
            expect(director.get_by_role("heading", name="Received: thank you")).to_be_visible()
            corrected = re.search(r"CR-\d{4}-\d{5}", director.content()).group(0)  # type: ignore[union-attr]
            assert corrected != reference

            # the reviewer sees what changed and approves; the approval e-mail arrives
            reviewer.goto(f"{server}/staff/")
            reviewer.get_by_role("link", name=corrected).click()
            expect(reviewer.get_by_role("heading", name=f"What changed since {reference}")).to_be_visible()
            expect(reviewer.locator(".changes")).to_contain_text("ends at 12:30")
            expect(reviewer.get_by_role("heading", name=re.compile(r"Findings fixed \(\d+\)"))).to_be_visible()
            reviewer.get_by_label("Approve", exact=True).check()
            reviewer.get_by_role("button", name="Record the decision and e-mail the director").click()
            expect(reviewer.get_by_role("heading", name="Status: Approved")).to_be_visible()
            wait_for(inbox, 2)
            assert inbox.messages[1]["Subject"].startswith("Program approved:")
            assert corrected in inbox.messages[1]["Subject"]
            reviewer.screenshot(path=str(tmp_path / "staff-submission.png"), full_page=False)
        finally:
            browser.close()
    decisions = history(Path(tmp_path / "data" / "coursereview.db"))
    assert [(d.decision, d.reviewer) for d in decisions] == [("returned", "rita"), ("approved", "rita")]
