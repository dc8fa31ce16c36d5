"""`coursereview validate`: check submissions and print findings like a compiler."""

from __future__ import annotations

import json

import click

from coursereview.checking import check, load_submission
from coursereview.cli.common import CRITERIA_HELP, Failed, Unreadable, one_line_errors
from coursereview.documents.text_report import text_report
from coursereview.errors import CourseReviewError
from coursereview.wording import shown, shown_json


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--criteria", "criteria_ref", metavar="ID[@VERSION]|FILE", help=CRITERIA_HELP)
@click.option("--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: file:line:col lines and a summary; json: one JSON object per file, one per line.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.option("--explain", is_flag=True, help="Also print the calculation trail: how every total was reached.")
@one_line_errors
def validate(files: tuple[str, ...], criteria_ref: str | None, fmt_: str, strict: bool, explain: bool) -> None:
    """Check course program submissions against the IIMC guideline criteria.

    FILES are YAML, JSON or filled-in Word (.docx) submissions. Each finding is printed as
    file:line:col: severity CODE message (hint), then a summary of the verdict and the hours.

    \b
    Exit status: 0 approvable (with or without notes), 1 not approvable
    (or, with --strict, any warning), 2 a file could not be read.

    \b
    Example:
      coursereview example institute-part1 --source -o institute-part1.yaml
      coursereview validate institute-part1.yaml --explain
    """
    unreadable = failed = False
    for file in files:
        try:
            review = check(load_submission(file), criteria_ref)
        except CourseReviewError as exc:
            click.echo(shown(str(exc)), err=True)
            if fmt_ == "json":  # one object per file, always: a reader can pair them with the inputs
                failure = {"file": file, "verdict": None, "error": str(exc)}
                click.echo(shown_json(json.dumps(failure, ensure_ascii=False)))
            unreadable = True
            continue
        if fmt_ == "json":
            click.echo(shown_json(json.dumps(review.to_dict(), ensure_ascii=False)))
        else:
            click.echo(text_report(review, explain), nl=False)
        failed = failed or bool(review.exit_code) or (strict and bool(review.warnings))
    if unreadable:
        raise Unreadable()
    if failed:
        raise Failed()
