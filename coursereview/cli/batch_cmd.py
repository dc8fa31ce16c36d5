"""`coursereview batch`, `decide`, `history` and `letter`: a season's queue, the decisions, the letters."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from coursereview.cli.common import (
    CRITERIA_HELP,
    Fail,
    Unreadable,
    db_option,
    end_with,
    one_line_errors,
    profile_option,
    register_path,
    register_to_read,
)
from coursereview.io import check_writable, write_atomic
from coursereview.wording import shown, shown_json

if TYPE_CHECKING:
    from coursereview.documents.profile import Profile


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for the review documents and the summary (created if missing).")
@click.option("--format", "formats", default="docx", show_default=True, metavar="FMT[,FMT...]",
              help="Review document formats to write: docx, html, md, json (comma-separated).")
@click.option("-j", "--jobs", "workers", type=click.IntRange(min=1), default=None,
              help="Processes to run at once. Default: one per core; 1 runs in this process.")
@click.option("--criteria", "criteria_ref", metavar="ID[@VERSION]|FILE", help=CRITERIA_HELP)
@click.option("--force", is_flag=True, help="Redo every submission, even unchanged ones, and replace files.")
@db_option("Decision register: show IIMC's latest recorded decision on each submission in summary.html. "
           "Default: coursereview.db here if it exists, or $COURSEREVIEW_DB.")
@click.option("--into", "into", metavar="DATA", type=click.Path(file_okay=False), default=None,
              help="Also place every readable submission in the web application's queue in data folder DATA "
                   "(a file already there is not placed twice).")
@profile_option(shipped_as_none=True)
@one_line_errors
def batch(paths: tuple[str, ...], outdir: str, formats: str, workers: int | None, criteria_ref: str | None,
          force: bool, db: str | None, into: str | None, profile: Profile | None) -> None:
    """Review many submissions at once and write a register of the batch.

    PATHS are submission files (.yaml, .yml, .json, .docx), folders (searched recursively) or
    glob patterns. Each submission's review documents go to OUTDIR as <name>-review.<format>,
    with summary.csv, summary.json and summary.html listing every submission (summary.html is a
    dashboard: counts by verdict, the submissions by verdict then date received, and IIMC's
    recorded decision from the register, --db). A file that
    cannot be read is listed as "could not read" with the reason; it never stops the batch.
    A path that does not exist is such a file. A folder or pattern that holds no submission
    is reported the same way, and when no path names any file at all, nothing is written.
    Unchanged submissions (same content, criteria, formats) are not redone unless --force.

    \b
    Exit status: 0 all approvable, 1 some not approvable, 2 some could not be read.

    \b
    Example:
      coursereview example academy --source -o academy.yaml
      coursereview example not-approvable --source -o not-approvable.yaml
      coursereview batch academy.yaml not-approvable.yaml -o reviews/ --format docx,html -j 2
      coursereview batch academy.yaml -o reviews/ --into coursereview-data
    """
    from coursereview.staff.batch import UNCHANGED, UNREADABLE, run_batch

    register = register_to_read(db)
    out = Path(outdir)
    wanted = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    show_bar = sys.stderr.isatty() and not os.environ.get("CI")
    with contextlib.ExitStack() as stack:
        bar: list[Any] = []

        def progress(row: Any, total: int) -> None:
            if not show_bar:
                return
            if not bar:
                bar.append(stack.enter_context(click.progressbar(length=total, label="Reviewing", file=sys.stderr)))
            bar[0].update(1)

        from coursereview.word.package import source_date

        result = run_batch(paths, out, wanted, workers, criteria_ref, force, progress, source_date(),
                           create_outdir=True, profile=profile, register=register)
    for row in result.rows:
        if row.status == UNREADABLE:
            click.echo(shown(row.reason), err=True)
    if not result.written:  # nothing to review: each path said why, and nothing was written
        raise Unreadable()
    if into:
        _place(into, [Path(r.file) for r in result.rows if r.status != UNREADABLE])
    verdicts = [r.verdict for r in result.rows]
    click.echo(
        f"{len(result.rows)} submissions: {verdicts.count('approvable')} approvable, "
        f"{verdicts.count('approvable-with-notes')} approvable with notes, "
        f"{verdicts.count('not-approvable')} not approvable, {result.count(UNREADABLE)} could not be read "
        f"({result.count(UNCHANGED)} unchanged since the last run); register: {out / 'summary.html'}")
    end_with(result.exit_code)


def _place(data: str, files: list[Path]) -> None:
    """Place the batch's readable files in the web application's queue (``batch --into``)."""
    from coursereview.staff.submissions import SubmissionStore, place_files

    placed = place_files(SubmissionStore(Path(data)).create(), files)
    for path, stored, what in placed:
        click.echo(f"{path}: {stored.reference + ', ' if stored else ''}{what}", err=True)
    click.echo(f"{sum(1 for _, _, w in placed if w == 'placed')} placed in the queue in {data}", err=True)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--approve", is_flag=True, help="Approve the program.")
@click.option("--return", "return_", is_flag=True, help="Return it to the provider (status update).")
@click.option("--reviewer", required=True, metavar="NAME", help="Who decides (recorded with the decision).")
@click.option("--note", default="", metavar="TEXT",
              help="Why; required with --override, and with --return (what is still required).")
@click.option("--override", is_flag=True, help="Approve although the tool finds the program not approvable.")
@click.option("--criteria", "criteria_ref", metavar="ID[@VERSION]|FILE", help=CRITERIA_HELP)
@db_option()
@one_line_errors
def decide(file: str, approve: bool, return_: bool, reviewer: str, note: str, override: bool,
           criteria_ref: str | None, db: str | None) -> None:
    """Record IIMC's decision on a submission in the decision register.

    The register keeps the submission's content hash, the criteria set (id, version, hash), the
    verdict the tool computed, the decision, reviewer, note and UTC time. Decisions are never
    changed or deleted: a later decision on the same submission supersedes an earlier one.

    \b
    Example:
      coursereview example academy --source -o academy.yaml
      coursereview decide academy.yaml --approve --reviewer "R. Staff"
      coursereview example not-approvable --source -o not-approvable.yaml
      coursereview decide not-approvable.yaml --return --reviewer "R. Staff" \\
        --note "Attach the certificate template"
    """
    if approve and return_:
        raise Fail("give either --approve or --return, not both")
    if not (approve or return_):
        raise Fail("give --approve or --return")
    decision = "approved" if approve else "returned"
    db = register_path(db)  # the only command that creates a register
    from coursereview.checking import check, load_submission  # here, not above: `batch` loads them only for work

    review = check(load_submission(file), criteria_ref)
    from coursereview.staff.register import record_decision  # sqlite3 loads only for register commands

    recorded = record_decision(db, review, decision, reviewer, note, override)
    how = " (override)" if recorded.override else ""
    click.echo(f"{file}: {recorded.decision}{how} by {recorded.reviewer} at "
               f"{recorded.decided_at:%Y-%m-%d %H:%M:%S} UTC; the tool's verdict: {review.verdict_text}; "
               f"recorded in {db}")


@click.command(name="history")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per decision; json: a list of decision objects.")
@db_option()
@one_line_errors
def history_cmd(file: str | None, fmt_: str, db: str | None) -> None:
    """List the recorded decisions, oldest first (only those on FILE's current content when given).

    \b
    Example:
      coursereview example academy --source -o academy.yaml
      coursereview history academy.yaml --format json
    """
    path = register_to_read(db)
    from coursereview.checking import load_submission

    sha = load_submission(file).sha256 if file else None
    if path is None:
        if fmt_ == "json":
            click.echo("[]")
        else:
            click.echo(f"no decision register {register_path(db)} here; `coursereview decide` creates one")
        return
    from coursereview.staff.register import history

    entries = history(path, sha)
    if fmt_ == "json":
        click.echo(shown_json(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2)))
        return
    if not entries:
        click.echo(f"no decisions recorded in {path}" + (f" for {file}" if file else ""))
    for entry in entries:
        click.echo(shown(_history_line(entry)))  # stored text, perhaps written by another program: never obeyed


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The letter: .docx, or .pdf (made with LibreOffice, which must be installed).")
@click.option("--draft", is_flag=True,
              help="Write a draft, marked DRAFT on every page, when no decision is recorded yet.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--criteria", "criteria_ref", metavar="ID[@VERSION]|FILE", help=CRITERIA_HELP)
@db_option()
@profile_option(shipped_as_none=True)
@one_line_errors
def letter(file: str, output: str, draft: bool, force: bool, criteria_ref: str | None, db: str | None,
           profile: Profile) -> None:
    """Write the decision letter to the provider: approved, or returned with what is still required.

    The newest decision recorded for the submission (see `coursereview decide`) decides which
    letter it is and gives its date. Without a recorded decision the letter is refused, unless
    --draft asks for a draft: marked DRAFT on every page and following the tool's verdict. A
    returned letter numbers what is still required, in plain words, with where it is (the
    session and its day, or the Word form's table, row and column) and how to put it right.
    The letterhead, contact facts and signatory come from the organisation profile (--profile).
    The same submission, decision and SOURCE_DATE_EPOCH give the same bytes.

    \b
    Example:
      coursereview example not-approvable --source -o not-approvable.yaml
      coursereview decide not-approvable.yaml --return --reviewer "R. Staff" --note "See the list"
      coursereview letter not-approvable.yaml -o status-update.docx
      coursereview example academy --source -o academy.yaml
      coursereview letter academy.yaml -o draft.pdf --draft
    """
    from coursereview.documents.letter import build_letter, letter_kind
    from coursereview.word.package import source_date

    suffix = Path(output).suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise Fail(f"{output}: a letter is a Word document or a PDF; give a .docx or .pdf name")
    if suffix == ".pdf":
        from coursereview.documents.pdf import find_soffice

        if not find_soffice():
            raise Fail(f"{output}: a PDF needs LibreOffice (soffice), which is not installed; write .docx instead")
    check_writable(output, force)
    path = register_to_read(db)
    from coursereview.checking import check, load_submission

    review = check(load_submission(file), criteria_ref)
    decision = None
    if path is not None:
        from coursereview.staff.register import latest_decision

        decision = latest_decision(path, review.submission.sha256)
    if decision is None and not draft:
        where = f"in {path}" if path else f"(no decision register {register_path(db)} here)"
        raise Fail(f"{file}: no decision recorded {where}; record one with `coursereview decide {file} --approve "
                   "--reviewer NAME` (or --return with --note), or write a draft with --draft")
    data = build_letter(review, decision, source_date(), profile=profile, draft=draft)
    if suffix == ".pdf":
        from coursereview.documents.pdf import docx_to_pdf

        data = docx_to_pdf(data)
    write_atomic(output, data, force)
    kind = letter_kind(review, decision)
    if decision is None:
        click.echo(shown(f"{output}: DRAFT {kind} letter (no decision recorded; it follows the verdict: "
                         f"{review.verdict_text})"))
    else:
        marked = " marked DRAFT" if draft else ""
        click.echo(shown(f"{output}: {kind} letter (decision by {decision.reviewer}){marked}"))


def _history_line(entry: Any) -> str:
    how = " (override)" if entry.override else ""
    note = f"  note: {entry.note}" if entry.note else ""
    return (f"{entry.id:>4}  {entry.decided_at}  {entry.decision}{how} by {entry.reviewer}  "
            f"[tool: {entry.verdict}, {entry.criteria_id}@{entry.criteria_version}]  {entry.file}  "
            f"{entry.program_title or ''}{note}")
