"""`coursereview render` and `coursereview example`: write review documents (docx, html, md, json)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coursereview.checking import check, example_source, example_submission, load_submission, shipped_examples
from coursereview.cli.common import (
    CRITERIA_HELP,
    Fail,
    db_option,
    end_with,
    one_line_errors,
    profile_option,
    register_to_read,
)
from coursereview.documents import FORMATS, RENDER_FORMATS, TEXT_FORMATS, format_for, source_date
from coursereview.documents import render as render_review
from coursereview.io import check_writable, write_atomic
from coursereview.review import Decision, Review
from coursereview.wording import shown

if TYPE_CHECKING:
    from coursereview.documents.profile import Profile


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, metavar="OUT",
              help="File to write (.docx, .pdf, .html, .md or .json); '-' writes html, md or json to stdout.")
@click.option("--format", "fmt_", type=click.Choice(RENDER_FORMATS),
              help="Output format; default: from the OUT suffix (md when OUT is '-').")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option("--criteria", "criteria_ref", metavar="ID[@VERSION]|FILE", help=CRITERIA_HELP)
@db_option("Decision register: show IIMC's latest recorded decision in the approval block. "
           "Default: coursereview.db here if it exists, or $COURSEREVIEW_DB.")
@profile_option()
@one_line_errors
def render(file: str, output: str, fmt_: str | None, force: bool, criteria_ref: str | None,
           db: str | None, profile: Profile) -> None:
    """Render the review document of a submission: docx, pdf, html, md or json.

    FILE is a YAML, JSON or Word (.docx) submission. Page 1 is a summary (verdict, hours,
    points, areas, the most important findings); then the program, every finding with where it
    is and what to change, hours by curriculum area with a chart, instructors, the day-by-day
    timetable, an approval block to sign, the calculation trail and an audit block. PDF is the
    docx printed by LibreOffice, which must be installed. The document is dated today
    (SOURCE_DATE_EPOCH sets the date and the docx time stamps): the same submission, criteria
    and date give the same bytes. A not-approvable submission is rendered too.

    \b
    Exit status: 0 approvable (with or without notes), 1 not approvable
    (the document is still written), 2 could not run.

    \b
    Example:
      coursereview example institute-part1 --source -o institute-part1.yaml
      coursereview render institute-part1.yaml -o review.docx
      coursereview render institute-part1.yaml -o - --format md
    """
    to_stdout = output == "-"
    fmt = _format(output, fmt_)
    if to_stdout and fmt not in TEXT_FORMATS:
        raise Fail(f"cannot write {fmt} to stdout; give a file name with -o")
    if not to_stdout:
        check_writable(output, force)
    if fmt == "pdf":
        _need_libreoffice()
    path = register_to_read(db)
    review = check(load_submission(file), criteria_ref)
    decision = _latest_decision(path, review) if path else None
    data = render_review(review, fmt, decision, stamp=source_date(), profile=profile, reviewed=review_day())
    summary = f"{review.verdict_text}: {review.tally.summary()}"
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        click.echo(shown(f"{file}: {summary}"), err=True)
    else:
        write_atomic(output, data, force)
        click.echo(shown(f"wrote {output} ({summary})"))
    end_with(review.exit_code)


@click.command()
@click.argument("name", required=False)
@click.option("-o", "--output", "out_dir", metavar="DIR|FILE", type=click.Path(),
              help="Folder to write the review examples to (created if missing); with --source, the file to write "
                   "the submission to. Without it, list the examples (or, with --source, print the submission).")
@click.option("--format", "formats", default="docx", show_default=True, metavar="FORMATS",
              help=f"Comma-separated formats to write: {', '.join(FORMATS)}.")
@click.option("--source", is_flag=True,
              help="Write the example submission NAME itself (YAML), to start from or to try the commands on.")
@click.option("--force", is_flag=True, help="Replace files that exist.")
@profile_option()
@one_line_errors
def example(name: str | None, out_dir: str | None, formats: str, source: bool, force: bool,
            profile: Profile) -> None:
    """Render the shipped example submissions as review examples, or write one to start from.

    Without -o, list the shipped examples. With -o DIR, render NAME (or every example) into
    DIR as NAME-review.docx (and any other --format), and list what was written. Examples
    that are not approvable are rendered too: their findings are the point. With --source,
    write the example submission NAME itself to -o FILE (or print it): every example the
    documentation uses is there after a plain install, in any folder.

    \b
    Example:
      coursereview example
      coursereview example institute-part1 -o reviews --format docx,html
      coursereview example not-approvable --source -o not-approvable.yaml
    """
    if source:
        _write_source(name, out_dir, force)
        return
    chosen = shipped_examples(name)
    if not chosen:
        raise Fail("no example submissions are shipped with this installation")
    if out_dir is None:
        for key, file in chosen.items():
            click.echo(f"{key}\t{file}")
        return
    wanted = _formats(formats)
    folder = Path(out_dir)
    targets = [(key, fmt, folder / f"{key}-review.{fmt}") for key in chosen for fmt in wanted]
    if folder.exists() and not folder.is_dir():
        raise Fail(f"{folder}: is not a folder")
    if folder.is_dir():
        for _key, _fmt, target in targets:  # refuse before writing anything
            check_writable(target, force)
    reviews = {key: check(example_submission(key)) for key in chosen}
    folder.mkdir(parents=True, exist_ok=True)
    for key, fmt, target in targets:
        review = reviews[key]
        write_atomic(target, render_review(review, fmt, stamp=source_date(), profile=profile), force)
        click.echo(f"wrote {target} ({review.verdict_text}: {review.tally.summary()})")


def review_day(environ: dict[str, str] | None = None) -> dt.date:
    """Return the date a review is dated: SOURCE_DATE_EPOCH's day when it is set, else today."""
    given = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    return source_date(environ).date() if given else dt.date.today()


def _need_libreoffice() -> None:
    from coursereview.documents import pdf

    if pdf.find_soffice() is None:
        raise Fail("PDF needs LibreOffice (soffice), which is not installed; write .docx instead, or install it")


def _write_source(name: str | None, output: str | None, force: bool) -> None:
    """Write (or print) the shipped example submission ``name`` itself."""
    if not name:
        raise Fail(f"--source: name the example to write, one of: {', '.join(shipped_examples())}")
    shipped = shipped_examples(name)[name]
    data = example_source(name)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    suffix = Path(shipped).suffix.lower()
    if Path(output).suffix.lower() not in (suffix, ".yml" if suffix == ".yaml" else suffix):
        raise Fail(f"{output}: the example is {suffix[1:].upper()}; name the file {Path(output).stem}{suffix}")
    write_atomic(output, data, force)
    click.echo(f"wrote {output} (the example submission {name}; check it with: coursereview validate {output})")


def _format(output: str, given: str | None) -> str:
    if output == "-":
        return given or "md"
    try:
        return format_for(output, given)
    except ValueError as exc:
        raise Fail(str(exc)) from None


def _formats(text: str) -> list[str]:
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise Fail(f"--format: unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def _latest_decision(db: str, review: Review) -> Decision | None:
    """Return IIMC's latest decision on this submission from the decision register at ``db``."""
    try:
        from coursereview.staff.register import latest_decision
    except ImportError:
        raise Fail("--db: this installation has no decision register (coursereview.staff.register)") from None
    return latest_decision(db, review.submission.sha256)
